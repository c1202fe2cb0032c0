import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alwaysFalse, alwaysTrue, and, bind, equal, greaterThan, greaterThanOrEqual, isIn, isNaN, isNull, lessThan, lessThanOrEqual, not, notEqual, notIn,
  notNull, or, rewriteNot, startsWith,
} from '../../../../src/iceberg/expressions/index.js';
import { isLakeError } from '../../../../src/errors.js';
import { newSchema, optionalField, requiredField, Types } from '../../../../src/iceberg/spec/index.js';
import { caseArb, refMatches } from './arbitraries.js';

const schema = newSchema([
  requiredField(1, 'id', Types.int),
  optionalField(2, 'amount', Types.decimal(9, 2)),
  optionalField(3, 'ts', Types.timestamp),
  optionalField(4, 'tstz', Types.timestamptz),
  optionalField(5, 'day', Types.date),
  optionalField(6, 'ratio', Types.float),
  optionalField(7, 'tags', Types.list(8, Types.string)),
  optionalField(9, 'location', Types.struct([requiredField(10, 'lat', Types.double)])),
  optionalField(11, 'merchant', Types.string),
  optionalField(12, 'big', Types.long),
]);

describe('bind', () => {
  it('converts literals to the column types', () => {
    expect(bind(equal('amount', '14.2'), schema)).toMatchObject({ op: 'eq', value: 1420n });
    expect(bind(equal('amount', 14.2), schema)).toMatchObject({ op: 'eq', value: 1420n });
    expect(bind(equal('ts', '2026-11-01'), schema)).toMatchObject({ value: 1793491200000000n });
    expect(bind(equal('ts', '2026-11-01 10:00:00'), schema)).toMatchObject({ value: 1793527200000000n });
    expect(bind(equal('tstz', '2026-11-01T10:00:00+01:00'), schema)).toMatchObject({ value: 1793523600000000n });
    expect(bind(equal('tstz', new Date(Date.UTC(2026, 10, 1))), schema)).toMatchObject({ value: 1793491200000000n });
    expect(bind(equal('day', '2026-11-01'), schema)).toMatchObject({ value: 20758 });
    expect(bind(equal('ratio', 0.1), schema)).toMatchObject({ value: Math.fround(0.1) });
    expect(bind(equal('big', '9007199254740993'), schema)).toMatchObject({ value: 9007199254740993n });
    expect(bind(equal('location.lat', 1), schema)).toMatchObject({ ref: { fieldId: 10, name: 'location.lat' } });
  });

  it('rewrites literals between or beyond the values of the type exactly', () => {
    expect(bind(lessThan('id', 3.5), schema)).toMatchObject({ op: 'lt-eq', value: 3 });
    expect(bind(greaterThan('id', 3.5), schema)).toMatchObject({ op: 'gt-eq', value: 4 });
    expect(bind(equal('id', 3.5), schema)).toEqual(alwaysFalse());
    expect(bind(notEqual('id', 3.5), schema)).toEqual(alwaysTrue()); // id is required
    expect(bind(notEqual('big', 1e30), schema)).toMatchObject({ op: 'not-null' });
    expect(bind(lessThan('id', 1e12), schema)).toMatchObject({ op: 'lt-eq', value: 2147483647 });
    expect(bind(greaterThan('id', 1e12), schema)).toEqual(alwaysFalse());
    expect(bind(lessThanOrEqual('amount', '14.205'), schema)).toMatchObject({ op: 'lt-eq', value: 1420n });
    expect(bind(greaterThanOrEqual('amount', '14.205'), schema)).toMatchObject({ op: 'gt-eq', value: 1421n });
    expect(bind(lessThan('day', '2026-11-01T10:00:00'), schema)).toMatchObject({ op: 'lt-eq', value: 20758 });
    expect(bind(isIn('id', [1, 1.5, 1]), schema)).toMatchObject({ op: 'eq', value: 1 });
    expect(bind(notIn('id', [1.5]), schema)).toEqual(alwaysTrue());
    expect(bind(isIn('id', []), schema)).toEqual(alwaysFalse());
    expect(bind(isNull('id'), schema)).toEqual(alwaysFalse());
    expect(bind(notNull('id'), schema)).toEqual(alwaysTrue());
    expect(bind(isNull('location.lat'), schema)).toMatchObject({ op: 'is-null' }); // required, but inside an optional struct
  });

  it('keeps the meaning of an int literal with a fraction (property)', () => {
    const s = newSchema([optionalField(1, 'x', Types.int)]);
    fc.assert(
      fc.property(fc.constantFrom('lt', 'lt-eq', 'gt', 'gt-eq', 'eq', 'not-eq'), fc.double({ min: -1e10, max: 1e10, noNaN: true }), fc.oneof(fc.integer(), fc.constant(null)), (op, lit, x) => {
        const bound = bind({ op: op as 'lt', term: 'x', value: lit }, s);
        const expected = x === null ? false : op === 'lt' ? x < lit : op === 'lt-eq' ? x <= lit : op === 'gt' ? x > lit : op === 'gt-eq' ? x >= lit : op === 'eq' ? x === lit : x !== lit;
        expect(refMatches(bound, new Map([[1, x]]))).toBe(expected);
      }),
    );
  });

  it('pushing not down keeps every row\'s result (property)', () => {
    fc.assert(
      fc.property(caseArb, ({ schema: s, rows, filter }) => {
        const bound = bind(filter, s);
        const pushed = rewriteNot(bound);
        expect(JSON.stringify(pushed, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('"op":"not"');
        for (const r of rows) expect(refMatches(pushed, r)).toBe(refMatches(bound, r));
      }),
      { numRuns: 300 },
    );
  });

  it('fails with ValidationError and a suggestion', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(isLakeError(e, 'VALIDATION')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a ValidationError');
    };
    expect(error(() => bind(equal('amout', 1), schema))).toMatch(/no such column; did you mean "amount"\?/);
    expect(error(() => bind(equal('AMOUNT', 1), schema))).toMatch(/did you mean "amount"/);
    expect(bind(equal('AMOUNT', 1), schema, { caseSensitive: false })).toMatchObject({ ref: { fieldId: 2 } });
    expect(error(() => bind(equal('zzzzzzzz', 1), schema))).toMatch(/check the column name/);
    expect(error(() => bind(equal('id', 'seven'), schema))).toMatch(/cannot compare column "id" of type int with string "seven"/);
    expect(error(() => bind(equal('ts', '2026-13-01'), schema))).toMatch(/not a valid timestamp/);
    expect(error(() => bind(equal('ts', '2026-11-01T10:00:00Z'), schema))).toMatch(/without time zone/);
    expect(error(() => equal('ratio', NaN))).toMatch(/use isNaN/);
    expect(error(() => bind(isNaN('id'), schema))).toMatch(/float or double/);
    expect(error(() => bind(startsWith('id', '1'), schema))).toMatch(/needs a string column/);
    expect(error(() => bind(equal('tags.element', 'a'), schema))).toMatch(/inside a list or map/);
    expect(error(() => bind(equal('location', 1), schema))).toMatch(/filter on a primitive column/);
  });

  it('simplifies constants and double negation', () => {
    expect(and(alwaysTrue(), isNull('a'))).toEqual(isNull('a'));
    expect(or(alwaysTrue(), isNull('a'))).toEqual(alwaysTrue());
    expect(not(not(isNull('a')))).toEqual(isNull('a'));
    expect(rewriteNot(not(and(lessThan('a', 1), isNull('b'))))).toEqual(or(greaterThanOrEqual('a', 1), notNull('b')));
  });
});
