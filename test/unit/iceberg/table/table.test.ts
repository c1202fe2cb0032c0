import { describe, expect, it } from 'vitest';
import type { Catalog, LoadTableResult } from '../../../../src/catalog/catalog.js';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { CommitConflictError, isLakeError } from '../../../../src/errors.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, requiredField } from '../../../../src/iceberg/spec/types.js';
import { commitRetryFromProperties, commitWithRetry, finalConflict } from '../../../../src/iceberg/table/commit.js';
import { Table } from '../../../../src/iceberg/table/table.js';

async function setup() {
  const io = new MemoryFileIO();
  const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
  await catalog.createNamespace(['db']);
  await catalog.createTable({ namespace: ['db'], name: 't' }, { schema: newSchema([requiredField(1, 'id', Types.long)]), properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '5' } });
  return { io, catalog };
}

describe('Table', () => {
  it('loads by name and exposes metadata', async () => {
    const { catalog, io } = await setup();
    const table = await Table.load(catalog, 'db.t');
    expect(table.name).toBe('db.t');
    expect(table.io).toBe(io);
    expect(table.location).toBe('memory://wh/db/t');
    expect(table.schema().fields.map((f) => f.name)).toEqual(['id']);
    expect(table.spec().fields).toEqual([]);
    expect(table.currentSnapshot()).toBeUndefined();
    expect(() => table.schema(99)).toThrow(/no schema 99/);
    expect(() => table.snapshot(1n)).toThrow(/no snapshot/);
  });

  it('applies property updates from a stale view to the current metadata, so both land', async () => {
    const { catalog } = await setup();
    const a = await Table.load(catalog, 'db.t');
    const b = await Table.load(catalog, 'db.t');
    await a.updateProperties({ owner: 'a' });
    await b.updateProperties({ reviewer: 'b' }, ['nothing-to-remove']); // b's view is stale; property updates carry no requirements
    await a.refresh();
    expect(a.properties).toMatchObject({ owner: 'a', reviewer: 'b' });
    expect(a.metadata.metadataLog).toHaveLength(2);
    await expect(a.updateProperties({ x: '1' }, ['x'])).rejects.toThrow(/both set and removed/);
  });

  it('gives up after commit.retry.num-retries conflicts, and never retries a final conflict', async () => {
    const { catalog } = await setup();
    const base = await catalog.loadTable({ namespace: ['db'], name: 't' });
    let calls = 0;
    const always: Catalog = Object.assign(Object.create(catalog) as Catalog, {
      commitTable: async () => {
        calls++;
        throw new CommitConflictError('someone else won');
      },
      loadTable: (id: never) => catalog.loadTable(id),
    });
    const e = await commitWithRetry(always, base.identifier, base, () => ({ requirements: [], updates: [{ action: 'set-properties', updates: { a: '1' } }] }), { retries: 3, minWaitMs: 1, maxWaitMs: 2 }).catch((x: unknown) => x);
    expect(isLakeError(e, 'COMMIT_CONFLICT')).toBe(true);
    expect(calls).toBe(4);
    let planned = 0;
    const final = await commitWithRetry(catalog, base.identifier, base, () => {
      planned++;
      throw finalConflict('the files to rewrite were deleted concurrently');
    }).catch((x: unknown) => x);
    expect(isLakeError(final, 'COMMIT_CONFLICT')).toBe(true);
    expect(planned).toBe(1);
  });

  it('skips the catalog when a plan has nothing to change', async () => {
    const { catalog } = await setup();
    const table = await Table.load(catalog, 'db.t');
    const before: LoadTableResult = table.state;
    await table.commit(() => ({ requirements: [], updates: [] }));
    expect(table.state).toBe(before);
  });

  it('reads retry limits from table properties with Iceberg defaults', () => {
    expect(commitRetryFromProperties({})).toEqual({ retries: 4, minWaitMs: 100, maxWaitMs: 60_000, totalTimeoutMs: 1_800_000 });
    expect(commitRetryFromProperties({ 'commit.retry.num-retries': '10', 'commit.retry.min-wait-ms': 'nope' }).retries).toBe(10);
    expect(commitRetryFromProperties({ 'commit.retry.min-wait-ms': 'nope' }).minWaitMs).toBe(100);
  });
});

describe('Table metadata operations', () => {
  it('evolves schema, spec and sort order and tags snapshots through one retrying path', async () => {
    const { catalog } = await setup();
    const table = await Table.load(catalog, 'db.t');
    await table.updateSchema((u) => u.addColumn('ts', Types.timestamptz).addColumn('email', Types.string));
    await table.updateSpec((u) => u.addField('ts', 'day'));
    await table.replaceSortOrder((u) => u.asc('id'));
    expect(table.schema().fields.map((f) => [f.id, f.name])).toEqual([[1, 'id'], [2, 'ts'], [3, 'email']]);
    expect(table.spec().fields.map((f) => f.name)).toEqual(['ts_day']);
    expect(table.sortOrder().fields).toHaveLength(1);
    // A stale copy renames a column after the other copy changed the schema: rebuilt against fresh metadata.
    const stale = await Table.load(catalog, 'db.t');
    await table.updateSchema((u) => u.addColumn('note', Types.string));
    await stale.updateSchema((u) => u.renameColumn('email', 'contact_email'));
    await table.refresh();
    expect(table.schema().fields.map((f) => f.name)).toEqual(['id', 'ts', 'contact_email', 'note']);
    await expect(table.updateSchema((u) => u.deleteColumn('ts'))).rejects.toThrow(/partition/);
  });
});

describe('commit preconditions (exactly-once loads)', () => {
  const batchIn = (id: string) => (m: { snapshots: readonly { summary?: Readonly<Record<string, string>> }[] }) => {
    if (m.snapshots.some((s) => s.summary?.['etl.batch'] === id)) throw new Error(`batch ${id} is in already`);
  };
  const dataFiles = async (io: MemoryFileIO) => {
    const out: string[] = [];
    for await (const f of io.list('memory://wh/db/t/data/')) out.push(f.location);
    return out.sort();
  };

  it.each(['append', 'overwritePartitions'] as const)('%s: checked again on the retry after a conflict; a throw stops the commit and deletes its files', async (op) => {
    const { catalog, io } = await setup();
    const first = await Table.load(catalog, 'db.t');
    const stale = await Table.load(catalog, 'db.t');
    const write = (t: Table, id: string) =>
      op === 'append' ? t.append([{ id: 1n }], { summary: { 'etl.batch': id }, precondition: batchIn(id) }) : t.overwritePartitions([{ id: 1n }], { summary: { 'etl.batch': id }, precondition: batchIn(id) });
    await write(first, 'b-1');
    const kept = await dataFiles(io);
    expect(kept).toHaveLength(1);
    // The stale view passes the check on its first attempt, conflicts, re-reads the table and stops.
    await expect(write(stale, 'b-1')).rejects.toThrow('batch b-1 is in already');
    await first.refresh();
    expect(first.metadata.snapshots).toHaveLength(1);
    expect(first.currentSnapshot()!.summary?.['etl.batch']).toBe('b-1');
    expect(await dataFiles(io)).toEqual(kept);
    // Another batch passes and lands.
    await write(stale, 'b-2');
    await first.refresh();
    expect(first.metadata.snapshots.map((s) => s.summary?.['etl.batch'])).toEqual(['b-1', 'b-2']);
  });
});
