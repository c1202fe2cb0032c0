/**
 * Projecting row filters onto partition values (Java's `Projections`), and
 * evaluating filters on partition tuples.
 *
 * - {@link inclusiveProjection}: a filter on partition values that every
 *   partition holding a matching row satisfies; files whose partition fails
 *   it can be skipped.
 * - {@link strictProjection}: a filter on partition values that only
 *   partitions whose rows all match satisfy.
 *
 * Projections are bound expressions over the partition struct: references
 * carry the partition field id, name and result type. Partition tuples are
 * given as a `Map` from partition field id to value, or as an array in spec
 * order (what `partitionTuple` returns).
 *
 * @example
 * ```ts
 * const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
 * inclusiveProjection(schema, spec, greaterThanOrEqual('ts', '2026-11-01T10:00:00'));
 * // ts_day >= 2026-11-01 (as day number 20393)
 * const mightMatch = partitionEvaluator(schema, spec, filter);
 * mightMatch([20393]); // true
 * ```
 */
import type { PartitionSpec } from '../spec/partition.js';
import { partitionType } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import type { PrimitiveType, StructType } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import type { BindOptions } from './bind.js';
import { bind } from './bind.js';
import { ALWAYS_FALSE, ALWAYS_TRUE, and, or } from './builders.js';
import { predicateMatches } from './evaluator.js';
import type { BoundExpression, BoundPredicate, BoundReference, Expression } from './expression.js';
import { evaluateTree, mapPredicates, rewriteNot } from './rewrite-not.js';
import { projectInclusive, projectStrict } from './transform-projection.js';

/** A partition tuple: partition field id → value, or values in spec field order. */
export type PartitionData = ReadonlyMap<number, Value> | readonly Value[];

/** One spec field with the reference its partition value is read through. */
export interface PartitionPart {
  readonly field: PartitionSpec['fields'][number];
  readonly ref: BoundReference;
  /** Position of the field in the spec (and in array partition tuples). */
  readonly position: number;
}

/** The spec's fields with their partition references, grouped by source field id. */
export function partitionParts(schema: StructType, spec: PartitionSpec): ReadonlyMap<number, readonly PartitionPart[]> {
  const type = partitionType(spec, schema as Schema);
  const bySource = new Map<number, PartitionPart[]>();
  spec.fields.forEach((field, position) => {
    const f = type.fields[position]!;
    const ref: BoundReference = Object.freeze({ fieldId: field.fieldId, name: field.name, type: f.type as PrimitiveType });
    bySource.set(field.sourceId, [...(bySource.get(field.sourceId) ?? []), { field, ref, position }]);
  });
  return bySource;
}

function projection(schema: StructType, spec: PartitionSpec, expr: Expression | BoundExpression, opts: BindOptions, strict: boolean): BoundExpression {
  const parts = partitionParts(schema, spec);
  // without `not` nodes, "no projection" can safely stand in as a constant
  return mapPredicates(rewriteNot(bind(expr, schema, opts)), (p) => {
    const projected = (parts.get(p.ref.fieldId) ?? []).map((part) => (strict ? projectStrict : projectInclusive)(part.field, part.ref, p));
    // several fields on one source: every inclusive projection must hold; any strict one suffices
    return strict ? or(...projected.map((e) => e ?? ALWAYS_FALSE)) : and(...projected.map((e) => e ?? ALWAYS_TRUE));
  });
}

/** The inclusive projection of a row filter onto `spec`'s partition values (see the module comment). */
export function inclusiveProjection(schema: StructType, spec: PartitionSpec, expr: Expression | BoundExpression, opts: BindOptions = {}): BoundExpression {
  return projection(schema, spec, expr, opts, false);
}

/** The strict projection of a row filter onto `spec`'s partition values (see the module comment). */
export function strictProjection(schema: StructType, spec: PartitionSpec, expr: Expression | BoundExpression, opts: BindOptions = {}): BoundExpression {
  return projection(schema, spec, expr, opts, true);
}

/** A reader of partition values by partition field id, for tuples of `spec`. */
export function partitionGetter(spec: PartitionSpec, data: PartitionData): (fieldId: number) => Value | undefined {
  if (!Array.isArray(data)) return (id) => (data as ReadonlyMap<number, Value>).get(id);
  const positions = new Map(spec.fields.map((f, i) => [f.fieldId, i]));
  return (id) => {
    const i = positions.get(id);
    return i === undefined ? undefined : (data as readonly Value[])[i];
  };
}

/** Whether a partition tuple satisfies a bound expression over partition references. */
export function evaluatePartition(spec: PartitionSpec, expr: BoundExpression, data: PartitionData): boolean {
  const get = partitionGetter(spec, data);
  return evaluateTree(rewriteNot(expr), (p: BoundPredicate) => predicateMatches(p, get(p.ref.fieldId)));
}

/**
 * Compile a row filter into a test on partition tuples: false when no row
 * of a file with that partition can match (the file can be skipped).
 */
export function partitionEvaluator(schema: StructType, spec: PartitionSpec, expr: Expression | BoundExpression, opts: BindOptions = {}): (data: PartitionData) => boolean {
  const projected = inclusiveProjection(schema, spec, expr, opts);
  return (data) => evaluatePartition(spec, projected, data);
}
