/**
 * readParquet and readParquetFooter on files DuckDB writes at test time:
 * exact values for every type, codecs, row groups and pruning with ranged
 * reads, projection by field id, missing columns, promotions, name mappings.
 */
import { describe, expect, it } from 'vitest';
import { arrowToRows } from '../../../../src/formats/arrow/index.js';
import { nameMappingOf, readParquet, readParquetFooter } from '../../../../src/formats/parquet/read/index.js';
import type { ReadParquetOptions } from '../../../../src/formats/parquet/read/index.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import type { ByteRange } from '../../../../src/io/file-io.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { SCHEMA_ALL, duckParquet, expectedRow } from './fixtures.js';

/** A MemoryFileIO that records every ranged read. */
class CountingIO extends MemoryFileIO {
  reads: ByteRange[] = [];
  override async read(location: string, range?: ByteRange): Promise<Uint8Array> {
    this.reads.push(range ?? { offset: 0 });
    return super.read(location, range);
  }
}

async function ioWith(bytes: Uint8Array): Promise<CountingIO> {
  const io = new CountingIO({ root: 'memory://t/' });
  await io.write('f.parquet', bytes);
  io.reads = [];
  return io;
}

async function readAll(io: CountingIO, opts: Partial<ReadParquetOptions> = {}) {
  const rows: Record<string, unknown>[] = [];
  const sizes: number[] = [];
  for await (const b of readParquet(io, 'f.parquet', { schema: SCHEMA_ALL, ...opts })) {
    sizes.push(b.numRows);
    rows.push(...arrowToRows(b));
  }
  return { rows, sizes };
}

describe('readParquet on DuckDB files', { timeout: 30_000 }, () => {
  it('reads every type exactly, nested values and nulls included', async () => {
    const { rows } = await readAll(await ioWith(await duckParquet({ rows: 120 })));
    expect(rows).toHaveLength(120);
    rows.forEach((r, i) => expect(r, `row ${i}`).toStrictEqual(expectedRow(i)));
  });

  it.each(['uncompressed', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4', 'lz4_raw'])('decompresses %s', async (codec) => {
    const { rows } = await readAll(await ioWith(await duckParquet({ rows: 40, codec })));
    rows.forEach((r, i) => expect(r, `row ${i}`).toStrictEqual(expectedRow(i)));
  });

  it('reads several row groups in batches of batchSize rows', async () => {
    const io = await ioWith(await duckParquet({ rows: 5000, rowGroupSize: 2048 }));
    const footer = await readParquetFooter(io, 'f.parquet');
    expect(footer.rowGroups.length).toBeGreaterThan(1);
    const { rows, sizes } = await readAll(io, { batchSize: 1000 });
    expect(rows).toHaveLength(5000);
    expect(Math.max(...sizes)).toBe(1000);
    for (const i of [0, 1, 2047, 2048, 4999]) expect(rows[i]).toStrictEqual(expectedRow(i));
  });

  it('gives exact per-row-group statistics by field id and never fetches pruned row groups', async () => {
    const io = await ioWith(await duckParquet({ rows: 5000, rowGroupSize: 2048 }));
    const footer = await readParquetFooter(io, 'f.parquet');
    const first = footer.rowGroups[0]!;
    const last = footer.rowGroups[footer.rowGroups.length - 1]!;
    expect(first.columns.get(1)).toMatchObject({ min: 0n, max: BigInt(first.numRows - 1), nullCount: 0n });
    expect(first.columns.get(8)?.min).toBe(-(50n * 1234567890123n * 10n ** 10n + 123456789n));
    expect(first.columns.get(11)?.min).toBe(1704067200000000n);
    expect(first.columns.get(16)?.min).toBe('00000000-0000-0000-0000-000000000000');
    expect(first.columns.get(2)?.nullCount).toBe(BigInt(Math.ceil(first.numRows / 5)));
    expect(last.columns.get(1)?.max).toBe(4999n);
    io.reads = [];
    const { rows } = await readAll(io, { footer, rowGroups: (rg) => rg.index === last.index });
    expect(rows).toHaveLength(last.numRows);
    expect(rows[0]).toStrictEqual(expectedRow(last.firstRow));
    const lastStart = Math.min(...[...last.columns.values()].map((c) => c.range[0]));
    for (const r of io.reads) expect(r.offset).toBeGreaterThanOrEqual(lastStart);
  });

  it('reads only the projected columns, matched by field id whatever their names', async () => {
    const io = await ioWith(await duckParquet({ rows: 6000 }));
    const footer = await readParquetFooter(io, 'f.parquet');
    const schema = newSchema([
      optionalField(14, 'renamed_s', Types.string),
      optionalField(1, 'key', Types.long),
      optionalField(22, 'st', Types.struct([optionalField(24, 'bee', Types.string)])),
    ]);
    io.reads = [];
    const { rows } = await readAll(io, { schema, footer });
    expect(rows[4]).toStrictEqual({ renamed_s: 'str-4-é✓', key: 4n, st: { bee: 'v4' } });
    expect(rows[6]).toStrictEqual({ renamed_s: 'str-6-é✓', key: 6n, st: null });
    const fetched = io.reads.reduce((n, r) => n + (r.length ?? 0), 0);
    expect(fetched).toBeLessThan(footer.fileSize / 2);
  });

  it('fills missing columns with the initial default or nulls, nested ones too', async () => {
    const io = await ioWith(await duckParquet({ rows: 10 }));
    const schema = newSchema([
      requiredField(100, 'added', Types.string, { initialDefault: 'n/a' }),
      optionalField(101, 'gone', Types.long),
      optionalField(22, 'st', Types.struct([optionalField(23, 'a', Types.long), optionalField(102, 'new', Types.int, { initialDefault: 7 })])),
      optionalField(103, 'nothing', Types.struct([optionalField(104, 'x', Types.int)])),
    ]);
    const { rows } = await readAll(io, { schema });
    expect(rows[1]).toStrictEqual({ added: 'n/a', gone: null, st: { a: 1n, new: 7 }, nothing: null });
    expect(rows[0]).toStrictEqual({ added: 'n/a', gone: null, st: null, nothing: null });
  });

  it('refuses a required missing column without a default', async () => {
    const io = await ioWith(await duckParquet({ rows: 3 }));
    const schema = newSchema([requiredField(100, 'added', Types.string)]);
    await expect(readAll(io, { schema })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('promotes int→long, float→double, decimal(9,2)→decimal(20,2) and date→timestamp', async () => {
    const io = await ioWith(await duckParquet({ rows: 12 }));
    const schema = newSchema([
      optionalField(2, 'i32', Types.long),
      optionalField(4, 'f', Types.double),
      optionalField(6, 'dec9', Types.decimal(20, 2)),
      optionalField(9, 'dt', Types.timestamp),
      optionalField(20, 'l', Types.list(21, Types.long)),
    ]);
    const { rows } = await readAll(io, { schema });
    const e = expectedRow(11);
    expect(rows[11]).toStrictEqual({ i32: BigInt(e.i32 as number), f: e.f, dec9: e.dec9, dt: BigInt(e.dt as number) * 86_400_000_000n, l: [11n, null, 12n] });
  });

  it('refuses columns that cannot be read as the expected type', async () => {
    const io = await ioWith(await duckParquet({ rows: 3 }));
    for (const schema of [
      newSchema([optionalField(1, 'id', Types.int)]),
      newSchema([optionalField(14, 's', Types.long)]),
      newSchema([optionalField(6, 'dec9', Types.decimal(9, 3))]),
      newSchema([optionalField(20, 'l', Types.map(21, Types.int, 99, Types.int))]),
      newSchema([optionalField(22, 'st', Types.long)]),
    ]) {
      await expect(readAll(io, { schema })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });

  it('reads a file without field ids through a name mapping, and refuses it without one', async () => {
    const io = await ioWith(await duckParquet({ rows: 20, fieldIds: null }));
    await expect(readAll(io)).rejects.toThrow(/name-mapping/);
    const { rows } = await readAll(io, { nameMapping: JSON.stringify([{ 'field-id': 1, names: ['id'] }, ...nameMappingOf(SCHEMA_ALL).slice(1).map((f) => ({ 'field-id': f.fieldId, names: f.names, fields: [] }))]) });
    // Nested mappings were left out above: list elements still match by position, struct fields without ids read as missing.
    expect(rows[7]).toMatchObject({ id: 7n, s: 'str-7-é✓', l: [7, null, 8], st: { a: null, b: null } });
    const full = await readAll(io, { nameMapping: nameMappingOf(SCHEMA_ALL) });
    full.rows.forEach((r, i) => expect(r).toStrictEqual(expectedRow(i)));
  });
});
