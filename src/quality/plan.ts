/**
 * Rules lowered to evaluation plans, shared by the in-process engine and the
 * SQL compiler, so both compute the same raw measurements (`RuleRaw`) and one
 * function (`finalize` in ./results.ts) turns those into pass/fail. That
 * sharing is what makes in-process, DuckDB, Spark and Trino agree.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { E, type Expr } from './expr/ast.js';
import { parseExpr, parseTimeLiteral } from './expr/parse.js';
import { dateFormatPattern, type AggregateType, type QualityRule } from './rules.js';

/** How a rule is measured. */
export type Plan =
  /** Row-level: a row in scope fails when `pass` is FALSE (NULL passes, as in a CHECK constraint). */
  | { kind: 'row'; pass: Expr }
  /** Rows whose (non-null) tuple occurs more than once in scope fail; with `nullsFail`, rows with a null too. */
  | { kind: 'unique'; columns: string[]; nullsFail: boolean }
  /** Rows whose (non-null) tuple is absent from the reference dataset's tuples fail. */
  | { kind: 'ref'; columns: string[]; reference: string; referenceColumns: string[] }
  | { kind: 'agg'; fn: AggregateType | 'maxTime'; column: string; other?: string; q?: number }
  | { kind: 'rowCount' }
  | { kind: 'rowCountMatch'; reference: string }
  | { kind: 'schema' }
  | { kind: 'customSql'; sql: string }
  | { kind: 'composite'; op: 'and' | 'or'; children: PlannedRule[] };

/** A rule with its id, parsed filter and plan. */
export interface PlannedRule {
  id: string;
  rule: QualityRule;
  where: Expr | undefined;
  plan: Plan;
}

function bound(b: number | string, what: string): Expr {
  if (typeof b === 'number') return E.lit(b);
  const micros = parseTimeLiteral(b);
  if (micros === undefined) throw new ValidationError(`${what} '${b}' is neither a number nor a 'YYYY-MM-DD[ HH:MM:SS]' timestamp`);
  return { k: 'time', micros, date: false };
}

function rowPlan(rule: QualityRule): Expr | undefined {
  switch (rule.type) {
    case 'isComplete':
    case 'completeness':
      return E.notNull(E.col(rule.column));
    case 'inSet':
    case 'notInSet':
      return { k: 'in', e: E.col(rule.column), list: rule.values.map((v) => E.lit(v)), not: rule.type === 'notInSet' };
    case 'between': {
      const c = E.col(rule.column);
      const parts: Expr[] = [];
      if (rule.min !== undefined) parts.push(E.bin(rule.exclusive ? '>' : '>=', c, bound(rule.min, 'min')));
      if (rule.max !== undefined) parts.push(E.bin(rule.exclusive ? '<' : '<=', c, bound(rule.max, 'max')));
      if (parts.length === 0) throw new ValidationError(`rule between(${rule.column}) needs min, max or both`);
      return parts.reduce((a, b) => E.and(a, b));
    }
    case 'matches':
      return E.call('regexp_matches', E.col(rule.column), E.lit(rule.pattern));
    case 'dateFormat':
      return E.call('regexp_matches', E.col(rule.column), E.lit(dateFormatPattern(rule.format)));
    case 'length': {
      const l = E.call('length', E.col(rule.column));
      const parts: Expr[] = [];
      if (rule.min !== undefined) parts.push(E.bin('>=', l, E.lit(rule.min)));
      if (rule.max !== undefined) parts.push(E.bin('<=', l, E.lit(rule.max)));
      if (parts.length === 0) throw new ValidationError(`rule length(${rule.column}) needs min, max or both`);
      return parts.reduce((a, b) => E.and(a, b));
    }
    case 'columnPair':
      return E.bin(rule.op, E.col(rule.left), E.col(rule.right));
    case 'predicate':
      return parseExpr(rule.expression);
    default:
      return undefined;
  }
}

function planOf(rule: QualityRule, ids: Map<string, number>): Plan {
  const row = rowPlan(rule);
  if (row) return { kind: 'row', pass: row };
  switch (rule.type) {
    case 'isUnique':
    case 'uniqueness':
    case 'primaryKey':
      if (rule.columns.length === 0) throw new ValidationError(`rule ${rule.type} needs at least one column`);
      return { kind: 'unique', columns: rule.columns, nullsFail: rule.type === 'primaryKey' };
    case 'referentialIntegrity':
      if (rule.columns.length === 0 || rule.columns.length !== rule.referenceColumns.length)
        throw new ValidationError(`rule referentialIntegrity needs as many referenceColumns as columns (got ${rule.columns.length} and ${rule.referenceColumns.length})`);
      return { kind: 'ref', columns: rule.columns, reference: rule.reference, referenceColumns: rule.referenceColumns };
    case 'mean':
    case 'sum':
    case 'stddev':
    case 'min':
    case 'max':
    case 'distinctCount':
      return { kind: 'agg', fn: rule.type, column: rule.column };
    case 'quantile':
      if (!(rule.q >= 0 && rule.q <= 1)) throw new ValidationError(`rule quantile(${rule.column}): q must be within [0, 1], got ${rule.q}`);
      return { kind: 'agg', fn: 'quantile', column: rule.column, q: rule.q };
    case 'correlation':
      return { kind: 'agg', fn: 'correlation', column: rule.column, other: rule.other };
    case 'freshness':
      return { kind: 'agg', fn: 'maxTime', column: rule.column };
    case 'rowCount':
      return { kind: 'rowCount' };
    case 'rowCountMatch':
      return { kind: 'rowCountMatch', reference: rule.reference };
    case 'columnExists':
    case 'columnType':
    case 'schemaMatch':
      return { kind: 'schema' };
    case 'customSql':
      return { kind: 'customSql', sql: rule.sql };
    case 'and':
    case 'or':
      if (rule.rules.length === 0) throw new ValidationError(`an '${rule.type}' rule needs at least one rule`);
      return { kind: 'composite', op: rule.type, children: rule.rules.map((r) => planRule(r, ids)) };
    default:
      throw new ValidationError(`unknown rule type '${(rule as { type: string }).type}'`);
  }
}

function defaultId(rule: QualityRule): string {
  const cols = (() => {
    switch (rule.type) {
      case 'rowCount':
      case 'schemaMatch':
      case 'predicate':
      case 'customSql':
      case 'and':
      case 'or':
        return '';
      case 'rowCountMatch':
        return rule.reference;
      case 'isUnique':
      case 'uniqueness':
      case 'primaryKey':
      case 'referentialIntegrity':
        return rule.columns.join(',');
      case 'columnPair':
        return `${rule.left}${rule.op}${rule.right}`;
      case 'correlation':
        return `${rule.column},${rule.other}`;
      default:
        return rule.column;
    }
  })();
  return `${rule.type}(${cols})`;
}

function planRule(rule: QualityRule, ids: Map<string, number>): PlannedRule {
  const base = rule.name ?? defaultId(rule);
  const seen = ids.get(base) ?? 0;
  ids.set(base, seen + 1);
  const id = seen === 0 ? base : `${base}#${seen + 1}`;
  if (rule.maxFailureFraction !== undefined && !(rule.maxFailureFraction >= 0 && rule.maxFailureFraction <= 1))
    throw new ValidationError(`rule ${id}: maxFailureFraction must be within [0, 1], got ${rule.maxFailureFraction}`);
  const where = rule.where === undefined ? undefined : parseExpr(rule.where);
  return { id, rule, where, plan: planOf(rule, ids) };
}

/** Lowers rules to plans with unique ids. Throws ValidationError on malformed rules (bad expressions, empty column lists). */
export function planRules(rules: readonly QualityRule[]): PlannedRule[] {
  const ids = new Map<string, number>();
  return rules.map((r) => planRule(r, ids));
}

/** Leaf plans (composites flattened), in order. */
export function leaves(planned: readonly PlannedRule[]): PlannedRule[] {
  return planned.flatMap((p) => (p.plan.kind === 'composite' ? leaves(p.plan.children) : [p]));
}
