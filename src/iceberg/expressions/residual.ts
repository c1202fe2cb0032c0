/**
 * Residuals (Java's `ResidualEvaluator`): what is left of a row filter for
 * the rows of one partition. A predicate that the partition value already
 * decides becomes always-true (its strict projection holds) or always-false
 * (its inclusive projection fails); the rest stays and must be checked row
 * by row. A residual of always-true means every row of the file matches.
 *
 * For every row: the row matches the filter exactly when it matches the
 * residual of its partition.
 *
 * @example
 * ```ts
 * // partitioned by day(ts); filter ts >= '2026-11-01T10:00:00'
 * const residualFor = residualEvaluator(schema, spec, filter);
 * residualFor([20394]); // always-true: the whole day is after the bound
 * residualFor([20393]); // ts >= 2026-11-01T10:00:00 still applies
 * ```
 */
import type { PartitionSpec } from '../spec/partition.js';
import type { StructType } from '../spec/types.js';
import type { BindOptions } from './bind.js';
import { bind } from './bind.js';
import { ALWAYS_FALSE, ALWAYS_TRUE } from './builders.js';
import { predicateMatches } from './evaluator.js';
import type { BoundExpression, BoundPredicate, Expression } from './expression.js';
import type { PartitionData } from './projections.js';
import { partitionGetter, partitionParts } from './projections.js';
import { evaluateTree, mapPredicates, rewriteNot } from './rewrite-not.js';
import { projectInclusive, projectStrict } from './transform-projection.js';

interface Decider {
  strict: BoundExpression[];
  inclusive: BoundExpression[];
}

/**
 * Compile a row filter into a function from a partition tuple (of `spec`)
 * to the residual bound expression for that partition's rows.
 */
export function residualEvaluator(schema: StructType, spec: PartitionSpec, expr: Expression | BoundExpression, opts: BindOptions = {}): (data: PartitionData) => BoundExpression {
  // without `not` nodes, replacing a predicate that is unknown for all rows by false keeps every row's result
  const bound = rewriteNot(bind(expr, schema, opts));
  if (spec.fields.length === 0) return () => bound;
  const parts = partitionParts(schema, spec);
  const deciders = new Map<BoundPredicate, Decider>();
  mapPredicates(bound, (p) => {
    const strict: BoundExpression[] = [];
    const inclusive: BoundExpression[] = [];
    for (const part of parts.get(p.ref.fieldId) ?? []) {
      const s = projectStrict(part.field, part.ref, p);
      if (s !== null) strict.push(s);
      const i = projectInclusive(part.field, part.ref, p);
      if (i !== null) inclusive.push(i);
    }
    deciders.set(p, { strict, inclusive });
    return p;
  });
  return (data) => {
    const get = partitionGetter(spec, data);
    const holds = (e: BoundExpression) => evaluateTree(e, (q) => predicateMatches(q, get(q.ref.fieldId)));
    return mapPredicates(bound, (p): BoundExpression => {
      const d = deciders.get(p);
      if (d === undefined) return p;
      if (d.strict.some(holds)) return ALWAYS_TRUE;
      if (d.inclusive.some((e) => !holds(e))) return ALWAYS_FALSE;
      return p;
    });
  };
}
