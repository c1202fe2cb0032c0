/**
 * Table operations beyond appends: row-level deletes and overwrites
 * (copy-on-write), dynamic partition overwrite, compaction, snapshot
 * expiry, orphan file removal and incremental append reads. Every change
 * commits through `Table.commitSnapshot` / `Table.commit`, so a conflict
 * with another writer re-plans the commit on the fresh table, and a change
 * that the other writer invalidated fails with a final CommitConflictError
 * instead of losing data.
 *
 * @example
 * ```ts
 * import { deleteWhere, rewriteDataFiles, expireSnapshots, removeOrphanFiles } from 'lakekit/iceberg';
 * await deleteWhere(table, "account = 'acc-17'");
 * await rewriteDataFiles(table);
 * await expireSnapshots(table, { olderThan: Date.now() - 7 * 86_400_000 });
 * await removeOrphanFiles(table, { dryRun: true });
 * ```
 *
 * @module
 */
export { deleteWhere, type DeleteWhereOptions, type RowChangeResult } from './delete-where.js';
export { overwriteWhere, overwritePartitions, type OverwriteData, type OverwriteWhereOptions, type OverwritePartitionsOptions } from './overwrite.js';
export { planCopyOnWrite, copyOnWriteChanges, type RowFilterOptions, type CopyOnWritePlan, type CopyOnWriteCommit } from './copy-on-write.js';
export {
  concurrentChanges,
  checkConflicts,
  isolationLevelFrom,
  DELETE_ISOLATION_LEVEL_PROPERTY,
  DEFAULT_ISOLATION_LEVEL,
  type IsolationLevel,
  type ConcurrentChanges,
  type ChangedFile,
  type ConflictRules,
} from './concurrent-changes.js';
export {
  planExpiration,
  MAX_SNAPSHOT_AGE_MS_PROPERTY,
  DEFAULT_MAX_SNAPSHOT_AGE_MS,
  MIN_SNAPSHOTS_TO_KEEP_PROPERTY,
  DEFAULT_MIN_SNAPSHOTS_TO_KEEP,
  MAX_REF_AGE_MS_PROPERTY,
  GC_ENABLED_PROPERTY,
  type RetentionOptions,
  type RetentionPlan,
} from './retention.js';
export { expireSnapshots, type ExpireSnapshotsOptions, type ExpireSnapshotsResult } from './expire-snapshots.js';
export { removeOrphanFiles, reachableFiles, DEFAULT_ORPHAN_MIN_AGE_MS, type RemoveOrphanFilesOptions, type RemoveOrphanFilesResult } from './remove-orphan-files.js';
export {
  rewriteDataFiles,
  binPack,
  DEFAULT_MIN_INPUT_FILES,
  DEFAULT_MAX_FILE_GROUP_SIZE_BYTES,
  DEFAULT_MIN_FILE_SIZE_RATIO,
  DEFAULT_MAX_FILE_SIZE_RATIO,
  type RewriteDataFilesOptions,
  type RewriteDataFilesResult,
} from './rewrite-data-files.js';
export { appendedFiles, readAppended, type IncrementalScanOptions, type IncrementalReadOptions } from './incremental-scan.js';
