/**
 * The column kernels' shortcuts against independent references: string
 * lengths settled from byte lengths (against code-point counts), fixed-width
 * patterns longer than four words (against RegExp), loops without the null
 * test on columns without nulls, the dictionary's table as it grows past
 * hundreds of distinct values, and the decimal range kernel's sum reused by
 * mean and sum (against the same rules checked without the range).
 */
import { Field, makeBuilder, makeData, RecordBatch, Schema, Struct, Table, Utf8, type DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuality, type QualityRule } from '../../../src/quality/index.js';
import type { Expr } from '../../../src/quality/expr/ast.js';
import { ByteDfa, compileByteRegex } from '../../../src/quality/expr/byte-regex.js';
import { evaluate } from '../../../src/quality/expr/eval.js';
import { fastPass } from '../../../src/quality/expr/fast.js';
import { dictionaryOf, nullFree, vecOfData, type Vec } from '../../../src/quality/expr/vector.js';
import { decimal128Batch } from '../../helpers/arrow-batches.js';
import { lookup } from './vec-lookup.js';

function batchOf(type: DataType, values: unknown[]): RecordBatch {
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  for (const v of values) b.append(v as never);
  const data = b.finish().flush();
  const field = new Field('s', type, true);
  return new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: data.length, nullCount: 0, children: [data] }));
}

function rawOf(batch: RecordBatch) {
  return (vecOfData(batch.data.children[0]!) as Extract<Vec, { t: 'str' }>).raw!;
}

/** Characters of 1, 2, 3 and 4 UTF-8 bytes, ASCII most often. */
const charArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '_') }, { weight: 1, arbitrary: fc.constantFrom('é', 'ß') }, { weight: 1, arbitrary: fc.constantFrom('日', '€') }, { weight: 1, arbitrary: fc.constantFrom('😀', '𝄞') });
const textArb = (max: number) => fc.array(charArb, { maxLength: max }).map((cs) => cs.join(''));
/** Columns with and without nulls (the latter run the kernels' loops without the null test). */
const columnArb = (max: number) => fc.boolean().chain((nulls) => fc.array(nulls ? fc.option(textArb(max), { freq: 5 }) : textArb(max), { maxLength: 60 }));

describe('column kernels', () => {
  it('string lengths settled from byte lengths equal code-point counts and the generic evaluator', () => {
    const OPS = ['<', '<=', '>', '>=', '=', '!='] as const;
    const bound = fc.oneof(fc.integer({ min: -1, max: 45 }), fc.integer({ min: 0, max: 90 }).map((k) => k / 2));
    fc.assert(
      fc.property(columnArb(30), fc.array(fc.tuple(fc.constantFrom(...OPS), bound), { minLength: 1, maxLength: 3 }), (xs, cmps) => {
        const batch = batchOf(new Utf8(), xs);
        const len: Expr = { k: 'call', fn: 'length', args: [{ k: 'col', name: 's' }] };
        const e = cmps.map(([op, v]) => ({ k: 'bin', op, l: len, r: { k: 'lit', v } }) as Expr).reduce((a, b) => ({ k: 'bin', op: 'AND', l: a, r: b }));
        const fast = fastPass(e, lookup(batch), batch.numRows);
        const expected = xs.map((x) => {
          if (x === null) return -1;
          const c = [...x].length;
          return cmps.every(([op, v]) => ({ '<': c < v, '<=': c <= v, '>': c > v, '>=': c >= v, '=': c === v, '!=': c !== v })[op]) ? 1 : 0;
        });
        expect(Array.from(fast!)).toEqual(expected);
        const generic = evaluate(e, lookup(batch), batch.numRows);
        expect(Array.from(generic.v as Int8Array)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('fixed-width patterns of up to 30 positions (several four-byte words), with nulls and multi-byte text, equal RegExp', () => {
    const ATOMS = [
      { p: 'A', lo: 65, hi: 65 },
      { p: '[0-9]', lo: 48, hi: 57 },
      { p: '[a-f]', lo: 97, hi: 102 },
      { p: '-', lo: 45, hi: 45 },
      { p: '[ -~]', lo: 32, hi: 126 },
    ];
    const cell = fc.tuple(fc.nat(9), fc.nat(1000));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ATOMS), { minLength: 4, maxLength: 30 }), fc.array(fc.option(fc.array(cell, { minLength: 30, maxLength: 30 }), { freq: 6 }), { maxLength: 40 }), (atoms, rows) => {
        const pattern = '^' + atoms.map((a) => a.p).join('') + '$';
        const re = compileByteRegex(pattern);
        expect(re, pattern).toBeDefined();
        const texts = rows.map((cells) => {
          if (cells === null) return null;
          // In range everywhere but (often) one position: a byte just outside, a multi-byte character, or none.
          const off = cells[0]![1] % (atoms.length + 3);
          let t = '';
          atoms.forEach((a, k) => {
            const [pick, r] = cells[k]!;
            const kind = k === off ? pick % 4 : 4;
            if (kind === 0) t += r % 2 ? 'é' : '😀';
            else if (kind === 1) return;
            else t += String.fromCharCode(kind === 2 ? a.lo - 1 : kind === 3 ? Math.min(127, a.hi + 1) : a.lo + (r % (a.hi - a.lo + 1)));
          });
          return t;
        });
        const batch = batchOf(new Utf8(), texts);
        const raw = rawOf(batch);
        const out = new Int8Array(texts.length);
        new ByteDfa(re!).matchAll(raw.bytes, raw.offsets, raw.nul, texts.length, out);
        const js = new RegExp(pattern, 'u');
        expect(Array.from(out), pattern).toEqual(texts.map((t) => (t === null ? -1 : js.test(t) ? 1 : 0)));
      }),
      { numRuns: 500 },
    );
  });

  it('a column without nulls shares the null-free mask, and no kernel writes into it', async () => {
    const values = ['ACCT0000000001', 'x', 'ACCT00000000AB', 'ab'];
    const batch = batchOf(new Utf8(), values);
    const nul = rawOf(batch).nul;
    expect(nullFree(nul)).toBe(true);
    expect(nullFree(rawOf(batchOf(new Utf8(), ['a', null])).nul)).toBe(false);
    const { result } = await checkQuality(batch, [
      { type: 'matches', column: 's', pattern: '^ACCT[0-9]{10}$' },
      { type: 'length', column: 's', min: 2, max: 3 },
      { type: 'inSet', column: 's', values: ['x'] },
      { type: 'isComplete', column: 's' },
    ]);
    expect(result.rules.map((r) => r.failedRows)).toEqual([3, 3, 3, 0]);
    expect(Array.from(rawOf(batchOf(new Utf8(), values)).nul)).toEqual([0, 0, 0, 0]);
  });

  it('dictionary encoding over thousands of distinct values (the table grows) numbers them in first-seen order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(textArb(9), { minLength: 1, maxLength: 1500, size: 'max' }), fc.array(fc.nat(), { maxLength: 4000, size: 'max' }), fc.boolean(), (pool, picks, nulls) => {
        // Many runs hold more than 512 distinct values: the table grows (and rehashes) at least once.
        const xs = picks.map((k) => (nulls && k % 13 === 0 ? null : pool[k % pool.length]!));
        const { ids, values } = dictionaryOf(rawOf(batchOf(new Utf8(), xs)));
        const index = new Map<string, number>();
        for (const x of xs) if (x !== null && !index.has(x)) index.set(x, index.size);
        // The first difference only: a diff of thousands of rows would take the reporter minutes.
        const firstDiff = <T,>(a: ArrayLike<T>, b: ArrayLike<T>) => {
          for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return { i, got: a[i], want: b[i] };
          return undefined;
        };
        expect(firstDiff(values, [...index.keys()])).toBeUndefined();
        expect(firstDiff(ids, xs.map((x) => (x === null ? -1 : index.get(x)!)))).toBeUndefined();
      }),
      // No shrinking: thousands of rows shrink for minutes; the first difference says enough.
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('columns longer than one kernel chunk (65,536 rows): fixed-width patterns and dictionary ids equal the references', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65_536, max: 200_000 }), fc.integer(), (n, seed) => {
        // A cheap deterministic mix of matching, off-by-one and null rows.
        let x = seed | 1;
        const next = () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ (x + 0x6d2b79f5)) >>> 0);
        const texts = Array.from({ length: n }, () => {
          const r = next();
          if (r % 97 === 0) return null;
          const digits = String(r % 10_000_000_000).padStart(10, '0');
          return r % 11 === 0 ? `ACCT${digits.slice(1)}` : r % 13 === 0 ? `ACCT${digits.slice(0, 9)}x` : `ACCT${digits}`;
        });
        const raw = rawOf(batchOf(new Utf8(), texts));
        const out = new Int8Array(n);
        new ByteDfa(compileByteRegex('^ACCT[0-9]{10}$')!).matchAll(raw.bytes, raw.offsets, raw.nul, n, out);
        const js = /^ACCT[0-9]{10}$/u;
        let bad = -1;
        for (let i = 0; i < n && bad < 0; i++) if (out[i] !== (texts[i] === null ? -1 : js.test(texts[i]!) ? 1 : 0)) bad = i;
        expect(bad).toBe(-1);
        const codes = texts.map((t) => (t === null ? null : t.slice(-2)));
        const { ids, values } = dictionaryOf(rawOf(batchOf(new Utf8(), codes)));
        const index = new Map<string, number>();
        for (const c of codes) if (c !== null && !index.has(c)) index.set(c, index.size);
        expect(values).toEqual([...index.keys()]);
        bad = -1;
        for (let i = 0; i < n && bad < 0; i++) if (ids[i] !== (codes[i] === null ? -1 : index.get(codes[i]!)!)) bad = i;
        expect(bad).toBe(-1);
      }),
      { numRuns: 3 },
    );
  });

  it("mean and sum after a decimal range equal mean and sum alone (the range kernel's sum reused), over batches", async () => {
    const dec = fc.oneof({ weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 9n }) }, { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }) }, { weight: 1, arbitrary: fc.constant(null) });
    const decimalBatch = (xs: (bigint | null)[], scale: number): RecordBatch => decimal128Batch(xs, scale);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(dec, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 10 ** 6 }), async (chunks, scale, hi) => {
        const table = new Table(chunks.map((xs) => decimalBatch(xs, scale)));
        const aggs: QualityRule[] = [
          { type: 'mean', column: 'x' },
          { type: 'sum', column: 'x' },
        ];
        const fused = await checkQuality(table, [{ type: 'between', column: 'x', min: 0, max: hi }, ...aggs]);
        const alone = await checkQuality(table, aggs);
        expect(fused.result.rules.slice(1).map((r) => r.observed)).toEqual(alone.result.rules.map((r) => r.observed));
        // And both equal the row-order sum of the decimals as doubles.
        const present = chunks.flat().filter((x): x is bigint => x !== null);
        let sum = 0;
        for (const x of present) sum += Number(x) / 10 ** scale;
        expect(alone.result.rules.map((r) => r.observed)).toEqual(present.length ? [sum / present.length, sum] : [null, null]);
      }),
      { numRuns: 300 },
    );
  });
});
