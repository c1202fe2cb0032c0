/**
 * Column builders: tokenized CSV fields straight into Arrow buffers. Each
 * builder converts a whole run of records for its column in one loop (so the
 * per-value code stays monomorphic), copying string bytes as they are and
 * parsing numbers, dates and timestamps from the bytes in place.
 */
import { makeData } from 'apache-arrow';
import type { Data, DataType, Field } from 'apache-arrow';
import type { IcebergType } from '../../iceberg/spec/types.js';
import { typeToString } from '../../iceberg/spec/types.js';
import {
  parseBool,
  parseDate,
  parseDecimalInto,
  parseDouble,
  parseInt32,
  parseInt64Into,
  parseTimestampInto,
} from '../infer/text-values.js';
import { ESCAPED, unescapeInto } from './tokenizer.js';
import type { CsvDialect, CsvTokenizer } from './tokenizer.js';

/** The Iceberg types a CSV column can be read as. */
export type CsvColumnKind = 'string' | 'boolean' | 'int' | 'long' | 'double' | 'decimal' | 'date' | 'timestamp' | 'timestamptz';

/** A value that could not be read as its column's type. */
export interface BadValue {
  row: number;
  reason: string;
}

/** How null values are spelled. */
export interface NullSpelling {
  /** Tokens (as UTF-8 bytes) that mean null when a field is not quoted. */
  tokens: Uint8Array[];
  /** Whether the empty unquoted field is null (it is unless `nullValues` leaves `''` out). */
  empty: boolean;
}

function isNullToken(b: Uint8Array, s: number, e: number, nulls: NullSpelling): boolean {
  const len = e - s;
  if (len === 0) return nulls.empty;
  for (const t of nulls.tokens) {
    if (t.length !== len) continue;
    let i = 0;
    while (i < len && b[s + i] === t[i]) i++;
    if (i === len) return true;
  }
  return false;
}

function describe(b: Uint8Array, s: number, e: number): string {
  const text = new TextDecoder().decode(b.subarray(s, Math.min(e, s + 60)));
  return JSON.stringify(e - s > 60 ? `${text}…` : text);
}

/** Builds one Arrow column for one record batch at a time. */
export class ColumnBuilder {
  length = 0;
  private valid = new Uint8Array(0);
  private nulls = 0;
  private i32!: Int32Array;
  private f64!: Float64Array;
  private u8 = new Uint8Array(0);
  private offsets!: Int32Array;
  private bytes!: Uint8Array;
  private scratch = new Uint8Array(256);
  private readonly precision: number;
  private readonly scale: number;

  constructor(
    readonly kind: CsvColumnKind,
    readonly field: Field,
    readonly type: IcebergType,
    private readonly nullable: boolean,
    private readonly capacity: number,
    private readonly dialect: CsvDialect,
    private readonly nullSpelling: NullSpelling,
  ) {
    this.precision = type.type === 'decimal' ? type.precision : 0;
    this.scale = type.type === 'decimal' ? type.scale : 0;
    this.reset();
  }

  /** Rows the buffers hold now; they grow up to the batch size. */
  private allocated = 0;

  /**
   * Start a new batch (fresh value buffers: the finished Data keeps the old
   * ones). Batches are usually as large as the last one, so the buffers start
   * at its size instead of growing from 1,024 rows again.
   */
  reset(): void {
    const rows = Math.min(this.capacity, Math.max(1024, this.length));
    const bytes = this.kind === 'string' && this.length > 0 ? this.offsets[this.length]! : 0;
    this.length = 0;
    this.nulls = 0;
    this.alloc(rows, bytes);
  }

  /** Make room for `rows` more rows. */
  reserve(rows: number): void {
    const need = this.length + rows;
    if (need <= this.allocated) return;
    const old = { valid: this.valid, i32: this.i32, f64: this.f64, u8: this.u8, offsets: this.offsets, bytes: this.bytes };
    const length = this.length;
    this.alloc(Math.min(this.capacity, Math.max(need, this.allocated * 2)));
    this.length = length;
    this.valid.set(old.valid.subarray(0, length));
    switch (this.kind) {
      case 'string':
        this.offsets.set(old.offsets.subarray(0, length + 1));
        if (this.bytes.length < old.bytes.length) this.bytes = new Uint8Array(old.bytes.length);
        this.bytes.set(old.bytes.subarray(0, old.offsets[length]));
        break;
      case 'boolean':
        this.u8.set(old.u8.subarray(0, length));
        break;
      case 'double':
        this.f64.set(old.f64.subarray(0, length));
        break;
      case 'int':
      case 'date':
        this.i32.set(old.i32.subarray(0, length));
        break;
      case 'decimal':
        this.i32.set(old.i32.subarray(0, length * 4));
        break;
      default:
        this.i32.set(old.i32.subarray(0, length * 2));
    }
  }

  private alloc(n: number, bytesHint = 0): void {
    this.allocated = n;
    // Validity and booleans are packed into new bitmaps by finish(), so their byte-per-row buffers are reused.
    if (this.valid.length < n) this.valid = new Uint8Array(n);
    switch (this.kind) {
      case 'string':
        this.offsets = new Int32Array(n + 1);
        this.bytes = new Uint8Array(Math.max(1024, bytesHint > 0 ? bytesHint + (bytesHint >> 3) : n * 16));
        this.offsets[0] = 0;
        break;
      case 'boolean':
        if (this.u8.length < n) this.u8 = new Uint8Array(n);
        break;
      case 'double':
        this.f64 = new Float64Array(n);
        break;
      case 'int':
      case 'date':
        this.i32 = new Int32Array(n);
        break;
      case 'decimal':
        this.i32 = new Int32Array(n * 4);
        break;
      default:
        this.i32 = new Int32Array(n * 2);
    }
  }

  /** Drop rows from `n` on (to redo a run without its bad records). */
  truncate(n: number): void {
    for (let i = n; i < this.length; i++) if (this.valid[i] === 0) this.nulls--;
    this.length = n;
  }

  private ensureBytes(extra: number): void {
    const used = this.offsets[this.length]!;
    if (used + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, used + extra));
    next.set(this.bytes.subarray(0, used));
    this.bytes = next;
  }

  /**
   * Append column `col` of records `r0..r1` of the tokenizer's output. Rows
   * with `skip[r]` set are left out; values that do not parse are appended as
   * null and reported in `bad`.
   */
  append(t: CsvTokenizer, b: Uint8Array, col: number, ncols: number, r0: number, r1: number, skip: Uint8Array | undefined, bad: BadValue[]): void {
    const fs = t.fieldStart;
    const fe = t.fieldEnd;
    const ff = t.fieldFlags;
    this.reserve(r1 - r0);
    const valid = this.valid;
    const nulls = this.nullSpelling;
    const kind = this.kind;
    let n = this.length;
    if (kind === 'string') {
      const offsets = this.offsets;
      for (let r = r0; r < r1; r++) {
        if (skip !== undefined && skip[r] === 1) continue;
        const i = r * ncols + col;
        const s = fs[i]!;
        const e = fe[i]!;
        const flag = ff[i]!;
        let o = offsets[n]!;
        if (flag === 0 && isNullToken(b, s, e, nulls)) {
          if (!this.nullable) bad.push({ row: r, reason: `column ${JSON.stringify(this.field.name)} is required but the value is null` });
          valid[n] = 0;
          this.nulls++;
        } else {
          valid[n] = 1;
          if (o + (e - s) > this.bytes.length) {
            this.length = n;
            this.ensureBytes(e - s);
          }
          const out = this.bytes;
          if (flag === ESCAPED) o = unescapeInto(b, s, e, this.dialect, out, o);
          else if (e - s < 24) for (let k = s; k < e; k++) out[o++] = b[k]!;
          else {
            out.set(b.subarray(s, e), o);
            o += e - s;
          }
        }
        offsets[++n] = o;
      }
      this.length = n;
      return;
    }
    for (let r = r0; r < r1; r++) {
      if (skip !== undefined && skip[r] === 1) continue;
      const i = r * ncols + col;
      let src = b;
      let s = fs[i]!;
      let e = fe[i]!;
      const flag = ff[i]!;
      if (e === s || (flag === 0 && isNullToken(b, s, e, nulls))) {
        if (!this.nullable) bad.push({ row: r, reason: `column ${JSON.stringify(this.field.name)} is required but the value is null` });
        valid[n] = 0;
        this.nulls++;
        this.clear(n);
        n++;
        continue;
      }
      if (flag === ESCAPED) {
        if (this.scratch.length < e - s) this.scratch = new Uint8Array(e - s);
        e = unescapeInto(b, s, e, this.dialect, this.scratch, 0);
        s = 0;
        src = this.scratch;
      }
      let ok: boolean;
      switch (kind) {
        case 'int': {
          const v = parseInt32(src, s, e);
          ok = v === v;
          this.i32[n] = ok ? v : 0;
          break;
        }
        case 'long':
          ok = parseInt64Into(src, s, e, this.i32, n);
          break;
        case 'double': {
          const v = parseDouble(src, s, e);
          ok = v !== undefined;
          this.f64[n] = v ?? 0;
          break;
        }
        case 'decimal':
          ok = parseDecimalInto(src, s, e, this.precision, this.scale, this.i32, n);
          break;
        case 'date': {
          const v = parseDate(src, s, e);
          ok = v === v;
          this.i32[n] = ok ? v : 0;
          break;
        }
        case 'timestamp':
        case 'timestamptz':
          ok = parseTimestampInto(src, s, e, kind === 'timestamptz', this.i32, n);
          break;
        default: {
          const v = parseBool(src, s, e);
          ok = v >= 0;
          this.u8[n] = v > 0 ? 1 : 0;
        }
      }
      if (ok) valid[n] = 1;
      else {
        bad.push({ row: r, reason: `column ${JSON.stringify(this.field.name)}: ${describe(src, s, e)} is not a valid ${typeToString(this.type)}` });
        valid[n] = 0;
        this.nulls++;
        this.clear(n);
      }
      n++;
    }
    this.length = n;
  }

  private clear(n: number): void {
    switch (this.kind) {
      case 'double':
        this.f64[n] = 0;
        break;
      case 'boolean':
        this.u8[n] = 0;
        break;
      case 'int':
      case 'date':
        this.i32[n] = 0;
        break;
      case 'decimal':
        this.i32.fill(0, 4 * n, 4 * n + 4);
        break;
      case 'string':
        break;
      default:
        this.i32[2 * n] = this.i32[2 * n + 1] = 0;
    }
  }

  /** The column so far as Arrow Data; then {@link reset}. */
  finish(): Data {
    const n = this.length;
    const type = this.field.type as DataType;
    const nullBitmap = this.nulls > 0 ? pack(this.valid, n) : undefined;
    const nullCount = this.nulls;
    let data: Data;
    switch (this.kind) {
      case 'string':
        data = makeData({ type, length: n, nullCount, nullBitmap, valueOffsets: this.offsets.subarray(0, n + 1), data: this.bytes.subarray(0, this.offsets[n]) } as never);
        break;
      case 'boolean':
        data = makeData({ type, length: n, nullCount, nullBitmap, data: pack(this.u8, n) } as never);
        break;
      case 'double':
        data = makeData({ type, length: n, nullCount, nullBitmap, data: this.f64.subarray(0, n) } as never);
        break;
      case 'int':
      case 'date':
        data = makeData({ type, length: n, nullCount, nullBitmap, data: this.i32.subarray(0, n) } as never);
        break;
      case 'decimal':
        data = makeData({ type, length: n, nullCount, nullBitmap, data: new Uint32Array(this.i32.buffer, 0, n * 4) } as never);
        break;
      default:
        data = makeData({ type, length: n, nullCount, nullBitmap, data: new BigInt64Array(this.i32.buffer, 0, n) } as never);
    }
    this.reset();
    return data;
  }
}

function pack(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    out[i >> 3] =
      bytes[i]! | (bytes[i + 1]! << 1) | (bytes[i + 2]! << 2) | (bytes[i + 3]! << 3) | (bytes[i + 4]! << 4) | (bytes[i + 5]! << 5) | (bytes[i + 6]! << 6) | (bytes[i + 7]! << 7);
  }
  for (; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** The builder kind for an Iceberg type, or undefined when CSV cannot hold it. */
export function csvKindOf(type: IcebergType): CsvColumnKind | undefined {
  switch (type.type) {
    case 'string':
    case 'boolean':
    case 'int':
    case 'long':
    case 'double':
    case 'decimal':
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return type.type;
    default:
      return undefined;
  }
}
