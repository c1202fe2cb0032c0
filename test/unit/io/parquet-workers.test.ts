import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import { IoError, ValidationError } from '../../../src/errors.js';
import { rowsToArrow } from '../../../src/formats/arrow/rows-to-arrow.js';
import { defaultParquetEncoderPool } from '../../../src/formats/parquet/write/encoder-pool.js';
import { buildPartitionSpec } from '../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../src/iceberg/spec/types.js';
import { Table } from '../../../src/iceberg/table/table.js';
import { writeDataFiles } from '../../../src/iceberg/write/data-writer.js';
import { ParquetWorkerPool, useParquetWorkers } from '../../../src/io/local.js';
import { MemoryFileIO } from '../../../src/io/memory.js';

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'day', Types.date),
  optionalField(3, 'account', Types.string),
  optionalField(4, 'amount', Types.decimal(18, 2)),
  optionalField(5, 'ok', Types.boolean),
]);

function rows(n: number, nullId = -1) {
  return Array.from({ length: n }, (_, i) => ({
    id: i === nullId ? null : BigInt(i),
    day: 20_000 + (i % 7),
    account: i % 5 === 0 ? null : `ACCT${String((i * 7919) % 1000).padStart(6, '0')}`,
    amount: i % 11 === 0 ? null : `${i}.${String(i % 100).padStart(2, '0')}`,
    ok: i % 3 === 0,
  }));
}

async function table(io: MemoryFileIO) {
  const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
  await catalog.createNamespace(['db']);
  await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'day', transform: Transforms.identity }]) });
  return Table.load(catalog, 'db.t');
}

async function parquetFiles(io: MemoryFileIO): Promise<string[]> {
  const out: string[] = [];
  for await (const f of io.list('memory://wh/')) if (f.location.endsWith('.parquet')) out.push(f.location);
  return out;
}

/** Everything about a data file but its (random) name. */
const described = (files: Awaited<ReturnType<typeof writeDataFiles>>) => files.map(({ filePath: _, ...rest }) => rest);

const pool = new ParquetWorkerPool({ threads: 2 });
afterAll(() => pool.close());

describe('ParquetWorkerPool', () => {
  // Partitions of ~700 rows: below the 4,096 values a dictionary hint needs, so even page encodings match.
  it('writes byte-for-byte the files the calling thread writes, with the same metrics', async () => {
    const data = rowsToArrow(rows(5000), schema);
    const ioA = new MemoryFileIO();
    const local = await writeDataFiles(ioA, (await table(ioA)).metadata, data, { encoders: false });
    const ioB = new MemoryFileIO();
    let opened = 0;
    const counting = { tryOpen: (...a: Parameters<ParquetWorkerPool['tryOpen']>) => { const e = pool.tryOpen(...a); if (e) opened++; return e; } };
    const tb = await table(ioB);
    const remote = await writeDataFiles(ioB, tb.metadata, data, { encoders: counting });
    expect(opened).toBeGreaterThan(0);
    expect(described(remote)).toEqual(described(local));
    for (let i = 0; i < local.length; i++) {
      expect(await ioB.read(remote[i]!.filePath)).toEqual(await ioA.read(local[i]!.filePath));
    }
    await tb.appendFiles(remote);
    expect(await tb.scan().count()).toBe(5000);
  });

  it('partitions of one batch share buffers after the split; those sent to a worker are copied, so the rest still read', async () => {
    // One record batch over several partitions, with all-null columns (their validity bitmaps are whole buffers).
    const wide = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'account', Types.string), optionalField(3, 'amount', Types.decimal(18, 2)), optionalField(4, 'ts', Types.timestamptz)]);
    const input = Array.from({ length: 3000 }, (_, i) => ({ id: BigInt(i), account: null, amount: null, ts: BigInt(Date.UTC(2026, 10, 1 + (i % 3))) * 1000n }));
    const data = rowsToArrow(input, wide);
    expect(data.batches).toHaveLength(1);
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    await catalog.createTable({ namespace: ['db'], name: 'w' }, { schema: wide, partitionSpec: buildPartitionSpec(wide, [{ source: 'ts', transform: Transforms.day }]) });
    const t = await Table.load(catalog, 'db.w');
    // One thread: it takes several of the partitions (up to its queue), all from the same sorted buffers.
    const single = new ParquetWorkerPool({ threads: 1 });
    try {
      await t.appendFiles(await writeDataFiles(io, t.metadata, data, { encoders: single }));
    } finally {
      await single.close();
    }
    const back = (await t.scan().toRows()).sort((a, b) => Number((a['id'] as bigint) - (b['id'] as bigint)));
    expect(back).toEqual(input);
    // The caller's batch is untouched too.
    expect(data.getChild('id')!.get(2999)).toBe(2999n);
  });

  it('fails a write the worker rejects with the same error class, and leaves no file behind', async () => {
    const io = new MemoryFileIO();
    const t = await table(io);
    const bad = rowsToArrow(rows(3000, 1234), { ...schema, fields: schema.fields.map((f) => (f.id === 1 ? { ...f, required: false } : f)) });
    const attempt = writeDataFiles(io, t.metadata, bad, { encoders: pool });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/column id is required but holds a null/);
    expect(await parquetFiles(io)).toEqual([]);
  });

  it('fails with a retryable IoError when its threads stop mid-write, and leaves no file behind', async () => {
    const own = new ParquetWorkerPool({ threads: 1, queuePerWorker: 8 });
    // Stop the threads as soon as the first file has gone to one of them.
    const stopping = { tryOpen: (...a: Parameters<ParquetWorkerPool['tryOpen']>) => { const e = own.tryOpen(...a); if (e) setImmediate(() => void own.close()); return e; } };
    const io = new MemoryFileIO();
    const t = await table(io);
    const error = await writeDataFiles(io, t.metadata, rowsToArrow(rows(20_000), schema), { encoders: stopping }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IoError);
    expect((error as IoError).retryable).toBe(true);
    expect(await parquetFiles(io)).toEqual([]);
  });

  it('refuses invalid sizes', () => {
    expect(() => new ParquetWorkerPool({ threads: 0, prestart: false })).toThrow(ValidationError);
    expect(() => new ParquetWorkerPool({ queuePerWorker: 1.5, prestart: false })).toThrow(ValidationError);
  });

  it('useParquetWorkers sets the default pool once and clears it', () => {
    const a = useParquetWorkers({ threads: 1 });
    expect(useParquetWorkers()).toBe(a);
    expect(defaultParquetEncoderPool()).toBe(a);
    expect(useParquetWorkers(false)).toBeUndefined();
    expect(defaultParquetEncoderPool()).toBeUndefined();
  });

  it('does not keep a process alive once its writes are done', async () => {
    const script = `
      import { useParquetWorkers } from './src/io/local.ts';
      import { FileSystemCatalog } from './src/catalog/filesystem/catalog.ts';
      import { MemoryFileIO } from './src/io/memory.ts';
      import { newSchema } from './src/iceberg/spec/schema.ts';
      import { Types, requiredField } from './src/iceberg/spec/types.ts';
      import { buildPartitionSpec } from './src/iceberg/spec/partition.ts';
      import { Transforms } from './src/iceberg/spec/transforms.ts';
      import { Table } from './src/iceberg/table/table.ts';
      useParquetWorkers({ threads: 1 });
      const io = new MemoryFileIO();
      const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
      await catalog.createNamespace(['db']);
      const schema = newSchema([requiredField(1, 'id', Types.long), requiredField(2, 'k', Types.int)]);
      await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'k', transform: Transforms.identity }]) });
      const t = await Table.load(catalog, 'db.t');
      await t.append(Array.from({ length: 40000 }, (_, i) => ({ id: BigInt(i), k: i % 4 })));
      console.log(await t.scan().count());
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 120_000 });
    expect(stdout.trim()).toBe('40000');
  });
});
