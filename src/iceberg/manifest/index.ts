/**
 * Iceberg manifests and manifest lists (spec "Manifests", "Manifest Lists"),
 * formats v1–v3: the `DataFile` / `ManifestEntry` / `ManifestFile` model,
 * a streaming {@link ManifestWriter} that counts entries and summarizes
 * partitions, {@link readManifest} with sequence-number and row-id
 * inheritance, and {@link writeManifestList} / {@link readManifestList}.
 *
 * The Avro schemas carry exactly the spec's field ids and Java's record
 * names; the manifest metadata holds `schema`, `schema-id`, `partition-spec`,
 * `partition-spec-id`, `format-version` and `content`. Snapshot ids and
 * sequence numbers are `bigint` end to end.
 *
 * @example
 * ```ts
 * import { ManifestWriter, writeManifestList, readManifestList, readManifest, FileContent } from 'lakekit/iceberg';
 *
 * const w = new ManifestWriter(io, 'memory://lake/t/metadata/m0.avro', { spec, schema, snapshotId });
 * await w.add({ ...metrics, content: FileContent.Data, filePath, fileFormat: 'PARQUET', partition, fileSizeInBytes });
 * const manifest = await w.close();
 * await writeManifestList(io, 'memory://lake/t/metadata/snap.avro', { snapshotId, sequenceNumber: 1n, formatVersion: 2 }, [manifest]);
 *
 * for (const m of await readManifestList(io, 'memory://lake/t/metadata/snap.avro')) {
 *   for await (const entry of readManifest(io, m, { specsById: new Map([[spec.specId, spec]]) })) console.log(entry.dataFile.filePath);
 * }
 * ```
 *
 * @module
 */
export * from './types.js';
export { ManifestWriter, type ManifestWriterOptions } from './manifest-writer.js';
export { readManifest, readManifestMetadata, type ReadManifestOptions } from './manifest-reader.js';
export { writeManifestList, readManifestList, type ManifestListOptions, type ManifestListResult } from './manifest-list.js';
export type { ManifestMetadata } from './manifest-metadata.js';
export { PartitionSummaryBuilder } from './field-summary.js';
export { manifestEntryAvroSchema, manifestListAvroSchema, dataFileAvroSchema, partitionAvroSchema, avroCompatibleName } from './avro-schemas.js';
