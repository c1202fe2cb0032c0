/**
 * Splits a UTF-8 byte stream into the texts of JSON records: lines for JSON
 * Lines, or the top-level elements of a JSON array (found by tracking
 * nesting and strings byte by byte), each with the line where it starts.
 * Works chunk by chunk; only the record in progress is kept.
 */

/** One record's text and the 1-based line where it starts. */
export interface JsonRecordText {
  line: number;
  text: string;
}

const LF = 10;
const decoder = new TextDecoder();

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Stateful splitter; the form (lines or array) is fixed by the first non-blank byte. */
export class JsonSplitter {
  private mode: 'unknown' | 'lines' | 'array' | 'after' | 'ignore' = 'unknown';
  private buf = new Uint8Array(0);
  /** Next byte to scan in `buf`. */
  private pos = 0;
  /** Start of the record in progress in `buf`, or -1. */
  private start = -1;
  private startLine = 0;
  private line = 1;
  private skipping = false;
  // array-mode scanner state
  private depth = 0;
  private inString = false;
  private escaped = false;
  private arrayOpen = false;

  constructor(
    private readonly maxRecordBytes: number,
    private readonly onMalformed: (line: number, reason: string, text: string) => void,
  ) {}

  /** The form detected so far: `jsonl`, `json` (an array), or undefined before the first non-blank byte. */
  get form(): 'jsonl' | 'json' | undefined {
    return this.mode === 'lines' ? 'jsonl' : this.mode === 'array' || this.mode === 'after' || this.mode === 'ignore' ? 'json' : undefined;
  }

  private append(chunk: Uint8Array): void {
    const keep = this.start >= 0 ? this.start : this.pos;
    const rest = this.buf.length - keep;
    const next = new Uint8Array(rest + chunk.length);
    next.set(this.buf.subarray(keep));
    next.set(chunk, rest);
    this.buf = next;
    this.pos -= keep;
    if (this.start >= 0) this.start -= keep;
  }

  /** Feed a chunk; returns the records it completed. */
  push(chunk: Uint8Array): JsonRecordText[] {
    this.append(chunk);
    const out: JsonRecordText[] = [];
    this.scan(out, false);
    return out;
  }

  /** End of input; returns the last records. */
  end(): JsonRecordText[] {
    const out: JsonRecordText[] = [];
    this.scan(out, true);
    if (this.mode === 'array' && this.arrayOpen) {
      const text = this.start >= 0 ? decoder.decode(this.buf.subarray(this.start)) : '';
      this.onMalformed(this.start >= 0 ? this.startLine : this.line, 'the JSON array is not closed: the input ends inside it', text);
    }
    return out;
  }

  private text(s: number, e: number): string {
    return decoder.decode(this.buf.subarray(s, e));
  }

  private scan(out: JsonRecordText[], final: boolean): void {
    const b = this.buf;
    if (this.mode === 'ignore') {
      this.pos = b.length;
      return;
    }
    if (this.mode === 'unknown') {
      while (this.pos < b.length && isBlank(b[this.pos]!)) {
        if (b[this.pos] === LF) this.line++;
        this.pos++;
      }
      if (this.pos === b.length) return;
      this.mode = b[this.pos] === 91 ? 'array' : 'lines';
    }
    if (this.mode === 'lines') this.scanLines(out, final);
    else this.scanArray(out);
  }

  private scanLines(out: JsonRecordText[], final: boolean): void {
    const b = this.buf;
    for (;;) {
      const nl = b.indexOf(LF, this.pos);
      if (nl < 0) {
        if (this.skipping) {
          this.pos = b.length;
          if (final) this.skipping = false;
          return;
        }
        if (b.length - this.pos > this.maxRecordBytes) {
          this.onMalformed(this.line, `the record is longer than maxRecordBytes (${this.maxRecordBytes})`, this.text(this.pos, this.pos + 1024));
          this.skipping = true;
          this.pos = b.length;
          return;
        }
        if (final && this.pos < b.length) this.emitLine(out, this.pos, b.length);
        if (final) this.pos = b.length;
        return;
      }
      if (this.skipping) this.skipping = false;
      else if (nl - this.pos > this.maxRecordBytes) {
        this.onMalformed(this.line, `the record is longer than maxRecordBytes (${this.maxRecordBytes})`, this.text(this.pos, this.pos + 1024));
      } else this.emitLine(out, this.pos, nl);
      this.line++;
      this.pos = nl + 1;
    }
  }

  private emitLine(out: JsonRecordText[], s: number, e: number): void {
    const b = this.buf;
    let a = s;
    let z = e;
    while (a < z && isBlank(b[a]!)) a++;
    while (z > a && isBlank(b[z - 1]!)) z--;
    if (a < z) out.push({ line: this.line, text: this.text(a, z) });
  }

  private endElement(out: JsonRecordText[], end: number): void {
    if (this.skipping) {
      this.onMalformed(this.startLine, `the record is longer than maxRecordBytes (${this.maxRecordBytes})`, '');
      this.skipping = false;
    } else if (this.start >= 0) {
      let z = end;
      while (z > this.start && isBlank(this.buf[z - 1]!)) z--;
      out.push({ line: this.startLine, text: this.text(this.start, z) });
    }
    this.start = -1;
  }

  private scanArray(out: JsonRecordText[]): void {
    const b = this.buf;
    let p = this.pos;
    while (p < b.length) {
      const c = b[p]!;
      if (this.mode === 'after') {
        if (!isBlank(c)) {
          this.onMalformed(this.line, 'text after the end of the JSON array', this.text(p, Math.min(b.length, p + 1024)));
          this.mode = 'ignore';
          this.pos = b.length;
          return;
        }
        if (c === LF) this.line++;
        p++;
        continue;
      }
      if (c === LF) this.line++;
      if (!this.arrayOpen) {
        // The first byte is '[' (that is how the form was chosen).
        this.arrayOpen = true;
        p++;
        continue;
      }
      const inElement = this.start >= 0 || this.skipping;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (!inElement) {
        if (c === 93) {
          this.arrayOpen = false;
          this.mode = 'after';
        } else if (!isBlank(c) && c !== 44) {
          this.start = p;
          this.startLine = this.line;
          this.depth = 0;
          if (c === 34) this.inString = true;
          else if (c === 123 || c === 91) this.depth = 1;
        }
      } else if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        if (this.depth === 0 && c === 93) {
          this.endElement(out, p);
          this.arrayOpen = false;
          this.mode = 'after';
        } else if (this.depth > 0) this.depth--;
      } else if (c === 44 && this.depth === 0) this.endElement(out, p);
      p++;
      if (this.start >= 0 && p - this.start > this.maxRecordBytes) {
        this.start = -1;
        this.skipping = true;
      }
    }
    this.pos = p;
  }
}
