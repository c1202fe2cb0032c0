import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  LargeUtf8,
  List,
  RecordBatch,
  Schema,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  Uint16,
  Utf8,
  makeData,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchFromWire, batchToWire, wireable } from '../../../../src/formats/arrow/wire.js';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

const columns: [string, DataType, fc.Arbitrary<unknown>][] = [
  ['i8', new Int8(), maybe(fc.integer({ min: -128, max: 127 }))],
  ['u16', new Uint16(), maybe(fc.integer({ min: 0, max: 65535 }))],
  ['i32', new Int32(), maybe(fc.integer())],
  ['i64', new Int64(), maybe(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))],
  ['f32', new Float32(), maybe(fc.float({ noNaN: true }))],
  ['f64', new Float64(), maybe(fc.double({ noNaN: true }))],
  ['bool', new Bool(), maybe(fc.boolean())],
  ['utf8', new Utf8(), maybe(fc.string({ maxLength: 12 }))],
  ['bin', new Binary(), maybe(fc.uint8Array({ maxLength: 6 }))],
  ['date', new DateDay(), maybe(fc.integer({ min: -100_000, max: 100_000 }).map((d) => new Date(d * 86_400_000)))],
  ['time', new TimeMicrosecond(), maybe(fc.bigInt({ min: 0n, max: 86_399_999_999n }))],
  ['ts', new TimestampMicrosecond('UTC'), maybe(fc.integer({ min: 0, max: 2 ** 40 }))],
  ['tsn', new TimestampNanosecond(), maybe(fc.integer({ min: 0, max: 2 ** 40 }))],
  ['dict', new Dictionary(new Utf8(), new Int32()), maybe(fc.constantFrom('EUR', 'USD', 'THB', ''))],
];

function batchOf(vectors: Vector[], names: string[]): RecordBatch {
  const fields = vectors.map((v, i) => new Field(names[i]!, v.type, i % 2 === 0));
  const data = makeData({ type: new Struct(fields), length: vectors[0]!.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new RecordBatch(new Schema(fields), data);
}

function rowsOf(batch: RecordBatch): unknown[][] {
  return Array.from({ length: batch.numRows }, (_, i) =>
    batch.schema.fields.map((_, c) => {
      const v = batch.getChildAt(c)!.get(i) as unknown;
      return v instanceof Uint8Array || v instanceof Uint32Array ? [...v] : v;
    }),
  );
}

/** What crosses a thread boundary: a structured clone, moving the transferred buffers. */
function send(batch: RecordBatch, owned: boolean): RecordBatch {
  const wire = batchToWire(batch, owned);
  expect(wire).toBeDefined();
  return batchFromWire(structuredClone(wire!.batch, { transfer: wire!.transfer }));
}

describe('record batches on the wire', () => {
  it('arrive with the same names, types, nullability, values and null counts (property)', () => {
    const arb = fc.integer({ min: 0, max: 30 }).chain((n) =>
      fc.record({
        cols: fc.tuple(...columns.map(([, , gen]) => fc.array(gen, { minLength: n, maxLength: n }))),
        slice: fc.tuple(fc.nat({ max: n }), fc.nat({ max: n })),
        owned: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(arb, ({ cols, slice, owned }) => {
        const full = batchOf(
          cols.map((values, i) => vectorFromArray(values as unknown[], columns[i]![1])),
          columns.map(([name]) => name),
        );
        const [a, b] = [Math.min(...slice), Math.max(...slice)];
        const batch = a === 0 && b === full.numRows ? full : full.slice(a, b);
        const expected = rowsOf(batch);
        const nulls = batch.schema.fields.map((_, c) => batch.getChildAt(c)!.nullCount);
        expect(wireable(batch)).toBe(true);
        const got = send(batch, owned);
        expect(got.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(batch.schema.fields.map((f) => [f.name, String(f.type), f.nullable]));
        expect(rowsOf(got)).toEqual(expected);
        expect(got.schema.fields.map((_, c) => got.getChildAt(c)!.nullCount)).toEqual(nulls);
      }),
      { numRuns: 150 },
    );
  });

  it('carries decimals and fixed-size binary', () => {
    const n = 5;
    const dec = makeData({ type: new Decimal(2, 18, 128), length: n, nullCount: 1, nullBitmap: new Uint8Array([0b11101]), data: new Uint32Array(n * 4).map((_, i) => i * 7919) });
    const fsb = makeData({ type: new FixedSizeBinary(3), length: n, nullCount: 0, data: new Uint8Array(n * 3).map((_, i) => i) });
    const fields = [new Field('d', dec.type, true), new Field('f', fsb.type, false)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [dec, fsb] }));
    expect(rowsOf(send(batch, false))).toEqual(rowsOf(batch));
  });

  it('moves whole owned buffers and copies the rest, leaving a borrowed batch intact', () => {
    // Exactly-sized buffers, as a partition split makes them.
    const ints = makeData({ type: new Int32(), length: 3, nullCount: 0, data: Int32Array.from([1, 2, 3]) });
    const strings = makeData({ type: new Utf8(), length: 3, nullCount: 1, nullBitmap: Uint8Array.from([0b011]), valueOffsets: Int32Array.from([0, 1, 2, 2]), data: Uint8Array.from([97, 98]) });
    const fields = [new Field('i', ints.type, false), new Field('s', strings.type, true)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 3, nullCount: 0, children: [ints, strings] }));
    const owned = batchToWire(batch, true)!;
    // values, validity, offsets and bytes: four whole buffers move.
    expect(owned.transfer).toHaveLength(4);
    const borrowed = batchToWire(batch, false)!;
    expect(borrowed.transfer).toEqual([]);
    structuredClone(borrowed.batch, { transfer: borrowed.transfer });
    expect(rowsOf(batch)).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, null],
    ]);
  });

  it('declines nested and 64-bit-offset columns', () => {
    for (const v of [vectorFromArray([[1], [2]], new List(new Field('element', new Int32(), true))), vectorFromArray(['a', 'b'], new LargeUtf8())]) {
      const batch = batchOf([vectorFromArray([1, 2], new Int32()), v], ['a', 'b']);
      expect(wireable(batch)).toBe(false);
      expect(batchToWire(batch, false)).toBeUndefined();
    }
  });
});
