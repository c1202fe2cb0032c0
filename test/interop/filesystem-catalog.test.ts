/**
 * One warehouse, three engines: lakekit's file-system catalog, Spark's
 * `hadoop` catalog (Iceberg 1.10 runtime) and pyiceberg must agree on the
 * layout and on every metadata file each of them writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { LocalFileIO } from '../../src/io/local.js';
import { currentSnapshot } from '../../src/iceberg/spec/metadata.js';
import { buildPartitionSpec } from '../../src/iceberg/spec/partition.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Transforms } from '../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { runPython, sparkSessionPython, lastJson } from '../helpers/peers.js';

describe('file-system catalog shared with Spark and pyiceberg', () => {
  let dir: string;
  let catalog: FileSystemCatalog;
  const id = { namespace: ['db'], name: 'tx' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-fs-interop-'));
    catalog = new FileSystemCatalog({ warehouse: dir, io: new LocalFileIO({ root: dir }) });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Spark appends to a table lakekit created, lakekit commits on top, Spark and pyiceberg read the result', async () => {
    const schema = newSchema([
      requiredField(1, 'id', Types.long),
      optionalField(2, 'account', Types.string),
      optionalField(3, 'amount', Types.decimal(18, 2)),
      optionalField(4, 'ts', Types.timestamptz),
    ]);
    const spec = buildPartitionSpec(schema, [
      { source: 'ts', transform: Transforms.day },
      { source: 'id', transform: Transforms.bucket(4) },
    ]);
    await catalog.createNamespace(['db']);
    const created = await catalog.createTable(id, { schema, partitionSpec: spec, properties: { 'data.owner': 'finance' } });

    // Spark: read lakekit's v1 metadata, append three rows (writes v2).
    const spark = await runPython(
      `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } } })}
import json
spark.sql("INSERT INTO wh.db.tx VALUES (1, 'acc-1', 10.50, TIMESTAMP '2026-11-01 10:00:00'), (2, 'acc-2', 20.25, TIMESTAMP '2026-11-02 11:00:00'), (3, NULL, NULL, TIMESTAMP '2026-11-02 12:00:00')")
t = spark.table("wh.db.tx")
spec = [r.asDict() for r in spark.sql("SELECT * FROM wh.db.tx.partitions").collect()]
print(json.dumps({"fields": [[f.name, f.dataType.simpleString(), f.nullable] for f in t.schema.fields], "count": t.count(), "partitions": len(spec), "owner": dict(spark.sql("SHOW TBLPROPERTIES wh.db.tx").collect()).get("data.owner")}))
`,
    );
    const fromSpark = lastJson<{ fields: [string, string, boolean][]; count: number; partitions: number; owner: string }>(spark);
    expect(fromSpark.fields).toEqual([
      ['id', 'bigint', false],
      ['account', 'string', true],
      ['amount', 'decimal(18,2)', true],
      ['ts', 'timestamp', true],
    ]);
    expect(fromSpark.count).toBe(3);
    expect(fromSpark.partitions).toBe(3); // (day 1, bucket), (day 2, bucket of 2), (day 2, bucket of 3) — distinct buckets for ids 2 and 3
    expect(fromSpark.owner).toBe('finance');

    // lakekit: Spark's commit is the current version; its snapshot parses with a BigInt id.
    const afterSpark = await catalog.loadTable(id);
    expect(afterSpark.metadataLocation).toMatch(/\/db\/tx\/metadata\/v2\.metadata\.json$/);
    expect(afterSpark.metadata.tableUuid).toBe(created.metadata.tableUuid);
    const snap = currentSnapshot(afterSpark.metadata)!;
    expect(typeof snap.snapshotId).toBe('bigint');
    expect(snap.summary?.operation).toBe('append');
    expect(snap.summary?.['added-records']).toBe('3');
    // Spark's hadoop catalog logs plain paths ('/tmp/…'); both spellings name the same file.
    expect(afterSpark.metadata.metadataLog.map((e) => catalog.io.resolve(e.metadataFile))).toEqual([created.metadataLocation]);
    expect((await readFile(join(dir, 'db/tx/metadata/version-hint.text'), 'utf8')).trim()).toBe('2');

    // lakekit commits on top of Spark's metadata (v3), keeping the snapshot.
    const mine = await catalog.commitTable(
      id,
      [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: snap.snapshotId }],
      [{ action: 'set-properties', updates: { 'lakekit.checked': 'true' } }],
    );
    expect(mine.metadataLocation).toMatch(/v3\.metadata\.json$/);

    // Spark and pyiceberg read lakekit's v3.
    const both = await runPython(
      `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } } })}
import json, sys
from pyiceberg.table import StaticTable
props = dict(spark.sql("SHOW TBLPROPERTIES wh.db.tx").collect())
count = spark.table("wh.db.tx").count()
t = StaticTable.from_metadata(sys.argv[1])
rows = t.scan().to_arrow().sort_by("id").to_pylist()
print(json.dumps({"spark": {"count": count, "checked": props.get("lakekit.checked")},
  "pyiceberg": {"ids": [r["id"] for r in rows], "amounts": [str(r["amount"]) if r["amount"] is not None else None for r in rows],
  "snapshot": str(t.current_snapshot().snapshot_id), "spec": str(t.spec()), "checked": t.properties.get("lakekit.checked")}}))
`,
      [mine.metadataLocation!],
    );
    const result = lastJson<{ spark: { count: number; checked: string }; pyiceberg: { ids: number[]; amounts: (string | null)[]; snapshot: string; spec: string; checked: string } }>(both);
    expect(result.spark).toEqual({ count: 3, checked: 'true' });
    expect(result.pyiceberg.ids).toEqual([1, 2, 3]);
    expect(result.pyiceberg.amounts).toEqual(['10.50', '20.25', null]);
    expect(result.pyiceberg.snapshot).toBe(snap.snapshotId.toString());
    expect(result.pyiceberg.spec).toMatch(/day\(4\).*bucket\[4\]\(1\)|ts_day.*id_bucket/s);
    expect(result.pyiceberg.checked).toBe('true');
  });
});
