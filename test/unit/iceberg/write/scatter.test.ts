import { Decimal, Dictionary, Field, FixedSizeBinary, Int32, LargeUtf8, List, RecordBatch, Schema, Struct, Utf8, Bool, makeData, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scatterBatch } from '../../../../src/iceberg/write/scatter.js';
import { takeRows } from '../../../../src/iceberg/write/take.js';
import { batchOf, flatBatch, nullCounts, rowsOf } from '../../../helpers/arrow-batches.js';

/** The reference: each group's rows gathered by index, in row order. */
function expectMatchesTake(batch: RecordBatch, group: number[], groups: number) {
  const gid = Int32Array.from(group);
  const counts = new Int32Array(groups);
  for (const g of group) counts[g]!++;
  const parts = scatterBatch(batch, gid, counts);
  expect(parts).toBeDefined();
  for (let g = 0; g < groups; g++) {
    const expected = takeRows(batch, Uint32Array.from(group.flatMap((x, i) => (x === g ? [i] : []))));
    expect(parts![g]!.numRows).toBe(counts[g]);
    expect(rowsOf(parts![g]!)).toEqual(rowsOf(expected));
    expect(nullCounts(parts![g]!)).toEqual(nullCounts(expected));
  }
}

describe('scatterBatch', () => {
  it('gives each group exactly the rows take() gathers, in order, for every covered type (property)', () => {
    const arb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.record({ batch: flatBatch(n), groups: fc.integer({ min: 1, max: 6 }), seed: fc.array(fc.nat(), { minLength: n, maxLength: n }) }));
    fc.assert(
      fc.property(arb, ({ batch, groups, seed }) => expectMatchesTake(batch, seed.map((s) => s % groups), groups)),
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
