/**
 * Partition values between their in-memory form (`spec/values.ts`) and the
 * Avro form of a manifest's `partition` record (Appendix A): decimals as
 * big-endian two's-complement `fixed` of the minimum size for the precision,
 * UUIDs as 16 big-endian bytes, everything else as itself.
 *
 * Reading accepts the forms other writers use too: decimals as `bytes`,
 * UUIDs as strings, `int` where the type was promoted to `long`, `float`
 * where it was promoted to `double`.
 */
import { ValidationError } from '../../errors.js';
import type { AvroRecord, AvroRecordSchema, AvroValue } from '../../formats/avro/index.js';
import { decimalRequiredBytes, unscaledFromBytes, unscaledToBytes } from '../spec/decimal.js';
import type { IcebergType, StructType } from '../spec/types.js';
import { typeToString } from '../spec/types.js';
import { isValidValue } from '../spec/value-check.js';
import type { StructValue, Value } from '../spec/values.js';
import { isUuid, uuidFromBytes, uuidToBytes } from '../spec/values.js';
import { avroCompatibleName } from './avro-schemas.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Sign-extend the minimal two's-complement bytes of a decimal to `size` bytes. */
function decimalToFixed(unscaled: bigint, size: number, where: string): Uint8Array {
  const minimal = unscaledToBytes(unscaled);
  if (minimal.length > size) throw new ValidationError(`${where}: decimal ${unscaled} needs ${minimal.length} bytes, more than the ${size} its precision allows`);
  const out = new Uint8Array(size).fill(unscaled < 0n ? 0xff : 0);
  out.set(minimal, size - minimal.length);
  return out;
}

/** The Avro value of one partition value. Throws ValidationError when `value` is not of `type`. */
export function partitionValueToAvro(type: IcebergType, value: Value | undefined, where: string): AvroValue {
  if (value === null || value === undefined) return null;
  if (!isValidValue(type, value)) throw new ValidationError(`${where}: ${String(value).slice(0, 60)} is not a ${typeToString(type)} value`);
  switch (type.type) {
    case 'decimal':
      return decimalToFixed(value as bigint, decimalRequiredBytes(type.precision), where);
    case 'uuid':
      return uuidToBytes(value as string);
    default:
      return value as AvroValue;
  }
}

function wrong(type: IcebergType, value: AvroValue, where: string): never {
  const shown = typeof value === 'bigint' ? `${value}` : value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value)?.slice(0, 40);
  throw new ValidationError(`${where}: a manifest stores ${shown} for a ${typeToString(type)} partition value; the manifest is corrupt or written with another partition spec`);
}

/** The in-memory value of one Avro partition value. Throws ValidationError when the stored form does not fit `type`. */
export function partitionValueFromAvro(type: IcebergType, value: AvroValue, where: string): Value {
  if (value === null) return null;
  switch (type.type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : wrong(type, value, where);
    case 'int':
    case 'date':
      return typeof value === 'number' && Number.isInteger(value) ? value : wrong(type, value, where);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (typeof value === 'bigint') return value;
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : wrong(type, value, where);
    case 'float':
      return typeof value === 'number' ? Math.fround(value) : wrong(type, value, where);
    case 'double':
      return typeof value === 'number' ? value : wrong(type, value, where);
    case 'decimal':
      return value instanceof Uint8Array && value.length > 0 ? unscaledFromBytes(value) : wrong(type, value, where);
    case 'string':
      if (typeof value === 'string') return value;
      if (value instanceof Uint8Array) {
        try {
          return utf8.decode(value);
        } catch {
          return wrong(type, value, where);
        }
      }
      return wrong(type, value, where);
    case 'uuid':
      if (value instanceof Uint8Array && value.length === 16) return uuidFromBytes(value);
      return typeof value === 'string' && isUuid(value) ? value.toLowerCase() : wrong(type, value, where);
    case 'fixed':
      return value instanceof Uint8Array && value.length === type.length ? value : wrong(type, value, where);
    case 'binary':
    case 'geometry':
    case 'geography':
      return value instanceof Uint8Array ? value : wrong(type, value, where);
    case 'unknown':
      return null;
    default:
      return wrong(type, value, where);
  }
}

/** The Avro `partition` record of a partition tuple (keyed by partition field id). */
export function partitionToAvro(partitionType: StructType, partition: StructValue, where: string): AvroRecord {
  const out: Record<string, AvroValue> = {};
  for (const f of partitionType.fields) out[avroCompatibleName(f.name)] = partitionValueToAvro(f.type, partition.get(f.id), `${where} partition field ${f.name}`);
  for (const id of partition.keys()) {
    if (!partitionType.fields.some((f) => f.id === id)) throw new ValidationError(`${where}: partition field id ${id} is not in the manifest's partition spec; use the spec the file was written with`);
  }
  return out;
}

/**
 * A reader for the `partition` records of one manifest: matches the file's
 * partition fields to the spec's by field id (by name, then position, for
 * writers that stored no ids) and converts each value.
 */
export function partitionReader(partitionType: StructType, fileSchema: AvroRecordSchema): (record: AvroValue, where: string) => StructValue {
  const plan = partitionType.fields.map((f, i) => {
    const byId = fileSchema.fields.find((a) => a.fieldId === f.id);
    const match = byId ?? fileSchema.fields.find((a) => a.fieldId === undefined && a.name === avroCompatibleName(f.name)) ?? (fileSchema.fields.every((a) => a.fieldId === undefined) ? fileSchema.fields[i] : undefined);
    return { field: f, name: match?.name };
  });
  return (record, where) => {
    if (typeof record !== 'object' || record === null || record instanceof Uint8Array || Array.isArray(record) || record instanceof Map) {
      throw new ValidationError(`${where}: the partition is not a record; the manifest is corrupt`);
    }
    const rec = record as AvroRecord;
    const out = new Map<number, Value>();
    for (const { field, name } of plan) {
      out.set(field.id, name === undefined ? null : partitionValueFromAvro(field.type, rec[name] ?? null, `${where} partition field ${field.name}`));
    }
    return out;
  };
}
