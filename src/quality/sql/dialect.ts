/**
 * The three SQL dialects quality rules compile to, and the compilation of
 * row expressions. Differences handled here: identifier quoting, string
 * escaping (Spark treats `\` as an escape in literals), regular-expression
 * matching (`regexp_matches` / `RLIKE` / `regexp_like`), epoch conversion,
 * exact quantiles (Trino has only `approx_percentile`) and division (always
 * in DOUBLE, by `NULLIF(d, 0)`, so integer division and division by zero
 * behave alike everywhere).
 *
 * @module
 */
import type { Expr } from '../expr/ast.js';

/** A SQL dialect rules compile to. */
export type SqlDialect = 'duckdb' | 'spark' | 'trino';

/** All supported dialects. */
export const SQL_DIALECTS: readonly SqlDialect[] = ['duckdb', 'spark', 'trino'];

/** Quotes an identifier for the dialect. */
export function quoteIdent(name: string, d: SqlDialect): string {
  return d === 'spark' ? `\`${name.replace(/`/g, '``')}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a possibly qualified table name (`db.table`), part by part. */
export function quoteTable(name: string, d: SqlDialect): string {
  return name
    .split('.')
    .map((p) => quoteIdent(p, d))
    .join('.');
}

/** A string literal for the dialect. */
export function quoteString(s: string, d: SqlDialect): string {
  if (d === 'spark') return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `'${s.replace(/'/g, "''")}'`;
}

/** A numeric literal; non-finite values become typed DOUBLE expressions. */
export function numberLiteral(x: number, d: SqlDialect): string {
  if (Number.isFinite(x)) {
    const s = String(x);
    // 1e-7 and similar: Spark and Trino read exponent forms as DOUBLE, which is what we mean.
    return Number.isInteger(x) && Math.abs(x) < 1e15 ? s : /e/i.test(s) ? s : `CAST(${s} AS DOUBLE)`;
  }
  const v = Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  return d === 'trino' ? (v === 'NaN' ? 'nan()' : v === 'Infinity' ? 'infinity()' : '-infinity()') : `CAST('${v}' AS DOUBLE)`;
}

function timeLiteral(micros: number, date: boolean): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString();
  if (date) return `DATE '${iso.slice(0, 10)}'`;
  const frac = String(Math.round(micros - ms * 1000) + (ms % 1000) * 1000).padStart(6, '0');
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac}'`;
}

/** A regular-expression match (partial, as every engine's own function is). */
export function regexMatch(subject: string, pattern: string, d: SqlDialect): string {
  const p = quoteString(pattern, d);
  if (d === 'duckdb') return `regexp_matches(${subject}, ${p})`;
  if (d === 'spark') return `(${subject} RLIKE ${p})`;
  return `regexp_like(${subject}, ${p})`;
}

/** Microseconds since the epoch of a timestamp expression. */
export function epochMicros(x: string, d: SqlDialect): string {
  if (d === 'duckdb') return `epoch_us(${x})`;
  if (d === 'spark') return `unix_micros(CAST(${x} AS TIMESTAMP))`;
  return `CAST(to_unixtime(${x}) * 1000000 AS BIGINT)`;
}

/** Compiles a row expression to the dialect. */
export function compileExpr(e: Expr, d: SqlDialect): string {
  const c = (x: Expr) => compileExpr(x, d);
  switch (e.k) {
    case 'col':
      return quoteIdent(e.name, d);
    case 'lit':
      if (e.v === null) return 'NULL';
      if (typeof e.v === 'boolean') return e.v ? 'TRUE' : 'FALSE';
      if (typeof e.v === 'number') return numberLiteral(e.v, d);
      return quoteString(e.v, d);
    case 'time':
      return timeLiteral(e.micros, e.date);
    case 'neg':
      return `(-${c(e.e)})`;
    case 'not':
      return `(NOT ${c(e.e)})`;
    case 'isnull':
      return `(${c(e.e)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'bin': {
      if (e.op === '/' || e.op === '%') {
        const l = `CAST(${c(e.l)} AS DOUBLE)`;
        const r = `NULLIF(CAST(${c(e.r)} AS DOUBLE), 0)`;
        return e.op === '/' ? `(${l} / ${r})` : d === 'trino' ? `mod(${l}, ${r})` : `(${l} % ${r})`;
      }
      const op = e.op === '!=' ? '<>' : e.op;
      return `(${c(e.l)} ${op} ${c(e.r)})`;
    }
    case 'in':
      return `(${c(e.e)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(c).join(', ')}))`;
    case 'between':
      return `(${c(e.e)} ${e.not ? 'NOT ' : ''}BETWEEN ${c(e.lo)} AND ${c(e.hi)})`;
    case 'like':
      return `(${c(e.e)} ${e.not ? 'NOT ' : ''}LIKE ${quoteString(e.pattern, d)})`;
    case 'call': {
      if (e.fn === 'regexp_matches') {
        const p = e.args[1]!;
        return regexMatch(c(e.args[0]!), p.k === 'lit' && typeof p.v === 'string' ? p.v : '', d);
      }
      return `${e.fn}(${e.args.map(c).join(', ')})`;
    }
  }
}
