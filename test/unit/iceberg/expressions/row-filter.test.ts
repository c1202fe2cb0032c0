import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bind, evaluator, rowFilter, selectedCount, selectedIndices } from '../../../../src/iceberg/expressions/index.js';
import { caseArb, refMatches } from './arbitraries.js';
import { batchOf } from './arrow-batch.js';

describe('row filter over Arrow batches', () => {
  it('selects exactly the rows the reference evaluator (SQL three-valued logic) matches', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), fc.boolean(), ({ schema, rows, filter }, dictionary, fieldIds) => {
        const bound = bind(filter, schema);
        const expected = rows.map((r) => (refMatches(bound, r) ? 1 : 0));
        const selection = rowFilter(schema, filter)(batchOf(schema, rows, { dictionary, fieldIds }));
        expect([...selection]).toEqual(expected);
        expect(selectedCount(selection)).toBe(expected.filter((x) => x === 1).length);
        expect([...selectedIndices(selection)]).toEqual(expected.flatMap((x, i) => (x === 1 ? [i] : [])));
      }),
      { numRuns: 400 },
    );
  });

  it('the value evaluator agrees with the reference evaluator', () => {
    fc.assert(
      fc.property(caseArb, ({ schema, rows, filter }) => {
        const bound = bind(filter, schema);
        const matches = evaluator(bound);
        for (const r of rows) expect(matches(r)).toBe(refMatches(bound, r));
      }),
      { numRuns: 300 },
    );
  });

  it('works on a sliced batch', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ({ schema, rows, filter }, cut) => {
        const batch = batchOf(schema, rows);
        const start = cut % rows.length;
        const bound = bind(filter, schema);
        const expected = rows.slice(start).map((r) => (refMatches(bound, r) ? 1 : 0));
        expect([...rowFilter(schema, bound)(batch.slice(start))]).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
