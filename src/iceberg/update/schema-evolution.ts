/**
 * The state behind `UpdateSchema` (internal): one instance replays a recorded
 * list of schema changes against one base schema and produces the new
 * schema, with the semantics of Java's `SchemaUpdate`: names are looked up
 * in the base schema (plus columns added in the same update), new ids follow
 * `last-column-id`, adds go to the end of their struct before moves apply,
 * and a column cannot be both deleted and changed.
 */
import { ValidationError } from '../../errors.js';
import type { Schema } from '../spec/schema.js';
import { newSchema } from '../spec/schema.js';
import { isPromotionAllowed, typeEquals } from '../spec/type-compare.js';
import { allFields, findColumnName, findFieldById, findFieldByName } from '../spec/type-index.js';
import type { IcebergType, NestedField } from '../spec/types.js';
import { isPrimitive, Types, typeToString } from '../spec/types.js';
import type { AddColumnOptions } from './new-column.js';
import { assignFreshTypeIds, checkInitialDefault } from './new-column.js';

/** Parent id of top-level columns. */
const ROOT = -1;

interface Move {
  readonly kind: 'first' | 'before' | 'after';
  readonly fieldId: number;
  readonly refId: number;
}

/** Settings of one replay. */
export interface EvolutionSettings {
  readonly caseSensitive: boolean;
  readonly allowIncompatibleChanges: boolean;
  readonly formatVersion: number;
}

const PROMOTION_RULE =
  'the Iceberg spec only allows promoting int to long, float to double and decimal(P,S) to decimal(P2,S) with P2 > P (format v3 also allows date to timestamp or timestamp_ns, and unknown to any type); add a new column and copy the data instead';

function fail(message: string): never {
  throw new ValidationError(message);
}

/** Replays schema changes against one base schema. */
export class SchemaEvolution {
  private readonly deletes = new Set<number>();
  private readonly updates = new Map<number, NestedField>();
  private readonly parentToAdded = new Map<number, number[]>();
  private readonly addedNameToId = new Map<string, number>();
  private readonly idToParent = new Map<number, number>();
  /** Ids of list elements and map keys/values: they have no names of their own to add, rename or delete. */
  private readonly collectionIds = new Set<number>();
  private readonly moves = new Map<number, Move[]>();
  private identifiers: { kind: 'ids'; ids: number[] } | { kind: 'names'; names: string[] };
  private lastId: number;

  constructor(
    private readonly schema: Schema,
    lastColumnId: number,
    private readonly settings: EvolutionSettings,
  ) {
    this.lastId = lastColumnId;
    this.identifiers = { kind: 'ids', ids: [...schema.identifierFieldIds] };
    for (const e of allFields(schema)) {
      const parent = e.ancestors[e.ancestors.length - 1];
      if (parent !== undefined) this.idToParent.set(e.field.id, parent.id);
      const t = e.field.type;
      if (t.type === 'list') this.collectionIds.add(t.elementId);
      if (t.type === 'map') [t.keyId, t.valueId].forEach((id) => this.collectionIds.add(id));
    }
  }

  /** The highest column id assigned so far (base `last-column-id` plus the ids of added columns). */
  get lastColumnId(): number {
    return this.lastId;
  }

  private key(name: string): string {
    return this.settings.caseSensitive ? name : name.toLowerCase();
  }

  private find(name: string): NestedField | undefined {
    return findFieldByName(this.schema, name, { caseSensitive: this.settings.caseSensitive });
  }

  private require(name: string, verb: string): NestedField {
    return this.find(name) ?? fail(`cannot ${verb} column ${JSON.stringify(name)}: no such column in schema ${this.schema.schemaId}; check the name (nested columns are dotted, e.g. "address.zip")`);
  }

  /** Refuse changes to a column that is deleted, or nested in one deleted, in the same update (they would silently vanish). */
  private notDeleted(field: NestedField, name: string, verb: string): void {
    for (let id: number | undefined = field.id; id !== undefined; id = this.idToParent.get(id)) {
      if (this.deletes.has(id)) fail(`cannot ${verb} column ${JSON.stringify(name)}: ${id === field.id ? 'it' : `its parent ${JSON.stringify(findColumnName(this.schema, id))}`} is deleted in the same update`);
    }
  }

  /** Whether `id` is among the ancestors of `other` (or is `other`). */
  private contains(id: number, other: number): boolean {
    for (let p: number | undefined = other; p !== undefined; p = this.idToParent.get(p)) if (p === id) return true;
    return false;
  }

  private nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  /** Add a column under `parent` (a struct, a list of structs or a map with struct values), or at the top level. */
  addColumn(parent: string | undefined, name: string, type: IcebergType, opts: AddColumnOptions): void {
    let parentId = ROOT;
    let fullName = name;
    const aliases: string[] = [];
    if (parent !== undefined) {
      let holder = this.find(parent) ?? fail(`cannot add column ${JSON.stringify(`${parent}.${name}`)}: parent ${JSON.stringify(parent)} is not a column; add the parent struct first`);
      // fields are added to a list's element or a map's value struct
      if (holder.type.type === 'list') holder = { id: holder.type.elementId, name: 'element', required: holder.type.elementRequired, type: holder.type.element };
      else if (holder.type.type === 'map') holder = { id: holder.type.valueId, name: 'value', required: holder.type.valueRequired, type: holder.type.value };
      if (holder.type.type !== 'struct') fail(`cannot add column ${JSON.stringify(name)} to ${JSON.stringify(parent)}: it is a ${typeToString(holder.type)}, not a struct`);
      this.notDeleted(holder, parent, 'add a column to');
      const existing = this.find(`${parent}.${name}`);
      if (existing !== undefined && !this.deletes.has(existing.id)) fail(`cannot add column ${JSON.stringify(`${parent}.${name}`)}: a column with that name already exists; rename or delete it first`);
      parentId = holder.id;
      fullName = `${findColumnName(this.schema, holder.id)}.${name}`;
      aliases.push(`${parent}.${name}`);
    } else {
      const existing = this.find(name);
      if (existing !== undefined && !this.deletes.has(existing.id)) fail(`cannot add column ${JSON.stringify(name)}: a column with that name already exists; rename or delete it first`);
    }
    if (this.addedNameToId.has(this.key(fullName))) fail(`cannot add column ${JSON.stringify(fullName)} twice in one update`);
    const required = opts.required ?? false;
    const initialDefault = opts.initialDefault ?? undefined;
    if (required && initialDefault === undefined && !this.settings.allowIncompatibleChanges) {
      fail(
        `incompatible change: cannot add required column ${JSON.stringify(fullName)} without an initial default, since existing rows have no value for it; add it as optional, give an initialDefault (format v3), or allow incompatible changes`,
      );
    }
    if (initialDefault !== undefined) checkInitialDefault(fullName, type, initialDefault, this.settings.formatVersion);

    const id = this.nextId();
    for (const n of [fullName, ...aliases]) this.addedNameToId.set(this.key(n), id);
    if (parentId !== ROOT) this.idToParent.set(id, parentId);
    const field: NestedField = Object.freeze({
      id,
      name,
      required,
      type: assignFreshTypeIds(type, () => this.nextId()),
      ...(opts.doc !== undefined ? { doc: opts.doc } : {}),
      ...(initialDefault !== undefined ? { initialDefault, writeDefault: initialDefault } : {}),
    });
    this.updates.set(id, field);
    this.parentToAdded.set(parentId, [...(this.parentToAdded.get(parentId) ?? []), id]);
  }

  /** Delete a column (and everything nested in it). */
  deleteColumn(name: string): void {
    const field = this.require(name, 'delete');
    if (this.collectionIds.has(field.id)) fail(`cannot delete ${JSON.stringify(name)}: list elements and map keys or values cannot be deleted; delete the list or map column instead`);
    if ([...this.parentToAdded.keys()].some((p) => this.contains(field.id, p))) fail(`cannot delete column ${JSON.stringify(name)}: columns are added to it in the same update`);
    if ([...this.updates.keys()].some((u) => this.contains(field.id, u))) fail(`cannot delete column ${JSON.stringify(name)}: it or a column in it is renamed or changed in the same update`);
    if ([...this.moves.values()].flat().some((m) => this.contains(field.id, m.fieldId))) fail(`cannot delete column ${JSON.stringify(name)}: it or a column in it is moved in the same update`);
    this.deletes.add(field.id);
  }

  /** Rename a column; its id stays. */
  renameColumn(name: string, newName: string): void {
    const field = this.require(name, 'rename');
    if (typeof newName !== 'string' || newName === '') fail(`cannot rename column ${JSON.stringify(name)} to an empty name; give a non-empty name`);
    if (this.collectionIds.has(field.id)) fail(`cannot rename ${JSON.stringify(name)}: list elements and map keys or values have fixed names`);
    this.notDeleted(field, name, 'rename');
    const current = this.updates.get(field.id) ?? field;
    this.updates.set(field.id, Object.freeze({ ...current, name: newName }));
    if (this.identifiers.kind === 'names') {
      const full = findColumnName(this.schema, field.id) ?? name;
      const parentName = full.slice(0, full.length - field.name.length);
      const renamed = `${parentName}${newName}`;
      this.identifiers.names = this.identifiers.names.map((n) => (this.key(n) === this.key(name) || this.key(n) === this.key(full) ? renamed : n));
    }
  }

  private findForUpdate(name: string, verb: string): NestedField {
    const existing = this.find(name);
    const added = this.addedNameToId.get(this.key(name));
    // a name deleted and added again in one update means the new column
    if (existing !== undefined && !(added !== undefined && this.deletes.has(existing.id))) return this.updates.get(existing.id) ?? existing;
    if (added !== undefined) return this.updates.get(added)!;
    return fail(`cannot ${verb} column ${JSON.stringify(name)}: no such column in schema ${this.schema.schemaId} or among the columns added in this update`);
  }

  /** Make a column optional (`optional: true`) or required. */
  updateRequirement(name: string, optional: boolean): void {
    const field = this.findForUpdate(name, optional ? 'make optional' : 'require');
    if (field.required === !optional) return; // a no-op is always allowed
    const defaultedAdd = this.addedNameToId.has(this.key(name)) && field.initialDefault !== undefined;
    if (!optional && !defaultedAdd && !this.settings.allowIncompatibleChanges) {
      fail(`incompatible change: cannot make column ${JSON.stringify(name)} required, since existing rows may hold nulls; allow incompatible changes if you know they do not`);
    }
    this.notDeleted(field, name, 'update');
    this.updates.set(field.id, Object.freeze({ ...field, required: !optional }));
  }

  /** Promote a primitive column to a wider type the spec allows. */
  updateColumn(name: string, newType: IcebergType): void {
    const field = this.findForUpdate(name, 'update');
    this.notDeleted(field, name, 'update');
    if (!isPrimitive(newType)) fail(`cannot change column ${JSON.stringify(name)} to ${typeToString(newType)}: only primitive types can be promoted; add nested columns with addColumn`);
    if (typeEquals(field.type, newType)) return;
    if (!isPromotionAllowed(field.type, newType, this.settings.formatVersion)) {
      fail(`cannot change column ${JSON.stringify(name)} from ${typeToString(field.type)} to ${typeToString(newType)}: ${PROMOTION_RULE}`);
    }
    this.updates.set(field.id, Object.freeze({ ...field, type: newType }));
  }

  /** Set or (with `undefined`) clear a column's doc. */
  updateColumnDoc(name: string, doc: string | undefined): void {
    const field = this.findForUpdate(name, 'document');
    this.notDeleted(field, name, 'update');
    if (field.doc === doc) return;
    const { doc: _old, ...rest } = field;
    this.updates.set(field.id, Object.freeze(doc === undefined ? rest : { ...rest, doc }));
  }

  private findForMove(name: string): number {
    const added = this.addedNameToId.get(this.key(name));
    if (added !== undefined) return added;
    const field = this.find(name) ?? fail(`cannot move column ${JSON.stringify(name)}: no such column in schema ${this.schema.schemaId} or among the added columns`);
    this.notDeleted(field, name, 'move');
    return field.id;
  }

  /** Move a column first in its struct, or before / after a sibling. */
  move(kind: Move['kind'], name: string, reference?: string): void {
    const fieldId = this.findForMove(name);
    const refId = reference === undefined ? -1 : this.findForMove(reference);
    if (refId === fieldId) fail(`cannot move column ${JSON.stringify(name)} ${kind} itself`);
    const parentId = this.idToParent.get(fieldId) ?? ROOT;
    if (parentId !== ROOT) {
      const parent = findFieldById(this.schema, parentId);
      if (parent?.type.type !== 'struct') fail(`cannot move ${JSON.stringify(name)}: only fields of a struct can be reordered`);
    }
    if (kind !== 'first' && (this.idToParent.get(refId) ?? ROOT) !== parentId) {
      fail(`cannot move column ${JSON.stringify(name)} ${kind} ${JSON.stringify(reference)}: they are in different structs, and columns cannot move between structs`);
    }
    this.moves.set(parentId, [...(this.moves.get(parentId) ?? []), { kind, fieldId, refId }]);
  }

  /** Replace the identifier fields by these column names (resolved in the new schema). */
  setIdentifierFields(names: readonly string[]): void {
    this.identifiers = { kind: 'names', names: [...new Set(names)] };
  }

  /** The new schema (with id `schemaId`). Throws ValidationError when the changes cannot apply. */
  apply(schemaId: number): Schema {
    this.checkIdentifierDeletes();
    const fields = this.applyStruct(this.schema.fields, ROOT);
    let identifierFieldIds: number[];
    if (this.identifiers.kind === 'ids') {
      identifierFieldIds = this.identifiers.ids;
    } else {
      const struct = Types.struct(fields);
      identifierFieldIds = this.identifiers.names.map(
        (n) =>
          findFieldByName(struct, n, { caseSensitive: this.settings.caseSensitive })?.id ??
          fail(`cannot make ${JSON.stringify(n)} an identifier field: it is not a column of the new schema`),
      );
    }
    try {
      return newSchema(fields, { schemaId, identifierFieldIds });
    } catch (cause) {
      throw new ValidationError(`the schema update would make an invalid schema: ${(cause as Error).message}`, { cause });
    }
  }

  private checkIdentifierDeletes(): void {
    const ids =
      this.identifiers.kind === 'ids' ? this.identifiers.ids : this.identifiers.names.flatMap((n) => this.find(n)?.id ?? []);
    for (const id of ids) {
      const name = findColumnName(this.schema, id) ?? String(id);
      if (this.deletes.has(id)) fail(`cannot delete identifier field ${JSON.stringify(name)}; to drop it, also call setIdentifierFields without it`);
      for (let p = this.idToParent.get(id); p !== undefined; p = this.idToParent.get(p)) {
        if (this.deletes.has(p)) fail(`cannot delete column ${JSON.stringify(findColumnName(this.schema, p))}: it holds identifier field ${JSON.stringify(name)}; call setIdentifierFields without it first`);
      }
    }
  }

  private applyStruct(fields: readonly NestedField[], parentId: number): NestedField[] {
    const out: NestedField[] = [];
    for (const f of fields) {
      if (this.deletes.has(f.id)) continue;
      const type = this.applyType(f);
      const update = this.updates.get(f.id);
      out.push(update === undefined && type === f.type ? f : Object.freeze({ ...(update ?? f), type }));
    }
    for (const id of this.parentToAdded.get(parentId) ?? []) out.push(this.updates.get(id)!);
    for (const m of this.moves.get(parentId) ?? []) {
      const from = out.findIndex((f) => f.id === m.fieldId);
      const [moving] = out.splice(from, 1);
      const at = m.kind === 'first' ? 0 : out.findIndex((f) => f.id === m.refId) + (m.kind === 'after' ? 1 : 0);
      out.splice(at, 0, moving!);
    }
    return out;
  }

  private applyType(f: NestedField): IcebergType {
    const t = f.type;
    switch (t.type) {
      case 'struct': {
        const fields = this.applyStruct(t.fields, f.id);
        return fields.length === t.fields.length && fields.every((c, i) => c === t.fields[i]) ? t : Types.struct(fields);
      }
      case 'list': {
        const element = this.applyType({ id: t.elementId, name: 'element', required: t.elementRequired, type: t.element });
        const elementRequired = this.updates.get(t.elementId)?.required ?? t.elementRequired;
        return element === t.element && elementRequired === t.elementRequired ? t : Types.list(t.elementId, element, elementRequired);
      }
      case 'map': {
        if (this.updates.has(t.keyId) || this.parentToAdded.has(t.keyId)) fail(`cannot change the keys of map column ${JSON.stringify(f.name)}: map keys cannot evolve`);
        const key = this.applyType({ id: t.keyId, name: 'key', required: true, type: t.key });
        if (!typeEquals(key, t.key)) fail(`cannot change the keys of map column ${JSON.stringify(f.name)}: map keys cannot evolve`);
        const value = this.applyType({ id: t.valueId, name: 'value', required: t.valueRequired, type: t.value });
        const valueRequired = this.updates.get(t.valueId)?.required ?? t.valueRequired;
        return value === t.value && valueRequired === t.valueRequired ? t : Types.map(t.keyId, t.key, t.valueId, value, valueRequired);
      }
      default:
        return this.updates.get(f.id)?.type ?? t;
    }
  }
}
