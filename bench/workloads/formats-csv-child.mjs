// The lakekit side of the CSV → Parquet benchmark (bench/workloads/formats-csv.ts), in its own
// process so its peak RSS is the run's, against the BUILT package (as users run it):
//
//   node bench/workloads/formats-csv-child.mjs <dist> <mode> <input.csv> <output>
//
// mode: parquet        readCsv → ParquetWriter (snappy) → one file at <output>
//       silver         readCsv → SilverWriter.writeBatches into a silver zone at <output>
//       silver-worker  readCsvInWorker (parsing on a worker thread) → SilverWriter.writeBatches
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const MIB = 1024 * 1024;

/** Peak RSS of this process (Linux VmHWM). */
function peakRss() {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

async function main(dist, mode, input, output) {
  const load = (entry) => import(pathToFileURL(join(dist, entry)).href);
  const [formats, iceberg, local, zones] = await Promise.all([load('formats/index.js'), load('iceberg/index.js'), load('io/local.js'), load('zones/index.js')]);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const fromDisk = () => Readable.toWeb(createReadStream(input, { highWaterMark: MIB }));
  let result;
  if (mode === 'parquet') {
    const stream = formats.readCsv(fromDisk());
    const writer = new iceberg.ParquetWriter(iceberg.arrowToIcebergSchema(await stream.schema), { codec: 'snappy' });
    const out = createWriteStream(output, { highWaterMark: 4 * MIB });
    const put = async (chunks) => {
      for (const c of chunks) if (!out.write(c)) await new Promise((r) => out.once('drain', () => r()));
    };
    let rows = 0;
    for await (const batch of stream) {
      rows += batch.numRows;
      await put(await writer.write(batch));
    }
    const done = await writer.finish();
    await put(done.chunks);
    await new Promise((res, rej) => out.end((e) => (e ? rej(e) : res())));
    result = { rows, malformed: stream.malformed.length, outBytes: done.fileSize };
  } else if (mode === 'silver' || mode === 'silver-worker') {
    const stream = mode === 'silver' ? formats.readCsv(fromDisk()) : local.readCsvInWorker({ path: input });
    const silver = new zones.SilverWriter({ root: pathToFileURL(output).href, io: new local.LocalFileIO() });
    const r = await silver.writeBatches('bench.transactions', stream, { domain: 'bench', dateColumn: 'ts', batchId: 'bench-1' });
    result = { rows: r.rowsOut, malformed: stream.malformed.length, outBytes: r.files.reduce((a, f) => a + f.size, 0), files: r.files.length, peakBufferedBytes: r.peakBufferedBytes ?? 0 };
  } else throw new Error(`unknown mode ${mode}`);
  const c = process.cpuUsage(c0);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, maxRssBytes: peakRss(), ...result })}\n`);
}

const [dist, mode, input, output] = process.argv.slice(2);
main(dist, mode, input, output).catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
