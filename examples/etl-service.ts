/**
 * An ETL job as a service would run it: one CSV extract from a core-banking
 * system lands in bronze as received, is checked against quality rules
 * (a failing gate stops the job and quarantines the rows), has its PII
 * protected (emails hashed with a keyed HMAC, phone numbers masked), is
 * written to silver as Parquet and merged into a gold Iceberg table — with
 * every step recorded as OpenLineage events under `<lake>/_lineage/`.
 *
 *   npx tsx examples/etl-service.ts [customers.csv] [--lake ./lake]
 *
 * Without a CSV it writes a small sample extract first. Exit codes: 0 done,
 * 1 the quality gate stopped the job, 2 bad input.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalKeyring, protectHook } from '../src/classification/index.js';
import { newSchema, optionalField, requiredField, Types } from '../src/iceberg/index.js';
import { LocalFileIO } from '../src/io/local.js';
import { FileTransport, Recorder, zoneLineageHook } from '../src/lineage/index.js';
import { qualityGate, type RuleSet } from '../src/quality/index.js';
import { BronzeWriter, ensureGoldTable, openLake, promote, SilverWriter, standardize } from '../src/zones/index.js';

/** The rules a customers extract must pass before it reaches silver. */
export const CUSTOMER_RULES: RuleSet = {
  dataset: 'core.customers',
  keys: ['customer_id'],
  rules: [
    { type: 'rowCount', min: 1 },
    { type: 'primaryKey', columns: ['customer_id'] },
    { type: 'isComplete', column: 'email' },
    { type: 'matches', column: 'email', pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$' },
    { type: 'inSet', column: 'country', values: ['TH', 'SG', 'GB', 'US'] },
  ],
};

const SAMPLE = `customer_id,name,email,phone,country,signup_date
1001,Somchai Jaidee,somchai.j@example.co.th,+66 81 234 5678,TH,2026-11-20
1002,Tan Wei Ling,weiling.tan@example.com.sg,+65 9123 4567,SG,2026-11-20
1003,Olivia Smith,olivia.smith@example.co.uk,+44 7700 900123,GB,2026-11-21
1004,James Carter,j.carter@example.com,+1 415 555 0134,US,2026-11-21
`;

/** Run the job; resolves to the process exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { lake: { type: 'string', default: './lake' } } });
  const lakeDir = resolve(values.lake);
  let csvPath = positionals[0];
  if (csvPath === undefined) {
    csvPath = join(lakeDir, '..', 'landing', 'customers.csv');
    await mkdir(join(csvPath, '..'), { recursive: true });
    await writeFile(csvPath, SAMPLE);
  }
  const csv = await readFile(csvPath).catch(() => undefined);
  if (csv === undefined) {
    console.error(`etl: cannot read ${csvPath}; pass a CSV extract`);
    return 2;
  }

  const io = new LocalFileIO();
  const lakeUri = pathToFileURL(lakeDir).href;
  const lake = await openLake({ root: lakeUri }, { fileIO: () => io });
  const recorder = new Recorder({ namespace: 'etl-service', transport: new FileTransport({ io, prefix: `${lakeUri}/_lineage/` }) });
  // Keys would come from KMS in production (lakekit/classification/aws); a local keyring keeps the example offline.
  const keys = new LocalKeyring();

  const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io });
  const silver = new SilverWriter({ root: lake.silver.root, io: lake.silver.io });
  await lake.catalog.createNamespace(['gold']).catch(() => undefined); // exists on the second run
  const gold = await ensureGoldTable(
    lake.catalog,
    'gold.customers',
    newSchema([
      requiredField(1, 'customer_id', Types.long),
      optionalField(2, 'name', Types.string),
      optionalField(3, 'email', Types.string),
      optionalField(4, 'phone', Types.string),
      optionalField(5, 'country', Types.string),
      optionalField(6, 'signup_date', Types.date),
    ]),
  );

  const landed = await bronze.ingest({ source: 'core-banking', files: [{ name: 'customers.csv', data: new Uint8Array(csv) }] });
  const result = await promote({
    bronze,
    silver,
    batch: landed.manifest,
    dataset: 'core.customers',
    transform: (t) => standardize(t, { dates: ['signup_date'] }).table,
    silverOptions: { domain: 'core', dateColumn: 'signup_date' },
    qualityGate: qualityGate(CUSTOMER_RULES),
    protect: protectHook({ keys, columns: { email: { action: 'hash', key: 'pii' }, phone: { action: 'mask' } } }),
    gold: { table: gold, mode: 'merge', key: ['customer_id'] },
    lineage: zoneLineageHook(recorder),
  });
  await recorder.close();

  for (const s of result.steps) console.log(`${s.step.padEnd(12)} ${s.status.padEnd(8)} ${s.rowsOut ?? ''}`);
  if (result.status === 'quality-failed') {
    const reasons = (result.qualityReport as { reasons?: string[] } | undefined)?.reasons ?? [];
    console.log(`quality gate failed (${reasons.join('; ')}); ${result.quarantine?.rows ?? 0} row(s) quarantined at ${result.quarantine?.location ?? '?'}`);
    return 1;
  }
  const rows = await gold.scan({ select: ['customer_id', 'email', 'phone'] }).toRows();
  console.log(`gold.customers: ${rows.length} rows; e.g. ${JSON.stringify(rows[0], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  console.log(`lineage: ${join(lakeDir, '_lineage')}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
