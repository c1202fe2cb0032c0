/**
 * The byte-level CSV tokenizer: finds the fields of complete records in a
 * buffer of UTF-8 bytes without copying or decoding them. Records that span
 * the end of the buffer are left for the next call (the caller carries the
 * tail over), so the output does not depend on how the input was chunked.
 *
 * Per record it records field offsets, whether a field was quoted (and
 * whether it holds escape sequences), the 1-based line where the record
 * starts, and its byte range — for the malformed-record report.
 */

/** Bytes that shape records. `escape === quote` means RFC 4180 doubling (`""`). */
export interface CsvDialect {
  delimiter: number;
  /** -1 when quoting is off. */
  quote: number;
  /** -1 when there is no escape character. */
  escape: number;
}

/** Called for each malformed record: its line, why, and its byte range in the buffer. */
export type MalformedSink = (line: number, reason: string, start: number, end: number) => void;

const LF = 10;
const CR = 13;

/** A field is quoted and can be used as is. */
export const QUOTED = 1;
/** A field is quoted and holds escape sequences: unescape it before use. */
export const ESCAPED = 2;

/** Streaming tokenizer state plus the output of the last {@link tokenize} call. */
export class CsvTokenizer {
  /** Field byte offsets `[start, end)` in the buffer of the last call. */
  fieldStart = new Int32Array(1 << 14);
  fieldEnd = new Int32Array(1 << 14);
  /** 0, {@link QUOTED} or {@link ESCAPED} per field. */
  fieldFlags = new Uint8Array(1 << 14);
  /** Index of each record's first field; `rowFields[nRows]` is the total. */
  rowFields = new Int32Array(1 << 10);
  /** 1-based line where each record starts. */
  rowLine = new Float64Array(1 << 10);
  /** Byte range of each record (for error reports). */
  rowStart = new Int32Array(1 << 10);
  rowEnd = new Int32Array(1 << 10);
  nRows = 0;
  nFields = 0;
  /** The line number of the next record. */
  line = 1;
  private skipping = false;

  /**
   * @param expected fields per record, or -1 to accept any count (sampling)
   * @param maxRowBytes a record longer than this is malformed; the scan
   *   resumes after the first line break inside it (this bounds memory when a
   *   quote is never closed)
   */
  constructor(
    private readonly d: CsvDialect,
    public expected: number,
    private readonly maxRowBytes: number,
    private readonly onMalformed: MalformedSink,
  ) {}

  private growFields(): void {
    const n = this.fieldStart.length * 2;
    const s = new Int32Array(n);
    s.set(this.fieldStart);
    this.fieldStart = s;
    const e = new Int32Array(n);
    e.set(this.fieldEnd);
    this.fieldEnd = e;
    const f = new Uint8Array(n);
    f.set(this.fieldFlags);
    this.fieldFlags = f;
  }

  private growRows(): void {
    const n = this.rowFields.length * 2;
    const a = new Int32Array(n + 1);
    a.set(this.rowFields);
    this.rowFields = a;
    const l = new Float64Array(n);
    l.set(this.rowLine);
    this.rowLine = l;
    const s = new Int32Array(n);
    s.set(this.rowStart);
    this.rowStart = s;
    const e = new Int32Array(n);
    e.set(this.rowEnd);
    this.rowEnd = e;
  }

  /**
   * Tokenize the complete records of `b`. With `final` the buffer ends the
   * input (a last record without a line break is complete). Returns how many
   * bytes were consumed; the caller passes the rest again, followed by more
   * input, on the next call.
   */
  tokenize(b: Uint8Array, final: boolean): number {
    const D = this.d.delimiter;
    const Q = this.d.quote;
    const E = this.d.escape;
    const end = b.length;
    const maxRow = this.maxRowBytes;
    let p = 0;
    let line = this.line;
    let nf = 0;
    let nr = 0;
    this.nRows = 0;
    this.nFields = 0;
    if (this.skipping) {
      const nl = b.indexOf(LF);
      if (nl < 0) {
        if (final) this.skipping = false;
        return end;
      }
      this.skipping = false;
      line++;
      p = nl + 1;
    }
    rows: while (p < end) {
      const rowStart = p;
      const rowLine = line;
      const f0 = nf;
      const cap = rowStart + maxRow + 1;
      const lim = cap < end ? cap : end;
      let bad: string | undefined;
      let badAt = -1;
      let tooLong = false;
      let incomplete = false;
      for (;;) {
        if (nf === this.fieldStart.length) this.growFields();
        if (p < lim && b[p] === Q) {
          let q = p + 1;
          let flag = QUOTED;
          let closed = false;
          while (q < lim) {
            const c = b[q]!;
            if (c === Q) {
              if (E === Q) {
                if (q + 1 < lim && b[q + 1] === Q) {
                  flag = ESCAPED;
                  q += 2;
                  continue;
                }
                if (q + 1 >= lim && lim !== end) break;
                if (q + 1 >= end && !final) break;
              }
              closed = true;
              break;
            }
            if (c === E) {
              if (q + 1 < lim) {
                const n = b[q + 1];
                if (n === Q || n === E) {
                  flag = ESCAPED;
                  q += 2;
                  continue;
                }
              } else break;
            }
            if (c === LF) line++;
            q++;
          }
          if (!closed) {
            if (lim === cap && q >= lim - 1) tooLong = true;
            else if (!final) incomplete = true;
            else {
              bad = 'unbalanced quote: a quoted field is never closed';
              badAt = rowStart;
            }
            break;
          }
          this.fieldStart[nf] = p + 1;
          this.fieldEnd[nf] = q;
          this.fieldFlags[nf] = flag;
          nf++;
          p = q + 1;
          if (p >= lim) {
            if (lim === cap) tooLong = true;
            else if (!final) incomplete = true;
            break;
          }
          const c = b[p];
          if (c === D) {
            p++;
            continue;
          }
          if (c === LF) {
            p++;
            line++;
            break;
          }
          if (c === CR) {
            if (p + 1 >= lim) {
              if (lim === cap) tooLong = true;
              else if (!final) incomplete = true;
              else p++;
              break;
            }
            if (b[p + 1] === LF) {
              p += 2;
              line++;
              break;
            }
          }
          bad = `unexpected character ${JSON.stringify(String.fromCharCode(c!))} after a closing quote`;
          badAt = p;
          break;
        }
        let q = p;
        while (q < lim) {
          const c = b[q];
          if (c === D || c === LF) break;
          q++;
        }
        if (q >= lim) {
          if (lim === cap) {
            tooLong = true;
            break;
          }
          if (!final) {
            incomplete = true;
            break;
          }
        }
        let fe = q;
        if ((q >= end || b[q] === LF) && fe > p && b[fe - 1] === CR) fe--;
        this.fieldStart[nf] = p;
        this.fieldEnd[nf] = fe;
        this.fieldFlags[nf] = 0;
        nf++;
        if (q >= end) {
          p = q;
          break;
        }
        p = q + 1;
        if (b[q] === LF) {
          line++;
          break;
        }
      }
      if (incomplete) {
        nf = f0;
        line = rowLine;
        p = rowStart;
        break rows;
      }
      if (tooLong || bad !== undefined) {
        nf = f0;
        // Resume after the first line break at or after where the problem shows.
        const from = tooLong ? rowStart : badAt;
        const nl = b.indexOf(LF, from);
        if (nl < 0 && !final && !tooLong) {
          line = rowLine;
          p = rowStart;
          break rows;
        }
        const stop = nl < 0 ? end : nl;
        const reason = tooLong ? `the record is longer than maxRowBytes (${maxRow}); is a quote never closed?` : bad!;
        this.onMalformed(rowLine, reason, rowStart, stop);
        line = rowLine + countLines(b, rowStart, stop) + (nl < 0 ? 0 : 1);
        if (nl < 0) {
          if (!final) this.skipping = true;
          p = end;
        } else p = nl + 1;
        continue;
      }
      const count = nf - f0;
      if (count === 1 && this.fieldFlags[f0] === 0 && this.fieldEnd[f0] === this.fieldStart[f0]) {
        nf = f0; // an empty line
        continue;
      }
      if (this.expected >= 0 && count !== this.expected) {
        nf = f0;
        this.onMalformed(rowLine, `expected ${this.expected} fields, found ${count}`, rowStart, p);
        continue;
      }
      if (nr + 1 >= this.rowFields.length) this.growRows();
      this.rowFields[nr] = f0;
      this.rowLine[nr] = rowLine;
      this.rowStart[nr] = rowStart;
      this.rowEnd[nr] = p;
      nr++;
    }
    this.rowFields[nr] = nf;
    this.nRows = nr;
    this.nFields = nf;
    this.line = line;
    return p;
  }
}

function countLines(b: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i++) if (b[i] === LF) n++;
  return n;
}

/**
 * Copy a quoted field's content without its escape sequences into `out` at
 * `o`; returns the new end. `out` must have room for `e - s` bytes.
 */
export function unescapeInto(b: Uint8Array, s: number, e: number, d: CsvDialect, out: Uint8Array, o: number): number {
  const Q = d.quote;
  const E = d.escape;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c === E && i + 1 < e && (b[i + 1] === Q || b[i + 1] === E)) {
      out[o++] = b[++i]!;
      continue;
    }
    out[o++] = c;
  }
  return o;
}
