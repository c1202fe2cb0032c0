/**
 * Writing manifests (spec "Manifests"): entries are encoded as they arrive,
 * counted and summarized; {@link ManifestWriter.close} writes the file and
 * returns the {@link ManifestFile} that goes into the manifest list.
 */
import { ValidationError } from '../../errors.js';
import type { AvroCodec } from '../../formats/avro/index.js';
import { AvroFileWriter } from '../../formats/avro/index.js';
import type { FileIO } from '../../io/file-io.js';
import type { FormatVersion } from '../spec/metadata.js';
import { DEFAULT_FORMAT_VERSION } from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import { partitionType } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import type { StructType } from '../spec/types.js';
import { manifestEntryAvroSchema } from './avro-schemas.js';
import { dataFileToAvro } from './data-file-avro.js';
import { PartitionSummaryBuilder } from './field-summary.js';
import { manifestMetadataEntries } from './manifest-metadata.js';
import type { DataFile, ManifestEntry, ManifestFile } from './types.js';
import { FileContent, ManifestContent, ManifestEntryStatus, UNASSIGNED_SEQUENCE_NUMBER } from './types.js';

/** Options for {@link ManifestWriter}. */
export interface ManifestWriterOptions {
  /** Format version of the table. Default `DEFAULT_FORMAT_VERSION` (2). */
  formatVersion?: FormatVersion;
  /** The spec every entry's partition tuple belongs to. */
  spec: PartitionSpec;
  /** The table schema (stored in the manifest's metadata; types the partition tuple). */
  schema: Schema;
  /** The snapshot that writes the manifest: its `added_snapshot_id`, and the snapshot id of ADDED and DELETED entries. */
  snapshotId: bigint;
  /** Data or delete files. Default data. */
  content?: ManifestContent;
  /** Avro block codec. Default deflate, as Java writes. */
  codec?: AvroCodec;
}

/**
 * Writes one manifest.
 *
 * @example
 * ```ts
 * const w = new ManifestWriter(io, `${table}/metadata/${uuid}-m0.avro`, { spec, schema, snapshotId });
 * await w.add(dataFile);
 * const manifest = await w.close(); // sequence numbers unassigned until writeManifestList
 * ```
 */
export class ManifestWriter {
  private readonly formatVersion: FormatVersion;
  private readonly content: ManifestContent;
  private readonly snapshotId: bigint;
  private readonly partitionType: StructType;
  private readonly avro: AvroFileWriter;
  private readonly summary: PartitionSummaryBuilder;
  private readonly specId: number;
  private counts = { added: 0, existing: 0, deleted: 0, addedRows: 0n, existingRows: 0n, deletedRows: 0n };
  private minSequenceNumber: bigint | undefined;
  private closed = false;

  /** Throws ValidationError if the spec does not fit the schema or the options do not fit the format version. */
  constructor(
    private readonly io: FileIO,
    /** Where the manifest is written. */
    readonly location: string,
    opts: ManifestWriterOptions,
  ) {
    this.formatVersion = opts.formatVersion ?? (DEFAULT_FORMAT_VERSION as FormatVersion);
    this.content = opts.content ?? ManifestContent.Data;
    if (this.formatVersion === 1 && this.content !== ManifestContent.Data) throw new ValidationError('format v1 has no delete manifests; write deletes to a v2 or later table');
    this.snapshotId = opts.snapshotId;
    this.specId = opts.spec.specId;
    this.partitionType = partitionType(opts.spec, opts.schema);
    this.summary = new PartitionSummaryBuilder(this.partitionType);
    this.avro = new AvroFileWriter(manifestEntryAvroSchema(this.formatVersion, this.partitionType), {
      codec: opts.codec,
      metadata: manifestMetadataEntries(this.formatVersion, opts.schema, opts.spec, this.content),
    });
  }

  /** Entries written so far. */
  get entryCount(): number {
    return this.avro.recordCount;
  }

  /** Add a new file (ADDED). Its sequence numbers are inherited at commit unless `dataSequenceNumber` sets an older one. */
  async add(file: DataFile, dataSequenceNumber?: bigint): Promise<void> {
    await this.addEntry({ status: ManifestEntryStatus.Added, snapshotId: this.snapshotId, dataFile: file, ...(dataSequenceNumber === undefined ? {} : { sequenceNumber: dataSequenceNumber }) });
  }

  /** Carry a file over from another manifest (EXISTING), with the snapshot id and sequence numbers it already has. */
  async existing(file: DataFile, snapshotId: bigint, dataSequenceNumber: bigint, fileSequenceNumber: bigint): Promise<void> {
    await this.addEntry({ status: ManifestEntryStatus.Existing, snapshotId, sequenceNumber: dataSequenceNumber, fileSequenceNumber, dataFile: file });
  }

  /** Mark a file deleted by this snapshot (DELETED), keeping the sequence numbers it had. */
  async delete(file: DataFile, dataSequenceNumber: bigint, fileSequenceNumber: bigint): Promise<void> {
    await this.addEntry({ status: ManifestEntryStatus.Deleted, snapshotId: this.snapshotId, sequenceNumber: dataSequenceNumber, fileSequenceNumber, dataFile: file });
  }

  /**
   * Write one entry as given. Throws ValidationError (and writes nothing) if
   * the entry breaks the spec's rules for this manifest: a file of the other
   * content kind, an EXISTING entry without a snapshot id, or (v2+) an
   * EXISTING or DELETED entry without both sequence numbers.
   */
  async addEntry(entry: ManifestEntry): Promise<void> {
    if (this.closed) throw new ValidationError(`manifest ${this.location} is closed; start a new ManifestWriter`);
    const where = `manifest ${this.location} entry ${this.entryCount} (${entry.dataFile.filePath})`;
    const isDeleteFile = entry.dataFile.content !== FileContent.Data;
    if (isDeleteFile !== (this.content === ManifestContent.Deletes)) {
      throw new ValidationError(`${where}: a ${this.content === ManifestContent.Deletes ? 'delete' : 'data'} manifest cannot hold a ${isDeleteFile ? 'delete' : 'data'} file; write it to a separate manifest`);
    }
    const snapshotId = entry.snapshotId ?? (entry.status === ManifestEntryStatus.Existing ? undefined : this.snapshotId);
    if (snapshotId === undefined) throw new ValidationError(`${where}: an EXISTING entry needs the id of the snapshot that added the file`);
    const carried = entry.status !== ManifestEntryStatus.Added;
    if (this.formatVersion > 1 && carried && (entry.sequenceNumber === undefined || entry.fileSequenceNumber === undefined)) {
      throw new ValidationError(`${where}: EXISTING and DELETED entries must keep the data and file sequence numbers the file was committed with`);
    }
    const record: Record<string, unknown> = { status: entry.status, snapshot_id: snapshotId, data_file: dataFileToAvro(entry.dataFile, this.formatVersion, this.partitionType, where) };
    if (this.formatVersion > 1) {
      record.sequence_number = entry.sequenceNumber ?? null;
      record.file_sequence_number = entry.fileSequenceNumber ?? null;
    }
    await this.avro.append(record);
    const rows = entry.dataFile.recordCount;
    if (entry.status === ManifestEntryStatus.Added) {
      this.counts.added++;
      this.counts.addedRows += rows;
    } else if (entry.status === ManifestEntryStatus.Existing) {
      this.counts.existing++;
      this.counts.existingRows += rows;
    } else {
      this.counts.deleted++;
      this.counts.deletedRows += rows;
    }
    if (entry.status !== ManifestEntryStatus.Deleted && entry.sequenceNumber !== undefined && (this.minSequenceNumber === undefined || entry.sequenceNumber < this.minSequenceNumber)) {
      this.minSequenceNumber = entry.sequenceNumber;
    }
    this.summary.update(entry.dataFile.partition);
  }

  /**
   * Write the manifest and return its manifest list entry. `sequenceNumber`
   * (and `minSequenceNumber` when no entry had one) are
   * {@link UNASSIGNED_SEQUENCE_NUMBER}: `writeManifestList` assigns the
   * snapshot's. Throws ValidationError if no entry was added.
   */
  async close(): Promise<ManifestFile> {
    if (this.closed) throw new ValidationError(`manifest ${this.location} is already closed`);
    if (this.entryCount === 0) throw new ValidationError(`manifest ${this.location} has no entries; add at least one file before closing it`);
    this.closed = true;
    const bytes = await this.avro.finish();
    await this.io.write(this.location, bytes, { contentType: 'avro/binary' });
    return {
      manifestPath: this.location,
      manifestLength: BigInt(bytes.length),
      partitionSpecId: this.specId,
      content: this.content,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: this.minSequenceNumber ?? UNASSIGNED_SEQUENCE_NUMBER,
      addedSnapshotId: this.snapshotId,
      addedFilesCount: this.counts.added,
      existingFilesCount: this.counts.existing,
      deletedFilesCount: this.counts.deleted,
      addedRowsCount: this.counts.addedRows,
      existingRowsCount: this.counts.existingRows,
      deletedRowsCount: this.counts.deletedRows,
      partitions: this.summary.summaries(),
    };
  }
}
