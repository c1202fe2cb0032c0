/**
 * The manifest structures of the Iceberg table spec ("Manifests", "Manifest
 * Lists"), formats v1–v3, as plain TypeScript. Spec `long` fields are
 * `bigint`; `int` fields are `number`; partition values use the in-memory
 * forms of `spec/values.ts`; bounds stay in their binary single-value form
 * (decode them with `fromBytes` when needed).
 *
 * A {@link DataFile} extends the writers' {@link DataFileMetrics}, so a data
 * writer's metrics spread straight into it:
 *
 * @example
 * ```ts
 * const file: DataFile = {
 *   ...metrics, // from the Parquet writer: recordCount, columnSizes, …, splitOffsets
 *   content: FileContent.Data, filePath: 's3://lake/t/data/a.parquet', fileFormat: 'PARQUET',
 *   partition: new Map([[1000, 19723]]), fileSizeInBytes: 4096n,
 * };
 * ```
 */
import type { DataFileMetrics } from '../metrics.js';
import type { StructValue } from '../spec/values.js';

/** What a data or delete file holds (`data_file.content`, field 134). */
export const FileContent = Object.freeze({ Data: 0, PositionDeletes: 1, EqualityDeletes: 2 } as const);
/** One of the {@link FileContent} values. */
export type FileContent = (typeof FileContent)[keyof typeof FileContent];

/** A manifest entry's status (field 0): only ADDED and EXISTING entries are live. */
export const ManifestEntryStatus = Object.freeze({ Existing: 0, Added: 1, Deleted: 2 } as const);
/** One of the {@link ManifestEntryStatus} values. */
export type ManifestEntryStatus = (typeof ManifestEntryStatus)[keyof typeof ManifestEntryStatus];

/** What a manifest tracks (`manifest_file.content`, field 517; the manifest's `content` metadata). */
export const ManifestContent = Object.freeze({ Data: 0, Deletes: 1 } as const);
/** One of the {@link ManifestContent} values. */
export type ManifestContent = (typeof ManifestContent)[keyof typeof ManifestContent];

/** File formats, spelled as Java and pyiceberg write them (readers accept any case). */
export type FileFormat = 'PARQUET' | 'AVRO' | 'ORC' | 'PUFFIN';

/** Sequence number of a manifest (or its entries) not yet committed: the manifest list assigns the snapshot's. */
export const UNASSIGNED_SEQUENCE_NUMBER = -1n;

/** `block_size_in_bytes` written in v1 manifests, where the field is required but meaningless (Java's default). */
export const V1_BLOCK_SIZE_BYTES = 64n * 1024n * 1024n;

/**
 * A data file or delete file (`data_file`, field 2). Empty metric maps and
 * an empty `splitOffsets` are written as null and read back empty.
 */
export interface DataFile extends DataFileMetrics {
  content: FileContent;
  /** Full URI of the file. */
  filePath: string;
  fileFormat: FileFormat;
  /** The partition tuple, keyed by partition field id; empty for an unpartitioned spec. */
  partition: StructValue;
  fileSizeInBytes: bigint;
  /** Encryption key metadata. */
  keyMetadata?: Uint8Array;
  /** Equality delete files: the field ids that identify deleted rows. */
  equalityIds?: readonly number[];
  /** Sort order the file is written in (data and equality delete files). */
  sortOrderId?: number;
  /** v3: `_row_id` of the file's first row; null until inherited (see readManifest). */
  firstRowId?: bigint;
  /** Position deletes and deletion vectors: the one data file all deletes reference. */
  referencedDataFile?: string;
  /** v3 deletion vectors: offset of the blob in the Puffin file. */
  contentOffset?: bigint;
  /** v3 deletion vectors: length of the blob. */
  contentSizeInBytes?: bigint;
  /**
   * Id of the partition spec of `partition`. Not stored in the entry: readers
   * set it from the manifest; writers ignore it (the manifest's spec applies).
   */
  specId?: number;
}

/**
 * An entry of a manifest (`manifest_entry`). Writers leave the snapshot id
 * and sequence numbers of new (ADDED) files undefined, so they are inherited
 * from the manifest list; readers fill them in as the spec says.
 */
export interface ManifestEntry {
  status: ManifestEntryStatus;
  /** Snapshot that added the file (or deleted it, when DELETED). */
  snapshotId?: bigint;
  /** Data sequence number: the relative age of the file's content. */
  sequenceNumber?: bigint;
  /** Sequence number of the snapshot that added the file. */
  fileSequenceNumber?: bigint;
  dataFile: DataFile;
}

/** Summary of one partition field over a manifest's entries (`field_summary`, element 508). */
export interface PartitionFieldSummary {
  /** Whether some entry's value is null. */
  containsNull: boolean;
  /** Whether some entry's value is NaN (float and double fields; absent when unknown). */
  containsNan?: boolean;
  /** Lowest non-null, non-NaN value in binary single-value form; absent if all are null or NaN. */
  lowerBound?: Uint8Array;
  /** Highest non-null, non-NaN value in binary single-value form. */
  upperBound?: Uint8Array;
}

/** A manifest list entry (`manifest_file`): where a manifest is and what it holds. */
export interface ManifestFile {
  manifestPath: string;
  /** Length of the manifest file in bytes. */
  manifestLength: bigint;
  partitionSpecId: number;
  content: ManifestContent;
  /** Sequence number of the snapshot that added the manifest; {@link UNASSIGNED_SEQUENCE_NUMBER} before commit; 0 in v1. */
  sequenceNumber: bigint;
  /** Lowest data sequence number of the live files; {@link UNASSIGNED_SEQUENCE_NUMBER} until assigned; 0 in v1. */
  minSequenceNumber: bigint;
  addedSnapshotId: bigint;
  /** Counts are optional only in v1 lists; absent means "unknown, maybe non-zero". */
  addedFilesCount?: number;
  existingFilesCount?: number;
  deletedFilesCount?: number;
  addedRowsCount?: bigint;
  existingRowsCount?: bigint;
  deletedRowsCount?: bigint;
  /** One summary per field of the manifest's partition spec, in spec order. */
  partitions?: readonly PartitionFieldSummary[];
  keyMetadata?: Uint8Array;
  /** v3: first `_row_id` assigned to rows of ADDED data files in the manifest. */
  firstRowId?: bigint;
}

/** Whether an entry is live (ADDED or EXISTING): DELETED entries are informational only. */
export function isLiveEntry(entry: ManifestEntry): boolean {
  return entry.status !== ManifestEntryStatus.Deleted;
}
