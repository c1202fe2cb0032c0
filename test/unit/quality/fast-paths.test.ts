/**
 * The engine's fast paths against simple references: fused row predicates
 * (ranges, lengths, set membership) against the generic vectorised evaluator,
 * and numeric uniqueness (typed hash map, sorted-batch shortcut) against a
 * row-at-a-time count, on random data with nulls, NaN, infinities and -0.
 */
import { Field, Float64, Int64, makeBuilder, RecordBatch, Schema, Struct, Table, TimestampMicrosecond, TimestampMillisecond, Utf8, makeData, type DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuality, type QualityRule } from '../../../src/quality/index.js';
import { ByteDfa, compileByteRegex, matchBytes } from '../../../src/quality/expr/byte-regex.js';
import type { Expr } from '../../../src/quality/expr/ast.js';
import { evaluate } from '../../../src/quality/expr/eval.js';
import { fastPass } from '../../../src/quality/expr/fast.js';
import { dictionaryOf, vecOfData, type Vec } from '../../../src/quality/expr/vector.js';
import { NumMap } from '../../../src/quality/num-map.js';
import { decimal128Batch } from '../../helpers/arrow-batches.js';
import { lookup } from './vec-lookup.js';

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

  it('ByteDfa.matchAll (lazy DFA; fixed-width patterns four bytes at a time) equals RegExp over a whole column', () => {
    const atom = fc.constantFrom('a', 'b', 'A', 'Z', '0', '9', '-', '_', '\\d', '\\w', '\\.', '[a-c]', '[0-9]', '[A-Z]', '[a\\-c]', '[A-Z_]', '[]', '[ab]', '[0-9a-z]');
    const quant = fc.constantFrom('', '', '', '?', '*', '+', '{2}', '{1,3}', '{4}');
    const patternArb = fc
      .tuple(fc.boolean(), fc.array(fc.tuple(atom, quant).map(([a, q]) => a + q), { maxLength: 8 }), fc.boolean(), fc.boolean())
      // Often anchored with plain atoms: the fixed-width path.
      .map(([fixed, parts, s, e]) => (fixed ? '^' + parts.map((p) => p.replace(/[?*+]|\{\d(,\d)?\}/g, '')).join('') + '$' : (s ? '^' : '') + parts.join('') + (e ? '$' : '')));
    const textArb = fc.array(fc.constantFrom('a', 'b', 'c', 'A', 'Z', '0', '5', '9', '-', '.', '_', 'x', 'é', '😀', '\u007f'), { maxLength: 12 }).map((cs) => cs.join(''));
    let compiled = 0;
    fc.assert(
      fc.property(patternArb, fc.array(fc.option(textArb, { freq: 8 }), { maxLength: 40 }), (pattern, texts) => {
        const re = compileByteRegex(pattern);
        if (!re) return;
        compiled++;
        const batch = batchOf({ s: { type: new Utf8(), values: texts } });
        const raw = (vecOfData(batch.data.children[0]!) as Extract<Vec, { t: 'str' }>).raw!;
        const out = new Int8Array(texts.length);
        new ByteDfa(re).matchAll(raw.bytes, raw.offsets, raw.nul, texts.length, out);
        const js = new RegExp(pattern, 'u');
        expect(Array.from(out), pattern).toEqual(texts.map((t) => (t === null ? -1 : js.test(t) ? 1 : 0)));
      }),
      { numRuns: 1000 },
    );
    expect(compiled).toBeGreaterThan(300);
  });

  it('fixed-width patterns: bytes at, just inside and just outside each range, and multi-byte characters, equal RegExp', () => {
    const ATOMS = [
      { p: 'a', lo: 97, hi: 97 },
      { p: '\\d', lo: 48, hi: 57 },
      { p: '[a-c]', lo: 97, hi: 99 },
      { p: '[A-Z]', lo: 65, hi: 90 },
      { p: '-', lo: 45, hi: 45 },
      { p: '[ -~]', lo: 32, hi: 126 },
      { p: '[\\w]', lo: -1, hi: -1 },
    ];
    const spec = fc.array(fc.constantFrom(...ATOMS), { minLength: 1, maxLength: 11 });
    const charFor = (a: (typeof ATOMS)[number], pick: number, r: number): string => {
      if (a.lo < 0) return ['a', '_', '-', 'é'][pick % 4]!;
      const code = [a.lo + (r % (a.hi - a.lo + 1)), a.lo - 1, a.hi + 1, a.lo, a.hi][pick % 5]!;
      return pick % 11 === 10 ? 'é' : String.fromCharCode(Math.max(0, Math.min(127, code)));
    };
    fc.assert(
      fc.property(spec, fc.array(fc.array(fc.tuple(fc.nat(12), fc.nat(1000)), { minLength: 11, maxLength: 11 }), { maxLength: 30 }), fc.boolean(), (atoms, picks, shorten) => {
        const pattern = '^' + atoms.map((a) => a.p).join('') + '$';
        const re = compileByteRegex(pattern);
        expect(re, pattern).toBeDefined();
        const texts = picks.map((ps) => {
          // Mostly in range (so most rows match), sometimes one position off.
          const off = ps[0]![0] % atoms.length;
          let t = '';
          for (let k = 0; k < atoms.length; k++) {
            const c = charFor(atoms[k]!, k === off ? ps[k]![0] : 0, ps[k]![1]);
            t += c;
            if (c === 'é') k++; // two bytes: the byte length stays the pattern's
          }
          return shorten && ps[0]![1] % 7 === 0 ? t.slice(1) : t;
        });
        const batch = batchOf({ s: { type: new Utf8(), values: texts } });
        const raw = (vecOfData(batch.data.children[0]!) as Extract<Vec, { t: 'str' }>).raw!;
        const out = new Int8Array(texts.length);
        new ByteDfa(re!).matchAll(raw.bytes, raw.offsets, raw.nul, texts.length, out);
        const js = new RegExp(pattern, 'u');
        expect(Array.from(out), pattern).toEqual(texts.map((t) => (js.test(t) ? 1 : 0)));
      }),
      { numRuns: 1000 },
    );
  });

  it('ByteDfa falls back to the NFA past its state cap with the same answers', () => {
    // Unanchored `a[ab]{9}` needs one DFA state per subset of the last ten positions: more than the cap.
    const re = compileByteRegex('a[ab]{9}$')!;
    const js = /a[ab]{9}$/u;
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 8, maxLength: 24 }).map((cs) => cs.join('')), { maxLength: 50 }), (extra) => {
        // Every 12-letter a/b string first: they visit more states than the cap.
        const all = Array.from({ length: 4096 }, (_, k) => Array.from({ length: 12 }, (_, j) => ((k >> j) & 1 ? 'a' : 'b')).join(''));
        const texts = [...all, ...extra];
        const batch = batchOf({ s: { type: new Utf8(), values: texts } });
        const raw = (vecOfData(batch.data.children[0]!) as Extract<Vec, { t: 'str' }>).raw!;
        const out = new Int8Array(texts.length);
        new ByteDfa(re).matchAll(raw.bytes, raw.offsets, raw.nul, texts.length, out);
        expect(Array.from(out)).toEqual(texts.map((t) => (js.test(t) ? 1 : 0)));
      }),
      { numRuns: 10 },
    );
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

  it('ranges over 64-bit integers and timestamps, read from their words, equal Number(value) × unit', () => {
    const big = fc.oneof(
      { weight: 5, arbitrary: fc.bigInt({ min: -20n, max: 20n }) },
      { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }) },
      { weight: 1, arbitrary: fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    const bounds = fc.array(fc.tuple(fc.constantFrom(...OPS), fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 62, 1.5))), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(big, { maxLength: 60 }), bounds, fc.constantFrom('int', 'ms', 'us'), (xs, cmps, kind) => {
        const type = kind === 'int' ? new Int64() : kind === 'ms' ? new TimestampMillisecond() : new TimestampMicrosecond();
        const batch = batchOf({ x: { type, values: kind === 'int' ? xs : xs.map((x) => (x === null ? null : Number(x))) } });
        const e = conj({ k: 'col', name: 'x' }, cmps);
        const fast = fastPass(e, lookup(batch), batch.numRows);
        const unit = kind === 'ms' ? 1000 : 1;
        const stored = (batch.data.children[0]!.values as BigInt64Array);
        const expected = xs.map((x, i) => {
          if (x === null) return -1;
          const v = Number(stored[i]!) * unit;
          return cmps.every(([op, c]) => ({ '<': v < c, '<=': v <= c, '>': v > c, '>=': v >= c, '=': v === c, '!=': v !== c })[op]) ? 1 : 0;
        });
        expect(Array.from(fast!)).toEqual(expected);
        expect(Array.from(fast!)).toEqual(Array.from(generic(e, batch)));
      }),
      { numRuns: 300 },
    );
  });

  it('ranges and mean over 128-bit decimals, read from their words, equal the decimals as doubles', async () => {
    const dec = fc.oneof(
      { weight: 5, arbitrary: fc.bigInt({ min: -5000n, max: 5000n }) },
      { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }) },
      { weight: 1, arbitrary: fc.constantFrom(2n ** 64n, -(2n ** 64n), 2n ** 64n - 1n, -1n, 0n) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    const bounds = fc.array(fc.tuple(fc.constantFrom(...OPS), fc.integer({ min: -60, max: 60 })), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(dec, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 4 }), bounds, async (xs, scale, cmps) => {
        const n = xs.length;
        const batch = decimal128Batch(xs, scale, true);
        const asDouble = (x: bigint) => Number(x) / 10 ** scale;
        const e = conj({ k: 'col', name: 'x' }, cmps);
        const expected = xs.map((x) => {
          if (x === null) return -1;
          const v = asDouble(x);
          return cmps.every(([op, c]) => ({ '<': v < c, '<=': v <= c, '>': v > c, '>=': v >= c, '=': v === c, '!=': v !== c })[op]) ? 1 : 0;
        });
        expect(Array.from(fastPass(e, lookup(batch), n)!)).toEqual(expected);
        const present = xs.filter((x): x is bigint => x !== null).map(asDouble);
        const { result } = await checkQuality(batch, [{ type: 'mean', column: 'x' }, { type: 'sum', column: 'x' }]);
        const sum = present.reduce((a, b) => a + b, 0);
        expect(result.rules.map((r) => r.observed)).toEqual(present.length ? [sum / present.length, sum] : [null, null]);
      }),
      { numRuns: 300 },
    );
  });

  it('dictionary encoding: equal strings share an id, ids number distinct values in first-seen order', () => {
    const s = fc.oneof(fc.constantFrom(...STRS, '\u0000', 'a\u0000', '\u0000a', 'abcd', 'abcde', 'ABCD'), fc.string({ unit: 'binary', maxLength: 7 }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(s, { maxLength: 200 }), (xs) => {
        const batch = batchOf({ s: { type: new Utf8(), values: xs } });
        const { ids, values } = dictionaryOf((vecOfData(batch.data.children[0]!) as Extract<Vec, { t: 'str' }>).raw!);
        const seen: string[] = [];
        for (const x of xs) if (x !== null && !seen.includes(x)) seen.push(x);
        expect(values).toEqual(seen);
        expect(Array.from(ids)).toEqual(xs.map((x) => (x === null ? -1 : seen.indexOf(x))));
      }),
      { numRuns: 100 },
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

  it('over 64-bit integers (read from their words) fails exactly the rows a row-at-a-time count fails', async () => {
    await fc.assert(
      fc.asyncProperty(uniqueArbRows, fc.boolean(), async (spec, primary) => {
        const chunks = chunksOf(spec).map((c) => c.map((v) => (v === null || v !== v ? null : v + 0)));
        const all = chunks.flat();
        const batches = chunks.map((c) => batchOf({ x: { type: new Int64(), values: c.map((v) => (v === null ? null : BigInt(v))) } }));
        const rule: QualityRule = primary ? { type: 'primaryKey', columns: ['x'] } : { type: 'isUnique', columns: ['x'] };
        const expected = referenceUnique(all, primary);
        for (const input of batches.length ? [new Table(batches), batches] : []) {
          const { result } = await checkQuality(input, { rules: [rule] });
          expect(result.rules[0]!.failedRows).toBe(expected.length);
          expect(result.failingRows.map((f) => f.key._row).sort((a, b) => Number(a) - Number(b))).toEqual(expected);
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
