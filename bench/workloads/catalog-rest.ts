/**
 * The Iceberg REST catalog client against the Apache Iceberg REST reference
 * server, side by side with pyiceberg on the same server in the same run:
 *
 * - load-table: median latency of `loadTable` on a table with 20 snapshots;
 * - small append: median latency of appending 10 rows (Parquet file,
 *   manifest, manifest list and the REST commit) to a table of one's own;
 * - listing 10,000 tables streamed page by page: pages, time, and the peak
 *   heap growth while streaming versus holding the whole list.
 *
 * Each side runs in rounds (pyiceberg in one Python process per round), and
 * the sides take turns going first, so drift hits both alike; the first call
 * of each round is a warm-up and not counted. Target: lakekit's medians within
 * 1.2× of pyiceberg's.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RestCatalog } from '../../src/catalog/rest/catalog.js';
import { LocalFileIO } from '../../src/io/local.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { Table } from '../../src/iceberg/table/table.js';
import { lastJson, runPython, startIcebergRest } from '../../test/helpers/peers.js';
import { interleavedRounds, median, timeCalls, type Section } from '../harness.js';
import type { BenchWorkload } from '../run.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string)]);
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), name: `n${from + i}` }));

const PYICEBERG = `
import json, sys, time
import pyarrow as pa
from pyiceberg.catalog import load_catalog
uri, n, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cat = load_catalog("rest", type="rest", uri=uri)
loads = []
for i in range(n + 1):
    t0 = time.perf_counter(); cat.load_table("bench.history"); loads.append((time.perf_counter() - t0) * 1000)
t = cat.load_table("bench.append_pyiceberg")
schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string())])
appends = []
for i in range(n + 1):
    base = start + i * 10
    data = pa.table({"id": pa.array(range(base, base + 10), pa.int64()), "name": [f"n{j}" for j in range(base, base + 10)]}, schema=schema)
    t0 = time.perf_counter(); t.append(data); appends.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"loads": loads[1:], "appends": appends[1:]}))
`;

/** A full garbage collection (`--expose-gc` switched on at run time), so heap samples show live data only. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Peak live-heap growth (bytes, after a full GC) over the heap when it was created, sampled by `sample()`. */
function heapTracker(gc: () => void) {
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  return {
    sample: () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    },
    peak: () => peak,
  };
}

export interface CatalogRestBenchOptions {
  /** Calls per side per round. @default 10 */
  calls?: number;
  /** Rounds. @default 6 */
  rounds?: number;
  /** Tables to list. @default 10_000 */
  tables?: number;
  /** Page size of the listing. @default 100 */
  pageSize?: number;
}

export async function catalogRestBench(opts: CatalogRestBenchOptions = {}): Promise<Section[]> {
  const calls = opts.calls ?? 10;
  const rounds = opts.rounds ?? 6;
  const tableCount = opts.tables ?? 10_000;
  const pageSize = opts.pageSize ?? 100;
  const server = await startIcebergRest();
  try {
    const catalog = new RestCatalog({ uri: server.uri, io: new LocalFileIO() });
    await catalog.createNamespace(['bench']);
    await catalog.createTable({ namespace: ['bench'], name: 'history' }, { schema });
    const history = await Table.load(catalog, 'bench.history');
    for (let i = 0; i < 20; i++) await history.append(rows(i * 10, 10));
    await catalog.createTable({ namespace: ['bench'], name: 'append_lakekit' }, { schema });
    await catalog.createTable({ namespace: ['bench'], name: 'append_pyiceberg' }, { schema });

    const lk = { loads: [] as number[], appends: [] as number[] };
    const py = { loads: [] as number[], appends: [] as number[] };
    const appendTable = await Table.load(catalog, 'bench.append_lakekit');
    let next = 0;
    const floor: number[] = [];
    const historyUrl = `${server.uri}/v1/namespaces/bench/tables/history`;
    const lakekitRound = async () => {
      for (let i = 0; i <= calls; i++) {
        const t0 = performance.now();
        await catalog.loadTable({ namespace: ['bench'], name: 'history' });
        if (i > 0) lk.loads.push(performance.now() - t0);
        // The transport floor: the same GET with Node's fetch and no parsing, interleaved call by call.
        const t1 = performance.now();
        await (await fetch(historyUrl)).text();
        if (i > 0) floor.push(performance.now() - t1);
      }
      await timeCalls(calls, lk.appends, async () => {
        await appendTable.append(rows(next, 10));
        next += 10;
      });
    };
    await interleavedRounds(rounds, lakekitRound, async (r) => {
      const res = lastJson<{ loads: number[]; appends: number[] }>(await runPython(PYICEBERG, [server.uri, String(calls), String((r + 1) * 1_000_000)]));
      py.loads.push(...res.loads);
      py.appends.push(...res.appends);
    });

    // 10,000 tables: registered against one metadata file (no file writes), 8 at a time.
    const source = await catalog.createTable({ namespace: ['bench'], name: 'template' }, { schema });
    await catalog.createNamespace(['many']);
    let made = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const i = made++;
          if (i >= tableCount) return;
          await catalog.registerTable({ namespace: ['many'], name: `t${String(i).padStart(5, '0')}` }, source.metadataLocation!);
        }
      }),
    );
    let pages = 0;
    let countPages = true;
    const counting = new RestCatalog({ uri: server.uri, io: new LocalFileIO(), pageSize, logger: (e) => countPages && e.path.includes('/namespaces/many/tables') && pages++ });
    const gc = exposeGc();
    const streamed = heapTracker(gc);
    let seen = 0;
    const s0 = performance.now();
    for await (const _ of counting.listTables(['many'])) {
      seen++;
      if (seen % pageSize === 0) streamed.sample();
    }
    const streamMs = performance.now() - s0;
    countPages = false;
    const held = heapTracker(gc);
    const all = [];
    for await (const t of counting.listTables(['many'])) {
      all.push(t);
      if (all.length % pageSize === 0) held.sample();
    }
    const pyList = lastJson<{ ms: number; count: number }>(
      await runPython(
        `
import json, sys, time
from pyiceberg.catalog import load_catalog
cat = load_catalog("rest", type="rest", uri=sys.argv[1])
t0 = time.perf_counter(); n = len(cat.list_tables("many")); ms = (time.perf_counter() - t0) * 1000
print(json.dumps({"ms": ms, "count": n}))
`,
        [server.uri],
      ),
    );

    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const target = (what: string) => [{ peer: 'pyiceberg', minRatio: 1 / 1.2, description: `lakekit ${what} within 1.2× of pyiceberg's` }];
    return [
      {
        title: 'load-table latency (table with 20 snapshots)',
        subject: 'lakekit',
        rows: [
          { name: 'lakekit', medianMs: median(lk.loads), samples: lk.loads },
          { name: 'pyiceberg', medianMs: median(py.loads), samples: py.loads },
          { name: 'bare Node fetch of the same URL (no auth, no parsing)', medianMs: median(floor), samples: floor },
        ],
        notes: [
          `${lk.loads.length} calls per side over ${rounds} interleaved rounds; medians ${median(lk.loads).toFixed(1)} ms vs ${median(py.loads).toFixed(1)} ms`,
          'the bare-fetch row is the floor any web-standard client in this process gets; the gap between it and lakekit is the client\'s own cost',
        ],
        targets: target('load-table'),
      },
      {
        title: 'small append commit (10 rows: Parquet + manifest + manifest list + REST commit)',
        subject: 'lakekit',
        rows: [
          { name: 'lakekit', medianMs: median(lk.appends), samples: lk.appends },
          { name: 'pyiceberg', medianMs: median(py.appends), samples: py.appends },
        ],
        notes: [`${lk.appends.length} appends per side, each to its own table; medians ${median(lk.appends).toFixed(1)} ms vs ${median(py.appends).toFixed(1)} ms`],
        targets: target('append'),
      },
      {
        title: `listing ${tableCount.toLocaleString('en')} tables, streamed page by page`,
        subject: 'lakekit (streamed)',
        rows: [
          { name: 'lakekit (streamed)', medianMs: streamMs, samples: [streamMs] },
          { name: 'pyiceberg list_tables (one unpaged response)', medianMs: pyList.ms, samples: [pyList.ms] },
        ],
        notes: [
          `${seen} tables in ${pages} pages of ${pageSize} (pyiceberg got ${pyList.count} in one response)`,
          `peak live heap (after a full GC, sampled once per page) while streaming: ${mib(streamed.peak())}; while collecting the whole list into an array: ${mib(held.peak())}`,
          'one run each; the reference server lists every table of the namespace for each page and slices it in memory, so each page of the 10,000 costs it tens of ms',
        ],
      },
    ];
  } finally {
    await server.stop();
  }
}

export const benchWorkloads: Record<string, BenchWorkload> = {
  'catalog-rest': {
    title: 'Iceberg REST catalog: load-table and append latency vs pyiceberg, listing 10,000 tables (reference server)',
    run: (quick) => catalogRestBench(quick ? { calls: 5, rounds: 2, tables: 500 } : {}),
  },
};
