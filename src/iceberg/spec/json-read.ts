/**
 * Small, strict readers for parsed JSON (internal to the spec model).
 *
 * Every reader takes a `where` label (for example `snapshot 3` or
 * `partition spec 0 field 2`) so that a {@link ValidationError} says exactly
 * which part of which document is wrong. Nothing here throws anything other
 * than `ValidationError`, which lets the metadata parser promise the same.
 */
import { ValidationError } from '../../errors.js';

/** A parsed JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** How deeply nested types or values may be before parsing gives up (guards the stack). */
export const MAX_NESTING_DEPTH = 256;

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** Throw a ValidationError for an invalid value. */
export function invalid(where: string, problem: string, hint = 'the metadata may be corrupt or written by an incompatible writer'): never {
  throw new ValidationError(`${where}: ${problem}; ${hint}`, { context: { where } });
}

/** Assert `v` is a JSON object (not null, not an array). */
export function asObject(v: unknown, where: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) invalid(where, `expected a JSON object, got ${show(v)}`);
  return v as JsonObject;
}

/** Assert `v` is a JSON array. */
export function asArray(v: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(v)) invalid(where, `expected a JSON array, got ${show(v)}`);
  return v;
}

/** Whether `obj` has an own, non-null value for `key`. */
export function has(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== null && obj[key] !== undefined;
}

function get(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Convert a JSON value to a 32-bit int or throw. */
export function toInt(v: unknown, where: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < INT_MIN || n > INT_MAX) invalid(where, `expected a 32-bit integer, got ${show(v)}`);
  return n;
}

/** Convert a JSON value to a 64-bit long (bigint) or throw. */
export function toLong(v: unknown, where: string): bigint {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  if (b === undefined || b < LONG_MIN || b > LONG_MAX) invalid(where, `expected a 64-bit integer, got ${show(v)}`);
  return b;
}

/** Convert a JSON value to a millisecond timestamp (a safe integer number) or throw. */
export function toMillis(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) invalid(where, `expected a millisecond timestamp, got ${show(v)}`);
  return v;
}

/** Required 32-bit int field. */
export function reqInt(obj: JsonObject, key: string, where: string): number {
  if (!has(obj, key)) invalid(where, `missing required field "${key}"`);
  return toInt(obj[key], `${where} field "${key}"`);
}

/** Optional 32-bit int field (absent or null gives undefined). */
export function optInt(obj: JsonObject, key: string, where: string): number | undefined {
  return has(obj, key) ? toInt(obj[key], `${where} field "${key}"`) : undefined;
}

/** Required long field, as bigint. */
export function reqLong(obj: JsonObject, key: string, where: string): bigint {
  if (!has(obj, key)) invalid(where, `missing required field "${key}"`);
  return toLong(obj[key], `${where} field "${key}"`);
}

/** Optional long field, as bigint. */
export function optLong(obj: JsonObject, key: string, where: string): bigint | undefined {
  return has(obj, key) ? toLong(obj[key], `${where} field "${key}"`) : undefined;
}

/** Required millisecond timestamp field. */
export function reqMillis(obj: JsonObject, key: string, where: string): number {
  if (!has(obj, key)) invalid(where, `missing required field "${key}"`);
  return toMillis(obj[key], `${where} field "${key}"`);
}

/** Required string field. */
export function reqString(obj: JsonObject, key: string, where: string): string {
  const v = get(obj, key);
  if (typeof v !== 'string') invalid(where, v === undefined || v === null ? `missing required field "${key}"` : `field "${key}" must be a string, got ${show(v)}`);
  return v;
}

/** Optional string field. */
export function optString(obj: JsonObject, key: string, where: string): string | undefined {
  return has(obj, key) ? reqString(obj, key, where) : undefined;
}

/** Required boolean field. */
export function reqBool(obj: JsonObject, key: string, where: string): boolean {
  const v = get(obj, key);
  if (typeof v !== 'boolean') invalid(where, v === undefined || v === null ? `missing required field "${key}"` : `field "${key}" must be a boolean, got ${show(v)}`);
  return v;
}

/** Required array field. */
export function reqArray(obj: JsonObject, key: string, where: string): readonly unknown[] {
  if (!has(obj, key)) invalid(where, `missing required field "${key}"`);
  return asArray(obj[key], `${where} field "${key}"`);
}

/** Optional array field (absent or null gives an empty array). */
export function optArray(obj: JsonObject, key: string, where: string): readonly unknown[] {
  return has(obj, key) ? asArray(obj[key], `${where} field "${key}"`) : [];
}

/** Optional string-to-string map field (absent or null gives an empty map). */
export function optStringMap(obj: JsonObject, key: string, where: string): Readonly<Record<string, string>> {
  if (!has(obj, key)) return {};
  const m = asObject(obj[key], `${where} field "${key}"`);
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') invalid(`${where} field "${key}"`, `value of "${k}" must be a string, got ${show(v)}`);
    entries.push([k, v]);
  }
  return Object.fromEntries(entries);
}

/** Array of 32-bit ints. */
export function intList(v: unknown, where: string): number[] {
  return asArray(v, where).map((x, i) => toInt(x, `${where}[${i}]`));
}
