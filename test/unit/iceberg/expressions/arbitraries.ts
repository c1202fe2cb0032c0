// fast-check generators for filter tests: flat schemas, rows, filters, partition specs;
// plus an independent reference evaluator (Kleene three-valued logic, no rewriteNot).
import fc from 'fast-check';
import type { BoundExpression, BoundPredicate, Expression, LiteralValue } from '../../../../src/iceberg/expressions/index.js';
import {
  alwaysFalse, alwaysTrue, and, literalPredicate, not, or, setPredicate, unaryPredicate,
} from '../../../../src/iceberg/expressions/index.js';
import type { PartitionFieldInput, PrimitiveType, Schema, Value } from '../../../../src/iceberg/spec/index.js';
import { formatDecimal, newSchema, optionalField, requiredField, Transforms, Types } from '../../../../src/iceberg/spec/index.js';

export const MICROS_PER_HOUR = 3_600_000_000n;

/** The column kinds the property tests cover. */
export const COLUMN_TYPES: readonly PrimitiveType[] = [
  Types.int, Types.long, Types.string, Types.date, Types.timestamp, Types.timestamptz, Types.decimal(9, 2), Types.double, Types.float, Types.boolean,
];

/** A flat schema of 1–5 columns named c1…, ids 1…. */
export const schemaArb: fc.Arbitrary<Schema> = fc
  .array(fc.tuple(fc.constantFrom(...COLUMN_TYPES), fc.boolean()), { minLength: 1, maxLength: 5 })
  .map((cols) => newSchema(cols.map(([t, req], i) => (req ? requiredField(i + 1, `c${i + 1}`, t) : optionalField(i + 1, `c${i + 1}`, t)))));

const strings = fc.string({ unit: fc.constantFrom('a', 'b', 'z', 'é', '€', '😀', '\uffff', '\u{10ffff}'), maxLength: 20 });

/** A non-null value of a column type, from small domains so that values collide. */
export function valueArb(t: PrimitiveType): fc.Arbitrary<Value> {
  switch (t.type) {
    case 'int':
      return fc.oneof(fc.integer({ min: -30, max: 30 }), fc.constantFrom(-2147483000, 2147483647));
    case 'long':
      return fc.oneof(fc.bigInt({ min: -30n, max: 30n }), fc.constantFrom(-(2n ** 63n) + 1000n, 2n ** 63n - 1n));
    case 'string':
      return strings;
    case 'date':
      return fc.integer({ min: -800, max: 800 });
    case 'timestamp':
    case 'timestamptz':
      return fc.oneof(
        fc.bigInt({ min: -72n, max: 72n }).map((h) => h * MICROS_PER_HOUR),
        fc.bigInt({ min: -72n * MICROS_PER_HOUR, max: 72n * MICROS_PER_HOUR }),
        fc.bigInt({ min: -800n, max: 800n }).map((d) => d * 24n * MICROS_PER_HOUR + 1n),
      );
    case 'decimal':
      return fc.bigInt({ min: -3000n, max: 3000n });
    case 'double':
      return fc.oneof(fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 1.5), fc.integer({ min: -20, max: 20 }), fc.double({ min: -100, max: 100, noNaN: true }));
    case 'float':
      return fc.oneof(fc.constantFrom(NaN, -0, 0, Infinity, 1.5), fc.integer({ min: -20, max: 20 }), fc.float({ min: -100, max: 100, noNaN: true }).map(Math.fround));
    case 'boolean':
      return fc.boolean();
    default:
      throw new Error(`no generator for ${t.type}`);
  }
}

/** A row: field id → value (null for some optional columns). */
export type Row = ReadonlyMap<number, Value>;

export function rowArb(schema: Schema): fc.Arbitrary<Row> {
  return fc
    .tuple(...schema.fields.map((f) => (f.required ? valueArb(f.type as PrimitiveType) : fc.option(valueArb(f.type as PrimitiveType), { nil: null, freq: 4 }))))
    .map((values) => new Map(schema.fields.map((f, i) => [f.id, values[i] as Value])));
}

/** The user-facing literal for a value of a type (what a caller would write). */
export function literalOf(t: PrimitiveType, v: Value): LiteralValue {
  if (t.type === 'decimal') return formatDecimal(v as bigint, t.scale);
  return v as LiteralValue;
}

function literalArb(t: PrimitiveType, seen: readonly Value[]): fc.Arbitrary<LiteralValue> {
  const fromDomain = valueArb(t).filter((v) => !(typeof v === 'number' && Number.isNaN(v)));
  const usable = seen.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v)));
  const pick = usable.length > 0 ? fc.oneof(fc.constantFrom(...usable), fromDomain) : fromDomain;
  return pick.map((v) => literalOf(t, v));
}

/** A random unbound filter over the schema, with literals often taken from `rows`. */
export function filterArb(schema: Schema, rows: readonly Row[], maxDepth = 3): fc.Arbitrary<Expression> {
  const predicate = fc.constantFrom(...schema.fields).chain((f) => {
    const t = f.type as PrimitiveType;
    const seen = rows.map((r) => r.get(f.id)!);
    const lit = literalArb(t, seen);
    const ops: fc.Arbitrary<Expression>[] = [
      fc.constantFrom('is-null', 'not-null').map((op) => unaryPredicate(op as 'is-null', f.name)),
      fc.tuple(fc.constantFrom('lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq'), lit).map(([op, v]) => literalPredicate(op as 'lt', f.name, v)),
      fc.tuple(fc.constantFrom('in', 'not-in'), fc.array(lit, { maxLength: 4 })).map(([op, vs]) => setPredicate(op as 'in', f.name, vs)),
    ];
    if (t.type === 'double' || t.type === 'float') ops.push(fc.constantFrom('is-nan', 'not-nan').map((op) => unaryPredicate(op as 'is-nan', f.name)));
    if (t.type === 'string') {
      const prefix = fc.oneof(strings.map((s) => s.slice(0, 18)), fc.constantFrom(...seen.filter((s): s is string => typeof s === 'string'), 'a').map((s) => Array.from(s).slice(0, 17).join('')));
      ops.push(fc.tuple(fc.constantFrom('starts-with', 'not-starts-with'), prefix).map(([op, p]) => literalPredicate(op as 'starts-with', f.name, p)));
    }
    return fc.oneof(...ops);
  });
  const tree: fc.Arbitrary<Expression> = fc.letrec<{ e: Expression }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      predicate,
      predicate,
      fc.constantFrom(alwaysTrue(), alwaysFalse()),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => and(a, b)),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => or(a, b)),
      tie('e').map((e) => not(e)),
    ),
  })).e;
  return tree;
}

/** Schema, rows and a filter over them. */
export const caseArb = schemaArb.chain((schema) =>
  fc.array(rowArb(schema), { minLength: 1, maxLength: 25 }).chain((rows) => filterArb(schema, rows).map((filter) => ({ schema, rows, filter }))),
);

// ---------- reference evaluator ----------

type TV = 'T' | 'F' | 'U';

function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!);
}

/** Independent comparison: numbers / bigints numerically, strings by code point list, bytes, booleans. */
export function refCompare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = codePoints(a);
    const y = codePoints(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

const isNaNV = (v: Value) => typeof v === 'number' && Number.isNaN(v);

function refLeaf(p: BoundPredicate, v: Value | undefined): TV {
  const isNull = v === null || v === undefined;
  switch (p.op) {
    case 'is-null':
      return isNull ? 'T' : 'F';
    case 'not-null':
      return isNull ? 'F' : 'T';
    case 'is-nan':
      return !isNull && isNaNV(v) ? 'T' : 'F';
    case 'not-nan':
      return !isNull && isNaNV(v) ? 'F' : 'T';
  }
  if (isNull) return 'U';
  const tv = (b: boolean): TV => (b ? 'T' : 'F');
  switch (p.op) {
    case 'starts-with':
      return tv((v as string).startsWith(p.value as string));
    case 'not-starts-with':
      return tv(!(v as string).startsWith(p.value as string));
    case 'eq':
      return tv(!isNaNV(v) && refCompare(v, p.value) === 0);
    case 'not-eq':
      return tv(isNaNV(v) || refCompare(v, p.value) !== 0);
    case 'in':
      return tv(!isNaNV(v) && p.values.some((x) => refCompare(v, x) === 0));
    case 'not-in':
      return tv(isNaNV(v) || !p.values.some((x) => refCompare(v, x) === 0));
  }
  if (isNaNV(v)) return 'U';
  const c = refCompare(v, p.value);
  return tv(p.op === 'lt' ? c < 0 : p.op === 'lt-eq' ? c <= 0 : p.op === 'gt' ? c > 0 : c >= 0);
}

function refEval(e: BoundExpression, get: (id: number) => Value | undefined): TV {
  switch (e.op) {
    case 'true':
      return 'T';
    case 'false':
      return 'F';
    case 'and': {
      const l = refEval(e.left, get);
      const r = refEval(e.right, get);
      return l === 'F' || r === 'F' ? 'F' : l === 'U' || r === 'U' ? 'U' : 'T';
    }
    case 'or': {
      const l = refEval(e.left, get);
      const r = refEval(e.right, get);
      return l === 'T' || r === 'T' ? 'T' : l === 'U' || r === 'U' ? 'U' : 'F';
    }
    case 'not': {
      const c = refEval(e.child, get);
      return c === 'T' ? 'F' : c === 'F' ? 'T' : 'U';
    }
    default:
      return refLeaf(e, get(e.ref.fieldId));
  }
}

/** Whether a row matches a bound expression, by SQL three-valued logic. */
export function refMatches(e: BoundExpression, row: Row | ((id: number) => Value | undefined)): boolean {
  return refEval(e, typeof row === 'function' ? row : (id) => row.get(id)) === 'T';
}

// ---------- partition specs ----------

function transformsFor(t: PrimitiveType): fc.Arbitrary<PartitionFieldInput['transform']>[] {
  const out: fc.Arbitrary<PartitionFieldInput['transform']>[] = [fc.constant(Transforms.identity), fc.constant(Transforms.void)];
  if (['int', 'long', 'string', 'date', 'timestamp', 'timestamptz', 'decimal'].includes(t.type)) out.push(fc.integer({ min: 1, max: 8 }).map((n) => Transforms.bucket(n)));
  if (['int', 'long', 'string', 'decimal'].includes(t.type)) out.push(fc.integer({ min: 1, max: 20 }).map((w) => Transforms.truncate(w)));
  if (['date', 'timestamp', 'timestamptz'].includes(t.type)) out.push(fc.constantFrom(Transforms.year, Transforms.month, Transforms.day));
  if (['timestamp', 'timestamptz'].includes(t.type)) out.push(fc.constant(Transforms.hour));
  return out;
}

/** Partition field inputs over the schema's columns (unique source/transform pairs). */
export function specFieldsArb(schema: Schema): fc.Arbitrary<PartitionFieldInput[]> {
  const field = fc.constantFrom(...schema.fields).chain((f) => fc.oneof(...transformsFor(f.type as PrimitiveType)).map((transform) => ({ source: f.id, transform })));
  return fc
    .uniqueArray(field, { maxLength: 4, selector: (x) => `${x.source}|${JSON.stringify(x.transform)}` })
    .map((fields) => fields.map((f, i) => ({ ...f, name: `p${i}` })));
}
