import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import type { MemoryFileIO } from '../../../../src/io/memory.js';
import { readManifest } from '../../../../src/iceberg/manifest/manifest-reader.js';
import { isLiveEntry } from '../../../../src/iceberg/manifest/types.js';
import { deleteWhere } from '../../../../src/iceberg/operations/delete-where.js';
import { expireSnapshots } from '../../../../src/iceberg/operations/expire-snapshots.js';
import { snapshotManifests, specsOf } from '../../../../src/iceberg/operations/reachable.js';
import { planExpiration } from '../../../../src/iceberg/operations/retention.js';
import { rewriteDataFiles } from '../../../../src/iceberg/operations/rewrite-data-files.js';
import type { TableMetadata } from '../../../../src/iceberg/spec/metadata.js';
import type { Snapshot, SnapshotRef } from '../../../../src/iceberg/spec/snapshot.js';
import type { Table } from '../../../../src/iceberg/table/table.js';
import { evaluate3, filterArb, toExpression } from './filters.js';
import { makeTable, otherWriter, racing, rowsOf, unreachable, type Row } from './helpers.js';

const { table: template } = await makeTable('unpartitioned');

function snap(id: number, timestampMs: number, parent?: number): Snapshot {
  return { snapshotId: BigInt(id), ...(parent === undefined ? {} : { parentSnapshotId: BigInt(parent) }), sequenceNumber: BigInt(id), timestampMs, manifestList: `memory://x/${id}.avro`, summary: { operation: 'append' } };
}

function meta(snapshots: Snapshot[], refs: Record<string, Partial<SnapshotRef> & { snapshotId: bigint }>, properties: Record<string, string> = {}): TableMetadata {
  const full = Object.fromEntries(Object.entries(refs).map(([k, r]) => [k, { type: 'branch' as const, ...r }]));
  return { ...template.metadata, snapshots, refs: full, properties, currentSnapshotId: full.main?.snapshotId };
}

const chain = [snap(1, 1000), snap(2, 2000, 1), snap(3, 3000, 2), snap(4, 4000, 3)];
const ids = (xs: readonly bigint[]) => xs.map(Number).sort();

describe('planExpiration (retention policy)', () => {
  it('expires by age and keeps the newest ancestors asked for', () => {
    const m = meta(chain, { main: { snapshotId: 4n } });
    expect(ids(planExpiration(m, { now: 10_000, olderThan: 3500 }).expire)).toEqual([1, 2, 3]);
    expect(ids(planExpiration(m, { now: 10_000, olderThan: 2500 }).expire)).toEqual([1, 2]);
    expect(ids(planExpiration(m, { now: 10_000, olderThan: 3500, retainLast: 2 }).expire)).toEqual([1, 2]);
    expect(ids(planExpiration(meta(chain, { main: { snapshotId: 4n } }, { 'history.expire.min-snapshots-to-keep': '3' }), { now: 10_000, olderThan: 9000 }).expire)).toEqual([1]);
    expect(ids(planExpiration(meta(chain, { main: { snapshotId: 4n } }, { 'history.expire.max-snapshot-age-ms': '7500' }), { now: 10_000 }).expire)).toEqual([1, 2]);
    // Default 5 days: nothing this young expires.
    expect(planExpiration(m, { now: 10_000 }).expire).toEqual([]);
    expect(() => planExpiration(m, { retainLast: 0 })).toThrow(/at least 1/);
    expect(() => planExpiration(meta(chain, { main: { snapshotId: 4n } }, { 'history.expire.max-snapshot-age-ms': 'soon' }))).toThrow(/max-snapshot-age-ms/);
  });

  it('honors tags, branch retention and ref ages; main is never removed', () => {
    const m = meta([...chain, snap(5, 2500, 1), snap(6, 9000, 1), snap(7, 1500, 1)], {
      main: { snapshotId: 4n, maxRefAgeMs: 1n },
      tag: { snapshotId: 2n, type: 'tag' },
      old: { snapshotId: 3n, type: 'tag', maxRefAgeMs: 1000n },
      b: { snapshotId: 5n, minSnapshotsToKeep: 2 },
    });
    const p = planExpiration(m, { now: 10_000, olderThan: 3500 });
    expect(p.removeRefs).toEqual(['old']);
    // 1 is kept by branch b (two snapshots), 2 by its tag, 6 is unreferenced but young; 3 lost its tag; 7 is old and unreferenced.
    expect(ids(p.expire)).toEqual([3, 7]);
    const aged = meta(chain, { main: { snapshotId: 4n }, b: { snapshotId: 2n, maxSnapshotAgeMs: 9000n } }, { 'history.expire.max-ref-age-ms': '7500' });
    expect(planExpiration(aged, { now: 10_000, olderThan: 9999 }).removeRefs).toEqual(['b']);
    const kept = meta(chain, { main: { snapshotId: 4n }, b: { snapshotId: 2n, maxSnapshotAgeMs: 9000n } });
    expect(ids(planExpiration(kept, { now: 10_000, olderThan: 9999 }).expire)).toEqual([3]);
  });

  it('expires explicit snapshots, but never the head of a ref that stays', () => {
    const m = meta(chain, { main: { snapshotId: 4n }, t: { snapshotId: 2n, type: 'tag' } });
    expect(ids(planExpiration(m, { now: 10_000, olderThan: 0, retainLast: 4, snapshotIds: [3n] }).expire)).toEqual([3]);
    expect(() => planExpiration(m, { snapshotIds: [2n] })).toThrow(/"t" still points at it/);
    expect(() => planExpiration(m, { snapshotIds: [4n] })).toThrow(/"main"/);
  });
});

/** Every file the snapshots of the table read (lists, manifests, live content files). */
async function liveReachable(table: Table): Promise<string[]> {
  const out = new Set<string>();
  const specs = specsOf(table.metadata);
  for (const s of table.metadata.snapshots) {
    out.add(s.manifestList!);
    for (const m of await snapshotManifests(table.io, s)) {
      out.add(m.manifestPath);
      for await (const e of readManifest(table.io, m, { specsById: specs })) if (isLiveEntry(e)) out.add(e.dataFile.filePath);
    }
  }
  return [...out];
}

async function missing(io: MemoryFileIO, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) if (!(await io.exists(p))) out.push(p);
  return out;
}

const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), g: (from + i) % 2, v: from + i, s: null }));

describe('expireSnapshots', () => {
  it('removes expired snapshots and exactly the files only they reached', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(rows(0, 6));
    await table.append(rows(6, 6));
    await deleteWhere(table, 'v = 3');
    await rewriteDataFiles(table, { minInputFiles: 2 });
    const current = await rowsOf(table);
    const r = await expireSnapshots(table, { olderThan: Date.now() + 1 });
    expect(r.expiredSnapshotIds).toHaveLength(3);
    expect(r).toMatchObject({ deletedManifestLists: 3, deletedPositionDeleteFiles: 0, deletedEqualityDeleteFiles: 0, deletedStatisticsFiles: 0 });
    // 4 appended files, 1 rewritten by the delete, then 4 compacted into 2: 5 data files gone.
    expect(r.deletedDataFiles).toBe(5);
    expect(r.deletedManifests).toBeGreaterThan(0);
    expect(table.metadata.snapshots).toHaveLength(1);
    expect(await rowsOf(table)).toEqual(current);
    expect(await missing(io, await liveReachable(table))).toEqual([]);
    expect(await unreachable(io, table)).toEqual([]);
    // Nothing left to expire: no commit.
    const location = table.metadataLocation;
    expect((await expireSnapshots(table, { olderThan: Date.now() + 1 })).expiredSnapshotIds).toEqual([]);
    expect(table.metadataLocation).toBe(location);
  });

  it('keeps a file that a retained snapshot carries in a rewritten manifest', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(rows(0, 4)); // one manifest with the files of g=0 and g=1
    await deleteWhere(table, 'g = 1'); // rewrites that manifest: g=0 EXISTING, g=1 DELETED
    const r = await expireSnapshots(table, { olderThan: Date.now() + 1 });
    expect(r).toMatchObject({ deletedDataFiles: 1, deletedManifestLists: 1, deletedManifests: 1 });
    expect(await rowsOf(table)).toEqual(rows(0, 4).filter((x) => x.g === 0));
    expect(await missing(io, await liveReachable(table))).toEqual([]);
  });

  it('keeps tagged snapshots readable and refuses to delete files when gc is disabled', async () => {
    const { table, io } = await makeTable('unpartitioned');
    await table.append(rows(0, 4));
    const tagged = table.currentSnapshot()!.snapshotId;
    await table.manageSnapshots((m) => m.createTag('eom', tagged));
    await deleteWhere(table, 'v < 2');
    await table.append(rows(10, 2));
    const r = await expireSnapshots(table, { olderThan: Date.now() + 1 });
    expect(r.expiredSnapshotIds).toHaveLength(1);
    expect(r.deletedDataFiles).toBe(0); // the original file is still read by the tag
    expect(await rowsOf(table, tagged)).toEqual(rows(0, 4));
    expect(await missing(io, await liveReachable(table))).toEqual([]);
    await table.updateProperties({ 'gc.enabled': 'false' });
    await expect(expireSnapshots(table, { olderThan: Date.now() + 1 })).rejects.toThrow(/gc.enabled=false/);
  });

  it('re-plans when another writer commits meanwhile, and never deletes what that writer reads', async () => {
    const { table, io } = await makeTable('unpartitioned');
    await table.append(rows(0, 4));
    await table.append(rows(4, 4));
    const other = await otherWriter(table);
    const r = await expireSnapshots(racing(table, () => deleteWhere(other, 'v = 5')), { olderThan: Date.now() + 1 });
    await table.refresh();
    // The racing delete became the head; its parent (the second append) is expired with the first.
    expect(r.expiredSnapshotIds).toHaveLength(2);
    expect((await rowsOf(table)).map((x) => x.v)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(await missing(io, await liveReachable(table))).toEqual([]);
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('never deletes a file a retained snapshot reads, and every retained snapshot reads as before', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('delete' as const), filter: filterArb }),
      fc.record({ kind: fc.constant('drop' as const), g: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ kind: fc.constant('compact' as const) }),
      fc.record({ kind: fc.constant('tag' as const) }),
      fc.record({ kind: fc.constant('branch' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 7 }), fc.nat(), fc.integer({ min: 1, max: 3 }), fc.boolean(), async (ops, cut, retainLast, partitioned) => {
        const { table, io } = await makeTable(partitioned ? 'identity' : 'unpartitioned');
        let next = 0;
        let live: Row[] = [];
        for (const [i, o] of ops.entries()) {
          if (o.kind === 'append') {
            const batch = rows(next, o.n);
            next += o.n;
            live = [...live, ...batch];
            await table.append(batch);
          } else if (o.kind === 'delete') {
            await deleteWhere(table, toExpression(o.filter));
            live = live.filter((x) => evaluate3(o.filter, x) !== true);
          } else if (o.kind === 'drop') {
            await deleteWhere(table, `g = ${o.g}`);
            live = live.filter((x) => x.g !== o.g);
          } else if (o.kind === 'compact') await rewriteDataFiles(table, { minInputFiles: 2 });
          else if (table.currentSnapshot() !== undefined) {
            const id = table.currentSnapshot()!.snapshotId;
            await table.manageSnapshots((m) => (o.kind === 'tag' ? m.createTag(`t${i}`, id) : m.createBranch(`b${i}`, id, { minSnapshotsToKeep: 1 })));
          }
        }
        const before = new Map<bigint, Row[]>();
        for (const s of table.metadata.snapshots) before.set(s.snapshotId, await rowsOf(table, s.snapshotId));
        const stamps = table.metadata.snapshots.map((s) => s.timestampMs);
        const olderThan = stamps.length === 0 ? Date.now() : stamps[cut % stamps.length]! + (cut % 2);
        await expireSnapshots(table, { olderThan, retainLast });
        expect(await missing(io, await liveReachable(table))).toEqual([]);
        for (const s of table.metadata.snapshots) expect(await rowsOf(table, s.snapshotId)).toEqual(before.get(s.snapshotId));
        expect(await rowsOf(table)).toEqual(live);
        expect(await unreachable(io, table)).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});

describe('expireSnapshots errors', () => {
  it('is a ValidationError for bad options', async () => {
    const { table } = await makeTable('unpartitioned');
    const e = await expireSnapshots(table, { retainLast: -1 }).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
  });
});
