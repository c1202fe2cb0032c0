import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryFileIO } from '../../../src/io/memory.js';
import {
  appendHistory,
  checkQuality,
  compileRules,
  dataQualityAssertionsFacet,
  dataQualityMetricsFacet,
  detectAnomalies,
  historyEntry,
  htmlReport,
  logicalSchemaOf,
  markdownReport,
  parseQualityResult,
  readHistory,
  type HistoryEntry,
  type QualityRule,
} from '../../../src/quality/index.js';
import { NOW, ruleSetArb, rowsArb, tableOf } from './gen.js';

const SPECS = resolve(__dirname, '../../../../shared/specs/openlineage');

function facetValidator() {
  const ajv = new Ajv2020({ strict: false });
  formats.default(ajv);
  ajv.addSchema(JSON.parse(readFileSync(join(SPECS, 'OpenLineage.json'), 'utf8')));
  for (const f of readdirSync(join(SPECS, 'facets'))) ajv.addSchema(JSON.parse(readFileSync(join(SPECS, 'facets', f), 'utf8')));
  return (facet: Record<string, unknown>) => {
    const v = ajv.compile({ $ref: String(facet['_schemaURL']) });
    return v(facet) ? [] : v.errors;
  };
}

const rules: QualityRule[] = [
  { type: 'isComplete', column: 's' },
  { type: 'sum', column: 'x' },
  { type: 'distinctCount', column: 's', min: 1 },
  { type: 'between', column: 'x', min: 0, where: 'g > 0', severity: 'warn' },
  { type: 'or', rules: [{ type: 'rowCount', min: 100 }, { type: 'columnExists', column: 'id' }] },
];
const table = tableOf([
  { id: 1, g: 1, x: -1, s: '<b>"x"</b>', ts: null },
  { id: 2, g: 2, x: 2.5, s: null, ts: null },
]);

describe('result document', () => {
  it('round-trips through JSON and validates against its zod schema, for random checks', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, ruleSetArb, async (rows, ruleSet) => {
        const { result } = await checkQuality(tableOf(rows), ruleSet, { now: NOW });
        expect(parseQualityResult(JSON.parse(JSON.stringify(result)))).toEqual(JSON.parse(JSON.stringify(result)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('reports', () => {
  it('Markdown and HTML list every rule with status and observed value; HTML escapes data', async () => {
    const { result } = await checkQuality(table, { dataset: 'tx', keys: ['id'], rules });
    const md = markdownReport(result);
    expect(md).toContain('# Data quality: tx');
    expect(md).toMatch(/\| isComplete\(s\) \| error \| ❌ fail \| 0\.5 \|/);
    expect(md).toMatch(/\| between\(x\) \| warn \| ❌ fail \|.*where g > 0/);
    expect(md).toContain('| {"id":1} | between(x) |');
    const html = htmlReport(result);
    expect(html).toContain('<h1>Data quality: tx</h1>');
    expect(html).not.toContain('<b>"x"</b>');
    expect(html.match(/<tr>/g)!.length).toBeGreaterThan(result.rules.length);
  });
});

describe('OpenLineage facets', () => {
  it('validate against the dataQualityAssertions and dataQualityMetrics JSON Schemas', async () => {
    const validate = facetValidator();
    const { result } = await checkQuality(table, { dataset: 'tx', keys: ['id'], rules });
    const assertions = dataQualityAssertionsFacet(result);
    const metrics = dataQualityMetricsFacet(result);
    expect(validate(assertions)).toEqual([]);
    expect(validate(metrics)).toEqual([]);
    expect((assertions['assertions'] as unknown[]).length).toBe(7); // 5 rules + 2 children of the composite
    expect(metrics).toMatchObject({ rowCount: 2, columnMetrics: { s: { nullCount: 1, distinctCount: 1 }, x: { nullCount: 0, sum: 1.5 } } });
  });
});

describe('metrics history', () => {
  it('appends entries through FileIO and reads them back in time order', async () => {
    const io = new MemoryFileIO();
    for (const day of [3, 1, 2]) {
      const { result } = await checkQuality(table, { dataset: 'tx', rules }, { now: new Date(Date.UTC(2025, 0, day)) });
      await appendHistory(io, 'memory://dq', result);
    }
    const h = await readHistory(io, 'memory://dq', 'tx');
    expect(h.map((e) => e.checkedAt.slice(0, 10))).toEqual(['2025-01-01', '2025-01-02', '2025-01-03']);
    expect(h[0]!.observations['sum(x)']).toBe(1.5);
    expect(await readHistory(io, 'memory://dq', 'other')).toEqual([]);
    await expect(appendHistory(io, 'memory://dq', { ...(await checkQuality(table, rules)).result, dataset: '../x' })).rejects.toThrow(/cannot name a history folder/);
  });

  it('flags a measurement far from the rolling mean, not ordinary noise', () => {
    const entry = (i: number, rowCount: number): HistoryEntry => ({ dataset: 'tx', checkedAt: `2025-01-${String(i).padStart(2, '0')}T00:00:00.000Z`, rowCount, passed: true, metrics: { completeness: 99 + (i % 2) * 0.5 }, observations: {} });
    const past = [1000, 1010, 990, 1005, 995].map((n, i) => entry(i + 1, n));
    expect(detectAnomalies(past, entry(10, 1003))).toEqual([]);
    const [a] = detectAnomalies(past, entry(10, 2000));
    expect(a).toMatchObject({ measure: 'rowCount', value: 2000, mean: 1000 });
    expect(a!.z).toBeGreaterThan(3);
    expect(detectAnomalies(past.slice(0, 2), entry(10, 2000))).toEqual([]); // too little history
  });

  it('never flags a value inside the past range (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1e6 }), { minLength: 3, maxLength: 12 }), fc.nat(), (counts, pick) => {
        const hist = counts.map((n, i): HistoryEntry => ({ dataset: 'd', checkedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(), rowCount: n, passed: true, metrics: {}, observations: {} }));
        const window = hist.slice(-10);
        const mean = window.reduce((a, e) => a + e.rowCount, 0) / window.length;
        const value = window[pick % window.length]!.rowCount;
        const cur = { ...historyEntry({ dataset: 'd', engine: 'lakekit', checkedAt: '2026-01-01T00:00:00.000Z', rowCount: value, passed: true, rules: [], metrics: { completeness: null, accuracy: null, consistency: null, timeliness: null }, columnNulls: {}, failingRows: [], failingRowsTruncated: false }) };
        // A value from the window is at most (n-1)/sqrt(n) ≤ 3.2 sample stddevs from the mean; with maxZ 3.5 it never flags.
        expect(detectAnomalies(hist, cur, { maxZ: 3.5 }).filter((a) => a.measure === 'rowCount')).toEqual([]);
        void mean;
      }),
    );
  });
});

describe('SQL dialects', () => {
  const columns = logicalSchemaOf(tableFromArrays({ id: Int32Array.of(1), amount: Float64Array.of(1), s: ['a'] }).schema);
  const rs = {
    keys: ['id'],
    rules: [
      { type: 'isUnique', columns: ['id'] },
      { type: 'matches', column: 's', pattern: "^a\\d'" },
      { type: 'quantile', column: 'amount', q: 0.5 },
      { type: 'predicate', expression: 'amount / id > 1' },
      { type: 'customSql', sql: 'SELECT count(*) FROM primary' },
    ] as QualityRule[],
  };
  it('quote, escape and name functions per dialect', () => {
    const duck = compileRules(rs, { dialect: 'duckdb', table: 'db.tx', columns });
    const spark = compileRules(rs, { dialect: 'spark', table: 'db.tx', columns });
    const trino = compileRules(rs, { dialect: 'trino', table: 'lake.db.tx', columns });
    expect(duck.metricsSql).toContain(`regexp_matches("s", '^a\\d''')`);
    expect(spark.metricsSql).toContain("(`s` RLIKE '^a\\\\d\\'')");
    expect(trino.metricsSql).toContain(`regexp_like("s", '^a\\d''')`);
    expect(duck.metricsSql).toContain('quantile_cont(');
    expect(spark.metricsSql).toContain('percentile(');
    expect(trino.metricsSql).toContain('approx_percentile(');
    for (const c of [duck, spark, trino]) expect(c.metricsSql).toMatch(/NULLIF\(CAST\(.* AS DOUBLE\), 0\)/);
    expect(trino.metricsSql).toContain('FROM "lake"."db"."tx" __base');
    expect(spark.customSql).toEqual([{ rule: 'customSql()', sql: 'SELECT count(*) FROM `db`.`tx`' }]);
  });
  it('Trino SQL has the same structure as Spark SQL, dialect tokens aside', () => {
    const spark = compileRules(rs, { dialect: 'spark', table: 'tx', columns });
    const trino = compileRules(rs, { dialect: 'trino', table: 'tx', columns });
    const normalize = (sql: string) =>
      sql
        .replace(/`([^`]*)`/g, '"$1"')
        .replace(/\(("[^"]*") RLIKE '((?:[^'\\]|\\.)*)'\)/g, (_m, c: string, p: string) => `regexp_like(${c}, '${p.replace(/\\\\/g, '\\').replace(/\\'/g, "''")}')`)
        .replace(/percentile\(/g, 'approx_percentile(')
        .replace(/approx_approx_percentile/g, 'approx_percentile');
    expect(normalize(spark.metricsSql)).toBe(trino.metricsSql.replace(/approx_percentile/g, 'approx_percentile'));
    expect(normalize(spark.failingRowsSql!)).toBe(trino.failingRowsSql);
    expect(spark.metricColumns).toEqual(trino.metricColumns);
  });
});
