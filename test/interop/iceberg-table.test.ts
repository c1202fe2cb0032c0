/**
 * Tables written by lakekit are read by pyiceberg and Spark with identical
 * rows; tables Spark writes (merge-on-read deletes, partition evolution) are
 * read by lakekit with the rows Spark returns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { LocalFileIO } from '../../src/io/local.js';
import { buildPartitionSpec } from '../../src/iceberg/spec/partition.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Transforms } from '../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { bindTransform } from '../../src/iceberg/spec/transform-apply.js';
import { Table } from '../../src/iceberg/table/table.js';
import { runPython, sparkSessionPython, lastJson } from '../helpers/peers.js';

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'account', Types.string),
  optionalField(3, 'amount', Types.decimal(18, 2)),
  optionalField(4, 'ts', Types.timestamptz),
  optionalField(5, 'local_ts', Types.timestamp),
  optionalField(6, 'booked', Types.date),
  optionalField(7, 'qty', Types.int),
  optionalField(8, 'rate', Types.double),
  optionalField(9, 'flag', Types.boolean),
  optionalField(10, 'ref', Types.uuid),
  optionalField(11, 'raw', Types.binary),
]);

/** Deterministic rows covering nulls, negatives, pre-epoch instants and unicode. */
function makeRows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = Date.UTC(2026, 10, 1 + (i % 5), i % 24, i % 60, i % 60, i % 1000) * 1000 + (i % 1000);
    return {
      id: BigInt(i) - 3n,
      account: i % 7 === 0 ? null : `acc-${i % 11}-é`,
      amount: i % 9 === 0 ? null : `${i % 2 === 0 ? '-' : ''}${i}.${String(i % 100).padStart(2, '0')}`,
      ts: i % 13 === 0 ? null : BigInt(ts),
      local_ts: BigInt(ts) - 86_400_000_000n * 20_000n,
      booked: i % 5 === 0 ? null : 20_000 - i,
      qty: i % 3 === 0 ? null : i * 7 - 50,
      rate: i % 4 === 0 ? null : i / 8,
      flag: i % 6 === 0 ? null : i % 2 === 0,
      ref: i % 10 === 0 ? null : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      raw: i % 8 === 0 ? null : new Uint8Array([i % 256, 0, 255]),
    };
  });
}

/** Rows as comparable JSON strings, in the text forms Python prints. */
const PY_ROWS = `
import json, base64, datetime, decimal, uuid
def norm(v):
    if v is None: return None
    if isinstance(v, bool): return v
    if isinstance(v, decimal.Decimal): return str(v)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None: v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return v.isoformat(timespec="microseconds")
    if isinstance(v, datetime.date): return v.isoformat()
    if isinstance(v, (bytes, bytearray)): return base64.b64encode(bytes(v)).decode()
    if isinstance(v, uuid.UUID): return str(v)
    if isinstance(v, float): return repr(v)
    return v
`;

function jsRow(r: Record<string, unknown>): Record<string, unknown> {
  const iso = (micros: bigint | null | undefined) => {
    if (micros === null || micros === undefined) return null;
    const ms = Number(micros / 1000n) - (micros % 1000n < 0n ? 1 : 0);
    const us = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
    return `${new Date(ms).toISOString().slice(0, 19)}.${String(us).padStart(6, '0')}`;
  };
  const date = (d: number | null | undefined) => (d === null || d === undefined ? null : new Date(d * 86_400_000).toISOString().slice(0, 10));
  const b64 = (b: Uint8Array | null | undefined) => (b === null || b === undefined ? null : btoa(String.fromCharCode(...b)));
  const dec = (s: unknown) => (s === null || s === undefined ? null : String(s));
  return {
    id: Number(r.id),
    account: r.account ?? null,
    amount: dec(r.amount),
    ts: iso(r.ts as bigint | null),
    local_ts: iso(r.local_ts as bigint | null),
    booked: date(r.booked as number | null),
    qty: r.qty ?? null,
    rate: r.rate === null || r.rate === undefined ? null : Number.isInteger(r.rate) ? `${r.rate}.0` : String(r.rate),
    flag: r.flag ?? null,
    ref: r.ref ?? null,
    raw: b64(r.raw as Uint8Array | null),
  };
}

describe('Iceberg tables shared with pyiceberg and Spark', () => {
  let dir: string;
  let catalog: FileSystemCatalog;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-iceberg-interop-'));
    catalog = new FileSystemCatalog({ warehouse: dir, io: new LocalFileIO({ root: dir }) });
    await catalog.createNamespace(['db']);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pyiceberg and Spark read every type lakekit writes, partitioned by day, bucket and truncate', async () => {
    const spec = buildPartitionSpec(schema, [
      { source: 'ts', transform: Transforms.day },
      { source: 'id', transform: Transforms.bucket(4) },
      { source: 'account', transform: Transforms.truncate(5) },
    ]);
    await catalog.createTable({ namespace: ['db'], name: 'all_types' }, { schema, partitionSpec: spec });
    const table = await Table.load(catalog, 'db.all_types');
    const rows = makeRows(300);
    await table.append(rows.slice(0, 200));
    await table.append(rows.slice(200));
    const expected = rows.map(jsRow).sort((a, b) => (a.id as number) - (b.id as number));

    const result = await runPython(
      `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } }, conf: { 'spark.ui.showConsoleProgress': 'false' } })}
${PY_ROWS}
import sys
from pyiceberg.table import StaticTable
t = StaticTable.from_metadata(sys.argv[1])
py = [{k: norm(v) for k, v in r.items()} for r in sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])]
sp_rows = spark.table("wh.db.all_types").orderBy("id").collect()
sp = [{k: norm(v) for k, v in r.asDict().items()} for r in sp_rows]
buckets = [r.asDict() for r in spark.sql("SELECT id, wh.system.bucket(4, id) AS b, wh.system.truncate(5, account) AS tr FROM wh.db.all_types ORDER BY id").collect()]
parts = sorted(set((str(r["partition"]["ts_day"]), r["partition"]["id_bucket"], r["partition"]["account_trunc"]) for r in spark.sql("SELECT partition FROM wh.db.all_types.files").collect()), key=lambda p: json.dumps(p))
print(json.dumps({"py": py, "spark": sp, "buckets": buckets, "parts": [list(p) for p in parts]}))
`,
      [table.metadataLocation!],
    );
    const out = lastJson<{ py: Record<string, unknown>[]; spark: Record<string, unknown>[]; buckets: { id: number; b: number; tr: string | null }[]; parts: [string, number, string | null][] }>(result);
    expect(out.py).toEqual(expected);
    expect(out.spark).toEqual(expected);
    // Spark's own bucket/truncate functions agree with lakekit's transforms on every row…
    const bucket = bindTransform(Transforms.bucket(4), Types.long);
    const trunc = bindTransform(Transforms.truncate(5), Types.string);
    for (const b of out.buckets) {
      const row = rows.find((r) => Number(r.id) === b.id)!;
      expect(b.b, `bucket of ${b.id}`).toBe(bucket(BigInt(b.id)));
      expect(b.tr, `truncate of ${String(row.account)}`).toBe(row.account === null ? null : trunc(row.account as string));
    }
    // …and Spark sees exactly the partitions lakekit wrote.
    const ours = new Set<string>();
    for await (const task of table.planFiles()) ours.add(JSON.stringify([task.file.partition.get(1001), task.file.partition.get(1002)]));
    expect(new Set(out.parts.map((p) => JSON.stringify([p[1], p[2]])))).toEqual(ours);
  });

  it('lakekit reads Spark merge-on-read deletes and partition evolution as Spark does', async () => {
    const result = await runPython(
      `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } }, conf: { 'spark.ui.showConsoleProgress': 'false' } })}
${PY_ROWS}
spark.sql("CREATE TABLE wh.db.mor (id bigint, cat string, amount decimal(10,2), ts timestamp) USING iceberg PARTITIONED BY (cat) TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read')")
spark.sql("INSERT INTO wh.db.mor SELECT id, CASE WHEN id % 3 = 0 THEN 'a' WHEN id % 3 = 1 THEN 'b' ELSE 'c' END, CAST(id AS decimal(10,2)) / 4, TIMESTAMP '2026-11-01 00:00:00' + make_interval(0, 0, 0, 0, CAST(id AS int), 0, 0) FROM range(0, 500)")
spark.sql("DELETE FROM wh.db.mor WHERE id % 10 = 3")
spark.sql("ALTER TABLE wh.db.mor ADD PARTITION FIELD days(ts)")
spark.sql("INSERT INTO wh.db.mor VALUES (1000, 'a', 1.25, TIMESTAMP '2026-12-01 10:00:00'), (1001, 'b', 2.50, TIMESTAMP '2026-12-02 11:00:00')")
spark.sql("UPDATE wh.db.mor SET amount = 99.99 WHERE id = 1000 OR id = 4")
spark.sql("DELETE FROM wh.db.mor WHERE cat = 'c' AND id > 400")
deletes = spark.sql("SELECT count(*) AS n FROM wh.db.mor.delete_files").collect()[0]["n"]
rows = [{k: norm(v) for k, v in r.asDict().items()} for r in spark.table("wh.db.mor").orderBy("id").collect()]
print(json.dumps({"rows": rows, "deleteFiles": deletes}))
`,
    );
    const spark = lastJson<{ rows: Record<string, unknown>[]; deleteFiles: number }>(result);
    expect(spark.deleteFiles).toBeGreaterThan(0);
    const table = await Table.load(catalog, 'db.mor');
    expect(table.metadata.partitionSpecs).toHaveLength(2);
    const ours = (await table.scan().toRows())
      .map((r) => ({
        id: Number(r.id),
        cat: r.cat,
        amount: r.amount,
        ts: r.ts === null ? null : `${new Date(Number((r.ts as bigint) / 1000n)).toISOString().slice(0, 19)}.${String(Number((r.ts as bigint) % 1_000_000n)).padStart(6, '0')}`,
      }))
      .sort((a, b) => a.id - b.id);
    expect(ours).toEqual(spark.rows);
    // A filtered read agrees too, and skips the other categories' files.
    const filtered = await table.scan({ filter: "cat = 'b' and id < 100", select: ['id'] }).toRows();
    expect(filtered.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(spark.rows.filter((r) => r.cat === 'b' && (r.id as number) < 100).map((r) => r.id));
  });
});
