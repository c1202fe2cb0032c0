import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import { deleteWhere } from '../../../../src/iceberg/operations/delete-where.js';
import { binPack, rewriteDataFiles } from '../../../../src/iceberg/operations/rewrite-data-files.js';
import { evaluate3, filterArb, rowsArb, toExpression } from './filters.js';
import { makeTable, otherWriter, racing, rowsOf, unreachable, type Layout, type Row } from './helpers.js';

const rows = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), g: (from + i) % 2, v: from + i, s: `r${from + i}` }));

async function dataFiles(table: Awaited<ReturnType<typeof makeTable>>['table']): Promise<string[]> {
  const out: string[] = [];
  for await (const t of table.planFiles()) out.push(t.file.filePath);
  return out;
}

describe('binPack', () => {
  it('packs first-fit decreasing without exceeding the capacity, oversized items alone', () => {
    expect(binPack([5, 1, 4, 2, 9, 3], (x) => x, 6)).toEqual([[9], [5, 1], [4, 2], [3]]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 })), fc.integer({ min: 1, max: 30 }), (xs, cap) => {
        const bins = binPack(xs, (x) => x, cap);
        expect(bins.flat().sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
        for (const b of bins) expect(b.length === 1 || b.reduce((n, x) => n + x, 0) <= cap).toBe(true);
      }),
    );
  });
});

describe('rewriteDataFiles', () => {
  it('compacts small files of each partition into one replace snapshot', async () => {
    const { table, io } = await makeTable('identity');
    for (let i = 0; i < 5; i++) await table.append(rows(i * 4, 4));
    expect(await dataFiles(table)).toHaveLength(10);
    const before = await rowsOf(table);
    const r = await rewriteDataFiles(table);
    expect(r).toMatchObject({ rewrittenDataFiles: 10, addedDataFiles: 2, groups: 2 });
    expect(r.snapshot?.summary).toMatchObject({ operation: 'replace', 'deleted-data-files': '10', 'added-data-files': '2', 'total-records': '20', 'total-data-files': '2' });
    expect(await rowsOf(table)).toEqual(before);
    expect(await unreachable(io, table)).toEqual([]);
    // Nothing small enough in groups of 5 any more.
    expect((await rewriteDataFiles(table)).snapshot).toBeUndefined();
  });

  it('leaves groups below min-input-files alone, rewrites everything on request, and honors a filter', async () => {
    const { table } = await makeTable('identity');
    for (let i = 0; i < 3; i++) await table.append(rows(i * 4, 4));
    expect((await rewriteDataFiles(table)).snapshot).toBeUndefined();
    const only = await rewriteDataFiles(table, { filter: 'g = 1', minInputFiles: 2 });
    expect(only).toMatchObject({ rewrittenDataFiles: 3, addedDataFiles: 1 });
    expect(await dataFiles(table)).toHaveLength(4);
    const all = await rewriteDataFiles(table, { rewriteAll: true });
    expect(all).toMatchObject({ rewrittenDataFiles: 4, addedDataFiles: 2 });
    await expect(rewriteDataFiles(table, { minFileSizeBytes: 10, maxFileSizeBytes: 5 })).rejects.toThrow(/invalid compaction sizes/);
  });

  it('carries a racing append, and fails when a racing delete rewrote one of its files', async () => {
    const { table, io } = await makeTable('unpartitioned');
    for (let i = 0; i < 3; i++) await table.append(rows(i * 4, 4));
    const other = await otherWriter(table);
    const r = await rewriteDataFiles(racing(table, () => other.append(rows(100, 2))), { minInputFiles: 2 });
    expect(r.rewrittenDataFiles).toBe(3);
    await table.refresh();
    expect(await rowsOf(table)).toEqual([...rows(0, 12), ...rows(100, 2)]);
    expect(await dataFiles(table)).toHaveLength(2);

    await table.append(rows(200, 2));
    await other.refresh();
    const e = await rewriteDataFiles(racing(table, () => deleteWhere(other, 'v = 201')), { minInputFiles: 2 }).catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    await table.refresh();
    expect(await rowsOf(table)).toEqual([...rows(0, 12), ...rows(100, 2), ...rows(200, 1)]);
    expect(await unreachable(io, table)).toEqual([]);
  });

  it.each<Layout>(['identity', 'unpartitioned'])('never changes the rows a scan returns (%s)', async (layout) => {
    await fc.assert(
      fc.asyncProperty(rowsArb(30), fc.integer({ min: 1, max: 4 }), fc.option(filterArb, { nil: undefined }), fc.boolean(), async (data, parts, deleteFilter, rewriteAll) => {
        const { table } = await makeTable(layout);
        const size = Math.max(1, Math.ceil(data.length / parts));
        for (let i = 0; i < data.length; i += size) await table.append(data.slice(i, i + size));
        let expected = data;
        if (deleteFilter !== undefined) {
          await deleteWhere(table, toExpression(deleteFilter));
          expected = data.filter((x) => evaluate3(deleteFilter, x) !== true);
        }
        await rewriteDataFiles(table, { minInputFiles: 2, rewriteAll });
        expect(await rowsOf(table)).toEqual(expected);
        expect(await table.scan({ filter: 'v >= 5' }).count()).toBe(expected.filter((x) => x.v !== null && x.v >= 5).length);
      }),
      { numRuns: 20 },
    );
  });
});
