/**
 * Manifest lists (spec "Manifest Lists", "First Row ID Assignment"): one
 * Avro file per snapshot whose `manifest_file` records say where each
 * manifest is, what it holds and how its partitions range.
 */
import { ValidationError } from '../../errors.js';
import type { AvroCodec, AvroRecord, AvroValue } from '../../formats/avro/index.js';
import { AvroFileWriter, openAvroFile } from '../../formats/avro/index.js';
import type { FileIO } from '../../io/file-io.js';
import type { FormatVersion } from '../spec/metadata.js';
import { FieldAccess, isRecord } from './avro-access.js';
import { manifestListAvroSchema } from './avro-schemas.js';
import type { ManifestFile, PartitionFieldSummary } from './types.js';
import { ManifestContent, UNASSIGNED_SEQUENCE_NUMBER } from './types.js';

/** The snapshot a manifest list belongs to. */
export interface ManifestListOptions {
  snapshotId: bigint;
  parentSnapshotId?: bigint;
  /** The snapshot's sequence number, assigned to manifests written for it (ignored by v1). */
  sequenceNumber: bigint;
  formatVersion: FormatVersion;
  /** v3: the snapshot's `first-row-id` (the table's `next-row-id`), from which new data manifests get row ids. */
  firstRowId?: bigint;
  /** Avro block codec. Default deflate. */
  codec?: AvroCodec;
}

/** What {@link writeManifestList} wrote. */
export interface ManifestListResult {
  location: string;
  /** Length of the file in bytes. */
  length: bigint;
  /** The manifests as written: sequence numbers and (v3) first row ids assigned. */
  manifests: ManifestFile[];
  /** v3: row ids assigned to new data manifests — the snapshot's `added-rows`. */
  addedRows?: bigint;
}

function manifestFileToAvro(m: ManifestFile, version: FormatVersion, where: string): AvroRecord {
  const rec: Record<string, AvroValue> = {
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount ?? null,
    existing_files_count: m.existingFilesCount ?? null,
    deleted_files_count: m.deletedFilesCount ?? null,
    added_rows_count: m.addedRowsCount ?? null,
    existing_rows_count: m.existingRowsCount ?? null,
    deleted_rows_count: m.deletedRowsCount ?? null,
    partitions:
      m.partitions?.map((s) => ({ contains_null: s.containsNull, contains_nan: s.containsNan ?? null, lower_bound: s.lowerBound ?? null, upper_bound: s.upperBound ?? null })) ?? null,
    key_metadata: m.keyMetadata ?? null,
  };
  if (version > 1) {
    for (const k of ['added_files_count', 'existing_files_count', 'deleted_files_count', 'added_rows_count', 'existing_rows_count', 'deleted_rows_count']) {
      if (rec[k] === null) throw new ValidationError(`${where}: ${k} is required from format v2; take the counts from the ManifestWriter`);
    }
    rec.content = m.content;
    rec.sequence_number = m.sequenceNumber;
    rec.min_sequence_number = m.minSequenceNumber;
  }
  if (version >= 3) rec.first_row_id = m.firstRowId ?? null;
  return rec;
}

/**
 * Write a snapshot's manifest list. Manifests written for this snapshot
 * carry {@link UNASSIGNED_SEQUENCE_NUMBER}; they get the snapshot's sequence
 * number here (v2+), and (v3) data manifests without a `first_row_id` get one
 * from `firstRowId` on, each advancing by its added and existing rows, as
 * Java assigns them.
 *
 * Throws ValidationError for an unassigned sequence number on a manifest of
 * another snapshot, for delete manifests in v1, or for v2 counts that are missing.
 *
 * @example
 * ```ts
 * const { manifests, length } = await writeManifestList(io, `${table}/metadata/snap-${id}-1-${uuid}.avro`,
 *   { snapshotId: id, parentSnapshotId: parent, sequenceNumber: 5n, formatVersion: 2 }, [manifest, ...carried]);
 * ```
 */
export async function writeManifestList(io: FileIO, location: string, opts: ManifestListOptions, manifests: Iterable<ManifestFile>): Promise<ManifestListResult> {
  const v = opts.formatVersion;
  if (v >= 3 && opts.firstRowId === undefined) throw new ValidationError(`manifest list ${location}: format v3 needs the snapshot's firstRowId (the table's next-row-id)`);
  const metadata: Record<string, string> = {
    'snapshot-id': String(opts.snapshotId),
    'parent-snapshot-id': opts.parentSnapshotId === undefined ? 'null' : String(opts.parentSnapshotId),
  };
  if (v > 1) metadata['sequence-number'] = String(opts.sequenceNumber);
  metadata['format-version'] = String(v);
  if (v >= 3) metadata['first-row-id'] = String(opts.firstRowId);
  const writer = new AvroFileWriter(manifestListAvroSchema(v), { codec: opts.codec, metadata });
  const written: ManifestFile[] = [];
  let nextRowId = opts.firstRowId;
  let i = 0;
  for (const input of manifests) {
    const where = `manifest list ${location} entry ${i++} (${input.manifestPath})`;
    const m: ManifestFile = { ...input };
    if (v === 1 && m.content !== ManifestContent.Data) throw new ValidationError(`${where}: format v1 has no delete manifests`);
    for (const key of ['sequenceNumber', 'minSequenceNumber'] as const) {
      if (m[key] !== UNASSIGNED_SEQUENCE_NUMBER) continue;
      if (m.addedSnapshotId !== opts.snapshotId) throw new ValidationError(`${where}: its ${key} is unassigned but it was added by snapshot ${m.addedSnapshotId}, not ${opts.snapshotId}; only this snapshot's new manifests inherit its sequence number`);
      m[key] = v === 1 ? 0n : opts.sequenceNumber;
    }
    if (v >= 3 && m.content === ManifestContent.Data && m.firstRowId === undefined) {
      m.firstRowId = nextRowId;
      nextRowId = nextRowId! + (m.addedRowsCount ?? 0n) + (m.existingRowsCount ?? 0n);
    }
    await writer.append(manifestFileToAvro(m, v, where));
    written.push(m);
  }
  const bytes = await writer.finish();
  await io.write(location, bytes, { contentType: 'avro/binary' });
  const result: ManifestListResult = { location, length: BigInt(bytes.length), manifests: written };
  if (v >= 3) result.addedRows = nextRowId! - opts.firstRowId!;
  return result;
}

const LIST_NAMES = {
  500: 'manifest_path', 501: 'manifest_length', 502: 'partition_spec_id', 517: 'content', 515: 'sequence_number', 516: 'min_sequence_number',
  503: 'added_snapshot_id', 504: 'added_files_count', 505: 'existing_files_count', 506: 'deleted_files_count', 512: 'added_rows_count',
  513: 'existing_rows_count', 514: 'deleted_rows_count', 507: 'partitions', 519: 'key_metadata', 520: 'first_row_id',
};
const SUMMARY_NAMES = { 509: 'contains_null', 518: 'contains_nan', 510: 'lower_bound', 511: 'upper_bound' };

/**
 * The manifests of a manifest list, v1–v3. v1 lists have no sequence
 * numbers or content: they read as 0 and data. Throws NotFoundError if the
 * file does not exist and ValidationError if it is corrupt.
 */
export async function readManifestList(io: FileIO, location: string, opts: { maxBlockBytes?: number } = {}): Promise<ManifestFile[]> {
  const where = `manifest list ${location}`;
  const reader = await openAvroFile(io, location, opts);
  try {
    const top = reader.header.schema;
    if (top.type !== 'record') throw new ValidationError(`${where}: the Avro schema is not a record; this is not a manifest list`);
    const f = new FieldAccess(top, where, LIST_NAMES);
    const partitionsSchema = f.schema(507);
    const items = partitionsSchema?.type === 'array' ? partitionsSchema.items : undefined;
    const summary = items?.type === 'record' ? new FieldAccess(items, `${where} partitions`, SUMMARY_NAMES) : undefined;
    const out: ManifestFile[] = [];
    for await (const value of reader) {
      const at = `${where} entry ${out.length}`;
      if (!isRecord(value)) throw new ValidationError(`${at}: not a record; the manifest list is corrupt`);
      const content = f.optInt(value, 517, at) ?? ManifestContent.Data;
      if (content !== 0 && content !== 1) throw new ValidationError(`${at}: content ${content} is neither 0 (data) nor 1 (deletes); the manifest list is corrupt`);
      const m: ManifestFile = {
        manifestPath: f.string(value, 500, at),
        manifestLength: f.long(value, 501, at),
        partitionSpecId: f.int(value, 502, at),
        content,
        sequenceNumber: f.optLong(value, 515, at) ?? 0n,
        minSequenceNumber: f.optLong(value, 516, at) ?? 0n,
        addedSnapshotId: f.long(value, 503, at),
      };
      const ints = [[504, 'addedFilesCount'], [505, 'existingFilesCount'], [506, 'deletedFilesCount']] as const;
      for (const [id, key] of ints) {
        const n = f.optInt(value, id, at);
        if (n !== undefined) m[key] = n;
      }
      const longs = [[512, 'addedRowsCount'], [513, 'existingRowsCount'], [514, 'deletedRowsCount'], [520, 'firstRowId']] as const;
      for (const [id, key] of longs) {
        const n = f.optLong(value, id, at);
        if (n !== undefined) m[key] = n;
      }
      const parts = f.optArray(value, 507, at);
      if (parts !== undefined) {
        if (summary === undefined) throw new ValidationError(`${at}: partitions is not a list of field summaries; the manifest list is corrupt`);
        m.partitions = parts.map((p, j) => {
          const pat = `${at} partition summary ${j}`;
          if (!isRecord(p)) throw new ValidationError(`${pat}: not a record; the manifest list is corrupt`);
          const s: PartitionFieldSummary = { containsNull: summary.optBoolean(p, 509, pat) ?? false };
          const nan = summary.optBoolean(p, 518, pat);
          if (nan !== undefined) s.containsNan = nan;
          const lower = summary.optBytes(p, 510, pat);
          if (lower !== undefined) s.lowerBound = lower;
          const upper = summary.optBytes(p, 511, pat);
          if (upper !== undefined) s.upperBound = upper;
          return s;
        });
      }
      const key = f.optBytes(value, 519, at);
      if (key !== undefined) m.keyMetadata = key;
      out.push(m);
    }
    return out;
  } finally {
    await reader.close();
  }
}
