/**
 * A cursor over Avro binary data (Avro specification, "Binary Encoding"):
 * zig-zag varints, IEEE floats, length-prefixed bytes and strings.
 *
 * Every read is bounds-checked: running past the end throws a
 * {@link ValidationError} marked `truncated` in its context, so a streaming
 * caller can tell "need more bytes" apart from "corrupt".
 */
import { ValidationError } from '../../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `e` is the error a {@link BinaryReader} throws when its input ends early. */
export function isTruncation(e: unknown): boolean {
  return e instanceof ValidationError && e.context.truncated === true;
}

function truncated(): never {
  throw new ValidationError('Avro data ends unexpectedly; the file is truncated or corrupt', { context: { truncated: true } });
}

/** Reads Avro primitives from a byte array, front to back. */
export class BinaryReader {
  /** Position of the next byte to read. */
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** End of the readable region (exclusive). */
    readonly end = bytes.length,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left before {@link end}. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private byte(): number {
    if (this.pos >= this.end) truncated();
    return this.bytes[this.pos++]!;
  }

  /**
   * The unsigned varint before zig-zag decoding: a number while it fits 49
   * bits exactly, a bigint beyond. At most 10 bytes (64 bits).
   */
  private varint(): number | bigint {
    let b = this.byte();
    let n = b & 0x7f;
    let shift = 7;
    while (b & 0x80) {
      if (shift === 49) return this.bigVarint(n);
      b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
    }
    return n;
  }

  private bigVarint(low: number): bigint {
    let n = BigInt(low);
    let shift = 49n;
    for (;;) {
      const b = this.byte();
      n |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new ValidationError('an Avro long has more than 10 bytes; the data is corrupt');
    }
    if (n >= 1n << 64n) throw new ValidationError('an Avro long does not fit 64 bits; the data is corrupt');
    return n;
  }

  /** A `long`, as a bigint. */
  readLong(): bigint {
    const u = this.varint();
    if (typeof u === 'number') return BigInt(u % 2 === 0 ? u / 2 : -(u + 1) / 2);
    return (u >> 1n) ^ -(u & 1n);
  }

  /** A `long` used as a count or length, as a number; anything of more than 49 bits is rejected as corrupt. */
  readSafeLong(): number {
    const u = this.varint();
    if (typeof u === 'number') return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    throw new ValidationError('an Avro count or length is too large; the data is corrupt');
  }

  /** An `int` (32-bit). */
  readInt(): number {
    const v = this.readSafeLong();
    if (v < -0x80000000 || v > 0x7fffffff) throw new ValidationError(`an Avro int is out of the 32-bit range (${v}); the data is corrupt`);
    return v;
  }

  /** A `boolean`: one byte, any non-zero value is true. */
  readBoolean(): boolean {
    return this.byte() !== 0;
  }

  /** A `float`. */
  readFloat(): number {
    if (this.remaining < 4) truncated();
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A `double`. */
  readDouble(): number {
    if (this.remaining < 8) truncated();
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** `n` raw bytes, copied (so the result does not pin the whole block in memory). */
  readFixed(n: number): Uint8Array {
    if (n > this.remaining) truncated();
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A non-negative length prefix that fits the remaining input. */
  readLength(): number {
    const n = this.readSafeLong();
    if (n < 0) throw new ValidationError(`an Avro length is negative (${n}); the data is corrupt`);
    if (n > this.remaining) truncated();
    return n;
  }

  /** `bytes`: a length, then the bytes. */
  readBytes(): Uint8Array {
    return this.readFixed(this.readLength());
  }

  /** `string`: a length, then UTF-8. */
  readString(): string {
    const n = this.readLength();
    const start = this.pos;
    this.pos += n;
    try {
      return utf8.decode(this.bytes.subarray(start, start + n));
    } catch (cause) {
      throw new ValidationError('an Avro string is not valid UTF-8; the data is corrupt', { cause });
    }
  }
}
