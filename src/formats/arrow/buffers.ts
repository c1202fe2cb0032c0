/**
 * Small growable buffers and bitmaps used to assemble Arrow `Data` without
 * going through Arrow's per-value builders (typed arrays filled in one pass).
 */
import { ensureCapacity } from '../../internal/bytes.js';

/** A validity bitmap being filled; `bitmap()` is undefined when nothing is null. */
export class Validity {
  private bits: Uint8Array;
  /** Number of null slots so far. */
  nulls = 0;

  constructor(readonly length: number) {
    this.bits = new Uint8Array((length + 7) >> 3).fill(0xff);
  }

  /** Mark slot `i` null. */
  setNull(i: number): void {
    this.bits[i >> 3]! &= ~(1 << (i & 7));
    this.nulls++;
  }

  /** The packed bitmap (LSB first), or undefined when every slot is valid. */
  bitmap(): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits;
  }
}

/** A byte buffer that grows by doubling, for variable-length values. */
export class ByteSink {
  private buf: Uint8Array;
  /** Bytes written so far. */
  length = 0;
  private static readonly encoder = new TextEncoder();

  constructor(initial = 1024) {
    this.buf = new Uint8Array(Math.max(16, initial));
  }

  private reserve(extra: number): void {
    this.buf = ensureCapacity(this.buf, this.length, extra);
  }

  /** Append raw bytes. */
  push(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Append the UTF-8 encoding of `text`. */
  pushText(text: string): void {
    // Worst case 3 bytes per UTF-16 unit; encodeInto writes in place, no temporary array.
    this.reserve(text.length * 3);
    const { written } = ByteSink.encoder.encodeInto(text, this.buf.subarray(this.length));
    this.length += written;
  }

  /** The bytes written (a view, not a copy). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

const U32 = 0x1_0000_0000n;

/** Write a 128-bit two's-complement little-endian value into four 32-bit words at `words[4*i..]`. */
export function writeInt128(words: Uint32Array, i: number, value: bigint): void {
  const o = i * 4;
  if (value >= -9007199254740991n && value <= 9007199254740991n) {
    // Fast path: fits a double exactly, so split with number maths.
    const n = Number(value);
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296);
    words[o] = lo;
    words[o + 1] = hi >>> 0;
    const fill = n < 0 ? 0xffffffff : 0;
    words[o + 2] = fill;
    words[o + 3] = fill;
    return;
  }
  let v = BigInt.asUintN(128, value);
  for (let k = 0; k < 4; k++) {
    words[o + k] = Number(v % U32);
    v /= U32;
  }
}

/** Read a 128-bit two's-complement little-endian value from four 32-bit words at `words[4*i..]`. */
export function readInt128(words: Uint32Array, i: number): bigint {
  const o = i * 4;
  const w2 = words[o + 2]!;
  const w3 = words[o + 3]!;
  const w1 = words[o + 1]!;
  // Fast path: the upper words are pure sign extension and the value fits 53 bits.
  if (w2 === 0 && w3 === 0 && w1 < 0x200000) return BigInt(w1 * 4294967296 + words[o]!);
  if (w2 === 0xffffffff && w3 === 0xffffffff && w1 >= 0xffe00000) return BigInt((w1 - 4294967296) * 4294967296 + words[o]!);
  const u = (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(words[o]!);
  return BigInt.asIntN(128, u);
}
