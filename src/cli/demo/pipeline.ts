/**
 * DataX's daily flow, end to end, on a local lake: generate the extract,
 * land it in bronze, check it, quarantine what fails, classify and protect
 * the PII, write silver Parquet, build the gold Iceberg tables (customers
 * with the CDC batch merged in, transactions, daily KPIs), record lineage and
 * render the compliance report. Every step is idempotent, so running the demo
 * again changes nothing and says so.
 */
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Table as ArrowTable, tableFromIPC, tableToIPC, type RecordBatch } from 'apache-arrow';
import { applyPolicy, classifyTable, columnTags, LocalKeyring, protectHook, type ProtectionPolicy, type ProtectionReport, type TableClassification } from '../../classification/index.js';
import { arrowToRows, buildPartitionSpec, newSchema, optionalField, requiredField, rowsToArrow, Table, Transforms, Types } from '../../iceberg/index.js';
import { LocalFileIO } from '../../io/local.js';
import { complianceReport, FileTransport, LineageStore, Recorder, renderHtml, schemaFacet, tagsFacet, zoneLineageHook, type DatasetRef, type ZoneDataset } from '../../lineage/index.js';
import { checkQuality, dataQualityAssertionsFacet, qualityGate, writeQuarantine, type QualityResult } from '../../quality/index.js';
import { aggregateKpis, applyDmsBatch, BronzeWriter, describeWithReaders, ensureGoldTable, decodeWithReaders, parseLakeConfig, promote, readDmsFiles, SilverWriter, standardize, writeKpiTable, type BronzeFileEntry, type IngestReport, type Lake, type MalformedRow } from '../../zones/index.js';
import { AlreadyExistsError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { openCliLake } from '../lake.js';
import { CUSTOMER_COLUMNS, DEMO_BUSINESS_DATE, generateExtract, type DemoFile } from './generate.js';
import { datesAsText, DEMO_POLICY, DEMO_RULES, DEMO_SILVER_RULES, fitPolicy, gateRules, policyFileText, ruleFileText } from './rules.js';

/** Defaults of `lakekit demo`. */
export const DEMO_DEFAULTS = { dir: './lakekit-demo', rows: 2000, seed: 42 } as const;

/** Where the demo keeps its keyring, lineage, rules and report, relative to the demo directory. */
export const DEMO_LAYOUT = {
  config: 'lakekit.config.yaml',
  incoming: 'incoming',
  keyring: '_keys/keyring.json',
  lineage: '_lineage',
  rules: 'rules',
  policy: 'policy.yaml',
  report: 'reports/gold.daily_kpis.html',
} as const;

type DatasetName = 'customers' | 'accounts' | 'transactions';

/** What one dataset went through. */
export interface DemoDatasetSummary {
  dataset: string;
  file: string;
  rows: { bronze: number; malformed: number; quarantined: number; silver: number };
  quality: { passed: number; failed: number; rules: { id: string; severity: string; status: string; failedRows: number | null }[]; quarantine: string | null };
  malformed: MalformedRow[];
  silver: { status: 'done' | 'skipped'; version: number | null; files: number };
}

/** The summary `lakekit demo` prints (and `--json` emits). */
export interface DemoSummary {
  dir: string;
  seed: number;
  rows: number;
  bronze: { stored: number; duplicates: number; objects: { name: string; key: string; sha256: string; size: number; status: string }[] };
  datasets: DemoDatasetSummary[];
  findings: { dataset: string; column: string; types: string[]; sensitivity: string; hitRatio: number; action: string }[];
  gold: { table: string; rows: number; snapshotId: string | null; status: 'done' | 'skipped' }[];
  cdc: { batchId: string; status: string; inserted: number; updated: number; deleted: number };
  expected: { badRows: number; cdc: { inserts: number; updates: number; deletes: number } };
  /** True when a quality gate stopped a promotion (the demo then exits 1). */
  gateBlocked: boolean;
  report: string;
  lineageEvents: number;
  elapsedMs: number;
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const old = existsSync(path) ? await readFile(path, 'utf8') : undefined;
  if (old !== text) await writeFile(path, text);
}

/** Rows of `table` at the given positions. */
function keepRows(table: ArrowTable, drop: ReadonlySet<number>): ArrowTable {
  if (drop.size === 0) return table;
  const batches: RecordBatch[] = [];
  let offset = 0;
  for (const b of table.batches) {
    let start = 0;
    for (let i = 0; i <= b.numRows; i++) {
      if (i === b.numRows || drop.has(offset + i)) {
        if (i > start) batches.push(b.slice(start, i));
        start = i + 1;
      }
    }
    offset += b.numRows;
  }
  // Sliced batches are copied out (IPC round trip): cell readers elsewhere assume zero offsets.
  return tableFromIPC(tableToIPC(new ArrowTable(table.schema, batches)));
}

/** The gold tables' schemas: protected columns are text, ids and money stay typed. */
const GOLD_CUSTOMERS = newSchema([requiredField(1, 'customer_id', Types.long), ...CUSTOMER_COLUMNS.slice(1).map((c, i) => optionalField(i + 2, c, Types.string))]);
const GOLD_TRANSACTIONS = newSchema([
  requiredField(1, 'transaction_id', Types.long),
  optionalField(2, 'account_id', Types.string),
  optionalField(3, 'amount', Types.decimal(12, 2)),
  optionalField(4, 'currency', Types.string),
  optionalField(5, 'ts', Types.timestamptz),
  optionalField(6, 'merchant', Types.string),
  optionalField(7, 'memo', Types.string),
]);

/** Run the demo in `dir`. */
export async function runDemo(ctx: CliContext, options: { dir: string; rows: number; seed: number }): Promise<DemoSummary> {
  const started = Date.now();
  const dir = options.dir;
  const at = (p: string) => join(dir, p);
  const uri = (p: string) => pathToFileURL(at(p)).href;
  const extract = generateExtract({ rows: options.rows, seed: options.seed });

  // 1. The demo directory: configuration, the incoming extract, rule files and the policy file.
  const configText = '# The lakekit demo lake (written by `lakekit demo`).\nname: lakekit-demo\nroot: .\n';
  await writeText(at(DEMO_LAYOUT.config), configText);
  const sources: Record<DatasetName, DemoFile> = { customers: extract.customers, accounts: extract.accounts, transactions: extract.transactions };
  for (const f of [...Object.values(sources), extract.cdc]) await writeText(at(join(DEMO_LAYOUT.incoming, f.name)), f.text);
  for (const [name, rules] of Object.entries(DEMO_RULES)) await writeText(at(join(DEMO_LAYOUT.rules, `${name}.yaml`)), ruleFileText(rules));
  for (const [name, rules] of Object.entries(DEMO_SILVER_RULES)) await writeText(at(join(DEMO_LAYOUT.rules, `${name}.silver.yaml`)), ruleFileText(rules));
  await writeText(at(DEMO_LAYOUT.policy), policyFileText(DEMO_LAYOUT.keyring));

  const lake: Lake = await openCliLake(ctx, { config: parseLakeConfig(configText, at(DEMO_LAYOUT.config)), file: at(DEMO_LAYOUT.config), baseDir: dir });
  const local = new LocalFileIO();

  // 2. Keys: a local keyring kept in the demo lake (never printed).
  const keyringUri = uri(DEMO_LAYOUT.keyring);
  const hadKeyring = existsSync(at(DEMO_LAYOUT.keyring));
  const keys = hadKeyring ? await LocalKeyring.load(local, keyringUri) : new LocalKeyring();
  if (!hadKeyring) {
    for (const k of ['pan', 'pii', 'account']) await keys.current(k);
    await mkdir(at('_keys'), { recursive: true });
    await keys.save(local, keyringUri);
    await chmod(at(DEMO_LAYOUT.keyring), 0o600); // raw keys: readable by the owner only
  }
  const policy: ProtectionPolicy = { ...DEMO_POLICY, keys };

  // 3. Lineage: OpenLineage NDJSON under the demo lake.
  await mkdir(at(DEMO_LAYOUT.lineage), { recursive: true });
  const recorder = new Recorder({
    namespace: 'lakekit-demo',
    transport: new FileTransport({ io: local, prefix: `${uri(DEMO_LAYOUT.lineage)}/`, append: (loc, data) => appendFile(fileURLToPath(loc), data) }),
    onError: (e) => ctx.log(`lineage: ${e.message}`),
  });
  const catalogName = lake.catalog.name;
  const resolve = (d: ZoneDataset): DatasetRef =>
    d.namespace === 'bronze' ? { namespace: lake.bronze.root, name: d.name } : d.namespace === 'silver' ? { namespace: lake.silver.root, name: d.name } : { namespace: `iceberg://${catalogName}`, name: d.name };
  const goldRef = (t: Table): DatasetRef => ({ namespace: `iceberg://${catalogName}`, name: t.name });

  // 4. Bronze: every file byte for byte, with a manifest; duplicates detected by content.
  const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io, describe: describeWithReaders(), ...(lake.bronze.retention === undefined ? {} : { retention: lake.bronze.retention }) });
  const silver = new SilverWriter({ root: lake.silver.root, io: lake.silver.io });
  const ingests: Partial<Record<DatasetName | 'cdc', IngestReport>> = {};
  const ingestProgress = ctx.progress('ingesting to bronze', 4);
  for (const [name, f] of Object.entries(sources) as [DatasetName, DemoFile][]) {
    ingests[name] = await recorder.run(`bronze.ingest_${name}`, async (lctx) => {
      const r = await bronze.ingest({ source: 'core-banking', files: [{ name: f.name, data: f.text }] });
      const e = r.manifest.files[0]!;
      lctx.addInput({ namespace: pathToFileURL(at(DEMO_LAYOUT.incoming)).href, name: f.name });
      lctx.addOutput({ namespace: lake.bronze.root, name: e.key });
      return r;
    });
    ingestProgress.tick();
  }
  ingests.cdc = await bronze.ingest({ source: 'dms/customers', files: [{ name: extract.cdc.name, data: extract.cdc.text }] });
  ingestProgress.tick();
  const allIngests = Object.values(ingests);
  ingestProgress.done(`bronze: ${allIngests.reduce((s, r) => s + r.stored, 0)} stored, ${allIngests.reduce((s, r) => s + r.duplicates, 0)} duplicate`);

  // 5. Gold tables (created once).
  await lake.catalog.createNamespace(['gold']).catch((e: unknown) => {
    if (!(e instanceof AlreadyExistsError)) throw e;
  });
  const goldCustomers = await ensureGoldTable(lake.catalog, 'gold.customers', GOLD_CUSTOMERS);
  // Partitioned by day(ts): a scan for a day reads only that day's files.
  const goldTransactions = await ensureGoldTable(lake.catalog, 'gold.transactions', GOLD_TRANSACTIONS, buildPartitionSpec(GOLD_TRANSACTIONS, [{ source: 'ts', transform: Transforms.day }]));
  const goldFor: Partial<Record<DatasetName, { table: Table; key: string }>> = { customers: { table: goldCustomers, key: 'customer_id' }, transactions: { table: goldTransactions, key: 'transaction_id' } };

  // 6. Per dataset: check, quarantine, classify, protect, silver, gold.
  const decode = decodeWithReaders();
  const datasets: DemoDatasetSummary[] = [];
  const findings: DemoSummary['findings'] = [];
  const classifications: Partial<Record<DatasetName, TableClassification>> = {};
  const goldSteps: DemoSummary['gold'] = [];
  let gateBlocked = false;
  for (const name of ['customers', 'accounts', 'transactions'] as const) {
    const report = ingests[name]!;
    const entry: BronzeFileEntry = report.manifest.files[0]!;
    const progress = ctx.progress(`promoting ${name}`, 1);
    const decoded = await decode({ entry, bytes: await bronze.read(entry) });
    const raw = decoded.table;
    const rules = DEMO_RULES[name];
    const { result, quarantine } = await checkQuality(raw, rules, { quarantine: true });
    const bad = new Set(result.failingRows.map((r) => Number(r.key._row)));
    let quarantineUri: string | null = null;
    if (quarantine !== undefined && quarantine.numRows > 0) {
      // Quarantined rows hold raw PII too: protect them like silver before they are written.
      const q = datesAsText(quarantine, ['date_of_birth']);
      const safe = (await applyPolicy(q, fitPolicy(policy, q))).table;
      quarantineUri = `${lake.silver.root}/_quarantine/${rules.dataset}/sha256=${entry.sha256.slice(0, 16)}/failing.parquet`;
      await writeQuarantine(lake.silver.io, quarantineUri, safe);
    }
    const good = keepRows(raw, bad);
    const cleaned = datesAsText(standardize(good, name === 'transactions' ? { timestamps: ['ts'], currencies: ['currency'] } : name === 'accounts' ? { currencies: ['currency'] } : {}).table, ['date_of_birth']);
    const cls = classifyTable(cleaned, { fullScan: true });
    classifications[name] = cls;
    let protection: ProtectionReport | undefined;
    const gold = goldFor[name];
    const lineageHook = zoneLineageHook(recorder, { resolve });
    let silverSchema = cleaned.schema;
    const promoted = await promote({
      bronze,
      silver,
      batch: report.manifest,
      dataset: rules.dataset!,
      job: `promote.${rules.dataset}`,
      decode: () => ({ table: raw, ...(decoded.malformed === undefined ? {} : { malformed: decoded.malformed }) }),
      transform: () => cleaned,
      silverOptions: { domain: 'core', date: DEMO_BUSINESS_DATE },
      qualityGate: qualityGate(gateRules(rules, cleaned)),
      protect: async (t, hctx) => {
        const out = await protectHook(fitPolicy({ ...policy, classification: cls }, t), (r) => void (protection = r))(t, hctx);
        silverSchema = out.schema;
        return out;
      },
      ...(gold === undefined ? {} : { gold: { table: gold.table, mode: 'merge' as const, key: [gold.key] } }),
      lineage: {
        start: (e) => lineageHook.start(e),
        fail: (e) => lineageHook.fail(e),
        complete: (e) =>
          lineageHook.complete({
            ...e,
            // The checks and the classification describe the rows both outputs received (silver, and gold from it).
            outputs: e.outputs.map((o) => ({
              ...o,
              ...(o.namespace === 'silver' ? { schema: silverSchema } : {}),
              facets: {
                ...o.facets,
                dataQualityAssertions: dataQualityAssertionsFacet(result),
                tags: tagsFacet(columnTags(cls).flatMap((t) => [{ key: 'sensitivity', value: t.sensitivity, field: t.column, source: 'CLASSIFICATION' }, ...t.types.map((ty) => ({ key: 'classification', value: `PII.${ty}`, field: t.column, source: 'CLASSIFICATION' }))])),
              },
            })),
          }),
      },
    });
    if (promoted.status === 'quality-failed') gateBlocked = true;
    const silverStep = promoted.steps.find((s) => s.step === 'silver');
    const goldStep = promoted.steps.find((s) => s.step === 'gold');
    for (const c of cls.columns.filter((x) => x.types.length > 0 || DEMO_POLICY.columns?.[x.column] !== undefined)) {
      const action = protection?.columns.find((p) => p.column === c.column)?.action ?? describeAction({ ...policy, classification: cls }, c.column, c.types, c.sensitivity);
      findings.push({ dataset: rules.dataset!, column: c.column, types: c.types, sensitivity: c.sensitivity, hitRatio: Math.max(0, ...c.findings.map((f) => f.hitRatio)), action });
    }
    const silverRows = (await silver.read(rules.dataset!)).numRows;
    datasets.push({
      dataset: rules.dataset!,
      file: entry.name,
      rows: { bronze: raw.numRows + (decoded.malformed?.length ?? 0), malformed: decoded.malformed?.length ?? 0, quarantined: bad.size, silver: silverRows },
      quality: summarizeQuality(result, quarantineUri),
      malformed: decoded.malformed ?? [],
      silver: { status: silverStep?.status === 'done' ? 'done' : 'skipped', version: silverStep?.version ?? null, files: silverStep?.files ?? 0 },
    });
    if (gold !== undefined) {
      await gold.table.refresh();
      goldSteps.push({ table: gold.table.name, rows: 0, snapshotId: goldStep?.snapshotId?.toString() ?? null, status: goldStep?.status === 'done' ? 'done' : 'skipped' });
    }
    progress.done(`${rules.dataset}: ${raw.numRows} read, ${bad.size} quarantined, ${decoded.malformed?.length ?? 0} malformed, silver ${silverStep?.status ?? 'stopped'}`);
  }

  // 7. CDC: the DMS batch, protected with the same keys (so hashes and tokens still match), merged exactly once.
  const cdcEntry = ingests.cdc.manifest.files[0]!;
  const cdc = await recorder.run('gold.customers.apply_cdc', async (lctx) => {
    lctx.addInput({ namespace: lake.bronze.root, name: cdcEntry.key });
    lctx.addOutput(goldRef(goldCustomers));
    const changes = await readDmsFiles(goldCustomers, [{ name: cdcEntry.name, bytes: await bronze.read(cdcEntry) }], { timestampColumn: 'commit_ts' });
    const values = rowsToArrow(
      changes.rows.map((r) => Object.fromEntries(CUSTOMER_COLUMNS.map((c) => [c, r[c] ?? null]))),
      GOLD_CUSTOMERS,
    );
    const safe = arrowToRows((await applyPolicy(values, fitPolicy({ ...policy, ...(classifications.customers === undefined ? {} : { classification: classifications.customers }) }, values))).table);
    const protectedChanges = changes.rows.map((r, i) => ({ ...safe[i], Op: r.Op, commit_ts: r.commit_ts }));
    return applyDmsBatch(goldCustomers, { id: extract.cdcBatchId, changes: protectedChanges, sha256: changes.sha256 }, { key: ['customer_id'], timestampColumn: 'commit_ts' });
  });
  const customersGold = goldSteps.find((g) => g.table === goldCustomers.name);
  if (customersGold !== undefined && cdc.status === 'applied' && cdc.snapshot !== undefined) Object.assign(customersGold, { snapshotId: cdc.snapshot.snapshotId.toString(), status: 'done' });

  // 8. Daily KPIs per currency, recomputed only when gold.transactions changed.
  const txStep = goldSteps.find((g) => g.table === goldTransactions.name);
  const kpiId = 'gold.daily_kpis';
  const kpiExists = await lake.catalog.tableExists({ namespace: ['gold'], name: 'daily_kpis' });
  if (!kpiExists || txStep?.status === 'done') {
    await recorder.run('gold.daily_kpis', async (lctx) => {
      lctx.addInput(goldRef(goldTransactions));
      const tx = await goldTransactions.scan({ select: ['account_id', 'amount', 'currency', 'ts'] }).toArrow();
      // Amounts stay decimal(12,2): the daily totals are exact decimal(22,2) sums.
      const kpis = aggregateKpis(tx, {
        time: 'ts',
        grain: 'day',
        dimensions: ['currency'],
        measures: { amount_total: { agg: 'sum', column: 'amount' }, transactions: { agg: 'count' }, active_accounts: { agg: 'count_distinct', column: 'account_id' } },
      });
      const r = await writeKpiTable(lake.catalog, kpiId, kpis);
      lctx.addOutput({ namespace: `iceberg://${catalogName}`, name: kpiId, facets: { schema: schemaFacet(kpis.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }))) } });
      goldSteps.push({ table: kpiId, rows: 0, snapshotId: r.snapshot?.snapshotId.toString() ?? null, status: 'done' });
    });
  } else {
    goldSteps.push({ table: kpiId, rows: 0, snapshotId: null, status: 'skipped' });
  }
  for (const g of goldSteps) {
    const t = g.table === goldCustomers.name ? goldCustomers : g.table === goldTransactions.name ? goldTransactions : await Table.load(lake.catalog, g.table);
    await t.refresh();
    g.rows = await t.scan().count();
    g.snapshotId ??= t.currentSnapshot()?.snapshotId.toString() ?? null;
  }
  await recorder.close();

  // 9. The compliance report for the KPI table, from the recorded lineage.
  const store = await LineageStore.fromFileIO(local, `${uri(DEMO_LAYOUT.lineage)}/`);
  const html = renderHtml(complianceReport(store.graph, { namespace: `iceberg://${catalogName}`, name: kpiId }));
  await mkdir(at('reports'), { recursive: true });
  await writeFile(at(DEMO_LAYOUT.report), html);

  const objects = allIngests.flatMap((r) => r.manifest.files.map((f) => ({ name: f.name, key: f.key, sha256: f.sha256, size: f.size, status: f.status })));
  return {
    dir,
    seed: options.seed,
    rows: options.rows,
    bronze: { stored: objects.filter((o) => o.status === 'stored').length, duplicates: objects.filter((o) => o.status === 'duplicate').length, objects },
    datasets,
    findings,
    gold: goldSteps,
    cdc: { batchId: cdc.batchId, status: cdc.status, inserted: cdc.inserted, updated: cdc.updated, deleted: cdc.deleted },
    expected: { badRows: extract.badRows.customers + extract.badRows.transactions + extract.malformedLines.transactions, cdc: extract.counts.cdc },
    gateBlocked,
    report: at(DEMO_LAYOUT.report),
    lineageEvents: store.graph.runCount,
    elapsedMs: Date.now() - started,
  };
}

function summarizeQuality(result: QualityResult, quarantine: string | null): DemoDatasetSummary['quality'] {
  return {
    passed: result.rules.filter((r) => r.status === 'pass').length,
    failed: result.rules.filter((r) => r.status !== 'pass').length,
    rules: result.rules.map((r) => ({ id: r.id, severity: r.severity, status: r.status, failedRows: r.failedRows ?? null })),
    quarantine,
  };
}

/** The action a policy picks for a column (for the summary when nothing was protected this run). */
function describeAction(policy: ProtectionPolicy, column: string, types: readonly string[], sensitivity: string): string {
  const byColumn = policy.columns?.[column];
  if (byColumn !== undefined) return byColumn.action;
  for (const t of types) {
    const r = policy.types?.[t];
    if (r !== undefined) return r.action;
  }
  return policy.levels?.[sensitivity as 'restricted']?.action ?? 'keep';
}

