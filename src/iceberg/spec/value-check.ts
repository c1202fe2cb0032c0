/**
 * Checks that a JavaScript value is the in-memory form of an Iceberg type
 * (the table in `values.ts`), so that wrong inputs fail with a clear message
 * instead of producing corrupt bytes.
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import { fitsPrecision } from './decimal.js';
import type { IcebergType } from './types.js';
import { typeToString } from './types.js';
import type { Value } from './values.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well-formed Unicode (no lone UTF-16 surrogates), so it has an exact UTF-8 form. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `a Uint8Array of ${v.length} bytes`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Map) return 'a Map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'bigint') return `${v}n`;
  return `${typeof v} ${String(v)}`;
}

const EXPECTED: Record<string, string> = {
  boolean: 'a boolean',
  int: 'a 32-bit integer number',
  long: 'a 64-bit bigint',
  float: 'a number representable as float32 (use Math.fround)',
  double: 'a number',
  decimal: 'a bigint unscaled value within the precision',
  date: 'a 32-bit integer number of days since 1970-01-01',
  time: 'a bigint of microseconds since midnight (0 to 86399999999)',
  timestamp: 'a bigint of microseconds since the epoch',
  timestamptz: 'a bigint of microseconds since the epoch',
  timestamp_ns: 'a bigint of nanoseconds since the epoch',
  timestamptz_ns: 'a bigint of nanoseconds since the epoch',
  string: 'a well-formed string (no lone surrogates)',
  uuid: 'a UUID string in 8-4-4-4-12 hex form',
  fixed: 'a Uint8Array of the fixed length',
  binary: 'a Uint8Array',
  geometry: 'a Uint8Array of WKB',
  geography: 'a Uint8Array of WKB',
  unknown: 'null',
  struct: 'a Map from field id to value',
  list: 'an array',
  map: 'a Map',
};

function isLong(v: unknown): v is bigint {
  return typeof v === 'bigint' && v >= LONG_MIN && v <= LONG_MAX;
}

function ok(type: IcebergType, v: unknown): boolean {
  switch (type.type) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'int':
    case 'date':
      return typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX;
    case 'long':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return isLong(v);
    case 'time':
      return typeof v === 'bigint' && v >= 0n && v < 86_400_000_000n;
    case 'float':
      return typeof v === 'number' && (Number.isNaN(v) || Math.fround(v) === v);
    case 'double':
      return typeof v === 'number';
    case 'decimal':
      return typeof v === 'bigint' && fitsPrecision(v, type.precision);
    case 'string':
      return typeof v === 'string' && isWellFormed(v);
    case 'uuid':
      return typeof v === 'string' && UUID.test(v);
    case 'fixed':
      return v instanceof Uint8Array && v.length === type.length;
    case 'binary':
    case 'geometry':
    case 'geography':
      return v instanceof Uint8Array;
    case 'unknown':
      return v === null;
    case 'struct':
      return v instanceof Map;
    case 'list':
      return Array.isArray(v);
    case 'map':
      return v instanceof Map;
    case 'variant':
      return false;
  }
}

/**
 * Throw ValidationError unless `value` is null or the in-memory form of
 * `type`; nested values are checked recursively. `where` names the value in
 * the message.
 */
export function checkValue(type: IcebergType, value: unknown, where = 'value', depth = 0): asserts value is Value {
  if (value === null) return;
  if (type.type === 'variant') throw new UnsupportedError(`${where}: variant values are not supported yet; leave the value null`);
  if (!ok(type, value)) {
    throw new ValidationError(`${where} must be ${EXPECTED[type.type] ?? typeToString(type)} for type ${typeToString(type)}, got ${describe(value)}`);
  }
  if (depth > 256) throw new ValidationError(`${where} is nested too deeply`);
  if (type.type === 'list') {
    (value as readonly unknown[]).forEach((e, i) => checkValue(type.element, e, `${where}[${i}]`, depth + 1));
  } else if (type.type === 'map') {
    for (const [k, v] of value as ReadonlyMap<unknown, unknown>) {
      if (k === null) throw new ValidationError(`${where} has a null map key; map keys are required`);
      checkValue(type.key, k, `${where} key`, depth + 1);
      checkValue(type.value, v, `${where} value`, depth + 1);
    }
  } else if (type.type === 'struct') {
    const m = value as ReadonlyMap<unknown, unknown>;
    for (const k of m.keys()) {
      if (!type.fields.some((f) => f.id === k)) throw new ValidationError(`${where} has key ${String(k)}, which is not a field id of the struct`);
    }
    for (const f of type.fields) {
      if (m.has(f.id)) checkValue(f.type, m.get(f.id), `${where}.${f.name}`, depth + 1);
    }
  }
}

/** Whether `value` is null or the in-memory form of `type` (never throws). */
export function isValidValue(type: IcebergType, value: unknown): value is Value {
  try {
    checkValue(type, value);
    return true;
  } catch {
    return false;
  }
}
