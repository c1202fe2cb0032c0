/** projectBatch: by field id, reordered, renamed, filled, promoted. */
import { describe, expect, it } from 'vitest';
import { arrowToRows, projectBatch, rowsToArrow } from '../../../../src/formats/arrow/index.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';

const v1 = newSchema([
  requiredField(1, 'id', Types.int),
  optionalField(2, 'price', Types.decimal(9, 2)),
  optionalField(3, 'score', Types.float),
  optionalField(4, 'pts', Types.list(5, Types.struct([optionalField(6, 'x', Types.int)]))),
  optionalField(7, 'm', Types.map(8, Types.int, 9, Types.float)),
  optionalField(10, 'day', Types.date),
]);
const batch = rowsToArrow(
  [
    { id: 1, price: '1.25', score: 0.5, pts: [{ x: 1 }, null], m: new Map([[1, 1.5]]), day: 1 },
    { id: 2, price: null, score: null, pts: null, m: null, day: null },
  ],
  v1,
).batches[0]!;

describe('projectBatch', () => {
  it('reorders and renames by id, promotes types at every level, fills new fields', () => {
    const v2 = newSchema([
      optionalField(3, 'rating', Types.double),
      requiredField(1, 'id', Types.long),
      optionalField(4, 'points', Types.list(5, Types.struct([optionalField(11, 'y', Types.string, { initialDefault: 'd' }), optionalField(6, 'x', Types.long)]))),
      optionalField(7, 'm', Types.map(8, Types.long, 9, Types.double)),
      optionalField(2, 'price', Types.decimal(20, 2)),
      optionalField(12, 'note', Types.string),
      optionalField(10, 'day', Types.timestamp),
    ]);
    expect(arrowToRows(projectBatch(batch, v2))).toStrictEqual([
      { rating: 0.5, id: 1n, points: [{ y: 'd', x: 1n }, null], m: new Map([[1n, 1.5]]), price: '1.25', note: null, day: 86_400_000_000n },
      { rating: null, id: 2n, points: null, m: null, price: null, note: null, day: null },
    ]);
  });

  it('refuses narrowing and changes of kind', () => {
    for (const s of [
      newSchema([requiredField(1, 'id', Types.string)]),
      newSchema([optionalField(2, 'price', Types.decimal(9, 3))]),
      newSchema([optionalField(3, 'score', Types.int)]),
      newSchema([optionalField(4, 'pts', Types.map(5, Types.int, 6, Types.int))]),
      newSchema([requiredField(99, 'missing', Types.int)]),
    ]) {
      expect(() => projectBatch(batch, s)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});
