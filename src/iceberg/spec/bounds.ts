/**
 * Truncated lower and upper bounds for string and binary column metrics
 * (the `truncate(N)` metrics mode), following Java's `UnicodeUtil` and
 * `BinaryUtil`: a lower bound is simply truncated; an upper bound is
 * truncated and then its last incrementable code point (or byte) is
 * incremented, so it is still ≥ every value it covers. When nothing can be
 * incremented there is no upper bound (`null`).
 */
import { truncateString } from './transform-apply.js';

/** Lower bound of `value` with at most `length` code points. */
export function truncateStringLowerBound(value: string, length: number): string {
  return truncateString(value, length);
}

/**
 * Upper bound of `value` with at most `length` code points, or null when none
 * exists (every kept code point is U+10FFFF). Values already short enough are
 * returned unchanged. Surrogate code points are skipped (U+D7FF → U+E000).
 */
export function truncateStringUpperBound(value: string, length: number): string | null {
  const truncated = truncateString(value, length);
  if (truncated.length === value.length) return value;
  const chars = Array.from(truncated); // one entry per code point
  for (let i = chars.length - 1; i >= 0; i--) {
    const cp = chars[i]!.codePointAt(0)!;
    if (cp === 0x10ffff) continue;
    const next = cp === 0xd7ff ? 0xe000 : cp + 1;
    return chars.slice(0, i).join('') + String.fromCodePoint(next);
  }
  return null;
}

/** Lower bound of `value` with at most `length` bytes. */
export function truncateBinaryLowerBound(value: Uint8Array, length: number): Uint8Array {
  return value.length <= length ? value : value.slice(0, length);
}

/**
 * Upper bound of `value` with at most `length` bytes, or null when none exists
 * (every kept byte is 0xFF). Values already short enough are returned unchanged.
 */
export function truncateBinaryUpperBound(value: Uint8Array, length: number): Uint8Array | null {
  if (value.length <= length) return value;
  for (let i = length - 1; i >= 0; i--) {
    if (value[i] !== 0xff) {
      const out = value.slice(0, i + 1);
      out[i] = value[i]! + 1;
      return out;
    }
  }
  return null;
}
