import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStat } from '../../../../src/formats/parquet/write/stats.js';

const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
const le64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, v, true);
  return b;
};
const le32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
};

describe('compareStat', () => {
  it('orders PLAIN int64 statistics as signed 64-bit integers (property)', () => {
    const edge = fc.constantFrom(0n, -1n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 32n, -(2n ** 32n), 2n ** 31n, 4294967295n);
    const v = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), edge);
    fc.assert(
      fc.property(v, v, (x, y) => {
        expect(sign(compareStat('i64', le64(x), le64(y)))).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('orders PLAIN int32 statistics as signed 32-bit integers (property)', () => {
    const v = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31)));
    fc.assert(
      fc.property(v, v, (x, y) => {
        expect(sign(compareStat('i32', le32(x), le32(y)))).toBe(sign(x - y));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads statistics that are views into larger buffers at any offset', () => {
    const big = new Uint8Array(19);
    big.set(le64(-5n), 3);
    big.set(le64(7n), 11);
    expect(compareStat('i64', big.subarray(3, 11), big.subarray(11, 19))).toBe(-1);
    expect(compareStat('i32', big.subarray(3, 7), big.subarray(11, 15))).toBe(-1);
  });
});
