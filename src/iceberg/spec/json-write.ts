/**
 * Writing JSON for Iceberg metadata. Wraps the BigInt-safe
 * `stringifyJson` and adds {@link JsonNumber}: a number written with exact
 * text, so that a `double` default of 1 is written `1.0` (Java's parser only
 * accepts floating-point literals for float and double values).
 */
import { stringifyJson } from '../../internal/json.js';

let marker: string | undefined;

/** A JSON number literal with exact text, such as `1.0` or `-0.0`. */
export class JsonNumber {
  constructor(
    /** The literal, a valid JSON number. */
    readonly text: string,
  ) {}

  /** Used by `JSON.stringify` inside {@link writeJson}; outside it, the number itself. */
  toJSON(): unknown {
    return marker === undefined ? Number(this.text) : `${marker}${this.text}`;
  }
}

/**
 * Serialize to JSON text: bigint as bare integers, {@link JsonNumber} as its
 * literal text. `space` is passed to `JSON.stringify`.
 */
export function writeJson(value: unknown, space?: number): string {
  const mk = `\u0000lknum${Math.random().toString(36).slice(2)}:`;
  marker = mk;
  let out: string;
  try {
    out = stringifyJson(value, space);
  } finally {
    marker = undefined;
  }
  // JSON.stringify escapes U+0000 as \u0000, so the marker appears escaped in the output.
  const escaped = JSON.stringify(mk).slice(1, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return out.replace(new RegExp(`"${escaped}(-?[0-9][0-9.eE+-]*)"`, 'g'), '$1');
}
