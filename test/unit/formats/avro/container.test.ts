import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError, UnsupportedError, ValidationError } from '../../../../src/errors.js';
import type { AvroCodec } from '../../../../src/formats/avro/index.js';
import { AVRO_MAGIC, AvroFileReader, AvroFileWriter, BinaryWriter, openAvroFile } from '../../../../src/formats/avro/index.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { schemaAndRecords } from './arbitraries.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** A stream that hands out `bytes` in chunks of `size`. */
function chunked(bytes: Uint8Array, size: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
    cancel: onCancel,
  });
}

async function readAll(bytes: Uint8Array, opts: { chunk?: number; maxBlockBytes?: number } = {}): Promise<unknown[]> {
  const reader = await AvroFileReader.open(chunked(bytes, opts.chunk ?? 1 << 16), opts.maxBlockBytes === undefined ? {} : { maxBlockBytes: opts.maxBlockBytes });
  const out: unknown[] = [];
  for await (const r of reader) out.push(r);
  return out;
}

/** Read a file to the end; return its records or 'invalid', and rethrow anything that is not a ValidationError. */
async function readOrValidationError(bytes: Uint8Array, maxBlockBytes?: number): Promise<unknown[] | 'invalid'> {
  try {
    return await readAll(bytes, { chunk: 97, ...(maxBlockBytes === undefined ? {} : { maxBlockBytes }) });
  } catch (e) {
    if (e instanceof ValidationError) return 'invalid';
    throw e;
  }
}

const SIMPLE = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long', 'field-id': 1 }, { name: 's', type: ['null', 'string'], default: null, 'field-id': 2 }] };

async function simpleFile(n: number, opts: { codec?: AvroCodec; blockBytes?: number } = {}): Promise<Uint8Array> {
  const w = new AvroFileWriter(SIMPLE, { blockBytes: 64, ...opts });
  for (let i = 0; i < n; i++) await w.append({ id: BigInt(i) * 2n ** 40n, s: i % 3 === 0 ? null : `row ${i}` });
  return w.finish();
}

describe('Avro container files', () => {
  it('round-trip random schemas and records through both write codecs, any block size and any read chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaAndRecords,
        fc.constantFrom<AvroCodec>('null', 'deflate'),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 300 }),
        async ([schema, records], codec, blockBytes, chunk) => {
          const w = new AvroFileWriter(schema, { codec, blockBytes, metadata: { 'format-version': '2', raw: new Uint8Array([0, 255]) } });
          for (const r of records) await w.append(r);
          const bytes = await w.finish();
          const reader = await AvroFileReader.open(chunked(bytes, chunk));
          expect(reader.header.codec).toBe(codec);
          expect(reader.metadataString('format-version')).toBe('2');
          expect(reader.header.metadata.get('raw')).toEqual(new Uint8Array([0, 255]));
          // The header keeps the schema JSON verbatim, custom attributes included.
          expect(reader.metadataString('avro.schema')).toBe(JSON.stringify(schema));
          expect(reader.header.schemaJson).toEqual(schema);
          const back: unknown[] = [];
          for await (const r of reader) back.push(r);
          expect(back).toEqual(records);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads a Spark-written manifest identically in all four codecs (snappy and zstandard re-encoded by Python)', async () => {
    const expected = await readAll(fixture('spark-manifest-deflate.avro'));
    expect(expected).toHaveLength(3);
    expect((expected[0] as { data_file: { file_format: string } }).data_file.file_format).toBe('PARQUET');
    for (const codec of ['null', 'snappy', 'zstandard'] as const) {
      const bytes = fixture(`spark-manifest-${codec}.avro`);
      const reader = await AvroFileReader.fromBytes(bytes);
      expect(reader.header.codec).toBe(codec);
      expect(await readAll(bytes, { chunk: 13 })).toEqual(expected);
    }
  });

  it('reads through a FileIO, and stops the stream when iteration stops early', async () => {
    const io = new MemoryFileIO({ root: 'memory://lake/' });
    await io.write('f.avro', await simpleFile(50));
    const reader = await openAvroFile(io, 'f.avro');
    let n = 0;
    for await (const _ of reader) if (++n === 3) break;
    expect(n).toBe(3);
    await expect(openAvroFile(io, 'missing.avro')).rejects.toThrow(NotFoundError);

    let cancelled = false;
    const r2 = await AvroFileReader.open(chunked(await simpleFile(2000), 100, () => (cancelled = true)));
    for await (const _ of r2) break;
    expect(cancelled).toBe(true);
  });

  it('rejects what the writer cannot store', async () => {
    expect(() => new AvroFileWriter(SIMPLE, { codec: 'snappy' })).toThrow(UnsupportedError);
    expect(() => new AvroFileWriter(SIMPLE, { metadata: { 'avro.codec': 'null' } })).toThrow(ValidationError);
    expect(() => new AvroFileWriter(SIMPLE, { sync: new Uint8Array(3) })).toThrow(ValidationError);
    const w = new AvroFileWriter(SIMPLE);
    await expect(w.append({ id: 'no' })).rejects.toThrow(ValidationError);
    await w.finish();
    await expect(w.append({ id: 1n })).rejects.toThrow(/finished/);
  });
});

describe('corrupt and hostile container files end in ValidationError', () => {
  it('for every truncation of a valid multi-block file, except at block boundaries (the format has no footer)', async () => {
    const bytes = await simpleFile(12, { codec: 'deflate' });
    const all = await readAll(bytes);
    let complete = 0;
    for (let len = 0; len < bytes.length; len++) {
      const result = await readOrValidationError(bytes.subarray(0, len));
      if (result === 'invalid') continue;
      // A prefix that ends right after a sync marker is a shorter valid file: whole blocks only.
      expect(result.length).toBeLessThan(all.length);
      expect(result).toEqual(all.slice(0, result.length));
      complete++;
    }
    expect(complete).toBeGreaterThan(1); // the header-only prefix and at least one block boundary
    expect(complete).toBeLessThan(12);
  });

  it('for random byte mutations, in every codec', async () => {
    const files = [await simpleFile(20, { codec: 'null' }), await simpleFile(20, { codec: 'deflate' }), fixture('spark-manifest-snappy.avro'), fixture('spark-manifest-zstandard.avro')];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (file, edits) => {
          const bytes = file.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const result = await readOrValidationError(bytes, 1 << 20);
          expect(result === 'invalid' || Array.isArray(result)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('for a snappy block whose CRC does not match', async () => {
    const bytes = fixture('spark-manifest-snappy.avro');
    const sync = bytes.subarray(bytes.length - 16);
    // The CRC is the 4 bytes before the last sync marker.
    const crcAt = bytes.length - 16 - 1;
    const broken = bytes.slice();
    broken[crcAt] = broken[crcAt]! ^ 0xff;
    expect(sync).toEqual(broken.subarray(broken.length - 16));
    await expect(readAll(broken)).rejects.toThrow(/CRC-32/);
  });

  function header(meta: Record<string, string>, sync = new Uint8Array(16)): BinaryWriter {
    const w = new BinaryWriter();
    w.writeFixed(AVRO_MAGIC);
    w.writeLong(Object.keys(meta).length);
    for (const [k, v] of Object.entries(meta)) {
      w.writeString(k);
      w.writeString(v);
    }
    w.writeLong(0);
    w.writeFixed(sync);
    return w;
  }

  it('for headers that are not Avro, lack a schema, or name an unknown codec', async () => {
    await expect(readAll(new TextEncoder().encode('PAR1 not avro at all'))).rejects.toThrow(/not an Avro container file/);
    await expect(readAll(new Uint8Array(0))).rejects.toThrow(ValidationError);
    await expect(readAll(header({ 'avro.codec': 'null' }).toBytes())).rejects.toThrow(/no avro.schema/);
    await expect(readAll(header({ 'avro.schema': '{"type":' }).toBytes())).rejects.toThrow(/not valid JSON/);
    await expect(readAll(header({ 'avro.schema': '"long"', 'avro.codec': 'lz9' }).toBytes())).rejects.toThrow(ValidationError);
    await expect(readAll(header({ 'avro.schema': '"long"', 'avro.codec': 'bzip2' }).toBytes())).rejects.toThrow(UnsupportedError);
    const huge = new BinaryWriter();
    huge.writeFixed(AVRO_MAGIC);
    huge.writeLong(2n ** 40n); // metadata entries
    await expect(readAll(huge.toBytes())).rejects.toThrow(ValidationError);
  });

  it('for blocks that claim more than the limit or more records than bytes', async () => {
    const h = header({ 'avro.schema': '"long"' });
    const big = new BinaryWriter();
    big.writeFixed(h.toBytes());
    big.writeLong(1);
    big.writeLong(2n ** 45n); // block size
    await expect(readAll(big.toBytes())).rejects.toThrow(/limit/);
    const many = new BinaryWriter();
    many.writeFixed(h.toBytes());
    many.writeLong(2n ** 40n); // records
    many.writeLong(2);
    many.writeFixed(new Uint8Array([2, 4]));
    many.writeFixed(new Uint8Array(16));
    await expect(readAll(many.toBytes())).rejects.toThrow(/claims/);
  });

  it('for a deflate bomb over maxBlockBytes', async () => {
    const w = new AvroFileWriter({ type: 'fixed', name: 'z', size: 4 << 20 }, { codec: 'deflate' });
    await w.append(new Uint8Array(4 << 20));
    const bytes = await w.finish();
    expect(bytes.length).toBeLessThan(1 << 16);
    await expect(readAll(bytes, { maxBlockBytes: 1 << 21 })).rejects.toThrow(/inflates to more than/);
    expect(await readAll(bytes, { maxBlockBytes: 1 << 23 })).toHaveLength(1);
  });

  it('for zstandard frames that ask for a huge window before anything is allocated', async () => {
    const h = header({ 'avro.schema': '"long"', 'avro.codec': 'zstandard' }).toBytes();
    // Magic, descriptor (no single segment), window descriptor 0xf8: 2^41 bytes, then a raw last block.
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x09, 0x00, 0x00, 0x02]);
    const w = new BinaryWriter();
    w.writeFixed(h);
    w.writeLong(1);
    w.writeLong(frame.length);
    w.writeFixed(frame);
    w.writeFixed(new Uint8Array(16));
    await expect(readAll(w.toBytes())).rejects.toThrow(/needs \d+ bytes, more than the limit/);
  });
});
