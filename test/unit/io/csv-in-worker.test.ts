import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Int64, Schema, Table, Utf8, tableToIPC, type RecordBatch } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../src/errors.js';
import { readCsv } from '../../../src/formats/csv/reader.js';
import type { RecordBatchStream } from '../../../src/formats/stream.js';
import { readCsvInWorker } from '../../../src/io/local.js';
import { bytesEqual } from '../../../src/internal/bytes.js';

async function drain(stream: RecordBatchStream): Promise<{ batches: RecordBatch[]; ipc: Uint8Array }> {
  const batches: RecordBatch[] = [];
  for await (const b of stream) batches.push(b);
  return { batches, ipc: tableToIPC(new Table(await stream.schema, batches)) };
}

const enc = (s: string) => new TextEncoder().encode(s);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-csv-worker-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A CSV of typed columns with some malformed lines, nulls and quoted fields. */
const csvText = fc
  .array(
    fc.record({
      id: fc.integer({ min: -1e9, max: 1e9 }),
      amount: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x.toFixed(2)),
      name: fc.oneof(fc.constant(''), fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', ' ', 'é'), maxLength: 8 })),
      broken: fc.boolean(),
    }),
    { minLength: 1, maxLength: 400 },
  )
  .map((rows) => {
    const lines = ['id,amount,name'];
    for (const r of rows) {
      const name = /[,"]/.test(r.name) ? `"${r.name.replace(/"/g, '""')}"` : r.name;
      lines.push(r.broken ? `${r.id},${r.amount}` : `${r.id},${r.amount},${name}`);
    }
    return `${lines.join('\n')}\n`;
  });

describe('readCsvInWorker', () => {
  it('reads what readCsv reads: the same batches, schema and malformed records, from bytes and from a file', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, fc.integer({ min: 1, max: 200 }), async (text, batchSize) => {
        const options = { batchSize, inferRows: 50, maxMalformed: 1000 };
        const expected = readCsv(enc(text), options);
        const want = await drain(expected);
        const fromBytes = readCsvInWorker(enc(text), options);
        const got = await drain(fromBytes);
        expect(bytesEqual(got.ipc, want.ipc)).toBe(true);
        expect(got.batches.map((b) => b.numRows)).toEqual(want.batches.map((b) => b.numRows));
        expect(fromBytes.malformed).toEqual(expected.malformed);
        // Every batch carries the stream's schema, field metadata included.
        const schema = await fromBytes.schema;
        const describe = (fields: readonly Field[]) => fields.map((f) => [f.name, String(f.type), f.nullable, [...f.metadata]]);
        for (const b of got.batches) expect(describe(b.schema.fields)).toEqual(describe(schema.fields));
        const path = join(dir, 'p.csv');
        await writeFile(path, text);
        const fromFile = readCsvInWorker({ path }, options);
        expect(bytesEqual((await drain(fromFile)).ipc, want.ipc)).toBe(true);
        expect(fromFile.malformed).toEqual(expected.malformed);
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('takes chunks from any async iterable and passes an explicit schema through', async () => {
    const schema = new Schema([new Field('id', new Int64(), false), new Field('amount', new Float64(), true), new Field('name', new Utf8(), true)]);
    const text = 'id,amount,name\n1,2.5,x\n2,,y\n3,4,\n';
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < text.length; i += 3) yield enc(text.slice(i, i + 3));
    }
    const got = await drain(readCsvInWorker(pieces(), { schema }));
    const want = await drain(readCsv(enc(text), { schema }));
    expect(bytesEqual(got.ipc, want.ipc)).toBe(true);
    expect(got.batches[0]!.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['id:Int64', 'amount:Float64', 'name:Utf8']);
  });

  it('checks options at once, and carries errors from the worker as their own classes', async () => {
    expect(() => readCsvInWorker(enc('a\n1\n'), { batchSize: 0 })).toThrow(ValidationError);
    expect(() => readCsvInWorker(enc('a\n1\n'), { delimiter: ';;' })).toThrow(/delimiter/);
    const tooMany = readCsvInWorker(enc('a,b\n1,2\n3,4,5\n6,7,8\n9,1,2\n1,2\n'), { maxMalformed: 2 });
    const e = await drain(tooMany).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as Error).message).toMatch(/more than 2 malformed CSV records/);
    expect(tooMany.malformed.length).toBeGreaterThanOrEqual(2);
    const missing = await drain(readCsvInWorker({ path: join(dir, 'none.csv') })).catch((x: unknown) => x);
    expect(missing).toBeInstanceOf(NotFoundError);
    await expect(readCsvInWorker({ path: join(dir, 'none.csv') }).schema).rejects.toBeInstanceOf(NotFoundError);
  });

  it('fails with the source’s own error, and closes the source when the consumer stops early', async () => {
    const boom = new Error('disk on fire');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield enc('id\n');
      for (let i = 0; i < 50; i++) yield enc(`${i}\n`);
      throw boom;
    }
    await expect(drain(readCsvInWorker(failing(), { batchSize: 10 }))).rejects.toBe(boom);

    let closed = false;
    let produced = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        yield enc('id,v\n');
        for (;;) {
          produced++;
          yield enc('1,abc\n'.repeat(1000));
        }
      } finally {
        closed = true;
      }
    }
    const stream = readCsvInWorker(endless(), { batchSize: 500 });
    let rows = 0;
    for await (const b of stream) {
      rows += b.numRows;
      if (rows >= 2000) break;
    }
    expect(rows).toBe(2000);
    expect(closed).toBe(true);
    // The worker read a bounded way ahead (the reader's 1 MiB read size, a few chunks), not the endless source.
    expect(produced).toBeLessThan(1000);
  });
});
