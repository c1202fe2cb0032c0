// Smoke tests for the test peers themselves: each proves one peer starts from .cache/ and does
// real work, so a broken peer shows up here with a clear message rather than as a confusing
// failure in some interop test. Run: npx vitest run --project interop test/interop/peers.test.ts
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { peerVersions, runCommand, runPython, sparkJar, sparkSessionPython, startIcebergRest, venvBin, type IcebergRestServer, lastJson } from '../helpers/peers.js';

describe('moto server (shared, from global setup)', () => {
  it('creates a bucket and round-trips an object through S3', async () => {
    const endpoint = inject('motoEndpoint');
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const Bucket = `peers-smoke-${randomUUID()}`;
    try {
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'dir/hello.txt', Body: 'hello, lake' }));
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'dir/hello.txt' }));
      expect(await got.Body!.transformToString()).toBe('hello, lake');
      await s3.send(new DeleteObjectCommand({ Bucket, Key: 'dir/hello.txt' }));
      await s3.send(new DeleteBucketCommand({ Bucket }));
    } finally {
      s3.destroy();
    }
  });
});

describe('Iceberg REST catalog reference server', () => {
  let rest: IcebergRestServer;
  beforeAll(async () => {
    rest = await startIcebergRest();
  });
  afterAll(async () => {
    await rest?.stop();
  });

  it('listens on loopback and answers GET /v1/config', async () => {
    expect(rest.uri).toBe(`http://127.0.0.1:${rest.port}`);
    const res = await fetch(`${rest.uri}/v1/config`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { defaults: unknown; overrides: unknown };
    expect(body).toHaveProperty('defaults');
    expect(body).toHaveProperty('overrides');
  });

  it('creates and lists a namespace over plain HTTP', async () => {
    const created = await fetch(`${rest.uri}/v1/namespaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: ['smoke_http'], properties: { owner: 'peers-test' } }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ namespace: ['smoke_http'], properties: { owner: 'peers-test' } });

    const listed = (await (await fetch(`${rest.uri}/v1/namespaces`)).json()) as { namespaces: string[][] };
    expect(listed.namespaces).toContainEqual(['smoke_http']);
  });

  it('serves pyiceberg: list namespaces, create a table and append Arrow data', async () => {
    const script = `
import json, sys
import pyarrow as pa
from pyiceberg.catalog import load_catalog
catalog = load_catalog("rest", **{"type": "rest", "uri": sys.argv[1]})
catalog.create_namespace("smoke_py")
table = catalog.create_table("smoke_py.numbers", schema=pa.schema([("id", pa.int64()), ("name", pa.string())]))
table.append(pa.table({"id": [1, 2, 3], "name": ["a", "b", "c"]}))
rows = catalog.load_table("smoke_py.numbers").scan().to_arrow().sort_by("id").to_pylist()
print(json.dumps({"namespaces": [list(n) for n in catalog.list_namespaces()], "rows": rows}))
`;
    const result = await runPython(script, [rest.uri]);
    expect(result.code, result.stderr).toBe(0);
    const out = lastJson<{ namespaces: string[][]; rows: unknown[] }>(result);
    expect(out.namespaces).toContainEqual(['smoke_py']);
    expect(out.rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
    // The REST server (not pyiceberg) owns the warehouse: the table must be under it.
    const loaded = (await (await fetch(`${rest.uri}/v1/namespaces/smoke_py/tables/numbers`)).json()) as { 'metadata-location': string };
    const metadataPath = loaded['metadata-location'].replace(/^file:(\/\/)?/, '');
    expect(metadataPath.startsWith(rest.warehouse)).toBe(true);
    expect(existsSync(metadataPath)).toBe(true);
  });
});

describe('PySpark with the Iceberg Spark runtime', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-spark-smoke-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates, writes and reads an Iceberg table in a hadoop catalog from the cached jar', async () => {
    const warehouse = join(dir, 'warehouse');
    const script = `${sparkSessionPython({ catalogs: { local: { type: 'hadoop', warehouse } } })}
import json
spark.sql("CREATE TABLE local.db.events (id BIGINT, kind STRING) USING iceberg PARTITIONED BY (kind)")
spark.sql("INSERT INTO local.db.events VALUES (1, 'click'), (2, 'view'), (3, 'click')")
rows = [r.asDict() for r in spark.sql("SELECT id, kind FROM local.db.events ORDER BY id").collect()]
snapshots = spark.sql("SELECT count(*) AS n FROM local.db.events.snapshots").collect()[0]["n"]
jars = spark.sparkContext.getConf().get("spark.jars")
print(json.dumps({"spark": spark.version, "rows": rows, "snapshots": snapshots, "jars": jars}))
spark.stop()
`;
    const result = await runPython(script, [], { SPARK_JARS_PACKAGES: undefined });
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    const out = lastJson<{ spark: string; rows: unknown[]; snapshots: number; jars: string }>(result);
    expect(out.spark).toBe(peerVersions.python.packages.pyspark);
    expect(out.jars).toBe(sparkJar());
    expect(out.rows).toEqual([
      { id: 1, kind: 'click' },
      { id: 2, kind: 'view' },
      { id: 3, kind: 'click' },
    ]);
    expect(out.snapshots).toBe(1);
    // The hadoop catalog layout lakekit's file-system catalog shares (ARCHITECTURE.md).
    const metadata = join(warehouse, 'db', 'events', 'metadata');
    expect((await readFile(join(metadata, 'version-hint.text'), 'utf8')).trim()).toBe('2');
    expect(existsSync(join(metadata, 'v2.metadata.json'))).toBe(true);
  });
});

describe('cfn-lint', () => {
  it('reports its pinned version', async () => {
    const result = await runCommand(venvBin('cfn-lint'), ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(peerVersions.python.packages['cfn-lint']);
  });

  it('passes a valid template and flags a broken one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lakekit-cfn-smoke-'));
    try {
      const good = join(dir, 'good.json');
      const bad = join(dir, 'bad.json');
      await writeFile(good, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Lake: { Type: 'AWS::S3::Bucket' } } }));
      await writeFile(bad, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Lake: { Type: 'AWS::S3::Bukket' } } }));
      const ok = await runCommand(venvBin('cfn-lint'), ['--regions', 'us-east-1', '--', good]);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      const flagged = await runCommand(venvBin('cfn-lint'), ['--regions', 'us-east-1', '--', bad]);
      expect(flagged.code).not.toBe(0);
      expect(flagged.stdout).toMatch(/E3006|Bukket/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
