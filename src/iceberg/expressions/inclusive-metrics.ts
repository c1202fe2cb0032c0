/**
 * Inclusive metrics evaluation (Java's `InclusiveMetricsEvaluator`): can a
 * data file contain a row that matches the filter, judging by its column
 * metrics? `false` (ROWS_CANNOT_MATCH) means the file can be skipped;
 * `true` (ROWS_MIGHT_MATCH) means it must be read.
 *
 * Rules follow Java's, adapted to lakekit's null rules (a null never
 * matches `not-eq`, `not-in` or `not-starts-with`, so all-null columns
 * prune those too). Truncated string bounds (`truncate(16)`) are safe: a
 * lower bound is ≤ every value and an upper bound ≥ every value, and
 * `starts-with` compares only the bound's first code points.
 *
 * @example
 * ```ts
 * const mightMatch = inclusiveMetricsEvaluator(schema, greaterThan('amount', 100));
 * const keep = dataFiles.filter((f) => mightMatch(f.metrics));
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

/** Above this many literals, `in` is not checked against bounds (as in Java). */
export const IN_PREDICATE_LIMIT = 200;

const MIGHT_MATCH = true;
const CANNOT_MATCH = false;

function prefixCompare(bound: string, prefix: string): number {
  // the bound cut to the prefix's length in code points; cutting is monotone, so this is safe for truncated bounds
  return compareStrings(truncateString(bound, Array.from(prefix).length), prefix);
}

function startsWithPrefix(bound: Value | undefined, prefix: string): boolean {
  return typeof bound === 'string' && bound.startsWith(prefix);
}

function mightMatch(p: BoundPredicate, m: MetricsView): boolean {
  const id = p.ref.fieldId;
  const type = p.ref.type;
  switch (p.op) {
    case 'is-null':
      return m.mayContainNull(id);
    case 'not-null':
      return !m.containsNullsOnly(id);
    case 'is-nan':
      return !m.containsNullsOnly(id) && m.mayContainNaN(id);
    case 'not-nan':
      return !m.containsNaNsOnly(id);
  }
  if (m.containsNullsOnly(id)) return CANNOT_MATCH;
  switch (p.op) {
    case 'not-eq':
    case 'not-in':
      // bounds are not necessarily values of the column, so they cannot prove every value equal
      return MIGHT_MATCH;
    case 'starts-with': {
      const lower = m.lower(id, type);
      if (typeof lower === 'string' && prefixCompare(lower, p.value as string) > 0) return CANNOT_MATCH;
      const upper = m.upper(id, type);
      if (typeof upper === 'string' && prefixCompare(upper, p.value as string) < 0) return CANNOT_MATCH;
      return MIGHT_MATCH;
    }
    case 'not-starts-with': {
      // only when every value starts with the prefix does no row match
      const prefix = p.value as string;
      return !(startsWithPrefix(m.lower(id, type), prefix) && startsWithPrefix(m.upper(id, type), prefix));
    }
  }
  if (m.containsNaNsOnly(id)) return CANNOT_MATCH;
  const lower = m.lower(id, type);
  const upper = m.upper(id, type);
  switch (p.op) {
    case 'lt':
      return lower === undefined || compareValues(lower, p.value) < 0;
    case 'lt-eq':
      return lower === undefined || compareValues(lower, p.value) <= 0;
    case 'gt':
      return upper === undefined || compareValues(upper, p.value) > 0;
    case 'gt-eq':
      return upper === undefined || compareValues(upper, p.value) >= 0;
    case 'eq':
      return (lower === undefined || compareValues(lower, p.value) <= 0) && (upper === undefined || compareValues(upper, p.value) >= 0);
    case 'in':
      if (p.values.length > IN_PREDICATE_LIMIT) return MIGHT_MATCH;
      return p.values.some((v) => (lower === undefined || compareValues(lower, v) <= 0) && (upper === undefined || compareValues(upper, v) >= 0));
  }
  return MIGHT_MATCH;
}

/**
 * Compile a filter into a test on file metrics: true when the file might
 * contain matching rows, false when it cannot. A file with no records
 * cannot match; one with an unknown (negative) count might.
 */
export function inclusiveMetricsEvaluator(schema: StructType, expr: Expression | BoundExpression, opts: BindOptions = {}): (metrics: FileMetrics) => boolean {
  const bound = rewriteNot(bind(expr, schema, opts));
  return (metrics) => {
    const m = new MetricsView(metrics);
    const records = m.recordCount;
    if (records === 0n) return CANNOT_MATCH;
    if (records < 0n) return MIGHT_MATCH;
    return evaluateTree(bound, (p) => mightMatch(p, m));
  };
}
