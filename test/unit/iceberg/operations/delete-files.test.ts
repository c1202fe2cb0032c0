/**
 * Operations on tables with merge-on-read delete files (equality deletes
 * here; lakekit reads both kinds through the same task path): rewrites
 * apply them, keep them, and conflict with new ones.
 */
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import { rowsToArrow } from '../../../../src/formats/arrow/rows-to-arrow.js';
import { FileContent } from '../../../../src/iceberg/manifest/types.js';
import { deleteWhere } from '../../../../src/iceberg/operations/delete-where.js';
import { expireSnapshots } from '../../../../src/iceberg/operations/expire-snapshots.js';
import { appendedFiles } from '../../../../src/iceberg/operations/incremental-scan.js';
import { rewriteDataFiles } from '../../../../src/iceberg/operations/rewrite-data-files.js';
import type { Table } from '../../../../src/iceberg/table/table.js';
import { writeDataFiles } from '../../../../src/iceberg/write/data-writer.js';
import { makeTable, otherWriter, racing, rowsOf, schema, unreachable, type Row } from './helpers.js';

const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), g: (from + i) % 2, v: from + i, s: null }));

/** Commit an equality delete on `id` for the given rows (written as full rows; only `id` is compared). */
async function deleteByEquality(table: Table, victims: Row[]): Promise<void> {
  const files = await writeDataFiles(table.io, table.metadata, rowsToArrow(victims, schema));
  await table.commitSnapshot({ operation: 'delete', addedDeleteFiles: files.map((f) => ({ ...f, content: FileContent.EqualityDeletes, equalityIds: [1] })) });
}

describe('operations over delete files', () => {
  it('compaction applies equality deletes and keeps the delete files; the rows stay the same', async () => {
    const { table, io } = await makeTable('identity');
    for (let i = 0; i < 3; i++) await table.append(rows(i * 4, 4));
    await deleteByEquality(table, [rows(1, 1)[0]!, rows(6, 1)[0]!]);
    const expected = rows(0, 12).filter((x) => x.id !== 1n && x.id !== 6n);
    expect(await rowsOf(table)).toEqual(expected);
    const r = await rewriteDataFiles(table, { minInputFiles: 2 });
    expect(r.rewrittenDataFiles).toBe(6);
    expect(r.snapshot?.summary?.['total-delete-files']).toBe('2');
    expect(await rowsOf(table)).toEqual(expected);
    // A new row with a deleted id is not hidden by the old equality delete (it is newer).
    await table.append([{ id: 1n, g: 1, v: 99, s: null }]);
    expect((await rowsOf(table)).filter((x) => x.id === 1n)).toEqual([{ id: 1n, g: 1, v: 99, s: null }]);
    await expireSnapshots(table, { olderThan: Date.now() + 1 });
    expect(await unreachable(io, table)).toEqual([]);
    expect((await rowsOf(table)).length).toBe(expected.length + 1);
  });

  it('delete-by-filter rewrites files without rows already deleted', async () => {
    const { table } = await makeTable('unpartitioned');
    await table.append(rows(0, 6));
    await deleteByEquality(table, [rows(2, 1)[0]!]);
    const r = await deleteWhere(table, 'v >= 4');
    expect(r.snapshot?.summary).toMatchObject({ 'added-records': '3' });
    expect((await rowsOf(table)).map((x) => x.v)).toEqual([0, 1, 3]);
  });

  it('a rewrite fails when equality deletes for its partition were committed meanwhile', async () => {
    const { table, io } = await makeTable('identity');
    for (let i = 0; i < 3; i++) await table.append(rows(i * 4, 4));
    const other = await otherWriter(table);
    const e = await rewriteDataFiles(racing(table, () => deleteByEquality(other, [rows(3, 1)[0]!])), { minInputFiles: 2, filter: 'g = 1' }).catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    expect((e as Error).message).toMatch(/delete file/);
    await table.refresh();
    expect((await rowsOf(table)).map((x) => x.id)).toEqual(rows(0, 12).filter((x) => x.id !== 3n).map((x) => x.id));
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('incremental append scans ignore delete snapshots', async () => {
    const { table } = await makeTable('unpartitioned');
    await table.append(rows(0, 2));
    const first = table.currentSnapshot()!.snapshotId;
    await deleteByEquality(table, [rows(0, 1)[0]!]);
    await table.append(rows(2, 2));
    const files = [];
    for await (const t of appendedFiles(table, first)) files.push(t);
    expect(files).toHaveLength(1);
    expect(files[0]!.deletes).toEqual([]);
  });
});
