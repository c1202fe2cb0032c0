import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { defaultSpec, parseTableMetadata, Transforms, writeTableMetadata } from '../../../../src/iceberg/spec/index.js';
import { defaultPartitionFieldName, UpdatePartitionSpec, UpdateSchema } from '../../../../src/iceberg/update/index.js';
import { commit, table, UUID } from './fixtures.js';

const fields = (m: ReturnType<typeof table>) => defaultSpec(m).fields.map((f) => [f.fieldId, f.name, f.sourceId, f.transform.type]);

describe('defaultPartitionFieldName', () => {
  it('names fields as Java does', () => {
    expect(defaultPartitionFieldName('ts', Transforms.day)).toBe('ts_day');
    expect(defaultPartitionFieldName('id', Transforms.bucket(16))).toBe('id_bucket_16');
    expect(defaultPartitionFieldName('name', Transforms.truncate(4))).toBe('name_trunc_4');
    expect(defaultPartitionFieldName('a.b', Transforms.identity)).toBe('a.b');
    expect(defaultPartitionFieldName('x', Transforms.void)).toBe('x_null');
    expect(['year', 'month', 'hour'].map((t) => defaultPartitionFieldName('ts', { type: t } as never))).toEqual(['ts_year', 'ts_month', 'ts_hour']);
  });
});

describe('UpdatePartitionSpec', () => {
  it('adds fields with ids after last-partition-id and Java’s default names, guarded by both asserts', () => {
    const m = table();
    const change = new UpdatePartitionSpec().addField('ts', Transforms.day).addField('id', 'bucket[16]').addField('name', Transforms.truncate(4)).addField('address.city');
    const { requirements, updates } = change.build(m);
    expect(requirements).toEqual([
      { type: 'assert-table-uuid', uuid: UUID },
      { type: 'assert-default-spec-id', defaultSpecId: 0 },
      { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 999 },
    ]);
    expect(updates.map((u) => u.action)).toEqual(['add-spec', 'set-default-spec']);
    const next = commit(m, change);
    expect(next.defaultSpecId).toBe(1);
    expect(next.lastPartitionId).toBe(1003);
    expect(fields(next)).toEqual([
      [1000, 'ts_day', 7, 'day'],
      [1001, 'id_bucket_16', 1, 'bucket'],
      [1002, 'name_trunc_4', 2, 'truncate'],
      [1003, 'address.city', 12, 'identity'],
    ]);
    expect(parseTableMetadata(writeTableMetadata(next))).toEqual(next);
  });

  it('v2: removes fields from the new spec, and a re-added field gets its old id back (reusing the old spec)', () => {
    const m = table({ partitionBy: [{ source: 'ts', transform: Transforms.day, name: 'ts_day' }, { source: 'id', transform: Transforms.bucket(8), name: 'id_bucket_8' }] });
    const removed = commit(m, new UpdatePartitionSpec().removeField('ts_day'));
    expect(fields(removed)).toEqual([[1001, 'id_bucket_8', 1, 'bucket']]);
    const withHour = commit(removed, new UpdatePartitionSpec().addField('ts', Transforms.hour));
    expect(fields(withHour)).toEqual([
      [1001, 'id_bucket_8', 1, 'bucket'],
      [1002, 'ts_hour', 7, 'hour'],
    ]);
    const back = new UpdatePartitionSpec().removeField('ts_hour').addField('ts', Transforms.day).build(withHour);
    // [id_bucket_8 1001, ts_day 1000] is a new order of fields, so it is a new spec, but ts_day keeps id 1000
    const next = commit(withHour, new UpdatePartitionSpec().removeField('ts_hour').addField('ts', Transforms.day));
    expect(back.updates[0]).toMatchObject({ action: 'add-spec' });
    expect(fields(next)).toEqual([
      [1001, 'id_bucket_8', 1, 'bucket'],
      [1000, 'ts_day', 7, 'day'],
    ]);
    expect(next.lastPartitionId).toBe(1002);
    // the same fields as spec 1 reuse it
    expect(new UpdatePartitionSpec().removeField('ts_day').build(next).updates).toEqual([{ action: 'set-default-spec', specId: 1 }]);
  });

  it('v1: replaces removed fields with void, and a new field of the same name pushes the void one aside', () => {
    const m = table({ formatVersion: 1, partitionBy: [{ source: 'ts', transform: Transforms.day, name: 'ts_day' }, { source: 'id', transform: Transforms.identity }] });
    const removed = commit(m, new UpdatePartitionSpec().removeField('ts_day'));
    expect(fields(removed)).toEqual([
      [1000, 'ts_day', 7, 'void'],
      [1001, 'id', 1, 'identity'],
    ]);
    const readded = commit(removed, new UpdatePartitionSpec().addField('ts', Transforms.day));
    expect(fields(readded)).toEqual([
      [1000, 'ts_day_1000', 7, 'void'],
      [1001, 'id', 1, 'identity'],
      [1002, 'ts_day', 7, 'day'],
    ]);
    // a removed source column does not block the v1 void field
    const dropped = commit(removed, new UpdateSchema().deleteColumn('ts'));
    expect(dropped.currentSchemaId).toBe(1);
  });

  it('removing and re-adding the same field in one update keeps it', () => {
    const m = table({ partitionBy: [{ source: 'ts', transform: Transforms.day, name: 'ts_day' }] });
    expect(new UpdatePartitionSpec().removeField('ts_day').addField('ts', Transforms.day).build(m).updates).toEqual([]);
    expect(fields(commit(m, new UpdatePartitionSpec().removeField('ts_day').addField('ts', Transforms.day, 'event_day')))).toEqual([[1000, 'event_day', 7, 'day']]);
  });

  it('renames fields', () => {
    const m = table({ partitionBy: [{ source: 'ts', transform: Transforms.day, name: 'ts_day' }] });
    expect(fields(commit(m, new UpdatePartitionSpec().renameField('ts_day', 'event_day')))).toEqual([[1000, 'event_day', 7, 'day']]);
  });

  it('refuses duplicates, unknown names and columns, bad transforms and conflicting edits', () => {
    const m = table({ partitionBy: [{ source: 'ts', transform: Transforms.day, name: 'ts_day' }] });
    const err = (u: UpdatePartitionSpec, re: RegExp) => expect(() => u.build(m)).toThrow(re);
    err(new UpdatePartitionSpec().addField('ts', Transforms.day), /already partitions by it/);
    err(new UpdatePartitionSpec().addField('id', Transforms.identity).addField('id', Transforms.identity), /twice/);
    err(new UpdatePartitionSpec().addField('ts', Transforms.hour).addField('ts', Transforms.month), /redundant/);
    err(new UpdatePartitionSpec().addField('nope', Transforms.identity), /no such column/);
    err(new UpdatePartitionSpec().addField('ratio', Transforms.bucket(4)), /cannot apply to ratio/);
    err(new UpdatePartitionSpec().addField('address', Transforms.identity), /must be a primitive/);
    err(new UpdatePartitionSpec().addField('id', Transforms.identity, 'ts_day'), /already has a field with that name/);
    err(new UpdatePartitionSpec().addField('id', Transforms.bucket(2), 'name'), /also a column name/);
    err(new UpdatePartitionSpec().removeField('nope'), /has no such field \(it has "ts_day"\)/);
    err(new UpdatePartitionSpec().addField('id', Transforms.identity).removeField('id'), /added in the same update/);
    err(new UpdatePartitionSpec().renameField('ts_day', 'd').removeField('ts_day'), /rename and remove/);
    err(new UpdatePartitionSpec().removeField('ts_day').renameField('ts_day', 'd'), /removed in the same update/);
    expect(() => new UpdatePartitionSpec().addField('id', 'zorder')).toThrow(ValidationError);
    expect(() => new UpdatePartitionSpec().addField('id', 'bucket[0]')).toThrow(ValidationError);
  });

  it('matches source columns ignoring case when asked', () => {
    expect(fields(commit(table(), new UpdatePartitionSpec({ caseSensitive: false }).addField('TS', Transforms.day)))).toEqual([[1000, 'ts_day', 7, 'day']]);
  });
});
