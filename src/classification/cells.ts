/**
 * Reading an Arrow column's cells as text for scanning. UTF-8 columns are
 * read from the data buffer and offsets directly: when a chunk is scanned in
 * full and is pure ASCII it is decoded once and cells are substrings of that
 * one string (no per-cell decoder call); otherwise each cell is decoded from
 * its byte range. Numeric columns give their decimal digits.
 *
 * @module
 */
import { DataType, makeVector, type Data, type Vector } from 'apache-arrow';

const decoder = new TextDecoder();

/** Whether the classifier reads this column type (strings and numbers). */
export function isScannable(type: DataType): boolean {
  return DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type) || (DataType.isDictionary(type) && isScannable(type.dictionary));
}

/**
 * Call `fn` with the text of each non-null cell of `column` at the given
 * (ascending) rows, or at every row when `rows` is undefined.
 */
export function forEachText(column: Vector, rows: Int32Array | undefined, fn: (text: string, row: number) => void): void {
  let base = 0;
  let r = 0;
  for (const data of column.data) {
    const len = data.length;
    if (rows === undefined) readChunk(data, base, len, undefined, fn);
    else {
      const from = r;
      while (r < rows.length && rows[r]! < base + len) r++;
      if (r > from) readChunk(data, base, len, rows.subarray(from, r), fn);
    }
    base += len;
  }
}

function readChunk(data: Data, base: number, len: number, rows: Int32Array | undefined, fn: (text: string, row: number) => void): void {
  const type = data.type as DataType;
  const valid = data.nullCount > 0 && data.nullBitmap ? data.nullBitmap : undefined;
  const bit = data.offset;
  const isValid = (i: number) => valid === undefined || ((valid[(bit + i) >> 3]! >> ((bit + i) & 7)) & 1) === 1;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    const bytes = data.values as Uint8Array;
    // Arrow slices value offsets and values with the Data (only validity bits keep `data.offset`).
    const o = (i: number) => Number(offsets[i]);
    const count = rows ? rows.length : len;
    const lo = o(0);
    const hi = o(len);
    // Decode the whole chunk once when most of it is read and it is ASCII (UTF-16 offsets = byte offsets).
    let whole: string | undefined;
    if (count * 4 >= len && hi > lo) {
      const s = decoder.decode(bytes.subarray(lo, hi));
      if (s.length === hi - lo) whole = s;
    }
    for (let k = 0; k < count; k++) {
      const i = rows ? rows[k]! - base : k;
      if (!isValid(i)) continue;
      const a = o(i);
      const b = o(i + 1);
      fn(whole !== undefined ? whole.slice(a - lo, b - lo) : decoder.decode(bytes.subarray(a, b)), base + i);
    }
    return;
  }
  const count = rows ? rows.length : len;
  // Decimal, dictionary and date cells go through Arrow's own getter (their layouts are not read here);
  // dates become ISO text, so a date of birth is found and protected as '1987-04-12'.
  const generic = DataType.isDecimal(type) || DataType.isDictionary(type) || DataType.isDate(type) ? makeVector(data) : undefined;
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k]! - base : k;
    if (!isValid(i)) continue;
    const text = generic ? (DataType.isDate(type) ? dateText(generic.get(i)) : textOf(generic.get(i))) : numberText(type, data, i);
    if (text !== undefined) fn(text, base + i);
  }
}

function textOf(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

/** A date cell (Arrow's getter gives ms since the epoch or a Date) as `YYYY-MM-DD`. */
function dateText(v: unknown): string | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' || typeof v === 'bigint' ? Number(v) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

function numberText(type: DataType, data: Data, i: number): string | undefined {
  if (DataType.isInt(type)) {
    const v = (data.values as ArrayLike<number | bigint>)[i];
    return v === undefined ? undefined : String(v);
  }
  if (DataType.isFloat(type)) {
    const v = (data.values as ArrayLike<number>)[i];
    if (v === undefined || !Number.isFinite(v)) return undefined;
    return Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : String(v);
  }
  return undefined;
}
