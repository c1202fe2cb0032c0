import { MemoryFileIO } from './src/io/index.js';
import { newSchema, optionalField, requiredField, Types } from './src/iceberg/index.js';
import { BronzeWriter, SilverWriter, ensureGoldTable, openLake, promote } from './src/zones/index.js';
import { checkQuality, qualityGate } from './src/quality/index.js';
import { FileTransport, LineageStore, Recorder, complianceReport, renderMarkdown, renderSvg, zoneLineageHook } from './src/lineage/index.js';

const io = new MemoryFileIO();
const lake = await openLake({ root: 'memory://lakekit-demo' }, { fileIO: () => io });
const recorder = new Recorder({ namespace: 'notebook', transport: new FileTransport({ io, prefix: 'memory://lakekit-demo/_lineage/' }) });
await lake.catalog.createNamespace(['gold']);
const gold = await ensureGoldTable(lake.catalog, 'gold.transactions', newSchema([
  requiredField(1, 'tx_id', Types.long),
  optionalField(2, 'account_id', Types.string),
  optionalField(3, 'amount', Types.decimal(12, 2)),
  optionalField(4, 'currency', Types.string),
  optionalField(5, 'day', Types.date),
]));
const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io });
const silver = new SilverWriter({ root: lake.silver.root, io: lake.silver.io });
const csv = `tx_id,account_id,amount,currency,day
1,ACC-001,1250.00,THB,2026-11-20
2,ACC-002,89.90,USD,2026-11-20
3,ACC-001,-15.00,THB,2026-11-21
4,ACC-003,4200.00,EUR,2026-11-21
`;
const landed = await bronze.ingest({ source: 'core-banking', files: [{ name: 'transactions.csv', data: csv }] });
const run = await promote({
  bronze, silver, batch: landed.manifest, dataset: 'core.transactions',
  silverOptions: { domain: 'core', dateColumn: 'day' },
  qualityGate: qualityGate({ keys: ['tx_id'], rules: [{ type: 'primaryKey', columns: ['tx_id'] }, { type: 'inSet', column: 'currency', values: ['THB', 'USD', 'EUR'] }] }),
  gold: { table: gold, mode: 'merge', key: ['tx_id'] },
  lineage: zoneLineageHook(recorder),
});
await recorder.close();
console.log(run.steps.map((s) => `${s.step}: ${s.status} (${s.rowsOut} rows)`));
const table = await gold.scan().toArrow();
console.table(table.toArray().map((r) => r.toJSON()));
const { result } = await checkQuality(table, { dataset: 'gold.transactions', keys: ['tx_id'], rules: [
  { type: 'primaryKey', columns: ['tx_id'] },
  { type: 'between', column: 'amount', min: 0, name: 'amount is not negative' },
] });
console.log(result.rules.map((r) => `${r.id}: ${r.status} (${r.failedRows ?? 0} failing rows)`));
const store = await LineageStore.fromFileIO(io, 'memory://lakekit-demo/_lineage/');
console.log(store.graph.datasets());
const target = store.graph.datasets().find((d) => d.name.includes('transactions') && d.namespace.includes('gold'))!;
const report = complianceReport(store.graph, target);
console.log(renderMarkdown(report).slice(0, 800));
console.log(renderSvg(report).slice(0, 200));
