import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { asyncBufferFromFileIO } from '../../../src/io/async-buffer.js';
import type { FileIO } from '../../../src/io/file-io.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { FileIORegistry, ResolvingFileIO } from '../../../src/io/registry.js';

describe('FileIORegistry', () => {
  it('resolves schemes (with s3a/s3n aliases) to one instance each and passes properties', () => {
    const seen: Record<string, string>[] = [];
    const s3 = new MemoryFileIO();
    const registry = new FileIORegistry(
      {
        s3: (props) => {
          seen.push({ ...props });
          return s3;
        },
      },
      { 's3.region': 'eu-west-1' },
    );
    expect(registry.forLocation('s3://b/k')).toBe(s3);
    expect(registry.forLocation('s3a://b/k')).toBe(s3);
    expect(registry.forLocation('S3N://b/k')).toBe(s3);
    expect(seen).toEqual([{ 's3.region': 'eu-west-1' }]);
    expect(registry.forLocation('memory://x/y')).toBeInstanceOf(MemoryFileIO);
    expect(registry.has('s3a')).toBe(true);
    expect(registry.has('gs')).toBe(false);
    const refreshed = registry.withProperties({ 's3.session-token': 't2' });
    refreshed.forLocation('s3://b/k');
    expect(seen[1]).toEqual({ 's3.region': 'eu-west-1', 's3.session-token': 't2' });
  });

  it('names the registered schemes when one is missing', () => {
    const registry = new FileIORegistry();
    expect(() => registry.forLocation('gs://b/k')).toThrow(ValidationError);
    expect(() => registry.forLocation('gs://b/k')).toThrow(/registered: memory/);
    expect(() => registry.forLocation('relative/path')).toThrow(ValidationError);
  });

  it('dispatches every FileIO call by scheme', async () => {
    const calls: string[] = [];
    const memory = new MemoryFileIO();
    // A recording stand-in for S3: every method logs its name and location.
    const s3 = new Proxy({} as FileIO, {
      get: (_t, method: string) => (location: unknown) => {
        calls.push(`${method} ${String(location)}`);
        return method === 'list' ? (async function* () {})() : Promise.resolve(undefined);
      },
    });
    const io = new ResolvingFileIO(new FileIORegistry({ s3: () => s3, memory: () => memory }));
    await io.write('s3://bkt/x', 'to s3');
    await io.read('s3a://bkt/x');
    await io.createIfAbsent('memory://m/y', 'to memory');
    expect(await io.exists('memory://m/y')).toBe(true);
    for await (const _ of io.list('s3://bkt/')) void _;
    await io.deleteMany(['s3://bkt/1', 'memory://m/y', 's3://bkt/2']);
    expect(calls).toEqual(['write s3://bkt/x', 'read s3a://bkt/x', 'list s3://bkt/', 'deleteMany s3://bkt/1,s3://bkt/2']);
    expect(memory.size).toBe(0);
  });
});

describe('asyncBufferFromFileIO', () => {
  it('serves slices as ranged reads', async () => {
    const io = new MemoryFileIO();
    await io.write('memory://m/f', new Uint8Array([10, 11, 12, 13, 14]));
    let reads = 0;
    const counting = {
      stat: (l: string) => io.stat(l),
      read: (l: string, r?: { offset: number; length?: number }) => (reads++, io.read(l, r)),
    } as FileIO;
    const buf = await asyncBufferFromFileIO(counting, 'memory://m/f');
    expect(buf.byteLength).toBe(5);
    expect([...new Uint8Array(await buf.slice(1, 3))]).toEqual([11, 12]);
    expect([...new Uint8Array(await buf.slice(3))]).toEqual([13, 14]);
    expect(reads).toBe(2);
  });

});

describe('asyncBufferFromFileIO with hyparquet', () => {
  it('lets hyparquet read a Parquet footer and rows through ranged FileIO reads', async () => {
    const { parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
    const { writeParquet } = await import('../../../src/formats/parquet/write/writer.js');
    const { rowsToArrow } = await import('../../../src/formats/arrow/rows-to-arrow.js');
    const { newSchema } = await import('../../../src/iceberg/spec/schema.js');
    const { Types, requiredField, optionalField } = await import('../../../src/iceberg/spec/types.js');
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string)]);
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: BigInt(i), name: `n${i}` }));
    const { bytes } = await writeParquet(rowsToArrow(rows, schema), schema, { codec: 'snappy' });
    const io = new MemoryFileIO();
    await io.write('memory://m/t.parquet', bytes);
    let reads = 0;
    const counting = { stat: (l: string) => io.stat(l), read: (l: string, r?: { offset: number; length?: number }) => (reads++, io.read(l, r)) } as FileIO;
    const file = await asyncBufferFromFileIO(counting, 'memory://m/t.parquet');
    const meta = await parquetMetadataAsync(file);
    expect(Number(meta.num_rows)).toBe(1000);
    expect(meta.schema.find((s) => s.name === 'name')?.field_id).toBe(2);
    const back = await parquetReadObjects({ file, columns: ['name'], rowStart: 990, rowEnd: 1000 });
    expect(back.map((r) => r.name)).toEqual(rows.slice(990).map((r) => r.name));
    expect(reads).toBeGreaterThanOrEqual(2); // footer, then column chunks: never one whole-file read
  });
});
