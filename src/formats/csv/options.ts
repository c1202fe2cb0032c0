/** Options of the CSV reader, their defaults, and their checks. */
import type { Schema as ArrowSchema } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { DecimalInference } from '../infer/infer.js';
import type { CommonReadOptions } from '../stream.js';
import type { TextEncoding } from '../text-decode.js';
import type { CsvDialect } from './tokenizer.js';

/** Options for {@link readCsv}. Every field has a default. */
export interface CsvReadOptions extends CommonReadOptions {
  /** Whether the first record names the columns; `'auto'` decides from the data. @default 'auto' */
  header?: boolean | 'auto';
  /** One-character field separator, or `'auto'` to pick among `,` tab `;` `|`. @default 'auto' */
  delimiter?: string;
  /** Quote character; `null` or `''` turns quoting off. @default '"' */
  quote?: string | null;
  /** Escape character inside quotes; the quote itself (the default) means RFC 4180 doubling (`""`). */
  escape?: string | null;
  /** Text encoding unless a byte-order mark says otherwise. @default 'utf-8' */
  encoding?: TextEncoding;
  /** Unquoted field texts that mean null. @default {@link DEFAULT_CSV_NULL_VALUES} */
  nullValues?: readonly string[];
  /**
   * Explicit Arrow schema (skips inference): fields map to columns by
   * position. Types: utf8, bool, int32, int64, float64, decimal128, date32,
   * timestamp[us] with or without zone.
   */
  schema?: ArrowSchema;
  /** How fixed-point text such as `12.50` is typed. @default 'decimal' */
  decimals?: DecimalInference;
  /** A record longer than this (in bytes) is malformed. @default {@link DEFAULT_MAX_ROW_BYTES} */
  maxRowBytes?: number;
}

/** Only the empty unquoted field is null unless `nullValues` says otherwise (as DuckDB and pyarrow do). */
export const DEFAULT_CSV_NULL_VALUES: readonly string[] = Object.freeze(['']);
/** Longest record accepted: 8 MiB. */
export const DEFAULT_MAX_ROW_BYTES = 8 * 1024 * 1024;
/** Delimiters `delimiter: 'auto'` chooses from, in order of preference on a tie. */
export const SNIFFED_DELIMITERS: readonly string[] = Object.freeze([',', '\t', ';', '|']);

function oneByte(name: string, v: string): number {
  if (v.length !== 1 || v.charCodeAt(0) > 0x7f || v === '\n' || v === '\r') {
    throw new ValidationError(`${name} must be one ASCII character other than a line break, got ${JSON.stringify(v)}`, { context: { option: name } });
  }
  return v.charCodeAt(0);
}

/** The dialect bytes from the options; `delimiter` is resolved by the caller when `'auto'`. */
export function dialectOf(options: CsvReadOptions, delimiter: string): CsvDialect {
  const d = oneByte('delimiter', delimiter);
  const quote = options.quote === null || options.quote === '' ? -1 : oneByte('quote', options.quote ?? '"');
  const escape = options.escape === null || options.escape === '' ? -1 : options.escape === undefined ? quote : oneByte('escape', options.escape);
  if (quote === d) throw new ValidationError('quote and delimiter must differ', { context: { option: 'quote' } });
  if (escape === d) throw new ValidationError('escape and delimiter must differ', { context: { option: 'escape' } });
  return { delimiter: d, quote, escape: quote === -1 ? -1 : escape };
}
