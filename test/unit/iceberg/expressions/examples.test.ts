// Edge cases that Java's projection tests cover, and Arrow layouts the property tests do not.
import { Field, makeData, RecordBatch, Schema as ArrowSchema, Struct, TimestampMillisecond, Float64, DateMillisecond } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { BoundExpression, Expression } from '../../../../src/iceberg/expressions/index.js';
import {
  alwaysFalse, alwaysTrue, equal, greaterThan, inclusiveProjection, isIn, isNull, lessThan, manifestEvaluator, notIn, notStartsWith, residualEvaluator, rowFilter,
  startsWith, strictProjection,
} from '../../../../src/iceberg/expressions/index.js';
import type { Transform } from '../../../../src/iceberg/spec/index.js';
import { bucketValue, buildPartitionSpec, newSchema, optionalField, requiredField, Transforms, Types } from '../../../../src/iceberg/spec/index.js';

const schema = newSchema([optionalField(1, 'ts', Types.timestamp), optionalField(2, 'name', Types.string), requiredField(3, 'id', Types.int), optionalField(4, 'd', Types.date)]);
const specOf = (source: string, transform: Transform) => buildPartitionSpec(schema, [{ source, transform, name: 'p' }]);
const shape = (e: BoundExpression): unknown => ('ref' in e ? { op: e.op, ...('value' in e ? { value: e.value } : {}), ...('values' in e ? { values: [...e.values].sort() } : {}) } : e);
const inc = (t: Transform, source: string, e: Expression) => shape(inclusiveProjection(schema, specOf(source, t), e));
const strict = (t: Transform, source: string, e: Expression) => shape(strictProjection(schema, specOf(source, t), e));

describe('time projections before 1970 (with the fix-ups for Iceberg ≤ 0.10 data)', () => {
  it('day of negative timestamps', () => {
    expect(inc(Transforms.day, 'ts', lessThan('ts', '1969-12-31T10:00:00'))).toEqual({ op: 'lt-eq', value: 0 });
    expect(inc(Transforms.day, 'ts', equal('ts', '1969-12-31T10:00:00'))).toEqual({ op: 'in', values: [-1, 0] });
    expect(inc(Transforms.day, 'ts', greaterThan('ts', '1969-12-30T10:00:00'))).toEqual({ op: 'gt-eq', value: -2 });
    expect(strict(Transforms.day, 'ts', greaterThan('ts', '1969-12-31T10:00:00'))).toEqual({ op: 'gt', value: 0 });
    expect(strict(Transforms.day, 'ts', lessThan('ts', '1969-12-31T00:00:00'))).toEqual({ op: 'lt', value: -1 });
    expect(strict(Transforms.day, 'ts', equal('ts', '1969-12-31T00:00:00'))).toEqual(alwaysFalse());
  });
  it('hour, month and year of negative timestamps', () => {
    expect(inc(Transforms.hour, 'ts', equal('ts', '1969-12-31T23:30:00'))).toEqual({ op: 'in', values: [-1, 0] });
    expect(inc(Transforms.month, 'ts', lessThan('ts', '1969-11-15T00:00:00'))).toEqual({ op: 'lt-eq', value: -1 });
    expect(inc(Transforms.year, 'ts', equal('ts', '1969-06-01T00:00:00'))).toEqual({ op: 'in', values: [-1, 0] });
    expect(inc(Transforms.hour, 'ts', equal('ts', '1970-01-01T01:30:00'))).toEqual({ op: 'eq', value: 1 });
  });
  it('day of dates needs no fix-up; month of dates does', () => {
    expect(inc(Transforms.day, 'd', equal('d', '1969-12-31'))).toEqual({ op: 'eq', value: -1 });
    expect(inc(Transforms.month, 'd', equal('d', '1969-12-31'))).toEqual({ op: 'in', values: [-1, 0] });
  });
  it('residual of a day-partitioned filter', () => {
    const residualFor = residualEvaluator(schema, specOf('ts', Transforms.day), greaterThan('ts', '2026-11-01T10:00:00'));
    expect(residualFor([20759])).toEqual(alwaysTrue());
    expect(residualFor([20757])).toEqual(alwaysFalse());
    expect(residualFor(new Map([[1000, 20758]]))).toMatchObject({ op: 'gt', ref: { fieldId: 1 } });
    expect(residualFor([null])).toEqual(alwaysFalse());
  });
});

describe('truncate and bucket projections', () => {
  it('truncate counts code points of multi-byte strings', () => {
    const t = Transforms.truncate(3);
    expect(inc(t, 'name', startsWith('name', '😀😀😀😀'))).toEqual({ op: 'starts-with', value: '😀😀😀' });
    expect(strict(t, 'name', startsWith('name', '😀😀😀😀'))).toEqual(alwaysFalse());
    expect(inc(t, 'name', startsWith('name', '😀é€'))).toEqual({ op: 'eq', value: '😀é€' });
    expect(inc(t, 'name', startsWith('name', '😀é'))).toEqual({ op: 'starts-with', value: '😀é' });
    expect(inc(t, 'name', lessThan('name', 'é😀ab'))).toEqual({ op: 'lt-eq', value: 'é😀a' });
    expect(strict(t, 'name', lessThan('name', 'é😀ab'))).toEqual({ op: 'lt', value: 'é😀a' });
  });
  it('notStartsWith through truncate', () => {
    const t = Transforms.truncate(4);
    expect(inc(t, 'name', notStartsWith('name', 'abcde'))).toEqual(alwaysTrue());
    expect(inc(t, 'name', notStartsWith('name', 'abc'))).toEqual({ op: 'not-starts-with', value: 'abc' });
    expect(inc(t, 'name', notStartsWith('name', 'abcd'))).toEqual({ op: 'not-eq', value: 'abcd' });
    expect(strict(t, 'name', notStartsWith('name', 'abcde'))).toEqual({ op: 'not-starts-with', value: 'abcd' });
  });
  it('truncate of ints adjusts open bounds', () => {
    const t = Transforms.truncate(10);
    expect(inc(t, 'id', lessThan('id', 10))).toEqual({ op: 'lt-eq', value: 0 });
    expect(inc(t, 'id', greaterThan('id', 9))).toEqual({ op: 'gt-eq', value: 10 });
    expect(strict(t, 'id', lessThan('id', 10))).toEqual({ op: 'lt', value: 10 });
    expect(inc(t, 'id', lessThan('id', -2147483648))).toEqual(alwaysFalse());
  });
  it('bucket projects equality and in-lists only', () => {
    const t = Transforms.bucket(16);
    const b = (v: number) => bucketValue(Types.int, v, 16);
    expect(inc(t, 'id', isIn('id', [1, 2, 3, 4]))).toEqual({ op: 'in', values: [...new Set([b(1), b(2), b(3), b(4)])].sort() });
    expect(inc(t, 'id', notIn('id', [1, 2]))).toEqual(alwaysTrue());
    expect(b(1)).toBe(b(2)); // both land in one bucket: the set collapses to one value
    expect(strict(t, 'id', notIn('id', [1, 2]))).toEqual({ op: 'not-eq', value: b(1) });
    expect(strict(t, 'id', notIn('id', [1, 3]))).toEqual({ op: 'not-in', values: [b(1), b(3)].sort() });
    expect(inc(t, 'id', lessThan('id', 5))).toEqual(alwaysTrue());
    expect(inc(t, 'name', isNull('name'))).toEqual({ op: 'is-null' });
  });
});

describe('manifest evaluator examples', () => {
  it('prunes on partition summaries', () => {
    const spec = specOf('id', Transforms.identity);
    const bytes = (v: number) => Uint8Array.of(v, 0, 0, 0);
    const m = manifestEvaluator(schema, spec, equal('id', 5));
    expect(m([{ containsNull: false, lowerBound: bytes(1), upperBound: bytes(4) }])).toBe(false);
    expect(m([{ containsNull: false, lowerBound: bytes(1), upperBound: bytes(9) }])).toBe(true);
    expect(m([{ containsNull: true, lowerBound: null, upperBound: null }])).toBe(false);
    expect(m(undefined)).toBe(true);
    expect(m([{ containsNull: false, lowerBound: Uint8Array.of(1), upperBound: bytes(4) }])).toBe(true); // unreadable bound
  });
});

describe('row filter on other Arrow layouts', () => {
  it('reads struct fields (a null struct makes its fields null), millisecond timestamps and Date64', () => {
    const s = newSchema([
      optionalField(1, 'loc', Types.struct([optionalField(2, 'lat', Types.double)])),
      optionalField(3, 'ts', Types.timestamp),
      optionalField(4, 'day', Types.date),
    ]);
    const lat = makeData({ type: new Float64(), length: 3, nullCount: 0, data: Float64Array.of(1, 2, 3) });
    const locType = new Struct([new Field('lat', new Float64(), true)]);
    const loc = makeData({ type: locType, length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b101), children: [lat] });
    const ts = makeData({ type: new TimestampMillisecond(), length: 3, nullCount: 0, data: BigInt64Array.of(0n, 1000n, 2000n) });
    const day = makeData({ type: new DateMillisecond(), length: 3, nullCount: 0, data: BigInt64Array.of(0n, 86_400_000n, 86_400_001n) });
    const fields = [new Field('loc', locType, true), new Field('ts', new TimestampMillisecond(), true), new Field('day', new DateMillisecond(), true)];
    const batch = new RecordBatch(new ArrowSchema(fields), makeData({ type: new Struct(fields), length: 3, nullCount: 0, children: [loc, ts, day] }));
    expect([...rowFilter(s, greaterThan('loc.lat', 0))(batch)]).toEqual([1, 0, 1]);
    expect([...rowFilter(s, isNull('loc.lat'))(batch)]).toEqual([0, 1, 0]);
    expect([...rowFilter(s, lessThan('ts', 1_000_001n))(batch)]).toEqual([1, 1, 0]);
    expect([...rowFilter(s, equal('day', 1))(batch)]).toEqual([0, 1, 0]);
  });
});
