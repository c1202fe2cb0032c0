/**
 * Expressions as JSON in the Iceberg REST spec's `Expression` format
 * (Java's `ExpressionParser`), for server-side scan planning.
 *
 * Writing uses the form every server understands (the one Java 1.x writes):
 * `true` / `false`, `{"type":"and","left":…,"right":…}`,
 * `{"type":"not","child":…}`, `{"type":"lt-eq","term":"ts","value":…}`,
 * `{"type":"in","term":"id","values":[…]}`. Bound literals are written in
 * the spec's JSON single-value form (decimals as strings, dates and
 * timestamps ISO, binary hex); unbound ones as given (bytes as hex, `Date`
 * as an ISO timestamp without offset).
 *
 * Reading accepts that form and the newer one of the REST spec: `child` /
 * `left` / `right` operands, `{"type":"reference","name":…}` or `{"id":…}`
 * references (ids need a schema), `{"type":"literal","value":…}` literals,
 * `{"type":"literals","values":[…]}` sets, and `{"type":"true"}`.
 *
 * @example
 * ```ts
 * const json = expressionToJson(and(equal('id', 7), isNull('note')));
 * // {"type":"and","left":{"type":"eq","term":"id","value":7},"right":{"type":"is-null","term":"note"}}
 * expressionFromJson(json); // the same expression
 * ```
 */
import { ValidationError } from '../../errors.js';
import { parseJson } from '../../internal/json.js';
import { JsonNumber, writeJson } from '../spec/json-write.js';
import { findColumnName } from '../spec/type-index.js';
import type { StructType } from '../spec/types.js';
import { toJsonValue } from '../spec/values-json.js';
import { ALWAYS_FALSE, ALWAYS_TRUE, and, literalPredicate, not, or, setPredicate, unaryPredicate } from './builders.js';
import type { BoundExpression, BoundPredicate, Expr, Expression, LiteralValue, UnboundPredicate } from './expression.js';
import { isBoundPredicate, isLiteralOp, isSetOp, isUnaryOp } from './expression.js';

/** Deepest expression nesting accepted when reading JSON. */
export const MAX_EXPRESSION_DEPTH = 500;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function unboundLiteral(v: LiteralValue): unknown {
  if (v instanceof Uint8Array) return hex(v);
  if (v instanceof Date) return v.toISOString().slice(0, -1); // no offset: reads as UTC for timestamptz, as is for timestamp
  if (typeof v === 'number' && !Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

function predicateToJson(p: UnboundPredicate | BoundPredicate): Record<string, unknown> {
  const out: Record<string, unknown> = { type: p.op, term: isBoundPredicate(p) ? p.ref.name : p.term };
  const lit = (v: unknown): unknown => (isBoundPredicate(p) ? toJsonValue(p.ref.type, v as never) : unboundLiteral(v as LiteralValue));
  if ('values' in p) out.values = (p.values as readonly unknown[]).map(lit);
  else if ('value' in p) out.value = lit(p.value);
  return out;
}

/**
 * The JSON tree of an expression (bound or unbound). It may contain
 * `bigint` and `JsonNumber`; write it with {@link expressionToJsonString}.
 */
export function expressionToJson(expr: Expression | BoundExpression): unknown {
  const e = expr as Expr<UnboundPredicate | BoundPredicate>;
  switch (e.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
    case 'or':
      return { type: e.op, left: expressionToJson(e.left as Expression), right: expressionToJson(e.right as Expression) };
    case 'not':
      return { type: 'not', child: expressionToJson(e.child as Expression) };
    default:
      return predicateToJson(e);
  }
}

/** JSON text of an expression (long values exact). */
export function expressionToJsonString(expr: Expression | BoundExpression): string {
  return writeJson(expressionToJson(expr));
}

/** Options for reading JSON expressions. */
export interface ExpressionJsonOptions {
  /** Resolves `{"type":"reference","id":N}` references to column names. */
  schema?: StructType;
}

function bad(where: string, problem: string): never {
  throw new ValidationError(`${where}: ${problem}; see the Iceberg REST spec, "Expression"`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function termName(json: unknown, where: string, opts: ExpressionJsonOptions): string {
  if (typeof json === 'string' && json !== '') return json;
  if (isObject(json) && json.type === 'reference') {
    const name = json.name ?? json.term;
    if (typeof name === 'string' && name !== '') return name;
    if (typeof json.id === 'number' && Number.isInteger(json.id)) {
      if (opts.schema === undefined) bad(where, `reference to field id ${json.id} needs a schema to resolve; pass { schema }`);
      const found = findColumnName(opts.schema, json.id);
      if (found === undefined) bad(where, `the schema has no field id ${json.id}`);
      return found;
    }
  }
  if (isObject(json) && (json.type === 'transform' || json.type === 'apply')) bad(where, 'predicates on transforms or functions are not supported; filter on the column itself');
  return bad(where, 'the term must be a column name or a reference object');
}

function literalValue(json: unknown, where: string): LiteralValue {
  let v = json;
  if (isObject(v) && v.type === 'literal') v = v.value;
  if (v instanceof JsonNumber) v = Number(v.text);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  return bad(where, `${JSON.stringify(v) ?? String(v)} is not a literal value`);
}

function literalList(json: unknown, where: string): LiteralValue[] {
  const list = isObject(json) && json.type === 'literals' ? json.values : json;
  if (!Array.isArray(list)) bad(where, '"values" must be an array of literals');
  return list.map((v, i) => literalValue(v, `${where} value ${i}`));
}

function fromJson(json: unknown, where: string, depth: number, opts: ExpressionJsonOptions): Expression {
  if (depth > MAX_EXPRESSION_DEPTH) bad(where, `the expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`);
  if (json === true) return ALWAYS_TRUE;
  if (json === false) return ALWAYS_FALSE;
  if (!isObject(json)) return bad(where, 'an expression must be true, false or an object with a "type"');
  const type = json.type;
  if (typeof type !== 'string') return bad(where, 'missing "type"');
  const child = (key: string) => {
    if (!(key in json)) bad(where, `"${type}" needs "${key}"`);
    return fromJson(json[key], `${where}.${key}`, depth + 1, opts);
  };
  const t = type.toLowerCase();
  switch (t) {
    case 'true':
      return ALWAYS_TRUE;
    case 'false':
      return ALWAYS_FALSE;
    case 'literal':
      if (typeof json.value !== 'boolean') bad(where, 'a literal used as an expression must be true or false');
      return json.value ? ALWAYS_TRUE : ALWAYS_FALSE;
    case 'and':
      return and(child('left'), child('right'));
    case 'or':
      return or(child('left'), child('right'));
    case 'not':
      return not(child('child'));
  }
  const op = t.replaceAll('_', '-');
  if (isUnaryOp(op)) {
    if ('value' in json || 'values' in json) bad(where, `"${op}" takes no value`);
    return unaryPredicate(op, termName(json.term ?? json.child, `${where}.term`, opts));
  }
  if (isLiteralOp(op)) {
    if ('values' in json) bad(where, `"${op}" takes one "value", not "values"`);
    const v = 'value' in json ? json.value : 'right' in json ? json.right : bad(where, `"${op}" needs a "value"`);
    return literalPredicate(op, termName(json.term ?? json.left, `${where}.term`, opts), literalValue(v, `${where}.value`));
  }
  if (isSetOp(op)) {
    if ('value' in json) bad(where, `"${op}" takes "values", not "value"`);
    if (!('values' in json)) bad(where, `"${op}" needs "values"`);
    return setPredicate(op, termName(json.term ?? json.child, `${where}.term`, opts), literalList(json.values, `${where}.values`));
  }
  return bad(where, `unknown expression type ${JSON.stringify(type)}`);
}

/**
 * Read an expression from its JSON tree (see the module comment). Throws
 * ValidationError on anything else.
 */
export function expressionFromJson(json: unknown, opts: ExpressionJsonOptions = {}): Expression {
  return fromJson(json, 'expression', 0, opts);
}

/** Read an expression from JSON text (long values exact). Throws ValidationError. */
export function parseExpressionJson(text: string, opts: ExpressionJsonOptions = {}): Expression {
  return expressionFromJson(parseJson(text, 'expression JSON'), opts);
}
