/**
 * Results as data: the raw measurements every engine produces, their
 * finalisation into pass/fail (one function for all engines), the platform's
 * quality metrics, and the zod schema of the JSON result document.
 *
 * @module
 */
import { z } from 'zod';
import type { PlannedRule } from './plan.js';
import { RULE_DIMENSION, ruleColumns, type Dimension, type LogicalType, type RuleType, type Severity } from './rules.js';

/** What an engine measured for one leaf rule. */
export interface RuleRaw {
  /** Row-level rules: rows in scope (where TRUE). */
  scanned?: number;
  /** Row-level rules: rows in scope that failed. */
  failed?: number;
  /** Aggregates, row counts, freshness (max timestamp, µs since epoch), custom SQL. */
  value?: number | null;
  /** rowCountMatch: the reference dataset's row count. */
  reference?: number | null;
  /** The rule could not be evaluated on this data (missing column, wrong type, SQL error). */
  error?: string;
}

/** Raw measurements of a whole rule set over a dataset, from any engine. */
export interface RawMeasurements {
  rowCount: number;
  /** Null count per column of the dataset. */
  columnNulls: Record<string, number>;
  /** Logical type per column of the dataset (schema rules are checked against it). */
  columns: Record<string, LogicalType>;
  /** By leaf rule id. */
  rules: Record<string, RuleRaw>;
}

/** The outcome of one rule. */
export type RuleStatus = 'pass' | 'fail' | 'error';

/** One rule's result. */
export interface RuleResult {
  id: string;
  type: RuleType;
  severity: Severity;
  dimension: Dimension;
  status: RuleStatus;
  /** What was measured: pass fraction (row-level), the aggregate, the row count, the age in seconds (freshness), the column type. */
  observed: number | string | boolean | null;
  /** The condition, for people, e.g. `failures ≤ 0%` or `[0, 10000]`. */
  expected: string;
  scannedRows?: number;
  failedRows?: number;
  message?: string;
  where?: string;
  columns?: string[];
  children?: RuleResult[];
}

/** The platform's quality metrics (design document: completeness, accuracy, consistency as percentages; timeliness as SLA compliance). */
export interface PlatformMetrics {
  /** Non-null cells / all cells over the dataset's columns, in %. */
  completeness: number | null;
  /** Row checks passed / row checks made by validity rules (sets, ranges, patterns, lengths, formats, predicates), in %. */
  accuracy: number | null;
  /** The same for consistency rules (uniqueness, primary keys, referential integrity, column pairs), in %. */
  consistency: number | null;
  /** Freshness rules within their SLA / freshness rules, in %; null without freshness rules. */
  timeliness: number | null;
}

/** One failing row: its key values and the ids of the rules it failed. */
export interface FailingRow {
  key: Record<string, string | number | boolean | null>;
  rules: string[];
}

/** The result document of checking one dataset. */
export interface QualityResult {
  dataset: string | null;
  engine: 'lakekit' | 'duckdb' | 'spark' | 'trino';
  checkedAt: string;
  rowCount: number;
  /** No rule of severity `error` failed or errored. */
  passed: boolean;
  rules: RuleResult[];
  metrics: PlatformMetrics;
  columnNulls: Record<string, number>;
  failingRows: FailingRow[];
  /** More rows failed than `maxFailingRows` kept. */
  failingRowsTruncated: boolean;
}

const within = (x: number, min: number | undefined, max: number | undefined) => (min === undefined || x >= min) && (max === undefined || x <= max);
const range = (min: number | string | undefined, max: number | string | undefined) => (min !== undefined && max !== undefined ? `[${min}, ${max}]` : min !== undefined ? `≥ ${min}` : max !== undefined ? `≤ ${max}` : 'any');
const pct = (x: number) => `${+(x * 100).toFixed(6)}%`;

function finalizeLeaf(p: PlannedRule, raw: RuleRaw | undefined, m: RawMeasurements, now: Date): RuleResult {
  const rule = p.rule;
  const base = {
    id: p.id,
    type: rule.type,
    severity: rule.severity ?? 'error',
    dimension: RULE_DIMENSION[rule.type],
    ...(rule.where !== undefined ? { where: rule.where } : {}),
    ...(ruleColumns(rule).length > 0 ? { columns: ruleColumns(rule) } : {}),
  } as const;
  const done = (pass: boolean, observed: RuleResult['observed'], expected: string, extra: Partial<RuleResult> = {}): RuleResult => ({
    ...base,
    status: pass ? 'pass' : 'fail',
    observed,
    expected,
    ...extra,
  });
  if (raw?.error !== undefined) return { ...base, status: 'error', observed: null, expected: '', message: raw.error };
  switch (p.plan.kind) {
    case 'row':
    case 'unique':
    case 'ref': {
      const scanned = raw?.scanned ?? 0;
      const failed = raw?.failed ?? 0;
      const observed = scanned === 0 ? 1 : (scanned - failed) / scanned;
      const counts = { scannedRows: scanned, failedRows: failed };
      if (rule.type === 'completeness' || rule.type === 'uniqueness') return done(observed >= rule.min, observed, `≥ ${rule.min}`, counts);
      const allowed = rule.maxFailureFraction ?? 0;
      return done(failed <= allowed * scanned + 1e-9, observed, `failures ≤ ${pct(allowed)}`, counts);
    }
    case 'agg': {
      const v = raw?.value ?? null;
      if (rule.type === 'freshness') {
        const expected = `age ≤ ${rule.maxAgeSeconds} s`;
        if (v === null) return done(false, null, expected, { message: 'no timestamps to measure freshness from' });
        const age = (now.getTime() * 1000 - v) / 1e6;
        return done(age <= rule.maxAgeSeconds, age, expected);
      }
      const r = rule as { min?: number; max?: number };
      const expected = range(r.min, r.max);
      if (v === null) return done(false, null, expected, { message: 'no non-null values to aggregate' });
      if (Number.isNaN(v)) return done(false, null, expected, { message: 'the aggregate is NaN (the column holds NaN)' });
      return done(within(v, r.min, r.max), v, expected);
    }
    case 'rowCount': {
      const r = rule as { min?: number; max?: number };
      return done(within(m.rowCount, r.min, r.max), m.rowCount, range(r.min, r.max));
    }
    case 'rowCountMatch': {
      const r = rule as { minRatio?: number; maxRatio?: number; reference: string };
      const ref = raw?.reference ?? null;
      const [lo, hi] = [r.minRatio ?? 1, r.maxRatio ?? r.minRatio ?? 1];
      const expected = `rows / rows(${r.reference}) in ${range(lo, Math.max(lo, hi))}`;
      if (ref === null) return done(false, null, expected, { message: `reference dataset '${r.reference}' was not provided` });
      const ratio = ref === 0 ? (m.rowCount === 0 ? 1 : Infinity) : m.rowCount / ref;
      return done(within(ratio, lo, Math.max(lo, hi)), ratio, expected);
    }
    case 'schema': {
      if (rule.type === 'columnExists') return done(rule.column in m.columns, rule.column in m.columns, 'present');
      if (rule.type === 'columnType') {
        const actual = m.columns[rule.column] ?? null;
        return done(actual === rule.dataType, actual, rule.dataType, actual === null ? { message: `column '${rule.column}' does not exist` } : {});
      }
      if (rule.type === 'schemaMatch') {
        const problems: string[] = [];
        for (const [c, t] of Object.entries(rule.columns)) {
          if (!(c in m.columns)) problems.push(`missing ${c}`);
          else if (m.columns[c] !== t) problems.push(`${c} is ${m.columns[c]}, expected ${t}`);
        }
        if (!rule.allowExtra) for (const c of Object.keys(m.columns)) if (!(c in rule.columns)) problems.push(`unexpected ${c}`);
        return done(problems.length === 0, problems.length === 0 ? 'match' : problems.join('; '), 'match');
      }
      break;
    }
    case 'customSql': {
      const r = rule as { min?: number; max?: number };
      const v = raw?.value ?? null;
      if (v === null) return done(false, null, range(r.min, r.max), { message: 'the query returned no value' });
      return done(within(v, r.min, r.max), v, range(r.min, r.max));
    }
    case 'composite':
      break;
  }
  return { ...base, status: 'error', observed: null, expected: '', message: 'internal: unexpected plan' };
}

/** Turns raw measurements into rule results (the same code for every engine). */
export function finalizeRule(p: PlannedRule, m: RawMeasurements, now: Date): RuleResult {
  if (p.plan.kind !== 'composite') return finalizeLeaf(p, m.rules[p.id], m, now);
  const children = p.plan.children.map((c) => finalizeRule(c, m, now));
  const op = p.plan.op;
  const passes = children.map((c) => c.status === 'pass');
  const pass = op === 'and' ? passes.every(Boolean) : passes.some(Boolean);
  const errored = children.some((c) => c.status === 'error');
  return {
    id: p.id,
    type: op,
    severity: p.rule.severity ?? 'error',
    dimension: 'custom',
    status: pass ? 'pass' : errored ? 'error' : 'fail',
    observed: passes.filter(Boolean).length,
    expected: op === 'and' ? `all ${children.length} pass` : `at least 1 of ${children.length} passes`,
    children,
  };
}

/** The platform metrics of a set of results over a dataset. */
export function platformMetrics(results: RuleResult[], m: RawMeasurements): PlatformMetrics {
  const flat = (rs: RuleResult[]): RuleResult[] => rs.flatMap((r) => (r.children ? flat(r.children) : [r]));
  const leaves = flat(results);
  const compliance = (dim: Dimension): number | null => {
    const rs = leaves.filter((r) => r.dimension === dim && r.scannedRows !== undefined && r.status !== 'error');
    if (rs.length === 0) return null;
    const scanned = rs.reduce((a, r) => a + (r.scannedRows ?? 0), 0);
    const failed = rs.reduce((a, r) => a + (r.failedRows ?? 0), 0);
    return scanned === 0 ? 100 : (100 * (scanned - failed)) / scanned;
  };
  const cols = Object.keys(m.columnNulls);
  const cells = m.rowCount * cols.length;
  const nulls = cols.reduce((a, c) => a + (m.columnNulls[c] ?? 0), 0);
  const fresh = leaves.filter((r) => r.type === 'freshness');
  return {
    completeness: cells === 0 ? null : (100 * (cells - nulls)) / cells,
    accuracy: compliance('accuracy'),
    consistency: compliance('consistency'),
    timeliness: fresh.length === 0 ? null : (100 * fresh.filter((r) => r.status === 'pass').length) / fresh.length,
  };
}

/** Options of {@link buildResult}. */
export interface BuildResultOptions {
  dataset?: string | null;
  engine: QualityResult['engine'];
  now: Date;
  failingRows: FailingRow[];
  failingRowsTruncated: boolean;
}

/** Assembles the result document from raw measurements. */
export function buildResult(planned: PlannedRule[], m: RawMeasurements, o: BuildResultOptions): QualityResult {
  const rules = planned.map((p) => finalizeRule(p, m, o.now));
  const passed = rules.every((r) => r.severity !== 'error' || r.status === 'pass');
  return {
    dataset: o.dataset ?? null,
    engine: o.engine,
    checkedAt: o.now.toISOString(),
    rowCount: m.rowCount,
    passed,
    rules,
    metrics: platformMetrics(rules, m),
    columnNulls: m.columnNulls,
    failingRows: o.failingRows,
    failingRowsTruncated: o.failingRowsTruncated,
  };
}

const ruleResultSchema: z.ZodType<RuleResult> = z.lazy(() =>
  z.object({
    id: z.string(),
    type: z.string() as unknown as z.ZodType<RuleType>,
    severity: z.enum(['error', 'warn']),
    dimension: z.enum(['completeness', 'accuracy', 'consistency', 'timeliness', 'volume', 'schema', 'distribution', 'custom']),
    status: z.enum(['pass', 'fail', 'error']),
    observed: z.union([z.number(), z.string(), z.boolean(), z.null()]),
    expected: z.string(),
    scannedRows: z.number().int().nonnegative().optional(),
    failedRows: z.number().int().nonnegative().optional(),
    message: z.string().optional(),
    where: z.string().optional(),
    columns: z.array(z.string()).optional(),
    children: z.array(ruleResultSchema).optional(),
  }),
);

/** The zod schema of the JSON result document ({@link QualityResult}). */
export const qualityResultSchema: z.ZodType<QualityResult> = z.object({
  dataset: z.string().nullable(),
  engine: z.enum(['lakekit', 'duckdb', 'spark', 'trino']),
  checkedAt: z.iso.datetime(),
  rowCount: z.number().int().nonnegative(),
  passed: z.boolean(),
  rules: z.array(ruleResultSchema),
  metrics: z.object({
    completeness: z.number().nullable(),
    accuracy: z.number().nullable(),
    consistency: z.number().nullable(),
    timeliness: z.number().nullable(),
  }),
  columnNulls: z.record(z.string(), z.number().int().nonnegative()),
  failingRows: z.array(z.object({ key: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), rules: z.array(z.string()) })),
  failingRowsTruncated: z.boolean(),
});

/** Parses a JSON result document (e.g. read back from storage); throws zod's error on a malformed one. */
export function parseQualityResult(json: unknown): QualityResult {
  return qualityResultSchema.parse(json);
}
