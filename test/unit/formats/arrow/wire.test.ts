import { Decimal, Field, FixedSizeBinary, Int32, LargeUtf8, List, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchFromWire, batchToWire, wireable } from '../../../../src/formats/arrow/wire.js';
import { batchOf, flatBatch, nullCounts, rowsOf } from '../../../helpers/arrow-batches.js';

/** What crosses a thread boundary: a structured clone, moving the transferred buffers. */
function send(batch: RecordBatch, owned: boolean): RecordBatch {
  const wire = batchToWire(batch, owned);
  expect(wire).toBeDefined();
  return batchFromWire(structuredClone(wire!.batch, { transfer: wire!.transfer }));
}

describe('record batches on the wire', () => {
  it('arrive with the same names, types, nullability, values and null counts (property)', () => {
    const arb = fc.integer({ min: 0, max: 30 }).chain((n) => fc.record({ full: flatBatch(n), slice: fc.tuple(fc.nat({ max: n }), fc.nat({ max: n })), owned: fc.boolean() }));
    fc.assert(
      fc.property(arb, ({ full, slice, owned }) => {
        const [a, b] = [Math.min(...slice), Math.max(...slice)];
        const batch = a === 0 && b === full.numRows ? full : full.slice(a, b);
        const expected = rowsOf(batch);
        const nulls = nullCounts(batch);
        expect(wireable(batch)).toBe(true);
        const got = send(batch, owned);
        expect(got.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(batch.schema.fields.map((f) => [f.name, String(f.type), f.nullable]));
        expect(rowsOf(got)).toEqual(expected);
        expect(nullCounts(got)).toEqual(nulls);
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
