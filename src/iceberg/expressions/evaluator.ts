/**
 * Evaluating a bound expression on one row or struct of values (Java's
 * `Evaluator`), with lakekit's null and NaN rules (see `expression.ts`).
 * Used for partition tuples; use `filterBatch` for Arrow data.
 *
 * @example
 * ```ts
 * const matches = evaluator(bind(equal('id', 7), schema));
 * matches(new Map([[1, 7n]])); // true
 * ```
 */
import type { Value } from '../spec/values.js';
import { compareValues, isNaNValue, keySet, valueKey } from './compare.js';
import type { BoundExpression, BoundPredicate } from './expression.js';
import { evaluateTree, rewriteNot } from './rewrite-not.js';

const sets = new WeakMap<object, ReadonlySet<unknown>>();

function setOf(p: { values: readonly Value[] }): ReadonlySet<unknown> {
  let s = sets.get(p);
  if (s === undefined) {
    s = keySet(p.values);
    sets.set(p, s);
  }
  return s;
}

/**
 * Whether value `v` of the predicate's column makes the predicate true.
 * Unknown (a null compared, a NaN ordered) counts as false, which is right
 * for expressions without `not` (see `rewriteNot`).
 */
export function predicateMatches(p: BoundPredicate, v: Value | undefined): boolean {
  if (v === null || v === undefined) return p.op === 'is-null' || p.op === 'not-nan';
  switch (p.op) {
    case 'is-null':
      return false;
    case 'not-null':
      return true;
    case 'is-nan':
      return isNaNValue(v);
    case 'not-nan':
      return !isNaNValue(v);
    case 'in':
      return !isNaNValue(v) && setOf(p).has(valueKey(v));
    case 'not-in':
      return isNaNValue(v) || !setOf(p).has(valueKey(v));
    case 'starts-with':
      return typeof v === 'string' && v.startsWith(p.value as string);
    case 'not-starts-with':
      return typeof v === 'string' && !v.startsWith(p.value as string);
    case 'eq':
      return !isNaNValue(v) && compareValues(v, p.value) === 0;
    case 'not-eq':
      return isNaNValue(v) || compareValues(v, p.value) !== 0;
  }
  if (isNaNValue(v)) return false;
  const c = compareValues(v, p.value);
  switch (p.op) {
    case 'lt':
      return c < 0;
    case 'lt-eq':
      return c <= 0;
    case 'gt':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Reads the value of a field id from a row. */
export type FieldGetter = (fieldId: number) => Value | undefined;

/**
 * Compile a bound expression into a function that tells whether a row
 * matches. The row is a field getter, or a struct value (`Map` from field id
 * to value, as `values.ts` represents structs); missing fields are null.
 */
export function evaluator(expr: BoundExpression): (row: FieldGetter | ReadonlyMap<number, Value>) => boolean {
  const rewritten = rewriteNot(expr);
  return (row) => {
    const get: FieldGetter = typeof row === 'function' ? row : (id) => row.get(id);
    return evaluateTree(rewritten, (p) => predicateMatches(p, get(p.ref.fieldId)));
  };
}

/** Whether one row matches (see {@link evaluator}; compile once for many rows). */
export function evaluate(expr: BoundExpression, row: FieldGetter | ReadonlyMap<number, Value>): boolean {
  return evaluator(expr)(row);
}
