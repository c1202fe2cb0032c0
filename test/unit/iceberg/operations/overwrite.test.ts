import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import { rowsToArrow } from '../../../../src/formats/arrow/rows-to-arrow.js';
import { overwritePartitions, overwriteWhere } from '../../../../src/iceberg/operations/overwrite.js';
import { makeTable, otherWriter, racing, rowsOf, schema, unreachable, type Row } from './helpers.js';

const base: Row[] = Array.from({ length: 12 }, (_, i) => ({ id: BigInt(i), g: i % 3, v: i, s: `s${i}` }));

describe('overwriteWhere', () => {
  it('replaces the matching rows with new ones in one overwrite snapshot', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    const fresh: Row[] = [{ id: 50n, g: 1, v: 100, s: 'new' }];
    const r = await overwriteWhere(table, 'g = 1', fresh);
    expect(r.snapshot?.summary).toMatchObject({ operation: 'overwrite', 'deleted-records': '4', 'added-records': '1', 'total-records': '9' });
    expect(await rowsOf(table)).toEqual([...base.filter((x) => x.g !== 1), ...fresh]);
    // Partly matching files are rewritten copy-on-write.
    await overwriteWhere(table, 'v >= 10', rowsToArrow([{ id: 60n, g: 0, v: 10, s: null }], schema));
    expect((await rowsOf(table)).map((x) => x.id)).toEqual([0n, 2n, 3n, 5n, 6n, 8n, 9n, 60n]);
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('rejects new rows outside the filter unless told otherwise, writing nothing', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    const before = table.currentSnapshot()?.snapshotId;
    await expect(overwriteWhere(table, 'g = 1', [{ id: 50n, g: 2, v: 1, s: null }])).rejects.toThrow(/does not match the overwrite filter/);
    expect(table.currentSnapshot()?.snapshotId).toBe(before);
    expect(await unreachable(io, table)).toEqual([]);
    await overwriteWhere(table, 'g = 1', [{ id: 50n, g: 2, v: 1, s: null }], { validateRowsMatchFilter: false });
    expect((await rowsOf(table)).filter((x) => x.g === 1)).toEqual([]);
  });
});

describe('overwritePartitions', () => {
  it('replaces exactly the partitions present in the new data', async () => {
    const { table, io } = await makeTable('identity');
    await table.append(base);
    await table.append([{ id: 20n, g: 1, v: 0, s: null }]);
    const fresh: Row[] = [{ id: 30n, g: 1, v: 7, s: 'x' }, { id: 31n, g: 5, v: 8, s: 'y' }];
    const r = await overwritePartitions(table, fresh);
    expect(r).toMatchObject({ removedDataFiles: 2, addedDataFiles: 2 });
    expect(r.snapshot?.summary?.operation).toBe('overwrite');
    expect(await rowsOf(table)).toEqual([...base.filter((x) => x.g !== 1), ...fresh]);
    expect(await unreachable(io, table)).toEqual([]);
  });

  it('replaces the whole table when it is unpartitioned; empty data changes nothing', async () => {
    const { table } = await makeTable('unpartitioned');
    await table.append(base);
    expect((await overwritePartitions(table, [])).snapshot).toBeUndefined();
    await overwritePartitions(table, [{ id: 99n, g: 0, v: 0, s: null }]);
    expect((await rowsOf(table)).map((x) => x.id)).toEqual([99n]);
  });

  it('replaces what the partitions hold at commit time by default, and fails under serializable isolation', async () => {
    const { table } = await makeTable('identity');
    await table.append(base);
    const other = await otherWriter(table);
    await overwritePartitions(racing(table, () => other.append([{ id: 40n, g: 1, v: 0, s: null }, { id: 41n, g: 2, v: 0, s: null }])), [{ id: 30n, g: 1, v: 7, s: 'x' }]);
    await table.refresh();
    expect((await rowsOf(table)).map((x) => x.id)).toEqual([0n, 2n, 3n, 5n, 6n, 8n, 9n, 11n, 30n, 41n]);

    const e = await overwritePartitions(racing(table, () => other.append([{ id: 42n, g: 1, v: 0, s: null }])), [{ id: 31n, g: 1, v: 7, s: 'x' }], {
      isolationLevel: 'serializable',
    }).catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    // An append to another partition does not conflict.
    await table.refresh();
    await overwritePartitions(racing(table, () => other.append([{ id: 43n, g: 0, v: 0, s: null }])), [{ id: 32n, g: 1, v: 7, s: 'x' }], { isolationLevel: 'serializable' });
    await table.refresh();
    expect((await rowsOf(table)).filter((x) => x.g === 1 || x.id === 43n).map((x) => x.id)).toEqual([32n, 43n]);
  });
});
