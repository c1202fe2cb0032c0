/**
 * A small Thrift compact-protocol writer, enough for Parquet page headers and
 * the file footer: structs, i32/i64, binary/string, bool and lists.
 *
 * Values are written in field order as the caller gives them; fields whose
 * value is `undefined` are skipped, which is how optional Thrift fields are
 * left out.
 */

/** Compact-protocol type codes. */
export const TType = { BOOL: 1, I8: 3, I16: 4, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

const encoder = new TextEncoder();

/**
 * A field of a Thrift struct: `[id, type, value]`. Struct values are arrays of
 * fields; list values are `[elementType, items]`.
 */
export type ThriftField = readonly [id: number, type: number, value: ThriftValue | undefined];
/** A value written by {@link CompactWriter.struct}. */
export type ThriftValue = number | bigint | boolean | string | Uint8Array | readonly ThriftField[] | ThriftList;
/** A list: element type and items. */
export type ThriftList = { readonly list: number; readonly items: readonly ThriftValue[] };

/** Growable output buffer with compact-protocol primitives. */
export class CompactWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned varint of a non-negative integer below 2^53. */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** Zigzag varint of an integer (number within ±2^52, or bigint within 64 bits). */
  zigzag(v: number | bigint): void {
    if (typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 52) {
      this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
      return;
    }
    const b = BigInt(v);
    let u = b >= 0n ? b << 1n : ((-b) << 1n) - 1n;
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Write a struct (its fields in ascending id order) and its stop byte. */
  struct(fields: readonly ThriftField[]): void {
    let last = 0;
    for (const [id, type, value] of fields) {
      if (value === undefined) continue;
      const wire = type === TType.BOOL ? (value ? 1 : 2) : type;
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | wire);
      else {
        this.byte(wire);
        this.zigzag(id);
      }
      last = id;
      if (type !== TType.BOOL) this.value(type, value);
    }
    this.byte(0);
  }

  private value(type: number, v: ThriftValue): void {
    switch (type) {
      case TType.BOOL:
        this.byte(v ? 1 : 2);
        return;
      case TType.I8:
        this.byte((v as number) & 0xff);
        return;
      case TType.I16:
      case TType.I32:
      case TType.I64:
        this.zigzag(v as number | bigint);
        return;
      case TType.BINARY: {
        const b = typeof v === 'string' ? encoder.encode(v) : (v as Uint8Array);
        this.varint(b.length);
        this.bytes(b);
        return;
      }
      case TType.STRUCT:
        this.struct(v as readonly ThriftField[]);
        return;
      case TType.LIST: {
        const { list, items } = v as ThriftList;
        if (items.length < 15) this.byte((items.length << 4) | list);
        else {
          this.byte(0xf0 | list);
          this.varint(items.length);
        }
        for (const item of items) this.value(list, item);
        return;
      }
      default:
        throw new TypeError(`unknown thrift type ${type}`);
    }
  }

  /** The bytes written so far (a view; copy before reusing the writer). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Serialize one struct. */
export function thriftStruct(fields: readonly ThriftField[], capacity?: number): Uint8Array {
  const w = new CompactWriter(capacity);
  w.struct(fields);
  return w.result();
}
