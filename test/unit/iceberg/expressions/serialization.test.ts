import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expression } from '../../../../src/iceberg/expressions/index.js';
import {
  bind, expressionFromJson, expressionToJson, expressionToJsonString, formatExpression, parseExpressionJson, parseFilter,
  and, equal, greaterThanOrEqual, isIn, isNull, not, startsWith, alwaysTrue,
} from '../../../../src/iceberg/expressions/index.js';
import { isLakeError } from '../../../../src/errors.js';
import { newSchema, optionalField, requiredField, Types } from '../../../../src/iceberg/spec/index.js';
import { caseArb } from './arbitraries.js';

// unbound filters whose literals survive text and JSON exactly (no Date; small integers as numbers)
const portable = caseArb.filter(({ filter }) => !JSON.stringify(filter, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? 'Infinity' : v)).match(/Infinity|-?\d+n"/));

describe('JSON (REST spec Expression)', () => {
  it('round-trips unbound expressions through JSON text', () => {
    fc.assert(
      fc.property(caseArb, ({ filter }) => {
        const back = parseExpressionJson(expressionToJsonString(filter));
        expect(bindable(back)).toEqual(bindable(filter));
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips bound expressions: the JSON binds back to the same bound expression', () => {
    fc.assert(
      fc.property(caseArb, ({ schema, filter }) => {
        const bound = bind(filter, schema);
        expect(bind(parseExpressionJson(expressionToJsonString(bound)), schema)).toEqual(bound);
      }),
      { numRuns: 400 },
    );
  });

  it('writes the form Java writes and reads the newer REST form', () => {
    const e = and(equal('id', 7), not(isNull('note')));
    expect(expressionToJson(e)).toEqual({ type: 'and', left: { type: 'eq', term: 'id', value: 7 }, right: { type: 'not', child: { type: 'is-null', term: 'note' } } });
    expect(expressionToJson(alwaysTrue())).toBe(true);
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'note', Types.string)]);
    const newer = {
      type: 'and',
      left: { type: 'eq', left: { type: 'reference', name: 'id' }, right: { type: 'literal', value: 7 } },
      right: { type: 'in', child: { type: 'reference', id: 2 }, values: { type: 'literals', values: ['a', 'b'], 'data-type': 'string' } },
    };
    expect(expressionFromJson(newer, { schema })).toEqual(and(equal('id', 7), isIn('note', ['a', 'b'])));
    expect(expressionFromJson({ type: 'true' })).toEqual(alwaysTrue());
    expect(parseExpressionJson('{"type":"eq","term":"id","value":9007199254740993}')).toEqual(equal('id', 9007199254740993n));
  });

  it('rejects malformed JSON with ValidationError only', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
        try {
          expressionFromJson(json);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    const deep = Array.from({ length: 2000 }).reduce<unknown>((acc) => ({ type: 'not', child: acc }), true);
    expect(() => expressionFromJson(deep)).toThrow(/nested more than/);
    expect(() => expressionFromJson({ type: 'eq', term: 'x' })).toThrow(/needs a "value"/);
    expect(() => expressionFromJson({ type: 'in', term: 'x', value: 1 })).toThrow(/takes "values"/);
    expect(() => expressionFromJson({ type: 'eq', term: { type: 'reference', id: 3 }, value: 1 })).toThrow(/needs a schema/);
  });
});

/** Unbound expressions compared as binding sees them: numbers and bigints by their text, bytes as the hex they read back as. */
function bindable(e: Expression): unknown {
  return JSON.parse(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
}

describe('filter text syntax', () => {
  it('parses what formatExpression writes back to the same expression', () => {
    fc.assert(
      fc.property(portable, ({ filter }) => {
        expect(parseFilter(formatExpression(filter))).toEqual(filter);
      }),
      { numRuns: 500 },
    );
  });

  it('formats bound expressions so that they bind back to themselves', () => {
    fc.assert(
      fc.property(caseArb, ({ schema, filter }) => {
        const bound = bind(filter, schema);
        expect(bind(parseFilter(formatExpression(bound)), schema)).toEqual(bound);
      }),
      { numRuns: 400 },
    );
  });

  it('parses the CLI example and the SQL forms', () => {
    expect(parseFilter("ts >= '2026-11-01' and currency in ('EUR','USD') and not merchant is null")).toEqual(
      and(greaterThanOrEqual('ts', '2026-11-01'), and(isIn('currency', ['EUR', 'USD']), not(isNull('merchant')))),
    );
    expect(parseFilter("name LIKE 'Jo%'")).toEqual(startsWith('name', 'Jo'));
    expect(parseFilter('5 < x')).toEqual(parseFilter('x > 5'));
    expect(parseFilter('"order"."select" = -1.5e3')).toEqual(equal('order.select', -1500));
    expect(parseFilter("a between 1 and 2")).toEqual(and(greaterThanOrEqual('a', 1), parseFilter('a <= 2')));
    expect(parseFilter("b = X'00ff'")).toEqual(equal('b', Uint8Array.of(0, 255)));
    expect(parseFilter('d = 12345678901234567.89')).toEqual(equal('d', '12345678901234567.89'));
  });

  it('points at the problem', () => {
    expect(() => parseFilter("ts >= '2026")).toThrow(/character 7: the '…' starting here is never closed/);
    expect(() => parseFilter('a = ')).toThrow(/expected a literal/);
    expect(() => parseFilter("name like '%x'")).toThrow(/LIKE supports only a prefix/);
    expect(() => parseFilter('in = 1')).toThrow(/quote "in"/);
    expect(() => parseFilter('')).toThrow(/empty/);
    expect(() => parseFilter('('.repeat(5000) + 'a=1' + ')'.repeat(5000))).toThrow(/nests more than/);
  });

  it('fuzz: random and mutated text either parses or fails with ValidationError', () => {
    const seeds = ["ts >= '2026-11-01' and currency in ('EUR','USD')", 'not (a = 1 or b is not nan)', "x not starts with 'ab' or y between -1 and 2.5e1"];
    const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 4 })).map(([s, edits]) =>
      edits.reduce((acc, [at, ins]) => acc.slice(0, at % (acc.length + 1)) + ins + acc.slice((at % (acc.length + 1)) + 1), s),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: fc.constantFrom('a', ' ', '(', ')', "'", '"', '=', '<', 'and ', 'or ', 'not ', 'in ', '1', '.', '-', ',', 'is ', 'null'), maxLength: 30 }), mutated), (text) => {
        try {
          formatExpression(parseFilter(text));
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
