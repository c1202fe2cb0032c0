/**
 * Expiring snapshots (Java's `ExpireSnapshots` with reachable-file cleanup):
 * the retention policy picks the snapshots and refs to drop, one commit
 * removes them, and then the files that only expired snapshots reached are
 * deleted — manifest lists, manifests, data and delete files, statistics
 * files. A file that a snapshot of the committed metadata still reaches is
 * never deleted; if anything that decides reachability cannot be read, no
 * file is deleted at all.
 */
import { IoError, ValidationError, isLakeError } from '../../errors.js';
import { FileContent, ManifestContent, type ManifestFile } from '../manifest/types.js';
import type { TableMetadata } from '../spec/metadata.js';
import type { Snapshot } from '../spec/snapshot.js';
import type { TableRequirement, TableUpdate } from '../spec/table-update.js';
import type { Table } from '../table/table.js';
import { isMissing, manifestContentFiles, manifestsIfPresent, snapshotManifests, specsOf } from './reachable.js';
import { GC_ENABLED_PROPERTY, planExpiration, type RetentionOptions } from './retention.js';

/** Options for {@link expireSnapshots}. */
export interface ExpireSnapshotsOptions extends RetentionOptions {
  /** Delete the files only expired snapshots reached. @default true */
  cleanExpiredFiles?: boolean;
}

/** What {@link expireSnapshots} removed. */
export interface ExpireSnapshotsResult {
  expiredSnapshotIds: bigint[];
  /** Branches and tags removed for exceeding their maximum age. */
  removedRefs: string[];
  deletedDataFiles: number;
  deletedPositionDeleteFiles: number;
  deletedEqualityDeleteFiles: number;
  deletedManifests: number;
  deletedManifestLists: number;
  deletedStatisticsFiles: number;
}

/** Refuse to delete files of a table whose files may be shared (`gc.enabled=false`). */
export function checkGcEnabled(metadata: TableMetadata, what: string): void {
  if (metadata.properties[GC_ENABLED_PROPERTY]?.trim().toLowerCase() === 'false') {
    throw new ValidationError(`cannot ${what}: the table sets ${GC_ENABLED_PROPERTY}=false (its files may be shared with other tables); set it to true first`);
  }
}

/**
 * Expire old snapshots and delete the files nothing retained reaches.
 *
 * The commit asserts that every branch and tag still points where the plan
 * saw it; when another writer moved one, the policy is applied again to the
 * fresh metadata.
 *
 * @example
 * ```ts
 * const r = await expireSnapshots(table, { olderThan: Date.now() - 7 * 86_400_000, retainLast: 10 });
 * console.log(r.expiredSnapshotIds.length, r.deletedDataFiles);
 * ```
 */
export async function expireSnapshots(table: Table, options: ExpireSnapshotsOptions = {}): Promise<ExpireSnapshotsResult> {
  const now = options.now ?? Date.now();
  let planned: { before: TableMetadata; expire: Set<bigint>; removeRefs: string[] } | undefined;
  await table.commit((current) => {
    const m = current.metadata;
    if (options.cleanExpiredFiles ?? true) checkGcEnabled(m, 'expire snapshots and delete their files');
    const plan = planExpiration(m, { ...options, now });
    planned = { before: m, expire: new Set(plan.expire), removeRefs: plan.removeRefs };
    if (plan.expire.length === 0 && plan.removeRefs.length === 0) return { requirements: [], updates: [] };
    const requirements: TableRequirement[] = Object.entries(m.refs).map(([ref, r]) => ({ type: 'assert-ref-snapshot-id', ref, snapshotId: r.snapshotId }));
    const updates: TableUpdate[] = [
      ...plan.removeRefs.map((refName): TableUpdate => ({ action: 'remove-snapshot-ref', refName })),
      ...(plan.expire.length > 0 ? [{ action: 'remove-snapshots', snapshotIds: plan.expire } as TableUpdate] : []),
    ];
    return { requirements, updates };
  });
  const after = table.metadata;
  const stillThere = new Set(after.snapshots.map((s) => s.snapshotId));
  const expired = (planned?.before.snapshots ?? []).filter((s) => planned!.expire.has(s.snapshotId) && !stillThere.has(s.snapshotId));
  const result: ExpireSnapshotsResult = {
    expiredSnapshotIds: expired.map((s) => s.snapshotId),
    removedRefs: (planned?.removeRefs ?? []).filter((r) => !(r in after.refs)),
    deletedDataFiles: 0,
    deletedPositionDeleteFiles: 0,
    deletedEqualityDeleteFiles: 0,
    deletedManifests: 0,
    deletedManifestLists: 0,
    deletedStatisticsFiles: 0,
  };
  if (expired.length === 0 || !(options.cleanExpiredFiles ?? true)) return result;
  try {
    await deleteExpiredFiles(table, planned!.before, after, expired, result);
  } catch (e) {
    if (isLakeError(e) && !isLakeError(e, 'IO')) throw e;
    throw new IoError(`expired ${expired.length} snapshots of ${table.name}, but deleting their files failed; nothing reachable was deleted, and removeOrphanFiles cleans up what is left`, { cause: e });
  }
  return result;
}

async function deleteExpiredFiles(table: Table, before: TableMetadata, after: TableMetadata, expired: readonly Snapshot[], result: ExpireSnapshotsResult): Promise<void> {
  const io = table.io;
  const specs = specsOf(before, after);
  // Everything the retained snapshots reach must be known before anything is deleted.
  const retainedLists = new Set<string>();
  const retainedManifests = new Map<string, ManifestFile>();
  for (const s of after.snapshots) {
    if (s.manifestList !== undefined) retainedLists.add(s.manifestList);
    for (const m of await snapshotManifests(io, s)) retainedManifests.set(m.manifestPath, m);
  }
  const lists = new Set<string>();
  const manifests = new Map<string, ManifestFile>();
  for (const s of expired) {
    if (s.manifestList !== undefined && !retainedLists.has(s.manifestList)) lists.add(s.manifestList);
    for (const m of (await manifestsIfPresent(io, s)) ?? []) if (!retainedManifests.has(m.manifestPath)) manifests.set(m.manifestPath, m);
  }
  const candidates = new Map<string, FileContent>();
  for (const m of manifests.values()) {
    try {
      await manifestContentFiles(io, m, specs, false, candidates);
    } catch (e) {
      if (!isMissing(e)) throw e; // already deleted by an earlier, interrupted cleanup
    }
  }
  if (candidates.size > 0) {
    const kinds = new Set([...candidates.values()].map((c) => (c === FileContent.Data ? ManifestContent.Data : ManifestContent.Deletes)));
    const live = new Map<string, FileContent>();
    for (const m of retainedManifests.values()) if (kinds.has(m.content)) await manifestContentFiles(io, m, specs, true, live);
    for (const path of live.keys()) candidates.delete(path);
  }
  const retainedStats = new Set([...after.statistics.map((s) => s.statisticsPath), ...after.partitionStatistics.map((s) => s.statisticsPath)]);
  const expiredIds = new Set(expired.map((s) => s.snapshotId));
  const stats = new Set(
    [...before.statistics, ...before.partitionStatistics].filter((s) => expiredIds.has(s.snapshotId) && !retainedStats.has(s.statisticsPath)).map((s) => s.statisticsPath),
  );

  const byKind = (c: FileContent) => [...candidates].filter(([, k]) => k === c).map(([p]) => p);
  const data = byKind(FileContent.Data);
  const pos = byKind(FileContent.PositionDeletes);
  const eq = byKind(FileContent.EqualityDeletes);
  // Content files first, then manifests, then lists (Java's order).
  await io.deleteMany([...data, ...pos, ...eq]);
  await io.deleteMany(manifests.keys());
  await io.deleteMany(lists);
  await io.deleteMany(stats);
  result.deletedDataFiles = data.length;
  result.deletedPositionDeleteFiles = pos.length;
  result.deletedEqualityDeleteFiles = eq.length;
  result.deletedManifests = manifests.size;
  result.deletedManifestLists = lists.size;
  result.deletedStatisticsFiles = stats.size;
}
