/**
 * Glue catalog: median latency of load-table and of a small append commit
 * (10 rows: Parquet + manifest + manifest list + metadata file + Glue
 * UpdateTable) through lakekit's GlueCatalog and pyiceberg's GlueCatalog, both
 * against the same moto (Glue + S3). moto answers from memory on loopback, so
 * the numbers measure each client's own work and round trips, not AWS.
 * Rounds alternate who goes first; pyiceberg runs in one Python process per
 * round (its start-up is not timed).
 */
import { GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GlueCatalog } from '../../src/catalog/glue/index.js';
import { Table } from '../../src/iceberg/table/table.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { lastJson, runPython, startMoto } from '../../test/helpers/peers.js';
import { interleavedRounds, median, timeCalls, type Section } from '../harness.js';
import type { BenchWorkload } from '../run.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'account', Types.string), optionalField(3, 'amount', Types.double)]);
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), account: `acct-${(from + i) % 97}`, amount: (from + i) * 1.5 }));

const PYICEBERG = `
import json, sys, time
import pyarrow as pa
from pyiceberg.catalog import load_catalog
endpoint, calls, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
catalog = load_catalog("glue", **{
    "type": "glue", "glue.endpoint": endpoint, "glue.region": "us-east-1",
    "glue.access-key-id": "testing", "glue.secret-access-key": "testing",
    "s3.endpoint": endpoint, "s3.region": "us-east-1", "s3.access-key-id": "testing", "s3.secret-access-key": "testing",
    "s3.path-style-access": "true",
})
loads, appends = [], []
for i in range(calls + 1):
    t0 = time.perf_counter(); catalog.load_table(("bench", "history")); ms = (time.perf_counter() - t0) * 1000
    if i > 0: loads.append(ms)
t = catalog.load_table(("bench", "append_pyiceberg"))
for i in range(calls + 1):
    n = start + i * 10
    data = pa.table({"id": pa.array(range(n, n + 10), pa.int64()), "account": pa.array([f"acct-{x % 97}" for x in range(n, n + 10)]), "amount": pa.array([x * 1.5 for x in range(n, n + 10)])}, schema=t.schema().as_arrow())
    t0 = time.perf_counter(); t.append(data); ms = (time.perf_counter() - t0) * 1000
    if i > 0: appends.append(ms)
print(json.dumps({"loads": loads, "appends": appends}))
`;

/** Options of {@link catalogGlueBench}. */
export interface CatalogGlueBenchOptions {
  /** Calls per side per round. @default 10 */
  calls?: number;
  /** Rounds. @default 6 */
  rounds?: number;
}

export async function catalogGlueBench(opts: CatalogGlueBenchOptions = {}): Promise<Section[]> {
  const calls = opts.calls ?? 10;
  const rounds = opts.rounds ?? 6;
  const moto = await startMoto();
  try {
    const io = new S3FileIO({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: new Secret('testing') } });
    await io.client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const catalog = new GlueCatalog({ client: new GlueClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }), io, warehouse: 's3://bench/wh' });
    await catalog.createNamespace(['bench']);
    await catalog.createTable({ namespace: ['bench'], name: 'history' }, { schema });
    const history = await Table.load(catalog, 'bench.history');
    for (let i = 0; i < 20; i++) await history.append(rows(i * 10, 10));
    await catalog.createTable({ namespace: ['bench'], name: 'append_lakekit' }, { schema });
    await catalog.createTable({ namespace: ['bench'], name: 'append_pyiceberg' }, { schema });
    const appendTable = await Table.load(catalog, 'bench.append_lakekit');

    const lk = { loads: [] as number[], appends: [] as number[] };
    const py = { loads: [] as number[], appends: [] as number[] };
    let next = 0;
    const lakekitRound = async () => {
      await timeCalls(calls, lk.loads, () => catalog.loadTable({ namespace: ['bench'], name: 'history' }));
      await timeCalls(calls, lk.appends, async () => {
        await appendTable.append(rows(next, 10));
        next += 10;
      });
    };
    await interleavedRounds(rounds, lakekitRound, async (r) => {
      const res = lastJson<{ loads: number[]; appends: number[] }>(await runPython(PYICEBERG, [moto.endpoint, String(calls), String((r + 1) * 1_000_000)]));
      py.loads.push(...res.loads);
      py.appends.push(...res.appends);
    });
    return [
      {
        title: 'Glue load-table latency (table with 20 snapshots; moto Glue + S3)',
        subject: 'lakekit',
        rows: [
          { name: 'lakekit', medianMs: median(lk.loads), samples: lk.loads },
          { name: 'pyiceberg', medianMs: median(py.loads), samples: py.loads },
        ],
        notes: [`${lk.loads.length} calls per side over ${rounds} interleaved rounds: GetTable + reading the metadata file`],
      },
      {
        title: 'Glue small append commit (10 rows; moto Glue + S3)',
        subject: 'lakekit',
        rows: [
          { name: 'lakekit', medianMs: median(lk.appends), samples: lk.appends },
          { name: 'pyiceberg', medianMs: median(py.appends), samples: py.appends },
        ],
        notes: [`${lk.appends.length} appends per side, each side to its own table; Parquet + manifest + manifest list + metadata file + UpdateTable with VersionId`],
      },
    ];
  } finally {
    await moto.stop();
  }
}

export const benchWorkloads: Record<string, BenchWorkload> = {
  'catalog-glue': {
    title: 'AWS Glue catalog: load-table and append latency vs pyiceberg (moto)',
    run: (quick) => catalogGlueBench(quick ? { calls: 5, rounds: 2 } : {}),
  },
};
