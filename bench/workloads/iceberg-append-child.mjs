// The lakekit side of the Iceberg append benchmark (bench/workloads/iceberg-append.ts),
// in its own process so its peak RSS is the append's, and against the BUILT package
// (the JavaScript users install), not the TypeScript sources through a loader:
//
//   node bench/workloads/iceberg-append-child.mjs '<json config>'
//
// Plain JavaScript on purpose: a TypeScript loader would sit on every module load,
// including the ones the first append triggers inside the timed window.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableFromIPC } from 'apache-arrow';

/**
 * @typedef {object} ChildConfig
 * @property {string} dist the built package (tsup output) to import lakekit from
 * @property {string} ipc Arrow IPC file with the rows
 * @property {string} warehouse
 * @property {boolean} fsync
 * @property {boolean} [workers] encode partitions on worker threads too (`useParquetWorkers()`)
 * @property {boolean} [nativeZstd] false: the WebAssembly zstd (`useNativeCompression(false)`)
 * @property {number} [warm] appends of the same rows after the first, in the same process (the last is timed)
 */

/** Linux VmHWM: after fork + exec, `ru_maxrss` carries the parent's RSS at fork time. */
function peakRss() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Bytes held by the Arrow buffers (values, offsets, validity) of a table. */
function arrowBytes(t) {
  let total = 0;
  for (const b of t.batches) for (const c of b.data.children) for (const buf of [c.values, c.valueOffsets, c.nullBitmap]) if (buf) total += buf.byteLength;
  return total;
}

/** @param {ChildConfig} config */
async function main(config) {
  const load = (entry) => import(pathToFileURL(join(config.dist, entry)).href);
  const [ice, cat, local] = await Promise.all([load('iceberg/index.js'), load('catalog/index.js'), load('io/local.js')]);
  if (config.nativeZstd === false) ice.useNativeCompression(false);
  // Set up at startup, as a service would: the threads boot while the data loads.
  let remoteFiles;
  if (config.workers === true) {
    const pool = local.useParquetWorkers();
    remoteFiles = 0;
    ice.setDefaultParquetEncoderPool({
      tryOpen(schema, options) {
        const e = pool.tryOpen(schema, options);
        if (e !== undefined) remoteFiles++;
        return e;
      },
    });
  }
  const data = tableFromIPC(await readFile(config.ipc));
  const rssBeforeBytes = process.memoryUsage().rss;
  const { buildPartitionSpec, Transforms, Table } = ice;
  // The Arrow fields carry their Iceberg ids (PARQUET:field_id), as bench/workloads/parquet-encode.ts's transactionsTable builds them.
  const schema = ice.arrowToIcebergSchema(data.schema);
  const catalog = new cat.FileSystemCatalog({ warehouse: config.warehouse, io: new local.LocalFileIO({ root: config.warehouse, fsync: config.fsync }) });
  await catalog.createNamespace(['db']);
  await catalog.createTable({ namespace: ['db'], name: 'tx' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]) });
  const table = await Table.load(catalog, 'db.tx');
  const zstd = await ice.zstdBackend();

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await table.append(data);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const summary = table.currentSnapshot()?.summary ?? {};
  const maxRssBytes = peakRss();
  // Files of the timed append only: the warm appends below encode theirs too.
  const remoteFirst = remoteFiles;

  let warm = {};
  for (let i = 0; i < (config.warm ?? 0); i++) {
    const w0 = process.cpuUsage();
    const t1 = performance.now();
    await table.append(data);
    const w = process.cpuUsage(w0);
    warm = { warmMs: performance.now() - t1, warmCpuMs: (w.user + w.system) / 1000 };
  }
  if (config.workers === true) local.useParquetWorkers(false);
  const out = {
    ms,
    cpuMs: (c.user + c.system) / 1000,
    ...warm,
    maxRssBytes,
    rssBeforeBytes,
    rawBytes: arrowBytes(data),
    files: Number(summary['added-data-files']),
    records: Number(summary['total-records']),
    zstd,
    ...(remoteFirst === undefined ? {} : { remoteFiles: remoteFirst }),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}')).catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
