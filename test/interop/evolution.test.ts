/**
 * Metadata evolved by lakekit's builders (schema, partition spec, sort order,
 * properties) must mean the same to Spark (Iceberg 1.10 runtime, hadoop
 * catalog) and pyiceberg: same columns with the same ids and types, same
 * partition fields, same sort order — and Spark must be able to write to it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyUpdates, checkRequirements } from '../../src/iceberg/spec/apply-updates.js';
import { currentSchema, defaultSortOrder, defaultSpec } from '../../src/iceberg/spec/metadata.js';
import type { TableMetadata } from '../../src/iceberg/spec/metadata.js';
import { parseTableMetadata, writeTableMetadata } from '../../src/iceberg/spec/metadata-json.js';
import { newTableMetadata } from '../../src/iceberg/spec/new-table.js';
import { UNPARTITIONED_SPEC } from '../../src/iceberg/spec/partition.js';
import { newSchema, sameSchema } from '../../src/iceberg/spec/schema.js';
import { UNSORTED_ORDER } from '../../src/iceberg/spec/sort-order.js';
import { bindTransform } from '../../src/iceberg/spec/transform-apply.js';
import { Transforms } from '../../src/iceberg/spec/transforms.js';
import { formatTransform } from '../../src/iceberg/spec/transforms.js';
import { optionalField, requiredField, Types, typeToString } from '../../src/iceberg/spec/types.js';
import type { PendingUpdate } from '../../src/iceberg/update/pending-update.js';
import { ReplaceSortOrder } from '../../src/iceberg/update/replace-sort-order.js';
import { UpdatePartitionSpec } from '../../src/iceberg/update/update-partition-spec.js';
import { UpdateProperties } from '../../src/iceberg/update/update-properties.js';
import { UpdateSchema } from '../../src/iceberg/update/update-schema.js';
import { runPython, sparkSessionPython, lastJson } from '../helpers/peers.js';

function commit(m: TableMetadata, change: PendingUpdate): TableMetadata {
  const { requirements, updates } = change.build(m);
  checkRequirements(m, requirements);
  return applyUpdates(m, updates);
}

interface PeerView {
  pyiceberg: {
    schemaId: number;
    lastColumnId: number;
    columns: [number, string, string, boolean][];
    address: [number, string, string][];
    spec: [number, number, string, string][];
    sort: [number, string, string, string][];
  };
  spark: {
    columns: [string, string][];
    partitioning: string[];
    sortOrder: string | null;
    rows: [number, string, number, string, string, string][];
    partitions: { ts_day: string; id_bucket_4: number }[];
  };
}

describe('metadata evolved by lakekit, read by Spark and pyiceberg', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-evolution-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('agrees on the schema, spec and sort order after add nested / rename / drop / promote / partition / sort, and Spark writes to it', async () => {
    const location = join(dir, 'db', 't');
    let m = newTableMetadata(
      newSchema(
        [
          requiredField(1, 'id', Types.long),
          optionalField(2, 'name', Types.string),
          optionalField(3, 'count', Types.int),
          optionalField(4, 'legacy', Types.string),
          optionalField(5, 'address', Types.struct([optionalField(6, 'street', Types.string)])),
          optionalField(7, 'ts', Types.timestamptz),
        ],
        { identifierFieldIds: [1] },
      ),
      UNPARTITIONED_SPEC,
      UNSORTED_ORDER,
      location,
    );
    m = commit(
      m,
      new UpdateSchema()
        .addColumn(['address', 'zip'], Types.string, { doc: 'postal code' })
        .renameColumn('name', 'full_name')
        .deleteColumn('legacy')
        .updateColumn('count', Types.long),
    );
    m = commit(m, new UpdatePartitionSpec().addField('ts', Transforms.day).addField('id', Transforms.bucket(4)));
    m = commit(m, new ReplaceSortOrder().asc('id').desc('ts'));
    m = commit(m, new UpdateProperties().set('lakekit.evolved', 'true'));
    expect(m.snapshots).toHaveLength(0);

    const metadataDir = join(location, 'metadata');
    await mkdir(metadataDir, { recursive: true });
    const v1 = join(metadataDir, 'v1.metadata.json');
    await writeFile(v1, writeTableMetadata(m));
    await writeFile(join(metadataDir, 'version-hint.text'), '1');

    const result = await runPython(
      `import json, sys
from pyiceberg.table import StaticTable
t = StaticTable.from_metadata(sys.argv[1])
s = t.schema()
def ty(f):
    return "struct" if f.field_type.is_struct else str(f.field_type)
py = {
  "schemaId": s.schema_id,
  "lastColumnId": t.metadata.last_column_id,
  "columns": [[f.field_id, f.name, ty(f), f.required] for f in s.fields],
  "address": [[f.field_id, f.name, f.doc or ""] for f in s.find_field("address").field_type.fields],
  "spec": [[f.source_id, f.field_id, f.name, str(f.transform)] for f in t.spec().fields],
  "sort": [[f.source_id, str(f.transform), f.direction.value, f.null_order.value] for f in t.sort_order().fields],
}
${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } } })}
desc = spark.sql("DESCRIBE TABLE wh.db.t").collect()
columns, partitioning, section = [], [], "columns"
for r in desc:
    name = (r.col_name or "").strip()
    if name.startswith("#"):
        section = "partitioning" if "Partition" in name else "other"
        continue
    if name == "":
        continue
    if section == "columns":
        columns.append([name, r.data_type])
    elif section == "partitioning":
        partitioning.append(r.data_type)
props = dict(spark.sql("SHOW TBLPROPERTIES wh.db.t").collect())
spark.sql("INSERT INTO wh.db.t VALUES (1, 'Ada', 42, named_struct('street', 'Main St', 'zip', '12345'), TIMESTAMP '2026-01-02 03:04:05')")
rows = [[r.id, r.full_name, r["count"], r.street, r.zip, str(r.ts)] for r in spark.sql("SELECT id, full_name, count, address.street AS street, address.zip AS zip, ts FROM wh.db.t").collect()]
parts = [{"ts_day": str(r.partition.ts_day), "id_bucket_4": r.partition.id_bucket_4} for r in spark.sql("SELECT partition FROM wh.db.t.files").collect()]
print(json.dumps({"pyiceberg": py, "spark": {"columns": columns, "partitioning": partitioning, "sortOrder": props.get("sort-order"), "rows": rows, "partitions": parts}}))
`,
      [v1],
    );
    const view = lastJson<PeerView>(result);
    const schema = currentSchema(m);

    // pyiceberg reads exactly lakekit's ids, names and types
    expect(view.pyiceberg.schemaId).toBe(1);
    expect(view.pyiceberg.lastColumnId).toBe(m.lastColumnId);
    expect(view.pyiceberg.columns).toEqual(schema.fields.map((f) => [f.id, f.name, f.type.type === 'struct' ? 'struct' : typeToString(f.type), f.required]));
    expect(view.pyiceberg.columns).toEqual([
      [1, 'id', 'long', true],
      [2, 'full_name', 'string', false],
      [3, 'count', 'long', false],
      [5, 'address', 'struct', false],
      [6, 'ts', 'timestamptz', false],
    ]);
    expect(view.pyiceberg.address).toEqual([
      [7, 'street', ''],
      [8, 'zip', 'postal code'],
    ]);
    expect(view.pyiceberg.spec).toEqual(defaultSpec(m).fields.map((f) => [f.sourceId, f.fieldId, f.name, formatTransform(f.transform)]));
    expect(view.pyiceberg.spec).toEqual([
      [6, 1000, 'ts_day', 'day'],
      [1, 1001, 'id_bucket_4', 'bucket[4]'],
    ]);
    expect(view.pyiceberg.sort).toEqual(defaultSortOrder(m).fields.map((f) => [f.sourceId, formatTransform(f.transform), f.direction, f.nullOrder]));
    expect(view.pyiceberg.sort).toEqual([
      [1, 'identity', 'asc', 'nulls-first'],
      [6, 'identity', 'desc', 'nulls-last'],
    ]);

    // Spark sees the same table and writes to it
    expect(view.spark.columns).toEqual([
      ['id', 'bigint'],
      ['full_name', 'string'],
      ['count', 'bigint'],
      ['address', 'struct<street:string,zip:string>'],
      ['ts', 'timestamp'],
    ]);
    expect(view.spark.partitioning).toEqual(['days(ts)', 'bucket(4, id)']);
    expect(view.spark.sortOrder).toBe('id ASC NULLS FIRST, ts DESC NULLS LAST');
    expect(view.spark.rows).toEqual([[1, 'Ada', 42, 'Main St', '12345', '2026-01-02 03:04:05']]);
    expect(view.spark.partitions).toEqual([{ ts_day: '2026-01-02', id_bucket_4: bindTransform(Transforms.bucket(4), Types.long)(1n) }]);

    // Spark's commit kept lakekit's schema, spec and sort order
    const afterSpark = parseTableMetadata(await readFile(join(metadataDir, 'v2.metadata.json'), 'utf8'));
    expect(sameSchema(currentSchema(afterSpark), schema)).toBe(true);
    expect(afterSpark.currentSchemaId).toBe(1);
    expect(afterSpark.defaultSpecId).toBe(m.defaultSpecId);
    expect(afterSpark.defaultSortOrderId).toBe(m.defaultSortOrderId);
    expect(afterSpark.properties['lakekit.evolved']).toBe('true');
    expect(afterSpark.snapshots).toHaveLength(1);
  });
});
