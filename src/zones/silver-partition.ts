/**
 * Which silver partition each row of a batch falls in (internal). Every
 * partition column gives each row a small integer code, in one pass over
 * the column's buffers; the codes are then combined into one partition
 * number per row. Timestamps and dates are turned into days straight from
 * their integer values (no `Date`, no BigInt, no string per row), so routing
 * a batch costs a few nanoseconds a row and the rows can be scattered to
 * their partitions column by column.
 */
import { DataType, DateUnit, RecordBatch, Schema as ArrowSchema, Struct, TimeUnit, Type, makeData, makeVector, type Data } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { dictionaryEncodeBytes, DICTIONARY_SPLIT_MIN_ROWS } from '../iceberg/write/dictionary-encode.js';
import type { DictionaryHints } from '../formats/parquet/write/dictionary.js';

/** The partition value of a null (Hive's spelling). */
export const HIVE_NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

const DAY_MS = 86_400_000;

/** How the rows of one batch fall into partitions. */
export interface PartitionSplit {
  /** Partition (an index into `values`) of each row. */
  group: Int32Array;
  /** Rows of each partition. */
  counts: Int32Array;
  /** Partition values of each partition, in `partitionBy` order; partitions in order of first row. */
  values: (readonly string[])[];
}

/** Routes the rows of a batch to partitions. */
export type Partitioner = (batch: RecordBatch) => PartitionSplit;

/** One partition column over one batch: a code per row (none when every row has the same value) and the value of each code. */
export interface ColumnCodes {
  codes: Int32Array | undefined;
  texts: string[];
}

/** Codes one partition column of a batch. */
export type ColumnCoder = (batch: RecordBatch) => ColumnCodes;

/** A column whose value is the same for every row (`domain` given as an option, a fixed `date`). */
export function constantCoder(value: string): ColumnCoder {
  return () => ({ codes: undefined, texts: [value] });
}

/**
 * The rows of `column` coded by their value as text (`String(value)`, nulls as
 * {@link HIVE_NULL_PARTITION}).
 */
export function textCoder(column: string): ColumnCoder {
  return (batch) => {
    const d = columnData(batch, column);
    const vector = makeVector(d);
    const byText = new Map<string, number>();
    const texts: string[] = [];
    const codes = new Int32Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = vector.get(i) as unknown;
      const text = v === null || v === undefined ? HIVE_NULL_PARTITION : String(v);
      let c = byText.get(text);
      if (c === undefined) {
        byText.set(text, (c = texts.length));
        texts.push(text);
      }
      codes[i] = c;
    }
    return { codes, texts };
  };
}

/**
 * The rows of `column` coded by their UTC day (`YYYY-MM-DD`): dates, timestamps
 * (any unit, with or without zone), and text starting with an ISO date.
 * Text that is not a date is refused with ValidationError.
 */
export function dayCoder(column: string): ColumnCoder {
  const dayTexts = new Map<number, string>(); // day number → 'YYYY-MM-DD', shared by every batch
  const dayText = (day: number): string => {
    let text = dayTexts.get(day);
    if (text === undefined) dayTexts.set(day, (text = new Date(day * DAY_MS).toISOString().slice(0, 10)));
    return text;
  };
  return (batch) => {
    const d = columnData(batch, column);
    const perDay = unitsPerDay(d);
    if (perDay !== undefined) return integerDays(d, perDay, dayText);
    return textDays(d, column, dayText);
  };
}

/**
 * One partition per distinct combination of the columns' codes, numbered in
 * order of first row.
 */
export function combineCodes(columns: readonly ColumnCodes[], numRows: number): PartitionSplit {
  const varying = columns.filter((c) => c.codes !== undefined);
  const valuesOf = (pick: (c: ColumnCodes, k: number) => string) => columns.map(pick);
  if (varying.length === 0) {
    return { group: new Int32Array(numRows), counts: Int32Array.of(numRows), values: numRows === 0 ? [] : [valuesOf((c) => c.texts[0]!)] };
  }
  if (varying.length === 1) {
    const only = varying[0]!;
    const group = only.codes!;
    const counts = new Int32Array(only.texts.length);
    for (let i = 0; i < numRows; i++) counts[group[i]!]!++;
    return { group, counts, values: only.texts.map((_, g) => valuesOf((c) => c.texts[c === only ? g : 0]!)) };
  }
  const group = new Int32Array(numRows);
  const first: number[] = [];
  const byKey = new Map<string, number>();
  for (let i = 0; i < numRows; i++) {
    let key = '';
    for (const c of varying) key += `${c.codes![i]!},`;
    let g = byKey.get(key);
    if (g === undefined) {
      byKey.set(key, (g = first.length));
      first.push(i);
    }
    group[i] = g;
  }
  const counts = new Int32Array(first.length);
  for (let i = 0; i < numRows; i++) counts[group[i]!]!++;
  return { group, counts, values: first.map((row) => valuesOf((c) => c.texts[c.codes === undefined ? 0 : c.codes[row]!]!)) };
}

function columnData(batch: RecordBatch, column: string): Data {
  const i = batch.schema.fields.findIndex((f) => f.name === column);
  const d = i < 0 ? undefined : batch.data.children[i];
  if (d === undefined) throw new ValidationError(`partition column ${column} is not in the data`, { context: { column } });
  return d as Data;
}

/** Values per day of an integer-backed date or timestamp column; undefined for any other column. */
function unitsPerDay(d: Data): number | undefined {
  const t = d.type as DataType;
  if (DataType.isDate(t)) {
    const day = (t as unknown as { unit: DateUnit }).unit === DateUnit.DAY;
    return day && d.values instanceof Int32Array ? 1 : !day && d.values instanceof BigInt64Array ? DAY_MS : undefined;
  }
  if (!DataType.isTimestamp(t) || !(d.values instanceof BigInt64Array)) return undefined;
  switch ((t as unknown as { unit: TimeUnit }).unit) {
    case TimeUnit.SECOND:
      return 86_400;
    case TimeUnit.MILLISECOND:
      return DAY_MS;
    case TimeUnit.MICROSECOND:
      return DAY_MS * 1e3;
    default:
      return DAY_MS * 1e6;
  }
}

/** Rows coded by their partition value; codes in order of first appearance. */
class Codes {
  readonly codes: Int32Array;
  readonly texts: string[] = [];
  private readonly byKey = new Map<number | string, number>();
  private lastKey: number | string | undefined;
  private lastCode = -1;

  constructor(n: number) {
    this.codes = new Int32Array(n);
  }

  /** Row `i` has the value `key`, whose text is `text(key)`. */
  set<K extends number | string>(i: number, key: K, text: (key: K) => string): void {
    if (key !== this.lastKey) {
      let c = this.byKey.get(key);
      if (c === undefined) {
        this.byKey.set(key, (c = this.texts.length));
        this.texts.push(text(key));
      }
      this.lastKey = key;
      this.lastCode = c;
    }
    this.codes[i] = this.lastCode;
  }
}

const nullText = (): string => HIVE_NULL_PARTITION;
const same = (s: string): string => s;

function integerDays(d: Data, per: number, dayText: (day: number) => string): ColumnCodes {
  const n = d.length;
  const bitmap = d.nullCount > 0 ? d.nullBitmap : undefined;
  const isNull = (i: number): boolean => bitmap !== undefined && bitmap !== null && ((bitmap[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) === 0;
  // Each row's day (NaN for a null), then the codes.
  const days = new Float64Array(n);
  if (d.values instanceof Int32Array) {
    const v = d.values;
    for (let i = 0; i < n; i++) days[i] = isNull(i) ? NaN : v[i]!;
  } else {
    const big = d.values as BigInt64Array;
    // 64-bit values read as two 32-bit words: exact as a double while |v| < 2^53.
    const words = new Int32Array(big.buffer, big.byteOffset, 2 * n);
    const perBig = BigInt(per);
    for (let i = 0; i < n; i++) {
      if (isNull(i)) {
        days[i] = NaN;
        continue;
      }
      const hi = words[2 * i + 1]!;
      // Exact: for |v| < 2^53 the rounded quotient is never pulled up to the next integer (it is off by less than 1/per).
      if (hi >= -0x200000 && hi < 0x200000) days[i] = Math.floor((hi * 4294967296 + (words[2 * i]! >>> 0)) / per);
      else {
        const v = big[i]!;
        const q = v / perBig;
        days[i] = Number(v < 0n && q * perBig !== v ? q - 1n : q);
      }
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const day = days[i]!;
    if (day < lo) lo = day;
    if (day > hi) hi = day;
  }
  if (hi - lo >= DENSE_DAYS) {
    const out = new Codes(n);
    for (let i = 0; i < n; i++) {
      const day = days[i]!;
      if (day !== day) out.set(i, HIVE_NULL_PARTITION, nullText);
      else out.set(i, day, dayText);
    }
    return out;
  }
  // A batch spans few days (the usual case): codes from a table indexed by day, no Map lookup per row.
  const table = new Int32Array(lo <= hi ? hi - lo + 1 : 0).fill(-1);
  const codes = new Int32Array(n);
  const texts: string[] = [];
  let nullCode = -1;
  for (let i = 0; i < n; i++) {
    const day = days[i]!;
    if (day !== day) {
      if (nullCode < 0) {
        nullCode = texts.length;
        texts.push(HIVE_NULL_PARTITION);
      }
      codes[i] = nullCode;
      continue;
    }
    let c = table[day - lo]!;
    if (c < 0) {
      c = texts.length;
      table[day - lo] = c;
      texts.push(dayText(day));
    }
    codes[i] = c;
  }
  return { codes, texts };
}

/** Batches whose days span fewer than this many are coded through a table indexed by day. */
const DENSE_DAYS = 1 << 16;

/** Any other column, value by value: `Date`s and numbers (milliseconds) by UTC day, text by its leading ISO date. */
function textDays(d: Data, column: string, dayText: (day: number) => string): ColumnCodes {
  const n = d.length;
  const vector = makeVector(d);
  const out = new Codes(n);
  for (let i = 0; i < n; i++) {
    const v = vector.get(i) as unknown;
    if (v === null || v === undefined) out.set(i, HIVE_NULL_PARTITION, nullText);
    else if (v instanceof Date || typeof v === 'number') out.set(i, Math.floor((v instanceof Date ? v.getTime() : v) / DAY_MS), dayText);
    else if (typeof v === 'bigint') out.set(i, Math.floor(Number(v / 1000n) / DAY_MS), dayText); // 64-bit integers: microseconds
    else {
      const s = String(v);
      const m = /^\d{4}-\d{2}-\d{2}/.exec(s);
      if (m === null) throw new ValidationError(`column ${column} holds ${JSON.stringify(s)}, which is not a date; standardize it first`, { context: { column } });
      out.set(i, m[0], same);
    }
  }
  return out;
}

/** A string column that was too distinct to encode is tried again after this many batches. */
export const SPLIT_ENCODE_RETRY_BATCHES = 16;

/**
 * Dictionary-encodes the repetitive string columns of a batch before it is
 * scattered to its partitions: the scatter then moves 32-bit keys instead of
 * bytes, and each partition's Parquet writer maps keys to its dictionary once
 * per distinct value instead of hashing every value. A column found mostly
 * distinct is left as it is for the next {@link SPLIT_ENCODE_RETRY_BATCHES}
 * batches, so its hashing is not paid again on every batch.
 */
export class SplitEncoder {
  /** Per column index: batches left before the column is tried again. */
  readonly #wait = new Map<number, number>();

  /** @param hints told of each column found mostly distinct, so the partitions' writers write it PLAIN from their first value. */
  constructor(private readonly hints?: DictionaryHints) {}

  encode(batch: RecordBatch): RecordBatch {
    if (batch.numRows < DICTIONARY_SPLIT_MIN_ROWS) return batch;
    let changed = false;
    const children = batch.data.children.map((c, i) => {
      if (c.offset !== 0 || (c.typeId !== Type.Utf8 && c.typeId !== Type.Binary)) return c;
      const wait = this.#wait.get(i) ?? 0;
      if (wait > 0) {
        this.#wait.set(i, wait - 1);
        return c;
      }
      const encoded = dictionaryEncodeBytes(c);
      if (encoded === undefined) {
        this.#wait.set(i, SPLIT_ENCODE_RETRY_BATCHES);
        this.hints?.markDistinct(batch.schema.fields[i]!.name);
        return c;
      }
      changed = true;
      return encoded;
    });
    if (!changed) return batch;
    const fields = batch.schema.fields.map((f, i) => (children[i] === batch.data.children[i] ? f : f.clone({ type: children[i]!.type })));
    return new RecordBatch(new ArrowSchema(fields, batch.schema.metadata), makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children }));
  }
}
