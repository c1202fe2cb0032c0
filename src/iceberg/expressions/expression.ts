/**
 * The filter expression model (Java's `org.apache.iceberg.expressions`):
 * constants, `and` / `or` / `not`, and predicates over one column.
 *
 * Two forms share one shape, {@link Expr}: an {@link Expression} names columns
 * (`term: 'ts'`) and holds JS literals as the user wrote them; a
 * {@link BoundExpression}, made by `bind`, references field ids and holds
 * literals converted to the column's Iceberg type in the in-memory forms of
 * `spec/values.ts` (long and timestamps as `bigint`, decimals unscaled, dates
 * as day numbers). Operation names are those of the Iceberg REST spec
 * (`lt-eq`, `not-in`, `starts-with`, …), so JSON needs no renaming.
 *
 * Nulls follow SQL three-valued logic: a comparison with a null value is
 * unknown, so it never matches — not even `not-eq`, `not-in` or
 * `not-starts-with` — and `not` of unknown stays unknown. A NaN value is
 * unknown for `lt`, `lt-eq`, `gt`, `gt-eq`, unequal to every literal (so it
 * matches `not-eq` and `not-in`), and is tested with `is-nan` / `not-nan`,
 * which, like `is-null` / `not-null`, are never unknown. Under these rules
 * `not` can always be pushed into predicates (see `rewriteNot`).
 *
 * Treat every object here as immutable.
 */
import type { PrimitiveType } from '../spec/types.js';
import type { Value } from '../spec/values.js';

/** Predicates on the value alone: null and NaN tests. */
export type UnaryOp = 'is-null' | 'not-null' | 'is-nan' | 'not-nan';
/** Predicates comparing the value with one literal. */
export type LiteralOp = 'lt' | 'lt-eq' | 'gt' | 'gt-eq' | 'eq' | 'not-eq' | 'starts-with' | 'not-starts-with';
/** Predicates testing the value against a set of literals. */
export type SetOp = 'in' | 'not-in';
/** Any predicate operation. */
export type PredicateOp = UnaryOp | LiteralOp | SetOp;

/** The unary operations, in spec order. */
export const UNARY_OPS: readonly UnaryOp[] = ['is-null', 'not-null', 'is-nan', 'not-nan'];
/** The literal operations, in spec order. */
export const LITERAL_OPS: readonly LiteralOp[] = ['lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq', 'starts-with', 'not-starts-with'];
/** The set operations. */
export const SET_OPS: readonly SetOp[] = ['in', 'not-in'];

/** Matches every row. */
export interface AlwaysTrue {
  readonly op: 'true';
}
/** Matches no row. */
export interface AlwaysFalse {
  readonly op: 'false';
}
/** Both children match. */
export interface And<P> {
  readonly op: 'and';
  readonly left: Expr<P>;
  readonly right: Expr<P>;
}
/** Either child matches. */
export interface Or<P> {
  readonly op: 'or';
  readonly left: Expr<P>;
  readonly right: Expr<P>;
}
/** The child does not match (unknown stays unknown). */
export interface Not<P> {
  readonly op: 'not';
  readonly child: Expr<P>;
}

/** An expression tree whose leaves are predicates of type `P`. */
export type Expr<P> = AlwaysTrue | AlwaysFalse | And<P> | Or<P> | Not<P> | P;

/**
 * A literal as a caller writes it. Binding converts it to the column's type:
 * numbers and bigints for numeric columns, ISO strings (or `Date`) for dates,
 * times and timestamps, decimal strings or numbers for decimals, UUID
 * strings, `Uint8Array` (or hex strings) for binary and fixed.
 */
export type LiteralValue = number | bigint | string | boolean | Uint8Array | Date;

/** A null or NaN test on a named column. */
export interface UnboundUnaryPredicate {
  readonly op: UnaryOp;
  /** Column name, dotted for nested struct fields (`location.lat`). */
  readonly term: string;
}
/** A comparison of a named column with one literal. */
export interface UnboundLiteralPredicate {
  readonly op: LiteralOp;
  readonly term: string;
  readonly value: LiteralValue;
}
/** A set test of a named column. */
export interface UnboundSetPredicate {
  readonly op: SetOp;
  readonly term: string;
  readonly values: readonly LiteralValue[];
}
/** A predicate on a column named by the user. */
export type UnboundPredicate = UnboundUnaryPredicate | UnboundLiteralPredicate | UnboundSetPredicate;

/** A resolved column: its field id, full name and primitive type. */
export interface BoundReference {
  readonly fieldId: number;
  /** Full dotted name, for messages and JSON. */
  readonly name: string;
  readonly type: PrimitiveType;
}
/** A null or NaN test on a resolved column. */
export interface BoundUnaryPredicate {
  readonly op: UnaryOp;
  readonly ref: BoundReference;
}
/** A comparison with a literal in the column type's in-memory form (never null or NaN). */
export interface BoundLiteralPredicate {
  readonly op: LiteralOp;
  readonly ref: BoundReference;
  readonly value: Value;
}
/** A set test; `values` are distinct, in the column type's in-memory form, at least two. */
export interface BoundSetPredicate {
  readonly op: SetOp;
  readonly ref: BoundReference;
  readonly values: readonly Value[];
}
/** A predicate on a resolved column. */
export type BoundPredicate = BoundUnaryPredicate | BoundLiteralPredicate | BoundSetPredicate;

/** An expression over column names, as users write it. */
export type Expression = Expr<UnboundPredicate>;
/** An expression over field ids with typed literals, made by `bind`. */
export type BoundExpression = Expr<BoundPredicate>;

/** Whether `e` is a predicate (not a constant or a logical operator). */
export function isPredicate<P>(e: Expr<P>): e is P {
  const op = (e as { op: string }).op;
  return op !== 'true' && op !== 'false' && op !== 'and' && op !== 'or' && op !== 'not';
}

/** Whether `op` is a unary operation. */
export function isUnaryOp(op: string): op is UnaryOp {
  return (UNARY_OPS as readonly string[]).includes(op);
}
/** Whether `op` is a literal operation. */
export function isLiteralOp(op: string): op is LiteralOp {
  return (LITERAL_OPS as readonly string[]).includes(op);
}
/** Whether `op` is a set operation. */
export function isSetOp(op: string): op is SetOp {
  return op === 'in' || op === 'not-in';
}

const NEGATIONS: Record<PredicateOp, PredicateOp> = {
  'is-null': 'not-null',
  'not-null': 'is-null',
  'is-nan': 'not-nan',
  'not-nan': 'is-nan',
  lt: 'gt-eq',
  'lt-eq': 'gt',
  gt: 'lt-eq',
  'gt-eq': 'lt',
  eq: 'not-eq',
  'not-eq': 'eq',
  'starts-with': 'not-starts-with',
  'not-starts-with': 'starts-with',
  in: 'not-in',
  'not-in': 'in',
};

/** The operation that matches exactly the rows `op` does not (under the three-valued rules above). */
export function negateOp<O extends PredicateOp>(op: O): O extends UnaryOp ? UnaryOp : O extends LiteralOp ? LiteralOp : SetOp {
  return NEGATIONS[op] as never;
}

/** Whether a predicate is bound (references a field id). */
export function isBoundPredicate(p: UnboundPredicate | BoundPredicate): p is BoundPredicate {
  return 'ref' in p;
}
