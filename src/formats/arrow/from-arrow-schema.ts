/**
 * Arrow → Iceberg schema conversion: the reverse of `schema.ts`, for data
 * that arrives as Arrow (from pyarrow, DuckDB, a Parquet file) and must be
 * written to or compared with an Iceberg table.
 */
import { DateUnit, TimeUnit, Type } from 'apache-arrow';
import type { DataType, Date_, Decimal, Dictionary, Field, FixedSizeBinary, Float, Int, Time, Timestamp } from 'apache-arrow';
import type { Schema as ArrowSchema } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { newSchema } from '../../iceberg/spec/schema.js';
import type { Schema } from '../../iceberg/spec/schema.js';
import { highestFieldId } from '../../iceberg/spec/type-index.js';
import { Types, optionalField, requiredField } from '../../iceberg/spec/types.js';
import type { IcebergType, NestedField } from '../../iceberg/spec/types.js';
import { EXTENSION_NAME_KEY, FIELD_DOC_KEY, UUID_EXTENSION, arrowFieldId } from './schema.js';

/** Options for {@link arrowToIcebergSchema}. */
export interface ArrowToIcebergOptions {
  /**
   * A schema whose ids are reused for fields that have no `PARQUET:field_id`
   * metadata, matched by name path (`a.b`, list `element`, map `key`/`value`).
   * New fields get ids above its highest id.
   */
  existing?: Schema;
  /** Schema id of the result; defaults to the existing schema's id, else 0. */
  schemaId?: number;
}

interface Ids {
  next: number;
}

function invalid(path: string, type: DataType, why: string): never {
  throw new ValidationError(`Arrow column ${JSON.stringify(path)} has type ${String(type)}, which Iceberg cannot hold: ${why}`, {
    context: { column: path, arrowType: String(type) },
  });
}

function childOf(existing: IcebergType | undefined, name: string): { id: number; type: IcebergType } | undefined {
  if (existing === undefined) return undefined;
  if (existing.type === 'struct') {
    const f = existing.fields.find((x) => x.name === name);
    return f && { id: f.id, type: f.type };
  }
  if (existing.type === 'list' && name === 'element') return { id: existing.elementId, type: existing.element };
  if (existing.type === 'map' && name === 'key') return { id: existing.keyId, type: existing.key };
  if (existing.type === 'map' && name === 'value') return { id: existing.valueId, type: existing.value };
  return undefined;
}

function maxMetadataId(fields: readonly Field[]): number {
  let max = 0;
  for (const f of fields) {
    max = Math.max(max, arrowFieldId(f) ?? 0);
    max = Math.max(max, maxMetadataId(f.type.children ?? []));
  }
  return max;
}

function primitive(type: DataType, field: Field, path: string): IcebergType {
  switch (type.typeId) {
    case Type.Null:
      return Types.unknown;
    case Type.Bool:
      return Types.boolean;
    case Type.Int: {
      const t = type as Int;
      if (t.bitWidth === 64) return t.isSigned ? Types.long : invalid(path, type, 'unsigned 64-bit integers do not fit Iceberg long; cast to int64 or decimal(20,0)');
      return t.bitWidth === 32 && !t.isSigned ? Types.long : Types.int;
    }
    case Type.Float: {
      const t = type as Float;
      return t.precision === 2 ? Types.double : Types.float;
    }
    case Type.Decimal: {
      const t = type as Decimal;
      if (t.precision < 1 || t.precision > 38) invalid(path, type, 'decimal precision must be 1 to 38');
      return Types.decimal(t.precision, t.scale);
    }
    case Type.Date:
      return (type as Date_).unit === DateUnit.DAY || (type as Date_).unit === DateUnit.MILLISECOND ? Types.date : invalid(path, type, 'unknown date unit');
    case Type.Time: {
      const unit = (type as Time).unit;
      return unit === TimeUnit.NANOSECOND ? invalid(path, type, 'Iceberg time has microsecond precision; cast to time64[us]') : Types.time;
    }
    case Type.Timestamp: {
      const t = type as Timestamp;
      const zoned = t.timezone !== null && t.timezone !== undefined && t.timezone !== '';
      if (t.unit === TimeUnit.NANOSECOND) return zoned ? Types.timestamptz_ns : Types.timestamp_ns;
      return zoned ? Types.timestamptz : Types.timestamp;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return Types.string;
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
      return Types.binary;
    case Type.FixedSizeBinary: {
      const width = (type as FixedSizeBinary).byteWidth;
      return width === 16 && field.metadata.get(EXTENSION_NAME_KEY) === UUID_EXTENSION ? Types.uuid : Types.fixed(width);
    }
    default:
      return invalid(path, type, 'no Iceberg type holds it (intervals, durations and unions are not supported); cast it first');
  }
}

function convertType(type: DataType, field: Field, path: string, existing: IcebergType | undefined, ids: Ids): IcebergType {
  switch (type.typeId) {
    case Type.Dictionary:
      return convertType((type as Dictionary).dictionary, field, path, existing, ids);
    case Type.Struct:
      return Types.struct(type.children.map((c) => convertField(c, `${path}.${c.name}`, childOf(existing, c.name), ids)));
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList: {
      const child = type.children[0];
      if (child === undefined) invalid(path, type, 'a list needs an element field');
      const e = convertField(child, `${path}.element`, childOf(existing, 'element'), ids);
      return Types.list(e.id, e.type, e.required);
    }
    case Type.Map: {
      const entries = type.children[0];
      const [key, value] = entries?.type.children ?? [];
      if (key === undefined || value === undefined) invalid(path, type, 'a map needs key and value fields');
      const k = convertField(key, `${path}.key`, childOf(existing, 'key'), ids);
      const v = convertField(value, `${path}.value`, childOf(existing, 'value'), ids);
      return Types.map(k.id, k.type, v.id, v.type, v.required);
    }
    default:
      return primitive(type, field, path);
  }
}

function convertField(field: Field, path: string, existing: { id: number; type: IcebergType } | undefined, ids: Ids): NestedField {
  const id = arrowFieldId(field) ?? existing?.id ?? ids.next++;
  const type = convertType(field.type, field, path, existing?.type, ids);
  const doc = field.metadata.get(FIELD_DOC_KEY);
  const opts = doc === undefined ? {} : { doc };
  return field.nullable ? optionalField(id, field.name, type, opts) : requiredField(id, field.name, type, opts);
}

/**
 * The Iceberg schema of an Arrow schema. Field ids come from
 * `PARQUET:field_id` metadata when present, else from the field with the same
 * name path in `existing`, else fresh ids above every id in use. Nullable
 * Arrow fields become optional. Throws ValidationError for Arrow types
 * Iceberg cannot hold (unsigned 64-bit, intervals, durations, unions,
 * nanosecond times) and when the resulting ids clash.
 *
 * Small integers widen to `int`, `uint32` to `long`, large/view strings and
 * binaries map to `string`/`binary`, dictionaries to their value type; any
 * time zone makes a timestamp `timestamptz` (Arrow stores UTC instants).
 *
 * @example
 * ```ts
 * const schema = arrowToIcebergSchema(table.schema, { existing: current });
 * ```
 */
export function arrowToIcebergSchema(arrowSchema: ArrowSchema, options: ArrowToIcebergOptions = {}): Schema {
  const existing = options.existing;
  const ids: Ids = { next: Math.max(existing === undefined ? 0 : highestFieldId(existing), maxMetadataId(arrowSchema.fields)) + 1 };
  const fields = arrowSchema.fields.map((f) => {
    const match = existing?.fields.find((x) => x.name === f.name);
    return convertField(f, f.name, match && { id: match.id, type: match.type }, ids);
  });
  return newSchema(fields, { schemaId: options.schemaId ?? existing?.schemaId ?? 0 });
}
