/**
 * fast-check generators of small datasets and random rule sets over them,
 * shared by the unit properties and the SQL-equivalence interop test.
 *
 * Values are chosen so every engine computes the same numbers exactly or to
 * a tiny relative error: floats are multiples of 0.25, strings are ASCII.
 */
import { Field, Float64, Int32, makeBuilder, makeData, RecordBatch, Schema, Struct, Table, TimestampMicrosecond, Utf8, type DataType, type Vector } from 'apache-arrow';
import fc from 'fast-check';
import type { QualityRule, RuleSet } from '../../../src/quality/index.js';

export interface GenRow {
  id: number;
  g: number | null;
  x: number | null;
  s: string | null;
  ts: number | null; // epoch micros
}

const START = Date.UTC(2025, 0, 1) * 1000;
const STRINGS = ['a', 'ab', 'abb', 'B', 'USD', 'EUR', 'x y', '', "it's", '2025-01-02', '2025-13-01', 'zz9'];

export const rowArb: fc.Arbitrary<Omit<GenRow, 'id'>> = fc.record({
  g: fc.option(fc.integer({ min: -2, max: 6 }), { freq: 5 }),
  x: fc.option(fc.integer({ min: -40, max: 40 }).map((k) => k / 4), { freq: 5 }),
  s: fc.option(fc.constantFrom(...STRINGS), { freq: 5 }),
  ts: fc.option(fc.integer({ min: 0, max: 20 * 86400 }).map((sec) => START + sec * 1_000_000), { freq: 6 }),
});

/** Rows with ids (a few duplicated ids to exercise uniqueness). */
export const rowsArb: fc.Arbitrary<GenRow[]> = fc.array(fc.tuple(rowArb, fc.boolean()), { minLength: 0, maxLength: 40 }).map((rs) => {
  let id = 0;
  return rs.map(([r, dup]) => ({ id: dup && id > 0 ? id : ++id, ...r }));
});

export const referenceArb: fc.Arbitrary<string[]> = fc.uniqueArray(fc.constantFrom(...STRINGS), { maxLength: 6 });

function build(type: DataType, values: unknown[]) {
  const b = makeBuilder({ type, nullValues: [null, undefined] });
  for (const v of values) b.append(v as never);
  return b.finish().toVector();
}

/** The Arrow table of generated rows (id int, g int, x double, s string, ts timestamp[us, UTC]). */
export function tableOf(rows: GenRow[]): Table {
  const schema = new Schema([
    new Field('id', new Int32(), false),
    new Field('g', new Int32(), true),
    new Field('x', new Float64(), true),
    new Field('s', new Utf8(), true),
    new Field('ts', new TimestampMicrosecond('UTC'), true),
  ]);
  const cols = {
    id: build(new Int32(), rows.map((r) => r.id)),
    g: build(new Int32(), rows.map((r) => r.g)),
    x: build(new Float64(), rows.map((r) => r.x)),
    s: build(new Utf8(), rows.map((r) => r.s)),
    ts: build(new TimestampMicrosecond('UTC'), rows.map((r) => (r.ts === null ? null : r.ts / 1000))),
  };
  return tableFrom(schema, Object.values(cols), rows.length);
}

function tableFrom(schema: Schema, vectors: Vector[], n: number): Table {
  const children = vectors.map((v) => v.data[0]!);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children, nullCount: 0 }))]);
}

export function referenceTableOf(codes: string[]): Table {
  return tableFrom(new Schema([new Field('code', new Utf8(), true)]), [build(new Utf8(), codes)], codes.length);
}

export const NOW = new Date(Date.UTC(2025, 0, 15));

const WHERES = [
  'g > 2',
  "s IN ('a', 'ab', 'USD')",
  'x IS NULL OR g = 1',
  "ts >= TIMESTAMP '2025-01-10 00:00:00'",
  'length(s) >= 2',
  'NOT (g BETWEEN 1 AND 3)',
  'x / g > 1',
  "s LIKE 'a%'",
  'coalesce(g, 0) % 2 = 0',
  'abs(x) < 2',
  "lower(s) = 'b'",
  'g * 2 - 1 <= x',
  "s NOT LIKE '%b'",
  'g NOT IN (1, 2)',
];

const base = fc.record(
  {
    severity: fc.constantFrom('error' as const, 'warn' as const),
    maxFailureFraction: fc.constantFrom(0, 0.1, 0.5),
    where: fc.constantFrom(...WHERES),
  },
  { requiredKeys: [] },
);

const bound = fc.integer({ min: -8, max: 8 }).map((k) => k / 2);
const numCol = fc.constantFrom('g', 'x');
const anyCol = fc.constantFrom('id', 'g', 'x', 's', 'ts');

const leafRule = fc.oneof(
  fc.record({ type: fc.constant('rowCount' as const), min: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ type: fc.constant('rowCountMatch' as const), reference: fc.constant('ccy'), minRatio: fc.constantFrom(0, 1, 2), maxRatio: fc.constantFrom(5, 100) }),
  fc.record({ type: fc.constant('columnExists' as const), column: fc.constantFrom('id', 's', 'nope') }),
  fc.record({ type: fc.constant('columnType' as const), column: anyCol, dataType: fc.constantFrom('integer' as const, 'string' as const, 'timestamp' as const) }),
  fc.record({ type: fc.constant('isComplete' as const), column: anyCol }),
  fc.record({ type: fc.constant('completeness' as const), column: anyCol, min: fc.constantFrom(0.5, 0.8, 1) }),
  fc.record({ type: fc.constant('isUnique' as const), columns: fc.constantFrom(['id'], ['g'], ['g', 's'], ['s', 'ts']) }),
  fc.record({ type: fc.constant('uniqueness' as const), columns: fc.constantFrom(['g'], ['x', 's']), min: fc.constantFrom(0.2, 0.9) }),
  fc.record({ type: fc.constant('primaryKey' as const), columns: fc.constantFrom(['id'], ['id', 'g']) }),
  fc.record({ type: fc.constant('inSet' as const), column: fc.constant('s'), values: fc.subarray(STRINGS, { minLength: 1 }) }),
  fc.record({ type: fc.constant('notInSet' as const), column: fc.constant('g'), values: fc.subarray([-2, 0, 1, 3, 5], { minLength: 1 }) }),
  fc.record({ type: fc.constant('between' as const), column: numCol, min: bound, max: bound.map((b) => b + 3), exclusive: fc.boolean() }),
  fc.record({ type: fc.constant('between' as const), column: fc.constant('ts'), min: fc.constant('2025-01-03'), max: fc.constant('2025-01-12 12:00:00') }),
  fc.record({ type: fc.constant('matches' as const), column: fc.constant('s'), pattern: fc.constantFrom('^a+b*$', '[A-Z]{3}', '^[a-z ]*$', 'b$', "'") }),
  fc.record({ type: fc.constant('length' as const), column: fc.constant('s'), min: fc.integer({ min: 0, max: 2 }), max: fc.integer({ min: 2, max: 5 }) }),
  fc.record({ type: fc.constant('dateFormat' as const), column: fc.constant('s'), format: fc.constantFrom('YYYY-MM-DD', 'YYYY-MM') }),
  fc.record({ type: fc.constant('freshness' as const), column: fc.constant('ts'), maxAgeSeconds: fc.constantFrom(86400, 10 * 86400) }),
  fc.record({ type: fc.constant('referentialIntegrity' as const), columns: fc.constant(['s']), reference: fc.constant('ccy'), referenceColumns: fc.constant(['code']) }),
  fc.record({ type: fc.constant('columnPair' as const), left: fc.constant('g'), op: fc.constantFrom('<' as const, '>=' as const, '=' as const, '!=' as const), right: fc.constant('x') }),
  fc.record({ type: fc.constantFrom('mean' as const, 'sum' as const, 'stddev' as const, 'min' as const, 'max' as const), column: numCol, min: bound, max: bound.map((b) => b + 4) }, { requiredKeys: ['type', 'column'] }),
  fc.record({ type: fc.constant('distinctCount' as const), column: anyCol, min: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ type: fc.constant('quantile' as const), column: numCol, q: fc.constantFrom(0, 0.25, 0.5, 0.9, 1), min: bound }),
  fc.record({ type: fc.constant('correlation' as const), column: fc.constant('g'), other: fc.constant('x'), min: fc.constant(-0.5) }),
  fc.record({ type: fc.constant('predicate' as const), expression: fc.constantFrom(...WHERES) }),
) as unknown as fc.Arbitrary<QualityRule>;

const withBase: fc.Arbitrary<QualityRule> = fc.tuple(leafRule, base).map(([r, b]) => {
  const out = { ...r, ...b } as QualityRule;
  if (['rowCount', 'rowCountMatch', 'columnExists', 'columnType'].includes(r.type)) delete out.where;
  return out;
});

export const ruleArb: fc.Arbitrary<QualityRule> = fc.oneof(
  { weight: 8, arbitrary: withBase },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('and' as const, 'or' as const), rules: fc.array(withBase, { minLength: 1, maxLength: 3 }) }) },
);

export const ruleSetArb: fc.Arbitrary<RuleSet> = fc.array(ruleArb, { minLength: 1, maxLength: 8 }).map((rules) => ({ dataset: 'gen', keys: ['id'], rules }));

/** A result reduced to what engines must agree on: numbers to 9 significant digits, failing rows as a sorted multiset. */
export function canonical(result: { rules: unknown; metrics: unknown; rowCount: number; passed: boolean; columnNulls: unknown; failingRows: { key: unknown; rules: string[] }[] }): unknown {
  const round = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(9));
    if (Array.isArray(v)) return v.map(round);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)]));
    return v;
  };
  return round({
    rowCount: result.rowCount,
    passed: result.passed,
    rules: result.rules,
    metrics: result.metrics,
    columnNulls: result.columnNulls,
    failingRows: result.failingRows.map((r) => JSON.stringify({ key: r.key, rules: [...r.rules].sort() })).sort(),
  });
}
