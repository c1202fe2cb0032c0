/**
 * The RLE / bit-packing hybrid encoding (Parquet `RLE`), used for definition
 * and repetition levels, dictionary indexes and (here) nothing else. Runs of
 * 8 or more equal values become RLE runs; everything else is bit-packed in
 * groups of 8, LSB first.
 */
import type { ByteBuffer } from './buffer.js';

/** Bits needed for values up to `max`. */
export function bitWidth(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}

function bitPacked(out: ByteBuffer, v: ArrayLike<number>, s: number, e: number, width: number): void {
  const groups = Math.ceil((e - s) / 8);
  out.varint(groups * 2 + 1);
  out.ensure(groups * width + 1);
  const b = out.bytes;
  let p = out.length;
  let acc = 0;
  let bits = 0;
  // width ≤ 24 keeps acc below 2^32 (bits < 8 before each add).
  for (let i = s; i < e; i++) {
    acc |= v[i]! << bits;
    bits += width;
    while (bits >= 8) {
      b[p++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  bits += (groups * 8 - (e - s)) * width; // zero padding of the last group
  while (bits > 0) {
    b[p++] = acc & 0xff;
    acc >>>= 8;
    bits -= 8;
  }
  out.length = p;
}

function rleRun(out: ByteBuffer, value: number, count: number, width: number): void {
  out.varint(count * 2);
  for (let w = 0; w < width; w += 8) out.push((value >>> w) & 0xff);
}

/** Append the hybrid encoding of `v[s..e)` at bit width `width` (1…24) to `out`. */
export function encodeHybrid(out: ByteBuffer, v: ArrayLike<number>, s: number, e: number, width: number): void {
  if (width > 24) throw new RangeError(`bit width ${width} is above 24`);
  let lit = s;
  let i = s;
  while (i < e) {
    const x = v[i]!;
    let j = i + 1;
    while (j < e && v[j] === x) j++;
    const run = j - i;
    if (run >= 8) {
      const pad = (8 - ((i - lit) & 7)) & 7;
      if (run - pad >= 8) {
        if (i + pad > lit) bitPacked(out, v, lit, i + pad, width);
        rleRun(out, x, run - pad, width);
        lit = j;
      }
    }
    i = j;
  }
  if (lit < e) bitPacked(out, v, lit, e, width);
}

/** Levels as a v1 data page stores them: 4-byte little-endian length, then the hybrid encoding. */
export function encodeLevels(out: ByteBuffer, levels: Uint8Array, n: number, maxLevel: number): void {
  const at = out.length;
  out.int32LE(0);
  encodeHybrid(out, levels, 0, n, bitWidth(maxLevel));
  out.setInt32LE(at, out.length - at - 4);
}

/** `n` copies of `value` as v1 page levels: one RLE run, no scan. */
export function encodeConstantLevels(out: ByteBuffer, n: number, value: number, maxLevel: number): void {
  const at = out.length;
  out.int32LE(0);
  out.varint(n * 2);
  const width = bitWidth(maxLevel);
  for (let w = 0; w < width; w += 8) out.push((value >>> w) & 0xff);
  out.setInt32LE(at, out.length - at - 4);
}
