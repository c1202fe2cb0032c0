/**
 * Writing expressions in the filter text syntax of `parser.ts`, for
 * messages, logs and the CLI. Unbound expressions read back to the same
 * expression (`parseFilter(formatExpression(e))` equals `e` for finite
 * numbers); bound ones print their literals in the spec's JSON single-value
 * text (dates and timestamps ISO, decimals exact) and bind back to the same
 * bound expression.
 *
 * @example
 * ```ts
 * formatExpression(and(greaterThanOrEqual('ts', '2026-11-01'), not(isNull('merchant'))));
 * // "ts >= '2026-11-01' and not merchant is null"
 * ```
 */
import { toJsonValue } from '../spec/values-json.js';
import { JsonNumber } from '../spec/json-write.js';
import type { BoundExpression, BoundPredicate, Expr, Expression, LiteralValue, UnboundPredicate } from './expression.js';
import { isBoundPredicate } from './expression.js';
import { isFilterKeyword } from './parser.js';

function name(term: string): string {
  return term
    .split('.')
    .map((part) => (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(part) && !isFilterKeyword(part) ? part : `"${part.replaceAll('"', '""')}"`))
    .join('.');
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function literal(v: LiteralValue): string {
  if (typeof v === 'string') return quote(v);
  if (v instanceof Uint8Array) return `X'${hex(v)}'`;
  if (v instanceof Date) return quote(v.toISOString().slice(0, -1));
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : String(v)) : quote(String(v));
  return String(v);
}

function boundLiteral(p: BoundPredicate, v: unknown): string {
  if (p.ref.type.type === 'binary' || p.ref.type.type === 'fixed') return `X'${hex(v as Uint8Array)}'`;
  const json = toJsonValue(p.ref.type, v as never);
  if (json instanceof JsonNumber) return json.text;
  return literal(json as LiteralValue);
}

const SYMBOL: Record<string, string> = { lt: '<', 'lt-eq': '<=', gt: '>', 'gt-eq': '>=', eq: '=', 'not-eq': '!=' };

function predicate(p: UnboundPredicate | BoundPredicate): string {
  const col = name(isBoundPredicate(p) ? p.ref.name : p.term);
  const lit = (v: unknown): string => (isBoundPredicate(p) ? boundLiteral(p, v) : literal(v as LiteralValue));
  switch (p.op) {
    case 'is-null':
      return `${col} is null`;
    case 'not-null':
      return `${col} is not null`;
    case 'is-nan':
      return `${col} is nan`;
    case 'not-nan':
      return `${col} is not nan`;
    case 'starts-with':
      return `${col} starts with ${lit((p as { value: unknown }).value)}`;
    case 'not-starts-with':
      return `${col} not starts with ${lit((p as { value: unknown }).value)}`;
    case 'in':
    case 'not-in':
      return `${col} ${p.op === 'in' ? 'in' : 'not in'} (${(p as { values: readonly unknown[] }).values.map(lit).join(', ')})`;
    default:
      return `${col} ${SYMBOL[p.op]} ${lit((p as { value: unknown }).value)}`;
  }
}

/** The filter text of an expression (see the module comment). */
export function formatExpression(expr: Expression | BoundExpression): string {
  // precedence: or 1, and 2, not / predicate 3; a nested and / or of the same kind is
  // parenthesized too, so that the text parses back to the same tree shape
  const visit = (e: Expr<UnboundPredicate | BoundPredicate>, context: number, parent?: string): string => {
    switch (e.op) {
      case 'true':
      case 'false':
        return e.op;
      case 'or':
      case 'and': {
        const level = e.op === 'or' ? 1 : 2;
        const text = `${visit(e.left, level, e.op)} ${e.op} ${visit(e.right, level, e.op)}`;
        return level < context || parent === e.op ? `(${text})` : text;
      }
      case 'not':
        return `not ${visit(e.child, 3)}`;
      default:
        return predicate(e);
    }
  };
  return visit(expr, 0);
}
