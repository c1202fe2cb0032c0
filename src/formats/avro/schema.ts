/**
 * Avro schemas (Avro 1.11 specification, "Schema Declaration"), parsed from
 * their JSON form into a resolved tree that the binary codec walks.
 *
 * Every attribute the codec does not interpret (`logicalType`, `doc`,
 * `field-id`, `element-id`, …) is kept in `props`, so Iceberg's field ids
 * survive parsing. Named types are resolved once; a reference to a record
 * from inside itself yields the same object (the tree may be cyclic).
 *
 * @example
 * ```ts
 * const schema = parseAvroSchema({ type: 'record', name: 'r', fields: [{ name: 'id', type: 'long', 'field-id': 1 }] });
 * schema.type === 'record' && schema.fields[0]?.fieldId; // 1
 * ```
 */
import { ValidationError } from '../../errors.js';

/** Names of Avro's primitive types. */
export type AvroPrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

const PRIMITIVES: ReadonlySet<string> = new Set<AvroPrimitiveName>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Attributes of a schema node that the codec does not interpret (`logicalType`, `element-id`, …). */
export type AvroProps = Readonly<Record<string, unknown>>;

/** A primitive type, possibly annotated (`{ "type": "int", "logicalType": "date" }`). */
export interface AvroPrimitiveSchema {
  readonly type: AvroPrimitiveName;
  readonly props: AvroProps;
}

/** One field of a record. */
export interface AvroField {
  readonly name: string;
  readonly type: AvroSchema;
  /** Iceberg's `field-id` attribute, when present and an integer. */
  readonly fieldId?: number;
  /** Every other attribute of the field (`default`, `doc`, `field-id`, …). */
  readonly props: AvroProps;
}

/** A record (or `error`, which encodes the same way). */
export interface AvroRecordSchema {
  readonly type: 'record';
  /** Full name, with namespace. */
  readonly name: string;
  readonly fields: readonly AvroField[];
  readonly props: AvroProps;
}

/** An enum: values are its symbols. */
export interface AvroEnumSchema {
  readonly type: 'enum';
  readonly name: string;
  readonly symbols: readonly string[];
  readonly props: AvroProps;
}

/** A fixed-size byte string. */
export interface AvroFixedSchema {
  readonly type: 'fixed';
  readonly name: string;
  readonly size: number;
  readonly props: AvroProps;
}

/** An array. Iceberg stores its list element id in `props['element-id']`. */
export interface AvroArraySchema {
  readonly type: 'array';
  readonly items: AvroSchema;
  readonly props: AvroProps;
}

/** A map with string keys. */
export interface AvroMapSchema {
  readonly type: 'map';
  readonly values: AvroSchema;
  readonly props: AvroProps;
}

/** A union (a JSON array of types); Iceberg only uses `["null", T]`. */
export interface AvroUnionSchema {
  readonly type: 'union';
  readonly branches: readonly AvroSchema[];
  readonly props: AvroProps;
}

/** Any parsed Avro schema. */
export type AvroSchema =
  | AvroPrimitiveSchema
  | AvroRecordSchema
  | AvroEnumSchema
  | AvroFixedSchema
  | AvroArraySchema
  | AvroMapSchema
  | AvroUnionSchema;

/** Deepest nesting accepted: deeper schemas are hostile or broken, and would exhaust the stack. */
export const MAX_AVRO_SCHEMA_DEPTH = 100;

// Java's Avro accepts Unicode letters and digits (Character.isLetter / isLetterOrDigit); so do we, to read what it writes.
const NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;
const EMPTY: AvroProps = Object.freeze({});

function invalid(problem: string): never {
  throw new ValidationError(`invalid Avro schema: ${problem}; fix the schema (Avro specification, "Schema Declaration")`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function propsOf(o: Record<string, unknown>, structural: readonly string[]): AvroProps {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(o)) {
    if (!structural.includes(k)) {
      out[k] = v;
      any = true;
    }
  }
  return any ? Object.freeze(out) : EMPTY;
}

class Parser {
  private readonly named = new Map<string, AvroSchema>();

  parse(json: unknown, namespace: string, depth: number): AvroSchema {
    if (depth > MAX_AVRO_SCHEMA_DEPTH) invalid(`nesting deeper than ${MAX_AVRO_SCHEMA_DEPTH} levels`);
    if (typeof json === 'string') return this.byName(json, namespace);
    if (Array.isArray(json)) return this.union(json, namespace, depth);
    if (!isObject(json)) invalid(`expected a type name, an object or an array, got ${JSON.stringify(json)?.slice(0, 60)}`);
    const type = json.type;
    if (typeof type !== 'string') {
      if (type === undefined) invalid('an object schema has no "type"');
      return this.parse(type, namespace, depth + 1); // `{"type": {...}}` nests a schema, as Java's parser allows
    }
    if (PRIMITIVES.has(type)) return Object.freeze({ type: type as AvroPrimitiveName, props: propsOf(json, ['type']) });
    switch (type) {
      case 'record':
      case 'error':
        return this.record(json, namespace, depth);
      case 'enum':
        return this.enumType(json, namespace);
      case 'fixed':
        return this.fixed(json, namespace);
      case 'array':
        if (!('items' in json)) invalid('an array has no "items"');
        return Object.freeze({ type: 'array', items: this.parse(json.items, namespace, depth + 1), props: propsOf(json, ['type', 'items']) });
      case 'map':
        if (!('values' in json)) invalid('a map has no "values"');
        return Object.freeze({ type: 'map', values: this.parse(json.values, namespace, depth + 1), props: propsOf(json, ['type', 'values']) });
      default:
        return this.byName(type, namespace);
    }
  }

  private byName(name: string, namespace: string): AvroSchema {
    if (PRIMITIVES.has(name)) return Object.freeze({ type: name as AvroPrimitiveName, props: EMPTY });
    const found = this.named.get(name.includes('.') ? name : qualify(name, namespace)) ?? this.named.get(name);
    if (found === undefined) invalid(`unknown type name ${JSON.stringify(name.slice(0, 100))}`);
    return found;
  }

  private union(json: unknown[], namespace: string, depth: number): AvroUnionSchema {
    if (json.length === 0) invalid('a union has no branches');
    const branches = json.map((b) => this.parse(b, namespace, depth + 1));
    const seen = new Set<string>();
    for (const b of branches) {
      if (b.type === 'union') invalid('a union directly contains another union');
      const key = b.type === 'record' || b.type === 'enum' || b.type === 'fixed' ? `${b.type}:${b.name}` : b.type;
      if (seen.has(key)) invalid(`a union contains ${key} twice`);
      seen.add(key);
    }
    return Object.freeze({ type: 'union', branches: Object.freeze(branches), props: EMPTY });
  }

  private define(json: Record<string, unknown>, namespace: string): { fullName: string; namespace: string } {
    const name = json.name;
    if (typeof name !== 'string') invalid('a named type has no "name"');
    const ns = typeof json.namespace === 'string' ? json.namespace : namespace;
    const fullName = name.includes('.') ? name : qualify(name, ns);
    for (const part of fullName.split('.')) if (!NAME.test(part)) invalid(`${JSON.stringify(fullName.slice(0, 100))} is not a valid name`);
    if (this.named.has(fullName)) invalid(`type ${fullName} is defined twice`);
    const dot = fullName.lastIndexOf('.');
    return { fullName, namespace: dot < 0 ? '' : fullName.slice(0, dot) };
  }

  private record(json: Record<string, unknown>, namespace: string, depth: number): AvroRecordSchema {
    const { fullName, namespace: ns } = this.define(json, namespace);
    if (!Array.isArray(json.fields)) invalid(`record ${fullName} has no "fields" array`);
    const fields: AvroField[] = [];
    // Registered before its fields are parsed, so a field may refer to the record itself.
    const record: AvroRecordSchema = { type: 'record', name: fullName, fields, props: propsOf(json, ['type', 'name', 'namespace', 'fields']) };
    this.named.set(fullName, record);
    const names = new Set<string>();
    for (const f of json.fields as unknown[]) {
      if (!isObject(f) || typeof f.name !== 'string' || !NAME.test(f.name)) invalid(`record ${fullName} has a field without a valid "name"`);
      if (names.has(f.name)) invalid(`record ${fullName} has two fields named ${f.name}`);
      names.add(f.name);
      if (!('type' in f)) invalid(`field ${fullName}.${f.name} has no "type"`);
      const id = f['field-id'];
      const field: AvroField = {
        name: f.name,
        type: this.parse(f.type, ns, depth + 1),
        props: propsOf(f, ['name', 'type']),
        ...(typeof id === 'number' && Number.isInteger(id) ? { fieldId: id } : {}),
      };
      fields.push(Object.freeze(field));
    }
    Object.freeze(fields);
    return Object.freeze(record);
  }

  private enumType(json: Record<string, unknown>, namespace: string): AvroEnumSchema {
    const { fullName } = this.define(json, namespace);
    const symbols = json.symbols;
    if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string' && NAME.test(s)) || new Set(symbols).size !== symbols.length) {
      invalid(`enum ${fullName} needs "symbols": an array of distinct names`);
    }
    const e: AvroEnumSchema = Object.freeze({ type: 'enum', name: fullName, symbols: Object.freeze([...(symbols as string[])]), props: propsOf(json, ['type', 'name', 'namespace', 'symbols']) });
    this.named.set(fullName, e);
    return e;
  }

  private fixed(json: Record<string, unknown>, namespace: string): AvroFixedSchema {
    const { fullName } = this.define(json, namespace);
    const size = json.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) invalid(`fixed ${fullName} needs a non-negative integer "size"`);
    const f: AvroFixedSchema = Object.freeze({ type: 'fixed', name: fullName, size, props: propsOf(json, ['type', 'name', 'namespace', 'size']) });
    this.named.set(fullName, f);
    return f;
  }
}

function qualify(name: string, namespace: string): string {
  return namespace === '' ? name : `${namespace}.${name}`;
}

/**
 * Parse an Avro schema from its JSON value (already `JSON.parse`d). Throws
 * ValidationError for anything the Avro specification rejects, and for
 * nesting deeper than {@link MAX_AVRO_SCHEMA_DEPTH}.
 */
export function parseAvroSchema(json: unknown): AvroSchema {
  return new Parser().parse(json, '', 0);
}

/**
 * Parse an Avro schema from JSON text (a container file's `avro.schema`).
 * Throws ValidationError if the text is not JSON or not a valid schema.
 */
export function parseAvroSchemaText(text: string): AvroSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`the Avro schema is not valid JSON (${(cause as Error).message}); the file header is corrupt`, { cause });
  }
  return parseAvroSchema(json);
}

/** The non-null branch of an optional type (`["null", T]` gives T); other schemas are returned as they are. */
export function nonNullBranch(schema: AvroSchema): AvroSchema {
  if (schema.type !== 'union') return schema;
  const rest = schema.branches.filter((b) => b.type !== 'null');
  return rest.length === 1 ? rest[0]! : schema;
}
