/**
 * Field lookups over a struct or schema: by id, by dotted name (optionally
 * case-insensitive), the full name of an id, the highest id. Indexes are
 * built once per struct object and memoized, so treat types as immutable.
 *
 * Names follow Java's `Schema.findField`: nested struct fields are joined with
 * `.`, list elements are `element`, map keys and values are `key` and
 * `value` (`points.element.x`); where a list element or map value is a
 * struct, the short form without `element` / `value` works too (`points.x`).
 */
import type { IcebergType, NestedField, StructType } from './types.js';

/** One field reached by walking a type tree. */
export interface FieldEntry {
  /** The field (list elements and map keys/values appear as fields named `element`, `key`, `value`). */
  readonly field: NestedField;
  /** Names from the top-level struct down to this field. */
  readonly path: readonly string[];
  /** Ancestor fields, outermost first. */
  readonly ancestors: readonly NestedField[];
  /** Whether the field is inside a list or map (or is an element, key or value). */
  readonly inCollection: boolean;
}

interface Index {
  entries: FieldEntry[];
  byId: Map<number, FieldEntry>;
  byName: Map<string, number>;
  byLowerName: Map<string, number>;
  duplicateIds: number[];
}

const cache = new WeakMap<StructType, Index>();

function synthetic(id: number, name: string, required: boolean, type: IcebergType): NestedField {
  return { id, name, required, type };
}

function children(t: IcebergType): NestedField[] {
  switch (t.type) {
    case 'struct':
      return [...t.fields];
    case 'list':
      return [synthetic(t.elementId, 'element', t.elementRequired, t.element)];
    case 'map':
      return [synthetic(t.keyId, 'key', true, t.key), synthetic(t.valueId, 'value', t.valueRequired, t.value)];
    default:
      return [];
  }
}

function build(struct: StructType): Index {
  const entries: FieldEntry[] = [];
  const byId = new Map<number, FieldEntry>();
  const byName = new Map<string, number>();
  const shortNames: [string, number][] = [];
  const duplicateIds: number[] = [];
  // iterative walk: no recursion limits for deep (already validated) types
  const stack: { field: NestedField; path: string[]; short: string[]; ancestors: NestedField[]; inCollection: boolean }[] = [];
  for (const f of [...struct.fields].reverse()) stack.push({ field: f, path: [f.name], short: [f.name], ancestors: [], inCollection: false });
  while (stack.length > 0) {
    const { field, path, short, ancestors, inCollection } = stack.pop()!;
    const entry: FieldEntry = { field, path, ancestors, inCollection };
    entries.push(entry);
    if (byId.has(field.id)) duplicateIds.push(field.id);
    else byId.set(field.id, entry);
    const name = path.join('.');
    if (!byName.has(name)) byName.set(name, field.id);
    if (short.length !== path.length) shortNames.push([short.join('.'), field.id]);
    const t = field.type;
    const collection = inCollection || t.type === 'list' || t.type === 'map';
    const kids = children(t);
    for (let i = kids.length - 1; i >= 0; i--) {
      const kid = kids[i]!;
      // Java's short names skip `element` and `value` when they hold a struct
      const skip = (t.type === 'list' || (t.type === 'map' && kid.name === 'value')) && kid.type.type === 'struct';
      stack.push({
        field: kid,
        path: [...path, kid.name],
        short: skip ? short : [...short, kid.name],
        ancestors: [...ancestors, field],
        inCollection: collection,
      });
    }
  }
  for (const [n, id] of shortNames) if (!byName.has(n)) byName.set(n, id);
  const byLowerName = new Map<string, number>();
  for (const [n, id] of byName) if (!byLowerName.has(n.toLowerCase())) byLowerName.set(n.toLowerCase(), id);
  return { entries, byId, byName, byLowerName, duplicateIds };
}

function index(struct: StructType): Index {
  let idx = cache.get(struct);
  if (idx === undefined) {
    idx = build(struct);
    cache.set(struct, idx);
  }
  return idx;
}

/** Every field in the struct, depth-first in declaration order (elements, keys and values included). */
export function allFields(struct: StructType): readonly FieldEntry[] {
  return index(struct).entries;
}

/** Field ids that occur more than once (a valid schema has none). */
export function duplicateFieldIds(struct: StructType): readonly number[] {
  return index(struct).duplicateIds;
}

/** Map from field id to field, for every nested field. */
export function indexById(struct: StructType): ReadonlyMap<number, NestedField> {
  return new Map([...index(struct).byId].map(([id, e]) => [id, e.field]));
}

/** The field with id `id`, anywhere in the struct, or undefined. */
export function findFieldById(struct: StructType, id: number): NestedField | undefined {
  return index(struct).byId.get(id)?.field;
}

/** The entry (field, path, ancestors) for id `id`, or undefined. */
export function findFieldEntry(struct: StructType, id: number): FieldEntry | undefined {
  return index(struct).byId.get(id);
}

/** Options for name lookups. */
export interface NameLookupOptions {
  /** Match names exactly (default) or ignoring case. */
  caseSensitive?: boolean;
}

/**
 * The field named by a dotted path (`location.lat`, `tags.element`), or
 * undefined. Case-sensitive unless `caseSensitive: false`.
 */
export function findFieldByName(struct: StructType, name: string, opts: NameLookupOptions = {}): NestedField | undefined {
  const idx = index(struct);
  const id = opts.caseSensitive === false ? idx.byLowerName.get(name.toLowerCase()) : idx.byName.get(name);
  return id === undefined ? undefined : idx.byId.get(id)?.field;
}

/** The full dotted name of the field with id `id`, or undefined. */
export function findColumnName(struct: StructType, id: number): string | undefined {
  return index(struct).byId.get(id)?.path.join('.');
}

/** Map from full dotted name (and unambiguous short name) to field id. */
export function indexByName(struct: StructType): ReadonlyMap<string, number> {
  return index(struct).byName;
}

/** The highest field id in the struct (0 when it has no fields). */
export function highestFieldId(struct: StructType): number {
  let max = 0;
  for (const e of index(struct).entries) if (e.field.id > max) max = e.field.id;
  return max;
}
