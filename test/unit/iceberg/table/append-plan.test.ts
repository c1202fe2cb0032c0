import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { isLakeError } from '../../../../src/errors.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { FileContent, type DataFile } from '../../../../src/iceberg/manifest/types.js';
import { emptyMetrics } from '../../../../src/iceberg/metrics.js';
import { buildPartitionSpec } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { toBytes } from '../../../../src/iceberg/spec/values.js';
import { Table } from '../../../../src/iceberg/table/table.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'day', Types.date), optionalField(3, 'amount', Types.double)]);

async function setup(partitioned = true) {
  const io = new MemoryFileIO();
  const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
  await catalog.createNamespace(['db']);
  const spec = partitioned ? buildPartitionSpec(schema, [{ source: 'day', transform: Transforms.identity }]) : undefined;
  await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, ...(spec ? { partitionSpec: spec } : {}), properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '20', 'commit.retry.num-retries': '50' } });
  return { io, catalog, table: await Table.load(catalog, 'db.t') };
}

/** A data file for day `day` holding ids lo..hi (metadata only; no bytes needed for planning). */
function file(day: number, lo: bigint, hi: bigint, path = `memory://wh/db/t/data/day=${day}/${lo}.parquet`): DataFile {
  const m = emptyMetrics();
  m.recordCount = hi - lo + 1n;
  m.lowerBounds.set(1, toBytes(Types.long, lo));
  m.upperBounds.set(1, toBytes(Types.long, hi));
  m.valueCounts.set(1, m.recordCount);
  m.nullValueCounts.set(1, 0n);
  return { ...m, content: FileContent.Data, filePath: path, fileFormat: 'PARQUET', partition: new Map([[1000, day]]), fileSizeInBytes: 1000n };
}

async function planned(table: Table, filter?: string, extra = {}) {
  const out: string[] = [];
  for await (const t of table.planFiles({ ...(filter ? { filter } : {}), ...extra })) out.push(t.file.filePath.replace('memory://wh/db/t/data/', ''));
  return out.sort();
}

describe('append and plan', () => {
  it('appends files, keeps history, and prunes by partition and by column bounds', async () => {
    const { table, io } = await setup();
    const s1 = await table.appendFiles([file(1, 1n, 100n), file(2, 101n, 200n)]);
    const s2 = await table.appendFiles([file(3, 201n, 300n)]);
    expect(s2.parentSnapshotId).toBe(s1.snapshotId);
    expect(s2.sequenceNumber).toBe(2n);
    expect(table.currentSnapshot()?.snapshotId).toBe(s2.snapshotId);
    expect(s2.summary).toMatchObject({ operation: 'append', 'added-data-files': '1', 'added-records': '100', 'total-records': '300', 'total-data-files': '3', 'changed-partition-count': '1' });
    expect(await planned(table)).toEqual(['day=1/1.parquet', 'day=2/101.parquet', 'day=3/201.parquet']);
    expect(await planned(table, 'day = 2')).toEqual(['day=2/101.parquet']);
    expect(await planned(table, 'id >= 150 and id < 250')).toEqual(['day=2/101.parquet', 'day=3/201.parquet']);
    expect(await planned(table, 'id > 1000')).toEqual([]);
    // Time travel to the first snapshot.
    expect(await planned(table, undefined, { snapshotId: s1.snapshotId })).toEqual(['day=1/1.parquet', 'day=2/101.parquet']);
    // A fast append writes one new manifest and a list; nothing else lingers.
    const metadataFiles: string[] = [];
    for await (const f of io.list('memory://wh/db/t/metadata/')) metadataFiles.push(f.location.replace('memory://wh/db/t/metadata/', ''));
    expect(metadataFiles.filter((f) => f.endsWith('.avro'))).toHaveLength(4);
  });

  it('gives residuals: the partition filter is already satisfied', async () => {
    const { table } = await setup();
    await table.appendFiles([file(1, 1n, 10n)]);
    for await (const task of table.planFiles({ filter: 'day = 1 and amount > 5' })) {
      expect(task.residual.op).not.toBe('and');
      expect(JSON.stringify(task.residual, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).toContain('amount');
    }
  });

  it('re-plans an append on top of a concurrent one; both land, nothing is lost', async () => {
    const { catalog, io } = await setup(false);
    const writers = await Promise.all(Array.from({ length: 4 }, () => Table.load(catalog, 'db.t')));
    await Promise.all(
      writers.map(async (t, w) => {
        for (let c = 0; c < 3; c++) {
          const f = file(0, BigInt(w * 100 + c * 10), BigInt(w * 100 + c * 10 + 9), `memory://wh/db/t/data/w${w}-c${c}.parquet`);
          await t.appendFiles([{ ...f, partition: new Map() }]);
        }
      }),
    );
    const table = await Table.load(catalog, 'db.t');
    expect(table.snapshots()).toHaveLength(12);
    expect(table.currentSnapshot()?.summary?.['total-records']).toBe('120');
    expect(await planned(table)).toHaveLength(12);
    // Every manifest list and manifest written for a lost attempt was removed.
    const lists: string[] = [];
    for await (const f of io.list('memory://wh/db/t/metadata/snap-')) lists.push(f.location);
    expect(lists).toHaveLength(12);
  });

  it('refuses writes to format v3 tables with a clear message, leaving no files behind', async () => {
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    await catalog.createTable({ namespace: ['db'], name: 'v3' }, { schema, properties: { 'format-version': '3' } });
    const table = await Table.load(catalog, 'db.v3');
    const e = await table.appendFiles([file(1, 1n, 2n)]).catch((x: unknown) => x);
    expect(isLakeError(e, 'UNSUPPORTED')).toBe(true);
  });
});
