/**
 * JSON serialization of types (spec Appendix C, "Schemas"): primitives as
 * strings (`"long"`, `"decimal(9,2)"`, `"fixed[16]"`), nested types as
 * objects with `element-id`, `key-id`, `value-id`, `element-required`,
 * `value-required`, and struct fields with `doc`, `initial-default` and
 * `write-default` (JSON single values).
 */
import { ValidationError } from '../../errors.js';
import type { JsonObject } from './json-read.js';
import { asObject, has, invalid, MAX_NESTING_DEPTH, optString, reqArray, reqBool, reqInt, reqString } from './json-read.js';
import type { IcebergType, NestedField, PrimitiveType, SimplePrimitiveTypeName, StructType } from './types.js';
import { SIMPLE_PRIMITIVE_TYPE_NAMES, Types, typeToString } from './types.js';
import { fromJsonValue, toJsonValue } from './values-json.js';
import type { Value } from './values.js';

const SIMPLE = new Set<string>(SIMPLE_PRIMITIVE_TYPE_NAMES);
const DECIMAL = /^decimal\s*\(\s*(\d{1,3})\s*,\s*(-?\d{1,3})\s*\)$/i;
const FIXED = /^fixed\s*\[\s*(\d{1,10})\s*\]$/i;
const GEOMETRY = /^geometry\s*(?:\(\s*([^()]*?)\s*\))?$/i;
const GEOGRAPHY = /^geography\s*(?:\(\s*([^(),]*?)\s*(?:,\s*([^(),]*?)\s*)?\))?$/i;

/**
 * Parse a primitive (or `variant`) type string. Accepts optional whitespace
 * around parameters and any letter case. Throws ValidationError.
 */
export function parsePrimitiveType(text: string): PrimitiveType | typeof Types.variant {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (SIMPLE.has(lower)) return Types[lower as SimplePrimitiveTypeName];
  if (lower === 'variant') return Types.variant;
  let m = DECIMAL.exec(t);
  if (m) return Types.decimal(Number(m[1]), Number(m[2]));
  m = FIXED.exec(t);
  if (m) return Types.fixed(Number(m[1]));
  m = GEOMETRY.exec(t);
  if (m) return Types.geometry(m[1] || undefined);
  m = GEOGRAPHY.exec(t);
  if (m) return Types.geography(m[1] || undefined, m[2] || undefined);
  throw new ValidationError(
    `unknown type ${JSON.stringify(text.slice(0, 60))}; use one of the Iceberg types such as "long", "string", "decimal(9,2)", "fixed[16]" (spec Appendix C)`,
  );
}

/** The JSON form of a type: a string for primitives, an object for struct, list and map. */
export function typeToJson(t: IcebergType): unknown {
  switch (t.type) {
    case 'struct':
      return { type: 'struct', fields: t.fields.map(fieldToJson) };
    case 'list':
      return { type: 'list', 'element-id': t.elementId, element: typeToJson(t.element), 'element-required': t.elementRequired };
    case 'map':
      return {
        type: 'map',
        'key-id': t.keyId,
        key: typeToJson(t.key),
        'value-id': t.valueId,
        value: typeToJson(t.value),
        'value-required': t.valueRequired,
      };
    default:
      return typeToString(t);
  }
}

/** The JSON form of a struct field. */
export function fieldToJson(f: NestedField): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, name: f.name, required: f.required, type: typeToJson(f.type) };
  if (f.doc !== undefined) out.doc = f.doc;
  if (f.initialDefault !== undefined) out['initial-default'] = toJsonValue(f.type, f.initialDefault);
  if (f.writeDefault !== undefined) out['write-default'] = toJsonValue(f.type, f.writeDefault);
  return out;
}

/** Parse the JSON form of a type. Throws ValidationError naming `where`. */
export function typeFromJson(json: unknown, where = 'type', depth = 0): IcebergType {
  if (depth > MAX_NESTING_DEPTH) invalid(where, `types are nested more than ${MAX_NESTING_DEPTH} levels deep`);
  if (typeof json === 'string') {
    try {
      return parsePrimitiveType(json);
    } catch (cause) {
      throw new ValidationError(`${where}: ${(cause as Error).message}`, { cause });
    }
  }
  const o = asObject(json, where);
  const kind = reqString(o, 'type', where);
  switch (kind) {
    case 'struct':
      return structFromJson(o, where, depth);
    case 'list':
      return Types.list(
        reqInt(o, 'element-id', where),
        typeFromJson(o.element, `${where}.element`, depth + 1),
        reqBool(o, 'element-required', where),
      );
    case 'map':
      return Types.map(
        reqInt(o, 'key-id', where),
        typeFromJson(o.key, `${where}.key`, depth + 1),
        reqInt(o, 'value-id', where),
        typeFromJson(o.value, `${where}.value`, depth + 1),
        reqBool(o, 'value-required', where),
      );
    default:
      return invalid(where, `unknown nested type ${JSON.stringify(kind.slice(0, 40))}; expected "struct", "list" or "map"`);
  }
}

/** Parse the `fields` of a struct object. */
export function structFromJson(o: JsonObject, where: string, depth = 0): StructType {
  const fields = reqArray(o, 'fields', where).map((f, i) => fieldFromJson(f, `${where}.fields[${i}]`, depth + 1));
  return Types.struct(fields);
}

function defaultFromJson(type: IcebergType, o: JsonObject, key: string, where: string): Value | undefined {
  if (!has(o, key)) return undefined;
  if (type.type === 'variant' || type.type === 'geometry' || type.type === 'geography' || type.type === 'unknown') {
    return invalid(where, `"${key}" must be null for a ${typeToString(type)} field`);
  }
  return fromJsonValue(type, o[key], `${where} "${key}"`);
}

function fieldFromJson(json: unknown, where: string, depth: number): NestedField {
  const o = asObject(json, where);
  const id = reqInt(o, 'id', where);
  const name = reqString(o, 'name', where);
  const at = `${where} (${JSON.stringify(name.slice(0, 40))})`;
  const type = typeFromJson(o.type, `${at}.type`, depth);
  const f: { -readonly [K in keyof NestedField]: NestedField[K] } = { id, name, required: reqBool(o, 'required', at), type };
  const doc = optString(o, 'doc', at);
  if (doc !== undefined) f.doc = doc;
  const initialDefault = defaultFromJson(type, o, 'initial-default', at);
  if (initialDefault !== undefined && initialDefault !== null) f.initialDefault = initialDefault;
  const writeDefault = defaultFromJson(type, o, 'write-default', at);
  if (writeDefault !== undefined && writeDefault !== null) f.writeDefault = writeDefault;
  return Object.freeze(f);
}
