/**
 * Building expressions (Java's `Expressions`): constants, logical operators
 * that simplify constant children away, and one builder per predicate.
 *
 * @example
 * ```ts
 * const filter = and(
 *   greaterThanOrEqual('ts', '2026-11-01'),
 *   isIn('currency', ['EUR', 'USD']),
 *   not(isNull('merchant')),
 * );
 * ```
 */
import { ValidationError } from '../../errors.js';
import type {
  AlwaysFalse,
  AlwaysTrue,
  Expr,
  Expression,
  LiteralOp,
  LiteralValue,
  SetOp,
  UnaryOp,
  UnboundLiteralPredicate,
  UnboundSetPredicate,
  UnboundUnaryPredicate,
} from './expression.js';

/** The expression that matches every row. */
export const ALWAYS_TRUE: AlwaysTrue = Object.freeze({ op: 'true' });
/** The expression that matches no row. */
export const ALWAYS_FALSE: AlwaysFalse = Object.freeze({ op: 'false' });

/** Matches every row. */
export function alwaysTrue(): AlwaysTrue {
  return ALWAYS_TRUE;
}
/** Matches no row. */
export function alwaysFalse(): AlwaysFalse {
  return ALWAYS_FALSE;
}

function and2<P>(left: Expr<P>, right: Expr<P>): Expr<P> {
  const l = left as { op: string };
  const r = right as { op: string };
  if (l.op === 'false' || r.op === 'false') return ALWAYS_FALSE;
  if (l.op === 'true') return right;
  if (r.op === 'true') return left;
  return Object.freeze({ op: 'and', left, right });
}

function or2<P>(left: Expr<P>, right: Expr<P>): Expr<P> {
  const l = left as { op: string };
  const r = right as { op: string };
  if (l.op === 'true' || r.op === 'true') return ALWAYS_TRUE;
  if (l.op === 'false') return right;
  if (r.op === 'false') return left;
  return Object.freeze({ op: 'or', left, right });
}

// Balanced, so that long lists do not make deep trees (visitors recurse).
function combine<P>(items: readonly Expr<P>[], two: (a: Expr<P>, b: Expr<P>) => Expr<P>, empty: Expr<P>): Expr<P> {
  if (items.length === 0) return empty;
  if (items.length === 1) return items[0]!;
  const mid = items.length >> 1;
  return two(combine(items.slice(0, mid), two, empty), combine(items.slice(mid), two, empty));
}

/** Matches rows that match every child; `and()` is always-true. Constant children simplify away. */
export function and<P>(...children: readonly Expr<P>[]): Expr<P> {
  return combine(children, and2, ALWAYS_TRUE);
}

/** Matches rows that match any child; `or()` is always-false. Constant children simplify away. */
export function or<P>(...children: readonly Expr<P>[]): Expr<P> {
  return combine(children, or2, ALWAYS_FALSE);
}

/** Matches rows the child does not match (`not(true)` is false, `not(not(x))` is x). */
export function not<P>(child: Expr<P>): Expr<P> {
  const c = child as { op: string; child?: Expr<P> };
  if (c.op === 'true') return ALWAYS_FALSE;
  if (c.op === 'false') return ALWAYS_TRUE;
  if (c.op === 'not') return c.child!;
  return Object.freeze({ op: 'not', child });
}

function checkTerm(term: string): string {
  if (typeof term !== 'string' || term === '') throw new ValidationError('a predicate needs a column name; pass the column as a non-empty string such as "ts" or "location.lat"');
  return term;
}

function checkLiteral(value: LiteralValue, term: string): LiteralValue {
  if (value === null || value === undefined) {
    throw new ValidationError(`the literal for ${JSON.stringify(term)} is ${String(value)}; to test for nulls use isNull / notNull`);
  }
  if (typeof value === 'number' && Number.isNaN(value)) {
    throw new ValidationError(`the literal for ${JSON.stringify(term)} is NaN, which equals nothing; to test for NaN use isNaN / notNaN`);
  }
  if (value instanceof Date && Number.isNaN(value.getTime())) throw new ValidationError(`the literal for ${JSON.stringify(term)} is an invalid Date; pass a valid Date or an ISO string`);
  const t = typeof value;
  if (t !== 'number' && t !== 'bigint' && t !== 'string' && t !== 'boolean' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    throw new ValidationError(`the literal for ${JSON.stringify(term)} is a ${t}; use a number, bigint, string, boolean, Uint8Array or Date`);
  }
  return value;
}

/** A predicate with a unary operation. */
export function unaryPredicate(op: UnaryOp, term: string): UnboundUnaryPredicate {
  return Object.freeze({ op, term: checkTerm(term) });
}

/** A predicate comparing a column with a literal. Throws ValidationError for null, NaN or unsupported literals. */
export function literalPredicate(op: LiteralOp, term: string, value: LiteralValue): UnboundLiteralPredicate {
  checkTerm(term);
  return Object.freeze({ op, term, value: checkLiteral(value, term) });
}

/** A set predicate. Throws ValidationError for null, NaN or unsupported literals. */
export function setPredicate(op: SetOp, term: string, values: Iterable<LiteralValue>): UnboundSetPredicate {
  checkTerm(term);
  const list = [...values].map((v) => checkLiteral(v, term));
  return Object.freeze({ op, term, values: Object.freeze(list) });
}

/** `term IS NULL`. */
export const isNull = (term: string): Expression => unaryPredicate('is-null', term);
/** `term IS NOT NULL`. */
export const notNull = (term: string): Expression => unaryPredicate('not-null', term);
/** `term` is NaN (float and double columns only). */
export const isNaN = (term: string): Expression => unaryPredicate('is-nan', term);
/** `term` is not NaN (nulls match). */
export const notNaN = (term: string): Expression => unaryPredicate('not-nan', term);
/** `term < value`. */
export const lessThan = (term: string, value: LiteralValue): Expression => literalPredicate('lt', term, value);
/** `term <= value`. */
export const lessThanOrEqual = (term: string, value: LiteralValue): Expression => literalPredicate('lt-eq', term, value);
/** `term > value`. */
export const greaterThan = (term: string, value: LiteralValue): Expression => literalPredicate('gt', term, value);
/** `term >= value`. */
export const greaterThanOrEqual = (term: string, value: LiteralValue): Expression => literalPredicate('gt-eq', term, value);
/** `term = value`. */
export const equal = (term: string, value: LiteralValue): Expression => literalPredicate('eq', term, value);
/** `term != value` (nulls do not match). */
export const notEqual = (term: string, value: LiteralValue): Expression => literalPredicate('not-eq', term, value);
/** `term` starts with the string `prefix`. */
export const startsWith = (term: string, prefix: string): Expression => literalPredicate('starts-with', term, prefix);
/** `term` does not start with `prefix` (nulls do not match). */
export const notStartsWith = (term: string, prefix: string): Expression => literalPredicate('not-starts-with', term, prefix);
/** `term IN (values…)`; an empty list matches nothing. */
export const isIn = (term: string, values: Iterable<LiteralValue>): Expression => setPredicate('in', term, values);
/** `term NOT IN (values…)` (nulls do not match). */
export const notIn = (term: string, values: Iterable<LiteralValue>): Expression => setPredicate('not-in', term, values);
