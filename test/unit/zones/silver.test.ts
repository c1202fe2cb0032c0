import fc from 'fast-check';
import { Table as ArrowTable, tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { SilverWriter, standardize, type QualityGate } from '../../../src/zones/index.js';
import { backends, FailingFileIO } from './fixtures.js';

const rowsOf = (t: ArrowTable) => t.toArray().map((r) => (r as { toJSON(): Record<string, unknown> }).toJSON());

function orders(ids: number[], day = (i: number) => `2026-11-${String(20 + (i % 3)).padStart(2, '0')}`) {
  const raw = tableFromArrays({ order_id: Int32Array.from(ids), order_date: ids.map((i) => day(i)), amount: Float64Array.from(ids.map((i) => i * 1.5)), customer: ids.map((i) => `c${i % 4}`) });
  return standardize(raw, { dates: ['order_date'] }).table;
}

describe.each(backends)('silver writer on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  async function setup() {
    const env = await backend.make();
    cleanups.push(env.cleanup);
    const failing = new FailingFileIO(env.io);
    return { failing, silver: new SilverWriter({ root: `${env.root}/silver`, io: failing }) };
  }

  it('writes Snappy Parquet partitioned by domain and date, registered in one manifest', async () => {
    const { silver } = await setup();
    const data = orders([1, 2, 3, 4, 5, 6]);
    const r = await silver.write('sales.orders', data, { domain: 'sales', dateColumn: 'order_date' });
    expect(r.status).toBe('committed');
    expect(r.version).toBe(1);
    expect(r.files.map((f) => f.partition)).toEqual([
      { domain: 'sales', date: '2026-11-21' },
      { domain: 'sales', date: '2026-11-22' },
      { domain: 'sales', date: '2026-11-20' },
    ]);
    expect(r.files[0]!.path).toMatch(/^data\/domain=sales\/date=2026-11-21\/.+\.parquet$/);
    const back = await silver.read('sales.orders');
    const sortById = (a: Record<string, unknown>, b: Record<string, unknown>) => (a['order_id'] as number) - (b['order_id'] as number);
    expect(rowsOf(back).sort(sortById)).toEqual(rowsOf(data).sort(sortById));
  });

  it('appends and overwrites partitions as new versions; old versions stay readable', async () => {
    const { silver } = await setup();
    await silver.write('d', orders([1, 2, 3]), { domain: 'x', dateColumn: 'order_date' });
    await silver.write('d', orders([4, 5, 6]), { domain: 'x', dateColumn: 'order_date' });
    expect((await silver.read('d')).numRows).toBe(6);
    const r = await silver.write('d', orders([7], () => '2026-11-20'), { domain: 'x', dateColumn: 'order_date', mode: 'overwrite-partitions' });
    expect(r.version).toBe(3);
    const ids = [...(await silver.read('d')).getChild('order_id')!].sort();
    expect(ids).toEqual([1, 2, 4, 5, 7]);
    expect((await silver.read('d', { version: 2 })).numRows).toBe(6);
  });

  it('write-then-read round-trips any rows (property)', async () => {
    const { silver } = await setup();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ id: fc.integer(), name: fc.option(fc.string(), { nil: null }), day: fc.integer({ min: 0, max: 40000 }) }), { minLength: 1, maxLength: 30 }), async (rows) => {
        const t = standardize(tableFromArrays({ id: Int32Array.from(rows.map((r) => r.id)), name: rows.map((r) => r.name), day: rows.map((r) => new Date(r.day * 86_400_000).toISOString().slice(0, 10)) }), { dates: ['day'] }).table;
        const ds = `p${++n}`;
        await silver.write(ds, t, { domain: 'p', dateColumn: 'day' });
        const key = (r: Record<string, unknown>) => JSON.stringify(r);
        expect(rowsOf(await silver.read(ds)).map(key).sort()).toEqual(rowsOf(t).map(key).sort());
      }),
      { numRuns: backend.name === 'memory' ? 40 : 10 },
    );
  });

  it('concurrent writers both land; no commit is lost', async () => {
    const { silver } = await setup();
    await Promise.all([1, 2, 3, 4].map((i) => silver.write('c', orders([i * 10, i * 10 + 1]), { domain: 'x', dateColumn: 'order_date' })));
    const m = await silver.current('c');
    expect(m!.version).toBe(4);
    expect((await silver.read('c')).numRows).toBe(8);
  });

  it('a quality gate failure quarantines the failing rows (protected) and commits nothing', async () => {
    const { silver } = await setup();
    await silver.write('q', orders([1]), { domain: 'x', dateColumn: 'order_date' });
    const gate: QualityGate = async (t) => {
      const bad = [...t.getChild('amount')!].map((a, i) => [a as number, i] as const).filter(([a]) => a > 4).map(([, i]) => i);
      return { passed: bad.length === 0, failingRows: new ArrowTable(t.schema, t.batches).slice(bad[0] ?? 0, (bad[0] ?? 0) + 1), report: { rule: 'amount <= 4', failed: bad.length } };
    };
    const protect = async (t: ArrowTable) => tableFromArrays({ order_id: t.getChild('order_id')!.toArray() as Int32Array, customer: [...t.getChild('customer')!].map(() => '***') });
    const r = await silver.write('q', orders([2, 3, 4]), { domain: 'x', dateColumn: 'order_date', qualityGate: gate, protect, runId: 'run-1' });
    expect(r.status).toBe('quality-failed');
    expect(r.version).toBe(1);
    expect(r.qualityReport).toEqual({ rule: 'amount <= 4', failed: 2 });
    expect(r.quarantine!.location).toMatch(/_quarantine\/q\/run=run-1\/failing\.parquet$/);
    expect((await silver.current('q'))!.version).toBe(1);
    expect((await silver.read('q')).numRows).toBe(1);
    // The quarantined rows went through PII protection.
    expect(await silver.io.exists(r.quarantine!.location.replace('failing.parquet', 'report.json'))).toBe(true);
  });

  it('protects data before writing; a batch id is committed once', async () => {
    const { silver } = await setup();
    const protect = async (t: ArrowTable) => standardize(t, { identifiers: ['customer'] }).table;
    const a = await silver.write('b', orders([1, 2]), { domain: 'x', dateColumn: 'order_date', protect, batchId: 'bronze:s/1' });
    const b = await silver.write('b', orders([1, 2]), { domain: 'x', dateColumn: 'order_date', protect, batchId: 'bronze:s/1' });
    expect([a.status, b.status]).toEqual(['committed', 'duplicate']);
    expect((await silver.read('b')).numRows).toBe(2);
  });

  it('refuses a changed column type naming the column; accepts new columns', async () => {
    const { silver } = await setup();
    await silver.write('s', tableFromArrays({ a: Int32Array.from([1]), date: ['2026-01-01'] }), { domain: 'x' });
    const e = await silver.write('s', tableFromArrays({ a: ['text'], date: ['2026-01-01'] }), { domain: 'x' }).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    expect((e as Error).message).toMatch(/\ba \(string cannot be stored as int/);
    expect((e as { context: { columns: unknown } }).context.columns).toEqual([{ column: 'a', current: 'int', incoming: 'string', reason: expect.stringMatching(/cannot be widened/) }]);
    await silver.write('s', tableFromArrays({ a: Int32Array.from([2]), b: ['new'], date: ['2026-01-02'] }), { domain: 'x' });
    expect(rowsOf(await silver.read('s'))).toEqual([
      { a: 1, date: '2026-01-01', b: null },
      { a: 2, date: '2026-01-02', b: 'new' },
    ]);
  });

  it('a crash while writing files or the manifest leaves the dataset as it was', async () => {
    const { silver, failing } = await setup();
    await silver.write('f', orders([1]), { domain: 'x', dateColumn: 'order_date' });
    let writes = 0;
    failing.failWhen = (loc) => loc.includes('/data/') && ++writes === 2;
    await expect(silver.write('f', orders([2, 3, 4]), { domain: 'x', dateColumn: 'order_date' })).rejects.toThrow(/injected/);
    failing.failWhen = (loc) => loc.includes('_manifests');
    await expect(silver.write('f', orders([5, 6]), { domain: 'x', dateColumn: 'order_date' })).rejects.toThrow(/injected/);
    failing.failWhen = undefined;
    expect((await silver.current('f'))!.version).toBe(1);
    expect([...(await silver.read('f')).getChild('order_id')!]).toEqual([1]);
    // Files of the failed writes were removed again.
    const files = [];
    for await (const s of silver.io.list(silver.datasetLocation('f') + 'data/')) files.push(s.location);
    expect(files.length).toBe(1);
  });
});

describe('silver as an Iceberg table', () => {
  it('writes through the hooks, records the batch id once, and quarantines on a failed gate', async () => {
    const { MemoryFileIO } = await import('../../../src/io/memory.js');
    const { FileSystemCatalog } = await import('../../../src/catalog/filesystem/catalog.js');
    const { newSchema, optionalField, requiredField, Types } = await import('../../../src/iceberg/index.js');
    const { ensureGoldTable } = await import('../../../src/zones/index.js');
    const io = new MemoryFileIO();
    const table = await ensureGoldTable(new FileSystemCatalog({ warehouse: 'memory://l/silver/warehouse', io }), 'silver.orders', newSchema([requiredField(1, 'order_id', Types.int), optionalField(2, 'customer', Types.string)]));
    const silver = new SilverWriter({ root: 'memory://l/silver', io });
    const data = tableFromArrays({ order_id: Int32Array.from([1, 1, 2]), customer: ['a', 'A', 'b'] });
    const first = await silver.writeTable(table, data, { dedupKey: ['order_id'], batchId: 'b-1', protect: async (t) => standardize(t, { identifiers: ['customer'], identifierOptions: { lowerCase: true } }).table });
    expect([first.status, first.rowsOut]).toEqual(['committed', 2]);
    expect((await silver.writeTable(table, data, { batchId: 'b-1' })).status).toBe('duplicate');
    const failed = await silver.writeTable(table, data, { qualityGate: async () => ({ passed: false }) });
    expect(failed.status).toBe('quality-failed');
    expect(failed.quarantine!.rows).toBe(3);
    expect((await table.scan().toRows()).sort((a, b) => Number(a['order_id']) - Number(b['order_id']))).toEqual([
      { order_id: 1, customer: 'a' },
      { order_id: 2, customer: 'b' },
    ]);
  });
});

describe('silver writes spread over many partitions', () => {
  it('cut row groups early to stay within the buffer budget, and read back the same rows', async () => {
    const { MemoryFileIO } = await import('../../../src/io/memory.js');
    const { parquetMetadata } = await import('hyparquet');
    const ids = Array.from({ length: 12_000 }, (_, i) => i);
    // 30 days, every batch touching all of them: 30 files stay open for the whole write.
    const batches = () => [0, 1, 2, 3].map((k) => orders(ids.slice(k * 3_000, (k + 1) * 3_000), (i) => `2026-11-${String(1 + (i % 30)).padStart(2, '0')}`).batches[0]!);
    const write = async (bufferBudgetBytes: number) => {
      const io = new MemoryFileIO();
      const silver = new SilverWriter({ root: 'memory://lake/silver', io, bufferBudgetBytes });
      const r = await silver.writeBatches('sales.orders', batches(), { domain: 'sales', dateColumn: 'order_date' });
      const rowGroups = await Promise.all(r.files.map(async (f) => parquetMetadata((await io.read(`${silver.datasetLocation('sales.orders')}${f.path}`)).buffer as ArrayBuffer).row_groups.length));
      const rows = rowsOf(await silver.read('sales.orders')).sort((a, b) => (a['order_id'] as number) - (b['order_id'] as number));
      return { r, rowGroups, rows };
    };
    const roomy = await write(1 << 30);
    const tight = await write(16 * 1024);
    expect(roomy.r.files).toHaveLength(30);
    expect(tight.r.files).toHaveLength(30);
    expect(roomy.rowGroups.every((n) => n === 1)).toBe(true);
    expect(tight.rowGroups.some((n) => n > 1)).toBe(true);
    expect(tight.rows).toEqual(roomy.rows);
    expect(tight.rows).toHaveLength(12_000);
    expect(tight.r.peakBufferedBytes!).toBeLessThan(roomy.r.peakBufferedBytes!);
  });
});
