/**
 * Finding an Iceberg column in an Arrow record batch and reading it
 * columnar, for the row filter. Columns are matched by the Parquet field-id
 * metadata (`PARQUET:field_id`) when the batch carries it, else by name;
 * struct fields are followed through Arrow struct children, and a struct's
 * nulls make its fields null. A column the batch lacks reads as all null,
 * as Iceberg reads a column that a file predates.
 *
 * Each column is exposed as an {@link ArrowColumn}: one of a few physical
 * shapes (numbers, 64-bit integers as 32-bit word pairs, byte ranges, bits,
 * dictionary indices, or per-row values for rare types) plus a function that
 * turns a bound literal into the column's physical units (timestamps of
 * another unit, decimals of another scale, dates stored as milliseconds).
 */
import type { Data, DataType, Field, RecordBatch } from 'apache-arrow';
import { Type } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { MICROS_PER_DAY } from '../spec/temporal.js';
import type { PrimitiveType, StructType } from '../spec/types.js';
import { typeToString } from '../spec/types.js';
import { findFieldEntry } from '../spec/type-index.js';
import type { Value } from '../spec/values.js';
import { uuidToBytes } from '../spec/values.js';

/** The physical shape of a column, see the module comment. */
export type ColumnAccess =
  | { readonly kind: 'null' }
  | { readonly kind: 'number'; readonly values: ArrayLike<number> }
  | { readonly kind: 'int64'; readonly lo: Uint32Array; readonly hi: Int32Array }
  | { readonly kind: 'bytes'; readonly data: Uint8Array; readonly offsets?: ArrayLike<number | bigint>; readonly stride: number }
  | { readonly kind: 'bool'; readonly bits: Uint8Array; readonly offset: number }
  | { readonly kind: 'values'; readonly get: (i: number) => Value }
  | { readonly kind: 'dictionary'; readonly indices: ArrayLike<number | bigint>; readonly dictionary: ArrowColumn };

/** A column ready for the filter kernels. */
export interface ArrowColumn {
  readonly length: number;
  /** 1 where the row's value is not null; undefined when no value is null. */
  readonly valid: Uint8Array | undefined;
  readonly access: ColumnAccess;
  /** A bound literal in the column's physical form (number, bigint, bytes or boolean). */
  readonly literal: (v: Value) => Value;
}

const encoder = new TextEncoder();
// nanoseconds per Arrow TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND)
const NANOS_PER_UNIT = [1_000_000_000n, 1_000_000n, 1000n, 1n];

function bitSet(bits: Uint8Array, i: number): boolean {
  return ((bits[i >> 3]! >> (i & 7)) & 1) === 1;
}

function validity(data: Data, into: Uint8Array | undefined, length: number): Uint8Array | undefined {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return into;
  const out = into ?? new Uint8Array(length).fill(1);
  for (let i = 0; i < length; i++) if (!bitSet(bitmap, data.offset + i)) out[i] = 0;
  return out;
}

function mismatch(name: string, type: PrimitiveType, arrow: DataType): never {
  throw new ValidationError(`column ${JSON.stringify(name)} is ${typeToString(type)} in the Iceberg schema but ${String(arrow)} in the Arrow batch; read the data with the table's schema`);
}

const identity = (v: Value): Value => v;

function int64(values: BigInt64Array): ColumnAccess {
  return {
    kind: 'int64',
    lo: new Uint32Array(values.buffer, values.byteOffset, values.length * 2),
    hi: new Int32Array(values.buffer, values.byteOffset, values.length * 2),
  };
}

/** Iceberg value of a temporal type in nanoseconds per unit (days for date). */
function icebergNanos(type: PrimitiveType): bigint {
  if (type.type === 'date') return MICROS_PER_DAY * 1000n;
  return type.type.endsWith('_ns') ? 1n : 1000n;
}

function temporal(data: Data, type: PrimitiveType, name: string, arrowNanos: bigint): Omit<ArrowColumn, 'valid' | 'length'> {
  const ice = icebergNanos(type);
  const values = data.values as ArrayLike<number | bigint>;
  if (arrowNanos <= ice && ice % arrowNanos === 0n) {
    // the Arrow unit is as fine or finer: literals scale up exactly
    const f = ice / arrowNanos;
    if (values instanceof BigInt64Array) return { access: int64(values), literal: (v) => BigInt(v as number | bigint) * f };
    return { access: { kind: 'number', values: values as ArrayLike<number> }, literal: (v) => Number(BigInt(v as number | bigint) * f) };
  }
  if (arrowNanos % ice !== 0n) mismatch(name, type, data.type);
  // a coarser Arrow unit: scale each row up to the Iceberg unit
  const f = arrowNanos / ice;
  const asIceberg = type.type === 'date' ? (x: bigint): Value => Number(x * f) : (x: bigint): Value => x * f;
  return { access: { kind: 'values', get: (i) => asIceberg(BigInt(values[i]!)) }, literal: identity };
}

function decimal(data: Data, type: PrimitiveType, name: string): Omit<ArrowColumn, 'valid' | 'length'> {
  if (type.type !== 'decimal') mismatch(name, type, data.type);
  const t = data.type as DataType & { scale: number; bitWidth: number };
  const words = data.values as Uint32Array;
  const stride = t.bitWidth / 32;
  const bits = BigInt(t.bitWidth);
  const common = Math.max(t.scale, type.scale);
  const rowFactor = 10n ** BigInt(common - t.scale);
  const litFactor = 10n ** BigInt(common - type.scale);
  const get = (i: number): Value => {
    let v = 0n;
    for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[i * stride + w]!);
    return BigInt.asIntN(Number(bits), v) * rowFactor;
  };
  return { access: { kind: 'values', get }, literal: (v) => (v as bigint) * litFactor };
}

function physical(data: Data, type: PrimitiveType, name: string): Omit<ArrowColumn, 'valid' | 'length'> {
  const t = data.type;
  switch (data.typeId) {
    case Type.Null:
      return { access: { kind: 'null' }, literal: identity };
    case Type.Dictionary: {
      const dict = (data as Data & { dictionary?: { data: readonly Data[] } }).dictionary;
      const chunk = dict?.data.length === 1 ? dict.data[0] : undefined;
      if (chunk === undefined) throw new ValidationError(`column ${JSON.stringify(name)} has a dictionary in ${dict?.data.length ?? 0} chunks; combine the dictionary into one chunk`);
      const inner = column(chunk, type, name, undefined);
      return { access: { kind: 'dictionary', indices: data.values as ArrayLike<number | bigint>, dictionary: inner }, literal: inner.literal };
    }
    case Type.Bool:
      if (type.type !== 'boolean') mismatch(name, type, t);
      return { access: { kind: 'bool', bits: data.values as Uint8Array, offset: data.offset }, literal: identity };
    case Type.Int: {
      if (!['int', 'long', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'].includes(type.type)) mismatch(name, type, t);
      const values = data.values as ArrayLike<number | bigint>;
      if (values instanceof BigInt64Array) return { access: int64(values), literal: (v) => BigInt(v as number | bigint) };
      if (values instanceof BigUint64Array) return { access: { kind: 'values', get: (i) => values[i]! }, literal: (v) => BigInt(v as number | bigint) };
      return { access: { kind: 'number', values: values as ArrayLike<number> }, literal: (v) => Number(v as number | bigint) };
    }
    case Type.Float:
      if (type.type !== 'float' && type.type !== 'double') mismatch(name, type, t);
      if (!(data.values instanceof Float32Array || data.values instanceof Float64Array)) mismatch(name, type, t);
      return { access: { kind: 'number', values: data.values as ArrayLike<number> }, literal: identity };
    case Type.Date:
      if (type.type !== 'date' && !type.type.startsWith('timestamp')) mismatch(name, type, t);
      return temporal(data, type, name, (t as DataType & { unit: number }).unit === 0 ? MICROS_PER_DAY * 1000n : 1_000_000n);
    case Type.Time:
    case Type.Timestamp:
      if (type.type !== 'time' && !type.type.startsWith('timestamp')) mismatch(name, type, t);
      return temporal(data, type, name, NANOS_PER_UNIT[(t as DataType & { unit: number }).unit]!);
    case Type.Decimal:
      return decimal(data, type, name);
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const utf8 = data.typeId === Type.Utf8 || data.typeId === Type.LargeUtf8;
      if (utf8 ? type.type !== 'string' && type.type !== 'uuid' : type.type !== 'binary' && type.type !== 'fixed') mismatch(name, type, t);
      const literal = (v: Value): Value => (typeof v === 'string' ? encoder.encode(v) : v);
      return { access: { kind: 'bytes', data: data.values as Uint8Array, offsets: data.valueOffsets as ArrayLike<number | bigint>, stride: 0 }, literal };
    }
    case Type.FixedSizeBinary: {
      if (type.type !== 'fixed' && type.type !== 'uuid' && type.type !== 'binary') mismatch(name, type, t);
      const literal = (v: Value): Value => (typeof v === 'string' ? uuidToBytes(v) : v);
      return { access: { kind: 'bytes', data: data.values as Uint8Array, stride: (t as DataType & { byteWidth: number }).byteWidth }, literal };
    }
    default:
      return mismatch(name, type, t);
  }
}

function column(data: Data, type: PrimitiveType, name: string, valid: Uint8Array | undefined): ArrowColumn {
  const p = physical(data, type, name);
  return { length: data.length, valid: validity(data, valid ? valid.slice() : undefined, data.length), ...p };
}

const FIELD_ID_KEYS = ['PARQUET:field_id', 'field_id', 'field-id'];

function childIndex(fields: readonly Field[], id: number, name: string): number {
  const byId = fields.findIndex((f) => FIELD_ID_KEYS.some((k) => f.metadata.get(k) === String(id)));
  return byId >= 0 ? byId : fields.findIndex((f) => f.name === name);
}

/**
 * The column of field `fieldId` (of Iceberg type `type`) in `batch`, with
 * struct ancestors' nulls applied. Throws ValidationError when the Arrow type
 * cannot hold the Iceberg type.
 */
export function arrowColumn(batch: RecordBatch, schema: StructType, fieldId: number, type: PrimitiveType): ArrowColumn {
  const length = batch.numRows;
  const entry = findFieldEntry(schema, fieldId);
  const missing: ArrowColumn = { length, valid: undefined, access: { kind: 'null' }, literal: identity };
  if (entry === undefined) return missing;
  let data: Data = batch.data;
  let valid: Uint8Array | undefined;
  for (const step of [...entry.ancestors, entry.field]) {
    const fields = (data.type as DataType & { children?: Field[] }).children ?? [];
    const i = data.typeId === Type.Struct ? childIndex(fields, step.id, step.name) : -1;
    const child = i >= 0 ? data.children[i] : undefined;
    if (child === undefined) return missing;
    if (step !== entry.field) valid = validity(child, valid, length);
    data = child;
  }
  return column(data, type, entry.path.join('.'), valid);
}
