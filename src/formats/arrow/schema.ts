/**
 * Iceberg ↔ Arrow schema conversion.
 *
 * Every Arrow field made here carries its Iceberg field id in the field
 * metadata under {@link FIELD_ID_KEY} (`PARQUET:field_id`, the key pyarrow,
 * arrow-rs and pyiceberg use), so ids survive Arrow IPC, pyarrow and Parquet
 * writers. Nullability follows `required`.
 */
import {
  Binary,
  Bool,
  DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeBinary,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  Null,
  Schema as ArrowSchema,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  Utf8,
} from 'apache-arrow';
import { UnsupportedError } from '../../errors.js';
import type { IcebergType, NestedField, StructType } from '../../iceberg/spec/types.js';
import { typeToString } from '../../iceberg/spec/types.js';

/** Arrow field metadata key holding the Iceberg field id (as decimal text). */
export const FIELD_ID_KEY = 'PARQUET:field_id';
/** Arrow field metadata key holding the Iceberg field doc (pyiceberg's key). */
export const FIELD_DOC_KEY = 'doc';
/** Arrow extension-name metadata key; `arrow.uuid` marks a 16-byte fixed field as a UUID. */
export const EXTENSION_NAME_KEY = 'ARROW:extension:name';
/** The canonical Arrow extension name for UUIDs. */
export const UUID_EXTENSION = 'arrow.uuid';
/** Name of a list's element field (Iceberg, pyiceberg and the Parquet LIST spec). */
export const LIST_ELEMENT_NAME = 'element';
/** Name of a map's entries struct and its key and value fields. */
export const MAP_ENTRIES_NAME = 'entries';

function metadata(id: number, extra?: Record<string, string>): Map<string, string> {
  const m = new Map<string, string>([[FIELD_ID_KEY, String(id)]]);
  for (const [k, v] of Object.entries(extra ?? {})) m.set(k, v);
  return m;
}

/** The Arrow field id stored in a field's metadata, or undefined when absent or not an integer. */
export function arrowFieldId(field: Field): number | undefined {
  const text = field.metadata.get(FIELD_ID_KEY);
  if (text === undefined || !/^-?\d{1,10}$/.test(text.trim())) return undefined;
  const id = Number(text.trim());
  return Number.isSafeInteger(id) ? id : undefined;
}

function element(id: number, name: string, type: IcebergType, nullable: boolean, doc?: string): Field {
  const extra: Record<string, string> = {};
  if (type.type === 'uuid') extra[EXTENSION_NAME_KEY] = UUID_EXTENSION;
  if (doc !== undefined) extra[FIELD_DOC_KEY] = doc;
  return new Field(name, icebergToArrowType(type), nullable, metadata(id, extra));
}

/**
 * The Arrow type lakekit uses for an Iceberg type: `long`→Int64,
 * `decimal(P,S)`→Decimal128(P,S), `date`→DateDay, `time`→Time(µs),
 * `timestamp`→Timestamp(µs), `timestamptz`→Timestamp(µs, "UTC"), the `_ns`
 * types in nanoseconds, `uuid`→FixedSizeBinary(16), `fixed[L]`→FixedSizeBinary(L),
 * `geometry`/`geography`→Binary (WKB), `unknown`→Null. Throws UnsupportedError
 * for `variant`.
 */
export function icebergToArrowType(type: IcebergType): DataType {
  switch (type.type) {
    case 'unknown':
      return new Null();
    case 'boolean':
      return new Bool();
    case 'int':
      return new Int32();
    case 'long':
      return new Int64();
    case 'float':
      return new Float32();
    case 'double':
      return new Float64();
    case 'decimal':
      return new Decimal(type.scale, type.precision, 128);
    case 'date':
      return new DateDay();
    case 'time':
      return new TimeMicrosecond();
    case 'timestamp':
      return new TimestampMicrosecond();
    case 'timestamptz':
      return new TimestampMicrosecond('UTC');
    case 'timestamp_ns':
      return new TimestampNanosecond();
    case 'timestamptz_ns':
      return new TimestampNanosecond('UTC');
    case 'string':
      return new Utf8();
    case 'uuid':
      return new FixedSizeBinary(16);
    case 'fixed':
      return new FixedSizeBinary(type.length);
    case 'binary':
    case 'geometry':
    case 'geography':
      return new Binary();
    case 'struct':
      return new Struct(type.fields.map(icebergToArrowField));
    case 'list':
      return new List(element(type.elementId, LIST_ELEMENT_NAME, type.element, !type.elementRequired));
    case 'map': {
      const entries = new Struct([element(type.keyId, 'key', type.key, false), element(type.valueId, 'value', type.value, !type.valueRequired)]);
      return new Map_(new Field(MAP_ENTRIES_NAME, entries, false), false);
    }
    case 'variant':
      throw new UnsupportedError(`Iceberg ${typeToString(type)} columns have no Arrow mapping in lakekit yet; project the column away before converting`);
  }
}

/** The Arrow field for an Iceberg field: same name, nullability from `required`, id (and doc) in metadata. */
export function icebergToArrowField(field: NestedField): Field {
  return element(field.id, field.name, field.type, !field.required, field.doc);
}

/**
 * The Arrow schema of an Iceberg schema (or struct), with `PARQUET:field_id`
 * on every field, list element, map key and map value.
 *
 * @example
 * ```ts
 * const arrow = icebergToArrowSchema(newSchema([requiredField(1, 'id', Types.long)]));
 * arrow.fields[0].metadata.get('PARQUET:field_id'); // '1'
 * ```
 */
export function icebergToArrowSchema(schema: StructType): ArrowSchema {
  return new ArrowSchema(schema.fields.map(icebergToArrowField));
}
