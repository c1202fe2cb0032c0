/**
 * The engine's fast paths against simple references: fused row predicates
 * (ranges, lengths, set membership) against the generic vectorised evaluator,
 * and numeric uniqueness (typed hash map, sorted-batch shortcut) against a
 * row-at-a-time count, on random data with nulls, NaN, infinities and -0.
 */
import { Field, Float64, makeBuilder, RecordBatch, Schema, Struct, Table, Utf8, makeData, type DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuality, type QualityRule } from '../../../src/quality/index.js';
import { compileByteRegex, matchBytes } from '../../../src/quality/expr/byte-regex.js';
import type { Expr } from '../../../src/quality/expr/ast.js';
import { evaluate } from '../../../src/quality/expr/eval.js';
import { fastPass } from '../../../src/quality/expr/fast.js';
import { vecOfData, type Vec } from '../../../src/quality/expr/vector.js';
import { NumMap } from '../../../src/quality/num-map.js';

function dataOf(type: DataType, values: unknown[]) {
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  for (const v of values) b.append(v as never);
  return b.finish().flush();
}

function batchOf(columns: Record<string, { type: DataType; values: unknown[] }>): RecordBatch {
  const names = Object.keys(columns);
  const fields = names.map((n) => new Field(n, columns[n]!.type, true));
  const children = names.map((n) => dataOf(columns[n]!.type, columns[n]!.values));
  const length = children[0]?.length ?? 0;
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length, nullCount: 0, children }));
}

const numArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -20, max: 20 }).map((k) => k / 2) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, null) },
);
const STRS = ['', 'a', 'ab', 'abc', 'USD', 'EUR', 'é', 'ñandú', '日本語', '😀x', 'merchant_0001'];
const strArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...STRS) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) });

const OPS = ['<', '<=', '>', '>=', '=', '!='] as const;
const boundArb = fc.oneof(fc.integer({ min: -12, max: 12 }).map((k) => k / 2), fc.constantFrom(Infinity, -Infinity, 0, -0));
const cmpsArb = fc.array(fc.tuple(fc.constantFrom(...OPS), boundArb), { minLength: 1, maxLength: 3 });

function conj(subject: Expr, cmps: [string, number][]): Expr {
  return cmps.map(([op, v]) => ({ k: 'bin', op, l: subject, r: { k: 'lit', v } }) as Expr).reduce((a, b) => ({ k: 'bin', op: 'AND', l: a, r: b }));
}

function lookup(batch: RecordBatch): (name: string) => Vec | undefined {
  const cache = new Map<string, Vec>();
  return (name) => {
    const i = batch.schema.fields.findIndex((f) => f.name === name);
    if (i < 0) return undefined;
    let v = cache.get(name);
    if (!v) cache.set(name, (v = vecOfData(batch.data.children[i]!)));
    return v;
  };
}

function generic(e: Expr, batch: RecordBatch): Int8Array {
  const r = evaluate(e, lookup(batch), batch.numRows);
  expect(r.t).toBe('bool');
  return r.v as Int8Array;
}

describe('fused row predicates', () => {
  it('ranges over numbers equal the generic evaluator (nulls, NaN, ±Infinity, -0)', () => {
    fc.assert(
      fc.property(fc.array(numArb, { maxLength: 60 }), cmpsArb, (xs, cmps) => {
        const batch = batchOf({ x: { type: new Float64(), values: xs } });
        const e = conj({ k: 'col', name: 'x' }, cmps);
        const fast = fastPass(e, lookup(batch), batch.numRows);
        expect(fast).toBeDefined();
        expect(Array.from(fast!)).toEqual(Array.from(generic(e, batch)));
      }),
      { numRuns: 300 },
    );
  });

  it('string lengths equal the generic evaluator (ASCII, multi-byte, astral, nulls)', () => {
    fc.assert(
      fc.property(fc.array(strArb, { maxLength: 60 }), cmpsArb, (xs, cmps) => {
        const batch = batchOf({ s: { type: new Utf8(), values: xs } });
        const e = conj({ k: 'call', fn: 'length', args: [{ k: 'col', name: 's' }] }, cmps);
        const fast = fastPass(e, lookup(batch), batch.numRows);
        expect(fast).toBeDefined();
        expect(Array.from(fast!)).toEqual(Array.from(generic(e, batch)));
      }),
      { numRuns: 300 },
    );
  });

  it('set membership through the dictionary equals the generic evaluator', () => {
    fc.assert(
      fc.property(fc.array(strArb, { maxLength: 300 }), fc.uniqueArray(fc.constantFrom(...STRS), { maxLength: 5 }), fc.boolean(), (xs, values, not) => {
        const batch = batchOf({ s: { type: new Utf8(), values: xs } });
        const e: Expr = { k: 'in', e: { k: 'col', name: 's' }, list: values.map((v) => ({ k: 'lit', v })), not };
        const fast = fastPass(e, lookup(batch), batch.numRows);
        // Only low-cardinality columns take the dictionary; others fall back (undefined).
        if (fast) expect(Array.from(fast)).toEqual(Array.from(generic(e, batch)));
      }),
      { numRuns: 300 },
    );
  });

  it('simple regular expressions over UTF-8 bytes equal RegExp (u flag, partial match)', () => {
    const atom = fc.constantFrom('a', 'b', 'A', '0', '9', '-', ' ', '_', '\\d', '\\w', '\\.', '\\-', '[a-c]', '[0-9]', '[a\\-c]', '[-x]', '[A-Z_]', '[\\d.]', '.', '(a)', 'é', '[^a]', '\\s');
    const quant = fc.constantFrom('', '', '?', '*', '+', '{2}', '{1,3}', '{0,}', '+?', '{2,1}');
    const patternArb = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(atom, quant).map(([a, q]) => a + q), { maxLength: 6 }), fc.boolean())
      .map(([s, parts, e]) => (s ? '^' : '') + parts.join('') + (e ? '$' : ''));
    const textArb = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'Z', '0', '5', '9', '-', '.', ' ', '_', 'x', 'é', '😀', '\n'), { maxLength: 10 }).map((cs) => cs.join(''));
    const enc = new TextEncoder();
    let compiled = 0;
    fc.assert(
      fc.property(patternArb, fc.array(textArb, { maxLength: 8 }), (pattern, texts) => {
        const re = compileByteRegex(pattern);
        if (!re) return;
        compiled++;
        const js = new RegExp(pattern, 'u');
        for (const t of texts) {
          const b = enc.encode(t);
          expect(matchBytes(re, b, 0, b.length), `${pattern} on ${JSON.stringify(t)}`).toBe(js.test(t) ? 1 : 0);
        }
      }),
      { numRuns: 1000 },
    );
    expect(compiled).toBeGreaterThan(100);
    for (const p of ['a|b', '(a)', '.', '[^a]', '\\s', 'é', 'a{2', '[a-']) expect(compileByteRegex(p), p).toBeUndefined();
  });

  it('regexp_matches over a high-cardinality column equals the generic evaluator', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), { freq: 6 }), { maxLength: 400 }), fc.constantFrom('^[a-z]+$', '\\d{2}', '^A.?', '[A-Z_]{1,3}$', ''), (xs, pattern) => {
        const batch = batchOf({ s: { type: new Utf8(), values: xs } });
        const e: Expr = { k: 'call', fn: 'regexp_matches', args: [{ k: 'col', name: 's' }, { k: 'lit', v: pattern }] };
        const fast = fastPass(e, lookup(batch), batch.numRows);
        if (fast) expect(Array.from(fast)).toEqual(Array.from(generic(e, batch)));
      }),
      { numRuns: 200 },
    );
  });

  it('declines shapes and kinds it does not handle', () => {
    const batch = batchOf({ s: { type: new Utf8(), values: ['a', null] }, x: { type: new Float64(), values: [1, 2] } });
    const cols = lookup(batch);
    expect(fastPass(conj({ k: 'col', name: 's' }, [['>', 1]]), cols, 2)).toBeUndefined();
    expect(fastPass(conj({ k: 'col', name: 'missing' }, [['>', 1]]), cols, 2)).toBeUndefined();
    expect(fastPass({ k: 'bin', op: 'OR', l: { k: 'col', name: 'x' }, r: { k: 'col', name: 'x' } }, cols, 2)).toBeUndefined();
  });
});

const uniqueArbRows = fc.array(
  fc.record({
    sorted: fc.boolean(),
    values: fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -30, max: 30 }) }, { weight: 1, arbitrary: fc.constantFrom(NaN, -0, null) }), { maxLength: 25 }),
  }),
  { maxLength: 5 },
);

/** Batches, some made strictly increasing (the sorted-batch shortcut), some raw. */
function chunksOf(spec: { sorted: boolean; values: (number | null)[] }[]): (number | null)[][] {
  return spec.map(({ sorted, values }) => (sorted ? [...new Set(values.filter((v): v is number => v !== null && v === v))].sort((a, b) => a - b) : values));
}

function referenceUnique(all: (number | null)[], nullsFail: boolean): number[] {
  const count = new Map<string, number>();
  const keyOf = (v: number) => (v !== v ? 'NaN' : String(v + 0));
  for (const v of all) if (v !== null) count.set(keyOf(v), (count.get(keyOf(v)) ?? 0) + 1);
  return all.flatMap((v, i) => ((v === null ? nullsFail : count.get(keyOf(v))! > 1) ? [i] : []));
}

describe('numeric uniqueness', () => {
  it('fails exactly the rows a row-at-a-time count fails, for tables and streams', async () => {
    await fc.assert(
      fc.asyncProperty(uniqueArbRows, fc.boolean(), async (spec, primary) => {
        const chunks = chunksOf(spec);
        const all = chunks.flat();
        let pos = 0;
        const batches = chunks.map((c) => {
          const rows = c.map(() => pos++);
          return batchOf({ k: { type: new Float64(), values: rows }, x: { type: new Float64(), values: c } });
        });
        const rule: QualityRule = primary ? { type: 'primaryKey', columns: ['x'] } : { type: 'isUnique', columns: ['x'] };
        const expected = referenceUnique(all, primary);
        for (const input of [new Table(new Schema([new Field('k', new Float64(), true), new Field('x', new Float64(), true)]), ...batches), batches]) {
          for (const keys of [[], ['k']]) {
            const { result } = await checkQuality(input instanceof Table ? (batches.length ? new Table(batches) : input) : input, { keys, rules: [rule] });
            expect(result.rules[0]!.failedRows).toBe(expected.length);
            const rows = result.failingRows.map((f) => (keys.length ? f.key.k : f.key._row)).sort((a, b) => Number(a) - Number(b));
            expect(rows).toEqual(expected);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('NumMap: getOrInsert keeps the first value; 0 and -0 are one key, as are all NaNs', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.integer().map((i) => i * 2 ** 20)), { maxLength: 400 }), (keys) => {
        const m = new NumMap(4);
        const ref = new Map<string, number>();
        const norm = (k: number) => (k !== k ? 'NaN' : String(k + 0));
        keys.forEach((k, i) => {
          const got = m.getOrInsert(k, i);
          expect(got).toBe(ref.get(norm(k)));
          if (!ref.has(norm(k))) ref.set(norm(k), i);
        });
        expect(m.size).toBe(ref.size);
      }),
      { numRuns: 200 },
    );
  });
});
