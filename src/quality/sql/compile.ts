/**
 * Compiles a rule set to SQL for DuckDB, Spark SQL or Trino: one metrics
 * query that scans the dataset once (plus one grouped pass per uniqueness
 * rule; referential integrity joins the reference's distinct keys)
 * and returns every rule's raw measurement; a failing-keys query over the
 * same derivation; and one statement per `customSql` rule. The rows those
 * return turn into the same result document the in-process engine produces
 * ({@link resultFromSql}), through the same finalisation code.
 *
 * @module
 */
import { ValidationError } from '../../errors.js';
import { ruleProblem } from '../engine.js';
import type { Expr } from '../expr/ast.js';
import { leaves, planRules, type PlannedRule } from '../plan.js';
import { buildResult, type FailingRow, type QualityResult, type RawMeasurements, type RuleRaw } from '../results.js';
import type { LogicalType, QualityRule, RuleSet } from '../rules.js';
import { compileExpr, epochMicros, numberLiteral, quoteIdent, quoteTable, type SqlDialect } from './dialect.js';

/** Options of {@link compileRules}. */
export interface CompileOptions {
  dialect: SqlDialect;
  /** The dataset's table, possibly qualified (`db.transactions`). */
  table: string;
  /** The dataset's columns and their logical types (e.g. from `logicalSchemaOf(arrowSchema)`). */
  columns: Record<string, LogicalType>;
  /** Key columns returned by the failing-keys query (default: the rule set's). */
  keys?: string[];
  /** Reference dataset name → table, for `referentialIntegrity` and `rowCountMatch`. */
  references?: Record<string, string>;
  /** Cap on failing keys returned (default 10,000). */
  maxFailingRows?: number;
}

/** Where a column of the metrics query goes. */
export interface MetricColumn {
  alias: string;
  rule: string;
  field: 'scanned' | 'failed' | 'value' | 'reference';
}

/** The compiled form of a rule set. */
export interface CompiledRules {
  dialect: SqlDialect;
  /** One scan (plus a grouped subquery per uniqueness rule): `__n` (rows), `__null_<i>` per column, then one column per measurement. */
  metricsSql: string;
  metricColumns: MetricColumn[];
  /** Key columns plus one 0/1 flag per row-level rule, for rows that failed any; absent without keys. */
  failingRowsSql?: string;
  /** The flag columns of the failing-keys query, by rule id. */
  failingFlags: { alias: string; rule: string }[];
  /** One statement per customSql rule, returning one number. */
  customSql: { rule: string; sql: string }[];
  keys: string[];
  /** Cap on failing keys (the query fetches one more, to tell truncation). */
  maxFailingRows: number;
  columns: Record<string, LogicalType>;
  planned: PlannedRule[];
  /** Rules that cannot run on these columns, with the reason (reported as `error`). */
  problems: Record<string, string>;
  dataset: string | null;
}

const DEFAULT_MAX = 10_000;

/**
 * Compiles rules to the dialect. Throws ValidationError for malformed rules
 * and for references without a table; rules that do not fit the columns
 * become `error` results, as in-process.
 *
 * @example
 * ```ts
 * const sql = compileRules(ruleSet, { dialect: 'spark', table: 'lake.silver.transactions', columns: logicalSchemaOf(arrowSchema) });
 * spark.sql(sql.metricsSql)
 * ```
 */
export function compileRules(rules: RuleSet | QualityRule[], o: CompileOptions): CompiledRules {
  const ruleSet: RuleSet = Array.isArray(rules) ? { rules } : rules;
  const d = o.dialect;
  const planned = planRules(ruleSet.rules);
  const leafs = leaves(planned);
  const keys = o.keys ?? ruleSet.keys ?? [];
  for (const k of keys) if (!(k in o.columns)) throw new ValidationError(`key column '${k}' is not among the columns (${Object.keys(o.columns).join(', ')})`);
  const q = (c: string) => quoteIdent(c, d);
  const ex = (e: Expr) => compileExpr(e, d);
  const problems: Record<string, string> = {};
  const windows: string[] = [];
  const joins: string[] = [];
  const flags: string[] = [];
  /** The failing-keys query's per-row flags (with window counts for uniqueness). */
  const failFlags: string[] = [];
  const selects: string[] = ['count(*) AS __n'];
  const metricColumns: MetricColumn[] = [];
  const failingFlags: { alias: string; rule: string }[] = [];
  const customSql: { rule: string; sql: string }[] = [];
  const colNames = Object.keys(o.columns);
  colNames.forEach((c, i) => selects.push(`count(*) - count(${q(c)}) AS __null_${i}`));
  const refTable = (name: string) => {
    const t = o.references?.[name];
    if (t === undefined) throw new ValidationError(`reference dataset '${name}' has no table; pass references: { ${name}: '<table>' }`);
    return quoteTable(t, d);
  };

  leafs.forEach((p, i) => {
    const plan = p.plan;
    if (plan.kind === 'schema' || plan.kind === 'rowCount') return;
    if (plan.kind === 'rowCountMatch') {
      selects.push(`(SELECT count(*) FROM ${refTable(plan.reference)}) AS __r${i}`);
      metricColumns.push({ alias: `__r${i}`, rule: p.id, field: 'reference' });
      return;
    }
    if (plan.kind === 'customSql') {
      customSql.push({ rule: p.id, sql: plan.sql.replace(/\bprimary\b/g, quoteTable(o.table, d)) });
      return;
    }
    const problem = ruleProblem(p, o.columns);
    if (problem) {
      problems[p.id] = problem;
      return;
    }
    const scope = p.where ? ex(p.where) : 'TRUE';
    const inScope = p.where ? `(${scope})` : 'TRUE';
    if (plan.kind === 'row' || plan.kind === 'unique' || plan.kind === 'ref') {
      let fail: string;
      if (plan.kind === 'row') fail = `${inScope} AND NOT (${ex(plan.pass)})`;
      else if (plan.kind === 'unique') {
        const allSet = plan.columns.map((c) => `${q(c)} IS NOT NULL`).join(' AND ');
        // Metrics: duplicates counted by a grouped subquery (a hash aggregate, cheaper than a window);
        // the failing-keys query needs the per-row window count instead.
        windows.push(`count(*) OVER (PARTITION BY CASE WHEN ${inScope} THEN 1 ELSE 0 END, ${plan.columns.map(q).join(', ')}) AS __u${i}`);
        fail = `${inScope} AND ((${allSet} AND __u${i} > 1)${plan.nullsFail ? ` OR NOT (${allSet})` : ''})`;
        flags.push(`CASE WHEN ${inScope} THEN 1 ELSE 0 END AS __s${i}`);
        selects.push(`sum(__s${i}) AS __s${i}`);
        metricColumns.push({ alias: `__s${i}`, rule: p.id, field: 'scanned' });
        if (plan.nullsFail) {
          flags.push(`CASE WHEN ${inScope} AND NOT (${allSet}) THEN 1 ELSE 0 END AS __f${i}`);
          selects.push(`sum(__f${i}) AS __f${i}`);
          metricColumns.push({ alias: `__f${i}`, rule: p.id, field: 'failed' });
        }
        selects.push(
          `(SELECT coalesce(sum(__c), 0) FROM (SELECT count(*) AS __c FROM ${quoteTable(o.table, d)} WHERE ${inScope} AND ${allSet} GROUP BY ${plan.columns.map(q).join(', ')} HAVING count(*) > 1) __dup${i}) AS __d${i}`,
        );
        metricColumns.push({ alias: `__d${i}`, rule: p.id, field: 'failed' });
        failFlags.push(`CASE WHEN ${fail} THEN 1 ELSE 0 END AS __f${i}`);
        failingFlags.push({ alias: `__f${i}`, rule: p.id });
        return;
      } else {
        const alias = `__ref${i}`;
        const cols = plan.referenceColumns.map((c, j) => `${q(c)} AS __k${j}`).join(', ');
        joins.push(
          `LEFT JOIN (SELECT DISTINCT ${cols} FROM ${refTable(plan.reference)}) ${alias} ON ${plan.columns.map((c, j) => `__base.${q(c)} = ${alias}.__k${j}`).join(' AND ')}`,
        );
        const allSet = plan.columns.map((c) => `__base.${q(c)} IS NOT NULL`).join(' AND ');
        fail = `${inScope} AND ${allSet} AND ${alias}.__k0 IS NULL`;
      }
      flags.push(`CASE WHEN ${inScope} THEN 1 ELSE 0 END AS __s${i}`, `CASE WHEN ${fail} THEN 1 ELSE 0 END AS __f${i}`);
      failFlags.push(`CASE WHEN ${fail} THEN 1 ELSE 0 END AS __f${i}`);
      selects.push(`sum(__s${i}) AS __s${i}`, `sum(__f${i}) AS __f${i}`);
      metricColumns.push({ alias: `__s${i}`, rule: p.id, field: 'scanned' }, { alias: `__f${i}`, rule: p.id, field: 'failed' });
      failingFlags.push({ alias: `__f${i}`, rule: p.id });
      return;
    }
    if (plan.kind !== 'agg') return;
    const x = (c: string) => (p.where ? `CASE WHEN ${scope} THEN ${q(c)} END` : q(c));
    const dbl = (s: string) => `CAST(${s} AS DOUBLE)`;
    let agg: string;
    switch (plan.fn) {
      case 'mean':
        agg = `avg(${dbl(x(plan.column))})`;
        break;
      case 'sum':
        agg = dbl(`sum(${x(plan.column)})`);
        break;
      case 'stddev':
        agg = `stddev_samp(${dbl(x(plan.column))})`;
        break;
      case 'min':
      case 'max':
        agg = dbl(`${plan.fn}(${x(plan.column)})`);
        break;
      case 'distinctCount':
        agg = `count(DISTINCT ${x(plan.column)})`;
        break;
      case 'quantile': {
        const v = dbl(x(plan.column));
        const qq = numberLiteral(plan.q ?? 0.5, d);
        agg = d === 'duckdb' ? `quantile_cont(${v}, ${qq})` : d === 'spark' ? `percentile(${v}, ${qq})` : `approx_percentile(${v}, ${qq})`;
        break;
      }
      case 'correlation':
        agg = `corr(${dbl(x(plan.column))}, ${dbl(x(plan.other!))})`;
        break;
      case 'maxTime': {
        const isDate = o.columns[plan.column] === 'date';
        const m = `max(${x(plan.column)})`;
        agg = epochMicros(isDate ? `CAST(${m} AS TIMESTAMP)` : m, d);
        break;
      }
    }
    selects.push(`${agg} AS __a${i}`);
    metricColumns.push({ alias: `__a${i}`, rule: p.id, field: 'value' });
  });

  const table = quoteTable(o.table, d);
  const joined = joins.length > 0 ? ` ${joins.join(' ')}` : '';
  const flagged = `SELECT __base.*${flags.length > 0 ? `, ${flags.join(', ')}` : ''} FROM ${table} __base${joined}`;
  const metricsSql = `WITH __flags AS (${flagged})\nSELECT ${selects.join(',\n  ')}\nFROM __flags`;
  let failingRowsSql: string | undefined;
  if (keys.length > 0 && failingFlags.length > 0) {
    const max = o.maxFailingRows ?? DEFAULT_MAX;
    const base = windows.length > 0 ? `(SELECT *, ${windows.join(', ')} FROM ${table})` : table;
    const failing = `SELECT __base.*, ${failFlags.join(', ')} FROM ${base} __base${joined}`;
    failingRowsSql =
      `WITH __flags AS (${failing})\nSELECT ${keys.map(q).join(', ')}, ${failingFlags.map((f) => f.alias).join(', ')}\nFROM __flags\n` +
      `WHERE ${failingFlags.map((f) => `${f.alias} = 1`).join(' OR ')}\nORDER BY ${keys.map(q).join(', ')}\nLIMIT ${max + 1}`;
  }
  return {
    dialect: d,
    metricsSql,
    metricColumns,
    ...(failingRowsSql !== undefined ? { failingRowsSql } : {}),
    failingFlags,
    customSql,
    keys,
    maxFailingRows: o.maxFailingRows ?? DEFAULT_MAX,
    columns: o.columns,
    planned,
    problems,
    dataset: ruleSet.dataset ?? null,
  };
}

function num(x: unknown): number | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'string') return x.trim() === '' ? null : Number(x);
  if (typeof x === 'object' && x !== null && 'valueOf' in x) {
    const v = (x as { valueOf(): unknown }).valueOf();
    if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  }
  return Number(String(x));
}

function keyOf(x: unknown): string | number | boolean | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'bigint') return Number.isSafeInteger(Number(x)) ? Number(x) : x.toString();
  if (typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return x;
  return String(x);
}

/** Inputs of {@link resultFromSql}: what the engine returned for each statement. */
export interface SqlRows {
  /** The single row of `metricsSql`, by column alias. */
  metrics: Record<string, unknown>;
  /** Rows of `failingRowsSql` (keys and flags by name), if it ran. */
  failingRows?: Record<string, unknown>[];
  /** customSql values by rule id (the first column of the first row); an Error for a failed query. */
  custom?: Record<string, number | null | Error>;
  engine: QualityResult['engine'];
  now?: Date;
}

/** The result document of a compiled rule set from the rows its statements returned. */
export function resultFromSql(c: CompiledRules, rows: SqlRows): QualityResult {
  const m = rows.metrics;
  const raws: Record<string, RuleRaw> = {};
  for (const p of leaves(c.planned)) raws[p.id] = {};
  for (const [id, problem] of Object.entries(c.problems)) raws[id] = { error: problem };
  for (const col of c.metricColumns) {
    const v = num(m[col.alias]);
    const raw = raws[col.rule]!;
    if (col.field === 'scanned') raw.scanned = v ?? 0;
    else if (col.field === 'failed') raw.failed = (raw.failed ?? 0) + (v ?? 0);
    else raw[col.field] = v === null || Number.isNaN(v) ? null : v;
  }
  for (const cs of c.customSql) {
    const v = rows.custom?.[cs.rule];
    raws[cs.rule] = v instanceof Error ? { error: `the query failed: ${v.message}` } : { value: v ?? null };
  }
  const columnNulls: Record<string, number> = {};
  Object.keys(c.columns).forEach((name, i) => (columnNulls[name] = num(m[`__null_${i}`]) ?? 0));
  const max = c.maxFailingRows;
  const failing: FailingRow[] = [];
  for (const r of rows.failingRows ?? []) {
    const key: FailingRow['key'] = {};
    for (const k of c.keys) key[k] = keyOf(r[k]);
    failing.push({ key, rules: c.failingFlags.filter((f) => num(r[f.alias]) === 1).map((f) => f.rule) });
  }
  const measurements: RawMeasurements = { rowCount: num(m['__n']) ?? 0, columnNulls, columns: c.columns, rules: raws };
  return buildResult(c.planned, measurements, {
    dataset: c.dataset,
    engine: rows.engine,
    now: rows.now ?? new Date(),
    failingRows: failing.slice(0, max),
    failingRowsTruncated: failing.length > max,
  });
}
