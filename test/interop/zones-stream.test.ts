/** Streamed bronze ingest and streamed promotion on S3 (moto): multipart staging, conditional publish, bounded promotion. */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { sha256Hex } from '../../src/internal/hash.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { BRONZE_STAGING_DIR, BronzeWriter, promote, readWithReaders, SilverWriter } from '../../src/zones/index.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: new Secret('testing') };
const s3 = () => new S3FileIO({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, multipartThreshold: 5 << 20, partSize: 5 << 20 });

function* csv(rows: number): Generator<Uint8Array> {
  const enc = new TextEncoder();
  yield enc.encode('id,name,amount\n');
  for (let i = 0; i < rows; i += 10_000) {
    let t = '';
    for (let j = i; j < Math.min(rows, i + 10_000); j++) t += `${j},name-${j % 101},${(j % 1000) / 10}\n`;
    yield enc.encode(t);
  }
}

describe('streamed zones on S3 (moto)', () => {
  const BUCKET = `zones-stream-${Date.now()}`;
  beforeAll(async () => {
    await s3().client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  it('a multipart-sized stream is staged, published create-if-absent, identical to a whole-bytes ingest, and promoted in batches', async () => {
    const io = s3();
    const parts: Uint8Array[] = [...csv(400_000)];
    const total = parts.reduce((n, p) => n + p.length, 0);
    expect(total).toBeGreaterThan(6 << 20);
    const all = new Uint8Array(total);
    parts.reduce((off, p) => (all.set(p, off), off + p.length), 0);

    const now = () => new Date('2026-11-22T10:00:00Z');
    const streamed = new BronzeWriter({ root: `s3://${BUCKET}/a/bronze`, io, now });
    const whole = new BronzeWriter({ root: `s3://${BUCKET}/b/bronze`, io, now });
    const r1 = await streamed.ingest({ source: 'erp', batchId: 'b1', files: [{ name: 'big.csv', data: (async function* () { yield* parts; })() }] });
    const r2 = await whole.ingest({ source: 'erp', batchId: 'b1', files: [{ name: 'big.csv', data: all }] });
    const strip = (m: typeof r1.manifest) => ({ ...m, files: m.files.map(({ location: _l, ...f }) => f) });
    expect(strip(r1.manifest)).toEqual(strip(r2.manifest));
    expect(r1.manifest.files[0]!.sha256).toBe(await sha256Hex(all));
    expect(await sha256Hex(await io.read(r1.manifest.files[0]!.location))).toBe(r1.manifest.files[0]!.sha256);
    const staged = [];
    for await (const s of io.list(`s3://${BUCKET}/a/bronze/${BRONZE_STAGING_DIR}/`)) staged.push(s.location);
    expect(staged).toEqual([]);
    // The same content again, streamed: a duplicate, nothing new stored.
    const again = await streamed.ingest({ source: 'erp', files: [{ name: 'again.csv', data: (async function* () { yield* parts; })() }] });
    expect(again.manifest.files[0]!.status).toBe('duplicate');

    const silver = new SilverWriter({ root: `s3://${BUCKET}/a/silver`, io, parquet: { rowGroupSizeBytes: 256 * 1024 } });
    const p = await promote({ bronze: streamed, silver, batch: r1.manifest, dataset: 'erp.items', read: readWithReaders({ csv: { batchSize: 8192 } }), silverOptions: { domain: 'erp', date: '2026-11-22' } });
    const step = p.steps.find((s) => s.step === 'silver')!;
    expect(step.rowsOut).toBe(400_000);
    expect(step.peakBufferedBytes!).toBeLessThan(total / 2);
    expect((await silver.read('erp.items')).numRows).toBe(400_000);
  });
});
