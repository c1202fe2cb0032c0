import {
  Bool,
  Date_,
  DateUnit,
  Decimal,
  Dictionary,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  LargeUtf8,
  List,
  RecordBatch,
  Schema,
  Struct,
  TimestampMicrosecond,
  Uint8,
  Utf8,
  makeData,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scatterBatch } from '../../../../src/iceberg/write/scatter.js';
import { takeRows } from '../../../../src/iceberg/write/take.js';

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

/** Column generators for every type the scatter covers, each with nulls. */
const columns: [string, DataType, fc.Arbitrary<unknown>][] = [
  ['i16', new Int16(), maybe(fc.integer({ min: -32768, max: 32767 }))],
  ['i32', new Int32(), maybe(fc.integer())],
  ['i64', new Int64(), maybe(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))],
  ['u8', new Uint8(), maybe(fc.integer({ min: 0, max: 255 }))],
  ['f32', new Float32(), maybe(fc.float({ noNaN: true }))],
  ['f64', new Float64(), maybe(fc.double())],
  ['bool', new Bool(), maybe(fc.boolean())],
  ['utf8', new Utf8(), maybe(fc.oneof(fc.string({ maxLength: 8 }), fc.string({ minLength: 33, maxLength: 60 })))],
  ['date', new Date_(DateUnit.DAY), maybe(fc.integer({ min: -100_000, max: 100_000 }).map((d) => new Date(d * 86_400_000)))],
  ['ts', new TimestampMicrosecond('UTC'), maybe(fc.integer({ min: 0, max: 2 ** 40 }))],
  ['dict', new Dictionary(new Utf8(), new Int32()), maybe(fc.constantFrom('EUR', 'USD', 'THB', ''))],
];

function rowsOf(batch: RecordBatch): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < batch.numRows; i++) {
    out.push(
      batch.schema.fields.map((_, c) => {
        const v = batch.getChildAt(c)!.get(i) as unknown;
        if (v instanceof Uint8Array || v instanceof Uint32Array) return [...v];
        return v;
      }),
    );
  }
  return out;
}

/** The reference: each group's rows gathered by index, in row order. */
function expectMatchesTake(batch: RecordBatch, group: number[], groups: number) {
  const gid = Int32Array.from(group);
  const counts = new Int32Array(groups);
  for (const g of group) counts[g]!++;
  const parts = scatterBatch(batch, gid, counts);
  expect(parts).toBeDefined();
  for (let g = 0; g < groups; g++) {
    const idx = Uint32Array.from(group.flatMap((x, i) => (x === g ? [i] : [])));
    const expected = takeRows(batch, idx);
    expect(parts![g]!.numRows).toBe(counts[g]);
    expect(rowsOf(parts![g]!)).toEqual(rowsOf(expected));
    for (let c = 0; c < batch.numCols; c++) expect(parts![g]!.getChildAt(c)!.nullCount).toBe(expected.getChildAt(c)!.nullCount);
  }
}

function batchOf(vectors: Vector[], names: string[]): RecordBatch {
  const fields = vectors.map((v, i) => new Field(names[i]!, v.type, true));
  const data = makeData({ type: new Struct(fields), length: vectors[0]!.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new RecordBatch(new Schema(fields), data);
}

describe('scatterBatch', () => {
  it('gives each group exactly the rows take() gathers, in order, for every covered type (property)', () => {
    const arb = fc.integer({ min: 0, max: 40 }).chain((n) =>
      fc.record({
        cols: fc.tuple(...columns.map(([, , gen]) => fc.array(gen, { minLength: n, maxLength: n }))),
        groups: fc.integer({ min: 1, max: 6 }),
        seed: fc.array(fc.nat(), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ cols, groups, seed }) => {
        const vectors = cols.map((values, i) => vectorFromArray(values as unknown[], columns[i]![1]));
        const batch = batchOf(vectors, columns.map(([n]) => n));
        expectMatchesTake(batch, seed.map((s) => s % groups), groups);
      }),
      { numRuns: 150 },
    );
  });

  it('covers decimals and fixed-size binary (word and byte layouts)', () => {
    const n = 9;
    const dec = new Uint32Array(n * 4).map((_, i) => (i * 2654435761) >>> 0);
    const fsb = new Uint8Array(n * 3).map((_, i) => (i * 37) & 0xff);
    const valid = new Uint8Array([0b1011_0111, 0b1]);
    const decData = makeData({ type: new Decimal(2, 38, 128), length: n, nullCount: 2, nullBitmap: valid, data: dec });
    const fsbData = makeData({ type: new FixedSizeBinary(3), length: n, nullCount: 0, data: fsb });
    const fields = [new Field('d', decData.type, true), new Field('f', fsbData.type, true)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [decData, fsbData] }));
    expectMatchesTake(batch, [2, 0, 1, 2, 2, 0, 1, 0, 2], 3);
  });

  it('honours sliced batches (bitmap offsets and sliced buffers)', () => {
    const vectors = [
      vectorFromArray([1, null, 3, 4, null, 6, 7, 8, null, 10], new Int32()),
      vectorFromArray(['a', null, 'ccc', 'dd', null, 'f', 'g', 'hh', 'iii', null], new Utf8()),
      vectorFromArray([true, null, false, true, true, null, false, true, false, true], new Bool()),
      vectorFromArray(['x', 'y', null, 'x', 'y', 'x', null, 'y', 'x', 'x'], new Dictionary(new Utf8(), new Int32())),
    ];
    const batch = batchOf(vectors, ['i', 's', 'b', 'd']).slice(3, 9);
    expectMatchesTake(batch, [1, 0, 1, 1, 0, 2], 3);
  });

  it('declines batches with columns it does not cover, so the caller can split another way', () => {
    const list = vectorFromArray([[1], [2, 3]], new List(new Field('element', new Int32(), true)));
    const large = vectorFromArray(['a', 'b'], new LargeUtf8());
    for (const v of [list, large]) {
      const batch = batchOf([vectorFromArray([1, 2], new Int32()), v], ['a', 'b']);
      expect(scatterBatch(batch, Int32Array.from([0, 1]), Int32Array.from([1, 1]))).toBeUndefined();
    }
  });
});
