import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { buildPartitionSpec } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { Table } from '../../../../src/iceberg/table/table.js';

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'account', Types.string),
  optionalField(3, 'amount', Types.decimal(18, 2)),
  optionalField(4, 'ts', Types.timestamptz),
]);

async function table(partitioned: boolean) {
  const io = new MemoryFileIO();
  const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
  await catalog.createNamespace(['db']);
  const spec = partitioned ? buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]) : undefined;
  await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, ...(spec ? { partitionSpec: spec } : {}) });
  return { io, t: await Table.load(catalog, 'db.t') };
}

const day = (d: number, h = 0) => new Date(Date.UTC(2026, 10, d, h)).toISOString();
const rows = [
  { id: 1n, account: 'a', amount: '10.50', ts: day(1, 10) },
  { id: 2n, account: 'b', amount: '20.25', ts: day(2, 11) },
  { id: 3n, account: null, amount: null, ts: day(2, 12) },
  { id: 4n, account: 'd', amount: '-1.00', ts: day(3) },
];

describe('write and read a table', () => {
  it.each([true, false])('round-trips rows through Parquet data files (partitioned: %s)', async (partitioned) => {
    const { t, io } = await table(partitioned);
    const snap = await t.append(rows);
    expect(snap.summary?.['added-records']).toBe('4');
    expect(snap.summary?.['added-data-files']).toBe(partitioned ? '3' : '1');
    const back = await t.scan().toRows();
    expect(back.map((r) => r.id).sort()).toEqual([1n, 2n, 3n, 4n]);
    const two = back.find((r) => r.id === 2n)!;
    expect(two.amount).toBe('20.25');
    expect(two.account).toBe('b');
    const filtered = await t.scan({ filter: "ts >= '2026-11-02T00:00:00+00:00' and ts < '2026-11-03T00:00:00+00:00'", select: ['id', 'amount'] }).toRows();
    expect(filtered.map((r) => r.id).sort()).toEqual([2n, 3n]);
    expect(Object.keys(filtered[0]!)).toEqual(['id', 'amount']);
    const tasks = [];
    for await (const task of t.scan({ filter: "ts >= '2026-11-02T00:00:00+00:00' and ts < '2026-11-03T00:00:00+00:00'" }).planFiles()) tasks.push(task);
    expect(tasks).toHaveLength(1);
    const dataFiles: string[] = [];
    for await (const f of io.list('memory://wh/db/t/data/')) dataFiles.push(f.location);
    expect(dataFiles).toHaveLength(partitioned ? 3 : 1);
    if (partitioned) expect(dataFiles.some((f) => f.includes('/ts_day=2026-11-02/'))).toBe(true);
    expect(await t.scan({ filter: 'amount < 0' }).count()).toBe(1);
  });
});

describe('format v1 tables', () => {
  it('appends and scans a v1 table (no sequence numbers, v1 manifests)', async () => {
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
    await catalog.createTable({ namespace: ['db'], name: 'v1' }, { schema, partitionSpec: spec, properties: { 'format-version': '1' } });
    const t = await Table.load(catalog, 'db.v1');
    expect(t.metadata.formatVersion).toBe(1);
    const s1 = await t.append(rows.slice(0, 2));
    const s2 = await t.append(rows.slice(2));
    expect(s1.sequenceNumber).toBe(0n);
    expect(s2.sequenceNumber).toBe(0n);
    expect((await t.scan().toRows()).map((r) => r.id).sort()).toEqual([1n, 2n, 3n, 4n]);
    expect(await t.scan({ snapshotId: s1.snapshotId }).count()).toBe(2);
    const reloaded = await Table.load(catalog, 'db.v1');
    expect(reloaded.metadata.formatVersion).toBe(1);
    expect(await reloaded.scan({ filter: 'id >= 3' }).count()).toBe(2);
  });
});

describe('appends racing a partition spec change', () => {
  it('keeps files in a manifest of the spec they were written with', async () => {
    const { t } = await table(true);
    const { writeDataFiles } = await import('../../../../src/iceberg/write/data-writer.js');
    const files = await writeDataFiles(t.io, t.metadata, (await import('../../../../src/formats/arrow/rows-to-arrow.js')).rowsToArrow(rows, schema));
    const other = await Table.load(t.catalog, 'db.t');
    await other.updateSpec((u) => u.addField('account'));
    await t.appendFiles(files); // planned against the new default spec; the files keep spec 0
    await t.refresh();
    expect(t.spec().specId).toBe(1);
    const specs = new Set<number>();
    for await (const task of t.planFiles()) specs.add(task.spec.specId);
    expect([...specs]).toEqual([0]);
    expect((await t.scan({ filter: "ts >= '2026-11-02T00:00:00+00:00'" }).toRows()).map((r) => r.id).sort()).toEqual([2n, 3n, 4n]);
  });
});
