import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deleteWhere } from '../../../../src/iceberg/operations/delete-where.js';
import { expireSnapshots } from '../../../../src/iceberg/operations/expire-snapshots.js';
import { reachableFiles, removeOrphanFiles } from '../../../../src/iceberg/operations/remove-orphan-files.js';
import { rewriteDataFiles } from '../../../../src/iceberg/operations/rewrite-data-files.js';
import { listAll, makeTable, rowsOf, type Row } from './helpers.js';

const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), g: (from + i) % 3, v: from + i, s: 'x' }));

describe('removeOrphanFiles', () => {
  it('finds exactly the unreferenced files, deletes them only when old enough and not a dry run', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(rows(0, 6));
    await deleteWhere(table, 'v = 1');
    const strays = [`${table.location}/data/g=0/stray.parquet`, `${table.location}/metadata/crashed-m0.avro`, `${table.location}/other/notes.txt`];
    for (const s of strays) await io.write(s, 'x');
    await io.write(`${table.location}0/data/neighbour.parquet`, 'not ours'); // a sibling location sharing the prefix
    const reachable = await reachableFiles(table);
    expect(reachable.has(table.metadataLocation!)).toBe(true);
    expect(reachable.has(`${table.location}/metadata/version-hint.text`)).toBe(true);

    // Default cut-off: 3 days ago, so nothing this fresh is touched.
    expect((await removeOrphanFiles(table)).orphanFiles).toEqual([]);
    const dry = await removeOrphanFiles(table, { olderThan: Date.now() + 1000, dryRun: true });
    expect(dry).toEqual({ orphanFiles: [...strays].sort(), deleted: false });
    for (const s of strays) expect(await io.exists(s)).toBe(true);

    const before = await listAll(io, table);
    const real = await removeOrphanFiles(table, { olderThan: Date.now() + 1000 });
    expect(real.orphanFiles.sort()).toEqual([...strays].sort());
    expect(await listAll(io, table)).toEqual(before.filter((f) => !strays.includes(f)));
    expect(await io.exists(`${table.location}0/data/neighbour.parquet`)).toBe(true);
    expect((await rowsOf(table)).map((r) => r.id)).toEqual([0n, 2n, 3n, 4n, 5n]);
    for (const s of table.metadata.snapshots) await rowsOf(table, s.snapshotId);
  });

  it('refuses to delete when gc is disabled, but still lists', async () => {
    const { table, io } = await makeTable('unpartitioned', { 'gc.enabled': 'false' });
    await io.write(`${table.location}/data/stray.parquet`, 'x');
    await expect(removeOrphanFiles(table, { olderThan: Date.now() + 1000 })).rejects.toThrow(/gc.enabled=false/);
    expect((await removeOrphanFiles(table, { olderThan: Date.now() + 1000, dryRun: true })).orphanFiles).toHaveLength(1);
  });

  it('never deletes a reachable file, whatever the history', async () => {
    const op = fc.constantFrom('append', 'delete', 'compact', 'expire', 'stray');
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), fc.boolean(), async (ops, partitioned) => {
        const { table, io } = await makeTable(partitioned ? 'identity' : 'unpartitioned');
        const strays: string[] = [];
        let next = 0;
        for (const [i, o] of ops.entries()) {
          if (o === 'append') {
            await table.append(rows(next, 4));
            next += 4;
          } else if (o === 'delete') await deleteWhere(table, `v = ${next - 2}`);
          else if (o === 'compact') await rewriteDataFiles(table, { minInputFiles: 2 });
          else if (o === 'expire') await expireSnapshots(table, { olderThan: Date.now() + 1 });
          else {
            const s = `${table.location}/${i % 2 === 0 ? 'data' : 'metadata'}/stray-${i}.bin`;
            await io.write(s, 'x');
            strays.push(s);
          }
        }
        const snapshotsBefore = new Map<bigint, unknown>();
        for (const s of table.metadata.snapshots) snapshotsBefore.set(s.snapshotId, await rowsOf(table, s.snapshotId));
        const reachable = await reachableFiles(table);
        const before = await listAll(io, table);
        const { orphanFiles } = await removeOrphanFiles(table, { olderThan: Date.now() + 1000 });
        expect(orphanFiles.sort()).toEqual(strays.sort());
        const after = new Set(await listAll(io, table));
        const gone = before.filter((f) => !after.has(f));
        expect(gone).toEqual([...strays].sort());
        expect(gone.filter((f) => reachable.has(f))).toEqual([]);
        for (const s of table.metadata.snapshots) expect(await rowsOf(table, s.snapshotId)).toEqual(snapshotsBefore.get(s.snapshotId));
      }),
      { numRuns: 20 },
    );
  });
});
