/**
 * Tables changed by lakekit's row-level and maintenance operations
 * (delete-by-filter, compaction, snapshot expiry, orphan removal) are read
 * by Spark and pyiceberg with the rows lakekit expects; a Spark
 * merge-on-read table compacted and expired by lakekit reads the same in
 * pyiceberg. One Spark run, one pyiceberg run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { LocalFileIO } from '../../src/io/local.js';
import { deleteWhere } from '../../src/iceberg/operations/delete-where.js';
import { expireSnapshots } from '../../src/iceberg/operations/expire-snapshots.js';
import { removeOrphanFiles } from '../../src/iceberg/operations/remove-orphan-files.js';
import { rewriteDataFiles } from '../../src/iceberg/operations/rewrite-data-files.js';
import { buildPartitionSpec } from '../../src/iceberg/spec/partition.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Transforms } from '../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { Table } from '../../src/iceberg/table/table.js';
import { runPython, sparkSessionPython, lastJson } from '../helpers/peers.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'g', Types.int), optionalField(3, 'v', Types.int), optionalField(4, 's', Types.string)]);
type Row = { id: number; g: number | null; v: number | null; s: string | null };
const make = (from: number, n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: from + i, g: (from + i) % 3, v: (from + i) % 50, s: (from + i) % 7 === 0 ? null : `s-${from + i}-é` }));
const plain = (rows: readonly Record<string, unknown>[]): Row[] =>
  rows.map((r) => ({ id: Number(r.id), g: (r.g ?? null) as number | null, v: (r.v ?? null) as number | null, s: (r.s ?? null) as string | null })).sort((a, b) => a.id - b.id);

describe('lakekit table operations, read by Spark and pyiceberg', () => {
  let dir: string;
  let catalog: FileSystemCatalog;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-ops-interop-'));
    catalog = new FileSystemCatalog({ warehouse: dir, io: new LocalFileIO({ root: dir }) });
    await catalog.createNamespace(['db']);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Spark and pyiceberg read lakekit deletes, compaction and expiry; lakekit compacts a Spark merge-on-read table', async () => {
    await catalog.createTable({ namespace: ['db'], name: 'ops' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'g', transform: Transforms.identity }]) });
    const table = await Table.load(catalog, 'db.ops');
    for (let i = 0; i < 3; i++) await table.append(make(i * 100, 100).map((r) => ({ ...r, id: BigInt(r.id) })));
    const dropped = await deleteWhere(table, 'g = 2'); // whole files
    const rewritten = await deleteWhere(table, "v < 10 or s = 's-5-é'"); // partial rewrites
    expect(dropped.snapshot?.summary?.operation).toBe('delete');
    expect(rewritten.snapshot?.summary?.operation).toBe('overwrite');
    const compacted = await rewriteDataFiles(table, { minInputFiles: 2 });
    expect(compacted.groups).toBe(2);
    const expired = await expireSnapshots(table, { olderThan: Date.now() + 1 });
    expect(expired.expiredSnapshotIds).toHaveLength(5);
    await table.io.write(`${table.location}/data/g=0/stray.parquet`, 'junk');
    expect((await removeOrphanFiles(table, { olderThan: Date.now() + 1000 })).orphanFiles).toHaveLength(1);
    const expected = plain(make(0, 300).filter((r) => r.g !== 2 && !(r.v! < 10 || r.s === 's-5-é')));
    expect(plain(await table.scan().toRows())).toEqual(expected);
    let files = 0;
    for await (const task of table.planFiles()) files += task.file.content === 0 ? 1 : 0;

    const spark = lastJson<{ py: Row[]; spark: Row[]; snapshots: string[]; files: number }>(
      await runPython(
        `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } }, conf: { 'spark.ui.showConsoleProgress': 'false' } })}
import json, sys
from pyiceberg.table import StaticTable
py = sorted(StaticTable.from_metadata(sys.argv[1]).scan().to_arrow().to_pylist(), key=lambda r: r["id"])
sp = [r.asDict() for r in spark.table("wh.db.ops").orderBy("id").collect()]
snaps = [r["operation"] for r in spark.sql("SELECT operation FROM wh.db.ops.snapshots").collect()]
files = spark.sql("SELECT count(*) AS n FROM wh.db.ops.files WHERE content = 0").collect()[0]["n"]
spark.sql("CREATE TABLE wh.db.mor (id bigint, g int, v int, s string) USING iceberg PARTITIONED BY (g) TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read')")
spark.sql("INSERT INTO wh.db.mor SELECT id, CAST(id % 3 AS int), CAST(id AS int), CONCAT('m', id) FROM range(0, 100)")
spark.sql("INSERT INTO wh.db.mor SELECT id, CAST(id % 3 AS int), CAST(id AS int), CONCAT('m', id) FROM range(100, 200)")
spark.sql("DELETE FROM wh.db.mor WHERE id % 10 = 3")
print(json.dumps({"py": py, "spark": sp, "snapshots": snaps, "files": files}))
`,
        [table.metadataLocation!],
      ),
    );
    expect(plain(spark.py)).toEqual(expected);
    expect(plain(spark.spark)).toEqual(expected);
    expect(spark.snapshots).toEqual(['replace']);
    expect(spark.files).toBe(files);

    // lakekit on Spark's merge-on-read table: delete by filter (position deletes applied), compact, expire.
    const mor = await Table.load(catalog, 'db.mor');
    await deleteWhere(mor, 'v >= 150');
    const r = await rewriteDataFiles(mor, { rewriteAll: true });
    expect(r.rewrittenDataFiles).toBeGreaterThan(0);
    await expireSnapshots(mor, { olderThan: Date.now() + 1 });
    const morExpected = Array.from({ length: 150 }, (_, id) => ({ id, g: id % 3, v: id, s: `m${id}` })).filter((x) => x.id % 10 !== 3);
    expect(plain(await mor.scan().toRows())).toEqual(morExpected);
    const py = lastJson<{ rows: Row[] }>(
      await runPython(
        `
import json, sys
from pyiceberg.table import StaticTable
rows = sorted(StaticTable.from_metadata(sys.argv[1]).scan().to_arrow().to_pylist(), key=lambda r: r["id"])
print(json.dumps({"rows": rows}))
`,
        [mor.metadataLocation!],
      ),
    );
    expect(plain(py.rows)).toEqual(morExpected);
  });
});
