/**
 * Iceberg values in memory, and their binary single-value serialization
 * (spec Appendix D), used for manifest lower/upper bounds and partition
 * values in Avro.
 *
 * One in-memory representation per type, used everywhere in lakekit:
 *
 * | Iceberg type                      | in memory                                   | binary (Appendix D)                      |
 * |-----------------------------------|---------------------------------------------|------------------------------------------|
 * | `boolean`                         | `boolean`                                   | 1 byte, `00` false, non-zero true         |
 * | `int`                             | `number` (32-bit integer)                   | 4 bytes little-endian                     |
 * | `long`                            | `bigint` (64-bit)                           | 8 bytes little-endian                     |
 * | `float`                           | `number` (a float32 value, `Math.fround`)   | 4 bytes IEEE 754 little-endian            |
 * | `double`                          | `number`                                    | 8 bytes IEEE 754 little-endian            |
 * | `decimal(P,S)`                    | `bigint` unscaled value (14.20 → `1420n`)   | minimum two's-complement big-endian bytes |
 * | `date`                            | `number` days since 1970-01-01              | 4 bytes little-endian                     |
 * | `time`                            | `bigint` microseconds since midnight        | 8 bytes little-endian                     |
 * | `timestamp`, `timestamptz`        | `bigint` microseconds since the epoch (UTC) | 8 bytes little-endian                     |
 * | `timestamp_ns`, `timestamptz_ns`  | `bigint` nanoseconds since the epoch (UTC)  | 8 bytes little-endian                     |
 * | `string`                          | `string` (well-formed Unicode)              | UTF-8                                     |
 * | `uuid`                            | `string`, lower-case `8-4-4-4-12` hex       | 16 bytes big-endian                       |
 * | `fixed[L]`                        | `Uint8Array` of length L                    | the bytes                                 |
 * | `binary`                          | `Uint8Array`                                | the bytes                                 |
 * | `geometry`, `geography`           | `Uint8Array` (WKB)                          | the bytes (read-only support)             |
 * | `unknown`                         | always `null`                               | not supported                             |
 * | `struct`                          | `Map<number, Value>` keyed by field id      | not supported                             |
 * | `list`                            | `Value[]`                                   | not supported                             |
 * | `map`                             | `Map<Value, Value>`                         | not supported                             |
 * | `variant`                         | not supported yet                           | not supported                             |
 *
 * `null` is the null of every type.
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import { unscaledFromBytes, unscaledToBytes } from './decimal.js';
import { MICROS_PER_DAY, NANOS_PER_DAY } from './temporal.js';
import { typeToString } from './types.js';
import type { IcebergType } from './types.js';
import { checkValue } from './value-check.js';

/** A struct value: field id → value (missing ids mean "not set"). */
export type StructValue = ReadonlyMap<number, Value>;
/** A map value: key → value, in insertion order. */
export type MapValue = ReadonlyMap<Value, Value>;
/** Any Iceberg value in memory (see the table above). */
export type Value = null | boolean | number | bigint | string | Uint8Array | readonly Value[] | StructValue | MapValue;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fixedWidth(width: number, fill: (dv: DataView) => void): Uint8Array {
  const out = new Uint8Array(width);
  fill(new DataView(out.buffer));
  return out;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether `text` is a UUID in `8-4-4-4-12` hex form (any case). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** The 16 big-endian bytes of a UUID string. Throws ValidationError on malformed text. */
export function uuidToBytes(text: string): Uint8Array {
  if (!UUID.test(text)) throw new ValidationError(`${JSON.stringify(text.slice(0, 60))} is not a UUID; write it as 8-4-4-4-12 hex digits`);
  const hex = text.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The lower-case UUID string of 16 big-endian bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new ValidationError(`a UUID needs 16 bytes, got ${bytes.length}; the value is corrupt`);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Binary single-value serialization of a non-null value (Appendix D).
 * Throws ValidationError if `value` is not the in-memory form of `type`, and
 * UnsupportedError for types without a binary form.
 */
export function toBytes(type: IcebergType, value: Value): Uint8Array {
  checkValue(type, value);
  if (value === null) throw new ValidationError(`cannot serialize null as a single ${typeToString(type)} value; store the absence of a bound instead`);
  switch (type.type) {
    case 'boolean':
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
    case 'date':
      return fixedWidth(4, (dv) => dv.setInt32(0, value as number, true));
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return fixedWidth(8, (dv) => dv.setBigInt64(0, value as bigint, true));
    case 'float':
      return fixedWidth(4, (dv) => dv.setFloat32(0, value as number, true));
    case 'double':
      return fixedWidth(8, (dv) => dv.setFloat64(0, value as number, true));
    case 'decimal':
      return unscaledToBytes(value as bigint);
    case 'string':
      return encoder.encode(value as string);
    case 'uuid':
      return uuidToBytes(value as string);
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return (value as Uint8Array).slice();
    default:
      throw new UnsupportedError(`${typeToString(type)} values have no binary single-value form (spec Appendix D)`);
  }
}

function needLength(type: IcebergType, bytes: Uint8Array, ...lengths: number[]): void {
  if (!lengths.includes(bytes.length)) {
    throw new ValidationError(
      `a ${typeToString(type)} value needs ${lengths.join(' or ')} bytes, got ${bytes.length}; the bound or partition value is corrupt or has another type`,
    );
  }
}

/**
 * Decode a binary single value (Appendix D). Bounds written before a type
 * promotion are recognised by their length, as the spec requires: 4 bytes for
 * `long` are an `int`, for `double` a `float`, and for `timestamp[_ns]` a
 * `date` (converted to the current type's unit).
 */
export function fromBytes(type: IcebergType, bytes: Uint8Array): Value {
  switch (type.type) {
    case 'boolean':
      needLength(type, bytes, 1);
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      needLength(type, bytes, 4);
      return view(bytes).getInt32(0, true);
    case 'long':
      needLength(type, bytes, 4, 8);
      return bytes.length === 4 ? BigInt(view(bytes).getInt32(0, true)) : view(bytes).getBigInt64(0, true);
    case 'time':
    case 'timestamptz':
    case 'timestamptz_ns':
      needLength(type, bytes, 8);
      return view(bytes).getBigInt64(0, true);
    case 'timestamp':
    case 'timestamp_ns': {
      needLength(type, bytes, 4, 8);
      if (bytes.length === 8) return view(bytes).getBigInt64(0, true);
      const days = BigInt(view(bytes).getInt32(0, true));
      return days * (type.type === 'timestamp' ? MICROS_PER_DAY : NANOS_PER_DAY);
    }
    case 'float':
      needLength(type, bytes, 4);
      return view(bytes).getFloat32(0, true);
    case 'double':
      needLength(type, bytes, 4, 8);
      return bytes.length === 4 ? view(bytes).getFloat32(0, true) : view(bytes).getFloat64(0, true);
    case 'decimal':
      return unscaledFromBytes(bytes);
    case 'string':
      try {
        return decoder.decode(bytes);
      } catch (cause) {
        throw new ValidationError('a string value is not valid UTF-8; the bound or partition value is corrupt', { cause });
      }
    case 'uuid':
      needLength(type, bytes, 16);
      return uuidFromBytes(bytes);
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return bytes.slice();
    default:
      throw new UnsupportedError(`${typeToString(type)} values have no binary single-value form (spec Appendix D)`);
  }
}
