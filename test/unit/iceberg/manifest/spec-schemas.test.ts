// The Avro schemas lakekit writes, checked field by field against tables transcribed from the
// Iceberg table spec (format/spec.md, "Manifests" and "Manifest Lists"), and against what
// Spark (Iceberg 1.10 Java) wrote for the fixtures in ./fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AvroFileReader } from '../../../../src/formats/avro/index.js';
import { FileContent, manifestEntryAvroSchema, manifestListAvroSchema, ManifestWriter, writeManifestList } from '../../../../src/iceberg/manifest/index.js';
import type { FormatVersion } from '../../../../src/iceberg/spec/index.js';
import { buildPartitionSpec, newSchema, optionalField, partitionFieldsFromJson, partitionType, schemaFromJson, Transforms, Types } from '../../../../src/iceberg/spec/index.js';
import { parseJson } from '../../../../src/internal/json.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';

/** [field id, name, required] — transcribed from the spec's tables. Nested ids follow as [id, name] for map keys/values and list elements. */
type Row = [number, string, boolean, ...(readonly [number, string])[]];

const ENTRY: Record<FormatVersion, Row[]> = {
  1: [[0, 'status', true], [1, 'snapshot_id', true], [2, 'data_file', true]],
  2: [[0, 'status', true], [1, 'snapshot_id', false], [3, 'sequence_number', false], [4, 'file_sequence_number', false], [2, 'data_file', true]],
  3: [[0, 'status', true], [1, 'snapshot_id', false], [3, 'sequence_number', false], [4, 'file_sequence_number', false], [2, 'data_file', true]],
};

const METRICS: Row[] = [
  [108, 'column_sizes', false, [117, 'key'], [118, 'value']],
  [109, 'value_counts', false, [119, 'key'], [120, 'value']],
  [110, 'null_value_counts', false, [121, 'key'], [122, 'value']],
  [137, 'nan_value_counts', false, [138, 'key'], [139, 'value']],
  [125, 'lower_bounds', false, [126, 'key'], [127, 'value']],
  [128, 'upper_bounds', false, [129, 'key'], [130, 'value']],
  [131, 'key_metadata', false],
  [132, 'split_offsets', false, [133, 'element']],
];

const DATA_FILE: Record<FormatVersion, Row[]> = {
  1: [
    [100, 'file_path', true], [101, 'file_format', true], [102, 'partition', true], [103, 'record_count', true], [104, 'file_size_in_bytes', true],
    [105, 'block_size_in_bytes', true], ...METRICS, [140, 'sort_order_id', false],
  ],
  2: [
    [134, 'content', true], [100, 'file_path', true], [101, 'file_format', true], [102, 'partition', true], [103, 'record_count', true], [104, 'file_size_in_bytes', true],
    ...METRICS, [135, 'equality_ids', false, [136, 'element']], [140, 'sort_order_id', false], [143, 'referenced_data_file', false],
  ],
  3: [
    [134, 'content', true], [100, 'file_path', true], [101, 'file_format', true], [102, 'partition', true], [103, 'record_count', true], [104, 'file_size_in_bytes', true],
    ...METRICS, [135, 'equality_ids', false, [136, 'element']], [140, 'sort_order_id', false], [142, 'first_row_id', false], [143, 'referenced_data_file', false],
    [144, 'content_offset', false], [145, 'content_size_in_bytes', false],
  ],
};

const LIST_COMMON: Row[] = [[500, 'manifest_path', true], [501, 'manifest_length', true], [502, 'partition_spec_id', true]];
const SUMMARY: Row = [507, 'partitions', false, [508, 'element']];
const MANIFEST_FILE: Record<FormatVersion, Row[]> = {
  1: [
    ...LIST_COMMON, [503, 'added_snapshot_id', true], [504, 'added_files_count', false], [505, 'existing_files_count', false], [506, 'deleted_files_count', false],
    [512, 'added_rows_count', false], [513, 'existing_rows_count', false], [514, 'deleted_rows_count', false], SUMMARY, [519, 'key_metadata', false],
  ],
  2: [
    ...LIST_COMMON, [517, 'content', true], [515, 'sequence_number', true], [516, 'min_sequence_number', true], [503, 'added_snapshot_id', true],
    [504, 'added_files_count', true], [505, 'existing_files_count', true], [506, 'deleted_files_count', true], [512, 'added_rows_count', true],
    [513, 'existing_rows_count', true], [514, 'deleted_rows_count', true], SUMMARY, [519, 'key_metadata', false],
  ],
  3: [
    ...LIST_COMMON, [517, 'content', true], [515, 'sequence_number', true], [516, 'min_sequence_number', true], [503, 'added_snapshot_id', true],
    [504, 'added_files_count', true], [505, 'existing_files_count', true], [506, 'deleted_files_count', true], [512, 'added_rows_count', true],
    [513, 'existing_rows_count', true], [514, 'deleted_rows_count', true], SUMMARY, [519, 'key_metadata', false], [520, 'first_row_id', false],
  ],
};
const FIELD_SUMMARY: Row[] = [[509, 'contains_null', true], [518, 'contains_nan', false], [510, 'lower_bound', false], [511, 'upper_bound', false]];

type J = Record<string, unknown>;
const unwrap = (t: unknown): J => (Array.isArray(t) ? (t.find((b) => b !== 'null') as J) : (t as J));

/** The nested ids of a field's Avro type: map key/value field ids, or a list's element id. */
function nestedIds(t: J): [number, string][] {
  if (t.type === 'array' && t.logicalType === 'map') {
    return ((t.items as J).fields as J[]).map((f) => [f['field-id'] as number, f.name as string]);
  }
  if (t.type === 'array') return [[t['element-id'] as number, 'element']];
  return [];
}

/** Check a record's fields against rows: every spec row present, nothing else, ids, names, optionality and nested ids equal. */
function check(record: J, rows: Row[]): void {
  const fields = record.fields as J[];
  expect(fields.map((f) => f['field-id']).sort()).toEqual(rows.map((r) => r[0]).sort());
  for (const [id, name, required, ...nested] of rows) {
    const f = fields.find((x) => x['field-id'] === id)!;
    expect(f.name, `field ${id}`).toBe(name);
    expect(!Array.isArray(f.type), `field ${id} (${name}) required`).toBe(required);
    if (!required) expect(f.default, `field ${id} default`).toBeNull();
    expect(nestedIds(unwrap(f.type)), `nested ids of ${name}`).toEqual(nested);
  }
}

async function writtenSchemas(v: FormatVersion): Promise<{ entry: J; list: J; manifestMeta: AvroFileReader; listMeta: AvroFileReader }> {
  const io = new MemoryFileIO({ root: 'memory://lake/' });
  const schema = newSchema([optionalField(1, 'ts', Types.timestamptz), optionalField(2, 'amount', Types.decimal(9, 2)), optionalField(3, 'u', Types.uuid)]);
  const spec = buildPartitionSpec(schema, [
    { source: 'ts', transform: Transforms.day },
    { source: 'amount', transform: Transforms.identity },
    { source: 'u', transform: Transforms.bucket(4) },
    { source: 'u', transform: Transforms.identity, name: 'u-id' },
  ]);
  const w = new ManifestWriter(io, 'm.avro', { formatVersion: v, spec, schema, snapshotId: 1n });
  await w.add({
    content: FileContent.Data, filePath: 's3://b/f.parquet', fileFormat: 'PARQUET', partition: new Map(), recordCount: 1n, fileSizeInBytes: 1n,
    columnSizes: new Map(), valueCounts: new Map(), nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map(), splitOffsets: [],
  });
  const m = await w.close();
  await writeManifestList(io, 'l.avro', { snapshotId: 1n, sequenceNumber: 1n, formatVersion: v, firstRowId: 0n }, [m]);
  const manifestMeta = await AvroFileReader.fromBytes(await io.read('m.avro'));
  const listMeta = await AvroFileReader.fromBytes(await io.read('l.avro'));
  // Parse the header's avro.schema text itself: that is what other engines read.
  return { entry: JSON.parse(manifestMeta.metadataString('avro.schema')!) as J, list: JSON.parse(listMeta.metadataString('avro.schema')!) as J, manifestMeta, listMeta };
}

describe('manifest Avro schemas match the spec tables', () => {
  it.each([1, 2, 3] as const)('format v%i: manifest_entry, data_file, partition, manifest_file and field_summary', async (v) => {
    const { entry, list, manifestMeta, listMeta } = await writtenSchemas(v);
    expect(entry.name).toBe('manifest_entry');
    check(entry, ENTRY[v]);
    const dataFile = (entry.fields as J[]).find((f) => f['field-id'] === 2)!.type as J;
    check(dataFile, DATA_FILE[v]);
    // The partition struct: field ids are the partition field ids (1000, 1001, …), all optional, Appendix A types.
    const partition = (dataFile.fields as J[]).find((f) => f['field-id'] === 102)!.type as J;
    expect(partition.fields).toEqual([
      { name: 'ts_day', type: ['null', { type: 'int', logicalType: 'date' }], default: null, 'field-id': 1000 },
      { name: 'amount', type: ['null', { type: 'fixed', name: 'decimal_9_2', size: 4, logicalType: 'decimal', precision: 9, scale: 2 }], default: null, 'field-id': 1001 },
      { name: 'u_bucket', type: ['null', 'int'], default: null, 'field-id': 1002 },
      { name: 'u_x2Did', type: ['null', { type: 'fixed', name: 'uuid_fixed', size: 16, logicalType: 'uuid' }], default: null, 'field-id': 1003 },
    ]);
    expect(list.name).toBe('manifest_file');
    check(list, MANIFEST_FILE[v]);
    const summary = unwrap((list.fields as J[]).find((f) => f['field-id'] === 507)!.type).items as J;
    check(summary, FIELD_SUMMARY);
    // Metadata keys of the spec's "Manifest Metadata" table (v1 has no content key) and of Java's manifest lists.
    const keys = (r: AvroFileReader) => [...r.header.metadata.keys()].filter((k) => !k.startsWith('avro.')).sort();
    expect(keys(manifestMeta)).toEqual(['format-version', 'partition-spec', 'partition-spec-id', 'schema', 'schema-id', ...(v > 1 ? ['content'] : [])].sort());
    expect(keys(listMeta)).toEqual(['format-version', 'parent-snapshot-id', 'snapshot-id', ...(v > 1 ? ['sequence-number'] : []), ...(v > 2 ? ['first-row-id'] : [])].sort());
  });

  it.each([
    [1, 'spark-v1-manifest.avro', 'spark-v1-manifest-list.avro'],
    [2, 'spark-v2-manifest.avro', 'spark-v2-manifest-list.avro'],
    [3, 'spark-v3-manifest.avro', 'spark-v3-manifest-list.avro'],
  ] as const)('format v%i: equal to the schemas Spark (Iceberg 1.10) wrote for the same partition spec', async (v, manifestName, listName) => {
    const fixture = async (name: string) => AvroFileReader.fromBytes(new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', name))));
    const spark = await fixture(manifestName);
    const schema = schemaFromJson(parseJson(spark.metadataString('schema')!));
    const spec = partitionFieldsFromJson(parseJson(spark.metadataString('partition-spec')!), 0);
    const ours = manifestEntryAvroSchema(v, partitionType(spec, schema));
    const theirs = spark.header.schemaJson as J;
    if (v === 1) {
      // Java writes v1 snapshot_id as optional; the spec (and lakekit) make it required. Nothing else differs.
      const fields = theirs.fields as J[];
      expect(fields[1]).toEqual({ name: 'snapshot_id', type: ['null', 'long'], default: null, 'field-id': 1 });
      fields[1] = { name: 'snapshot_id', type: 'long', 'field-id': 1 };
    }
    expect(ours).toEqual(theirs);
    expect(manifestListAvroSchema(v)).toEqual((await fixture(listName)).header.schemaJson);
  });
});
