import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import { isLakeError } from '../../../src/errors.js';
import { buildPartitionSpec, newSchema, optionalField, requiredField, Transforms, Types } from '../../../src/iceberg/index.js';
import { aggregateKpis, appendGold, applyDmsBatch, ensureGoldTable, mergeByKey, overwriteGoldPartitions, parseDmsCsv, periodStart, readDmsFiles, watermarkProperty, writeKpiTable } from '../../../src/zones/index.js';
import { tableFromArrays } from 'apache-arrow';
import { backends } from './fixtures.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string), optionalField(3, 'amount', Types.decimal(12, 2)), optionalField(4, 'region', Types.string)]);
const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a['id']) - Number(b['id']);

describe.each(backends)('gold writer on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  let n = 0;
  async function table(partitioned = false) {
    const env = await backend.make();
    cleanups.push(env.cleanup);
    const catalog = new FileSystemCatalog({ warehouse: `${env.root}/gold/warehouse`, io: env.io });
    return ensureGoldTable(catalog, `gold.t${++n}`, schema, partitioned ? buildPartitionSpec(schema, [{ source: 'region', transform: Transforms.identity }]) : undefined);
  }

  it('appends, overwrites partitions and merges by key', async () => {
    const t = await table(true);
    await appendGold(t, [{ id: 1n, name: 'a', amount: '1.00', region: 'eu' }, { id: 2n, name: 'b', amount: '2.00', region: 'us' }]);
    await overwriteGoldPartitions(t, [{ id: 3n, name: 'c', amount: '3.00', region: 'eu' }]);
    expect((await t.scan().toRows()).sort(byId)).toEqual([
      { id: 2n, name: 'b', amount: '2.00', region: 'us' },
      { id: 3n, name: 'c', amount: '3.00', region: 'eu' },
    ]);
    const r = await mergeByKey(t, { upserts: [{ id: 3n, name: 'C', amount: '30.00', region: 'eu' }, { id: 4n, name: 'd', amount: null, region: 'apac' }], deletes: [{ id: 2n }, { id: 99n }] }, { key: ['id'] });
    expect([r.inserted, r.updated, r.deleted]).toEqual([1, 1, 1]);
    expect(r.snapshot?.summary?.['operation']).toBe('overwrite');
    expect((await t.scan().toRows()).sort(byId)).toEqual([
      { id: 3n, name: 'C', amount: '30.00', region: 'eu' },
      { id: 4n, name: 'd', amount: null, region: 'apac' },
    ]);
    // Files without a changed key are left alone.
    const before = new Set<string>();
    for await (const task of t.planFiles()) before.add(task.file.filePath);
    await mergeByKey(t, { upserts: [{ id: 4n, name: 'D', amount: null, region: 'apac' }] }, { key: ['id'] });
    const after = new Set<string>();
    for await (const task of t.planFiles()) after.add(task.file.filePath);
    expect([...before].filter((p) => after.has(p)).length).toBe(before.size - 1);
  });

  it('refuses keys that repeat or are both upserted and deleted', async () => {
    const t = await table();
    await expect(mergeByKey(t, { upserts: [{ id: 1n }, { id: 1n }] }, { key: ['id'] })).rejects.toThrow(/twice/);
    await expect(mergeByKey(t, { upserts: [{ id: 1n }], deletes: [{ id: 1n }] }, { key: ['id'] })).rejects.toThrow(/both/);
    await expect(mergeByKey(t, { upserts: [{ id: 1n }] }, { key: ['nope'] })).rejects.toThrow(/nope/);
  });

  it('applying a random DMS change stream in batches equals replaying it row by row', async () => {
    const change = fc.record({ op: fc.constantFrom('I', 'U', 'D'), id: fc.integer({ min: 1, max: 12 }), name: fc.option(fc.string({ maxLength: 5 }), { nil: null }), cents: fc.integer({ min: -99999, max: 99999 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(change, { maxLength: 15 }), { minLength: 1, maxLength: 5 }), async (batches) => {
        const t = await table(n % 2 === 0);
        const model = new Map<bigint, Record<string, unknown>>();
        let b = 0;
        for (const batch of batches) {
          const rows = batch.map((c) => ({ Op: c.op, id: String(c.id), name: c.name, amount: (c.cents / 100).toFixed(2), region: c.id % 2 === 0 ? 'eu' : 'us' }));
          const r = await applyDmsBatch(t, { id: `20261122-${String(++b).padStart(6, '0')}`, changes: rows }, { key: ['id'] });
          expect(r.status).toBe('applied');
          for (const c of rows) {
            const id = BigInt(c.id);
            if (c.Op === 'D') model.delete(id);
            else model.set(id, { id, name: c.name, amount: c.amount, region: c.region });
          }
        }
        expect((await t.scan().toRows()).sort(byId)).toEqual([...model.values()].sort(byId));
      }),
      { numRuns: backend.name === 'memory' ? 25 : 6 },
    );
  });

  it('applies each CDC batch exactly once; refuses out-of-order and altered batches, or ignores them by rule', async () => {
    const t = await table();
    const b1 = { id: '20261122-100000000', changes: [{ Op: 'I', id: 1n, name: 'a' }] };
    expect((await applyDmsBatch(t, b1, { key: ['id'] })).status).toBe('applied');
    const snapshots = t.snapshots().length;
    expect((await applyDmsBatch(t, b1, { key: ['id'] })).status).toBe('duplicate');
    const b2 = { id: '20261122-110000000', changes: [{ Op: 'U', id: 1n, name: 'b' }] };
    await applyDmsBatch(t, b2, { key: ['id'] });
    // An older batch seen before is a duplicate; an older unseen one is refused or ignored.
    expect((await applyDmsBatch(t, b1, { key: ['id'] })).status).toBe('duplicate');
    const late = { id: '20261122-103000000', changes: [{ Op: 'D', id: 1n }] };
    const e = await applyDmsBatch(t, late, { key: ['id'] }).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    expect((await applyDmsBatch(t, late, { key: ['id'], outOfOrder: 'ignore' })).status).toBe('ignored');
    await expect(applyDmsBatch(t, { ...b2, changes: [{ Op: 'D', id: 1n }] }, { key: ['id'] })).rejects.toThrow(/different content/);
    expect(t.snapshots().length).toBe(snapshots + 1);
    expect(await t.scan().toRows()).toEqual([{ id: 1n, name: 'b', amount: null, region: null }]);
    expect(t.properties[watermarkProperty('default')]).toBe(b2.id);
    // A batch that changes no row still advances the watermark.
    await applyDmsBatch(t, { id: '20261122-120000000', changes: [{ Op: 'D', id: 42n }] }, { key: ['id'] });
    expect(t.properties[watermarkProperty('default')]).toBe('20261122-120000000');
  });

  it('two appliers racing on one batch: exactly one applies it', async () => {
    const t = await table();
    const other = await ensureGoldTable(t.catalog, t.identifier, schema);
    const batch = { id: '20261122-000001', changes: [{ Op: 'I', id: 1n, name: 'x' }] };
    const results = await Promise.allSettled([applyDmsBatch(t, batch, { key: ['id'] }), applyDmsBatch(other, batch, { key: ['id'] })]);
    const applied = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'applied').length;
    expect(applied).toBe(1);
    await t.refresh();
    expect(await t.scan().count()).toBe(1);
    // The loser, re-run, sees the batch as applied.
    expect((await applyDmsBatch(await other.refresh(), batch, { key: ['id'] })).status).toBe('duplicate');
  });
});

describe('DMS files', () => {
  it('parses DMS CSV: quotes, NULLs, CRLF, and reports the line of a broken quote', () => {
    expect(parseDmsCsv('I,1,"a,""b"""\r\nD,2,\nU,3,""\n')).toEqual([
      [1, ['I', '1', 'a,"b"']],
      [2, ['D', '2', null]],
      [3, ['U', '3', '']],
    ]);
    expect(parseDmsCsv('I,1,"two\nlines"\nD,2,x\n')).toEqual([
      [1, ['I', '1', 'two\nlines']],
      [3, ['D', '2', 'x']],
    ]);
    expect(() => parseDmsCsv('I,1,x\nI,2,"open\n', 'f.csv')).toThrow(/f\.csv line 2/);
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseDmsCsv(s);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decodes CDC and full-load CSV files with a timestamp column against the table', async () => {
    const { MemoryFileIO } = await import('../../../src/io/memory.js');
    const catalog = new FileSystemCatalog({ warehouse: 'memory://w/', io: new MemoryFileIO() });
    const t = await ensureGoldTable(catalog, 'gold.dms', schema);
    const enc = (s: string) => new TextEncoder().encode(s);
    const full = await readDmsFiles(t, [{ name: 'LOAD00000001.csv', bytes: enc('2026-11-22 10:00:00,1,a,1.50,eu\n2026-11-22 10:00:00,2,b,,us\n') }], { timestampColumn: 'ts' });
    expect((await applyDmsBatch(t, { id: '00-full', changes: full.rows, sha256: full.sha256 }, { key: ['id'], timestampColumn: 'ts' })).inserted).toBe(2);
    // Within a batch, rows are applied in commit-timestamp order.
    const cdc = await readDmsFiles(t, [{ name: '20261122-110000000.csv', bytes: enc('U,2026-11-22 11:00:02,1,late,9.00,eu\nU,2026-11-22 11:00:01,1,early,8.00,eu\nD,2026-11-22 11:00:03,2,,,\n') }], { timestampColumn: 'ts' });
    await applyDmsBatch(t, { id: '20261122-110000000', changes: cdc.rows, sha256: cdc.sha256 }, { key: ['id'], timestampColumn: 'ts' });
    expect(await t.scan().toRows()).toEqual([{ id: 1n, name: 'late', amount: '9.00', region: 'eu' }]);
    await expect(readDmsFiles(t, [{ name: 'bad.csv', bytes: enc('I,1\n') }])).rejects.toThrow(/bad\.csv line 1 has 2 fields/);
  });
});

describe('KPI aggregates', () => {
  it('rolls up by day, ISO week and month, skipping nulls', () => {
    expect(new Date(periodStart(Date.UTC(2026, 10, 22), 'week') * 86_400_000).toISOString().slice(0, 10)).toBe('2026-11-16');
    expect(new Date(periodStart(Date.UTC(2026, 10, 16), 'week') * 86_400_000).toISOString().slice(0, 10)).toBe('2026-11-16');
    expect(new Date(periodStart(Date.UTC(2026, 10, 22, 23), 'month') * 86_400_000).toISOString().slice(0, 10)).toBe('2026-11-01');
    const sales = tableFromArrays({ ts: ['2026-11-16T10:00:00Z', '2026-11-22T23:59:59Z', '2026-11-23T00:00:00Z', '2026-11-23T01:00:00Z'], country: ['TH', 'TH', 'TH', 'SG'], amount: [10, 5, null, 7], customer: ['a', 'a', 'b', 'c'] });
    const weekly = aggregateKpis(sales, { time: 'ts', grain: 'week', dimensions: ['country'], measures: { revenue: { agg: 'sum', column: 'amount' }, orders: { agg: 'count' }, buyers: { agg: 'count_distinct', column: 'customer' }, avg: { agg: 'avg', column: 'amount' } } });
    expect(weekly.toArray().map((r) => (r as { toJSON(): unknown }).toJSON())).toEqual([
      { period: Date.UTC(2026, 10, 16), country: 'TH', revenue: 15, orders: 2n, buyers: 1n, avg: 7.5 },
      { period: Date.UTC(2026, 10, 23), country: 'TH', revenue: null, orders: 1n, buyers: 1n, avg: null },
      { period: Date.UTC(2026, 10, 23), country: 'SG', revenue: 7, orders: 1n, buyers: 1n, avg: 7 },
    ]);
  });

  it('writes KPI tables replacing exactly the recomputed periods', async () => {
    const { MemoryFileIO } = await import('../../../src/io/memory.js');
    const catalog = new FileSystemCatalog({ warehouse: 'memory://w/', io: new MemoryFileIO() });
    const sales = tableFromArrays({ day: ['2026-11-01', '2026-11-02'], amount: [1, 2] });
    await writeKpiTable(catalog, 'gold.daily', aggregateKpis(sales, { time: 'day', grain: 'day', measures: { revenue: { agg: 'sum', column: 'amount' } } }));
    const again = tableFromArrays({ day: ['2026-11-02', '2026-11-02'], amount: [5, 6] });
    const r = await writeKpiTable(catalog, 'gold.daily', aggregateKpis(again, { time: 'day', grain: 'day', measures: { revenue: { agg: 'sum', column: 'amount' } } }));
    expect(r.removedDataFiles).toBe(1);
    const { Table } = await import('../../../src/iceberg/index.js');
    const rows = await (await Table.load(catalog, 'gold.daily')).scan().toRows();
    expect(rows.map((x) => x['revenue']).sort()).toEqual([1, 11]);
  });
});

describe('aggregateKpis over decimals', () => {
  it('sums, averages and bounds decimal(18,2) amounts at their scale', async () => {
    const { rowsToArrow } = await import('../../../src/formats/arrow/index.js');
    const { newSchema: schemaOf, optionalField: opt, Types: T } = await import('../../../src/iceberg/spec/index.js');
    const { aggregateKpis } = await import('../../../src/zones/kpi.js');
    const schema = schemaOf([opt(1, 'ts', T.timestamptz), opt(2, 'amount', T.decimal(18, 2)), opt(3, 'ccy', T.string)]);
    const t = rowsToArrow(
      [
        { ts: '2026-11-20T10:00:00Z', amount: '8471.01', ccy: 'EUR' },
        { ts: '2026-11-20T11:00:00Z', amount: '-1.50', ccy: 'EUR' },
        { ts: '2026-11-21T11:00:00Z', amount: '0.07', ccy: 'EUR' },
      ],
      schema,
    );
    const k = aggregateKpis(t, { time: 'ts', grain: 'day', dimensions: ['ccy'], measures: { total: { agg: 'sum', column: 'amount' }, lo: { agg: 'min', column: 'amount' }, mean: { agg: 'avg', column: 'amount' } } });
    const { arrowToRows } = await import('../../../src/formats/arrow/index.js');
    expect(k.schema.fields.slice(2).map((f) => String(f.type))).toEqual(['Decimal[28e+2]', 'Decimal[18e+2]', 'Decimal[22e+6]']);
    const rows = arrowToRows(k);
    expect(rows.map((r) => r['total'])).toEqual(['8469.51', '0.07']);
    expect(rows.map((r) => r['lo'])).toEqual(['-1.50', '0.07']);
    expect(rows.map((r) => r['mean'])).toEqual(['4234.755000', '0.070000']);
  });

  it('sums decimals exactly where doubles drift (property)', async () => {
    const fc = await import('fast-check');
    const { rowsToArrow, arrowToRows } = await import('../../../src/formats/arrow/index.js');
    const { newSchema: schemaOf, optionalField: opt, Types: T } = await import('../../../src/iceberg/spec/index.js');
    const { aggregateKpis } = await import('../../../src/zones/kpi.js');
    const { formatDecimal } = await import('../../../src/iceberg/spec/decimal.js');
    const schema = schemaOf([opt(1, 'day', T.date), opt(2, 'amount', T.decimal(18, 2))]);
    fc.assert(
      fc.property(fc.array(fc.option(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), { nil: null }), { minLength: 1, maxLength: 60 }), (cents) => {
        const t = rowsToArrow(cents.map((c) => ({ day: '2026-11-20', amount: c })), schema);
        const [row] = arrowToRows(aggregateKpis(t, { time: 'day', grain: 'day', measures: { total: { agg: 'sum', column: 'amount' }, hi: { agg: 'max', column: 'amount' } } }));
        const present = cents.filter((c): c is bigint => c !== null);
        expect(row!['total']).toBe(present.length === 0 ? null : formatDecimal(present.reduce((a, b) => a + b, 0n), 2));
        expect(row!['hi']).toBe(present.length === 0 ? null : formatDecimal(present.reduce((a, b) => (b > a ? b : a)), 2));
      }),
    );
  });
});
