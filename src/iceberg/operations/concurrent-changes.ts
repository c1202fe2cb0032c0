/**
 * Conflict detection for operations that commit against a snapshot they
 * planned earlier (Java's `MergingSnapshotProducer.validate*`): what the
 * snapshots committed since then added and removed, and the checks that
 * decide whether this operation may still commit on top of them.
 *
 * Only manifests written by each new snapshot are read, and only the entries
 * that snapshot added or deleted, so validation costs what the concurrent
 * commits wrote, not the size of the table.
 */
import type { FileIO } from '../../io/file-io.js';
import { readManifest } from '../manifest/manifest-reader.js';
import { readManifestList } from '../manifest/manifest-list.js';
import { FileContent, ManifestEntryStatus, type DataFile } from '../manifest/types.js';
import { partitionKey } from '../scan/partition-key.js';
import type { TableMetadata } from '../spec/metadata.js';
import type { Snapshot } from '../spec/snapshot.js';
import { finalConflict } from '../table/commit.js';

/**
 * How strictly an operation that rewrites data checks concurrent commits.
 * `serializable` also fails when another writer added data the operation's
 * filter could match (Java's default); `snapshot` only fails when its own
 * inputs were changed underneath it.
 */
export type IsolationLevel = 'serializable' | 'snapshot';

/** Table property with the isolation level of deletes (Java's `write.delete.isolation-level`). */
export const DELETE_ISOLATION_LEVEL_PROPERTY = 'write.delete.isolation-level';
/** Iceberg's default isolation level for deletes and overwrites. */
export const DEFAULT_ISOLATION_LEVEL: IsolationLevel = 'serializable';

/** The isolation level in `props[key]`, or the default. */
export function isolationLevelFrom(props: Readonly<Record<string, string>>, key = DELETE_ISOLATION_LEVEL_PROPERTY): IsolationLevel {
  const v = props[key]?.toLowerCase();
  return v === 'snapshot' ? 'snapshot' : v === 'serializable' ? 'serializable' : DEFAULT_ISOLATION_LEVEL;
}

/** A file added or removed by a concurrent snapshot. */
export interface ChangedFile {
  file: DataFile;
  snapshot: Snapshot;
}

/** What the snapshots committed after an operation's base snapshot did. */
export interface ConcurrentChanges {
  /** The new snapshots, newest first. */
  snapshots: Snapshot[];
  addedDataFiles: ChangedFile[];
  addedDeleteFiles: ChangedFile[];
  /** Data and delete files the new snapshots removed, by path. */
  removedFiles: Map<string, ChangedFile>;
}

/**
 * The changes committed on a branch between `baseSnapshotId` (what the
 * operation planned against; undefined for an empty branch) and `parent`
 * (the branch head it is about to commit on). Throws a final conflict when
 * the base is no longer an ancestor of the head (the branch was rolled back
 * or its history expired), since nothing can then be validated.
 */
export async function concurrentChanges(io: FileIO, metadata: TableMetadata, baseSnapshotId: bigint | undefined, parent: Snapshot | undefined): Promise<ConcurrentChanges> {
  const out: ConcurrentChanges = { snapshots: [], addedDataFiles: [], addedDeleteFiles: [], removedFiles: new Map() };
  if (parent?.snapshotId === baseSnapshotId) return out;
  const byId = new Map(metadata.snapshots.map((s) => [s.snapshotId, s]));
  const seen = new Set<bigint>();
  let found = baseSnapshotId === undefined;
  for (let s = parent; s !== undefined; s = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId)) {
    if (s.snapshotId === baseSnapshotId) {
      found = true;
      break;
    }
    if (seen.has(s.snapshotId)) break; // a parent cycle: corrupt metadata, treated as "base not found"
    seen.add(s.snapshotId);
    out.snapshots.push(s);
  }
  if (!found) {
    throw finalConflict(
      `snapshot ${String(baseSnapshotId)}, which this operation was planned against, is no longer in the history of the branch (rolled back or expired); run the operation again on the current table`,
      { baseSnapshotId: String(baseSnapshotId) },
    );
  }
  const specsById = new Map(metadata.partitionSpecs.map((s) => [s.specId, s]));
  for (const s of out.snapshots) {
    if (s.manifestList === undefined) continue;
    for (const m of await readManifestList(io, s.manifestList)) {
      if (m.addedSnapshotId !== s.snapshotId) continue; // carried unchanged from an older snapshot
      for await (const e of readManifest(io, m, { specsById })) {
        if (e.snapshotId !== s.snapshotId) continue; // EXISTING entries carried into a rewritten manifest
        if (e.status === ManifestEntryStatus.Deleted) out.removedFiles.set(e.dataFile.filePath, { file: e.dataFile, snapshot: s });
        else if (e.status === ManifestEntryStatus.Added) (e.dataFile.content === FileContent.Data ? out.addedDataFiles : out.addedDeleteFiles).push({ file: e.dataFile, snapshot: s });
      }
    }
  }
  return out;
}

/** Index of the data files an operation removes, to find the delete files that may apply to them. */
class RemovedIndex {
  readonly #partitions = new Map<string, DataFile>();
  constructor(
    readonly files: ReadonlyMap<string, DataFile>,
    private readonly unpartitionedSpecs: ReadonlySet<number>,
  ) {
    for (const f of files.values()) this.#partitions.set(partitionKey(f.specId ?? -1, f.partition), f);
  }

  /** A removed data file that `deleteFile` may apply to: the one it names, any (global deletes), or one of its partition. */
  target(deleteFile: DataFile): DataFile | undefined {
    if (deleteFile.referencedDataFile !== undefined) return this.files.get(deleteFile.referencedDataFile);
    if (deleteFile.specId === undefined || this.unpartitionedSpecs.has(deleteFile.specId)) return this.files.values().next().value;
    return this.#partitions.get(partitionKey(deleteFile.specId, deleteFile.partition));
  }
}

/** What an operation asks {@link checkConflicts} to protect. */
export interface ConflictRules {
  /** Operation name for messages ("delete", "rewrite", …). */
  operation: string;
  /** Data files the operation removes (by path): they must not have been removed or received new deletes concurrently. */
  removedFiles: ReadonlyMap<string, DataFile>;
  /**
   * Serializable isolation: concurrently added data files for which this
   * returns true conflict (they may hold rows the operation should have seen).
   */
  conflictingData?: (file: DataFile) => boolean;
  /** Concurrently added delete files for which this returns true conflict. */
  conflictingDeletes?: (file: DataFile) => boolean;
  /** Concurrently removed data files for which this returns true conflict (besides `removedFiles`). */
  conflictingRemovals?: (file: DataFile) => boolean;
}

/**
 * Throw a final CommitConflictError when the concurrent changes break the
 * operation: a file it removes was removed by someone else (a concurrent
 * delete or rewrite already replaced it), a new delete file applies to a file
 * it removes (its rewrite would bring the deleted rows back), or — when asked
 * — new data or deletes match the operation's conflict filters.
 */
export function checkConflicts(changes: ConcurrentChanges, metadata: TableMetadata, rules: ConflictRules): void {
  for (const [path, { file, snapshot: by }] of changes.removedFiles) {
    if (rules.removedFiles.has(path) || (file.content === FileContent.Data && rules.conflictingRemovals?.(file) === true)) {
      throw finalConflict(`${rules.operation} conflicts with snapshot ${by.snapshotId} (${by.summary?.operation ?? 'unknown'}), which already removed ${path}; run the ${rules.operation} again on the current table`, {
        file: path,
        snapshotId: String(by.snapshotId),
      });
    }
  }
  const index = new RemovedIndex(rules.removedFiles, new Set(metadata.partitionSpecs.filter((s) => s.fields.length === 0).map((s) => s.specId)));
  for (const { file, snapshot } of changes.addedDeleteFiles) {
    const hit = index.target(file);
    if (hit !== undefined || rules.conflictingDeletes?.(file) === true) {
      throw finalConflict(
        `${rules.operation} conflicts with snapshot ${snapshot.snapshotId}, which added delete file ${file.filePath}${hit === undefined ? '' : ` for rows of ${hit.filePath}`}; run the ${rules.operation} again on the current table`,
        { file: file.filePath, snapshotId: String(snapshot.snapshotId) },
      );
    }
  }
  if (rules.conflictingData === undefined) return;
  for (const { file, snapshot } of changes.addedDataFiles) {
    // A 'replace' (compaction) adds the same rows again under new files; it never adds new data.
    const op = snapshot.summary?.operation;
    if (op === 'replace') continue;
    if (rules.conflictingData(file)) {
      throw finalConflict(
        `${rules.operation} conflicts with snapshot ${snapshot.snapshotId} (${op ?? 'unknown'}), which added ${file.filePath} with rows the ${rules.operation} may have had to change (serializable isolation); run it again, or use isolationLevel 'snapshot'`,
        { file: file.filePath, snapshotId: String(snapshot.snapshotId) },
      );
    }
  }
}
