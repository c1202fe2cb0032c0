import { Bool, Dictionary, Field, Float64, Int32, Int64, List, Struct, TimestampMicrosecond, Utf8, Int8, Decimal, FixedSizeBinary, makeVector, vectorFromArray, RecordBatch, Schema, makeData, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { takeData, takeRows } from '../../../../src/iceberg/write/take.js';

/** The naive reference: get() every row. */
const rowsOf = (v: Vector) => Array.from({ length: v.length }, (_, i) => {
  const x = v.get(i);
  return x !== null && typeof x === 'object' && 'toJSON' in x ? JSON.stringify(x.toJSON(), (_k, y) => (typeof y === 'bigint' ? `${y}n` : y)) : x instanceof Uint8Array ? [...x] : x;
});

function check(v: Vector, indices: number[]) {
  const idx = Uint32Array.from(indices);
  const taken = makeVector(takeData(v.data[0]!, idx));
  const expected = indices.map((i) => rowsOf(v)[i]);
  expect(rowsOf(taken)).toEqual(expected);
  expect(taken.nullCount).toBe(expected.filter((x) => x === null).length);
}

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

describe('takeData', () => {
  it('gathers every type lakekit writes, nulls included (property)', () => {
    const cases: [string, fc.Arbitrary<Vector>][] = [
      ['int32', fc.array(maybe(fc.integer()), { maxLength: 30 }).map((a) => vectorFromArray(a, new Int32()))],
      ['int64', fc.array(maybe(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), { maxLength: 30 }).map((a) => vectorFromArray(a, new Int64()))],
      ['float64', fc.array(maybe(fc.double()), { maxLength: 30 }).map((a) => vectorFromArray(a, new Float64()))],
      ['bool', fc.array(maybe(fc.boolean()), { maxLength: 30 }).map((a) => vectorFromArray(a, new Bool()))],
      ['utf8', fc.array(maybe(fc.string()), { maxLength: 30 }).map((a) => vectorFromArray(a, new Utf8()))],
      ['timestamp', fc.array(maybe(fc.integer({ min: 0, max: 2 ** 40 })), { maxLength: 30 }).map((a) => vectorFromArray(a, new TimestampMicrosecond('UTC')))],
      ['dictionary', fc.array(maybe(fc.constantFrom('EUR', 'USD', 'THB')), { maxLength: 30 }).map((a) => vectorFromArray(a, new Dictionary(new Utf8(), new Int32())))],
      ['list<int32>', fc.array(maybe(fc.array(maybe(fc.integer()), { maxLength: 4 })), { maxLength: 20 }).map((a) => vectorFromArray(a, new List(new Field('element', new Int32(), true))))],
      [
        'struct',
        fc.array(maybe(fc.record({ a: maybe(fc.integer()), b: maybe(fc.string()) })), { maxLength: 20 }).map((a) =>
          vectorFromArray(a, new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)])),
        ),
      ],
    ];
    for (const [name, arb] of cases) {
      fc.assert(
        fc.property(
          arb.chain((v) => fc.tuple(fc.constant(v), fc.array(fc.nat({ max: Math.max(0, v.length - 1) }), { maxLength: v.length === 0 ? 0 : 40 }))),
          ([v, idx]) => check(v, idx),
        ),
        { numRuns: 60, examples: [] },
      );
      void name;
    }
  });

  it('honours slices (offsets into shared buffers)', () => {
    const v = vectorFromArray(['a', null, 'ccc', 'dd', null, 'f'], new Utf8()).slice(2, 6);
    check(v, [3, 0, 0, 2, 1]);
    const n = vectorFromArray([1, null, 3, 4, null, 6], new Int32()).slice(1, 5);
    check(n, [0, 3, 1]);
    const b = vectorFromArray([true, null, false, true, true, null, false, true, false], new Bool()).slice(3, 5);
    check(b, [1, 0, 1]);
    const l = vectorFromArray([[1], [2, 3], null, [4, 5, 6]], new List(new Field('element', new Int32(), true))).slice(1, 3);
    check(l, [1, 0, 1]);
    expect(() => takeData(l.data[0]!, Uint32Array.from([2]))).toThrow(RangeError);
  });

  it('gathers decimals and fixed-size binary by their stride', () => {
    const dec = makeVector(makeData({ type: new Decimal(2, 18, 128), length: 3, nullCount: 0, data: new Uint32Array([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]) }));
    const taken = makeVector(takeData(dec.data[0]!, Uint32Array.from([2, 0])));
    expect([...(taken.data[0]!.values as Uint32Array)]).toEqual([3, 0, 0, 0, 1, 0, 0, 0]);
    const fsb = makeVector(makeData({ type: new FixedSizeBinary(2), length: 3, nullCount: 0, data: new Uint8Array([1, 2, 3, 4, 5, 6]) }));
    check(fsb, [1, 1, 2]);
    void Int8;
  });

  it('takes rows of a record batch', () => {
    const batch = new RecordBatch({ id: vectorFromArray([10n, 20n, 30n], new Int64()).data[0]!, name: vectorFromArray(['x', 'y', null], new Utf8()).data[0]! });
    const out = takeRows(batch, Uint32Array.from([2, 0]));
    expect(out.numRows).toBe(2);
    expect(out.toArray().map((r) => r.toJSON())).toEqual([{ id: 30n, name: null }, { id: 10n, name: 'x' }]);
    expect(out.schema.fields.map((f) => f.name)).toEqual(['id', 'name']);
    void Schema;
  });
});
