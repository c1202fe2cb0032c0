import { describe, expect, it } from 'vitest';
import { arrowToRows } from '../../../../src/formats/arrow/arrow-to-rows.js';
import { isLakeError } from '../../../../src/errors.js';
import { deleteWhere } from '../../../../src/iceberg/operations/delete-where.js';
import { appendedFiles, readAppended } from '../../../../src/iceberg/operations/incremental-scan.js';
import { rewriteDataFiles } from '../../../../src/iceberg/operations/rewrite-data-files.js';
import type { Table } from '../../../../src/iceberg/table/table.js';
import { makeTable, normalize, type Row } from './helpers.js';

const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), g: (from + i) % 2, v: from + i, s: `r${from + i}` }));

async function appended(table: Table, from: bigint | undefined, to?: bigint, filter?: string): Promise<Row[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of readAppended(table, from, to, filter === undefined ? {} : { filter })) out.push(...arrowToRows(b));
  return normalize(out);
}

describe('incremental append scan', () => {
  it('returns the files appended between two snapshots, skipping deletes and compactions', async () => {
    const { table } = await makeTable('identity');
    await table.append(rows(0, 4));
    const s1 = table.currentSnapshot()!.snapshotId;
    await table.append(rows(4, 4));
    const s2 = table.currentSnapshot()!.snapshotId;
    await deleteWhere(table, 'v = 5');
    await rewriteDataFiles(table, { rewriteAll: true });
    await table.append(rows(8, 2));
    const s5 = table.currentSnapshot()!.snapshotId;

    expect(await appended(table, s1)).toEqual([...rows(4, 4), ...rows(8, 2)]); // appended rows, as appended
    expect(await appended(table, s1, s2)).toEqual(rows(4, 4));
    expect(await appended(table, undefined, s1)).toEqual(rows(0, 4));
    expect(await appended(table, s2, s5)).toEqual(rows(8, 2));
    expect(await appended(table, s5)).toEqual([]);
    expect(await appended(table, undefined, undefined, 'v >= 7 and g = 1')).toEqual([7, 9].map((i) => rows(i, 1)[0]!));
    const tasks = [];
    for await (const t of appendedFiles(table, s1, s2)) tasks.push(t);
    expect(tasks.map((t) => t.file.partition.get(1000)).sort()).toEqual([0, 1]);
  });

  it('rejects a start that is not an ancestor of the end, and an unknown end', async () => {
    const { table } = await makeTable('unpartitioned');
    await table.append(rows(0, 1));
    const s1 = table.currentSnapshot()!.snapshotId;
    await table.append(rows(1, 1));
    const s2 = table.currentSnapshot()!.snapshotId;
    const e = await appended(table, s2, s1).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    expect((e as Error).message).toMatch(/not an ancestor/);
    const missing = await appended(table, undefined, 42n).catch((x: unknown) => x);
    expect(isLakeError(missing, 'NOT_FOUND')).toBe(true);
    const { table: empty } = await makeTable('unpartitioned');
    expect(await appended(empty, undefined)).toEqual([]);
    await expect(appended(empty, s1)).rejects.toThrow(/no current snapshot/);
  });
});
