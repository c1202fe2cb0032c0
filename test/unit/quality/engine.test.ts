import { Field, Float64, Int32, makeBuilder, makeData, RecordBatch, Schema, Struct, Table, tableFromArrays, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuality, gate, qualityGate, QUARANTINE_REASON_COLUMN, writeQuarantine, type QualityRule } from '../../../src/quality/index.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { readParquet } from './read-parquet.js';
import { canonical, NOW, referenceArb, referenceTableOf, ruleSetArb, rowsArb, tableOf } from './gen.js';

const tx = tableFromArrays({
  id: Int32Array.from([1, 2, 2, 3, 4]),
  currency: ['USD', 'EUR', 'XXX', null, 'USD'],
  amount: Float64Array.from([10, -5, 3, 7, 20_000]),
});

describe('checkQuality', () => {
  it('measures each rule with its observed value and failing rows by key', async () => {
    const { result } = await checkQuality(tx, {
      dataset: 'tx',
      keys: ['id'],
      rules: [
        { type: 'isComplete', column: 'currency' },
        { type: 'isUnique', columns: ['id'] },
        { type: 'inSet', column: 'currency', values: ['USD', 'EUR'] },
        { type: 'between', column: 'amount', min: 0, max: 10_000, severity: 'warn' },
        { type: 'mean', column: 'amount', min: 0 },
      ],
    });
    const byId = Object.fromEntries(result.rules.map((r) => [r.id, r]));
    expect(byId['isComplete(currency)']).toMatchObject({ status: 'fail', observed: 0.8, failedRows: 1, scannedRows: 5 });
    expect(byId['isUnique(id)']).toMatchObject({ status: 'fail', failedRows: 2 });
    expect(byId['inSet(currency)']).toMatchObject({ status: 'fail', failedRows: 1 }); // null passes a set rule
    expect(byId['between(amount)']).toMatchObject({ status: 'fail', failedRows: 2, severity: 'warn' });
    expect(byId['mean(amount)']).toMatchObject({ status: 'pass', observed: (10 - 5 + 3 + 7 + 20_000) / 5 });
    expect(result.passed).toBe(false);
    expect(result.failingRows).toEqual([
      { key: { id: 2 }, rules: ['isUnique(id)', 'between(amount)'] },
      { key: { id: 2 }, rules: ['isUnique(id)', 'inSet(currency)'] },
      { key: { id: 3 }, rules: ['isComplete(currency)'] },
      { key: { id: 4 }, rules: ['between(amount)'] },
    ]);
    expect(result.metrics.completeness).toBeCloseTo((100 * 14) / 15);
  });

  it('honours where filters and allowed failure fractions', async () => {
    const { result } = await checkQuality(tx, [
      { type: 'between', column: 'amount', min: 0, where: "currency = 'USD'" },
      { type: 'between', column: 'amount', min: 0, maxFailureFraction: 0.2 },
      { type: 'between', column: 'amount', min: 0, maxFailureFraction: 0.19 },
    ]);
    expect(result.rules.map((r) => [r.status, r.scannedRows, r.failedRows])).toEqual([
      ['pass', 2, 0],
      ['pass', 5, 1],
      ['fail', 5, 1],
    ]);
  });

  it('reports (never throws) on missing columns, wrong kinds, NaN, empty data and huge strings', async () => {
    const big = 'x'.repeat(2_000_000);
    const t = tableFromArrays({ s: [big, null, 'a'], f: Float64Array.from([NaN, 1, Infinity]) });
    const { result } = await checkQuality(t, [
      { type: 'isComplete', column: 'nope' },
      { type: 'mean', column: 's' },
      { type: 'mean', column: 'f' },
      { type: 'length', column: 's', max: 10 },
      { type: 'matches', column: 's', pattern: '^x+$' },
      { type: 'customSql', sql: 'select 1' },
    ]);
    expect(result.rules.map((r) => r.status)).toEqual(['error', 'error', 'fail', 'fail', 'fail', 'error']);
    expect(result.rules[0]!.message).toMatch(/column 'nope' does not exist/);
    expect(result.rules[2]!.message).toMatch(/NaN/);
    const empty = await checkQuality(tableOf([]), [{ type: 'mean', column: 'x' }, { type: 'isComplete', column: 'x' }, { type: 'distinctCount', column: 's', min: 1 }]);
    expect(empty.result.rules.map((r) => [r.status, r.observed])).toEqual([
      ['fail', null],
      ['pass', 1],
      ['fail', 0],
    ]);
  });

  it('streams: checking batches one by one equals checking the table', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, referenceArb, ruleSetArb, fc.integer({ min: 1, max: 7 }), async (rows, codes, ruleSet, size) => {
        const table = tableOf(rows);
        const ref = referenceTableOf(codes);
        const whole = await checkQuality(table, ruleSet, { references: { ccy: ref }, now: NOW });
        const slices: RecordBatch[] = [];
        for (let i = 0; i < table.numRows; i += size) slices.push(...table.slice(i, i + size).batches);
        async function* stream() {
          yield* slices;
        }
        const streamed = await checkQuality(rows.length === 0 ? table : stream(), ruleSet, { references: { ccy: ref }, now: NOW });
        expect(canonical(streamed.result)).toEqual(canonical(whole.result));
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on random data and rules, and counts stay consistent', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, ruleSetArb, async (rows, ruleSet) => {
        const { result, quarantine } = await checkQuality(tableOf(rows), ruleSet, { now: NOW, quarantine: true, references: {} });
        for (const r of result.rules) {
          if (r.failedRows !== undefined) expect(r.failedRows).toBeLessThanOrEqual(r.scannedRows!);
          if (r.scannedRows !== undefined) expect(r.scannedRows).toBeLessThanOrEqual(rows.length);
        }
        expect(quarantine!.numRows).toBe(result.failingRows.length);
      }),
      { numRuns: 150 },
    );
  });

  it('caps per-row outcomes and says so', async () => {
    const t = tableFromArrays({ id: Int32Array.from({ length: 100 }, (_, i) => i), v: Float64Array.from({ length: 100 }, () => -1) });
    const { result, quarantine } = await checkQuality(t, { keys: ['id'], rules: [{ type: 'between', column: 'v', min: 0 }] }, { maxFailingRows: 10, quarantine: true });
    expect(result.failingRows).toHaveLength(10);
    expect(result.failingRowsTruncated).toBe(true);
    expect(result.rules[0]!.failedRows).toBe(100);
    expect(quarantine!.numRows).toBe(10);
  });

  it('finds duplicates across batches of a stream and reports the first occurrence by key', async () => {
    const schema = new Schema([new Field('id', new Int32(), false), new Field('k', new Utf8(), true)]);
    const batch = (ids: number[], ks: string[]) => {
      const a = makeBuilder({ type: new Int32() });
      ids.forEach((x) => a.append(x));
      const b = makeBuilder({ type: new Utf8() });
      ks.forEach((x) => b.append(x));
      return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: ids.length, children: [a.finish().flush(), b.finish().flush()], nullCount: 0 }));
    };
    async function* s() {
      yield batch([1, 2], ['a', 'b']);
      yield batch([3, 4], ['c', 'a']);
    }
    const { result } = await checkQuality(s(), { keys: ['id'], rules: [{ type: 'isUnique', columns: ['k'] }] });
    expect(result.failingRows.map((r) => r.key).sort((x, y) => Number(x['id']) - Number(y['id']))).toEqual([{ id: 1 }, { id: 4 }]);
  });
});

describe('quarantine', () => {
  it('writes failing rows with their reasons as Parquet and JSON Lines', async () => {
    const io = new MemoryFileIO();
    const { quarantine } = await checkQuality(tx, { keys: ['id'], rules: [{ type: 'inSet', column: 'currency', values: ['USD'] }] }, { quarantine: true });
    expect(await writeQuarantine(io, 'memory://q/tx.parquet', quarantine!)).toBe(2);
    const rows = await readParquet(await io.read('memory://q/tx.parquet'));
    expect(rows.map((r) => [r['id'], r['currency'], r[QUARANTINE_REASON_COLUMN]])).toEqual([
      [2, 'EUR', 'inSet(currency)'],
      [2, 'XXX', 'inSet(currency)'],
    ]);
    await writeQuarantine(io, 'memory://q/tx.jsonl', quarantine!, { format: 'jsonl' });
    const lines = new TextDecoder().decode(await io.read('memory://q/tx.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['currency'])).toEqual(['EUR', 'XXX']);
  });
});

describe('gate', () => {
  const rules: QualityRule[] = [
    { type: 'isComplete', column: 'id' },
    { type: 'between', column: 'amount', min: 0, severity: 'warn' },
  ];
  it('blocks on failing error rules only, unless warnings are asked to block', async () => {
    const { result } = await checkQuality(tx, rules);
    expect(gate(result)).toEqual({ passed: true, reasons: [] });
    const strict = gate(result, { failOn: 'warn' });
    expect(strict.passed).toBe(false);
    expect(strict.reasons[0]).toMatch(/between\(amount\) failed/);
    expect(gate(result, { minMetrics: { completeness: 99.9 } }).reasons[0]).toMatch(/completeness 93\.333% is below 99\.9%/);
  });
  it('qualityGate gives the zone hook its { passed, failingRows, report } shape', async () => {
    const hook = qualityGate({ keys: ['id'], rules: [{ type: 'inSet', column: 'currency', values: ['USD', 'EUR'] }] });
    const out = await hook(tx, { zone: 'silver' });
    expect(out.passed).toBe(false);
    expect(out.failingRows!.numRows).toBe(1);
    expect((out.report as { reasons: string[] }).reasons).toHaveLength(1);
    const ok = await qualityGate([{ type: 'rowCount', min: 1 }])(tx, {});
    expect(ok.passed).toBe(true);
  });
});

describe('odd Arrow types', () => {
  it('reads decimals, dictionaries and large values without throwing', async () => {
    const t = new Table({ v: makeBuilder({ type: new Float64() }).finish().toVector() });
    const { result } = await checkQuality(t, [{ type: 'sum', column: 'v' }]);
    expect(result.rules[0]!.status).toBe('fail');
  });
});
