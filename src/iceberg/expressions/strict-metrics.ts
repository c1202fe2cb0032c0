/**
 * Strict metrics evaluation (Java's `StrictMetricsEvaluator`): does every
 * row of a data file match the filter, judging by its column metrics?
 * `true` (ROWS_MUST_MATCH) lets a delete-by-filter drop the whole file
 * without rewriting it; `false` (ROWS_MIGHT_NOT_MATCH) means some row may
 * not match.
 *
 * Stricter than Java where lakekit's null and NaN rules require it: a null
 * matches no comparison (so `not-eq`, `not-in`, `not-starts-with` need a
 * known null count of 0), and NaN is not ordered (so ordering predicates on
 * float columns need a known NaN count of 0). Only top-level columns are
 * judged, as in Java; a file whose record count is unknown never must match.
 *
 * @example
 * ```ts
 * const allMatch = strictMetricsEvaluator(schema, lessThan('ts', '2026-01-01'));
 * const dropWhole = files.filter((f) => allMatch(f.metrics));
 * ```
 */
import { truncateString } from '../spec/transform-apply.js';
import type { StructType } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import type { BindOptions } from './bind.js';
import { bind } from './bind.js';
import { compareStrings, compareValues } from './compare.js';
import type { BoundExpression, BoundPredicate, Expression } from './expression.js';
import type { FileMetrics } from './file-metrics.js';
import { MetricsView } from './file-metrics.js';
import { evaluateTree, rewriteNot } from './rewrite-not.js';

const MUST_MATCH = true;
const MIGHT_NOT_MATCH = false;

function startsWithPrefix(bound: Value | undefined, prefix: string): boolean {
  return typeof bound === 'string' && bound.startsWith(prefix);
}

function mustMatch(p: BoundPredicate, m: MetricsView, topLevel: ReadonlySet<number>): boolean {
  const id = p.ref.fieldId;
  const type = p.ref.type;
  if (!topLevel.has(id)) return MIGHT_NOT_MATCH;
  const floating = type.type === 'float' || type.type === 'double';
  switch (p.op) {
    case 'is-null':
      return m.containsNullsOnly(id);
    case 'not-null':
      return !m.mayContainNull(id);
    case 'is-nan':
      return m.containsNaNsOnly(id);
    case 'not-nan':
      return !m.mayContainNaN(id) || m.containsNullsOnly(id);
  }
  // every other predicate is unknown for a null value
  if (m.mayContainNull(id)) return MIGHT_NOT_MATCH;
  const lower = m.lower(id, type);
  const upper = m.upper(id, type);
  switch (p.op) {
    case 'not-eq':
      if (m.containsNaNsOnly(id)) return MUST_MATCH;
      return (lower !== undefined && compareValues(lower, p.value) > 0) || (upper !== undefined && compareValues(upper, p.value) < 0);
    case 'not-in':
      if (m.containsNaNsOnly(id)) return MUST_MATCH;
      if (lower === undefined && upper === undefined) return MIGHT_NOT_MATCH;
      // no literal within the file's bounds: every value differs from all of them
      return !p.values.some((v) => (lower === undefined || compareValues(lower, v) <= 0) && (upper === undefined || compareValues(upper, v) >= 0));
    case 'starts-with':
      return startsWithPrefix(lower, p.value as string) && startsWithPrefix(upper, p.value as string);
    case 'not-starts-with': {
      const prefix = p.value as string;
      const n = Array.from(prefix).length;
      if (typeof lower === 'string' && compareStrings(truncateString(lower, n), prefix) > 0) return MUST_MATCH;
      return typeof upper === 'string' && compareStrings(truncateString(upper, n), prefix) < 0;
    }
  }
  // ordering and equality: a NaN value never matches
  if (floating && m.mayContainNaN(id)) return MIGHT_NOT_MATCH;
  switch (p.op) {
    case 'lt':
      return upper !== undefined && compareValues(upper, p.value) < 0;
    case 'lt-eq':
      return upper !== undefined && compareValues(upper, p.value) <= 0;
    case 'gt':
      return lower !== undefined && compareValues(lower, p.value) > 0;
    case 'gt-eq':
      return lower !== undefined && compareValues(lower, p.value) >= 0;
    case 'eq':
      return lower !== undefined && upper !== undefined && compareValues(lower, p.value) === 0 && compareValues(upper, p.value) === 0;
    case 'in':
      if (lower === undefined || upper === undefined || compareValues(lower, upper) !== 0) return MIGHT_NOT_MATCH;
      return p.values.some((v) => compareValues(lower, v) === 0);
  }
  return MIGHT_NOT_MATCH;
}

/**
 * Compile a filter into a test on file metrics: true when every row of the
 * file must match, false when some row might not. A file with no records
 * trivially matches.
 */
export function strictMetricsEvaluator(schema: StructType, expr: Expression | BoundExpression, opts: BindOptions = {}): (metrics: FileMetrics) => boolean {
  const bound = rewriteNot(bind(expr, schema, opts));
  const topLevel = new Set(schema.fields.map((f) => f.id));
  return (metrics) => {
    const m = new MetricsView(metrics);
    const records = m.recordCount;
    if (records === 0n) return MUST_MATCH;
    if (records < 0n) return MIGHT_NOT_MATCH;
    return evaluateTree(bound, (p) => mustMatch(p, m, topLevel));
  };
}
