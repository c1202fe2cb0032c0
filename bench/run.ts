/**
 * `npm run bench [-- workload …] [--quick]`: runs the workloads side by side
 * with their peers, prints the tables and ratios, and rewrites each
 * workload's section of docs/BENCHMARKS.md. `--quick` shrinks the data for a
 * smoke run and does not touch the docs.
 */
import { readdirSync } from 'node:fs';
import { machineLine, renderSection, updateBenchmarksDoc, type Section } from './harness.js';
import { fileioBench } from './workloads/fileio.js';
import { parquetEncodeBench } from './workloads/parquet-encode.js';
import { icebergAppendBench } from './workloads/iceberg-append.js';
import { icebergScanBench } from './workloads/iceberg-scan.js';

/** One benchmark: a title for its docs section, and a run that returns its tables. */
export interface BenchWorkload {
  title: string;
  run: (quick: boolean) => Promise<Section[]>;
}

const workloads: Record<string, BenchWorkload> = {
  'fileio-local': {
    title: 'FileIO on local disk: 1 GiB in 8 MiB objects',
    run: (quick) => fileioBench({ parts: ['local'], ...(quick ? { totalBytes: 64 * 1024 * 1024, runs: 1 } : {}) }),
  },
  'fileio-s3': {
    title: 'FileIO on S3 (moto): 1 GiB in 8 MiB objects',
    run: (quick) => fileioBench({ parts: ['s3'], ...(quick ? { totalBytes: 64 * 1024 * 1024, runs: 1 } : {}) }),
  },
  'parquet-encode': {
    title: 'Parquet encoding: 1M-row transactions table, same Arrow input',
    run: (quick) => parquetEncodeBench(quick ? { rows: 100_000, runs: 1 } : {}),
  },
  'iceberg-append': {
    title: 'Iceberg append: 1M-row transactions table partitioned by day(ts), lakekit vs pyiceberg',
    run: (quick) => icebergAppendBench(quick ? { rows: 50_000, runs: 1 } : {}),
  },
  'iceberg-scan': {
    title: 'Iceberg scan: one day of 30 versus the full table',
    run: (quick) => icebergScanBench(quick ? { rows: 50_000, runs: 1 } : {}),
  },
};

// Module workloads register themselves: any bench/workloads/*.ts exporting
// `benchWorkloads` adds its entries (in file-name order), so each module's
// benchmarks live in its own file.
for (const file of readdirSync(new URL('./workloads/', import.meta.url)).filter((f) => f.endsWith('.ts')).sort()) {
  const mod = (await import(`./workloads/${file}`)) as { benchWorkloads?: Record<string, BenchWorkload> };
  for (const [name, w] of Object.entries(mod.benchWorkloads ?? {})) {
    if (name in workloads) throw new Error(`bench workload '${name}' is defined twice (bench/workloads/${file})`);
    workloads[name] = w;
  }
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
const names = chosen.length > 0 ? chosen : Object.keys(workloads);

for (const name of names) {
  const w = workloads[name];
  if (w === undefined) {
    console.error(`unknown workload '${name}'; choose from: ${Object.keys(workloads).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name}: ${w.title}`);
  const sections = await w.run(quick);
  const body = [`## ${w.title}`, '', `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}.`, '', ...sections.map(renderSection)].join('\n');
  console.log(body);
  if (!quick) updateBenchmarksDoc('docs/BENCHMARKS.md', name, body);
}
