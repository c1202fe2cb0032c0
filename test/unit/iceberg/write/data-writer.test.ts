import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { rowsToArrow } from '../../../../src/formats/arrow/rows-to-arrow.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import type { FileStat, WriteInput, WriteOptions } from '../../../../src/io/file-io.js';
import { buildPartitionSpec } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { Table } from '../../../../src/iceberg/table/table.js';
import { writeDataFiles } from '../../../../src/iceberg/write/data-writer.js';
import { IoError, ValidationError } from '../../../../src/errors.js';
import type { ParquetEncoderPool, ParquetFileEncoder } from '../../../../src/formats/parquet/write/encoder-pool.js';
import { ParquetWriter, type ParquetWriteResult } from '../../../../src/formats/parquet/write/writer.js';
import type { ParquetWriteOptions } from '../../../../src/formats/parquet/write/options.js';
import type { Schema } from '../../../../src/iceberg/spec/schema.js';
import type { RecordBatch } from 'apache-arrow';
import { batchFromWire, batchToWire } from '../../../../src/formats/arrow/wire.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'day', Types.date), optionalField(3, 'note', Types.string)]);

/** A MemoryFileIO whose `write` of the n-th data file fails after the bytes were consumed. */
class FailingIO extends MemoryFileIO {
  writes = 0;
  constructor(private readonly failAt: number) {
    super();
  }
  override async write(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat> {
    if (!location.endsWith('.parquet')) return super.write(location, data, options);
    const n = ++this.writes;
    const stat = await super.write(location, data, options);
    if (n === this.failAt) throw new IoError(`disk full writing ${location}`);
    return stat;
  }
}

async function setup(io: MemoryFileIO) {
  const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
  await catalog.createNamespace(['db']);
  await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'day', transform: Transforms.identity }]) });
  return Table.load(catalog, 'db.t');
}

async function dataFiles(io: MemoryFileIO): Promise<string[]> {
  const out: string[] = [];
  for await (const f of io.list('memory://wh/')) if (f.location.endsWith('.parquet')) out.push(f.location);
  return out;
}

const rows = (days: number[]) => days.map((d, i) => ({ id: BigInt(i), day: 20_000 + d, note: `row ${i} `.repeat(20) }));

describe('writeDataFiles', () => {
  it('returns the files in the order they were started, each written completely', async () => {
    const io = new MemoryFileIO();
    const t = await setup(io);
    const input = rowsToArrow(rows([0, 1, 2, 0, 1, 2, 3]), schema);
    const files = await writeDataFiles(io, t.metadata, input);
    expect(files.map((f) => Number(f.recordCount))).toEqual([2, 2, 2, 1]);
    for (const f of files) expect((await io.stat(f.filePath)).size).toBe(Number(f.fileSizeInBytes));
    expect((await dataFiles(io)).sort()).toEqual(files.map((f) => f.filePath).sort());
  });

  it('leaves no data file behind when any file write fails, whether it was sealed early or last (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), async (days, failAt, roll) => {
        const io = new FailingIO(failAt);
        const t = await setup(io);
        const input = rowsToArrow(rows(days), schema);
        const attempt = writeDataFiles(io, t.metadata, input, roll ? { targetFileSizeBytes: 1 } : {});
        // One batch: one file per day either way; with a 1-byte target each is sealed as soon as its rows are in.
        const expectedFiles = new Set(days).size;
        if (failAt <= expectedFiles) {
          await expect(attempt).rejects.toBeInstanceOf(IoError);
          expect(await dataFiles(io)).toEqual([]);
        } else {
          expect(await attempt).toHaveLength(expectedFiles);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('leaves no data file behind when the input fails midway', async () => {
    const io = new MemoryFileIO();
    const t = await setup(io);
    const batches = rowsToArrow(rows([0, 1, 2]), schema).batches;
    async function* failing() {
      yield* batches;
      throw new Error('the source went away');
    }
    await expect(writeDataFiles(io, t.metadata, failing(), { targetFileSizeBytes: 1 })).rejects.toThrow('the source went away');
    expect(await dataFiles(io)).toEqual([]);
  });
});

/**
 * An encoder pool on this thread that behaves like a remote one: batches go
 * through the wire format (moving their buffers), replies come back later and
 * out of order across files, files can be refused, and the n-th call can fail.
 */
class DelayedPool implements ParquetEncoderPool {
  calls = 0;
  opened = 0;
  constructor(private readonly capacity: number, private readonly failAt: number, private readonly delays: () => number) {}
  tryOpen(schema: Schema, options: ParquetWriteOptions): ParquetFileEncoder | undefined {
    if (this.opened % (this.capacity + 1) === this.capacity) {
      this.opened++;
      return undefined;
    }
    this.opened++;
    const writer = new ParquetWriter(schema, options);
    const later = <T>(f: () => Promise<T>): Promise<T> =>
      new Promise((resolve, reject) => {
        const n = ++this.calls;
        setTimeout(() => (n === this.failAt ? reject(new ValidationError(`encoding call ${n} failed`)) : f().then(resolve, reject)), this.delays());
      });
    const enc: { -readonly [K in keyof ParquetFileEncoder]: ParquetFileEncoder[K] } = {
      bytesWritten: 0,
      bufferedBytes: 0,
      write(batch: RecordBatch) {
        const wire = batchToWire(batch, true)!;
        const copy = structuredClone(wire.batch, { transfer: wire.transfer });
        return later(async () => {
          const out = await writer.write(batchFromWire(copy));
          enc.bytesWritten = writer.bytesWritten;
          enc.bufferedBytes = writer.bufferedBytes;
          return out;
        });
      },
      finish(): Promise<ParquetWriteResult> {
        return later(() => writer.finish());
      },
      abort() {},
    };
    return enc;
  }
}

/** A MemoryFileIO that counts the data-file writes still running. */
class TrackingIO extends MemoryFileIO {
  running = 0;
  override write(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat> {
    if (!location.endsWith('.parquet')) return super.write(location, data, options);
    this.running++;
    return super.write(location, data, options).finally(() => this.running--);
  }
}

describe('writeDataFiles with an encoder pool', () => {
  const ids = async (t: Table) => {
    const out: bigint[] = [];
    for await (const b of t.scan().batches()) for (const v of b.getChild('id')!) out.push(v as bigint);
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  };

  it('writes the same rows whichever files go to the pool, whatever the reply order, rolled or not (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }),
        async (days, batches, capacity, roll, delays) => {
          const io = new MemoryFileIO();
          const t = await setup(io);
          const all = rowsToArrow(rows(days), schema).batches[0]!;
          const size = Math.ceil(all.numRows / batches);
          const input = Array.from({ length: batches }, (_, i) => all.slice(i * size, (i + 1) * size)).filter((b) => b.numRows > 0);
          let k = 0;
          const pool = new DelayedPool(capacity, 0, () => delays[k++ % delays.length]!);
          const files = await writeDataFiles(io, t.metadata, input, { encoders: pool, ...(roll ? { targetFileSizeBytes: 1 } : {}) });
          expect(files.reduce((n, f) => n + Number(f.recordCount), 0)).toBe(days.length);
          expect((await dataFiles(io)).sort()).toEqual(files.map((f) => f.filePath).sort());
          for (const f of files) expect((await io.stat(f.filePath)).size).toBe(Number(f.fileSizeInBytes));
          await t.appendFiles(files);
          expect(await ids(t)).toEqual(days.map((_, i) => BigInt(i)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('leaves no data file behind when an encoding call on the pool fails (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), async (days, failAt, roll) => {
        const io = new TrackingIO();
        const t = await setup(io);
        const pool = new DelayedPool(2, failAt, () => failAt % 3);
        const attempt = writeDataFiles(io, t.metadata, rowsToArrow(rows(days), schema), { encoders: pool, ...(roll ? { targetFileSizeBytes: 1 } : {}) });
        const result = await attempt.then(
          (files) => ({ files }),
          (error: unknown) => ({ error }),
        );
        if ('error' in result) {
          expect(result.error).toBeInstanceOf(ValidationError);
          // Every file write the call started has ended (none left open, half-written), and none is left.
          expect(io.running).toBe(0);
          expect(await dataFiles(io)).toEqual([]);
        } else {
          expect(pool.calls).toBeLessThan(failAt);
          expect(result.files.reduce((n, f) => n + Number(f.recordCount), 0)).toBe(days.length);
        }
      }),
      { numRuns: 40 },
    );
  });
});
