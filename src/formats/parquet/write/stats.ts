/**
 * Column statistics: min/max by the Parquet sort order of the column's type,
 * null and NaN counts. Min/max are kept as PLAIN-encoded bytes (the form the
 * footer stores), compared with {@link compareStat}. Floating-point min/max
 * skip NaN and order −0 before +0 (Iceberg's order); the footer form applies
 * Parquet's signed-zero rule when written.
 */
import type { SortKind } from './schema.js';

/** Compare two PLAIN-encoded statistic values of the same sort kind. */
export function compareStat(sort: SortKind, a: Uint8Array, b: Uint8Array): number {
  switch (sort) {
    case 'bool':
      return a[0]! - b[0]!;
    case 'i32': {
      const x = int32At(a, 0);
      const y = int32At(b, 0);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'i64': {
      // High words signed, then low words unsigned: no BigInt per comparison.
      const xh = int32At(a, 4);
      const yh = int32At(b, 4);
      if (xh !== yh) return xh < yh ? -1 : 1;
      const xl = int32At(a, 0) >>> 0;
      const yl = int32At(b, 0) >>> 0;
      return xl < yl ? -1 : xl > yl ? 1 : 0;
    }
    case 'f32':
      return compareFloat(dv(a).getFloat32(0, true), dv(b).getFloat32(0, true));
    case 'f64':
      return compareFloat(dv(a).getFloat64(0, true), dv(b).getFloat64(0, true));
    case 'decimal-be': {
      if (a.length > 0 && b.length > 0 && (a[0]! ^ b[0]!) & 0x80) return a[0]! & 0x80 ? -1 : 1;
      return compareUnsigned(a, 0, a.length, b, 0, b.length);
    }
    case 'bytes':
      return compareUnsigned(a, 0, a.length, b, 0, b.length);
  }
}

/** The little-endian signed 32-bit integer at `a[p, p + 4)`. */
function int32At(a: Uint8Array, p: number): number {
  return a[p]! | (a[p + 1]! << 8) | (a[p + 2]! << 16) | (a[p + 3]! << 24);
}

function dv(a: Uint8Array): DataView {
  return new DataView(a.buffer, a.byteOffset, a.byteLength);
}

/** Total order on non-NaN floats with −0 < +0. */
export function compareFloat(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === 0 && y === 0) {
    const nx = Object.is(x, -0);
    const ny = Object.is(y, -0);
    return nx === ny ? 0 : nx ? -1 : 1;
  }
  return 0;
}

/** Unsigned lexicographic comparison of two byte ranges (shorter prefix first). */
export function compareUnsigned(a: Uint8Array, as: number, al: number, b: Uint8Array, bs: number, bl: number): number {
  const l = al < bl ? al : bl;
  for (let k = 0; k < l; k++) {
    const d = a[as + k]! - b[bs + k]!;
    if (d !== 0) return d;
  }
  return al - bl;
}

/** Running statistics of one column chunk. */
export class ChunkStats {
  nullCount = 0;
  nanCount = 0;
  min: Uint8Array | undefined;
  max: Uint8Array | undefined;

  constructor(readonly sort: SortKind) {}

  /** Offer a candidate min and max (PLAIN bytes; copied when kept). */
  offer(lo: Uint8Array, hi: Uint8Array): void {
    if (this.min === undefined || compareStat(this.sort, lo, this.min) < 0) this.min = lo.slice();
    if (this.max === undefined || compareStat(this.sort, hi, this.max) > 0) this.max = hi.slice();
  }

  /** Fold another chunk's statistics into these. */
  merge(o: ChunkStats): void {
    this.nullCount += o.nullCount;
    this.nanCount += o.nanCount;
    if (o.min !== undefined && o.max !== undefined) this.offer(o.min, o.max);
  }

  /** Update from `n` fixed-width PLAIN values. */
  updateFixed(bytes: Uint8Array, n: number, width: number): void {
    if (n === 0) return;
    switch (this.sort) {
      case 'i32': {
        const v = bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, n) : new Int32Array(bytes.slice(0, n * 4).buffer);
        let lo = 0;
        let hi = 0;
        for (let i = 1; i < n; i++) {
          if (v[i]! < v[lo]!) lo = i;
          else if (v[i]! > v[hi]!) hi = i;
        }
        return this.offer(bytes.subarray(lo * 4, lo * 4 + 4), bytes.subarray(hi * 4, hi * 4 + 4));
      }
      case 'i64': {
        const v = bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, n * 2) : new Int32Array(bytes.slice(0, n * 8).buffer);
        let lo = 0;
        let hi = 0;
        let loH = v[1]!;
        let loL = v[0]! >>> 0;
        let hiH = loH;
        let hiL = loL;
        for (let i = 1; i < n; i++) {
          const l = v[2 * i]! >>> 0;
          const h = v[2 * i + 1]!;
          if (h < loH || (h === loH && l < loL)) {
            lo = i;
            loH = h;
            loL = l;
          } else if (h > hiH || (h === hiH && l > hiL)) {
            hi = i;
            hiH = h;
            hiL = l;
          }
        }
        return this.offer(bytes.subarray(lo * 8, lo * 8 + 8), bytes.subarray(hi * 8, hi * 8 + 8));
      }
      case 'f32':
      case 'f64': {
        const w = this.sort === 'f32' ? 4 : 8;
        const v = bytes.byteOffset % w === 0
          ? (w === 4 ? new Float32Array(bytes.buffer, bytes.byteOffset, n) : new Float64Array(bytes.buffer, bytes.byteOffset, n))
          : (w === 4 ? new Float32Array(bytes.slice(0, n * 4).buffer) : new Float64Array(bytes.slice(0, n * 8).buffer));
        let lo = -1;
        let hi = -1;
        let nan = 0;
        for (let i = 0; i < n; i++) {
          const x = v[i]!;
          if (x !== x) {
            nan++;
            continue;
          }
          if (lo < 0) {
            lo = hi = i;
            continue;
          }
          if (compareFloat(x, v[lo]!) < 0) lo = i;
          else if (compareFloat(x, v[hi]!) > 0) hi = i;
        }
        this.nanCount += nan;
        if (lo >= 0) this.offer(bytes.subarray(lo * w, lo * w + w), bytes.subarray(hi * w, hi * w + w));
        return;
      }
      case 'bytes':
      case 'decimal-be': {
        let lo = 0;
        let hi = 0;
        for (let i = 1; i < n; i++) {
          const s = i * width;
          if (this.cmpAt(bytes, s, lo * width, width) < 0) lo = i;
          else if (this.cmpAt(bytes, s, hi * width, width) > 0) hi = i;
        }
        return this.offer(bytes.subarray(lo * width, lo * width + width), bytes.subarray(hi * width, hi * width + width));
      }
      case 'bool':
        return;
    }
  }

  private cmpAt(b: Uint8Array, x: number, y: number, w: number): number {
    if (this.sort === 'decimal-be' && (b[x]! ^ b[y]!) & 0x80) return b[x]! & 0x80 ? -1 : 1;
    return compareUnsigned(b, x, w, b, y, w);
  }

  /** Update from boolean counts. */
  updateBool(trues: number, falses: number): void {
    if (falses > 0) this.offer(FALSE, trues > 0 ? TRUE : FALSE);
    else if (trues > 0) this.offer(TRUE, TRUE);
  }

  /** Min/max as the footer stores them (Parquet's signed-zero rule for floats). */
  footerMinMax(): { min?: Uint8Array; max?: Uint8Array } {
    if (this.min === undefined || this.max === undefined) return {};
    if (this.sort === 'f32' || this.sort === 'f64') {
      const w = this.sort === 'f32' ? 4 : 8;
      const read = (b: Uint8Array) => (w === 4 ? dv(b).getFloat32(0, true) : dv(b).getFloat64(0, true));
      const write = (x: number) => {
        const b = new Uint8Array(w);
        if (w === 4) dv(b).setFloat32(0, x, true);
        else dv(b).setFloat64(0, x, true);
        return b;
      };
      const lo = read(this.min);
      const hi = read(this.max);
      return { min: lo === 0 ? write(-0) : this.min, max: hi === 0 ? write(0) : this.max };
    }
    return { min: this.min, max: this.max };
  }
}

const FALSE = Uint8Array.of(0);
const TRUE = Uint8Array.of(1);
