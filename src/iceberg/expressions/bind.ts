/**
 * Binding (Java's `Binder`): resolve column names against a schema and
 * convert literals to the columns' types, simplifying what the types
 * already decide (`required_col IS NULL` is false, `int_col < 1e12` is
 * `int_col IS NOT NULL`, `x IN ()` is false).
 *
 * @example
 * ```ts
 * const bound = bind(and(greaterThanOrEqual('ts', '2026-11-01'), isIn('currency', ['EUR', 'USD'])), schema);
 * ```
 */
import { ValidationError } from '../../errors.js';
import type { StructType } from '../spec/types.js';
import { isPrimitive, typeToString } from '../spec/types.js';
import { findFieldByName, findFieldEntry, indexByName } from '../spec/type-index.js';
import type { Value } from '../spec/values.js';
import { ALWAYS_FALSE, ALWAYS_TRUE, and, not, or } from './builders.js';
import { valueKey } from './compare.js';
import type { BoundExpression, BoundPredicate, BoundReference, Expr, Expression, UnaryOp, UnboundPredicate } from './expression.js';
import { isBoundPredicate, isSetOp, isUnaryOp } from './expression.js';
import { convertLiteral } from './literals.js';

/** Options of {@link bind}. */
export interface BindOptions {
  /** Match column names exactly (default {@link DEFAULT_CASE_SENSITIVE}) or ignoring case. */
  caseSensitive?: boolean;
}

/** Column names match case-sensitively unless asked otherwise, as in Java. */
export const DEFAULT_CASE_SENSITIVE = true;

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The column name closest to `name` (ignoring case), if any is reasonably close. */
export function closestColumnName(struct: StructType, name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const wanted = name.toLowerCase();
  for (const candidate of indexByName(struct).keys()) {
    const d = distance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Resolve a column name to a bound reference. Throws ValidationError with a suggestion. */
export function bindReference(struct: StructType, term: string, opts: BindOptions = {}): BoundReference {
  const caseSensitive = opts.caseSensitive ?? DEFAULT_CASE_SENSITIVE;
  const field = findFieldByName(struct, term, { caseSensitive });
  if (field === undefined) {
    const suggestion = closestColumnName(struct, term);
    const hint = suggestion !== undefined ? `did you mean ${JSON.stringify(suggestion)}?` : 'check the column name against the table schema';
    throw new ValidationError(`cannot filter on column ${JSON.stringify(term)}: the schema has no such column; ${hint}`, {
      context: { column: term, ...(suggestion !== undefined ? { suggestion } : {}) },
    });
  }
  const entry = findFieldEntry(struct, field.id)!;
  const name = entry.path.join('.');
  if (entry.inCollection) {
    throw new ValidationError(`cannot filter on ${JSON.stringify(name)}: it is inside a list or map, and filters apply to one value per row; filter on a top-level or struct field instead`);
  }
  if (!isPrimitive(field.type) || field.type.type === 'geometry' || field.type.type === 'geography') {
    throw new ValidationError(`cannot filter on ${JSON.stringify(name)} of type ${typeToString(field.type)}; filter on a primitive column (a struct's fields are named like ${JSON.stringify(`${name}.field`)})`);
  }
  return Object.freeze({ fieldId: field.id, name, type: field.type });
}

/** Whether values of the field can be null (it, or a struct above it, is optional). */
function nullable(struct: StructType, fieldId: number): boolean {
  const entry = findFieldEntry(struct, fieldId);
  return entry === undefined || !entry.field.required || entry.ancestors.some((a) => !a.required);
}

function unary(op: UnaryOp, ref: BoundReference, canBeNull: boolean): BoundExpression {
  if (op === 'is-null' && !canBeNull) return ALWAYS_FALSE;
  if (op === 'not-null' && !canBeNull) return ALWAYS_TRUE;
  return Object.freeze({ op, ref });
}

/** Bind one predicate (see {@link bind}). */
export function bindPredicate(struct: StructType, pred: UnboundPredicate, opts: BindOptions = {}): BoundExpression {
  const ref = bindReference(struct, pred.term, opts);
  const canBeNull = nullable(struct, ref.fieldId);
  const t = ref.type.type;
  if (t === 'unknown') {
    // every value of an `unknown` column is null
    return pred.op === 'is-null' || pred.op === 'not-nan' ? ALWAYS_TRUE : ALWAYS_FALSE;
  }
  if (isUnaryOp(pred.op)) {
    if ((pred.op === 'is-nan' || pred.op === 'not-nan') && t !== 'float' && t !== 'double') {
      throw new ValidationError(`${pred.op} needs a float or double column, but ${JSON.stringify(ref.name)} is ${typeToString(ref.type)}; remove the NaN test`);
    }
    return unary(pred.op, ref, canBeNull);
  }
  if (isSetOp(pred.op)) {
    const values: Value[] = [];
    const seen = new Set<unknown>();
    for (const v of (pred as { values: readonly Parameters<typeof convertLiteral>[1][] }).values) {
      const c = convertLiteral(ref.type, v, ref.name);
      // a literal between two values of the type equals no value: drop it
      if (c.kind === 'exact' && !seen.has(valueKey(c.value))) {
        seen.add(valueKey(c.value));
        values.push(c.value);
      }
    }
    if (values.length === 0) return pred.op === 'in' ? ALWAYS_FALSE : unary('not-null', ref, canBeNull);
    if (values.length === 1) return Object.freeze({ op: pred.op === 'in' ? 'eq' : 'not-eq', ref, value: values[0]! });
    return Object.freeze({ op: pred.op, ref, values: Object.freeze(values) });
  }
  const lit = (pred as { value: Parameters<typeof convertLiteral>[1] }).value;
  if (pred.op === 'starts-with' || pred.op === 'not-starts-with') {
    if (t !== 'string') throw new ValidationError(`${pred.op} needs a string column, but ${JSON.stringify(ref.name)} is ${typeToString(ref.type)}; use a comparison instead`);
    if (typeof lit !== 'string') throw new ValidationError(`${pred.op} on ${JSON.stringify(ref.name)} needs a string prefix; quote the prefix`);
    return Object.freeze({ op: pred.op, ref, value: lit });
  }
  const c = convertLiteral(ref.type, lit, ref.name);
  if (c.kind === 'exact') return Object.freeze({ op: pred.op, ref, value: c.value });
  switch (pred.op) {
    case 'lt':
    case 'lt-eq':
      return c.below === null ? ALWAYS_FALSE : Object.freeze({ op: 'lt-eq', ref, value: c.below });
    case 'gt':
    case 'gt-eq':
      return c.above === null ? ALWAYS_FALSE : Object.freeze({ op: 'gt-eq', ref, value: c.above });
    case 'eq':
      return ALWAYS_FALSE;
    default: // not-eq: every non-null value differs
      return unary('not-null', ref, canBeNull);
  }
}

/**
 * Bind an expression to a schema (or any struct type): column names become
 * field ids, literals become values of the columns' types. Constant parts
 * simplify away. Predicates that are already bound are kept.
 *
 * Throws ValidationError when a column does not exist (suggesting the
 * closest name), is not a primitive outside lists and maps, or a literal
 * does not fit the column's type (a string for an int, NaN, a malformed
 * date).
 */
export function bind(expr: Expression | BoundExpression, struct: StructType, opts: BindOptions = {}): BoundExpression {
  const visit = (e: Expr<UnboundPredicate | BoundPredicate>): BoundExpression => {
    switch (e.op) {
      case 'true':
        return ALWAYS_TRUE;
      case 'false':
        return ALWAYS_FALSE;
      case 'and':
        return and(visit(e.left), visit(e.right));
      case 'or':
        return or(visit(e.left), visit(e.right));
      case 'not':
        return not(visit(e.child));
      default:
        return isBoundPredicate(e) ? e : bindPredicate(struct, e, opts);
    }
  };
  return visit(expr);
}
