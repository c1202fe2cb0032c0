/**
 * PLAIN encoding of byte arrays (4-byte little-endian length, then the
 * bytes) straight from Arrow offsets and data, with min/max statistics kept
 * on the fly (unsigned byte order, compared 4 bytes at a time); and the
 * buffering of definition/repetition levels for the open page.
 */
import type { ByteBuffer } from './buffer.js';
import type { ChunkStats } from './stats.js';

/** Unsigned lexicographic comparison of two byte ranges, 4 bytes at a time. */
export function compareRanges(av: DataView, a: Uint8Array, as: number, al: number, bv: DataView, b: Uint8Array, bs: number, bl: number): number {
  const l = al < bl ? al : bl;
  const l4 = l & ~3;
  let k = 0;
  for (; k < l4; k += 4) {
    const x = av.getUint32(as + k, false);
    const y = bv.getUint32(bs + k, false);
    if (x !== y) return x < y ? -1 : 1;
  }
  for (; k < l; k++) {
    const d = a[as + k]! - b[bs + k]!;
    if (d !== 0) return d;
  }
  return al - bl;
}

/**
 * Append PLAIN values `[v0, v1)` (at `sel[v]` or `v` in `offsets`/`data`) to `out`, updating `stats` min/max.
 */
export function appendPlainByteArrays(out: ByteBuffer, stats: ChunkStats, offsets: Int32Array, data: Uint8Array, sel: Int32Array | null, v0: number, v1: number): void {
  let total = 4 * (v1 - v0);
  if (sel === null) total += offsets[v1]! - offsets[v0]!;
  else for (let i = v0; i < v1; i++) total += offsets[sel[i]! + 1]! - offsets[sel[i]!]!;
  out.ensure(total);
  const o = out.bytes;
  let p = out.length;
  let lo = -1;
  let hi = -1;
  let { min, max } = stats;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let minDv = min === undefined ? dv : new DataView(min.buffer, min.byteOffset, min.byteLength);
  let maxDv = max === undefined ? dv : new DataView(max.buffer, max.byteOffset, max.byteLength);
  let minS = 0;
  let maxS = 0;
  let minL = min?.length ?? 0;
  let maxL = max?.length ?? 0;
  for (let v = v0; v < v1; v++) {
    const r = sel === null ? v : sel[v]!;
    const s = offsets[r]!;
    const e = offsets[r + 1]!;
    const len = e - s;
    o[p] = len;
    o[p + 1] = len >>> 8;
    o[p + 2] = len >>> 16;
    o[p + 3] = len >>> 24;
    p += 4;
    if (len > 24) o.set(data.subarray(s, e), p);
    else for (let k = 0; k < len; k++) o[p + k] = data[s + k]!;
    p += len;
    if (min === undefined || max === undefined) {
      lo = hi = r;
      min = max = data;
      minDv = maxDv = dv;
      minS = maxS = s;
      minL = maxL = len;
    } else if (compareRanges(dv, data, s, len, minDv, min, minS, minL) < 0) {
      lo = r;
      min = data;
      minDv = dv;
      minS = s;
      minL = len;
    } else if (compareRanges(dv, data, s, len, maxDv, max, maxS, maxL) > 0) {
      hi = r;
      max = data;
      maxDv = dv;
      maxS = s;
      maxL = len;
    }
  }
  out.length = p;
  if (lo >= 0) stats.min = data.slice(offsets[lo]!, offsets[lo + 1]!);
  if (hi >= 0) stats.max = data.slice(offsets[hi]!, offsets[hi + 1]!);
}

/**
 * Append levels `[e0, e1)` (null = all `constant`) to `buf`, which holds
 * `have` levels unless `isConstant`; returns whether the page is still constant.
 */
export function appendLevels(buf: ByteBuffer, isConstant: boolean, have: number, levels: Uint8Array | null, e0: number, e1: number, constant: number): boolean {
  if (levels === null) {
    if (isConstant) return true;
    buf.ensure(e1 - e0);
    buf.bytes.fill(constant, buf.length, buf.length + e1 - e0);
    buf.length += e1 - e0;
    return false;
  }
  if (isConstant) {
    let same = true;
    for (let i = e0; i < e1 && same; i++) same = levels[i] === constant;
    if (same) return true;
    buf.ensure(have);
    buf.bytes.fill(constant, 0, have);
    buf.length = have;
  }
  buf.append(levels.subarray(e0, e1));
  return false;
}
