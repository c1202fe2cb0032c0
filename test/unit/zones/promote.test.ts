import { tableFromArrays, Table as ArrowTable } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import { newSchema, optionalField, requiredField, Table, Types } from '../../../src/iceberg/index.js';
import { BronzeWriter, ensureGoldTable, promote, SilverWriter, standardize, type DecodeFile, type LineageHook, type MalformedRow } from '../../../src/zones/index.js';
import { backends, FailingFileIO } from './fixtures.js';

/** A tiny CSV decoder for the tests (header row, comma-separated, no quotes); rows with a wrong field count are malformed. */
const decode: DecodeFile = ({ bytes }) => {
  const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l !== '');
  const header = lines[0]!.split(',');
  const cols: Record<string, string[]> = Object.fromEntries(header.map((h) => [h, []]));
  const malformed: MalformedRow[] = [];
  lines.slice(1).forEach((line, i) => {
    const f = line.split(',');
    if (f.length !== header.length) malformed.push({ line: i + 2, reason: `expected ${header.length} fields, got ${f.length}`, text: line });
    else header.forEach((h, j) => cols[h]!.push(f[j]!));
  });
  return { table: tableFromArrays(cols), malformed };
};
const transform = (t: ArrowTable) => standardize(t, { dates: ['day'], currencies: ['ccy'], identifiers: ['customer'] }).table;
const goldSchema = newSchema([requiredField(1, 'order_id', Types.string), optionalField(2, 'day', Types.date), optionalField(3, 'ccy', Types.string), optionalField(4, 'customer', Types.string)]);

describe.each(backends)('promotion on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  async function setup() {
    const env = await backend.make();
    cleanups.push(env.cleanup);
    const failing = new FailingFileIO(env.io);
    const bronze = new BronzeWriter({ root: `${env.root}/bronze`, io: env.io });
    const silver = new SilverWriter({ root: `${env.root}/silver`, io: failing });
    const catalog = new FileSystemCatalog({ warehouse: `${env.root}/gold/warehouse`, io: failing });
    const gold = await ensureGoldTable(catalog, 'gold.orders', goldSchema);
    const events: string[] = [];
    const lineage: LineageHook = {
      start: (e) => void events.push(`start ${e.job} ${e.inputs.length}`),
      complete: (e) => void events.push(`complete ${e.job} ${e.inputs.map((i) => i.namespace).join(',')} → ${e.outputs.map((o) => `${o.namespace}:${o.name}`).join(' ')}`),
      fail: () => void events.push('fail'),
    };
    return { failing, bronze, silver, gold, events, lineage };
  }
  const csv = 'order_id,day,ccy,customer\no1,2026-11-20,eur, Ada \no2,2026-11-21,THB,Bo\nbroken,row\no3,2026-11-21,usd,Cy\n';

  it('takes a bronze batch to silver, then gold, as two traced runs; malformed rows stay in bronze', async () => {
    const { bronze, silver, gold, events, lineage } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: csv }] });
    const r = await promote({ bronze, silver, batch: ingest.manifestLocation, decode, transform, dataset: 'sales.orders', silverOptions: { domain: 'sales', dateColumn: 'day' }, gold: { table: gold, mode: 'merge', key: ['order_id'] }, lineage });
    expect(r.status).toBe('completed');
    expect(r.malformed).toEqual([{ file: ingest.manifest.files[0]!.key, rows: [{ line: 4, reason: 'expected 4 fields, got 2', text: 'broken,row' }] }]);
    expect(r.steps.map((s) => [s.step, s.status, s.rowsIn, s.rowsOut])).toEqual([
      ['read-bronze', 'done', 3, 3],
      ['silver', 'done', 3, 3],
      ['gold', 'done', 3, 3],
    ]);
    expect(r.steps[2]!.snapshotId).toBe(gold.currentSnapshot()!.snapshotId);
    // Gold's run reads the silver dataset, so gold's provenance goes through silver to bronze.
    expect(events).toEqual([
      'start promote.sales.orders 1',
      'complete promote.sales.orders bronze → silver:sales.orders',
      'start promote.sales.orders.gold 1',
      'complete promote.sales.orders.gold silver → lakekit:gold.orders',
    ]);
    expect((await gold.scan({ select: ['order_id', 'ccy', 'customer'] }).toRows()).sort((a, b) => String(a['order_id']).localeCompare(String(b['order_id'])))).toEqual([
      { order_id: 'o1', ccy: 'EUR', customer: 'Ada' },
      { order_id: 'o2', ccy: 'THB', customer: 'Bo' },
      { order_id: 'o3', ccy: 'USD', customer: 'Cy' },
    ]);
    // Running it again changes nothing.
    const again = await promote({ bronze, silver, batch: ingest.manifest, decode, transform, dataset: 'sales.orders', silverOptions: { domain: 'sales', dateColumn: 'day' }, gold: { table: gold, mode: 'merge', key: ['order_id'] } });
    // Silver already holds the batch, so bronze is not read again.
    expect(again.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(await gold.scan().count()).toBe(3);
    expect((await silver.read('sales.orders')).numRows).toBe(3);
  });

  it('a failing quality gate stops the job: rows quarantined, silver and gold untouched', async () => {
    const { bronze, silver, gold, events, lineage } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: csv }] });
    const r = await promote({
      bronze, silver, batch: ingest.manifest, decode, transform, dataset: 'sales.orders', silverOptions: { domain: 'sales', dateColumn: 'day' }, gold: { table: gold }, lineage,
      qualityGate: async (t) => ({ passed: false, failingRows: t.slice(0, 1), report: { rule: 'no rows' } }),
    });
    expect(r.status).toBe('quality-failed');
    expect(r.quarantine?.rows).toBe(1);
    expect(events).toEqual(['start promote.sales.orders 1', 'fail']);
    expect(await silver.current('sales.orders')).toBeUndefined();
    expect(gold.currentSnapshot()).toBeUndefined();
    expect(await bronze.read(ingest.manifest.files[0]!)).toEqual(new TextEncoder().encode(csv));
  });

  it('a gold step that fails fails its own lineage run; the silver run it read from stays complete', async () => {
    const { bronze, silver, gold, events, lineage } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: csv }] });
    await expect(promote({ bronze, silver, batch: ingest.manifest, decode, transform, dataset: 'sales.orders', silverOptions: { domain: 'sales', dateColumn: 'day' }, gold: { table: gold, mode: 'merge' }, lineage })).rejects.toThrow(/needs key columns/);
    expect(events).toEqual(['start promote.sales.orders 1', 'complete promote.sales.orders bronze → silver:sales.orders', 'start promote.sales.orders.gold 1', 'fail']);
    expect((await silver.read('sales.orders')).numRows).toBe(3);
    expect(gold.currentSnapshot()).toBeUndefined();
  });

  it('a crash mid-promotion leaves nothing partial visible, and a rerun finishes exactly once', async () => {
    const { bronze, silver, gold, failing } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: csv }] });
    const opts = { bronze, silver, batch: ingest.manifest, decode, transform, dataset: 'sales.orders', silverOptions: { domain: 'sales', dateColumn: 'day' as const }, gold: { table: gold } };
    // 1. Crash while silver writes its data files: no silver version, no gold snapshot.
    failing.failWhen = (loc) => loc.includes('/silver/') && loc.endsWith('.parquet');
    await expect(promote(opts)).rejects.toThrow(/injected/);
    expect(await silver.current('sales.orders')).toBeUndefined();
    // 2. Crash while gold commits its metadata: silver is complete, gold shows nothing.
    failing.failWhen = (loc) => loc.includes('/gold/') && loc.endsWith('.metadata.json');
    await expect(promote(opts)).rejects.toThrow(/injected/);
    expect((await silver.read('sales.orders')).numRows).toBe(3);
    await gold.refresh();
    expect(gold.currentSnapshot()).toBeUndefined();
    // 3. The rerun skips silver and completes gold, once.
    failing.failWhen = undefined;
    const r = await promote(opts);
    expect(r.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'done']);
    expect(await gold.scan().count()).toBe(3);
    expect((await silver.current('sales.orders'))!.version).toBe(1);
  });

  it.each(['append', 'overwrite-partitions', 'merge'] as const)(
    'a re-run racing the first promotion into gold (%s) finds the batch there at commit time and skips: gold holds it once',
    async (mode) => {
      const { bronze, silver, gold } = await setup();
      const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: csv }] });
      const goldSpec = mode === 'merge' ? { mode, key: ['order_id'] } : { mode };
      const opts = { bronze, silver, batch: ingest.manifest, decode, transform, dataset: 'sales.orders', silverOptions: { domain: 'sales', dateColumn: 'day' as const } };
      // The racing run loaded gold before the first run committed, and its check before
      // writing saw no promotion of the batch (its table object is stale and not refreshed).
      const racing = await Table.load(gold.catalog, gold.identifier);
      racing.refresh = async () => racing;
      const first = await promote({ ...opts, gold: { table: gold, ...goldSpec } });
      expect(first.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
      const before = await gold.catalog.loadTable(gold.identifier);
      const second = await promote({ ...opts, gold: { table: racing, ...goldSpec } });
      // Its commit conflicted, re-read the table, and found the batch promoted by the first run.
      expect(second.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(second.steps[2]!.snapshotId).toBe(first.steps[2]!.snapshotId);
      await gold.refresh();
      expect(gold.metadata.snapshots).toHaveLength(before.metadata.snapshots.length);
      expect(gold.metadata.snapshots.filter((s) => s.summary?.['lakekit.promotion.batch'] !== undefined)).toHaveLength(1);
      expect(await gold.scan().count()).toBe(3);
      // The racing run's data files were deleted: every data file is the first run's.
      const live = new Set<string>();
      for await (const t of gold.planFiles()) live.add(t.file.filePath);
      const onDisk: string[] = [];
      for await (const f of gold.io.list(`${gold.metadata.location}/data/`)) if (f.location.endsWith('.parquet')) onDisk.push(f.location);
      expect(onDisk.sort()).toEqual([...live].sort());
    },
  );
});
