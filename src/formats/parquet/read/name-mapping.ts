/**
 * Iceberg name mappings (spec, "Column Projection" and table property
 * `schema.name-mapping.default`): how to find field ids for data files
 * written without them, such as Hive or Spark files imported into a table.
 *
 * A mapping is a list of `{ "field-id"?: int, "names": [string…], "fields"?: [...] }`;
 * list elements are mapped under the name `element`, map keys and values
 * under `key` and `value`.
 */
import { ValidationError } from '../../../errors.js';
import type { IcebergType, StructType } from '../../../iceberg/spec/types.js';
import type { FileNode, FileSchema } from './file-schema.js';
import { isListNode, isMapNode, listElement } from './file-schema.js';

/** One mapped field: the id to give columns with any of these names. */
export interface MappedField {
  readonly fieldId?: number;
  readonly names: readonly string[];
  readonly fields: NameMapping;
}

/** A name mapping: the mapped fields of one struct level. */
export type NameMapping = readonly MappedField[];

/** Table property that holds the default name mapping JSON. */
export const NAME_MAPPING_PROPERTY = 'schema.name-mapping.default';

const MAX_MAPPING_DEPTH = 64;

function parseFields(json: unknown, where: string, depth: number): NameMapping {
  if (!Array.isArray(json)) throw new ValidationError(`${where} must be a JSON array of mapped fields`);
  if (depth > MAX_MAPPING_DEPTH) throw new ValidationError(`${where} nests deeper than ${MAX_MAPPING_DEPTH} levels`);
  return json.map((f: unknown, i): MappedField => {
    const at = `${where}[${i}]`;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new ValidationError(`${at} must be an object with "names"`);
    const o = f as Record<string, unknown>;
    const id = o['field-id'];
    if (id !== undefined && id !== null && !(typeof id === 'number' && Number.isInteger(id))) throw new ValidationError(`${at}: "field-id" must be an integer`);
    const names = o.names;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new ValidationError(`${at}: "names" must be an array of strings`);
    const fields = o.fields === undefined || o.fields === null ? [] : parseFields(o.fields, `${at}.fields`, depth + 1);
    return typeof id === 'number' ? { fieldId: id, names: names as string[], fields } : { names: names as string[], fields };
  });
}

/**
 * Parse a name mapping from its JSON text (the value of
 * `schema.name-mapping.default`) or already-parsed JSON. Throws ValidationError.
 *
 * @example
 * ```ts
 * const mapping = parseNameMapping(metadata.properties['schema.name-mapping.default']);
 * ```
 */
export function parseNameMapping(json: string | unknown): NameMapping {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new ValidationError(`the name mapping is not valid JSON; fix table property ${NAME_MAPPING_PROPERTY}`, { cause: e });
    }
  }
  return parseFields(value, 'name mapping', 0);
}

function mappedType(t: IcebergType): NameMapping {
  switch (t.type) {
    case 'struct':
      return nameMappingOf(t);
    case 'list':
      return [{ fieldId: t.elementId, names: ['element'], fields: mappedType(t.element) }];
    case 'map':
      return [
        { fieldId: t.keyId, names: ['key'], fields: mappedType(t.key) },
        { fieldId: t.valueId, names: ['value'], fields: mappedType(t.value) },
      ];
    default:
      return [];
  }
}

/** The name mapping of a schema: every field mapped by its current name (Java's `MappingUtil.create`). */
export function nameMappingOf(schema: StructType): NameMapping {
  return schema.fields.map((f) => ({ fieldId: f.id, names: [f.name], fields: mappedType(f.type) }));
}

/** The JSON form of a name mapping, for `schema.name-mapping.default`. */
export function nameMappingToJson(mapping: NameMapping): unknown[] {
  return mapping.map((f) => {
    const o: Record<string, unknown> = {};
    if (f.fieldId !== undefined) o['field-id'] = f.fieldId;
    o.names = [...f.names];
    if (f.fields.length > 0) o.fields = nameMappingToJson(f.fields);
    return o;
  });
}

function find(mapping: NameMapping, name: string): MappedField | undefined {
  return mapping.find((f) => f.names.includes(name));
}

function apply(node: FileNode, mapped: MappedField | undefined): void {
  if (node.fieldId === undefined && mapped?.fieldId !== undefined) node.fieldId = mapped.fieldId;
  const inner = mapped?.fields ?? [];
  if (isMapNode(node)) {
    const [k, v] = node.children[0]!.children as [FileNode, FileNode];
    apply(k, find(inner, 'key'));
    apply(v, find(inner, 'value'));
  } else if (isListNode(node)) {
    apply(listElement(node), find(inner, 'element'));
  } else {
    for (const c of node.children) apply(c, find(inner, c.element.name));
  }
}

/**
 * Give every file column without a field id the id the mapping assigns to
 * its name (columns the mapping does not name stay without an id and are
 * not read). Ids already in the file are kept.
 */
export function applyNameMapping(schema: FileSchema, mapping: NameMapping): void {
  for (const c of schema.columns) apply(c, find(mapping, c.element.name));
}
