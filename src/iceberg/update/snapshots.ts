/**
 * Walking a table's snapshot history: ancestry through parent ids, the
 * snapshot a branch or tag names, and the snapshot that was current at a
 * given time (the snapshot log of `main`), as Java's `SnapshotUtil` does.
 * Scans use these for time travel; `ManageSnapshots` for rollback checks.
 */
import { NotFoundError, ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { snapshotById } from '../spec/metadata.js';
import type { Snapshot } from '../spec/snapshot.js';
import { MAIN_BRANCH } from '../spec/snapshot.js';

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

function ownRef(m: TableMetadata, name: string) {
  return Object.prototype.hasOwnProperty.call(m.refs, name) ? m.refs[name] : undefined;
}

/**
 * The snapshot `fromSnapshotId` and its ancestors, newest first, following
 * parent ids until a parent is missing (expired) or absent. Throws
 * NotFoundError for an unknown start and ValidationError for a parent cycle
 * (corrupt metadata).
 *
 * @example
 * ```ts
 * snapshotAncestry(metadata, metadata.currentSnapshotId!).map((s) => s.snapshotId);
 * ```
 */
export function snapshotAncestry(m: TableMetadata, fromSnapshotId: bigint): Snapshot[] {
  const start = snapshotById(m, fromSnapshotId);
  if (start === undefined) throw new NotFoundError(`snapshot ${fromSnapshotId} is not in the table metadata; it may have expired`, { context: { snapshotId: String(fromSnapshotId) } });
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  const out: Snapshot[] = [];
  const seen = new Set<bigint>();
  for (let s: Snapshot | undefined = start; s !== undefined; s = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId)) {
    if (seen.has(s.snapshotId)) throw new ValidationError(`snapshot ${s.snapshotId} is its own ancestor; the table metadata is corrupt`);
    seen.add(s.snapshotId);
    out.push(s);
  }
  return out;
}

/** Whether `ancestorId` is `snapshotId` or one of its ancestors. */
export function isAncestorOf(m: TableMetadata, snapshotId: bigint, ancestorId: bigint): boolean {
  return snapshotAncestry(m, snapshotId).some((s) => s.snapshotId === ancestorId);
}

/**
 * The ancestors of `toSnapshotId` (inclusive, newest first) back to, but not
 * including, `fromSnapshotId`; all its ancestry when `fromSnapshotId` is
 * undefined. For incremental reads. Throws ValidationError when
 * `fromSnapshotId` is not an ancestor.
 */
export function ancestorsBetween(m: TableMetadata, toSnapshotId: bigint, fromSnapshotId: bigint | undefined): Snapshot[] {
  const ancestry = snapshotAncestry(m, toSnapshotId);
  if (fromSnapshotId === undefined) return ancestry;
  const at = ancestry.findIndex((s) => s.snapshotId === fromSnapshotId);
  if (at < 0) throw new ValidationError(`snapshot ${fromSnapshotId} is not an ancestor of snapshot ${toSnapshotId}; pick a start snapshot from the history of the end snapshot`);
  return ancestry.slice(0, at);
}

/**
 * The snapshot a branch or tag points at. For `main` of a table without
 * snapshots it is undefined (an empty table); any other unknown name throws
 * NotFoundError.
 */
export function resolveRef(m: TableMetadata, ref: string): Snapshot | undefined {
  const r = ownRef(m, ref);
  if (r === undefined) {
    if (ref === MAIN_BRANCH && m.currentSnapshotId === undefined) return undefined;
    if (ref === MAIN_BRANCH && m.currentSnapshotId !== undefined) return snapshotById(m, m.currentSnapshotId);
    const known = Object.keys(m.refs);
    throw new NotFoundError(`the table has no branch or tag ${JSON.stringify(ref)}${known.length > 0 ? ` (it has ${known.map((k) => JSON.stringify(k)).join(', ')})` : ''}`, { context: { ref } });
  }
  const s = snapshotById(m, r.snapshotId);
  if (s === undefined) throw new ValidationError(`ref ${JSON.stringify(ref)} points at snapshot ${r.snapshotId}, which is not in the table metadata; the metadata is corrupt`);
  return s;
}

/**
 * The snapshot that was current on `main` at `timestampMs` (the last
 * snapshot-log entry at or before it), as Spark's `TIMESTAMP AS OF` reads.
 * Throws NotFoundError when the table had no snapshot yet at that time or
 * that snapshot has expired.
 */
export function snapshotAsOf(m: TableMetadata, timestampMs: number): Snapshot {
  if (typeof timestampMs !== 'number' || Number.isNaN(timestampMs)) throw new ValidationError(`a time-travel timestamp must be milliseconds since the epoch, got ${String(timestampMs)}`);
  let id: bigint | undefined;
  for (const e of m.snapshotLog) if (e.timestampMs <= timestampMs) id = e.snapshotId;
  if (id === undefined) {
    const first = m.snapshotLog[0];
    throw new NotFoundError(
      `the table had no snapshot at ${iso(timestampMs)}${first !== undefined ? `; its history starts at ${iso(first.timestampMs)}` : ''}`,
      { context: { timestampMs } },
    );
  }
  const s = snapshotById(m, id);
  if (s === undefined) throw new NotFoundError(`snapshot ${id}, current at ${iso(timestampMs)}, has expired`, { context: { timestampMs, snapshotId: String(id) } });
  return s;
}

/** The newest ancestor of `fromSnapshotId` (inclusive) committed strictly before `timestampMs`, or undefined. */
export function latestAncestorBefore(m: TableMetadata, fromSnapshotId: bigint, timestampMs: number): Snapshot | undefined {
  let best: Snapshot | undefined;
  for (const s of snapshotAncestry(m, fromSnapshotId)) {
    if (s.timestampMs < timestampMs && (best === undefined || s.timestampMs > best.timestampMs)) best = s;
  }
  return best;
}
