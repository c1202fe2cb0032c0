/**
 * Reading an Arrow column's cells for scanning. UTF-8 columns are read from
 * the data buffer and offsets directly, as byte ranges a scanner can reject
 * without decoding; a cell's text is decoded only on request (see
 * {@link Utf8Cells}). Numeric columns give their decimal digits.
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
  forEachCell(column, rows, {
    utf8: (reader, start, end, row) => fn(reader.text(start, end), row),
    text: fn,
  });
}

/**
 * The UTF-8 bytes of one Arrow chunk, and the cells' text on demand: when
 * the chunk is read densely and is pure ASCII it is decoded once, at the
 * first request, and cells are substrings of that one string; otherwise each
 * requested cell is decoded from its byte range.
 */
export class Utf8Cells {
  private whole: string | undefined;
  private tried = false;

  constructor(
    /** The chunk's value bytes; a cell is `bytes[start, end)`. */
    readonly bytes: Uint8Array,
    private readonly lo: number,
    private readonly hi: number,
    private readonly dense: boolean,
  ) {}

  /** The text of the cell `bytes[start, end)`. */
  text(start: number, end: number): string {
    if (!this.tried) {
      this.tried = true;
      // Decoding the chunk at once pays when most of it is read; ASCII keeps UTF-16 offsets equal to byte offsets.
      if (this.dense && this.hi > this.lo) {
        const s = decoder.decode(this.bytes.subarray(this.lo, this.hi));
        if (s.length === this.hi - this.lo) this.whole = s;
      }
    }
    return this.whole !== undefined ? this.whole.slice(start - this.lo, end - this.lo) : decoder.decode(this.bytes.subarray(start, end));
  }
}

/** What {@link forEachCell} calls for each non-null cell. */
export interface CellVisitor {
  /** A UTF-8 cell, `cells.bytes[start, end)`, not decoded (call `cells.text(start, end)` for its text). */
  utf8(cells: Utf8Cells, start: number, end: number, row: number): void;
  /** A cell of another type, as text (numbers as decimal digits, dates as `YYYY-MM-DD`). */
  text(text: string, row: number): void;
}

/**
 * Visit each non-null cell of `column` at the given (ascending) rows, or at
 * every row when `rows` is undefined: UTF-8 cells as byte ranges (decoded
 * only if the visitor asks), others as text.
 */
export function forEachCell(column: Vector, rows: Int32Array | undefined, visitor: CellVisitor): void {
  let base = 0;
  let r = 0;
  for (const data of column.data) {
    const len = data.length;
    if (rows === undefined) readChunk(data, base, len, undefined, visitor);
    else {
      const from = r;
      while (r < rows.length && rows[r]! < base + len) r++;
      if (r > from) readChunk(data, base, len, rows.subarray(from, r), visitor);
    }
    base += len;
  }
}

function readChunk(data: Data, base: number, len: number, rows: Int32Array | undefined, visitor: CellVisitor): void {
  const type = data.type as DataType;
  const valid = data.nullCount > 0 && data.nullBitmap ? data.nullBitmap : undefined;
  const bit = data.offset;
  const isValid = (i: number) => valid === undefined || ((valid[(bit + i) >> 3]! >> ((bit + i) & 7)) & 1) === 1;
  const count = rows ? rows.length : len;
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    // Arrow slices value offsets and values with the Data (only validity bits keep `data.offset`).
    if (DataType.isUtf8(type)) {
      const offsets = data.valueOffsets as Int32Array;
      const cells = new Utf8Cells(data.values as Uint8Array, offsets[0]!, offsets[len]!, count * 4 >= len);
      for (let k = 0; k < count; k++) {
        const i = rows ? rows[k]! - base : k;
        if (isValid(i)) visitor.utf8(cells, offsets[i]!, offsets[i + 1]!, base + i);
      }
    } else {
      const offsets = data.valueOffsets as unknown as BigInt64Array;
      const cells = new Utf8Cells(data.values as Uint8Array, Number(offsets[0]), Number(offsets[len]), count * 4 >= len);
      for (let k = 0; k < count; k++) {
        const i = rows ? rows[k]! - base : k;
        if (isValid(i)) visitor.utf8(cells, Number(offsets[i]), Number(offsets[i + 1]), base + i);
      }
    }
    return;
  }
  // Decimal, dictionary and date cells go through Arrow's own getter (their layouts are not read here);
  // dates become ISO text, so a date of birth is found and protected as '1987-04-12'.
  const generic = DataType.isDecimal(type) || DataType.isDictionary(type) || DataType.isDate(type) ? makeVector(data) : undefined;
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k]! - base : k;
    if (!isValid(i)) continue;
    const text = generic ? (DataType.isDate(type) ? dateText(generic.get(i)) : textOf(generic.get(i))) : numberText(type, data, i);
    if (text !== undefined) visitor.text(text, base + i);
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
