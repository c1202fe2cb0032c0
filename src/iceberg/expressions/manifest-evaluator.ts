/**
 * Manifest pruning (Java's `ManifestEvaluator.forRowFilter`): can a
 * manifest hold a data file with a matching row, judging by the partition
 * field summaries its manifest-list entry carries?
 *
 * The row filter is projected inclusively onto the partition values, then
 * tested against each partition field's summary: whether some value is null
 * or NaN, and the lower / upper bounds of the other values (null when every
 * value is null or NaN). A summary list that is missing, or shorter than
 * the spec, can prune nothing for the missing fields.
 *
 * @example
 * ```ts
 * const mightMatch = manifestEvaluator(schema, spec, filter);
 * const manifests = manifestList.filter((m) => mightMatch(m.partitions));
 * ```
 */
import type { PartitionSpec } from '../spec/partition.js';
import { truncateString } from '../spec/transform-apply.js';
import type { PrimitiveType, StructType } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import { fromBytes } from '../spec/values.js';
import type { BindOptions } from './bind.js';
import { compareStrings, compareValues, isNaNValue } from './compare.js';
import type { BoundExpression, BoundPredicate, Expression } from './expression.js';
import { IN_PREDICATE_LIMIT } from './inclusive-metrics.js';
import { inclusiveProjection } from './projections.js';
import { evaluateTree, rewriteNot } from './rewrite-not.js';

/** A manifest-list `field_summary`: what the manifest's files hold for one partition field. */
export interface PartitionFieldSummary {
  /** Whether some file's partition value is null. */
  readonly containsNull: boolean;
  /** Whether some value is NaN (null or undefined: unknown). */
  readonly containsNan?: boolean | null;
  /** Lower bound of the non-null, non-NaN values (Appendix D bytes); null when there are none. */
  readonly lowerBound?: Uint8Array | null;
  /** Upper bound of the non-null, non-NaN values; null when there are none. */
  readonly upperBound?: Uint8Array | null;
}

const MIGHT_MATCH = true;
const CANNOT_MATCH = false;

/** A bound: absent (no non-null values), unreadable (corrupt: prune nothing), or a value. */
function decode(type: PrimitiveType, bytes: Uint8Array | null | undefined): Value | 'absent' | 'unreadable' {
  if (bytes === null || bytes === undefined) return 'absent';
  try {
    const v = fromBytes(type, bytes);
    return v === null || isNaNValue(v) ? 'unreadable' : v;
  } catch {
    return 'unreadable';
  }
}

function mightMatch(p: BoundPredicate, s: PartitionFieldSummary | undefined): boolean {
  if (s === undefined) return MIGHT_MATCH;
  const type = p.ref.type;
  const floating = type.type === 'float' || type.type === 'double';
  const lower = decode(type, s.lowerBound);
  const upper = decode(type, s.upperBound);
  const allNull = s.containsNull && lower === 'absent' && (!floating || s.containsNan === false);
  switch (p.op) {
    case 'is-null':
      return s.containsNull;
    case 'not-null':
      return !allNull;
    case 'is-nan':
      return s.containsNan !== false && !allNull;
    case 'not-nan':
      return !(s.containsNan === true && !s.containsNull && lower === 'absent');
  }
  if (allNull) return CANNOT_MATCH;
  if (lower === 'unreadable' || upper === 'unreadable') return MIGHT_MATCH;
  switch (p.op) {
    case 'not-eq':
    case 'not-in': {
      // a manifest whose every value is one known value
      if ((floating && s.containsNan !== false) || lower === 'absent' || upper === 'absent' || compareValues(lower, upper) !== 0) return MIGHT_MATCH;
      const values = 'values' in p ? p.values : [p.value];
      return !values.some((v: Value) => compareValues(lower, v) === 0);
    }
    case 'not-starts-with': {
      const prefix = p.value as string;
      return !(typeof lower === 'string' && typeof upper === 'string' && lower.startsWith(prefix) && upper.startsWith(prefix));
    }
  }
  if (lower === 'absent' || upper === 'absent') return CANNOT_MATCH; // only nulls and NaNs, which match none of these
  switch (p.op) {
    case 'lt':
      return compareValues(lower, p.value) < 0;
    case 'lt-eq':
      return compareValues(lower, p.value) <= 0;
    case 'gt':
      return compareValues(upper, p.value) > 0;
    case 'gt-eq':
      return compareValues(upper, p.value) >= 0;
    case 'eq':
      return compareValues(lower, p.value) <= 0 && compareValues(upper, p.value) >= 0;
    case 'in':
      if (p.values.length > IN_PREDICATE_LIMIT) return MIGHT_MATCH;
      return p.values.some((v) => compareValues(lower, v) <= 0 && compareValues(upper, v) >= 0);
    case 'starts-with': {
      const prefix = p.value as string;
      const n = Array.from(prefix).length;
      return compareStrings(truncateString(lower as string, n), prefix) <= 0 && compareStrings(truncateString(upper as string, n), prefix) >= 0;
    }
  }
  return MIGHT_MATCH;
}

/**
 * Compile a row filter into a test on a manifest's partition field
 * summaries (in spec field order): false when no file in the manifest can
 * hold a matching row.
 */
export function manifestEvaluator(
  schema: StructType,
  spec: PartitionSpec,
  expr: Expression | BoundExpression,
  opts: BindOptions = {},
): (partitions: readonly PartitionFieldSummary[] | null | undefined) => boolean {
  const projected = rewriteNot(inclusiveProjection(schema, spec, expr, opts));
  const positions = new Map(spec.fields.map((f, i) => [f.fieldId, i]));
  return (partitions) => {
    if (partitions === null || partitions === undefined) return MIGHT_MATCH;
    return evaluateTree(projected, (p) => mightMatch(p, partitions[positions.get(p.ref.fieldId) ?? -1]));
  };
}

/** Test a bound expression over partition references directly against summaries (for callers that project themselves). */
export function summariesMightMatch(spec: PartitionSpec, partitionFilter: BoundExpression, partitions: readonly PartitionFieldSummary[]): boolean {
  const positions = new Map(spec.fields.map((f, i) => [f.fieldId, i]));
  return evaluateTree(rewriteNot(partitionFilter), (p) => mightMatch(p, partitions[positions.get(p.ref.fieldId) ?? -1]));
}
