/**
 * The Avro schemas of manifests (`manifest_entry`) and manifest lists
 * (`manifest_file`) for formats v1–v3, with exactly the field ids and names
 * of the spec's tables ("Manifests", "Manifest Lists") and the record names
 * Java writes (`r2`, `r102`, `k117_v118`, `r508`), so every engine reads
 * them by id or by name alike.
 *
 * Partition fields follow Appendix A's Avro type mapping: decimals as
 * `fixed` of the minimum size, `uuid` as `fixed[16]`, dates and timestamps
 * with their logical types.
 */
import { UnsupportedError } from '../../errors.js';
import { decimalRequiredBytes } from '../spec/decimal.js';
import type { FormatVersion } from '../spec/metadata.js';
import type { IcebergType, StructType } from '../spec/types.js';
import { typeToString } from '../spec/types.js';

type Json = Record<string, unknown>;

const optional = (name: string, id: number, type: unknown, doc?: string): Json => ({
  name,
  type: ['null', type],
  ...(doc === undefined ? {} : { doc }),
  default: null,
  'field-id': id,
});

const required = (name: string, id: number, type: unknown, doc?: string): Json => ({
  name,
  type,
  ...(doc === undefined ? {} : { doc }),
  'field-id': id,
});

/** A map with int keys, stored as Iceberg stores non-string-keyed maps: an array of key/value records. */
const intMap = (keyId: number, valueId: number, value: string): Json => ({
  type: 'array',
  items: {
    type: 'record',
    name: `k${keyId}_v${valueId}`,
    fields: [
      { name: 'key', type: 'int', 'field-id': keyId },
      { name: 'value', type: value, 'field-id': valueId },
    ],
  },
  logicalType: 'map',
});

/** Appendix A: the Avro type of a primitive partition value. `named` tracks named types already defined. */
function partitionValueAvroType(t: IcebergType, named: Set<string>): unknown {
  const fixed = (name: string, attrs: Json): unknown => {
    if (named.has(name)) return name; // Avro names may be defined once; later uses refer to the name
    named.add(name);
    return { type: 'fixed', name, ...attrs };
  };
  switch (t.type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return t.type;
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': t.type === 'timestamptz' };
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': t.type === 'timestamptz_ns' };
    case 'uuid':
      return fixed('uuid_fixed', { size: 16, logicalType: 'uuid' });
    case 'fixed':
      return fixed(`fixed_${t.length}`, { size: t.length });
    case 'decimal':
      return fixed(avroCompatibleName(`decimal_${t.precision}_${t.scale}`), { size: decimalRequiredBytes(t.precision), logicalType: 'decimal', precision: t.precision, scale: t.scale });
    case 'binary':
    case 'geometry':
    case 'geography':
      return 'bytes';
    default:
      throw new UnsupportedError(`a partition field of type ${typeToString(t)} cannot be written to a manifest; partition by a primitive column`);
  }
}

function sanitizeUnit(c: string, first: boolean): string {
  if (c === '_' || /^\p{L}$/u.test(c) || (!first && /^\p{Nd}$/u.test(c))) return c;
  if (/^\p{Nd}$/u.test(c)) return `_${c}`;
  return `_x${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * A partition field name as an Avro name, the way Java's
 * `AvroSchemaUtil.makeCompatibleName` makes it, UTF-16 unit by unit: a
 * leading digit gets `_`, any other invalid character becomes `_x` and its
 * hex code (`a-b` → `a_x2Db`).
 */
export function avroCompatibleName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) out += sanitizeUnit(name[i]!, i === 0);
  return out;
}

/** The `partition` record (field 102): one optional field per partition field, ids from the spec. */
export function partitionAvroSchema(partitionType: StructType): Json {
  const named = new Set<string>();
  return {
    type: 'record',
    name: 'r102',
    fields: partitionType.fields.map((f) =>
      // `unknown` values are always null: Avro's `null` type, which cannot sit in a union with null.
      f.type.type === 'unknown'
        ? { name: avroCompatibleName(f.name), type: 'null', default: null, 'field-id': f.id }
        : optional(avroCompatibleName(f.name), f.id, partitionValueAvroType(f.type, named)),
    ),
  };
}

/** The `data_file` record (field 2) for a format version and partition type. */
export function dataFileAvroSchema(formatVersion: FormatVersion, partitionType: StructType): Json {
  const v1 = formatVersion === 1;
  const v3 = formatVersion >= 3;
  const fields: Json[] = [
    ...(v1 ? [] : [required('content', 134, 'int', 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes')]),
    required('file_path', 100, 'string', 'Location URI with FS scheme'),
    required('file_format', 101, 'string', 'File format name: avro, orc, or parquet'),
    required('partition', 102, partitionAvroSchema(partitionType), v1 ? undefined : 'Partition data tuple, schema based on the partition spec'),
    required('record_count', 103, 'long', 'Number of records in the file'),
    required('file_size_in_bytes', 104, 'long', 'Total file size in bytes'),
    ...(v1 ? [required('block_size_in_bytes', 105, 'long')] : []),
    optional('column_sizes', 108, intMap(117, 118, 'long'), 'Map of column id to total size on disk'),
    optional('value_counts', 109, intMap(119, 120, 'long'), 'Map of column id to total count, including null and NaN'),
    optional('null_value_counts', 110, intMap(121, 122, 'long'), 'Map of column id to null value count'),
    optional('nan_value_counts', 137, intMap(138, 139, 'long'), 'Map of column id to number of NaN values in the column'),
    optional('lower_bounds', 125, intMap(126, 127, 'bytes'), 'Map of column id to lower bound'),
    optional('upper_bounds', 128, intMap(129, 130, 'bytes'), 'Map of column id to upper bound'),
    optional('key_metadata', 131, 'bytes', 'Encryption key metadata blob'),
    optional('split_offsets', 132, { type: 'array', items: 'long', 'element-id': 133 }, 'Splittable offsets'),
    ...(v1 ? [] : [optional('equality_ids', 135, { type: 'array', items: 'int', 'element-id': 136 }, 'Equality comparison field IDs')]),
    optional('sort_order_id', 140, 'int', 'Sort order ID'),
    ...(v3 ? [optional('first_row_id', 142, 'long', 'The first row ID assigned to the first row in the data file')] : []),
    ...(v1 ? [] : [optional('referenced_data_file', 143, 'string', 'Fully qualified location (URI with FS scheme) of a data file that all deletes reference')]),
    ...(v3
      ? [
          optional('content_offset', 144, 'long', 'The offset in the file where the content starts'),
          optional('content_size_in_bytes', 145, 'long', 'The length of referenced content stored in the file'),
        ]
      : []),
  ];
  return { type: 'record', name: 'r2', fields };
}

/** The `manifest_entry` schema of a manifest for a format version and partition type. */
export function manifestEntryAvroSchema(formatVersion: FormatVersion, partitionType: StructType): Json {
  const dataFile = required('data_file', 2, dataFileAvroSchema(formatVersion, partitionType));
  const fields =
    formatVersion === 1
      ? [required('status', 0, 'int'), required('snapshot_id', 1, 'long'), dataFile]
      : [required('status', 0, 'int'), optional('snapshot_id', 1, 'long'), optional('sequence_number', 3, 'long'), optional('file_sequence_number', 4, 'long'), dataFile];
  return { type: 'record', name: 'manifest_entry', fields };
}

const FIELD_SUMMARY: Json = {
  type: 'record',
  name: 'r508',
  fields: [
    required('contains_null', 509, 'boolean', 'True if any file has a null partition value'),
    optional('contains_nan', 518, 'boolean', 'True if any file has a nan partition value'),
    optional('lower_bound', 510, 'bytes', 'Partition lower bound for all files'),
    optional('upper_bound', 511, 'bytes', 'Partition upper bound for all files'),
  ],
};

/** The `manifest_file` schema of a manifest list for a format version. */
export function manifestListAvroSchema(formatVersion: FormatVersion): Json {
  const partitions = optional('partitions', 507, { type: 'array', items: FIELD_SUMMARY, 'element-id': 508 }, 'Summary for each partition');
  const head = [
    required('manifest_path', 500, 'string', 'Location URI with FS scheme'),
    required('manifest_length', 501, 'long', 'Total file size in bytes'),
    required('partition_spec_id', 502, 'int', 'Spec ID used to write'),
  ];
  if (formatVersion === 1) {
    return {
      type: 'record',
      name: 'manifest_file',
      fields: [
        ...head,
        required('added_snapshot_id', 503, 'long', 'Snapshot ID that added the manifest'),
        optional('added_files_count', 504, 'int', 'Added entry count'),
        optional('existing_files_count', 505, 'int', 'Existing entry count'),
        optional('deleted_files_count', 506, 'int', 'Deleted entry count'),
        partitions,
        optional('added_rows_count', 512, 'long', 'Added rows count'),
        optional('existing_rows_count', 513, 'long', 'Existing rows count'),
        optional('deleted_rows_count', 514, 'long', 'Deleted rows count'),
        optional('key_metadata', 519, 'bytes', 'Encryption key metadata blob'),
      ],
    };
  }
  return {
    type: 'record',
    name: 'manifest_file',
    fields: [
      ...head,
      required('content', 517, 'int', 'Contents of the manifest: 0=data, 1=deletes'),
      required('sequence_number', 515, 'long', 'Sequence number when the manifest was added'),
      required('min_sequence_number', 516, 'long', 'Lowest sequence number in the manifest'),
      required('added_snapshot_id', 503, 'long', 'Snapshot ID that added the manifest'),
      required('added_files_count', 504, 'int', 'Added entry count'),
      required('existing_files_count', 505, 'int', 'Existing entry count'),
      required('deleted_files_count', 506, 'int', 'Deleted entry count'),
      required('added_rows_count', 512, 'long', 'Added rows count'),
      required('existing_rows_count', 513, 'long', 'Existing rows count'),
      required('deleted_rows_count', 514, 'long', 'Deleted rows count'),
      partitions,
      optional('key_metadata', 519, 'bytes', 'Encryption key metadata blob'),
      ...(formatVersion >= 3 ? [optional('first_row_id', 520, 'long', 'Starting row ID to assign to new rows in ADDED data files')] : []),
    ],
  };
}
