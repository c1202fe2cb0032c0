// Invariants of the evolution builders over random sequences of commits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError, ValidationError } from '../../../../src/errors.js';
import { allFields, currentSchema, highestFieldId, Transforms, Types } from '../../../../src/iceberg/spec/index.js';
import type { Schema, TableMetadata, Transform } from '../../../../src/iceberg/spec/index.js';
import { ManageSnapshots, ReplaceSortOrder, UpdatePartitionSpec, UpdateProperties, UpdateSchema } from '../../../../src/iceberg/update/index.js';
import { commit, table, tableWithHistory } from './fixtures.js';

type OpKind = 'add' | 'add-nested' | 'rename' | 'delete' | 'move-first' | 'move-after' | 'promote';
interface Op {
  kind: OpKind;
  a: number;
  b: number;
}

const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<OpKind>('add', 'add-nested', 'rename', 'delete', 'move-first', 'move-after', 'promote'),
  a: fc.nat(1000),
  b: fc.nat(1000),
});
const history = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 });

/** Columns an op can name: struct fields outside lists and maps (paths of plain names). */
function columns(s: Schema) {
  return allFields(s).filter((e) => !e.inCollection);
}

/** Turn abstract ops into an UpdateSchema over `s`; returns the renames it asks for (id → new name). */
function toUpdate(s: Schema, batch: readonly Op[], fresh: () => string): { update: UpdateSchema; renames: Map<number, string> } {
  const update = new UpdateSchema();
  const renames = new Map<number, string>();
  const cols = columns(s);
  const pick = (n: number) => cols[n % cols.length]!;
  for (const o of batch) {
    if (cols.length === 0 && o.kind !== 'add') continue;
    switch (o.kind) {
      case 'add':
        update.addColumn(fresh(), o.b % 2 === 0 ? Types.int : Types.struct([{ id: 1, name: 'inner', required: false, type: Types.string }]));
        break;
      case 'add-nested': {
        const structs = cols.filter((e) => e.field.type.type === 'struct');
        if (structs.length > 0) update.addColumn([...structs[o.a % structs.length]!.path, fresh()], Types.long);
        break;
      }
      case 'rename': {
        const e = pick(o.a);
        const name = fresh();
        update.renameColumn(e.path.join('.'), name);
        renames.set(e.field.id, name);
        break;
      }
      case 'delete':
        update.deleteColumn(pick(o.a).path.join('.'));
        break;
      case 'move-first':
        update.moveFirst(pick(o.a).path.join('.'));
        break;
      case 'move-after':
        update.moveAfter(pick(o.a).path.join('.'), pick(o.b).path.join('.'));
        break;
      case 'promote':
        update.updateColumn(pick(o.a).path.join('.'), Types.long);
        break;
    }
  }
  return { update, renames };
}

/** Build, requiring that any failure is a ValidationError (a refused intent), never a crash. */
function tryBuild(m: TableMetadata, u: { build(m: TableMetadata): unknown }): boolean {
  try {
    u.build(m);
    return true;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return false;
  }
}

describe('schema evolution invariants', () => {
  it('never reuses field ids, keeps last-column-id monotonic, keeps ids across renames, and builds deterministically', () => {
    let commits = 0;
    let renamed = 0;
    fc.assert(
      fc.property(history, (batches) => {
        let counter = 0;
        const fresh = () => `c${counter++}`;
        let m = table({ formatVersion: 2 });
        for (const batch of batches) {
          const before = currentSchema(m);
          const { update, renames } = toUpdate(before, batch, fresh);
          if (!tryBuild(m, update)) continue;
          // (c) the same metadata and intent give the same commit, also from a second recorder of the same intent
          expect(update.build(m)).toEqual(update.build(m));
          const next = commit(m, update);
          commits++;
          renamed += renames.size;
          const after = currentSchema(next);
          // (a) last-column-id never decreases and bounds every id
          expect(next.lastColumnId).toBeGreaterThanOrEqual(m.lastColumnId);
          expect(highestFieldId(after)).toBeLessThanOrEqual(next.lastColumnId);
          // (a) an id is either carried over from the previous schema or brand new (above the old last-column-id)
          const previous = new Set(allFields(before).map((e) => e.field.id));
          for (const e of allFields(after)) {
            if (!previous.has(e.field.id)) expect(e.field.id).toBeGreaterThan(m.lastColumnId);
          }
          // (b) a renamed column keeps its id and kind of type
          for (const [id, name] of renames) {
            const entry = allFields(after).find((e) => e.field.id === id);
            expect(entry?.field.name).toBe(name);
            expect(entry?.field.type.type === 'struct').toBe(allFields(before).find((e) => e.field.id === id)?.field.type.type === 'struct');
          }
          m = next;
        }
      }),
      { numRuns: 150 },
    );
    // the property is not vacuous: most random intents are valid and commit
    expect(commits).toBeGreaterThan(200);
    expect(renamed).toBeGreaterThan(50);
  });

  it('replays the same recorded intent to the same commit from a fresh recorder', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 5 }), (batch) => {
        const m = table();
        let n1 = 0;
        let n2 = 0;
        const a = toUpdate(currentSchema(m), batch, () => `c${n1++}`).update;
        const b = toUpdate(currentSchema(m), batch, () => `c${n2++}`).update;
        let first: unknown;
        let second: unknown;
        try {
          first = a.build(m);
        } catch (e) {
          first = (e as Error).message;
        }
        try {
          second = b.build(m);
        } catch (e) {
          second = (e as Error).message;
        }
        expect(second).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});

const transforms: Transform[] = [Transforms.identity, Transforms.bucket(4), Transforms.bucket(8), Transforms.truncate(2), Transforms.day, Transforms.hour];
const sources = ['id', 'name', 'count', 'ts', 'address.city'];

describe('partition evolution invariants', () => {
  it('a partition field id always means the same source and transform, ids only grow, and builds are deterministic', () => {
    let commits = 0;
    const specOp = fc.record({ add: fc.boolean(), source: fc.nat(sources.length - 1), transform: fc.nat(transforms.length - 1), victim: fc.nat(5) });
    fc.assert(
      fc.property(fc.constantFrom<1 | 2>(1, 2), fc.array(fc.array(specOp, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), (version, batches) => {
        let m = table({ formatVersion: version });
        const meaning = new Map<number, string>();
        for (const batch of batches) {
          const u = new UpdatePartitionSpec();
          const current = m.partitionSpecs.find((s) => s.specId === m.defaultSpecId)!;
          for (const o of batch) {
            if (o.add) u.addField(sources[o.source]!, transforms[o.transform]!);
            else if (current.fields.length > 0) u.removeField(current.fields[o.victim % current.fields.length]!.name);
          }
          if (!tryBuild(m, u)) continue;
          expect(u.build(m)).toEqual(u.build(m));
          const next = commit(m, u);
          commits++;
          expect(next.lastPartitionId).toBeGreaterThanOrEqual(m.lastPartitionId);
          for (const s of next.partitionSpecs) {
            for (const f of s.fields) {
              if (f.transform.type === 'void') continue;
              const key = `${f.sourceId}|${JSON.stringify(f.transform)}`;
              expect(meaning.get(f.fieldId) ?? key).toBe(key);
              meaning.set(f.fieldId, key);
            }
          }
          m = next;
        }
      }),
      { numRuns: 100 },
    );
    expect(commits).toBeGreaterThan(120);
  });
});

describe('builders refuse garbage arguments with ValidationError', () => {
  it('never throws anything but a LakeError for any argument', () => {
    const m = tableWithHistory();
    const calls: ((x: unknown, y: unknown) => { build(m: TableMetadata): unknown })[] = [
      (x, y) => new UpdateSchema().addColumn(x as never, y as never),
      (x, y) => new UpdateSchema().addColumn('n', Types.string, x as never).renameColumn(y as never, 'z'),
      (x, y) => new UpdateSchema().updateColumn(x as never, y as never),
      (x, y) => new UpdateSchema().updateColumnDoc('name', x as never).moveAfter(y as never, 'id'),
      (x) => new UpdateSchema().setIdentifierFields(x as never),
      (x) => new UpdateSchema().unionByNameWith(x as never),
      (x, y) => new UpdatePartitionSpec().addField(x as never, y as never),
      (x, y) => new UpdatePartitionSpec().addField('id', 'identity', x as never).renameField(y as never, 'q'),
      (x, y) => new ReplaceSortOrder().asc(x as never, y as never),
      (x, y) => new UpdateProperties().set(x as never, y as never),
      (x) => new UpdateProperties().upgradeFormatVersion(x as never),
      (x, y) => new ManageSnapshots().createBranch('b', x as never, y as never),
      (x, y) => new ManageSnapshots().replaceBranch(x as never, y as never),
      (x) => new ManageSnapshots().rollbackToTime(x as never),
    ];
    fc.assert(
      fc.property(fc.nat(calls.length - 1), fc.anything(), fc.anything(), (i, x, y) => {
        try {
          calls[i]!(x, y).build(m);
        } catch (e) {
          if (!isLakeError(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
