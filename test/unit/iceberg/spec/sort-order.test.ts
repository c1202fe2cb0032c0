import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  newSchema,
  newSortOrder,
  optionalField,
  requiredField,
  sameOrder,
  sortOrderFromJson,
  sortOrderToJson,
  Transforms,
  Types,
  UNSORTED_ORDER,
  validateSortOrder,
} from '../../../../src/iceberg/spec/index.js';
import type { SortOrder, Transform } from '../../../../src/iceberg/spec/index.js';
import { ValidationError } from '../../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';

describe('sort orders', () => {
  const specExample = {
    'order-id': 1,
    fields: [
      { transform: 'identity', 'source-id': 2, direction: 'asc', 'null-order': 'nulls-first' },
      { transform: 'bucket[4]', 'source-id': 3, direction: 'desc', 'null-order': 'nulls-last' },
    ],
  };

  it('reads and writes the spec example', () => {
    const order = sortOrderFromJson(specExample);
    expect(order.fields[1]).toEqual({ sourceId: 3, transform: Transforms.bucket(4), direction: 'desc', nullOrder: 'nulls-last' });
    expect(sortOrderToJson(order)).toEqual(specExample);
  });

  it('property: serialize → parse gives an equal order', () => {
    const transform = fc.oneof(fc.constantFrom<Transform>(Transforms.identity, Transforms.day, Transforms.void), fc.integer({ min: 1, max: 99 }).map(Transforms.truncate));
    const order = fc.record({
      orderId: fc.nat(50),
      fields: fc.array(fc.record({ sourceId: fc.nat(99), transform, direction: fc.constantFrom('asc' as const, 'desc' as const), nullOrder: fc.constantFrom('nulls-first' as const, 'nulls-last' as const) })),
    });
    fc.assert(
      fc.property(order, (o: SortOrder) => {
        expect(sortOrderFromJson(parseJson(stringifyJson(sortOrderToJson(o))))).toEqual(o);
      }),
    );
  });

  it('rejects bad directions, null orders and missing fields', () => {
    const field = specExample.fields[0]!;
    expect(() => sortOrderFromJson({ 'order-id': 1, fields: [{ ...field, direction: 'up' }] })).toThrow(/direction/);
    expect(() => sortOrderFromJson({ 'order-id': 1, fields: [{ ...field, 'null-order': 'first' }] })).toThrow(/null-order/);
    expect(() => sortOrderFromJson({ fields: [] })).toThrow(ValidationError);
    expect(() => newSortOrder(0, [{ sourceId: 1, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }])).toThrow(/reserved/);
    expect(() => newSortOrder(2, [])).toThrow(ValidationError);
  });

  it('validates against a schema and compares ignoring ids', () => {
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'tags', Types.list(3, Types.string))]);
    const byId = newSortOrder(1, [{ sourceId: 1, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]);
    expect(() => validateSortOrder(byId, schema)).not.toThrow();
    expect(() => validateSortOrder(newSortOrder(1, [{ sourceId: 2, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]), schema)).toThrow(/primitive/);
    expect(() => validateSortOrder(newSortOrder(1, [{ sourceId: 9, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]), schema)).toThrow(/not in schema/);
    expect(sameOrder(byId, { ...byId, orderId: 5 })).toBe(true);
    expect(sameOrder(byId, UNSORTED_ORDER)).toBe(false);
  });
});
