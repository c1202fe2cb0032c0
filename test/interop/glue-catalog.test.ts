/**
 * GlueCatalog and pyiceberg's GlueCatalog share tables through one Glue (moto) and one S3 (moto):
 * pyiceberg loads and reads a table lakekit created and appended to, appends to it itself (its
 * commit guarded by the same Glue VersionId), and lakekit reads the result; and the reverse for a
 * table pyiceberg created.
 */
import { GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { GlueCatalog } from '../../src/catalog/glue/index.js';
import { Table } from '../../src/iceberg/index.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { lastJson, runPython } from '../helpers/peers.js';

const endpoint = inject('motoEndpoint');
const BUCKET = `glue-interop-${Date.now()}`;
const DB = `interop_${Date.now()}`;
const io = new S3FileIO({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: new Secret('testing') } });
const catalog = new GlueCatalog({
  client: new GlueClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }),
  io,
  warehouse: `s3://${BUCKET}/wh`,
});

const PY_CATALOG = `
import json, sys
from pyiceberg.catalog import load_catalog
endpoint = sys.argv[1]
catalog = load_catalog("glue", **{
    "type": "glue",
    "glue.endpoint": endpoint, "glue.region": "us-east-1",
    "glue.access-key-id": "testing", "glue.secret-access-key": "testing",
    "s3.endpoint": endpoint, "s3.region": "us-east-1",
    "s3.access-key-id": "testing", "s3.secret-access-key": "testing", "s3.path-style-access": "true",
})
`;

beforeAll(async () => {
  await io.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await catalog.createNamespace([DB]);
});

describe('GlueCatalog ⇄ pyiceberg GlueCatalog (moto)', () => {
  it('pyiceberg reads and appends to a table lakekit created; lakekit reads the result', async () => {
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'account', Types.string), optionalField(3, 'amount', Types.double)]);
    await catalog.createTable({ namespace: [DB], name: 'from_lakekit' }, { schema });
    const table = await Table.load(catalog, `${DB}.from_lakekit`);
    await table.append([
      { id: 1n, account: 'DE89-1', amount: 120.5 },
      { id: 2n, account: 'TH12-7', amount: -15 },
    ]);
    const result = await runPython(
      `${PY_CATALOG}
import pyarrow as pa
t = catalog.load_table((sys.argv[2], "from_lakekit"))
before = t.scan().to_arrow()
t.append(pa.table({"id": pa.array([3], pa.int64()), "account": pa.array(["FR76-3"]), "amount": pa.array([7.25])}, schema=t.schema().as_arrow()))
print(json.dumps({"rows": before.num_rows, "sum": sum(before["amount"].to_pylist()), "columns": [f.name for f in t.schema().fields], "snapshots": len(t.metadata.snapshots)}))
`,
      [endpoint, DB],
    );
    const seen = lastJson<{ rows: number; sum: number; columns: string[]; snapshots: number }>(result);
    expect(seen).toEqual({ rows: 2, sum: 105.5, columns: ['id', 'account', 'amount'], snapshots: 2 });
    const after = await (await Table.load(catalog, `${DB}.from_lakekit`)).scan().toRows();
    expect(after.map((r) => r.id).sort()).toEqual([1n, 2n, 3n]);
  });

  it('lakekit reads and appends to a table pyiceberg created', async () => {
    const result = await runPython(
      `${PY_CATALOG}
import pyarrow as pa
data = pa.table({"id": pa.array([10, 11], pa.int64()), "name": pa.array(["a", "b"])})
t = catalog.create_table((sys.argv[2], "from_pyiceberg"), schema=data.schema, location=f"s3://${BUCKET}/py/from_pyiceberg")
t.append(data)
print(json.dumps({"ok": True}))
`,
      [endpoint, DB],
    );
    expect(lastJson<{ ok: boolean }>(result)).toEqual({ ok: true });
    const table = await Table.load(catalog, `${DB}.from_pyiceberg`);
    expect((await table.scan().toRows()).map((r) => r.name).sort()).toEqual(['a', 'b']);
    await table.append([{ id: 12n, name: 'c' }]);
    const check = await runPython(
      `${PY_CATALOG}
t = catalog.load_table((sys.argv[2], "from_pyiceberg"))
print(json.dumps(sorted(t.scan().to_arrow()["name"].to_pylist())))
`,
      [endpoint, DB],
    );
    expect(lastJson<string[]>(check)).toEqual(['a', 'b', 'c']);
  });
});
