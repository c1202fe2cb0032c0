/**
 * Standardization for the silver zone, column by column over Arrow: ISO-8601
 * dates and timestamps (typed `date` and UTC `timestamp[us]` columns),
 * ISO-4217 currency codes, trimmed and normalized identifiers, and
 * de-duplication by key. Values that cannot be standardized become null and
 * are reported with their row and column, never silently guessed.
 */
import { DateDay, makeData, RecordBatch, Table as ArrowTable, TimestampMicrosecond, Utf8, Vector, Schema as ArrowSchema, Field, Struct, type Data, type DataType } from 'apache-arrow';
import { takeRows } from '../iceberg/write/take.js';
import { ValidationError } from '../errors.js';
import { normalizeCurrency } from './currencies.js';

/** Date layouts {@link parseIsoDate} understands besides ISO `YYYY-MM-DD`. */
export type DateLayout = 'YYYY-MM-DD' | 'YYYYMMDD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'YYYY/MM/DD';

/** Layouts tried by default, in order (only unambiguous ones). */
export const DEFAULT_DATE_LAYOUTS: readonly DateLayout[] = ['YYYY-MM-DD', 'YYYYMMDD', 'YYYY/MM/DD'];

const LAYOUTS: Record<DateLayout, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{2})-(\d{2})$/, y: 1, m: 2, d: 3 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
  'YYYY/MM/DD': { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
};

function daysFromCivil(y: number, m: number, d: number): number | undefined {
  if (m < 1 || m > 12 || d < 1) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const back = new Date(0);
  back.setUTCFullYear(y, m - 1, d);
  const ms = back.getTime();
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return Math.floor(ms / 86_400_000);
}

/**
 * Days since 1970-01-01 of a date given as text in one of `layouts`, a
 * `Date`, or epoch milliseconds; `undefined` when it is not a valid date.
 *
 * @example
 * ```ts
 * parseIsoDate('2026-11-22');                  // 20779
 * parseIsoDate('22.11.2026', ['DD.MM.YYYY']); // 20779
 * parseIsoDate('2026-02-30');                  // undefined
 * ```
 */
export function parseIsoDate(value: unknown, layouts: readonly DateLayout[] = DEFAULT_DATE_LAYOUTS): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : Math.floor(value.getTime() / 86_400_000);
  if (typeof value === 'number') return Number.isFinite(value) ? Math.floor(value / 86_400_000) : undefined;
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  for (const layout of layouts) {
    const l = LAYOUTS[layout];
    const m = l.re.exec(t);
    if (m !== null) return daysFromCivil(Number(m[l.y]), Number(m[l.m]), Number(m[l.d]));
  }
  return undefined;
}

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch (UTC) of an ISO-8601 timestamp (`T` or space
 * separated, optional fraction up to nanoseconds, `Z` or `±hh[:mm]`; without
 * a zone, `defaultOffsetMinutes` applies), a `Date`, epoch milliseconds or
 * bigint microseconds; `undefined` when invalid.
 *
 * @example
 * ```ts
 * parseIsoTimestamp('2026-11-22T10:00:00+07:00'); // 1795316400000000n
 * ```
 */
export function parseIsoTimestamp(value: unknown, defaultOffsetMinutes = 0): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : BigInt(value.getTime()) * 1000n;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.round(value * 1000)) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = TS_RE.exec(value.trim());
  if (m === null) return undefined;
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (days === undefined || h > 23 || mi > 59 || s > 59) return undefined;
  const frac = BigInt((m[7] ?? '').padEnd(9, '0').slice(0, 6) || '0');
  let offset = defaultOffsetMinutes;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const oh = Number(z[2]);
    const om = Number(z[3] ?? 0);
    if (oh > 18 || om > 59) return undefined;
    offset = (z[1] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = BigInt(days) * 86_400n + BigInt(h * 3600 + mi * 60 + s) - BigInt(offset * 60);
  return seconds * 1_000_000n + frac;
}

/** Options of {@link normalizeIdentifier}. */
export interface IdentifierOptions {
  /** Lower-case the result. @default false */
  lowerCase?: boolean;
  /** Remove every whitespace character (not just collapse runs). @default false */
  removeSpaces?: boolean;
}

/**
 * Trim, normalize to Unicode NFC, drop zero-width characters and collapse
 * whitespace runs to one space; `undefined` for a blank result.
 *
 * @example
 * ```ts
 * normalizeIdentifier('  Acme\u200B   GmbH '); // 'Acme GmbH'
 * ```
 */
export function normalizeIdentifier(text: string, options: IdentifierOptions = {}): string | undefined {
  let t = text.normalize('NFC').replace(/[\u200B-\u200D\uFEFF]/g, '').replace(/\s+/g, options.removeSpaces === true ? '' : ' ').trim();
  if (options.lowerCase === true) t = t.toLowerCase();
  return t === '' ? undefined : t;
}

/** A value that could not be standardized (it became null). */
export interface StandardizationProblem {
  column: string;
  /** 0-based row index in the input table. */
  row: number;
  value: string;
  reason: string;
}

/** What {@link standardize} does, column by column. */
export interface StandardizeSpec {
  /** Columns turned into `date` (days), from text in these layouts. */
  dates?: readonly string[];
  dateLayouts?: readonly DateLayout[];
  /** Columns turned into UTC `timestamp[us]`. */
  timestamps?: readonly string[];
  /** Offset (minutes east of UTC) assumed for timestamps without a zone. @default 0 */
  defaultOffsetMinutes?: number;
  /** Columns turned into ISO 4217 codes. */
  currencies?: readonly string[];
  /** Columns trimmed and normalized, with options. */
  identifiers?: readonly string[];
  identifierOptions?: IdentifierOptions;
}

/** The result of {@link standardize}. */
export interface StandardizeResult {
  table: ArrowTable;
  problems: StandardizationProblem[];
}

function validity(valid: readonly boolean[]): { nullBitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil(valid.length / 8));
  let nulls = 0;
  valid.forEach((v, i) => {
    if (v) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  });
  return { nullBitmap: bitmap, nullCount: nulls };
}

type Converted = number | bigint | undefined;

function mapColumn(vector: Vector, column: string, offset: number, problems: StandardizationProblem[], kind: 'date' | 'timestamp', convert: (v: unknown) => Converted, reason: string): Data {
  const n = vector.length;
  const valid: boolean[] = new Array<boolean>(n);
  const data = kind === 'date' ? new Int32Array(n) : new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i) as unknown;
    const r = v === null || v === undefined ? undefined : convert(v);
    if (r === undefined && v !== null && v !== undefined) problems.push({ column, row: offset + i, value: String(v), reason });
    valid[i] = r !== undefined;
    if (r !== undefined) data[i] = r as never;
  }
  return kind === 'date'
    ? makeData({ type: new DateDay(), length: n, data: data as Int32Array, ...validity(valid) })
    : makeData({ type: new TimestampMicrosecond('UTC'), length: n, data: data as BigInt64Array, ...validity(valid) });
}

function mapText(vector: Vector, column: string, offset: number, problems: StandardizationProblem[], convert: (v: string) => string | undefined, reason: string | undefined): Data {
  const out: (string | null)[] = [];
  for (let i = 0; i < vector.length; i++) {
    const v = vector.get(i) as unknown;
    const r = v === null || v === undefined ? undefined : convert(String(v));
    if (r === undefined && reason !== undefined && v !== null && v !== undefined) problems.push({ column, row: offset + i, value: String(v), reason });
    out.push(r ?? null);
  }
  return makeUtf8(out);
}

function makeUtf8(values: readonly (string | null)[]): Data {
  const enc = new TextEncoder();
  const parts = values.map((v) => (v === null ? new Uint8Array(0) : enc.encode(v)));
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i]! + parts[i]!.byteLength;
  const data = new Uint8Array(offsets[values.length]!);
  parts.forEach((p, i) => data.set(p, offsets[i]!));
  return makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data, ...validity(values.map((v) => v !== null)) });
}

function columnOf(table: ArrowTable | RecordBatch, name: string): Vector {
  const v = table.getChild(name);
  if (v === null) throw new ValidationError(`column ${JSON.stringify(name)} is not in the table (columns: ${table.schema.fields.map((f) => f.name).join(', ')})`, { context: { column: name } });
  return v;
}

/**
 * Standardize the named columns of `table`; other columns pass through.
 *
 * @example
 * ```ts
 * const { table, problems } = standardize(raw, { dates: ['booked'], currencies: ['ccy'], identifiers: ['customer'] });
 * ```
 */
export function standardize(table: ArrowTable, spec: StandardizeSpec): StandardizeResult {
  const problems: StandardizationProblem[] = [];
  const kinds = new Map<string, (batch: RecordBatch, offset: number) => Data>();
  const dateLayouts = spec.dateLayouts ?? DEFAULT_DATE_LAYOUTS;
  for (const c of spec.dates ?? []) kinds.set(c, (b, o) => mapColumn(columnOf(b, c), c, o, problems, 'date', (v) => parseIsoDate(v, dateLayouts), 'not a date in the accepted layouts'));
  for (const c of spec.timestamps ?? []) kinds.set(c, (b, o) => mapColumn(columnOf(b, c), c, o, problems, 'timestamp', (v) => parseIsoTimestamp(v, spec.defaultOffsetMinutes ?? 0), 'not an ISO-8601 timestamp'));
  for (const c of spec.currencies ?? []) kinds.set(c, (b, o) => mapText(columnOf(b, c), c, o, problems, normalizeCurrency, 'not an ISO 4217 currency code'));
  for (const c of spec.identifiers ?? []) kinds.set(c, (b, o) => mapText(columnOf(b, c), c, o, problems, (v) => normalizeIdentifier(v, spec.identifierOptions), undefined));
  for (const c of kinds.keys()) columnOf(table, c);
  const batches: RecordBatch[] = [];
  let schema: ArrowSchema | undefined;
  let offset = 0;
  for (const batch of table.batches) {
    const children = batch.schema.fields.map((f, i) => kinds.get(f.name)?.(batch, offset) ?? batch.getChildAt(i)!.data[0]!);
    schema ??= new ArrowSchema(
      batch.schema.fields.map((f, i) => (kinds.has(f.name) ? new Field(f.name, children[i]!.type as DataType, true, f.metadata) : f)),
      batch.schema.metadata,
    );
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children })));
    offset += batch.numRows;
  }
  return { table: schema === undefined ? table : new ArrowTable(schema, batches), problems };
}

/** A stable text key of the `keys` columns of row `i` (bigint-safe). */
export function rowKey(columns: readonly Vector[], i: number): string {
  if (columns.length === 1) return keyPart(columns[0]!.get(i));
  return columns.map((c) => keyPart(c.get(i))).join('\u0000');
}

function keyPart(v: unknown): string {
  if (v === null || v === undefined) return '\u0001null';
  if (typeof v === 'bigint') return `${v}`;
  if (v instanceof Uint8Array) return Array.from(v).join(',');
  if (typeof v === 'object' && v !== null && 'toString' in v) return String(v);
  return String(v);
}

/** Options of {@link dedupByKey}. */
export interface DedupOptions {
  /** Which duplicate survives: the first or the last in table order (after `orderBy`). @default 'last' */
  keep?: 'first' | 'last';
}

/**
 * Keep one row per key (the last by default, as later rows are newer data).
 * Rows keep their relative order.
 *
 * @example
 * ```ts
 * dedupByKey(orders, ['order_id']).numRows;
 * ```
 */
export function dedupByKey(table: ArrowTable, keys: readonly string[], options: DedupOptions = {}): ArrowTable {
  if (keys.length === 0) throw new ValidationError('give at least one key column to de-duplicate by');
  const cols = keys.map((k) => columnOf(table, k));
  const chosen = new Map<string, number>();
  const keepFirst = options.keep === 'first';
  for (let i = 0; i < table.numRows; i++) {
    const k = rowKey(cols, i);
    if (!keepFirst || !chosen.has(k)) chosen.set(k, i);
  }
  if (chosen.size === table.numRows) return table;
  const indices = Uint32Array.from([...chosen.values()].sort((a, b) => a - b));
  return selectRows(table, indices);
}

/** The rows at `indices` (global row numbers, in that order) as a new table with the same schema. */
export function selectRows(table: ArrowTable, indices: Uint32Array): ArrowTable {
  const starts: number[] = [];
  let total = 0;
  for (const b of table.batches) {
    starts.push(total);
    total += b.numRows;
  }
  const out: RecordBatch[] = [];
  let run: number[] = [];
  let runBatch = -1;
  const flush = () => {
    if (run.length > 0) out.push(takeRows(table.batches[runBatch]!, Uint32Array.from(run)));
    run = [];
  };
  for (const g of indices) {
    if (g >= total) throw new ValidationError(`row ${g} is out of range (the table has ${total} rows)`);
    let b = runBatch >= 0 && g >= starts[runBatch]! && g < starts[runBatch]! + table.batches[runBatch]!.numRows ? runBatch : starts.findLastIndex((s) => s <= g);
    while (table.batches[b]!.numRows === 0 || g >= starts[b]! + table.batches[b]!.numRows) b++;
    if (b !== runBatch) flush();
    runBatch = b;
    run.push(g - starts[b]!);
  }
  flush();
  return out.length === 0 ? new ArrowTable(table.schema) : new ArrowTable(table.schema, out);
}
