import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import { deleteWhere } from '../../../../src/iceberg/operations/delete-where.js';
import { rewriteDataFiles } from '../../../../src/iceberg/operations/rewrite-data-files.js';
import type { FileScanTask } from '../../../../src/iceberg/scan/plan.js';
import type { Table } from '../../../../src/iceberg/table/table.js';
import { evaluate3, filterArb, rowsArb, toExpression } from './filters.js';
import { makeTable, normalize, otherWriter as makeOther, racing, rowsOf, unreachable, type Layout, type Row } from './helpers.js';

const base: Row[] = Array.from({ length: 30 }, (_, i) => ({ id: BigInt(i), g: i % 3, v: i, s: i % 4 === 0 ? null : `s${i % 5}` }));

async function tasks(table: Table): Promise<FileScanTask[]> {
  const out: FileScanTask[] = [];
  for await (const t of table.planFiles()) out.push(t);
  return out;
}

describe('deleteWhere', () => {
  it('drops files whose rows all match without reading them, as a delete snapshot', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    const r = await deleteWhere(table, 'g = 1');
    expect(r).toMatchObject({ removedDataFiles: 1, rewrittenDataFiles: 0, addedDataFiles: 0 });
    expect(r.snapshot?.summary).toMatchObject({ operation: 'delete', 'deleted-data-files': '1', 'deleted-records': '10', 'total-records': '20', 'total-data-files': '2' });
    expect(r.snapshot?.summary?.['added-data-files']).toBeUndefined();
    expect(await rowsOf(table)).toEqual(base.filter((x) => x.g !== 1));
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('drops whole files by column metrics in an unpartitioned table', async () => {
    const { table } = await makeTable('unpartitioned');
    await table.append(base.slice(0, 10));
    await table.append(base.slice(10));
    const r = await deleteWhere(table, 'id < 10');
    expect(r.snapshot?.summary?.operation).toBe('delete');
    expect(r.removedDataFiles).toBe(1);
    expect(await rowsOf(table)).toEqual(base.slice(10));
  });

  it('rewrites partly matching files in their own partition, as an overwrite snapshot', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    const r = await deleteWhere(table, 'v < 5 or s is null');
    const expected = base.filter((x) => !(x.v! < 5 || x.s === null));
    expect(r).toMatchObject({ removedDataFiles: 3, rewrittenDataFiles: 3, addedDataFiles: 3 });
    expect(r.snapshot?.summary).toMatchObject({
      operation: 'overwrite',
      'deleted-data-files': '3',
      'added-data-files': '3',
      'deleted-records': '30',
      'added-records': String(expected.length),
      'total-records': String(expected.length),
      'total-data-files': '3',
    });
    expect(await rowsOf(table)).toEqual(expected);
    for (const t of await tasks(table)) {
      const rows = await table.scan({ filter: `g = ${t.file.partition.get(1000) as number}` }).toRows();
      expect(rows.every((x) => x.g === t.file.partition.get(1000))).toBe(true);
    }
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('commits nothing when no row matches, and leaves no file behind', async () => {
    const { table, io, catalog } = await makeTable('bucket');
    await table.append(base);
    const before = await catalog.loadTable(table.identifier);
    const r = await deleteWhere(table, 'v > 5 and v < 6');
    expect(r.snapshot).toBeUndefined();
    expect((await catalog.loadTable(table.identifier)).metadataLocation).toBe(before.metadataLocation);
    expect(await unreachable(io, table)).toEqual([]);
    await expect(deleteWhere(table, '')).rejects.toThrow(/row filter/);
  });

  it('deletes on a branch without touching main, and rejects unknown columns', async () => {
    const { table } = await makeTable('identity');
    await table.append(base);
    const main = table.currentSnapshot()!.snapshotId;
    await table.manageSnapshots((m) => m.createBranch('audit', main));
    const r = await deleteWhere(table, 'v >= 3', { branch: 'audit' });
    expect(table.currentSnapshot()!.snapshotId).toBe(main);
    expect(table.refs().audit?.snapshotId).toBe(r.snapshot!.snapshotId);
    expect(normalize(await table.scan({ ref: 'audit' }).toRows())).toEqual(base.slice(0, 3));
    expect(await rowsOf(table)).toEqual(base);
    const e = await deleteWhere(table, 'nope = 1').catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
  });

  it('carries an append that races it when the appended rows cannot match', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    const other = await makeOther(table);
    const added: Row[] = [{ id: 100n, g: 0, v: 50, s: 'x' }, { id: 101n, g: 1, v: 60, s: 'y' }];
    const r = await deleteWhere(racing(table, () => other.append(added)), 'v < 5');
    expect(r.snapshot?.summary?.operation).toBe('overwrite');
    await table.refresh();
    expect(await rowsOf(table)).toEqual([...base.filter((x) => x.v! >= 5), ...added]);
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('fails under serializable isolation when a racing append adds rows the filter matches, leaving only the append', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    const other = await makeOther(table);
    const added: Row[] = [{ id: 100n, g: 0, v: 1, s: 'x' }];
    const e = await deleteWhere(racing(table, () => other.append(added)), 'v < 5').catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    await table.refresh();
    expect(await rowsOf(table)).toEqual([...base, ...added]);
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('carries the racing matching append under snapshot isolation (table property)', async () => {
    const { table } = await makeTable('identity', { 'write.delete.isolation-level': 'snapshot' });
    await table.append(base);
    const other = await makeOther(table);
    const added: Row[] = [{ id: 100n, g: 0, v: 1, s: 'x' }];
    await deleteWhere(racing(table, () => other.append(added)), 'v < 5');
    await table.refresh();
    expect(await rowsOf(table)).toEqual([...base.filter((x) => x.v! >= 5), ...added]);
  });

  it('of two deletes rewriting the same file, the later one fails without corrupting anything', async () => {
    const { table, io } = await makeTable('unpartitioned');
    await table.append(base);
    const other = await makeOther(table);
    const e = await deleteWhere(racing(table, () => deleteWhere(other, 'v = 4')), 'v = 7').catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    expect((e as Error).message).toMatch(/already removed/);
    await table.refresh();
    expect(await rowsOf(table)).toEqual(base.filter((x) => x.v !== 4));
    expect(await unreachable(io, table)).toEqual([]);
    // Run again on the current table: now it applies.
    await deleteWhere(table, 'v = 7');
    expect(await rowsOf(table)).toEqual(base.filter((x) => x.v !== 4 && x.v !== 7));
  });

  it('fails when a racing compaction replaced the file it rewrites', async () => {
    const { table } = await makeTable('unpartitioned');
    for (let i = 0; i < 3; i++) await table.append(base.slice(i * 10, i * 10 + 10));
    const other = await makeOther(table);
    const e = await deleteWhere(racing(table, () => rewriteDataFiles(other, { minInputFiles: 2 })), 'v = 7').catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    await table.refresh();
    expect(await rowsOf(table)).toEqual(base);
  });

  it.each<Layout>(['identity', 'bucket', 'unpartitioned'])('scans exactly the rows a naive filter keeps (%s)', async (layout) => {
    await fc.assert(
      fc.asyncProperty(rowsArb(40), fc.integer({ min: 1, max: 3 }), filterArb, async (rows, parts, filter) => {
        const { table, io } = await makeTable(layout);
        const size = Math.ceil(rows.length / parts);
        for (let i = 0; i < rows.length; i += size) await table.append(rows.slice(i, i + size));
        const r = await deleteWhere(table, toExpression(filter));
        const expected = rows.filter((row) => evaluate3(filter, row) !== true);
        expect(await rowsOf(table)).toEqual(expected);
        if (r.snapshot !== undefined) expect(r.snapshot.summary?.['total-records']).toBe(String(expected.length));
        else expect(expected).toHaveLength(rows.length);
        expect(await unreachable(io, table)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
