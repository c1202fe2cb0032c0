/**
 * Branches, tags and the current snapshot (spec "Snapshot References"), like
 * Java's `SnapshotManager` / `UpdateSnapshotReferencesOperation`: create,
 * replace, rename and remove refs with their retention settings, fast-forward
 * a branch, and roll `main` back or forward. Operations replay in call order
 * over the refs of the metadata; the commit sets or removes each ref that
 * ends up different, guarded by `assert-ref-snapshot-id` on its old value.
 */
import { ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { snapshotById } from '../spec/metadata.js';
import type { SnapshotRef } from '../spec/snapshot.js';
import { MAIN_BRANCH, snapshotRefEquals } from '../spec/snapshot.js';
import type { TableRequirement, TableUpdate } from '../spec/table-update.js';
import { checkOptions, describeArg } from './arguments.js';
import type { MetadataChanges, PendingUpdate } from './pending-update.js';
import { tableUuidRequirement } from './pending-update.js';
import { isAncestorOf, latestAncestorBefore } from './snapshots.js';

/** Retention settings of a branch. */
export interface BranchRetention {
  /** Snapshots to keep on the branch when expiring, at least 1. */
  minSnapshotsToKeep?: number;
  /** Maximum age of snapshots kept on the branch. */
  maxSnapshotAgeMs?: number | bigint;
  /** Maximum age of the branch itself (not for `main`). */
  maxRefAgeMs?: number | bigint;
}

/** Retention settings of a tag. */
export interface TagRetention {
  /** Maximum age of the tag. */
  maxRefAgeMs?: number | bigint;
}

/** One recorded snapshot-management operation. */
export type SnapshotChange =
  | { readonly op: 'create-branch'; readonly name: string; readonly snapshotId: bigint | undefined; readonly retention: BranchRetention }
  | { readonly op: 'create-tag'; readonly name: string; readonly snapshotId: bigint; readonly retention: TagRetention }
  | { readonly op: 'remove-branch' | 'remove-tag'; readonly name: string }
  | { readonly op: 'rename-branch'; readonly name: string; readonly newName: string }
  | { readonly op: 'replace-branch'; readonly name: string; readonly to: bigint | string; readonly fastForward: boolean }
  | { readonly op: 'replace-tag'; readonly name: string; readonly snapshotId: bigint }
  | { readonly op: 'set-retention'; readonly name: string; readonly retention: BranchRetention }
  | { readonly op: 'set-current-snapshot' | 'rollback-to'; readonly snapshotId: bigint }
  | { readonly op: 'rollback-to-time'; readonly timestampMs: number };

function fail(message: string): never {
  throw new ValidationError(message);
}

function refName(name: string): string {
  if (typeof name !== 'string' || name === '') fail('a branch or tag name must be a non-empty string');
  return name;
}

function snapshotIdArg(id: bigint): bigint {
  if (typeof id !== 'bigint') fail(`snapshot ids are bigint (64-bit); got ${describeArg(id)}; write it as a bigint literal (123n) or BigInt("123")`);
  return id;
}

function positive(value: number | bigint, what: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) fail(`${what} must be a positive integer, got ${value}`);
  if (typeof value !== 'number' && typeof value !== 'bigint') fail(`${what} must be a positive integer`);
  const v = BigInt(value);
  if (v <= 0n) fail(`${what} must be greater than 0, got ${v}`);
  return v;
}

/** Validated retention fields; `isTag` forbids branch-only settings. */
function retentionFields(name: string, r: BranchRetention, isTag: boolean): Partial<{ -readonly [K in keyof SnapshotRef]: SnapshotRef[K] }> {
  checkOptions(r, `retention settings of ${JSON.stringify(name)}`);
  const out: Partial<{ -readonly [K in keyof SnapshotRef]: SnapshotRef[K] }> = {};
  if (r.minSnapshotsToKeep !== undefined) {
    if (isTag) fail(`tag ${JSON.stringify(name)} cannot have minSnapshotsToKeep; only branches keep snapshot history`);
    if (!Number.isSafeInteger(r.minSnapshotsToKeep) || r.minSnapshotsToKeep <= 0) fail(`minSnapshotsToKeep of ${JSON.stringify(name)} must be a positive integer, got ${describeArg(r.minSnapshotsToKeep)}`);
    out.minSnapshotsToKeep = r.minSnapshotsToKeep;
  }
  if (r.maxSnapshotAgeMs !== undefined) {
    if (isTag) fail(`tag ${JSON.stringify(name)} cannot have maxSnapshotAgeMs; only branches keep snapshot history`);
    out.maxSnapshotAgeMs = positive(r.maxSnapshotAgeMs, `maxSnapshotAgeMs of ${JSON.stringify(name)}`);
  }
  if (r.maxRefAgeMs !== undefined) {
    if (name === MAIN_BRANCH) fail('the main branch never expires, so it cannot have maxRefAgeMs');
    out.maxRefAgeMs = positive(r.maxRefAgeMs, `maxRefAgeMs of ${JSON.stringify(name)}`);
  }
  return out;
}

/**
 * Records branch, tag and current-snapshot operations; `build(metadata)`
 * returns the `set-snapshot-ref` / `remove-snapshot-ref` updates.
 *
 * @example
 * ```ts
 * const change = new ManageSnapshots()
 *   .createTag('eoy-2025', snapshotId, { maxRefAgeMs: 365 * 86_400_000 })
 *   .createBranch('audit', snapshotId, { minSnapshotsToKeep: 10 })
 *   .rollbackTo(previousSnapshotId);
 * const { requirements, updates } = change.build(metadata);
 * ```
 */
export class ManageSnapshots implements PendingUpdate {
  private readonly recorded: SnapshotChange[] = [];

  /** The recorded operations, in call order. */
  get changes(): readonly SnapshotChange[] {
    return this.recorded;
  }

  private record(change: SnapshotChange): this {
    this.recorded.push(Object.freeze(change));
    return this;
  }

  /** Create a branch at `snapshotId` (default: the current snapshot). */
  createBranch(name: string, snapshotId?: bigint, retention: BranchRetention = {}): this {
    retentionFields(refName(name), retention, false);
    return this.record({ op: 'create-branch', name, snapshotId: snapshotId === undefined ? undefined : snapshotIdArg(snapshotId), retention: { ...retention } });
  }

  /** Create a tag at `snapshotId`. */
  createTag(name: string, snapshotId: bigint, retention: TagRetention = {}): this {
    if (refName(name) === MAIN_BRANCH) fail('"main" is the main branch and cannot be a tag; choose another tag name');
    retentionFields(name, retention, true);
    return this.record({ op: 'create-tag', name, snapshotId: snapshotIdArg(snapshotId), retention: { ...retention } });
  }

  /** Remove a branch (never `main`). */
  removeBranch(name: string): this {
    if (refName(name) === MAIN_BRANCH) fail('cannot remove the main branch');
    return this.record({ op: 'remove-branch', name });
  }

  /** Remove a tag. */
  removeTag(name: string): this {
    return this.record({ op: 'remove-tag', name: refName(name) });
  }

  /** Rename a branch (never `main`), keeping its snapshot and retention. */
  renameBranch(name: string, newName: string): this {
    if (refName(name) === MAIN_BRANCH) fail('cannot rename the main branch');
    return this.record({ op: 'rename-branch', name, newName: refName(newName) });
  }

  /** Point an existing branch at a snapshot id, or at the snapshot another branch or tag names. */
  replaceBranch(name: string, to: bigint | string): this {
    return this.record({ op: 'replace-branch', name: refName(name), to: typeof to === 'string' ? refName(to) : snapshotIdArg(to), fastForward: false });
  }

  /** Move a branch forward to `to` (a ref name or snapshot id); its head must be an ancestor of the target. */
  fastForwardBranch(name: string, to: bigint | string): this {
    return this.record({ op: 'replace-branch', name: refName(name), to: typeof to === 'string' ? refName(to) : snapshotIdArg(to), fastForward: true });
  }

  /** Point an existing tag at another snapshot. */
  replaceTag(name: string, snapshotId: bigint): this {
    return this.record({ op: 'replace-tag', name: refName(name), snapshotId: snapshotIdArg(snapshotId) });
  }

  /** Snapshots to keep on a branch when expiring. */
  setMinSnapshotsToKeep(branch: string, value: number): this {
    retentionFields(refName(branch), { minSnapshotsToKeep: value }, false);
    return this.record({ op: 'set-retention', name: branch, retention: { minSnapshotsToKeep: value } });
  }

  /** Maximum age of snapshots kept on a branch. */
  setMaxSnapshotAgeMs(branch: string, value: number | bigint): this {
    retentionFields(refName(branch), { maxSnapshotAgeMs: value }, false);
    return this.record({ op: 'set-retention', name: branch, retention: { maxSnapshotAgeMs: value } });
  }

  /** Maximum age of a branch or tag (not `main`). */
  setMaxRefAgeMs(ref: string, value: number | bigint): this {
    retentionFields(refName(ref), { maxRefAgeMs: value }, true);
    return this.record({ op: 'set-retention', name: ref, retention: { maxRefAgeMs: value } });
  }

  /** Make any existing snapshot the current one (head of `main`). */
  setCurrentSnapshot(snapshotId: bigint): this {
    return this.record({ op: 'set-current-snapshot', snapshotId: snapshotIdArg(snapshotId) });
  }

  /** Roll `main` back to `snapshotId`, which must be an ancestor of its head. */
  rollbackTo(snapshotId: bigint): this {
    return this.record({ op: 'rollback-to', snapshotId: snapshotIdArg(snapshotId) });
  }

  /** Roll `main` back to the newest ancestor of its head committed before `timestampMs`. */
  rollbackToTime(timestampMs: number): this {
    if (!Number.isFinite(timestampMs)) fail(`rollbackToTime needs milliseconds since the epoch, got ${describeArg(timestampMs)}`);
    return this.record({ op: 'rollback-to-time', timestampMs });
  }

  /** The commit that applies the recorded operations to `base`. Throws ValidationError when one cannot apply. */
  build(base: TableMetadata): MetadataChanges {
    const refs = new Map<string, SnapshotRef>(Object.entries(base.refs));
    const touched: string[] = [];
    const set = (name: string, ref: SnapshotRef | undefined) => {
      if (ref === undefined) refs.delete(name);
      else refs.set(name, Object.freeze(ref));
      if (!touched.includes(name)) touched.push(name);
    };
    const existing = (name: string, type: 'branch' | 'tag'): SnapshotRef => {
      const ref = refs.get(name) ?? fail(`the table has no ${type} ${JSON.stringify(name)}`);
      if (ref.type !== type) fail(`${JSON.stringify(name)} is a ${ref.type}, not a ${type}`);
      return ref;
    };
    const snapshot = (id: bigint): bigint => {
      if (snapshotById(base, id) === undefined) fail(`snapshot ${id} is not in the table metadata; it may have expired`);
      return id;
    };
    const absent = (name: string) => {
      const ref = refs.get(name);
      if (ref !== undefined) fail(`cannot create ${JSON.stringify(name)}: a ${ref.type} with that name already exists`);
    };
    const mainHead = (verb: string): bigint => refs.get(MAIN_BRANCH)?.snapshotId ?? fail(`cannot ${verb}: the table has no current snapshot`);
    const moveMain = (id: bigint) => set(MAIN_BRANCH, { ...(refs.get(MAIN_BRANCH) ?? { type: 'branch' as const }), snapshotId: snapshot(id) });

    for (const c of this.recorded) {
      switch (c.op) {
        case 'create-branch': {
          absent(c.name);
          const id = c.snapshotId ?? mainHead(`create branch ${JSON.stringify(c.name)} at the current snapshot`);
          set(c.name, { snapshotId: snapshot(id), type: 'branch', ...retentionFields(c.name, c.retention, false) });
          break;
        }
        case 'create-tag':
          absent(c.name);
          set(c.name, { snapshotId: snapshot(c.snapshotId), type: 'tag', ...retentionFields(c.name, c.retention, true) });
          break;
        case 'remove-branch':
        case 'remove-tag':
          existing(c.name, c.op === 'remove-branch' ? 'branch' : 'tag');
          set(c.name, undefined);
          break;
        case 'rename-branch': {
          const ref = existing(c.name, 'branch');
          absent(c.newName);
          set(c.name, undefined);
          set(c.newName, ref);
          break;
        }
        case 'replace-branch': {
          const ref = existing(c.name, 'branch');
          const target = typeof c.to === 'bigint' ? snapshot(c.to) : (refs.get(c.to) ?? fail(`the table has no branch or tag ${JSON.stringify(c.to)}`)).snapshotId;
          if (c.fastForward && !isAncestorOf(base, target, ref.snapshotId)) {
            fail(`cannot fast-forward branch ${JSON.stringify(c.name)} to ${String(c.to)}: its head ${ref.snapshotId} is not an ancestor of ${target}; use replaceBranch to move it anyway`);
          }
          set(c.name, { ...ref, snapshotId: target });
          break;
        }
        case 'replace-tag':
          set(c.name, { ...existing(c.name, 'tag'), snapshotId: snapshot(c.snapshotId) });
          break;
        case 'set-retention': {
          const ref = refs.get(c.name) ?? fail(`the table has no branch or tag ${JSON.stringify(c.name)}`);
          set(c.name, { ...ref, ...retentionFields(c.name, c.retention, ref.type === 'tag') });
          break;
        }
        case 'set-current-snapshot':
          moveMain(c.snapshotId);
          break;
        case 'rollback-to': {
          const head = mainHead(`roll back to snapshot ${c.snapshotId}`);
          snapshot(c.snapshotId);
          if (!isAncestorOf(base, head, c.snapshotId)) fail(`cannot roll back to snapshot ${c.snapshotId}: it is not an ancestor of the current snapshot ${head}; use setCurrentSnapshot to jump to any snapshot`);
          moveMain(c.snapshotId);
          break;
        }
        case 'rollback-to-time': {
          const head = mainHead('roll back');
          const target = latestAncestorBefore(base, head, c.timestampMs) ?? fail(`cannot roll back: no ancestor of the current snapshot was committed before ${c.timestampMs} ms`);
          moveMain(target.snapshotId);
          break;
        }
      }
    }

    const requirements: TableRequirement[] = tableUuidRequirement(base);
    const updates: TableUpdate[] = [];
    for (const name of touched) {
      const before = Object.prototype.hasOwnProperty.call(base.refs, name) ? base.refs[name] : undefined;
      const after = refs.get(name);
      if (after === undefined ? before === undefined : before !== undefined && snapshotRefEquals(before, after)) continue;
      requirements.push({ type: 'assert-ref-snapshot-id', ref: name, snapshotId: before?.snapshotId ?? null });
      updates.push(after === undefined ? { action: 'remove-snapshot-ref', refName: name } : { action: 'set-snapshot-ref', refName: name, ref: after });
    }
    return { requirements, updates };
  }
}
