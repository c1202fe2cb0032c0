/**
 * Maintenance of the two history lists in table metadata (internal to
 * `applyUpdates`), following Java's `TableMetadata.Builder`:
 *
 * - the snapshot log records each change of the current snapshot; snapshots
 *   that were current only in the middle of one commit are left out, and when
 *   snapshots are removed every entry up to the last removed one goes too, so
 *   time travel never sees a gap;
 * - the metadata log records the previous metadata file of each commit,
 *   capped at `write.metadata.previous-versions-max` entries (default 100).
 */
import type { MetadataLogEntry, SnapshotLogEntry, TableMetadata } from './metadata.js';
import { METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT } from './metadata.js';
import type { Snapshot } from './snapshot.js';

/**
 * The snapshot log after a commit. `mainTargetsAdded` lists snapshots added
 * in this commit that `main` pointed at; all but the final current one were
 * intermediate.
 */
export function settleSnapshotLog(
  log: readonly SnapshotLogEntry[],
  snapshots: readonly Snapshot[],
  currentSnapshotId: bigint | undefined,
  mainTargetsAdded: readonly bigint[],
  removedSnapshots: boolean,
): SnapshotLogEntry[] {
  const intermediate = new Set(mainTargetsAdded.filter((id) => id !== currentSnapshotId));
  if (intermediate.size === 0 && !removedSnapshots) return [...log];
  const live = new Set(snapshots.map((s) => s.snapshotId));
  let out: SnapshotLogEntry[] = [];
  for (const e of log) {
    if (live.has(e.snapshotId)) {
      if (!intermediate.has(e.snapshotId)) out.push(e);
    } else if (removedSnapshots) {
      out = []; // history before an expired snapshot would have a gap, so it goes too
    }
  }
  return out;
}

/**
 * The metadata log after a commit: the base's log plus the file the base was
 * read from (stamped with the base's last-updated-ms), keeping at most
 * `maxProperty` entries.
 */
export function appendMetadataLog(base: TableMetadata | undefined, previousLocation: string | undefined, maxProperty: string | undefined): MetadataLogEntry[] {
  const log = [...(base?.metadataLog ?? [])];
  if (base === undefined || previousLocation === undefined) return log;
  const raw = Number(maxProperty ?? METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT);
  const max = Math.max(1, Number.isInteger(raw) ? raw : METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT);
  log.push({ timestampMs: base.lastUpdatedMs, metadataFile: previousLocation });
  return log.slice(Math.max(0, log.length - max));
}
