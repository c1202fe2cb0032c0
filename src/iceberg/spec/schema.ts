/**
 * Table schemas (spec "Schemas and Data Types", "Identifier Field IDs",
 * Appendix C). A {@link Schema} is a struct type with a `schemaId` and the
 * `identifierFieldIds` that identify rows; every struct helper of
 * `type-index.ts` accepts it.
 *
 * @example
 * ```ts
 * const schema = newSchema([
 *   requiredField(1, 'id', Types.long),
 *   optionalField(2, 'name', Types.string),
 * ], { identifierFieldIds: [1] });
 * const json = schemaToJson(schema); // { type: 'struct', 'schema-id': 0, ... }
 * ```
 */
import { ValidationError } from '../../errors.js';
import { asObject, has, intList, optInt, reqString } from './json-read.js';
import { allFields, duplicateFieldIds, findFieldEntry } from './type-index.js';
import { structFromJson, fieldToJson } from './type-json.js';
import type { NestedField, StructType } from './types.js';
import { fieldEquals, minFormatVersion } from './type-compare.js';
import { isPrimitive, typeToString } from './types.js';

/** A table schema: a struct with an id and optional identifier fields. */
export interface Schema extends StructType {
  readonly schemaId: number;
  /** Ids of required primitive fields whose values identify a row (may be empty). */
  readonly identifierFieldIds: readonly number[];
}

/** Options for {@link newSchema}. */
export interface SchemaOptions {
  /** Defaults to 0. */
  schemaId?: number;
  /** Defaults to none. */
  identifierFieldIds?: readonly number[];
}

/** Build and validate a schema. Throws ValidationError if it is invalid (see {@link validateSchema}). */
export function newSchema(fields: readonly NestedField[], opts: SchemaOptions = {}): Schema {
  const schema: Schema = Object.freeze({
    type: 'struct',
    schemaId: opts.schemaId ?? 0,
    identifierFieldIds: Object.freeze([...(opts.identifierFieldIds ?? [])]),
    fields: Object.freeze([...fields]),
  });
  validateSchema(schema);
  return schema;
}

/** A copy of `schema` with another schema id. */
export function withSchemaId(schema: Schema, schemaId: number): Schema {
  return Object.freeze({ ...schema, schemaId });
}

function fail(schema: Schema, problem: string, hint: string): never {
  throw new ValidationError(`schema ${schema.schemaId} is invalid: ${problem}; ${hint}`, { context: { schemaId: schema.schemaId } });
}

/**
 * Check the rules a schema must follow: field ids are unique, sibling field
 * names are unique, and every identifier field exists, is a required
 * primitive other than float/double, is not inside a list or map, and is not
 * nested in an optional struct. Throws ValidationError saying how to fix it.
 */
export function validateSchema(schema: Schema): void {
  const dupes = duplicateFieldIds(schema);
  if (dupes.length > 0) fail(schema, `field id ${dupes[0]} is used more than once`, 'give every field, list element, map key and map value its own id');
  for (const e of allFields(schema)) {
    if (e.field.type.type === 'struct') {
      const seen = new Set<string>();
      for (const f of e.field.type.fields) {
        if (seen.has(f.name)) fail(schema, `struct ${e.path.join('.')} has two fields named ${JSON.stringify(f.name)}`, 'rename one of them');
        seen.add(f.name);
      }
    }
  }
  const top = new Set<string>();
  for (const f of schema.fields) {
    if (top.has(f.name)) fail(schema, `two top-level fields are named ${JSON.stringify(f.name)}`, 'rename one of them');
    top.add(f.name);
  }
  for (const id of schema.identifierFieldIds) {
    const e = findFieldEntry(schema, id);
    const hint = 'identifier fields must be required primitive columns (not float or double) outside lists and maps, inside required structs only';
    if (e === undefined) fail(schema, `identifier field id ${id} is not a field of the schema`, 'list only ids of existing fields in identifier-field-ids');
    const name = e.path.join('.');
    if (!isPrimitive(e.field.type)) fail(schema, `identifier field ${name} has type ${typeToString(e.field.type)}`, hint);
    if (e.field.type.type === 'float' || e.field.type.type === 'double') fail(schema, `identifier field ${name} is a ${e.field.type.type}`, hint);
    if (!e.field.required) fail(schema, `identifier field ${name} is optional`, hint);
    if (e.inCollection) fail(schema, `identifier field ${name} is inside a list or map`, hint);
    const optionalParent = e.ancestors.find((a) => !a.required);
    if (optionalParent) fail(schema, `identifier field ${name} is nested in optional struct ${optionalParent.name}`, hint);
  }
}

/**
 * Throw ValidationError if the schema uses types or defaults that
 * `formatVersion` does not allow (v3 types and defaults in a v1/v2 table).
 */
export function checkSchemaCompatibility(schema: Schema, formatVersion: number): void {
  for (const e of allFields(schema)) {
    const needed = Math.max(minFormatVersion(e.field.type), e.field.initialDefault !== undefined || e.field.writeDefault !== undefined ? 3 : 1);
    if (needed > formatVersion) {
      fail(schema, `field ${e.path.join('.')} (${typeToString(e.field.type)}${needed === 3 && minFormatVersion(e.field.type) < 3 ? ' with a default value' : ''}) needs format v${needed}, the table is v${formatVersion}`, `upgrade the table to format v${needed} first or choose another type`);
    }
  }
}

/** Whether two schemas have the same fields and identifier fields (schema ids are ignored). */
export function sameSchema(a: Schema, b: Schema): boolean {
  const ids = (s: Schema) => [...s.identifierFieldIds].sort((x, y) => x - y).join(',');
  return a.fields.length === b.fields.length && a.fields.every((f, i) => fieldEquals(f, b.fields[i]!)) && ids(a) === ids(b);
}

/** The JSON form of a schema (Appendix C). */
export function schemaToJson(schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'struct', 'schema-id': schema.schemaId };
  if (schema.identifierFieldIds.length > 0) out['identifier-field-ids'] = [...schema.identifierFieldIds];
  out.fields = schema.fields.map(fieldToJson);
  return out;
}

/**
 * Parse and validate a schema's JSON form. A missing `schema-id` (v1)
 * becomes 0. Throws ValidationError.
 */
export function schemaFromJson(json: unknown, where = 'schema'): Schema {
  const o = asObject(json, where);
  if (has(o, 'type') && reqString(o, 'type', where) !== 'struct') {
    throw new ValidationError(`${where}: a schema must have "type": "struct"; fix the schema JSON`);
  }
  const schemaId = optInt(o, 'schema-id', where) ?? 0;
  const at = `schema ${schemaId}`;
  const struct = structFromJson(o, at);
  const identifierFieldIds = has(o, 'identifier-field-ids') ? intList(o['identifier-field-ids'], `${at} field "identifier-field-ids"`) : [];
  return newSchema(struct.fields, { schemaId, identifierFieldIds });
}
