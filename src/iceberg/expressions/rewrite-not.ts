/**
 * Pushing `not` down to the predicates (Java's `RewriteNot`), and the
 * partial evaluation helpers built on the same walk.
 *
 * `not(a and b)` becomes `not(a) or not(b)`, and `not(x < 5)` becomes
 * `x >= 5`. Under lakekit's null and NaN rules (see `expression.ts`) this is
 * exact: a predicate and its negation never both match, and an unknown
 * result (a null compared) matches neither. After the rewrite no `not`
 * remains, so an unknown result can be treated as false everywhere — which
 * is what the evaluators do.
 */
import { ALWAYS_FALSE, ALWAYS_TRUE, and, or } from './builders.js';
import type { Expr, PredicateOp } from './expression.js';
import { isPredicate, negateOp } from './expression.js';

/** The predicate that matches exactly the rows `p` does not (same term or ref and literals). */
export function negatePredicate<P extends { readonly op: PredicateOp }>(p: P): P {
  return Object.freeze({ ...p, op: negateOp(p.op) });
}

/** `expr` without `not` nodes, with constants simplified. */
export function rewriteNot<P extends { readonly op: PredicateOp }>(expr: Expr<P>): Expr<P> {
  const visit = (e: Expr<P>, negated: boolean): Expr<P> => {
    if (isPredicate(e)) return negated ? negatePredicate(e) : e;
    switch (e.op) {
      case 'true':
        return negated ? ALWAYS_FALSE : ALWAYS_TRUE;
      case 'false':
        return negated ? ALWAYS_TRUE : ALWAYS_FALSE;
      case 'not':
        return visit(e.child, !negated);
      case 'and':
        return negated ? or(visit(e.left, true), visit(e.right, true)) : and(visit(e.left, false), visit(e.right, false));
      case 'or':
        return negated ? and(visit(e.left, true), visit(e.right, true)) : or(visit(e.left, false), visit(e.right, false));
    }
    return e;
  };
  return visit(expr, false);
}

/**
 * Replace each predicate by what `f` returns (a predicate, another
 * expression or a constant) and simplify. Used by projections and residuals.
 */
export function mapPredicates<P, Q>(expr: Expr<P>, f: (p: P) => Expr<Q>): Expr<Q> {
  const visit = (e: Expr<P>): Expr<Q> => {
    if (isPredicate(e)) return f(e);
    switch (e.op) {
      case 'true':
        return ALWAYS_TRUE;
      case 'false':
        return ALWAYS_FALSE;
      case 'not': {
        const c = visit(e.child);
        const op = (c as { op: string }).op;
        return op === 'true' ? ALWAYS_FALSE : op === 'false' ? ALWAYS_TRUE : op === 'not' ? (c as { child: Expr<Q> }).child : Object.freeze({ op: 'not', child: c });
      }
      case 'and':
        return and(visit(e.left), visit(e.right));
      case 'or':
        return or(visit(e.left), visit(e.right));
    }
    return e as never;
  };
  return visit(expr);
}

/**
 * Evaluate an expression without `not` nodes to a boolean, given a verdict
 * per predicate. Short-circuits `and` / `or`.
 */
export function evaluateTree<P>(expr: Expr<P>, leaf: (p: P) => boolean): boolean {
  if (isPredicate(expr)) return leaf(expr);
  switch (expr.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return evaluateTree(expr.left, leaf) && evaluateTree(expr.right, leaf);
    case 'or':
      return evaluateTree(expr.left, leaf) || evaluateTree(expr.right, leaf);
    case 'not':
      return !evaluateTree(expr.child, leaf);
  }
  return false;
}
