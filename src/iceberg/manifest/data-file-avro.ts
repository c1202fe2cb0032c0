/**
 * A {@link DataFile} to and from the Avro `data_file` record (field 2) of a
 * manifest entry, for formats v1–v3.
 */
import { ValidationError } from '../../errors.js';
import type { AvroRecord, AvroRecordSchema, AvroValue } from '../../formats/avro/index.js';
import type { FormatVersion } from '../spec/metadata.js';
import type { StructType } from '../spec/types.js';
import { bytesValue, FieldAccess, longValue } from './avro-access.js';
import { partitionReader, partitionToAvro } from './partition-values.js';
import type { DataFile, FileFormat } from './types.js';
import { FileContent, V1_BLOCK_SIZE_BYTES } from './types.js';

const FILE_FORMATS: readonly FileFormat[] = ['PARQUET', 'AVRO', 'ORC', 'PUFFIN'];

/** The spec's names of `data_file` fields, for files written without field ids. */
const DATA_FILE_NAMES: Readonly<Record<number, string>> = {
  134: 'content', 100: 'file_path', 101: 'file_format', 102: 'partition', 103: 'record_count', 104: 'file_size_in_bytes',
  108: 'column_sizes', 109: 'value_counts', 110: 'null_value_counts', 137: 'nan_value_counts', 125: 'lower_bounds',
  128: 'upper_bounds', 131: 'key_metadata', 132: 'split_offsets', 135: 'equality_ids', 140: 'sort_order_id',
  142: 'first_row_id', 143: 'referenced_data_file', 144: 'content_offset', 145: 'content_size_in_bytes',
};

function intMapToAvro<V>(map: ReadonlyMap<number, V>): AvroValue {
  return map.size === 0 ? null : [...map].map(([key, value]) => ({ key, value: value as AvroValue }));
}

/**
 * The Avro record of a data file for a manifest of `formatVersion` whose
 * partition type is `partitionType`. Throws ValidationError for fields the
 * format version cannot store (delete files in v1, deletion vectors before v3).
 */
export function dataFileToAvro(file: DataFile, formatVersion: FormatVersion, partitionType: StructType, where: string): AvroRecord {
  if (![FileContent.Data, FileContent.PositionDeletes, FileContent.EqualityDeletes].includes(file.content)) {
    throw new ValidationError(`${where}: content ${String(file.content)} is not 0 (data), 1 (position deletes) or 2 (equality deletes)`);
  }
  if (formatVersion === 1 && (file.content !== FileContent.Data || file.equalityIds !== undefined || file.referencedDataFile !== undefined)) {
    throw new ValidationError(`${where}: format v1 manifests hold data files only; write delete files to a v2 or later table`);
  }
  if (formatVersion < 3 && (file.contentOffset !== undefined || file.contentSizeInBytes !== undefined)) {
    throw new ValidationError(`${where}: content_offset and content_size_in_bytes (deletion vectors) need format v3`);
  }
  const rec: Record<string, AvroValue> = {
    file_path: file.filePath,
    file_format: file.fileFormat.toUpperCase(),
    partition: partitionToAvro(partitionType, file.partition, where),
    record_count: file.recordCount,
    file_size_in_bytes: file.fileSizeInBytes,
    column_sizes: intMapToAvro(file.columnSizes),
    value_counts: intMapToAvro(file.valueCounts),
    null_value_counts: intMapToAvro(file.nullValueCounts),
    nan_value_counts: intMapToAvro(file.nanValueCounts),
    lower_bounds: intMapToAvro(file.lowerBounds),
    upper_bounds: intMapToAvro(file.upperBounds),
    key_metadata: file.keyMetadata ?? null,
    split_offsets: file.splitOffsets.length === 0 ? null : [...file.splitOffsets],
    sort_order_id: file.sortOrderId ?? null,
  };
  if (formatVersion === 1) rec.block_size_in_bytes = V1_BLOCK_SIZE_BYTES;
  else {
    rec.content = file.content;
    rec.equality_ids = file.equalityIds === undefined ? null : [...file.equalityIds];
    rec.referenced_data_file = file.referencedDataFile ?? null;
  }
  if (formatVersion >= 3) {
    rec.first_row_id = file.firstRowId ?? null;
    rec.content_offset = file.contentOffset ?? null;
    rec.content_size_in_bytes = file.contentSizeInBytes ?? null;
  }
  return rec;
}

/**
 * A decoder for the `data_file` records of one manifest, bound to the
 * writer's `data_file` schema and the partition type of the manifest's spec.
 */
export function dataFileDecoder(fileSchema: AvroRecordSchema, partitionType: StructType, where: string): (rec: AvroRecord, specId: number, at: string) => DataFile {
  const f = new FieldAccess(fileSchema, `data_file in ${where}`, DATA_FILE_NAMES);
  const partitionSchema = f.schema(102);
  if (partitionSchema?.type !== 'record') throw new ValidationError(`${where}: data_file has no partition record (field 102); the manifest is corrupt`);
  const readPartition = partitionReader(partitionType, partitionSchema);
  return (rec, specId, at) => {
    const content = f.optInt(rec, 134, at) ?? FileContent.Data;
    if (content !== 0 && content !== 1 && content !== 2) throw new ValidationError(`${at}: data_file content ${content} is not 0, 1 or 2; the manifest is corrupt`);
    const format = f.string(rec, 101, at).toUpperCase();
    if (!(FILE_FORMATS as readonly string[]).includes(format)) throw new ValidationError(`${at}: file format ${JSON.stringify(format.slice(0, 20))} is not one of ${FILE_FORMATS.join(', ')}`);
    const file: DataFile = {
      content,
      filePath: f.string(rec, 100, at),
      fileFormat: format as FileFormat,
      partition: readPartition(f.raw(rec, 102), at),
      recordCount: f.long(rec, 103, at),
      fileSizeInBytes: f.long(rec, 104, at),
      columnSizes: f.intMap(rec, 108, at, longValue, 'long'),
      valueCounts: f.intMap(rec, 109, at, longValue, 'long'),
      nullValueCounts: f.intMap(rec, 110, at, longValue, 'long'),
      nanValueCounts: f.intMap(rec, 137, at, longValue, 'long'),
      lowerBounds: f.intMap(rec, 125, at, bytesValue, 'bytes'),
      upperBounds: f.intMap(rec, 128, at, bytesValue, 'bytes'),
      splitOffsets: f.longList(rec, 132, at),
      specId,
    };
    const keyMetadata = f.optBytes(rec, 131, at);
    if (keyMetadata !== undefined) file.keyMetadata = keyMetadata;
    const equalityIds = f.optIntList(rec, 135, at);
    if (equalityIds !== undefined) file.equalityIds = equalityIds;
    const sortOrderId = f.optInt(rec, 140, at);
    if (sortOrderId !== undefined) file.sortOrderId = sortOrderId;
    const firstRowId = f.optLong(rec, 142, at);
    if (firstRowId !== undefined) file.firstRowId = firstRowId;
    const referenced = f.optString(rec, 143, at);
    if (referenced !== undefined) file.referencedDataFile = referenced;
    const contentOffset = f.optLong(rec, 144, at);
    if (contentOffset !== undefined) file.contentOffset = contentOffset;
    const contentSize = f.optLong(rec, 145, at);
    if (contentSize !== undefined) file.contentSizeInBytes = contentSize;
    return file;
  };
}
