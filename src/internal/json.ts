/**
 * BigInt-safe JSON. Iceberg snapshot ids are random 63-bit longs; plain
 * `JSON.parse` rounds them. {@link parseJson} returns integers outside the
 * safe range as `bigint`, and {@link stringifyJson} writes `bigint` values as
 * bare JSON numbers, so such ids survive a round trip exactly.
 */
import { ValidationError } from '../errors.js';

// A JSON string (skipped whole, so digits inside strings are never touched) or a
// whole number token (so digits inside a fraction or exponent are never taken for an integer).
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const INTEGER = /^-?\d{16,}$/;

function nonce(text: string): string {
  for (;;) {
    const n = `lk:big:${Math.random().toString(36).slice(2)}:`;
    if (!text.includes(n)) return n;
  }
}

/**
 * Parse JSON text; integers that do not fit a double exactly become `bigint`.
 * Throws {@link ValidationError} (with `what` in the message) on invalid JSON.
 */
export function parseJson(text: string, what = 'JSON document'): unknown {
  let marker: string | undefined;
  const prepared = text.replace(TOKEN, (m) => {
    if (m.length < 16 || !INTEGER.test(m)) return m;
    const n = Number(m);
    if (Number.isSafeInteger(n)) return m;
    marker ??= nonce(text);
    return `"${marker}${m}"`;
  });
  try {
    if (marker === undefined) return JSON.parse(prepared);
    const mk = marker;
    return JSON.parse(prepared, (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith(mk) ? BigInt(v.slice(mk.length)) : v,
    );
  } catch (cause) {
    throw new ValidationError(`${what} is not valid JSON (${(cause as Error).message}); check that the file is complete and not corrupted`, {
      cause,
    });
  }
}

/**
 * Serialize to JSON, writing `bigint` values as bare integers.
 * `space` is passed to `JSON.stringify`.
 */
export function stringifyJson(value: unknown, space?: number): string {
  let marker: string | undefined;
  const out = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v !== 'bigint') return v;
      marker ??= `lk:big:${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}:`;
      return `${marker}${v.toString()}`;
    },
    space,
  );
  if (marker === undefined) return out;
  const escaped = marker.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return out.replace(new RegExp(`"${escaped}(-?\\d+)"`, 'g'), '$1');
}

/** Convert a number or bigint id to bigint (ids may arrive as either). */
export function toBigInt(v: number | bigint | string): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}
