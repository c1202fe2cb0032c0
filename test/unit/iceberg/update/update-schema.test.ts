import { describe, expect, it } from 'vitest';
import { CommitConflictError, ValidationError } from '../../../../src/errors.js';
import {
  checkRequirements,
  currentSchema,
  findFieldByName,
  newSchema,
  newSortOrder,
  optionalField,
  requiredField,
  Transforms,
  Types,
} from '../../../../src/iceberg/spec/index.js';
import type { IcebergType, Schema, TableMetadata } from '../../../../src/iceberg/spec/index.js';
import { UpdateSchema } from '../../../../src/iceberg/update/index.js';
import { commit, table, UUID } from './fixtures.js';

const idOf = (s: Schema, name: string) => findFieldByName(s, name)?.id;
const typeOf = (s: Schema, name: string): IcebergType | undefined => findFieldByName(s, name)?.type;
const names = (s: Schema) => s.fields.map((f) => f.name);
/** Names of the fields of the struct column `name`. */
const childNames = (s: Schema, name: string) => {
  const t = typeOf(s, name);
  return t?.type === 'struct' ? t.fields.map((f) => f.name) : undefined;
};
const evolve = (m: TableMetadata, u: UpdateSchema) => currentSchema(commit(m, u));

describe('UpdateSchema: adding columns', () => {
  it('adds a top-level column with the next id and commits add-schema + set-current-schema under both asserts', () => {
    const m = table();
    const { requirements, updates } = new UpdateSchema().addColumn('email', Types.string, { doc: 'contact' }).build(m);
    expect(requirements).toEqual([
      { type: 'assert-table-uuid', uuid: UUID },
      { type: 'assert-current-schema-id', currentSchemaId: 0 },
      { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 18 },
    ]);
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({ action: 'add-schema', lastColumnId: 19, schema: { schemaId: 1 } });
    expect(updates[1]).toEqual({ action: 'set-current-schema', schemaId: -1 });
    const next = commit(m, new UpdateSchema().addColumn('email', Types.string, { doc: 'contact' }));
    expect(next.currentSchemaId).toBe(1);
    expect(next.lastColumnId).toBe(19);
    expect(currentSchema(next).fields.at(-1)).toEqual(optionalField(19, 'email', Types.string, { doc: 'contact' }));
  });

  it('adds nested columns into a struct, a list element struct and a map value struct', () => {
    const s = evolve(table(), new UpdateSchema().addColumn(['address', 'zip'], Types.string).addColumn(['points', 'z'], Types.double).addColumn(['attrs', 'w'], Types.int));
    expect(idOf(s, 'address.zip')).toBe(19);
    expect(idOf(s, 'points.element.z')).toBe(20);
    expect(idOf(s, 'attrs.value.w')).toBe(21);
    expect(names(s)).toEqual(names(currentSchema(table())));
  });

  it('reassigns the ids inside an added nested type, a struct’s fields before their children', () => {
    const type = Types.struct([optionalField(1, 'a', Types.list(2, Types.string)), optionalField(3, 'b', Types.map(4, Types.string, 5, Types.long))]);
    const s = evolve(table(), new UpdateSchema().addColumn('nested', type));
    expect(findFieldByName(s, 'nested')).toEqual(
      optionalField(19, 'nested', Types.struct([optionalField(20, 'a', Types.list(22, Types.string)), optionalField(21, 'b', Types.map(23, Types.string, 24, Types.long))])),
    );
  });

  it('refuses a required column without a default unless incompatible changes are allowed', () => {
    expect(() => new UpdateSchema().addColumn('must', Types.int, { required: true }).build(table())).toThrow(/without an initial default/);
    const s = evolve(table(), new UpdateSchema({ allowIncompatibleChanges: true }).addColumn('must', Types.int, { required: true }));
    expect(findFieldByName(s, 'must')?.required).toBe(true);
  });

  it('adds a required column with an initial default in v3 only, and checks the default', () => {
    expect(() => new UpdateSchema().addColumn('n', Types.int, { required: true, initialDefault: 0 }).build(table())).toThrow(/defaults need format v3/);
    const s = evolve(table({ formatVersion: 3 }), new UpdateSchema().addColumn('n', Types.int, { required: true, initialDefault: 7 }));
    expect(findFieldByName(s, 'n')).toEqual(requiredField(19, 'n', Types.int, { initialDefault: 7, writeDefault: 7 }));
    expect(() => new UpdateSchema().addColumn('n', Types.int, { initialDefault: 7n }).build(table({ formatVersion: 3 }))).toThrow(ValidationError);
    expect(() => new UpdateSchema().addColumn('s', Types.struct([]), { initialDefault: new Map([[1, 1]]) }).build(table({ formatVersion: 3 }))).toThrow(/empty struct/);
  });

  it('refuses name clashes, unknown parents and non-struct parents', () => {
    const m = table();
    expect(() => new UpdateSchema().addColumn('name', Types.string).build(m)).toThrow(/already exists/);
    expect(() => new UpdateSchema().addColumn(['address', 'city'], Types.string).build(m)).toThrow(/already exists/);
    expect(() => new UpdateSchema().addColumn('x', Types.string).addColumn('x', Types.int).build(m)).toThrow(/twice/);
    expect(() => new UpdateSchema().addColumn(['nope', 'x'], Types.string).build(m)).toThrow(/parent "nope"/);
    expect(() => new UpdateSchema().addColumn(['name', 'x'], Types.string).build(m)).toThrow(/not a struct/);
    expect(() => new UpdateSchema().addColumn('a.b', Types.string)).toThrow(/ambiguous/);
    expect(() => new UpdateSchema().addColumn([], Types.string)).toThrow(ValidationError);
  });

  it('allows re-adding a deleted name as a new column with a new id', () => {
    const s = evolve(table(), new UpdateSchema().deleteColumn('name').addColumn('name', Types.int).updateColumnDoc('name', 'new').moveFirst('name'));
    expect(findFieldByName(s, 'name')).toEqual(optionalField(19, 'name', Types.int, { doc: 'new' }));
    expect(names(s)[0]).toBe('name');
  });
});

describe('UpdateSchema: rename, delete, promote, nullability, docs', () => {
  it('renames top-level and nested columns without changing ids', () => {
    const s = evolve(table(), new UpdateSchema().renameColumn('name', 'full_name').renameColumn('address.city', 'town').renameColumn('points.x', 'lon'));
    expect(idOf(s, 'full_name')).toBe(2);
    expect(idOf(s, 'address.town')).toBe(12);
    expect(idOf(s, 'points.lon')).toBe(14);
    expect(findFieldByName(s, 'name')).toBeUndefined();
  });

  it('refuses a rename that clashes with a sibling', () => {
    expect(() => new UpdateSchema().renameColumn('name', 'count').build(table())).toThrow(/invalid schema.*"count"/);
  });

  it('deletes columns, including nested ones', () => {
    const s = evolve(table(), new UpdateSchema().deleteColumn('name').deleteColumn('address.street'));
    expect(findFieldByName(s, 'name')).toBeUndefined();
    expect(childNames(s, 'address')).toEqual(['city']);
  });

  it('refuses deleting identifier fields, list elements, map keys, and mixing delete with other changes', () => {
    const m = table();
    expect(() => new UpdateSchema().deleteColumn('id').build(m)).toThrow(/identifier field "id"/);
    expect(evolve(m, new UpdateSchema().setIdentifierFields([]).deleteColumn('id')).identifierFieldIds).toEqual([]);
    expect(() => new UpdateSchema().deleteColumn('points.element').build(m)).toThrow(/list elements/);
    expect(() => new UpdateSchema().deleteColumn('attrs.key').build(m)).toThrow(/map keys/);
    expect(() => new UpdateSchema().deleteColumn('name').renameColumn('name', 'x').build(m)).toThrow(/deleted in the same update/);
    expect(() => new UpdateSchema().renameColumn('name', 'x').deleteColumn('name').build(m)).toThrow(/renamed or changed/);
    expect(() => new UpdateSchema().addColumn(['address', 'zip'], Types.string).deleteColumn('address').build(m)).toThrow(/columns are added to it/);
    expect(() => new UpdateSchema().deleteColumn('missing').build(m)).toThrow(/no such column/);
  });

  it('refuses changes to columns nested in a deleted one, which would silently vanish', () => {
    const m = table();
    expect(() => new UpdateSchema().deleteColumn('address').renameColumn('address.city', 'c').build(m)).toThrow(/its parent "address" is deleted/);
    expect(() => new UpdateSchema().renameColumn('address.city', 'c').deleteColumn('address').build(m)).toThrow(/a column in it is renamed/);
    expect(() => new UpdateSchema().addColumn(['points', 'z'], Types.int).deleteColumn('points').build(m)).toThrow(/columns are added to it/);
    expect(() => new UpdateSchema().moveFirst('address.city').deleteColumn('address').build(m)).toThrow(/moved/);
    expect(() => new UpdateSchema().deleteColumn('address').addColumn(['address', 'zip'], Types.int).build(m)).toThrow(/is deleted/);
  });

  it('checks type and option arguments when they are recorded', () => {
    expect(() => new UpdateSchema().addColumn('x', { type: 'int2' } as never)).toThrow(/unknown type "int2"/);
    expect(() => new UpdateSchema().addColumn('x', { type: 'struct', fields: [{ id: 1, name: 'a' }] } as never)).toThrow(ValidationError);
    expect(() => new UpdateSchema().addColumn('x', Types.int, { doc: 5 } as never)).toThrow(/doc must be a string/);
    expect(() => new UpdateSchema().updateColumn('count', null as never)).toThrow(ValidationError);
    expect(() => new UpdateSchema().setIdentifierFields('id' as never)).toThrow(/array/);
  });

  it('refuses deleting a column the current partition spec or sort order uses, naming the field', () => {
    const partitioned = table({ partitionBy: [{ source: 'ts', transform: Transforms.day, name: 'ts_day' }] });
    expect(() => new UpdateSchema().deleteColumn('ts').build(partitioned)).toThrow(/partition field "ts_day" \(day\) of the current partition spec 0/);
    const sorted = table({ order: newSortOrder(1, [{ sourceId: 3, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]) });
    expect(() => new UpdateSchema().deleteColumn('count').build(sorted)).toThrow(/sort order 1/);
  });

  it('promotes only the spec’s allowed types', () => {
    const s = evolve(table(), new UpdateSchema().updateColumn('count', Types.long).updateColumn('ratio', Types.double).updateColumn('price', Types.decimal(18, 2)));
    expect([typeOf(s, 'count'), typeOf(s, 'ratio'), typeOf(s, 'price')]).toEqual([Types.long, Types.double, Types.decimal(18, 2)]);
    expect(idOf(s, 'count')).toBe(3);
    const m = table();
    expect(() => new UpdateSchema().updateColumn('id', Types.int).build(m)).toThrow(/from long to int: the Iceberg spec only allows promoting int to long/);
    expect(() => new UpdateSchema().updateColumn('price', Types.decimal(18, 3)).build(m)).toThrow(/decimal\(9,2\) to decimal\(18,3\)/);
    expect(() => new UpdateSchema().updateColumn('name', Types.binary).build(m)).toThrow(ValidationError);
    expect(() => new UpdateSchema().updateColumn('address', Types.string).build(m)).toThrow(ValidationError);
    expect(() => new UpdateSchema().updateColumn('count', Types.struct([])).build(m)).toThrow(/only primitive types/);
  });

  it('promotes date to timestamp in v3 only, and not under an identity or bucket partition', () => {
    expect(() => new UpdateSchema().updateColumn('day', Types.timestamp).build(table())).toThrow(/format v3 also allows date/);
    expect(typeOf(evolve(table({ formatVersion: 3 }), new UpdateSchema().updateColumn('day', Types.timestamp)), 'day')).toEqual(Types.timestamp);
    expect(() => new UpdateSchema().updateColumn('day', Types.timestamptz).build(table({ formatVersion: 3 }))).toThrow(ValidationError);
    const byIdentity = table({ formatVersion: 3, partitionBy: [{ source: 'day', transform: Transforms.identity }] });
    expect(() => new UpdateSchema().updateColumn('day', Types.timestamp).build(byIdentity)).toThrow(/gives a different value/);
    const byMonth = table({ formatVersion: 3, partitionBy: [{ source: 'day', transform: Transforms.month }] });
    expect(typeOf(evolve(byMonth, new UpdateSchema().updateColumn('day', Types.timestamp)), 'day')).toEqual(Types.timestamp);
  });

  it('promotes list elements and map values', () => {
    const m = commit(table(), new UpdateSchema().addColumn('ints', Types.list(1, Types.int)).addColumn('m', Types.map(1, Types.string, 2, Types.float)));
    const s = evolve(m, new UpdateSchema().updateColumn('ints.element', Types.long).updateColumn('m.value', Types.double));
    expect(typeOf(s, 'ints')).toEqual(Types.list(20, Types.long));
    expect(typeOf(s, 'm')).toEqual(Types.map(22, Types.string, 23, Types.double));
    expect(() => new UpdateSchema().updateColumn('m.key', Types.binary).build(m)).toThrow(ValidationError);
  });

  it('makes columns optional freely and required only with allowIncompatibleChanges', () => {
    const s = evolve(table(), new UpdateSchema().setIdentifierFields([]).makeColumnOptional('id').makeColumnOptional('points.element'));
    expect(findFieldByName(s, 'id')?.required).toBe(false);
    expect(() => new UpdateSchema().requireColumn('name').build(table())).toThrow(/cannot make column "name" required/);
    expect(findFieldByName(evolve(table(), new UpdateSchema().allowIncompatibleChanges().requireColumn('name')), 'name')?.required).toBe(true);
    expect(new UpdateSchema().requireColumn('id').build(table()).updates).toEqual([]); // already required: a no-op
    expect(() => new UpdateSchema().makeColumnOptional('id').build(table())).toThrow(/identifier field id is optional/);
  });

  it('sets and clears docs', () => {
    const s = evolve(table(), new UpdateSchema().updateColumnDoc('name', 'the name').updateColumnDoc('address.city', 'city'));
    expect(findFieldByName(s, 'name')?.doc).toBe('the name');
    expect(findFieldByName(evolve(commit(table(), new UpdateSchema().updateColumnDoc('name', 'x')), new UpdateSchema().updateColumnDoc('name', undefined)), 'name')?.doc).toBeUndefined();
  });
});

describe('UpdateSchema: moves, identifier fields, union', () => {
  it('moves columns first, before and after siblings, added ones included, in nested structs too', () => {
    const s = evolve(
      table(),
      new UpdateSchema().moveFirst('ts').moveAfter('name', 'day').addColumn('email', Types.string).moveBefore('email', 'id').moveFirst('address.city').moveAfter('points.x', 'points.y'),
    );
    expect(names(s)).toEqual(['ts', 'email', 'id', 'count', 'address', 'points', 'attrs', 'price', 'ratio', 'day', 'name']);
    expect(childNames(s, 'address')).toEqual(['city', 'street']);
    expect(findFieldByName(s, 'points.element')?.type).toMatchObject({ fields: [{ name: 'y' }, { name: 'x' }] });
  });

  it('refuses moves across structs and moves relative to itself', () => {
    const m = table();
    expect(() => new UpdateSchema().moveAfter('address.city', 'name').build(m)).toThrow(/different structs/);
    expect(() => new UpdateSchema().moveBefore('name', 'name').build(m)).toThrow(/itself/);
    expect(() => new UpdateSchema().moveFirst('nope').build(m)).toThrow(/no such column/);
  });

  it('sets identifier fields by name in the new schema, following renames', () => {
    const s = evolve(table(), new UpdateSchema({ allowIncompatibleChanges: true }).requireColumn('name').setIdentifierFields(['id', 'name']).renameColumn('name', 'key'));
    expect(s.identifierFieldIds).toEqual([1, 2]);
    expect(() => new UpdateSchema().setIdentifierFields(['name']).build(table())).toThrow(/identifier field name is optional/);
    expect(() => new UpdateSchema().setIdentifierFields(['nope']).build(table())).toThrow(/not a column of the new schema/);
    expect(evolve(table(), new UpdateSchema().renameColumn('id', 'pk')).identifierFieldIds).toEqual([1]);
  });

  it('unions by name: adds missing columns in place, widens types, keeps wider ones, relaxes nullability, takes docs', () => {
    const other = newSchema([
      optionalField(1, 'id', Types.int), // table has long: kept
      optionalField(2, 'name', Types.string, { doc: 'display name' }),
      optionalField(30, 'email', Types.string),
      optionalField(3, 'count', Types.long),
      optionalField(4, 'address', Types.struct([optionalField(5, 'street', Types.string), optionalField(31, 'zip', Types.string), optionalField(6, 'city', Types.string)])),
      optionalField(7, 'points', Types.list(8, Types.struct([optionalField(9, 'x', Types.double), optionalField(32, 'z', Types.double)]))),
    ]);
    const s = evolve(table(), new UpdateSchema().setIdentifierFields([]).unionByNameWith(other));
    expect(names(s).slice(0, 4)).toEqual(['id', 'name', 'email', 'count']);
    expect(typeOf(s, 'id')).toEqual(Types.long);
    expect(findFieldByName(s, 'id')?.required).toBe(false);
    expect(typeOf(s, 'count')).toEqual(Types.long);
    expect(findFieldByName(s, 'name')?.doc).toBe('display name');
    expect(childNames(s, 'address')).toEqual(['street', 'zip', 'city']);
    expect(findFieldByName(s, 'points.z')).toBeDefined();
    // nested adds get ids before top-level ones, as Java's post-order visitor assigns them
    expect([idOf(s, 'address.zip'), idOf(s, 'points.z'), idOf(s, 'email')]).toEqual([19, 20, 21]);
    expect(() => new UpdateSchema().unionByNameWith(newSchema([optionalField(1, 'name', Types.long)])).build(table())).toThrow(/from string to long/);
    expect(() => new UpdateSchema().unionByNameWith(newSchema([optionalField(1, 'address', Types.string)])).build(table())).toThrow(ValidationError);
    expect(new UpdateSchema().unionByNameWith(currentSchema(table())).build(table()).updates).toEqual([]);
  });

  it('matches names ignoring case when asked', () => {
    const s = evolve(table(), new UpdateSchema({ caseSensitive: false }).renameColumn('NAME', 'Full').deleteColumn('Address.City'));
    expect(idOf(s, 'Full')).toBe(2);
    expect(() => new UpdateSchema().renameColumn('NAME', 'x').build(table())).toThrow(/no such column/);
    expect(() => new UpdateSchema({ caseSensitive: false }).addColumn('NAME', Types.string).build(table())).toThrow(/already exists/);
  });
});

describe('UpdateSchema: commits', () => {
  it('produces no updates when nothing changes, and reuses an identical older schema', () => {
    const m = table();
    expect(new UpdateSchema().renameColumn('name', 'name').build(m).updates).toEqual([]);
    const added = commit(m, new UpdateSchema().addColumn('tmp', Types.string));
    const again = new UpdateSchema().deleteColumn('tmp').build(added);
    expect(again.updates).toEqual([{ action: 'set-current-schema', schemaId: 0 }]);
    const back = commit(added, new UpdateSchema().deleteColumn('tmp'));
    expect(back.currentSchemaId).toBe(0);
    expect(back.lastColumnId).toBe(19); // ids are never handed out again
  });

  it('fails the requirements after a concurrent schema change, and rebuilds cleanly on the new metadata', () => {
    const base = table();
    const intent = new UpdateSchema().addColumn('b', Types.string);
    const stale = intent.build(base);
    const concurrent = commit(base, new UpdateSchema().addColumn('a', Types.string));
    expect(() => checkRequirements(concurrent, stale.requirements)).toThrow(CommitConflictError);
    const s = currentSchema(commit(concurrent, intent));
    expect([idOf(s, 'a'), idOf(s, 'b')]).toEqual([19, 20]);
  });

  it('previews the schema with apply() and records the intent', () => {
    const u = new UpdateSchema().addColumn('x', Types.int).renameColumn('name', 'n');
    expect(u.changes.map((c) => c.op)).toEqual(['add-column', 'rename-column']);
    expect(idOf(u.apply(table()), 'x')).toBe(19);
    expect(u.apply(table()).schemaId).toBe(1);
  });

  it('refuses v3 types in a v2 table', () => {
    expect(() => new UpdateSchema().addColumn('t', Types.timestamp_ns).build(table())).toThrow(/needs format v3/);
  });
});
