/**
 * Leaf values: which Arrow types may hold each Iceberg primitive, and the
 * conversion of an Arrow vector's values into the Parquet physical layout
 * (little-endian numbers, big-endian decimal bytes, offsets + bytes for byte
 * arrays). Fixed-width values that need no conversion are views of the
 * Arrow buffers, not copies.
 */
import { DataType, Precision, TimeUnit, Type, type Data } from 'apache-arrow';
import { ValidationError } from '../../../errors.js';
import type { PrimitiveType } from '../../../iceberg/spec/types.js';
import { typeToString } from '../../../iceberg/spec/types.js';
import type { LeafColumn } from './schema.js';

/** Leaf values in Parquet layout. `sel` (when set) lists the Arrow indexes of the values, in order. */
export type LeafValues =
  | { readonly kind: 'fixed'; readonly n: number; readonly width: number; readonly bytes: Uint8Array }
  | { readonly kind: 'bool'; readonly n: number; readonly bits: Uint8Array; readonly bitOffset: number; readonly sel: Int32Array | null }
  | {
      readonly kind: 'bytes';
      readonly n: number;
      readonly offsets: Int32Array;
      readonly data: Uint8Array;
      readonly sel: Int32Array | null;
      /** `sel` holds keys into a dictionary (`offsets`/`data`), so equal keys are equal values. */
      readonly keyed?: boolean;
    };

function fail(leafName: string, iceberg: PrimitiveType, arrow: DataType, hint: string): never {
  throw new ValidationError(
    `column ${leafName}: Arrow type ${String(arrow)} cannot hold Iceberg type ${typeToString(iceberg)}; ${hint}`,
    { context: { column: leafName, arrowType: String(arrow), icebergType: typeToString(iceberg) } },
  );
}

const unitScale: Record<number, bigint> = { [TimeUnit.SECOND]: 1_000_000_000n, [TimeUnit.MILLISECOND]: 1_000_000n, [TimeUnit.MICROSECOND]: 1000n, [TimeUnit.NANOSECOND]: 1n };

/** Throw ValidationError (naming the column) unless Arrow type `a` can hold Iceberg primitive `t`. */
export function checkLeafType(name: string, t: PrimitiveType, a: DataType): void {
  const id = a.typeId;
  const ok = (cond: boolean, hint: string): void => {
    if (!cond) fail(name, t, a, hint);
  };
  const smallInt = (maxBits: number) => DataType.isInt(a) && (a.isSigned ? a.bitWidth <= maxBits : a.bitWidth < maxBits);
  switch (t.type) {
    case 'boolean':
      return ok(id === Type.Bool, 'use Bool');
    case 'int':
      return ok(smallInt(32), 'use Int32 (or a narrower integer)');
    case 'long':
      return ok(smallInt(64), 'use Int64 (or a narrower integer)');
    case 'float':
      return ok(DataType.isFloat(a) && a.precision === Precision.SINGLE, 'use Float32');
    case 'double':
      return ok(DataType.isFloat(a) && a.precision !== Precision.HALF, 'use Float64 (or Float32)');
    case 'date':
      return ok(DataType.isDate(a), 'use Date32 (DateDay) or Date64 (DateMillisecond)');
    case 'time':
      return ok(DataType.isTime(a) && a.unit !== TimeUnit.NANOSECOND, 'use Time64 in microseconds (or Time32 in seconds/milliseconds)');
    case 'timestamp':
    case 'timestamptz': {
      const utc = t.type === 'timestamptz';
      ok(DataType.isTimestamp(a), `use Timestamp(MICROSECOND${utc ? ", 'UTC'" : ''})`);
      const ts = a as DataType<Type.Timestamp> & { unit: TimeUnit; timezone?: string | null };
      ok(ts.unit !== TimeUnit.NANOSECOND, 'nanosecond values would lose precision; cast to microseconds or use timestamp_ns');
      ok(utc === (ts.timezone !== null && ts.timezone !== undefined && ts.timezone !== ''), utc ? 'timestamptz needs a time zone on the Arrow timestamp (e.g. UTC)' : 'timestamp (without zone) needs an Arrow timestamp without a time zone; use timestamptz for zoned values');
      return;
    }
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const utc = t.type === 'timestamptz_ns';
      ok(DataType.isTimestamp(a), `use Timestamp(NANOSECOND${utc ? ", 'UTC'" : ''})`);
      const ts = a as DataType<Type.Timestamp> & { timezone?: string | null };
      ok(utc === (ts.timezone !== null && ts.timezone !== undefined && ts.timezone !== ''), utc ? 'timestamptz_ns needs a time zone on the Arrow timestamp' : 'timestamp_ns needs an Arrow timestamp without a time zone');
      return;
    }
    case 'string': {
      const v = DataType.isDictionary(a) ? a.dictionary : a;
      return ok(v.typeId === Type.Utf8 || v.typeId === Type.LargeUtf8, 'use Utf8, LargeUtf8 or Dictionary<Utf8>');
    }
    case 'binary': {
      const v = DataType.isDictionary(a) ? a.dictionary : a;
      return ok(v.typeId === Type.Binary || v.typeId === Type.LargeBinary || v.typeId === Type.FixedSizeBinary, 'use Binary or LargeBinary');
    }
    case 'uuid':
      return ok(DataType.isFixedSizeBinary(a) && a.byteWidth === 16, 'use FixedSizeBinary(16) holding the UUID bytes big-endian');
    case 'fixed':
      return ok(DataType.isFixedSizeBinary(a) && a.byteWidth === t.length, `use FixedSizeBinary(${t.length})`);
    case 'decimal': {
      ok(DataType.isDecimal(a), `use Decimal(${t.precision}, ${t.scale})`);
      const d = a as DataType<Type.Decimal> & { scale: number; precision: number; bitWidth: number };
      ok(d.scale === t.scale, `the Arrow scale is ${d.scale}; rescale the values to scale ${t.scale}`);
      ok(d.precision <= t.precision, `Arrow precision ${d.precision} exceeds ${t.precision}; values might not fit`);
      return;
    }
    default:
      return fail(name, t, a, 'this Iceberg type is not supported by the Parquet writer');
  }
}

function bytesOf(a: ArrayBufferView, byteStart: number, byteLength: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset + byteStart, byteLength);
}

/** Copy `width`-byte elements `src[sel[i]]` (or `src[i]` for i < n) into a new buffer. */
function gather(src: Uint8Array, width: number, sel: Int32Array | null, n: number): Uint8Array {
  if (sel === null) return src.subarray(0, n * width);
  const out = new Uint8Array(n * width);
  if (width % 4 === 0 && src.byteOffset % 4 === 0) {
    const s32 = new Int32Array(src.buffer, src.byteOffset, src.byteLength >> 2);
    const o32 = new Int32Array(out.buffer);
    const w = width >> 2;
    if (w === 1) for (let i = 0; i < n; i++) o32[i] = s32[sel[i]!]!;
    else if (w === 2)
      for (let i = 0; i < n; i++) {
        const s = sel[i]! << 1;
        o32[2 * i] = s32[s]!;
        o32[2 * i + 1] = s32[s + 1]!;
      }
    else for (let i = 0; i < n; i++) for (let k = 0; k < w; k++) o32[i * w + k] = s32[sel[i]! * w + k]!;
    return out;
  }
  for (let i = 0; i < n; i++) out.set(src.subarray(sel[i]! * width, sel[i]! * width + width), i * width);
  return out;
}

function int64Pairs(n: number, get: (i: number) => number): Uint8Array {
  const out = new Int32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const v = get(i);
    out[2 * i] = v | 0;
    out[2 * i + 1] = Math.floor(v / 4294967296);
  }
  return new Uint8Array(out.buffer);
}

function scaledInt64(values: BigInt64Array, sel: Int32Array | null, n: number, factor: bigint): Uint8Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[sel === null ? i : sel[i]!]! * factor;
  return new Uint8Array(out.buffer);
}

const dictionaryCache = new WeakMap<object, { offsets: Int32Array; data: Uint8Array }>();

/** Offsets (Int32) and bytes of a Binary/Utf8/LargeBinary/LargeUtf8/FixedSizeBinary vector chunk. */
function byteArrays(d: Data): { offsets: Int32Array; data: Uint8Array } {
  const data = (d.values as Uint8Array | undefined) ?? new Uint8Array(0);
  if (d.typeId === Type.FixedSizeBinary) {
    const w = (d.type as unknown as { byteWidth: number }).byteWidth;
    const offsets = new Int32Array(d.length + 1);
    for (let i = 0; i <= d.length; i++) offsets[i] = i * w;
    return { offsets, data };
  }
  const raw = d.valueOffsets as Int32Array | BigInt64Array;
  // Builders leave spare capacity after the last offset: exactly length + 1 of them count.
  if (raw instanceof Int32Array) return { offsets: raw.length === d.length + 1 ? raw : raw.subarray(0, d.length + 1), data };
  const base = Number(raw[0] ?? 0n);
  const offsets = new Int32Array(d.length + 1);
  for (let i = 0; i <= d.length; i++) offsets[i] = Number(raw[i]!) - base;
  if (offsets[d.length]! > 0x7fffffff - 1) throw new ValidationError('a LargeUtf8/LargeBinary chunk holds more than 2 GiB; write smaller batches');
  return { offsets, data: data.subarray(base) };
}

function dictionaryValues(d: Data): { offsets: Int32Array; data: Uint8Array } {
  const dict = d.dictionary as unknown as { data: Data[] } | undefined;
  if (dict === undefined) throw new ValidationError('a dictionary-encoded Arrow vector has no dictionary');
  const hit = dictionaryCache.get(dict);
  if (hit) return hit;
  const parts = dict.data.map(byteArrays);
  let result: { offsets: Int32Array; data: Uint8Array };
  if (parts.length === 1) result = parts[0]!;
  else {
    let count = 0;
    let bytes = 0;
    for (const p of parts) {
      count += p.offsets.length - 1;
      bytes += p.offsets[p.offsets.length - 1]! - p.offsets[0]!;
    }
    const offsets = new Int32Array(count + 1);
    const data = new Uint8Array(bytes);
    let k = 0;
    let pos = 0;
    for (const p of parts) {
      const b0 = p.offsets[0]!;
      const end = p.offsets[p.offsets.length - 1]!;
      data.set(p.data.subarray(b0, end), pos);
      for (let i = 0; i < p.offsets.length - 1; i++) offsets[++k] = pos + p.offsets[i + 1]! - b0;
      pos += end - b0;
    }
    result = { offsets, data };
  }
  dictionaryCache.set(dict, result);
  return result;
}

/**
 * The values of `d` at `sel` (or its first `n` values) in the Parquet layout of
 * `leaf`. The Arrow type was checked by {@link checkLeafType}.
 */
export function leafValues(leaf: LeafColumn, d: Data, sel: Int32Array | null, n: number): LeafValues {
  const t = leaf.type;
  const a = d.type as DataType;
  const values = d.values as ArrayBufferView & ArrayLike<number | bigint>;
  switch (t.type) {
    case 'boolean':
      return { kind: 'bool', n, bits: d.values as Uint8Array, bitOffset: d.offset, sel };
    case 'string':
    case 'binary': {
      if (DataType.isDictionary(a)) {
        const { offsets, data } = dictionaryValues(d);
        const idx = d.values as ArrayLike<number | bigint>;
        let composed: Int32Array;
        // 32-bit keys read in order are used as they are (the writer only reads them).
        if (sel === null && idx instanceof Int32Array) composed = idx.length === n ? idx : idx.subarray(0, n);
        else {
          composed = new Int32Array(n);
          for (let i = 0; i < n; i++) composed[i] = Number(idx[sel === null ? i : sel[i]!]!);
        }
        const size = offsets.length - 1;
        for (let i = 0; i < n; i++) {
          const k = composed[i]!;
          if (k < 0 || k >= size) throw new ValidationError(`column ${leaf.columnName}: a dictionary index is out of range; the Arrow data is corrupt`);
        }
        return { kind: 'bytes', n, offsets, data, sel: composed, keyed: true };
      }
      const { offsets, data } = byteArrays(d);
      return { kind: 'bytes', n, offsets, data, sel };
    }
    case 'uuid':
    case 'fixed':
      return { kind: 'fixed', n, width: leaf.width, bytes: gather(bytesOf(values, 0, d.length * leaf.width), leaf.width, sel, n) };
    case 'int':
    case 'date': {
      if (values instanceof Int32Array) return { kind: 'fixed', n, width: 4, bytes: gather(bytesOf(values, 0, d.length * 4), 4, sel, n) };
      const out = new Int32Array(n);
      if (values instanceof BigInt64Array) {
        // Date64: milliseconds → days (floor, as Arrow defines dates).
        for (let i = 0; i < n; i++) out[i] = Math.floor(Number(values[sel === null ? i : sel[i]!]!) / 86_400_000);
      } else for (let i = 0; i < n; i++) out[i] = Number(values[sel === null ? i : sel[i]!]!);
      return { kind: 'fixed', n, width: 4, bytes: new Uint8Array(out.buffer) };
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      let factor = 1n;
      if (DataType.isTimestamp(a) || DataType.isTime(a)) {
        const unit = (a as { unit: TimeUnit }).unit;
        const target = t.type.endsWith('_ns') ? 1n : 1000n;
        factor = unitScale[unit]! / target;
      }
      if (values instanceof BigInt64Array) {
        if (factor === 1n) return { kind: 'fixed', n, width: 8, bytes: gather(bytesOf(values, 0, d.length * 8), 8, sel, n) };
        return { kind: 'fixed', n, width: 8, bytes: scaledInt64(values, sel, n, factor) };
      }
      const f = Number(factor);
      return { kind: 'fixed', n, width: 8, bytes: int64Pairs(n, (i) => Number(values[sel === null ? i : sel[i]!]!) * f) };
    }
    case 'float':
      return { kind: 'fixed', n, width: 4, bytes: gather(bytesOf(values, 0, d.length * 4), 4, sel, n) };
    case 'double': {
      if (values instanceof Float64Array) return { kind: 'fixed', n, width: 8, bytes: gather(bytesOf(values, 0, d.length * 8), 8, sel, n) };
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = values[sel === null ? i : sel[i]!] as number;
      return { kind: 'fixed', n, width: 8, bytes: new Uint8Array(out.buffer) };
    }
    case 'decimal': {
      const words = (a as unknown as { bitWidth: number }).bitWidth >> 5;
      const w32 = new Uint32Array(values.buffer, values.byteOffset, d.length * words);
      const width = leaf.width;
      if (leaf.physical !== 7 /* FIXED_LEN_BYTE_ARRAY */) {
        const outWords = width >> 2;
        const out = new Uint32Array(n * outWords);
        for (let i = 0; i < n; i++) {
          const s = (sel === null ? i : sel[i]!) * words;
          out[i * outWords] = w32[s]!;
          if (outWords === 2) out[i * outWords + 1] = words >= 2 ? w32[s + 1]! : (w32[s]! & 0x80000000 ? 0xffffffff : 0);
        }
        return { kind: 'fixed', n, width, bytes: new Uint8Array(out.buffer) };
      }
      const out = new Uint8Array(n * width);
      for (let i = 0; i < n; i++) {
        const s = (sel === null ? i : sel[i]!) * words;
        const top = w32[s + words - 1]! & 0x80000000 ? 0xff : 0;
        for (let j = 0; j < width; j++) {
          const b = width - 1 - j; // little-endian byte index
          const wi = b >> 2;
          out[i * width + j] = wi < words ? (w32[s + wi]! >>> ((b & 3) * 8)) & 0xff : top;
        }
      }
      return { kind: 'fixed', n, width, bytes: out };
    }
    default:
      throw new ValidationError(`column ${leaf.columnName}: Iceberg type ${typeToString(t)} cannot be written`);
  }
}

