/**
 * Avro values in memory and their binary encoding, driven by a parsed
 * schema (Avro specification, "Binary Encoding").
 *
 * | Avro type          | in memory                                       |
 * |--------------------|-------------------------------------------------|
 * | `null`             | `null`                                          |
 * | `boolean`          | `boolean`                                       |
 * | `int`              | `number`                                        |
 * | `long`             | `bigint` (writing also takes a safe integer)    |
 * | `float`, `double`  | `number`                                        |
 * | `bytes`, `fixed`   | `Uint8Array`                                    |
 * | `string`, `enum`   | `string`                                        |
 * | `array`            | array                                           |
 * | `map`              | `Map<string, value>` (writing also takes an object) |
 * | `record`           | object keyed by field name (null prototype)     |
 * | union              | the value of the branch (no wrapper)            |
 *
 * Decoding never trusts a count in the data: array and map blocks may not
 * claim more items than the remaining bytes can hold, and nesting is capped,
 * so hostile input fails fast with ValidationError instead of exhausting
 * memory or the stack.
 */
import { ValidationError } from '../../errors.js';
import { BinaryReader } from './binary-reader.js';
import type { BinaryWriter } from './binary-writer.js';
import type { AvroSchema, AvroUnionSchema } from './schema.js';

/** An Avro value in memory (see the table above). */
export type AvroValue = null | boolean | number | bigint | string | Uint8Array | readonly AvroValue[] | AvroRecord | ReadonlyMap<string, AvroValue>;

/** A record value: field name → value. */
export interface AvroRecord {
  readonly [field: string]: AvroValue;
}

/** Deepest value nesting decoded or encoded. */
export const MAX_AVRO_VALUE_DEPTH = 200;
/** Most items an array or map of zero-width items (such as `null`) may hold. */
export const MAX_ZERO_WIDTH_ITEMS = 1 << 20;

const minSizes = new WeakMap<AvroSchema, number>();

/** The fewest bytes one value of `schema` encodes to (0 for `null` and empty records). */
export function minEncodedSize(schema: AvroSchema, visiting: Set<AvroSchema> = new Set()): number {
  const known = minSizes.get(schema);
  if (known !== undefined) return known;
  let size: number;
  switch (schema.type) {
    case 'null':
      size = 0;
      break;
    case 'float':
      size = 4;
      break;
    case 'double':
      size = 8;
      break;
    case 'fixed':
      size = schema.size;
      break;
    case 'record':
      if (visiting.has(schema)) return 0; // a cycle: count it as empty, the conservative answer
      visiting.add(schema);
      size = schema.fields.reduce((n, f) => n + minEncodedSize(f.type, visiting), 0);
      visiting.delete(schema);
      break;
    case 'union':
      size = 1 + Math.min(...schema.branches.map((b) => minEncodedSize(b, visiting)));
      break;
    default:
      size = 1; // boolean, varints, length-prefixed values, array and map terminators
  }
  minSizes.set(schema, size);
  return size;
}

function corrupt(problem: string): never {
  throw new ValidationError(`Avro data is corrupt: ${problem}`);
}

/** A block's item count, checked against what the remaining bytes can hold. */
function blockCount(r: BinaryReader, itemSize: number, total: number): number {
  let n = r.readSafeLong();
  if (n < 0) {
    n = -n;
    const size = r.readSafeLong(); // the block's byte size, which we do not need
    if (size < 0) corrupt('a block has a negative byte size');
  }
  if (itemSize > 0 ? n * itemSize > r.remaining : total + n > MAX_ZERO_WIDTH_ITEMS) {
    corrupt(`a block claims ${n} items, more than the remaining ${r.remaining} bytes can hold`);
  }
  return n;
}

/** Decode one value of `schema` at the reader's position. Throws ValidationError on malformed data. */
export function readDatum(schema: AvroSchema, r: BinaryReader, depth = 0): AvroValue {
  if (depth > MAX_AVRO_VALUE_DEPTH) corrupt(`values nest deeper than ${MAX_AVRO_VALUE_DEPTH} levels`);
  switch (schema.type) {
    case 'null':
      return null;
    case 'boolean':
      return r.readBoolean();
    case 'int':
      return r.readInt();
    case 'long':
      return r.readLong();
    case 'float':
      return r.readFloat();
    case 'double':
      return r.readDouble();
    case 'bytes':
      return r.readBytes();
    case 'string':
      return r.readString();
    case 'fixed':
      return r.readFixed(schema.size);
    case 'enum': {
      const i = r.readInt();
      const symbol = schema.symbols[i];
      if (symbol === undefined) corrupt(`enum ${schema.name} has no symbol ${i}`);
      return symbol;
    }
    case 'union': {
      const i = r.readInt();
      const branch = schema.branches[i];
      if (branch === undefined) corrupt(`union branch ${i} does not exist`);
      return readDatum(branch, r, depth + 1);
    }
    case 'record': {
      const out: Record<string, AvroValue> = Object.create(null) as Record<string, AvroValue>;
      for (const f of schema.fields) out[f.name] = readDatum(f.type, r, depth + 1);
      return out;
    }
    case 'array': {
      const out: AvroValue[] = [];
      const size = minEncodedSize(schema.items);
      for (let n = blockCount(r, size, 0); n !== 0; n = blockCount(r, size, out.length)) {
        for (let i = 0; i < n; i++) out.push(readDatum(schema.items, r, depth + 1));
      }
      return out;
    }
    case 'map': {
      const out = new Map<string, AvroValue>();
      const size = 1 + minEncodedSize(schema.values);
      for (let n = blockCount(r, size, 0); n !== 0; n = blockCount(r, size, out.size)) {
        for (let i = 0; i < n; i++) {
          const key = r.readString();
          out.set(key, readDatum(schema.values, r, depth + 1));
        }
      }
      return out;
    }
  }
}

/** Decode one value from `bytes`, which must hold exactly that value. */
export function decodeDatum(schema: AvroSchema, bytes: Uint8Array): AvroValue {
  const r = new BinaryReader(bytes);
  const v = readDatum(schema, r);
  if (r.remaining !== 0) corrupt(`${r.remaining} bytes follow the value`);
  return v;
}

function mismatch(path: string, expected: string, value: unknown): never {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `${value.length} bytes` : (JSON.stringify(value) ?? String(value)).slice(0, 60);
  throw new ValidationError(`cannot write ${path} as Avro: expected ${expected}, got ${shown}`, { context: { path } });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}

/** Whether `value` can be written as `schema` (a shallow check, used to pick a union branch). */
function accepts(schema: AvroSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'null':
      return value === null || value === undefined;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;
    case 'long':
      return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value));
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'bytes':
      return value instanceof Uint8Array;
    case 'fixed':
      return value instanceof Uint8Array && value.length === schema.size;
    case 'string':
      return typeof value === 'string';
    case 'enum':
      return typeof value === 'string' && schema.symbols.includes(value);
    case 'array':
      return Array.isArray(value);
    case 'map':
      return value instanceof Map || isPlainObject(value);
    case 'record':
      return isPlainObject(value);
    case 'union':
      return false;
  }
}

function branchIndex(schema: AvroUnionSchema, value: unknown): number {
  return schema.branches.findIndex((b) => accepts(b, value));
}

/**
 * Encode `value` as `schema`. `path` names the value in error messages.
 * Throws ValidationError when the value does not fit the schema.
 */
export function writeDatum(schema: AvroSchema, value: unknown, w: BinaryWriter, path = 'value', depth = 0): void {
  if (depth > MAX_AVRO_VALUE_DEPTH) throw new ValidationError(`cannot write ${path} as Avro: values nest deeper than ${MAX_AVRO_VALUE_DEPTH} levels`);
  if (schema.type === 'union') {
    const i = branchIndex(schema, value);
    if (i < 0) mismatch(path, `one of ${schema.branches.map((b) => b.type).join(' | ')}`, value);
    w.writeLong(i);
    writeDatum(schema.branches[i]!, value, w, path, depth + 1);
    return;
  }
  if (!accepts(schema, value)) mismatch(path, schema.type === 'fixed' ? `${schema.size} bytes` : schema.type, value);
  switch (schema.type) {
    case 'null':
      return;
    case 'boolean':
      return w.writeBoolean(value as boolean);
    case 'int':
    case 'long':
      return w.writeLong(value as number | bigint);
    case 'float':
      return w.writeFloat(value as number);
    case 'double':
      return w.writeDouble(value as number);
    case 'bytes':
      return w.writeBytes(value as Uint8Array);
    case 'fixed':
      return w.writeFixed(value as Uint8Array);
    case 'string':
      return w.writeString(value as string);
    case 'enum':
      return w.writeLong(schema.symbols.indexOf(value as string));
    case 'array': {
      const items = value as readonly unknown[];
      if (items.length > 0) {
        w.writeLong(items.length);
        items.forEach((item, i) => writeDatum(schema.items, item, w, `${path}[${i}]`, depth + 1));
      }
      return w.writeLong(0);
    }
    case 'map': {
      const entries = value instanceof Map ? [...(value as Map<unknown, unknown>).entries()] : Object.entries(value as object);
      if (entries.length > 0) {
        w.writeLong(entries.length);
        for (const [k, v] of entries) {
          if (typeof k !== 'string') mismatch(`${path} key`, 'string', k);
          w.writeString(k);
          writeDatum(schema.values, v, w, `${path}[${JSON.stringify(k)}]`, depth + 1);
        }
      }
      return w.writeLong(0);
    }
    case 'record': {
      const o = value as Record<string, unknown>;
      for (const f of schema.fields) {
        let v = Object.prototype.hasOwnProperty.call(o, f.name) ? o[f.name] : undefined;
        // A missing optional field (default null, or a union with null) is written as null.
        if (v === undefined && (f.props.default === null || (f.type.type === 'union' && f.type.branches.some((b) => b.type === 'null')))) v = null;
        if (v === undefined) mismatch(`${path}.${f.name}`, 'a value (the field is required)', v);
        writeDatum(f.type, v, w, `${path}.${f.name}`, depth + 1);
      }
      return;
    }
  }
}
