/**
 * Reading manifests (spec "Manifests", "Sequence Number Inheritance",
 * "First Row ID Inheritance"), formats v1–v3, streaming entry by entry.
 */
import { ValidationError } from '../../errors.js';
import type { AvroRecord } from '../../formats/avro/index.js';
import { openAvroFile } from '../../formats/avro/index.js';
import type { FileIO } from '../../io/file-io.js';
import type { PartitionSpec } from '../spec/partition.js';
import { partitionType } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import type { StructType } from '../spec/types.js';
import { FieldAccess, isRecord } from './avro-access.js';
import { dataFileDecoder } from './data-file-avro.js';
import type { ManifestMetadata } from './manifest-metadata.js';
import { manifestMetadataFromHeader } from './manifest-metadata.js';
import type { ManifestEntry, ManifestFile, ManifestEntryStatus } from './types.js';
import { FileContent, ManifestContent, UNASSIGNED_SEQUENCE_NUMBER } from './types.js';

/** Options for {@link readManifest}. */
export interface ReadManifestOptions {
  /** The table's partition specs by id; the manifest's own `partition-spec` metadata is used when its spec is missing here. */
  specsById?: ReadonlyMap<number, PartitionSpec>;
  /** A schema for manifests whose metadata has none (old v1 writers); the manifest's own schema is preferred. */
  schema?: Schema;
  /** Largest Avro block accepted (see `DEFAULT_MAX_AVRO_BLOCK_BYTES`). */
  maxBlockBytes?: number;
}

const ENTRY_NAMES = { 0: 'status', 1: 'snapshot_id', 3: 'sequence_number', 4: 'file_sequence_number', 2: 'data_file' };

function resolvePartitionType(spec: PartitionSpec, meta: ManifestMetadata, fallback: Schema | undefined, where: string): StructType {
  const schemas = [meta.schema, fallback].filter((s): s is Schema => s !== undefined);
  if (schemas.length === 0) throw new ValidationError(`${where}: the manifest's metadata has no table schema; pass the table schema as the \`schema\` option`);
  let failure: unknown;
  for (const schema of schemas) {
    try {
      return partitionType(spec, schema);
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}

/**
 * The entries of a manifest, in file order, DELETED ones included (filter
 * with `isLiveEntry`). Values the spec inherits are filled in:
 * - a null snapshot id becomes the manifest's `added_snapshot_id`;
 * - null data and file sequence numbers become the manifest's sequence
 *   number for ADDED entries, and for every entry when that number is 0
 *   (v1 manifests have no sequence numbers: all are 0);
 * - (v3) a null `first_row_id` of a live data file becomes the manifest's
 *   `first_row_id` plus the record counts of the files before it that
 *   inherited one.
 * Each data file's `specId` is the manifest's `partition_spec_id`.
 *
 * Throws NotFoundError if the manifest does not exist and ValidationError if
 * it is corrupt or its partition spec is unknown.
 *
 * @example
 * ```ts
 * const specsById = new Map(metadata.partitionSpecs.map((s) => [s.specId, s]));
 * for (const manifest of await readManifestList(io, snapshot.manifestList!)) {
 *   for await (const entry of readManifest(io, manifest, { specsById })) if (isLiveEntry(entry)) plan(entry.dataFile);
 * }
 * ```
 */
export async function* readManifest(io: FileIO, manifest: ManifestFile, opts: ReadManifestOptions = {}): AsyncGenerator<ManifestEntry, void, undefined> {
  const where = `manifest ${manifest.manifestPath}`;
  const reader = await openAvroFile(io, manifest.manifestPath, opts.maxBlockBytes === undefined ? {} : { maxBlockBytes: opts.maxBlockBytes });
  try {
    const meta = manifestMetadataFromHeader(reader, where);
    const specId = manifest.partitionSpecId;
    // The manifest list's spec id is authoritative; the manifest's own copy of the spec is the fallback.
    const spec = opts.specsById?.get(specId) ?? (meta.partitionSpec === undefined ? undefined : { ...meta.partitionSpec, specId });
    if (spec === undefined) throw new ValidationError(`${where}: partition spec ${specId} is neither in the table metadata nor in the manifest; pass the table's specs as \`specsById\``);
    const top = reader.header.schema;
    if (top.type !== 'record') throw new ValidationError(`${where}: the Avro schema is not a record; this is not a manifest`);
    const entries = new FieldAccess(top, where, ENTRY_NAMES);
    const dataFileSchema = entries.schema(2);
    if (dataFileSchema?.type !== 'record') throw new ValidationError(`${where}: the Avro schema has no data_file record (field 2); this is not a manifest`);
    const decode = dataFileDecoder(dataFileSchema, resolvePartitionType(spec, meta, opts.schema, where), where);
    const inheritSeq = manifest.sequenceNumber !== UNASSIGNED_SEQUENCE_NUMBER;
    let nextRowId = manifest.content === ManifestContent.Data ? manifest.firstRowId : undefined;
    let i = 0;
    for await (const value of reader) {
      const at = `${where} entry ${i++}`;
      if (!isRecord(value)) throw new ValidationError(`${at}: not a record; the manifest is corrupt`);
      const rec = value as AvroRecord;
      const status = entries.int(rec, 0, at);
      if (status !== 0 && status !== 1 && status !== 2) throw new ValidationError(`${at}: status ${status} is not 0 (existing), 1 (added) or 2 (deleted); the manifest is corrupt`);
      const fileRecord = entries.optRecord(rec, 2, at);
      if (fileRecord === undefined) throw new ValidationError(`${at}: data_file is missing; the manifest is corrupt`);
      const entry: ManifestEntry = { status: status as ManifestEntryStatus, dataFile: decode(fileRecord, specId, at) };
      const snapshotId = entries.optLong(rec, 1, at) ?? manifest.addedSnapshotId;
      entry.snapshotId = snapshotId;
      const inherit = inheritSeq && (status === 1 || manifest.sequenceNumber === 0n);
      const seq = entries.optLong(rec, 3, at) ?? (inherit ? manifest.sequenceNumber : undefined);
      if (seq !== undefined) entry.sequenceNumber = seq;
      const fileSeq = entries.optLong(rec, 4, at) ?? (inherit ? manifest.sequenceNumber : undefined);
      if (fileSeq !== undefined) entry.fileSequenceNumber = fileSeq;
      if (nextRowId !== undefined && status !== 2 && entry.dataFile.content === FileContent.Data && entry.dataFile.firstRowId === undefined) {
        entry.dataFile.firstRowId = nextRowId;
        nextRowId += entry.dataFile.recordCount;
      }
      yield entry;
    }
  } finally {
    await reader.close();
  }
}

/**
 * A manifest's metadata (schema, partition spec, format version, content)
 * without reading its entries. Throws ValidationError if the header is corrupt.
 */
export async function readManifestMetadata(io: FileIO, location: string): Promise<ManifestMetadata> {
  const reader = await openAvroFile(io, location);
  try {
    return manifestMetadataFromHeader(reader, `manifest ${location}`);
  } finally {
    await reader.close();
  }
}
