import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileMetrics } from '../../../../src/iceberg/expressions/index.js';
import { bind, equal, greaterThan, inclusiveMetricsEvaluator, isNaN, lessThan, notEqual, notNull, notStartsWith, startsWith, strictMetricsEvaluator } from '../../../../src/iceberg/expressions/index.js';
import type { PrimitiveType, Schema, Value } from '../../../../src/iceberg/spec/index.js';
import { newSchema, optionalField, requiredField, toBytes, truncateStringLowerBound, truncateStringUpperBound, Types } from '../../../../src/iceberg/spec/index.js';
import type { Row } from './arbitraries.js';
import { caseArb, refCompare, refMatches } from './arbitraries.js';

const isNaNV = (v: Value) => typeof v === 'number' && Number.isNaN(v);

/** Metrics of a file holding `rows`, as the writer computes them (string bounds truncated to 16), some dropped at random. */
function metricsOf(schema: Schema, rows: readonly Row[], drop: readonly boolean[] = []): FileMetrics {
  const m = { recordCount: BigInt(rows.length), valueCounts: new Map(), nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map() };
  schema.fields.forEach((f, k) => {
    const t = f.type as PrimitiveType;
    const values = rows.map((r) => r.get(f.id) ?? null);
    if (!drop[k * 3]) {
      m.valueCounts.set(f.id, BigInt(values.length));
      m.nullValueCounts.set(f.id, BigInt(values.filter((v) => v === null).length));
    }
    if ((t.type === 'float' || t.type === 'double') && !drop[k * 3 + 1]) m.nanValueCounts.set(f.id, BigInt(values.filter((v) => v !== null && isNaNV(v)).length));
    const real = values.filter((v) => v !== null && !isNaNV(v));
    if (real.length === 0 || drop[k * 3 + 2]) return;
    let lo = real.reduce((a, b) => (refCompare(a, b) <= 0 ? a : b));
    let hi: Value = real.reduce((a, b) => (refCompare(a, b) >= 0 ? a : b));
    if (t.type === 'string') {
      lo = truncateStringLowerBound(lo as string, 16);
      hi = truncateStringUpperBound(hi as string, 16);
    }
    m.lowerBounds.set(f.id, toBytes(t, lo));
    if (hi !== null) m.upperBounds.set(f.id, toBytes(t, hi));
  });
  return m;
}

const drops = fc.array(fc.boolean(), { maxLength: 15 }).map((a) => a.map((b, i) => b && i % 4 === 0));

describe('inclusive metrics evaluator', () => {
  it('never rules out a file that holds a matching row', () => {
    fc.assert(
      fc.property(caseArb, drops, ({ schema, rows, filter }, drop) => {
        const bound = bind(filter, schema);
        const anyMatch = rows.some((r) => refMatches(bound, r));
        if (anyMatch) expect(inclusiveMetricsEvaluator(schema, filter)(metricsOf(schema, rows, drop))).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('prunes with full metrics at least sometimes (the test is not vacuous)', () => {
    let pruned = 0;
    fc.assert(
      fc.property(caseArb, ({ schema, rows, filter }) => {
        if (!inclusiveMetricsEvaluator(schema, filter)(metricsOf(schema, rows))) pruned++;
      }),
      { numRuns: 300 },
    );
    expect(pruned).toBeGreaterThan(10);
  });
});

describe('strict metrics evaluator', () => {
  it('says all rows match only when every row matches', () => {
    let allMatch = 0;
    fc.assert(
      fc.property(caseArb, drops, ({ schema, rows, filter }, drop) => {
        const bound = bind(filter, schema);
        if (strictMetricsEvaluator(schema, filter)(metricsOf(schema, rows, drop))) {
          allMatch++;
          for (const r of rows) expect(refMatches(bound, r)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
    expect(allMatch).toBeGreaterThan(50);
  });
});

describe('metrics evaluators, examples', () => {
  const schema = newSchema([
    requiredField(1, 'id', Types.int),
    optionalField(2, 'name', Types.string),
    optionalField(3, 'score', Types.double),
  ]);
  const bytes = (t: PrimitiveType, v: Value) => toBytes(t, v);
  const file: FileMetrics = {
    recordCount: 50n,
    valueCounts: new Map([[1, 50n], [2, 50n], [3, 50n]]),
    nullValueCounts: new Map([[1, 0n], [2, 10n], [3, 0n]]),
    nanValueCounts: new Map([[3, 0n]]),
    lowerBounds: new Map([[1, bytes(Types.int, 30)], [2, bytes(Types.string, 'abcdefghijklmnop')], [3, bytes(Types.double, 1.5)]]),
    upperBounds: new Map([[1, bytes(Types.int, 79)], [2, bytes(Types.string, 'abcdefghijklmnoq')], [3, bytes(Types.double, 9.5)]]),
  };
  it('uses truncated string bounds for starts-with', () => {
    const inc = (e: Parameters<typeof inclusiveMetricsEvaluator>[1]) => inclusiveMetricsEvaluator(schema, e)(file);
    expect(inc(startsWith('name', 'abc'))).toBe(true);
    expect(inc(startsWith('name', 'abcdefghijklmnopqrstuvwxyz'))).toBe(true); // longer than the bounds
    expect(inc(startsWith('name', 'abd'))).toBe(false);
    expect(inc(startsWith('name', 'ab'))).toBe(true);
    expect(inc(startsWith('name', 'aa'))).toBe(false);
    expect(inc(notStartsWith('name', 'abcdefghijklmno'))).toBe(false); // every value starts with it
    expect(inc(notStartsWith('name', 'abcdefghijklmnop'))).toBe(true);
    expect(strictMetricsEvaluator(schema, startsWith('name', 'abc'))(file)).toBe(false); // there are nulls
  });
  it('prunes ranges and equality, and knows required columns', () => {
    const inc = (e: Parameters<typeof inclusiveMetricsEvaluator>[1]) => inclusiveMetricsEvaluator(schema, e)(file);
    expect(inc(lessThan('id', 30))).toBe(false);
    expect(inc(lessThan('id', 31))).toBe(true);
    expect(inc(greaterThan('id', 79))).toBe(false);
    expect(inc(equal('id', 80))).toBe(false);
    expect(inc(isNaN('score'))).toBe(false);
    expect(strictMetricsEvaluator(schema, notNull('id'))(file)).toBe(true);
    expect(strictMetricsEvaluator(schema, lessThan('id', 80))(file)).toBe(true);
    expect(strictMetricsEvaluator(schema, lessThan('id', 79))(file)).toBe(false);
    expect(strictMetricsEvaluator(schema, notEqual('id', 29))(file)).toBe(true);
    expect(strictMetricsEvaluator(schema, notEqual('name', 'x'))(file)).toBe(false); // nulls never match !=
  });
  it('handles empty files and unknown record counts', () => {
    expect(inclusiveMetricsEvaluator(schema, equal('id', 1))({ recordCount: 0n })).toBe(false);
    expect(inclusiveMetricsEvaluator(schema, equal('id', 1))({ recordCount: -1n })).toBe(true);
    expect(strictMetricsEvaluator(schema, equal('id', 1))({ recordCount: -1n })).toBe(false);
    expect(strictMetricsEvaluator(schema, equal('id', 1))({ recordCount: 0n })).toBe(true);
  });
  it('treats corrupt or NaN bounds as absent', () => {
    const corrupt: FileMetrics = { ...file, lowerBounds: new Map([[1, Uint8Array.of(1)], [3, bytes(Types.double, NaN)]]), upperBounds: new Map([[3, bytes(Types.double, NaN)]]) };
    expect(inclusiveMetricsEvaluator(schema, lessThan('id', 0))(corrupt)).toBe(true);
    expect(inclusiveMetricsEvaluator(schema, greaterThan('score', 100))(corrupt)).toBe(true);
  });
});
