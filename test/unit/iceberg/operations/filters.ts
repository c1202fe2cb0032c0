/**
 * Random row filters over the test schema and a naive oracle for them: SQL
 * three-valued logic, where a row is selected only when the filter is TRUE
 * (a comparison with NULL is unknown, and NOT unknown stays unknown).
 */
import fc from 'fast-check';
import { and, equal, greaterThan, greaterThanOrEqual, isIn, isNull, lessThan, lessThanOrEqual, not, notEqual, notIn, notNull, or } from '../../../../src/iceberg/expressions/builders.js';
import type { Expression } from '../../../../src/iceberg/expressions/expression.js';
import type { Row } from './helpers.js';

export const STRINGS = ['a', 'ab', 'b', 'ba', 'c'] as const;

type Leaf =
  | { kind: 'null' | 'notnull'; col: keyof Row }
  | { kind: 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'; col: keyof Row; value: number | string }
  | { kind: 'in' | 'notin'; col: keyof Row; values: (number | string)[] };

/** A filter as data, so it can be both built and evaluated naively. */
export type Filter = { kind: 'leaf'; leaf: Leaf } | { kind: 'and' | 'or'; left: Filter; right: Filter } | { kind: 'not'; child: Filter };

const numCol = fc.constantFrom<keyof Row>('id', 'g', 'v');
const numValue = fc.integer({ min: -2, max: 12 });
const strValue = fc.constantFrom(...STRINGS);

const leaf: fc.Arbitrary<Filter> = fc
  .oneof(
    fc.record({ kind: fc.constantFrom('null' as const, 'notnull' as const), col: fc.constantFrom<keyof Row>('g', 'v', 's') }),
    fc.record({ kind: fc.constantFrom('lt' as const, 'le' as const, 'gt' as const, 'ge' as const, 'eq' as const, 'ne' as const), col: numCol, value: numValue }),
    fc.record({ kind: fc.constantFrom('lt' as const, 'ge' as const, 'eq' as const, 'ne' as const), col: fc.constant<keyof Row>('s'), value: strValue }),
    fc.record({ kind: fc.constantFrom('in' as const, 'notin' as const), col: numCol, values: fc.array(numValue, { minLength: 1, maxLength: 3 }) }),
  )
  .map((l) => ({ kind: 'leaf' as const, leaf: l as Leaf }));

export const filterArb: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('f'), right: tie('f') }),
    fc.record({ kind: fc.constant('not' as const), child: tie('f') }),
  ),
})).f;

export function toExpression(f: Filter): Expression {
  switch (f.kind) {
    case 'and':
      return and(toExpression(f.left), toExpression(f.right));
    case 'or':
      return or(toExpression(f.left), toExpression(f.right));
    case 'not':
      return not(toExpression(f.child));
    case 'leaf': {
      const l = f.leaf;
      const lit = (v: number | string) => (l.col === 'id' && typeof v === 'number' ? BigInt(v) : v);
      switch (l.kind) {
        case 'null':
          return isNull(l.col);
        case 'notnull':
          return notNull(l.col);
        case 'in':
          return isIn(l.col, l.values.map(lit));
        case 'notin':
          return notIn(l.col, l.values.map(lit));
        default: {
          const build = { lt: lessThan, le: lessThanOrEqual, gt: greaterThan, ge: greaterThanOrEqual, eq: equal, ne: notEqual }[l.kind];
          return build(l.col, lit(l.value));
        }
      }
    }
  }
}

type TV = boolean | null;

function compare(a: number | bigint | string, b: number | string): number {
  if (typeof a === 'string' || typeof b === 'string') return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  const x = Number(a);
  return x < b ? -1 : x > b ? 1 : 0;
}

/** SQL three-valued evaluation. */
export function evaluate3(f: Filter, row: Row): TV {
  switch (f.kind) {
    case 'and': {
      const a = evaluate3(f.left, row);
      const b = evaluate3(f.right, row);
      if (a === false || b === false) return false;
      return a === null || b === null ? null : true;
    }
    case 'or': {
      const a = evaluate3(f.left, row);
      const b = evaluate3(f.right, row);
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    }
    case 'not': {
      const a = evaluate3(f.child, row);
      return a === null ? null : !a;
    }
    case 'leaf': {
      const l = f.leaf;
      const v = row[l.col];
      if (l.kind === 'null') return v === null;
      if (l.kind === 'notnull') return v !== null;
      if (v === null) return null;
      if (l.kind === 'in' || l.kind === 'notin') {
        const hit = l.values.some((x) => compare(v, x) === 0);
        return l.kind === 'in' ? hit : !hit;
      }
      const cmp = l as Extract<Leaf, { value: unknown }>;
      const c = compare(v, cmp.value);
      return { lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0, eq: c === 0, ne: c !== 0 }[cmp.kind];
    }
  }
}

/** Random rows of the test schema (ids unique). */
export const rowsArb = (max: number): fc.Arbitrary<Row[]> =>
  fc
    .array(
      fc.record({
        g: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 8 }),
        v: fc.option(fc.integer({ min: -1, max: 11 }), { freq: 5 }),
        s: fc.option(fc.constantFrom(...STRINGS), { freq: 5 }),
      }),
      { minLength: 0, maxLength: max },
    )
    .map((rs) => rs.map((r, i) => ({ id: BigInt(i), g: r.g, v: r.v, s: r.s })));
