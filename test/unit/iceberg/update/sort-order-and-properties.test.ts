import { describe, expect, it } from 'vitest';
import { UnsupportedError, ValidationError } from '../../../../src/errors.js';
import { defaultSortOrder, newSortOrder, Transforms } from '../../../../src/iceberg/spec/index.js';
import { ReplaceSortOrder, UpdateProperties } from '../../../../src/iceberg/update/index.js';
import { commit, table, UUID } from './fixtures.js';

describe('ReplaceSortOrder', () => {
  it('builds asc/desc keys over transforms with Java’s default null orders, as add-sort-order + set-default -1', () => {
    const m = table();
    const change = new ReplaceSortOrder().asc('id').desc('ts', { transform: Transforms.day }).asc('name', { transform: 'truncate[3]', nullOrder: 'nulls-last' }).desc('address.city', { nullOrder: 'nulls-first' });
    const { requirements, updates } = change.build(m);
    expect(requirements).toEqual([
      { type: 'assert-table-uuid', uuid: UUID },
      { type: 'assert-default-sort-order-id', defaultSortOrderId: 0 },
    ]);
    expect(updates.map((u) => u.action)).toEqual(['add-sort-order', 'set-default-sort-order']);
    expect(updates[1]).toEqual({ action: 'set-default-sort-order', sortOrderId: -1 });
    const next = commit(m, change);
    expect(defaultSortOrder(next)).toEqual({
      orderId: 1,
      fields: [
        { sourceId: 1, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' },
        { sourceId: 7, transform: Transforms.day, direction: 'desc', nullOrder: 'nulls-last' },
        { sourceId: 2, transform: Transforms.truncate(3), direction: 'asc', nullOrder: 'nulls-last' },
        { sourceId: 12, transform: Transforms.identity, direction: 'desc', nullOrder: 'nulls-first' },
      ],
    });
  });

  it('does nothing for the current order, reuses an older equal one, and goes back to unsorted with no keys', () => {
    const m = commit(table(), new ReplaceSortOrder().asc('id'));
    expect(new ReplaceSortOrder().asc('id').build(m).updates).toEqual([]);
    const unsorted = commit(m, new ReplaceSortOrder());
    expect(unsorted.defaultSortOrderId).toBe(0);
    expect(commit(unsorted, new ReplaceSortOrder().asc('id')).defaultSortOrderId).toBe(1);
    expect(commit(unsorted, new ReplaceSortOrder().asc('id')).sortOrders).toHaveLength(2);
  });

  it('refuses unknown columns, nested and unsupported types, bad transforms and null orders', () => {
    const m = table({ order: newSortOrder(1, [{ sourceId: 1, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]) });
    expect(() => new ReplaceSortOrder().asc('nope').build(m)).toThrow(/no such column/);
    expect(() => new ReplaceSortOrder().asc('address').build(m)).toThrow(/cannot sort by address/);
    expect(() => new ReplaceSortOrder().asc('ratio', { transform: Transforms.bucket(2) }).build(m)).toThrow(ValidationError);
    expect(() => new ReplaceSortOrder().asc('id', { transform: 'zorder' })).toThrow(/unknown transform/);
    expect(() => new ReplaceSortOrder().asc('id', { nullOrder: 'first' as never })).toThrow(/null order/);
    expect(defaultSortOrder(commit(m, new ReplaceSortOrder({ caseSensitive: false }).desc('ID'))).fields[0]?.direction).toBe('desc');
  });
});

describe('UpdateProperties', () => {
  it('sets and removes properties', () => {
    const m = commit(table(), new UpdateProperties().set('owner', 'data-eng').set('retention', '30d'));
    expect(m.properties).toMatchObject({ owner: 'data-eng', retention: '30d' });
    const { requirements, updates } = new UpdateProperties().remove('owner').set('team', 'x').build(m);
    expect(requirements).toEqual([{ type: 'assert-table-uuid', uuid: UUID }]);
    expect(updates).toEqual([
      { action: 'set-properties', updates: { team: 'x' } },
      { action: 'remove-properties', removals: ['owner'] },
    ]);
    expect(commit(m, new UpdateProperties().remove('owner')).properties.owner).toBeUndefined();
    expect(new UpdateProperties().build(m).updates).toEqual([]);
  });

  it('turns format-version into upgrade-format-version and refuses downgrades', () => {
    const m = table();
    expect(new UpdateProperties().set('format-version', '3').build(m).updates).toEqual([{ action: 'upgrade-format-version', formatVersion: 3 }]);
    const v3 = commit(m, new UpdateProperties().upgradeFormatVersion(3));
    expect(v3.formatVersion).toBe(3);
    expect(v3.nextRowId).toBe(0n);
    expect(v3.properties['format-version']).toBeUndefined();
    expect(new UpdateProperties().upgradeFormatVersion(2).build(m).updates).toEqual([]);
    expect(() => new UpdateProperties().upgradeFormatVersion(1).build(m)).toThrow(/cannot downgrade the table from format v2 to v1/);
    expect(() => new UpdateProperties().upgradeFormatVersion(4)).toThrow(UnsupportedError);
    expect(() => new UpdateProperties().set('format-version', 'two')).toThrow(ValidationError);
    expect(() => new UpdateProperties().remove('format-version')).toThrow(/only go up/);
  });

  it('refuses reserved keys, empty keys, non-string values and set+remove of one key', () => {
    expect(() => new UpdateProperties().set('current-snapshot-id', '1')).toThrow(/reserved/);
    expect(() => new UpdateProperties().set('uuid', 'x')).toThrow(/reserved/);
    expect(() => new UpdateProperties().set('', 'x')).toThrow(/non-empty/);
    expect(() => new UpdateProperties().set('k', 1 as never)).toThrow(/string value/);
    expect(() => new UpdateProperties().set('k', 'v').remove('k')).toThrow(/both set and remove/);
    expect(() => new UpdateProperties().remove('k').set('k', 'v')).toThrow(/both set and remove/);
  });
});
