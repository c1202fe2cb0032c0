/**
 * lakekit, pyiceberg and PySpark sharing tables through one Apache Iceberg
 * REST reference server: each reads what the others wrote, and eight
 * concurrent lakekit writers appending through the server lose nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestCatalog } from '../../src/catalog/rest/catalog.js';
import { Endpoint } from '../../src/catalog/rest/endpoints.js';
import type { RestLogEvent } from '../../src/catalog/rest/http.js';
import { and, greaterThan, notNull } from '../../src/iceberg/expressions/builders.js';
import { LocalFileIO } from '../../src/io/local.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { Table } from '../../src/iceberg/table/table.js';
import { lastJson, runPython, sparkSessionPython, startIcebergRest, type IcebergRestServer } from '../helpers/peers.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string)]);
/** Contended commits need more than Iceberg's default 4 retries. */
const CONTENDED = { 'commit.retry.num-retries': '100', 'commit.retry.min-wait-ms': '10', 'commit.retry.max-wait-ms': '500' };

let server: IcebergRestServer;
const catalog = () => new RestCatalog({ uri: server.uri, io: new LocalFileIO() });

beforeAll(async () => {
  server = await startIcebergRest();
  await catalog().createNamespace(['interop']);
});
afterAll(async () => {
  await server?.stop();
});

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), name: `n${from + i}` }));

describe('lakekit, pyiceberg and Spark through one REST catalog', () => {
  it('pyiceberg and Spark read what lakekit wrote; lakekit reads what they wrote', async () => {
    const c = catalog();
    await c.createTable({ namespace: ['interop'], name: 'from_lakekit' }, { schema });
    const t = await Table.load(c, 'interop.from_lakekit');
    await t.append(rows(1, 10));
    await (await Table.load(c, 'interop.from_lakekit')).append(rows(11, 5));

    const py = await runPython(
      `
import json, sys
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import NestedField, LongType, StringType
import pyarrow as pa
cat = load_catalog("rest", type="rest", uri=sys.argv[1])
t = cat.load_table("interop.from_lakekit").scan().to_arrow()
made = cat.create_table("interop.from_pyiceberg", Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType(), required=False)))
made.append(pa.table({"id": pa.array([100, 101, 102], pa.int64()), "name": ["a", "b", None]}, schema=pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string())])))
print(json.dumps({"count": t.num_rows, "sum": sum(t.column("id").to_pylist()), "names": sorted(t.column("name").to_pylist())[:2]}))
`,
      [server.uri],
    );
    expect(lastJson(py)).toEqual({ count: 15, sum: 120, names: ['n1', 'n10'] });

    const spark = await runPython(
      `${sparkSessionPython({ catalogs: { x: { type: 'rest', uri: server.uri } } })}
import json
r = spark.sql("SELECT count(*) AS c, sum(id) AS s FROM x.interop.from_lakekit").collect()[0]
spark.sql("CREATE TABLE x.interop.from_spark (id bigint NOT NULL, name string) USING iceberg")
spark.sql("INSERT INTO x.interop.from_spark VALUES (7, 'seven'), (8, 'eight')")
print(json.dumps({"count": r["c"], "sum": r["s"]}))
`,
      [],
      {},
      { timeoutMs: 240_000 },
    );
    expect(lastJson(spark)).toEqual({ count: 15, sum: 120 });

    const fromPy = await (await Table.load(c, 'interop.from_pyiceberg')).scan().toRows();
    expect(fromPy.map((r) => r.id).sort()).toEqual([100n, 101n, 102n]);
    const fromSpark = await (await Table.load(c, 'interop.from_spark')).scan().toRows();
    expect(fromSpark.map((r) => [r.id, r.name]).sort()).toEqual([
      [7n, 'seven'],
      [8n, 'eight'],
    ]);
  });

  it('eight concurrent lakekit writers appending through the server lose nothing (counted by pyiceberg)', async () => {
    await catalog().createTable({ namespace: ['interop'], name: 'busy' }, { schema, properties: CONTENDED });
    const writers = 8;
    const appendsEach = 5;
    const rowsEach = 20;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const c = catalog(); // one client per writer, as separate services would have
        for (let a = 0; a < appendsEach; a++) {
          const t = await Table.load(c, 'interop.busy');
          await t.append(rows((w * appendsEach + a) * rowsEach, rowsEach));
        }
      }),
    );
    const py = await runPython(
      `
import json, sys
from pyiceberg.catalog import load_catalog
t = load_catalog("rest", type="rest", uri=sys.argv[1]).load_table("interop.busy")
ids = t.scan().to_arrow().column("id").to_pylist()
print(json.dumps({"count": len(ids), "distinct": len(set(ids)), "snapshots": len(t.metadata.snapshots)}))
`,
      [server.uri],
    );
    const total = writers * appendsEach * rowsEach;
    expect(lastJson(py)).toEqual({ count: total, distinct: total, snapshots: writers * appendsEach });
  });
});

describe('metrics reports and endpoint discovery on the reference server', () => {
  it('the server accepts lakekit\'s scan and commit reports, and rejects a malformed one (so it does parse them)', async () => {
    const c = catalog();
    const id = { namespace: ['interop'], name: 'reported' };
    await c.createTable(id, { schema });
    const t = await Table.load(c, 'interop.reported');
    await t.append(rows(1, 3));
    const snapshot = (await c.loadTable(id)).metadata.currentSnapshotId!;
    await c.reportMetrics(id, {
      type: 'scan',
      tableName: 'rest.interop.reported',
      snapshotId: snapshot,
      filter: and(notNull('id'), greaterThan('id', 1n)),
      schemaId: 0,
      projectedFieldIds: [1, 2],
      projectedFieldNames: ['id', 'name'],
      metrics: { 'result-data-files': { unit: 'count', value: 1 }, 'total-planning-duration': { timeUnit: 'nanoseconds', count: 1, totalDuration: 1_234_567n } },
    });
    await c.reportMetrics(id, { type: 'scan', tableName: 'rest.interop.reported', snapshotId: snapshot, schemaId: 0, projectedFieldIds: [], projectedFieldNames: [], metrics: {} });
    await c.reportMetrics(id, {
      type: 'commit',
      tableName: 'rest.interop.reported',
      snapshotId: snapshot,
      sequenceNumber: 1n,
      operation: 'append',
      metrics: { 'added-records': { unit: 'count', value: 3n }, 'total-duration': { timeUnit: 'nanoseconds', count: 1, totalDuration: 99n } },
      metadata: { 'engine-name': 'lakekit' },
    });
    const bad = await c.http
      .send({ method: 'POST', path: 'v1/namespaces/interop/tables/reported/metrics', body: { json: { 'report-type': 'commit-report', 'table-name': 'x' } }, call: { what: 'send a malformed report', target: 'table' }, idempotent: false })
      .catch((e: unknown) => e);
    // The reference server answers a report it cannot parse with an error naming the missing field.
    expect(bad).toMatchObject({ code: expect.stringMatching(/REST|VALIDATION/), message: expect.stringMatching(/snapshot-id|sequence-number|operation|metrics/) });
  });

  it('a lakekit append sends a CommitReport the server accepts, and the commit does not depend on it', async () => {
    const events: RestLogEvent[] = [];
    const c = new RestCatalog({ uri: server.uri, io: new LocalFileIO(), logger: (e) => events.push(e) });
    expect(await c.supports(Endpoint.reportMetrics)).toBe(true);
    await c.createTable({ namespace: ['interop'], name: 'auto_reported' }, { schema });
    await (await Table.load(c, 'interop.auto_reported')).append(rows(1, 4));
    await c.flushMetricsReports();
    const reports = events.filter((e) => e.method === 'POST' && e.path.endsWith('/tables/auto_reported/metrics'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ status: expect.any(Number) });
    expect(reports[0]!.status! < 300 && reports[0]!.error === undefined).toBe(true);
    const quiet = new RestCatalog({ uri: server.uri, io: new LocalFileIO(), reportCommitMetrics: false, logger: (e) => events.push(e) });
    await (await Table.load(quiet, 'interop.auto_reported')).append(rows(5, 1));
    await quiet.flushMetricsReports();
    expect(events.filter((e) => e.path.endsWith('/metrics'))).toHaveLength(1);
    expect((await (await Table.load(c, 'interop.auto_reported')).scan().toRows()).length).toBe(5);
  });

  it('endpoints the server does not advertise fail fast with UnsupportedError, without a request', async () => {
    const events: RestLogEvent[] = [];
    const c = new RestCatalog({ uri: server.uri, io: new LocalFileIO(), logger: (e) => events.push(e) });
    const id = { namespace: ['interop'], name: 'creds' };
    await c.createTable(id, { schema });
    events.length = 0;
    for (const [endpoint, call] of [
      [Endpoint.unregisterTable, () => c.unregisterTable(id)],
      [Endpoint.registerView, () => c.registerView({ namespace: ['interop'], name: 'v' }, 'file:///nowhere/v.metadata.json')],
      [Endpoint.loadFunction, () => c.loadFunction({ namespace: ['interop'], name: 'f' })],
      [Endpoint.signRequest, () => c.signRequest(id, { region: 'us-east-1', uri: 'https://b.s3.amazonaws.com/k', method: 'GET', headers: {} })],
      [Endpoint.planTableScan, () => c.planTableScan(id)],
    ] as const) {
      expect(await c.supports(endpoint)).toBe(false);
      await expect(call()).rejects.toMatchObject({ code: 'UNSUPPORTED', context: { endpoint } });
    }
    expect(events).toEqual([]);
    // Credentials fall back to reloading the table where the endpoint is missing.
    const creds = await c.loadCredentials(id);
    expect(creds).toHaveLength(1);
    expect(creds[0]!.prefix).toMatch(/creds$/);
  });
});
