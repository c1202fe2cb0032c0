/**
 * The zones against real peers: bronze, silver and gold on S3 (moto, with an
 * Object Lock bucket and SSE-KMS), DuckDB reading silver Parquet, and
 * pyiceberg reading gold tables after CDC merges.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromArrays, type Table as ArrowTable } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { newSchema, optionalField, requiredField, Types } from '../../src/iceberg/index.js';
import { LocalFileIO } from '../../src/io/local.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { applyDmsBatch, BronzeWriter, ensureGoldTable, openLake, promote, SilverWriter, standardize } from '../../src/zones/index.js';
import { lastJson, runPython } from '../helpers/peers.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: new Secret('testing') };
const s3 = (extra = {}) => new S3FileIO({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, ...extra });
const rowsOf = (t: ArrowTable) => t.toArray().map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());

describe('zones on S3 (moto)', () => {
  const LOCKED = `zones-locked-${Date.now()}`;
  const LAKE = `zones-lake-${Date.now()}`;
  beforeAll(async () => {
    await s3().client.send(new CreateBucketCommand({ Bucket: LOCKED, ObjectLockEnabledForBucket: true }));
    await s3().client.send(new CreateBucketCommand({ Bucket: LAKE }));
  });

  it('S3FileIO sets Object Lock retention on single and multipart writes', async () => {
    const io = s3({ multipartThreshold: 5 << 20, partSize: 5 << 20 });
    const sent: { mode: string; until: string }[] = [];
    io.client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        if (headers['x-amz-object-lock-mode'] !== undefined) sent.push({ mode: headers['x-amz-object-lock-mode'], until: headers['x-amz-object-lock-retain-until-date'] ?? '' });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordLockHeaders' },
    );
    const until = new Date(Date.now() + 3 * 86_400_000);
    await io.createIfAbsent(`s3://${LOCKED}/lock/small`, 'x', { objectLock: { mode: 'GOVERNANCE', retainUntil: until } });
    const head = await io.client.send(new HeadObjectCommand({ Bucket: LOCKED, Key: 'lock/small' }));
    expect(head.ObjectLockMode).toBe('GOVERNANCE');
    expect(head.ObjectLockRetainUntilDate?.toISOString().slice(0, 19)).toBe(until.toISOString().slice(0, 19));
    // Multipart: the lock travels on CreateMultipartUpload (moto does not keep it on completion, so the request is checked).
    await io.write(`s3://${LOCKED}/lock/large`, new Uint8Array(11 << 20), { objectLock: { mode: 'COMPLIANCE', retainUntil: until } });
    expect(sent.map((x) => x.mode)).toEqual(['GOVERNANCE', 'COMPLIANCE']);
    expect(new Date(sent[1]!.until).toISOString().slice(0, 19)).toBe(until.toISOString().slice(0, 19));
  });

  it('bronze on an Object Lock bucket: objects and manifests locked for the retention, KMS-encrypted, idempotent', async () => {
    const lake = await openLake(
      { root: `s3://${LOCKED}/lake`, zones: { bronze: { kmsKeyId: 'alias/aws/s3', retention: { days: 7, objectLock: 'COMPLIANCE' } } } },
      { fileIO: (_zone, _root, props) => S3FileIO.fromProperties({ 's3.endpoint': endpoint, 's3.region': 'us-east-1', 's3.path-style-access': 'true', 's3.access-key-id': 'testing', 's3.secret-access-key': 'testing', ...props }) },
    );
    const at = new Date();
    const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io, retention: lake.bronze.retention!, now: () => at });
    const r = await bronze.ingest({ source: 'dms/orders', files: [{ name: '20261122-100000000.csv', data: 'I,1,a\n' }] });
    const f = r.manifest.files[0]!;
    const key = f.location.slice(`s3://${LOCKED}/`.length);
    const head = await s3().client.send(new HeadObjectCommand({ Bucket: LOCKED, Key: key }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate?.toISOString().slice(0, 16)).toBe(new Date(at.getTime() + 7 * 86_400_000).toISOString().slice(0, 16));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    const mhead = await s3().client.send(new HeadObjectCommand({ Bucket: LOCKED, Key: r.manifestLocation.slice(`s3://${LOCKED}/`.length) }));
    expect(mhead.ObjectLockMode).toBe('COMPLIANCE');
    const again = await bronze.ingest({ source: 'dms/orders', files: [{ name: 'copy.csv', data: 'I,1,a\n' }] });
    expect(again.manifest.files[0]!.status).toBe('duplicate');
    expect(await bronze.read(f)).toEqual(new TextEncoder().encode('I,1,a\n'));
  });

  it('silver and gold on S3: write, read back, merge', async () => {
    const io = s3();
    const silver = new SilverWriter({ root: `s3://${LAKE}/silver`, io });
    const data = standardize(tableFromArrays({ id: Int32Array.from([1, 2, 3]), day: ['2026-11-20', '2026-11-21', '2026-11-21'], name: ['a', 'b', 'c'] }), { dates: ['day'] }).table;
    await silver.write('s3.ds', data, { domain: 'd', dateColumn: 'day' });
    expect(rowsOf(await silver.read('s3.ds')).sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual(rowsOf(data));
    const catalog = new FileSystemCatalog({ warehouse: `s3://${LAKE}/gold/warehouse`, io });
    const t = await ensureGoldTable(catalog, 'gold.s3t', newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string)]));
    await applyDmsBatch(t, { id: '1', changes: [{ Op: 'I', id: 1n, name: 'a' }, { Op: 'I', id: 2n, name: 'b' }] }, { key: ['id'] });
    await applyDmsBatch(t, { id: '2', changes: [{ Op: 'U', id: 1n, name: 'A' }, { Op: 'D', id: 2n }] }, { key: ['id'] });
    expect(await t.scan().toRows()).toEqual([{ id: 1n, name: 'A' }]);
  });
});

describe('zones read by DuckDB and pyiceberg', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-zones-interop-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('DuckDB reads silver Parquet and returns identical rows (random data)', async () => {
    const io = new LocalFileIO({ root: dir, fsync: false });
    const silver = new SilverWriter({ root: `file://${dir}/silver`, io });
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      await duck.run(`SET TimeZone = 'UTC'`);
      const samples = fc.sample(
        fc.array(fc.record({ id: fc.integer(), amount: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), name: fc.option(fc.string(), { nil: null }), day: fc.integer({ min: 0, max: 30000 }), ts: fc.integer({ min: 0, max: 4e12 }) }), { minLength: 1, maxLength: 50 }),
        { numRuns: 12, seed: 20261122 },
      );
      let n = 0;
      for (const rows of samples) {
        const ds = `duck${++n}`;
        const t = standardize(
          tableFromArrays({
            id: Int32Array.from(rows.map((r) => r.id)),
            amount: rows.map((r) => r.amount),
            name: rows.map((r) => r.name),
            day: rows.map((r) => new Date(r.day * 86_400_000).toISOString().slice(0, 10)),
            ts: rows.map((r) => new Date(r.ts).toISOString()),
          }),
          { dates: ['day'], timestamps: ['ts'] },
        ).table;
        const w = await silver.write(ds, t, { domain: 'fin', dateColumn: 'day' });
        const files = w.files.map((f) => `'${dir}/silver/${ds}/${f.path}'`).join(', ');
        const got = (await duck.runAndReadAll(`SELECT id, amount, name, CAST(day AS VARCHAR) AS day, epoch_us(ts) AS ts FROM read_parquet([${files}]) ORDER BY id, name NULLS FIRST, amount NULLS FIRST`)).getRowObjectsJS();
        const expected = rows
          .map((r) => ({ id: r.id, amount: r.amount === null ? null : Object.is(r.amount, -0) ? -0 : r.amount, name: r.name, day: new Date(r.day * 86_400_000).toISOString().slice(0, 10), ts: BigInt(r.ts) * 1000n }))
          .sort((a, b) => a.id - b.id || (a.name === null ? -1 : b.name === null ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.amount ?? -Infinity) - (b.amount ?? -Infinity));
        expect(got.map((r) => ({ ...r, amount: r['amount'] === null ? null : Number(r['amount']) }))).toEqual(expected.map((r) => ({ ...r, amount: r.amount === null ? null : r.amount === 0 ? 0 : r.amount })));
      }
    } finally {
      duck.closeSync();
    }
  });

  it('pyiceberg reads a gold table built by promotion and CDC merges', async () => {
    const io = new LocalFileIO({ root: dir, fsync: false });
    const catalog = new FileSystemCatalog({ warehouse: `file://${dir}/gold`, io });
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string), optionalField(3, 'amount', Types.decimal(12, 2)), optionalField(4, 'day', Types.date)]);
    const t = await ensureGoldTable(catalog, 'gold.customers', schema);
    const bronze = new BronzeWriter({ root: `file://${dir}/bronze`, io });
    const silver = new SilverWriter({ root: `file://${dir}/silver`, io });
    const ingest = await bronze.ingest({ source: 'crm', files: [{ name: 'c.json', data: JSON.stringify([{ id: 1, name: 'Ada', amount: '1.50', day: '2026-11-20' }, { id: 2, name: 'Bo', amount: '2.00', day: '2026-11-21' }]) }] });
    await promote({
      bronze, silver, batch: ingest.manifest, dataset: 'crm.customers', silverOptions: { domain: 'crm', dateColumn: 'day' }, gold: { table: t, mode: 'merge', key: ['id'] },
      decode: ({ bytes }) => {
        const rows = JSON.parse(new TextDecoder().decode(bytes)) as { id: number; name: string; amount: string; day: string }[];
        return { table: standardize(tableFromArrays({ id: rows.map((r) => r.id), name: rows.map((r) => r.name), amount: rows.map((r) => r.amount), day: rows.map((r) => r.day) }), { dates: ['day'] }).table };
      },
    });
    await applyDmsBatch(t, { id: '20261122-1', changes: [{ Op: 'U', id: '2', name: 'Bob', amount: '2.25', day: '2026-11-21' }, { Op: 'I', id: '3', name: 'Cy', amount: null, day: null }, { Op: 'D', id: '1' }] }, { key: ['id'] });
    const result = await runPython(
      `import sys, json
from pyiceberg.table import StaticTable
t = StaticTable.from_metadata(sys.argv[1])
rows = sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
print(json.dumps({"rows": [{k: (str(v) if v is not None else None) for k, v in r.items()} for r in rows], "summary": t.current_snapshot().summary.additional_properties}))
`,
      [t.metadataLocation!],
    );
    const out = lastJson<{ rows: Record<string, string | null>[]; summary: Record<string, string> }>(result);
    expect(out.rows).toEqual([
      { id: '2', name: 'Bob', amount: '2.25', day: '2026-11-21' },
      { id: '3', name: 'Cy', amount: null, day: null },
    ]);
    expect(out.summary['lakekit.cdc.batch-id']).toBe('20261122-1');
  });
});
