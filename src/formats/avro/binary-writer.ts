/**
 * A growable buffer that writes Avro primitives (Avro specification,
 * "Binary Encoding"): zig-zag varints, little-endian IEEE floats,
 * length-prefixed bytes and UTF-8 strings.
 */
import { ensureCapacity } from '../../internal/bytes.js';
import { ValidationError } from '../../errors.js';

const encoder = new TextEncoder();
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Appends Avro primitives to an in-memory buffer. */
export class BinaryWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    const next = ensureCapacity(this.buf, this.length, extra);
    if (next === this.buf) return;
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A `long` (or `int`): bigint, or a safe-integer number. */
  writeLong(value: bigint | number): void {
    if (typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) < 2 ** 52) {
      let u = value >= 0 ? value * 2 : -value * 2 - 1;
      this.ensure(10);
      while (u >= 0x80) {
        this.buf[this.length++] = (u % 0x80) | 0x80;
        u = Math.floor(u / 0x80);
      }
      this.buf[this.length++] = u;
      return;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new ValidationError(`${value} is not a safe integer; pass longs beyond 2^53 as bigint`);
    const v = BigInt(value);
    if (v < LONG_MIN || v > LONG_MAX) throw new ValidationError(`${v} does not fit an Avro long (64-bit signed)`);
    let u = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.length++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.length++] = Number(u);
  }

  /** A `boolean`. */
  writeBoolean(value: boolean): void {
    this.ensure(1);
    this.buf[this.length++] = value ? 1 : 0;
  }

  /** A `float`. */
  writeFloat(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  /** A `double`. */
  writeDouble(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Raw bytes without a length (`fixed`, or container framing). */
  writeFixed(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** `bytes`: the length, then the bytes. */
  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeFixed(bytes);
  }

  /** `string`: the UTF-8 length, then UTF-8. */
  writeString(text: string): void {
    this.writeBytes(encoder.encode(text));
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  /** Forget the bytes written (keeps the capacity). */
  reset(): void {
    this.length = 0;
  }
}
