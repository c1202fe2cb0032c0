/**
 * The snapshot retention policy of the spec ("Snapshot Retention Policy")
 * and Java's `RemoveSnapshots`: which refs have outlived `max-ref-age-ms`,
 * and which snapshots every remaining branch still needs (its newest
 * `min-snapshots-to-keep` ancestors and those younger than
 * `max-snapshot-age-ms`), plus tagged snapshots and young snapshots outside
 * any branch. Everything else may be expired. A pure function of the
 * metadata and the clock, so it can be re-planned on every commit attempt.
 */
import { ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/snapshot.js';

/** Table property: default maximum age of snapshots kept on branches. */
export const MAX_SNAPSHOT_AGE_MS_PROPERTY = 'history.expire.max-snapshot-age-ms';
/** Iceberg's default for {@link MAX_SNAPSHOT_AGE_MS_PROPERTY}: 5 days. */
export const DEFAULT_MAX_SNAPSHOT_AGE_MS = 5 * 24 * 60 * 60 * 1000;
/** Table property: default number of ancestors each branch keeps regardless of age. */
export const MIN_SNAPSHOTS_TO_KEEP_PROPERTY = 'history.expire.min-snapshots-to-keep';
/** Iceberg's default for {@link MIN_SNAPSHOTS_TO_KEEP_PROPERTY}. */
export const DEFAULT_MIN_SNAPSHOTS_TO_KEEP = 1;
/** Table property: default maximum age of branches and tags other than `main` (unlimited by default). */
export const MAX_REF_AGE_MS_PROPERTY = 'history.expire.max-ref-age-ms';
/** Table property that, when `false`, forbids deleting files (they may be shared with other tables). */
export const GC_ENABLED_PROPERTY = 'gc.enabled';

/** What to expire, on top of the table's retention properties. */
export interface RetentionOptions {
  /** The clock, in ms since the epoch. @default Date.now() */
  now?: number;
  /**
   * Expire snapshots older than this time (ms since the epoch) unless a
   * branch keeps them. @default now − `history.expire.max-snapshot-age-ms`
   */
  olderThan?: number;
  /** Ancestors each branch without its own setting keeps. @default `history.expire.min-snapshots-to-keep` */
  retainLast?: number;
  /** Snapshots to expire in any case (none may be the head of a branch or tag that stays). */
  snapshotIds?: readonly bigint[];
}

/** The outcome of the retention policy. */
export interface RetentionPlan {
  /** Snapshots to remove. */
  expire: bigint[];
  /** Snapshots that stay. */
  retain: Set<bigint>;
  /** Branches and tags older than their maximum age. */
  removeRefs: string[];
}

function numberProperty(props: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const v = props[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new ValidationError(`table property ${key}=${JSON.stringify(v)} is not a non-negative number; fix or remove it`);
  return n;
}

function ancestors(byId: ReadonlyMap<bigint, Snapshot>, headId: bigint): Snapshot[] {
  const out: Snapshot[] = [];
  const seen = new Set<bigint>();
  for (let s = byId.get(headId); s !== undefined && !seen.has(s.snapshotId); s = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId)) {
    seen.add(s.snapshotId);
    out.push(s);
  }
  return out;
}

/**
 * Apply the retention policy to `metadata`. Throws ValidationError for a
 * `retainLast` below 1, bad retention properties, or an explicit snapshot id
 * that a remaining branch or tag points at.
 *
 * @example
 * ```ts
 * const { expire, removeRefs } = planExpiration(table.metadata, { olderThan: Date.now() - 86_400_000, retainLast: 3 });
 * ```
 */
export function planExpiration(metadata: TableMetadata, options: RetentionOptions = {}): RetentionPlan {
  const props = metadata.properties;
  const now = options.now ?? Date.now();
  const expireOlderThan = options.olderThan ?? now - numberProperty(props, MAX_SNAPSHOT_AGE_MS_PROPERTY, DEFAULT_MAX_SNAPSHOT_AGE_MS);
  const minToKeep = options.retainLast ?? numberProperty(props, MIN_SNAPSHOTS_TO_KEEP_PROPERTY, DEFAULT_MIN_SNAPSHOTS_TO_KEEP);
  if (!Number.isInteger(minToKeep) || minToKeep < 1) throw new ValidationError(`retainLast must be an integer of at least 1, got ${minToKeep}`);
  const maxRefAge = props[MAX_REF_AGE_MS_PROPERTY] === undefined ? undefined : BigInt(Math.trunc(numberProperty(props, MAX_REF_AGE_MS_PROPERTY, 0)));
  const byId = new Map(metadata.snapshots.map((s) => [s.snapshotId, s]));

  const retainedRefs = new Map<string, (typeof metadata.refs)[string]>();
  const removeRefs: string[] = [];
  for (const [name, ref] of Object.entries(metadata.refs)) {
    const snapshot = byId.get(ref.snapshotId);
    const limit = ref.maxRefAgeMs ?? maxRefAge;
    const fresh = snapshot !== undefined && (limit === undefined || BigInt(Math.trunc(now - snapshot.timestampMs)) <= limit);
    if (name === MAIN_BRANCH || fresh) retainedRefs.set(name, ref);
    else removeRefs.push(name);
  }

  const retain = new Set<bigint>();
  const onBranches = new Set<bigint>();
  for (const ref of retainedRefs.values()) {
    retain.add(ref.snapshotId);
    onBranches.add(ref.snapshotId);
    if (ref.type !== 'branch') continue;
    const olderThan = ref.maxSnapshotAgeMs === undefined ? expireOlderThan : now - Number(ref.maxSnapshotAgeMs);
    const keep = ref.minSnapshotsToKeep ?? minToKeep;
    let kept = 0;
    let stillKeeping = true;
    for (const s of ancestors(byId, ref.snapshotId)) {
      onBranches.add(s.snapshotId);
      if (stillKeeping && (kept < keep || s.timestampMs >= olderThan)) {
        retain.add(s.snapshotId);
        kept++;
      } else stillKeeping = false;
    }
  }
  // Snapshots on no branch (e.g. of a dropped branch) live out the default age.
  for (const s of metadata.snapshots) if (!onBranches.has(s.snapshotId) && s.timestampMs >= expireOlderThan) retain.add(s.snapshotId);

  for (const id of options.snapshotIds ?? []) {
    const holders = [...retainedRefs].filter(([, r]) => r.snapshotId === id).map(([n]) => n);
    if (holders.length > 0) throw new ValidationError(`cannot expire snapshot ${id}: ${holders.map((h) => JSON.stringify(h)).join(', ')} still point${holders.length === 1 ? 's' : ''} at it; move or remove the ref first`);
    retain.delete(id);
  }
  const expire = metadata.snapshots.map((s) => s.snapshotId).filter((id) => !retain.has(id));
  return { expire, retain, removeRefs };
}
