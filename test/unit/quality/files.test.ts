import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { checkQuality, loadRuleFile, parseDqdl, parseExpr, suggest, type RuleSet } from '../../../src/quality/index.js';
import { tableOf } from './gen.js';

function problemsOf(f: () => unknown): { line?: number; path: string; message: string; suggestion?: string }[] {
  try {
    f();
  } catch (e) {
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    return (e as { context: { problems?: { line?: number; path: string; message: string; suggestion?: string }[] } }).context.problems ?? [];
  }
  throw new Error('expected a ValidationError');
}

describe('rule files (YAML / JSON)', () => {
  const good = `dataset: transactions
keys: [id]
rules:
  - type: primaryKey
    columns: [id]
  - type: inSet
    column: currency
    values: [USD, EUR]
    severity: warn
  - type: and
    rules:
      - type: rowCount
        min: 1
      - type: predicate
        expression: "amount >= 0 OR currency = 'EUR'"
`;
  it('loads a valid file into a rule set', () => {
    const rs = loadRuleFile(good, { columns: ['id', 'currency', 'amount'] });
    expect(rs.rules.map((r) => r.type)).toEqual(['primaryKey', 'inSet', 'and']);
    expect(rs.keys).toEqual(['id']);
  });

  it('JSON files load the same', () => {
    const rs = loadRuleFile(JSON.stringify({ rules: [{ type: 'isComplete', column: 'id' }] }));
    expect(rs.rules).toEqual([{ type: 'isComplete', column: 'id' }]);
  });

  it('reports unknown rule types, keys and columns with line and suggestion', () => {
    const text = `rules:
  - type: isComplet
    column: id
  - type: between
    colum: amount
    min: 0
  - type: mean
    column: amount
    min: "lots"
`;
    const p = problemsOf(() => loadRuleFile(text, { source: 'tx.yaml' }));
    expect(p).toContainEqual({ line: 2, path: 'rules[0].type', message: 'unknown rule type "isComplet"', suggestion: 'isComplete' });
    expect(p.find((x) => x.path === 'rules[1].colum')).toMatchObject({ line: 5, suggestion: 'column' });
    expect(p.find((x) => x.path === 'rules[2].min')).toMatchObject({ line: 9 });
    const cols = problemsOf(() => loadRuleFile('rules:\n  - type: isComplete\n    column: amout\n  - type: predicate\n    expression: "curency = 1"\n', { columns: ['amount', 'currency'] }));
    expect(cols).toEqual([
      { line: 3, path: 'rules[0].column', message: "unknown column 'amout'", suggestion: 'amount' },
      { line: 5, path: 'rules[1].expression', message: "unknown column 'curency'", suggestion: 'currency' },
    ]);
    const expr = problemsOf(() => loadRuleFile('rules:\n  - type: predicate\n    expression: "a > > 1"\n'));
    expect(expr[0]).toMatchObject({ line: 3, path: 'rules[0].expression' });
    expect(expr[0]!.message).toMatch(/offset 4/);
  });

  it('never crashes on arbitrary text: a rule set or a ValidationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('rules: [', 'rules:\n  - type: and\n    rules: []', '&a [*a]', 'rules: 5')), (text) => {
        try {
          loadRuleFile(text);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('suggests only close names', () => {
    expect(suggest('curency', ['currency', 'amount'])).toBe('currency');
    expect(suggest('zzzzzz', ['currency', 'amount'])).toBeUndefined();
  });
});

describe('DQDL', () => {
  it('reads the Glue rule types into lakekit rules', () => {
    const rs = parseDqdl(`Rules = [
  RowCount between 1 and 100,
  IsComplete "id",
  Completeness "s" >= 0.9,
  IsUnique "id",
  Uniqueness "g" > 0.5,
  IsPrimaryKey "id" "g",
  ColumnValues "s" in ["a", "ab"] with threshold >= 0.9,
  ColumnValues "s" not in ["zz9"],
  ColumnValues "x" between -1 and 1,
  ColumnValues "x" > 0,
  ColumnValues "s" matches "a+b*",
  ColumnLength "s" <= 3,
  ColumnExists "ts",
  ColumnDataType "id" = "INTEGER",
  Mean "x" between 0 and 2,
  Sum "x" > 0,
  StandardDeviation "x" < 5,
  DistinctValuesCount "s" >= 2,
  ReferentialIntegrity "s" "ccy.{code}" >= 0.8,
  CustomSql "select count(*) from primary" > 0,
  DataFreshness "ts" <= 24 hours,
  ColumnCorrelation "g" "x" > 0.1,
  (IsComplete "g") and (IsComplete "x") and (Mean "x" > 0),
  (IsComplete "g") or ((IsComplete "x") and (IsUnique "s")),
  IsComplete "g" where "s = 'a'"
]`);
    expect(rs.rules.map((r) => r.type)).toEqual([
      'rowCount', 'isComplete', 'completeness', 'isUnique', 'uniqueness', 'primaryKey', 'inSet', 'notInSet', 'between', 'between', 'matches', 'length', 'columnExists', 'columnType',
      'mean', 'sum', 'stddev', 'distinctCount', 'referentialIntegrity', 'customSql', 'freshness', 'correlation', 'and', 'or', 'isComplete',
    ]);
    expect(rs.rules[6]).toEqual({ type: 'inSet', column: 's', values: ['a', 'ab'], maxFailureFraction: 0.1 });
    expect(rs.rules[9]).toEqual({ type: 'between', column: 'x', min: 0, exclusive: true });
    expect(rs.rules[11]).toEqual({ type: 'length', column: 's', max: 3 });
    expect(rs.rules[18]).toMatchObject({ columns: ['s'], reference: 'ccy', referenceColumns: ['code'], maxFailureFraction: 0.2 });
    expect(rs.rules[20]).toEqual({ type: 'freshness', column: 'ts', maxAgeSeconds: 86400 });
    expect((rs.rules[15] as { min: number }).min).toBeGreaterThan(0); // strict '>' stays strict
    expect(rs.rules[24]).toEqual({ type: 'isComplete', column: 'g', where: "s = 'a'" });
  });

  it('runs DQDL rules like the same TypeScript rules', async () => {
    const t = tableOf([
      { id: 1, g: 1, x: 0.5, s: 'a', ts: null },
      { id: 2, g: null, x: -3, s: 'zz9', ts: null },
    ]);
    const viaDqdl = await checkQuality(t, parseDqdl('Rules = [ IsComplete "g", ColumnValues "x" between -1 and 1, ColumnValues "s" in ["a"] ]'));
    const viaTs = await checkQuality(t, [
      { type: 'isComplete', column: 'g' },
      { type: 'between', column: 'x', min: -1, max: 1 },
      { type: 'inSet', column: 's', values: ['a'] },
    ] satisfies RuleSet['rules']);
    expect(viaDqdl.result.rules.map((r) => [r.status, r.failedRows])).toEqual(viaTs.result.rules.map((r) => [r.status, r.failedRows]));
  });

  it('errors carry the line and a suggestion', () => {
    for (const [text, line, suggestion] of [
      ['Rules = [\n  IsComplete "a",\n  IsComplet "b"\n]', 3, 'IsComplete'],
      ['Rules = [\n  DataFreshness "ts" <= 3 dayz\n]', 2, 'days'],
      ['Rules = [ ColumnDataType "a" = "INTEGR" ]', 1, 'INTEGER'],
    ] as const) {
      try {
        parseDqdl(text);
        expect.unreachable();
      } catch (e) {
        expect(isLakeError(e, 'VALIDATION')).toBe(true);
        expect((e as { context: Record<string, unknown> }).context).toMatchObject({ line, suggestion });
      }
    }
  });

  it('never crashes on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `Rules = [ ${s} ]`), fc.constantFrom('Rules = [ (((', 'Rules = [ RowCount > ]', 'Rules = [ "\\')), (text) => {
        try {
          parseDqdl(text);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('expressions', () => {
  it('never crashes on arbitrary text, and deep nesting is refused, not overflowed', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab1 ()\'"=<>!+-*/%,.ANDORNOTISNULLINLIKEBETWEEN_'.split('')), maxLength: 60 }), (text) => {
        try {
          parseExpr(text);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(() => parseExpr(`${'('.repeat(5000)}1${')'.repeat(5000)}`)).toThrow(/nesting deeper/);
    expect(() => parseExpr('NOT '.repeat(5000) + 'TRUE')).toThrow(/nesting deeper/);
  });

  it('follows SQL three-valued logic', async () => {
    const t = tableOf([
      { id: 1, g: null, x: 1, s: 'a', ts: null },
      { id: 2, g: 0, x: 1, s: null, ts: null },
    ]);
    const { result } = await checkQuality(t, [
      { type: 'predicate', expression: 'g > 0 OR x = 1' }, // NULL OR TRUE = TRUE
      { type: 'predicate', expression: 'g > 0 AND x = 1' }, // row 1: NULL (passes), row 2: FALSE
      { type: 'predicate', expression: 'x / g > 0' }, // division by zero is NULL
      { type: 'predicate', expression: "s NOT IN ('b', NULL)" }, // never TRUE, NULL for row 1 … and NULL for row 2
    ]);
    expect(result.rules.map((r) => r.failedRows)).toEqual([0, 1, 0, 0]);
  });
});
