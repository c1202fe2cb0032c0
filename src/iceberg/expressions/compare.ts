/**
 * Ordering of Iceberg values, as bounds and predicates need it: numbers
 * numerically (`-0` equals `0`; callers handle NaN), strings by Unicode code
 * point (the order of their UTF-8 bytes, which Parquet statistics and
 * Iceberg bounds use — not JavaScript's UTF-16 order), bytes unsigned and
 * lexicographic, `false < true`.
 */
import { ValidationError } from '../../errors.js';
import type { Value } from '../spec/values.js';

/** Compare two strings by code point (equivalently, by their UTF-8 bytes). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF: move them above U+E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Compare byte arrays unsigned, lexicographically. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Compare two non-null values of the same type (in the in-memory forms of
 * `values.ts`). NaN is not ordered here: callers test for it first.
 */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  // Mixed number/bigint can only come from a promoted column; compare exactly.
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
    const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new ValidationError(`cannot compare a ${typeof a} value with a ${typeof b} value; the value does not have the column's type (corrupt metadata or a wrong row value)`);
}

/** Whether a value is a NaN number. */
export function isNaNValue(v: Value): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/** Whether `s` starts with `prefix` (code-point-wise, the same as UTF-16-wise for well-formed strings). */
export function stringStartsWith(s: string, prefix: string): boolean {
  return s.startsWith(prefix);
}

/**
 * A primitive key that is equal for equal values of one type, for `Set`
 * lookups of `in` literals (bytes by hex, `-0` as `0`).
 */
export function valueKey(v: Value): string | number | bigint | boolean {
  if (v instanceof Uint8Array) {
    let s = 'b:';
    for (const x of v) s += x.toString(16).padStart(2, '0');
    return s;
  }
  if (typeof v === 'number') return v === 0 ? 0 : v;
  return v as string | bigint | boolean;
}

/** Whether `v` is one of `values` (which must be of the same type as `v`). */
export function containsValue(values: ReadonlySet<unknown>, v: Value): boolean {
  return values.has(valueKey(v));
}

/** The set of keys of `values`, for {@link containsValue}. */
export function keySet(values: readonly Value[]): ReadonlySet<unknown> {
  return new Set(values.map(valueKey));
}
