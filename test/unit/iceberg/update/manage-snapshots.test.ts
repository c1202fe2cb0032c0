import { describe, expect, it } from 'vitest';
import { CommitConflictError, NotFoundError, ValidationError } from '../../../../src/errors.js';
import { applyUpdates, checkRequirements } from '../../../../src/iceberg/spec/index.js';
import type { TableMetadata } from '../../../../src/iceberg/spec/index.js';
import {
  ancestorsBetween,
  isAncestorOf,
  latestAncestorBefore,
  ManageSnapshots,
  resolveRef,
  snapshotAncestry,
  snapshotAsOf,
} from '../../../../src/iceberg/update/index.js';
import { commit, table, tableWithHistory, UUID } from './fixtures.js';

const ids = (ss: { snapshotId: bigint }[]) => ss.map((s) => s.snapshotId);

describe('snapshot history helpers', () => {
  const m = tableWithHistory();

  it('walks ancestry newest first and answers ancestor questions', () => {
    expect(ids(snapshotAncestry(m, 3n))).toEqual([3n, 2n, 1n]);
    expect(ids(snapshotAncestry(m, 4n))).toEqual([4n, 2n, 1n]);
    expect(isAncestorOf(m, 3n, 1n)).toBe(true);
    expect(isAncestorOf(m, 3n, 3n)).toBe(true);
    expect(isAncestorOf(m, 3n, 4n)).toBe(false);
    expect(ids(ancestorsBetween(m, 3n, 1n))).toEqual([3n, 2n]);
    expect(ids(ancestorsBetween(m, 3n, undefined))).toEqual([3n, 2n, 1n]);
    expect(() => ancestorsBetween(m, 3n, 4n)).toThrow(/not an ancestor/);
    expect(() => snapshotAncestry(m, 99n)).toThrow(NotFoundError);
  });

  it('stops at expired parents and refuses a parent cycle instead of looping', () => {
    const expired: TableMetadata = { ...m, snapshots: m.snapshots.filter((s) => s.snapshotId !== 1n) };
    expect(ids(snapshotAncestry(expired, 3n))).toEqual([3n, 2n]);
    const cyclic: TableMetadata = { ...m, snapshots: m.snapshots.map((s) => (s.snapshotId === 1n ? { ...s, parentSnapshotId: 3n } : s)) };
    expect(() => snapshotAncestry(cyclic, 3n)).toThrow(ValidationError);
  });

  it('resolves branches and tags; main of an empty table is undefined, unknown refs are NotFoundError', () => {
    expect(resolveRef(m, 'main')?.snapshotId).toBe(3n);
    expect(resolveRef(m, 'dev')?.snapshotId).toBe(4n);
    expect(resolveRef(table(), 'main')).toBeUndefined();
    expect(() => resolveRef(m, 'nope')).toThrow(/no branch or tag "nope" \(it has "main", "dev"\)/);
  });

  it('finds the snapshot current at a time from main’s snapshot log', () => {
    expect(snapshotAsOf(m, 2500).snapshotId).toBe(2n);
    expect(snapshotAsOf(m, 2000).snapshotId).toBe(2n);
    expect(snapshotAsOf(m, 99_999).snapshotId).toBe(3n);
    expect(() => snapshotAsOf(m, 999)).toThrow(NotFoundError);
    expect(() => snapshotAsOf(m, Number.NaN)).toThrow(ValidationError);
    expect(() => snapshotAsOf(table(), 1e20)).toThrow(NotFoundError);
    expect(latestAncestorBefore(m, 3n, 3000)?.snapshotId).toBe(2n);
    expect(latestAncestorBefore(m, 3n, 1000)).toBeUndefined();
  });
});

describe('ManageSnapshots', () => {
  const m = tableWithHistory();

  it('creates a branch at the current snapshot and a tag, with retention, asserting the refs did not exist', () => {
    const change = new ManageSnapshots().createBranch('audit', undefined, { minSnapshotsToKeep: 5, maxSnapshotAgeMs: 86_400_000, maxRefAgeMs: 7n }).createTag('v1', 1n, { maxRefAgeMs: 1000 });
    const { requirements, updates } = change.build(m);
    expect(requirements).toEqual([
      { type: 'assert-table-uuid', uuid: UUID },
      { type: 'assert-ref-snapshot-id', ref: 'audit', snapshotId: null },
      { type: 'assert-ref-snapshot-id', ref: 'v1', snapshotId: null },
    ]);
    expect(updates).toEqual([
      { action: 'set-snapshot-ref', refName: 'audit', ref: { snapshotId: 3n, type: 'branch', minSnapshotsToKeep: 5, maxSnapshotAgeMs: 86_400_000n, maxRefAgeMs: 7n } },
      { action: 'set-snapshot-ref', refName: 'v1', ref: { snapshotId: 1n, type: 'tag', maxRefAgeMs: 1000n } },
    ]);
    const next = commit(m, change);
    expect(next.refs.v1).toEqual({ snapshotId: 1n, type: 'tag', maxRefAgeMs: 1000n });
    expect(next.currentSnapshotId).toBe(3n);
  });

  it('removes, renames and replaces refs', () => {
    const tagged = commit(m, new ManageSnapshots().createTag('t', 1n));
    const next = commit(tagged, new ManageSnapshots().renameBranch('dev', 'feature').replaceTag('t', 2n).createBranch('b2', 1n).replaceBranch('b2', 'feature'));
    expect(Object.keys(next.refs).sort()).toEqual(['b2', 'feature', 'main', 't']);
    expect(next.refs.feature?.snapshotId).toBe(4n);
    expect(next.refs.b2?.snapshotId).toBe(4n);
    expect(next.refs.t?.snapshotId).toBe(2n);
    const removed = commit(next, new ManageSnapshots().removeTag('t').removeBranch('b2'));
    expect(Object.keys(removed.refs).sort()).toEqual(['feature', 'main']);
    const { updates, requirements } = new ManageSnapshots().removeBranch('feature').build(removed);
    expect(updates).toEqual([{ action: 'remove-snapshot-ref', refName: 'feature' }]);
    expect(requirements).toContainEqual({ type: 'assert-ref-snapshot-id', ref: 'feature', snapshotId: 4n });
  });

  it('fast-forwards a branch only when its head is an ancestor of the target', () => {
    const behind = commit(m, new ManageSnapshots().createBranch('stale', 1n));
    expect(commit(behind, new ManageSnapshots().fastForwardBranch('stale', 'main')).refs.stale?.snapshotId).toBe(3n);
    expect(() => new ManageSnapshots().fastForwardBranch('main', 'dev').build(m)).toThrow(/not an ancestor of 4/);
    expect(commit(m, new ManageSnapshots().replaceBranch('main', 'dev')).currentSnapshotId).toBe(4n);
  });

  it('rolls main back to an ancestor, by id or by time, and sets any snapshot current', () => {
    const back = commit(m, new ManageSnapshots().rollbackTo(1n), 5000);
    expect(back.currentSnapshotId).toBe(1n);
    expect(back.snapshotLog.at(-1)).toEqual({ timestampMs: 5000, snapshotId: 1n });
    expect(() => new ManageSnapshots().rollbackTo(4n).build(m)).toThrow(/not an ancestor of the current snapshot 3/);
    expect(commit(m, new ManageSnapshots().setCurrentSnapshot(4n)).currentSnapshotId).toBe(4n);
    expect(commit(m, new ManageSnapshots().rollbackToTime(2500)).currentSnapshotId).toBe(2n);
    expect(() => new ManageSnapshots().rollbackToTime(500).build(m)).toThrow(/no ancestor/);
    expect(() => new ManageSnapshots().rollbackTo(1n).build(table())).toThrow(/no current snapshot/);
    const { requirements } = new ManageSnapshots().rollbackTo(2n).build(m);
    expect(requirements).toContainEqual({ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 3n });
  });

  it('sets retention on existing refs', () => {
    const next = commit(m, new ManageSnapshots().setMinSnapshotsToKeep('dev', 3).setMaxSnapshotAgeMs('dev', 10).setMaxRefAgeMs('dev', 20n).setMinSnapshotsToKeep('main', 2));
    expect(next.refs.dev).toEqual({ snapshotId: 4n, type: 'branch', minSnapshotsToKeep: 3, maxSnapshotAgeMs: 10n, maxRefAgeMs: 20n });
    expect(next.refs.main).toEqual({ snapshotId: 3n, type: 'branch', minSnapshotsToKeep: 2 });
  });

  it('refuses invalid operations', () => {
    const t = commit(m, new ManageSnapshots().createTag('t', 1n));
    const err = (u: ManageSnapshots, re: RegExp) => expect(() => u.build(t)).toThrow(re);
    err(new ManageSnapshots().createBranch('dev'), /already exists/);
    err(new ManageSnapshots().createTag('t', 2n), /already exists/);
    err(new ManageSnapshots().createBranch('x', 99n), /snapshot 99 is not in the table/);
    err(new ManageSnapshots().removeBranch('t'), /is a tag, not a branch/);
    err(new ManageSnapshots().removeTag('dev'), /is a branch, not a tag/);
    err(new ManageSnapshots().removeTag('nope'), /no tag "nope"/);
    err(new ManageSnapshots().renameBranch('dev', 't'), /already exists/);
    err(new ManageSnapshots().replaceBranch('nope', 1n), /no branch "nope"/);
    err(new ManageSnapshots().setMinSnapshotsToKeep('t', 2), /only branches/);
    err(new ManageSnapshots().setMaxRefAgeMs('nope', 2), /no branch or tag/);
    expect(() => new ManageSnapshots().removeBranch('main')).toThrow(/main branch/);
    expect(() => new ManageSnapshots().renameBranch('main', 'x')).toThrow(/main branch/);
    expect(() => new ManageSnapshots().createTag('main', 1n)).toThrow(/cannot be a tag/);
    expect(() => new ManageSnapshots().setMaxRefAgeMs('main', 1)).toThrow(/never expires/);
    expect(() => new ManageSnapshots().createBranch('b', 1n, { minSnapshotsToKeep: 0 })).toThrow(/positive/);
    expect(() => new ManageSnapshots().createBranch('b', 1n, { maxSnapshotAgeMs: -1 })).toThrow(/greater than 0/);
    expect(() => new ManageSnapshots().createTag('x', 1n, { minSnapshotsToKeep: 1 } as never)).toThrow(/only branches/);
    expect(() => new ManageSnapshots().setCurrentSnapshot(1 as never)).toThrow(/bigint/);
    expect(() => new ManageSnapshots().createBranch('')).toThrow(/non-empty/);
  });

  it('emits nothing for operations that cancel out, and conflicts when a ref moved concurrently', () => {
    expect(new ManageSnapshots().createBranch('tmp', 1n).removeBranch('tmp').build(m)).toEqual({ requirements: [{ type: 'assert-table-uuid', uuid: UUID }], updates: [] });
    const intent = new ManageSnapshots().rollbackTo(2n);
    const stale = intent.build(m);
    const moved = applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 1n, type: 'branch' } }], { nowMs: 9000 });
    expect(() => checkRequirements(moved, stale.requirements)).toThrow(CommitConflictError);
    // replayed on the new metadata: 2 is no longer an ancestor of main's head
    expect(() => intent.build(moved)).toThrow(/not an ancestor/);
  });
});
