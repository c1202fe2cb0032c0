/**
 * `readCsv`: CSV bytes → Arrow record batches, streaming with bounded memory.
 *
 * The first records (`inferRows`) are buffered to sniff the delimiter, decide
 * whether there is a header, and infer the column types; then every record is
 * tokenized in place and converted column by column into Arrow buffers. Bad
 * records (wrong field count, unbalanced quotes, values that do not fit the
 * column type) are skipped and listed in `malformed` with their line numbers.
 */
import { RecordBatch, Schema as ArrowSchema, Struct, makeData } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { Types, optionalField, requiredField, typeToString } from '../../iceberg/spec/types.js';
import type { NestedField, StructType } from '../../iceberg/spec/types.js';
import { arrowToIcebergSchema } from '../arrow/from-arrow-schema.js';
import { icebergToArrowSchema } from '../arrow/schema.js';
import { TextColumnInference } from '../infer/infer.js';
import { DEFAULT_INFER_ROWS, DEFAULT_MAX_MALFORMED, DEFAULT_READ_BATCH_SIZE, MalformedLog, batchStream, chunksOf, positiveOption } from '../stream.js';
import type { ByteSource, RecordBatchStream } from '../stream.js';
import { utf8Chunks } from '../text-decode.js';
import { ColumnBuilder, csvKindOf } from './columns.js';
import type { BadValue, NullSpelling } from './columns.js';
import { DEFAULT_CSV_NULL_VALUES, DEFAULT_MAX_ROW_BYTES, dialectOf } from './options.js';
import type { CsvReadOptions } from './options.js';
import { SNIFF_BYTES, sniffDelimiter } from './sniff.js';
import { CsvTokenizer, ESCAPED, unescapeInto } from './tokenizer.js';
import type { CsvDialect } from './tokenizer.js';

/** Input is tokenized in pieces of at least this many bytes (small stream chunks are joined). */
export const CSV_READ_CHUNK_BYTES = 1024 * 1024;
/** The inference sample stops at this many bytes even if it has fewer than `inferRows` records. */
export const MAX_SAMPLE_BYTES = 32 * 1024 * 1024;

const LF = 10;
const decoder = new TextDecoder();

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function fieldText(t: CsvTokenizer, b: Uint8Array, i: number, d: CsvDialect): string {
  const s = t.fieldStart[i]!;
  const e = t.fieldEnd[i]!;
  if (t.fieldFlags[i] !== ESCAPED) return decoder.decode(b.subarray(s, e));
  const out = new Uint8Array(e - s);
  return decoder.decode(out.subarray(0, unescapeInto(b, s, e, d, out, 0)));
}

function recordText(b: Uint8Array, s: number, e: number): string {
  return decoder.decode(b.subarray(s, Math.min(e, s + 4096))).replace(/\r?\n$/, '');
}

function columnNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    let name = raw.trim() === '' ? `column${i}` : raw;
    for (let k = 1; seen.has(name); k++) name = `${raw}_${k}`;
    seen.add(name);
    return name;
  });
}

interface Sample {
  /** The sampled bytes (the start of the input). */
  bytes: Uint8Array;
  /** Whether the sample is the whole input. */
  eof: boolean;
  dialect: CsvDialect;
}

/** Split chunks larger than {@link CSV_READ_CHUNK_BYTES} (a whole file given as one array). */
async function* rechunk(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    if (c.length <= CSV_READ_CHUNK_BYTES) yield c;
    else for (let o = 0; o < c.length; o += CSV_READ_CHUNK_BYTES) yield c.subarray(o, o + CSV_READ_CHUNK_BYTES);
  }
}

/**
 * Read the start of the input: at least {@link SNIFF_BYTES} (to sniff the
 * delimiter) and at least `rows + 2` complete records (the header and the
 * inference rows), so every decision depends on the content only, never on
 * how it was chunked.
 */
async function takeSample(it: AsyncIterator<Uint8Array>, rows: number, options: CsvReadOptions, maxRowBytes: number): Promise<Sample> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let lines = 0;
  let target = rows + 2;
  let eof = false;
  let dialect: CsvDialect | undefined;
  for (;;) {
    if (eof || total >= MAX_SAMPLE_BYTES || (total >= SNIFF_BYTES && lines >= target)) {
      const bytes = concat(chunks, total);
      chunks.length = 0;
      chunks.push(bytes);
      dialect ??= dialectFor(options, bytes, eof);
      if (eof || total >= MAX_SAMPLE_BYTES) return { bytes, eof, dialect };
      const t = new CsvTokenizer(dialect, -1, maxRowBytes, () => undefined);
      t.tokenize(bytes, false);
      if (t.nRows >= rows + 2) return { bytes, eof, dialect };
      target = lines * 2;
    }
    const r = await it.next();
    if (r.done) {
      eof = true;
      continue;
    }
    chunks.push(r.value);
    total += r.value.length;
    for (let i = r.value.indexOf(LF); i >= 0; i = r.value.indexOf(LF, i + 1)) lines++;
  }
}

function dialectFor(options: CsvReadOptions, head: Uint8Array, eof: boolean): CsvDialect {
  if (options.delimiter !== undefined && options.delimiter !== 'auto') return dialectOf(options, options.delimiter);
  const base = dialectOf(options, ',');
  return dialectOf(options, sniffDelimiter(head, base.quote, base.escape, eof));
}

interface Layout {
  schema: ArrowSchema;
  iceberg: StructType;
  /** Byte offset after the header record (0 without a header), and the line that follows it. */
  dataStart: number;
  dataLine: number;
}

function nullSpellingOf(options: CsvReadOptions): NullSpelling {
  const values = options.nullValues ?? DEFAULT_CSV_NULL_VALUES;
  const enc = new TextEncoder();
  return { empty: values.includes(''), tokens: values.filter((v) => v !== '').map((v) => enc.encode(v)) };
}

function isNull(t: CsvTokenizer, b: Uint8Array, i: number, nulls: NullSpelling): boolean {
  const s = t.fieldStart[i]!;
  const e = t.fieldEnd[i]!;
  if (e === s) return true;
  if (t.fieldFlags[i] !== 0) return false;
  const text = b.subarray(s, e);
  return nulls.tokens.some((tok) => tok.length === text.length && tok.every((x, k) => x === text[k]));
}

function inferColumns(t: CsvTokenizer, b: Uint8Array, rows: number[], ncols: number, nulls: NullSpelling, d: CsvDialect): TextColumnInference[] {
  const cols = Array.from({ length: ncols }, () => new TextColumnInference());
  const scratch = { buf: new Uint8Array(256) };
  for (const r of rows) {
    const f0 = t.rowFields[r]!;
    for (let c = 0; c < ncols; c++) {
      const i = f0 + c;
      if (isNull(t, b, i, nulls)) cols[c]!.addNull();
      else if (t.fieldFlags[i] === ESCAPED) {
        const len = t.fieldEnd[i]! - t.fieldStart[i]!;
        if (scratch.buf.length < len) scratch.buf = new Uint8Array(len);
        cols[c]!.add(scratch.buf, 0, unescapeInto(b, t.fieldStart[i]!, t.fieldEnd[i]!, d, scratch.buf, 0));
      } else cols[c]!.add(b, t.fieldStart[i]!, t.fieldEnd[i]!);
    }
  }
  return cols;
}

function decideLayout(sample: Sample, d: CsvDialect, options: CsvReadOptions, inferRows: number, maxRowBytes: number): Layout {
  const t = new CsvTokenizer(d, -1, maxRowBytes, () => undefined);
  t.tokenize(sample.bytes, sample.eof);
  const nulls = nullSpellingOf(options);
  const counts = new Map<number, number>();
  const limit = Math.min(t.nRows, inferRows + 1);
  for (let r = 0; r < limit; r++) {
    const n = t.rowFields[r + 1]! - t.rowFields[r]!;
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const first = t.nRows > 0 ? t.rowFields[1]! - t.rowFields[0]! : 0;
  let ncols = options.schema?.fields.length ?? first;
  if (options.schema === undefined && options.header !== true) {
    let modeRows = 0;
    for (const [n, c] of counts) if (c > modeRows || (c === modeRows && n === first)) [ncols, modeRows] = [n, c];
  }
  const fits = (r: number): boolean => t.rowFields[r + 1]! - t.rowFields[r]! === ncols;
  const dataRows: number[] = [];
  for (let r = 1; r < limit; r++) if (fits(r)) dataRows.push(r);
  let header: boolean;
  if (typeof options.header === 'boolean') header = options.header;
  else if (t.nRows === 0 || !fits(0)) header = false;
  else {
    const without = inferColumns(t, sample.bytes, dataRows, ncols, nulls, d).map((c) => c.result().type);
    const withFirst = inferColumns(t, sample.bytes, [0, ...dataRows], ncols, nulls, d).map((c) => c.result().type);
    const typed = without.some((ty) => ty.type !== 'string');
    if (typed) header = without.some((ty, c) => ty.type !== 'string' && withFirst[c]!.type === 'string');
    else {
      // All text: a header row has distinct, non-empty names that are not numbers or dates.
      const names = Array.from({ length: ncols }, (_, c) => fieldText(t, sample.bytes, t.rowFields[0]! + c, d));
      const firstTypes = inferColumns(t, sample.bytes, [0], ncols, nulls, d).map((c) => c.result().type);
      header = dataRows.length > 0 && names.every((n) => n.trim() !== '') && new Set(names).size === names.length && firstTypes.every((ty) => ty.type === 'string');
    }
  }
  const dataStart = header && t.nRows > 0 ? t.rowEnd[0]! : 0;
  let dataLine = 1;
  if (header && t.nRows > 0) {
    dataLine = t.rowLine[0]!;
    for (let i = t.rowStart[0]!; i < dataStart; i++) if (sample.bytes[i] === LF) dataLine++;
  }
  if (options.schema !== undefined) {
    const iceberg = arrowToIcebergSchema(options.schema);
    for (const f of iceberg.fields) {
      if (csvKindOf(f.type) === undefined) {
        throw new ValidationError(`schema column ${JSON.stringify(f.name)} has type ${typeToString(f.type)}, which a CSV column cannot be read as; use string, boolean, int, long, double, decimal, date or timestamp`, {
          context: { column: f.name },
        });
      }
    }
    return { schema: icebergToArrowSchema(iceberg), iceberg, dataStart, dataLine };
  }
  const names = columnNames(Array.from({ length: ncols }, (_, c) => (header && t.nRows > 0 ? fieldText(t, sample.bytes, t.rowFields[0]! + c, d) : `column${c}`)));
  const rows = header ? dataRows : [...(t.nRows > 0 && fits(0) ? [0] : []), ...dataRows];
  const complete = sample.eof && t.nRows <= inferRows + 1;
  const inferred = inferColumns(t, sample.bytes, rows, ncols, nulls, d);
  const fields: NestedField[] = inferred.map((c, i) => {
    const { type, nullable } = c.result({ complete, ...(options.decimals !== undefined ? { decimals: options.decimals } : {}) });
    return nullable ? optionalField(i + 1, names[i]!, type) : requiredField(i + 1, names[i]!, type);
  });
  const iceberg = Types.struct(fields);
  return { schema: icebergToArrowSchema(iceberg), iceberg, dataStart, dataLine };
}

/**
 * Read CSV as Arrow record batches, streaming: memory stays bounded by the
 * inference sample, one batch and one input chunk, whatever the file size.
 *
 * Records follow RFC 4180 (quoted fields may hold delimiters, quotes doubled
 * as `""` and line breaks; `\n` or `\r\n` ends a record) with the dialect
 * options below. Empty lines are skipped. Types are inferred from the first
 * `inferRows` records unless `schema` is given. Records that cannot be read
 * are skipped and listed in `stream.malformed` with their line numbers.
 *
 * @example
 * ```ts
 * const stream = readCsv(new TextEncoder().encode('id,amount\n1,12.50\n2,oops,3\n'));
 * for await (const batch of stream) console.log(batch.numRows); // 1
 * stream.malformed; // [{ line: 3, reason: 'expected 2 fields, found 3', text: '2,oops,3' }]
 * ```
 */
export function readCsv(src: ByteSource, options: CsvReadOptions = {}): RecordBatchStream {
  const { batchSize, inferRows, maxRowBytes, maxMalformed } = checkCsvReadOptions(options);
  const log = new MalformedLog(maxMalformed, 'CSV');
  return batchStream(log.records, (setSchema) => run(src, options, batchSize, inferRows, maxRowBytes, log, setSchema));
}

/** Validate {@link CsvReadOptions} (throws ValidationError naming the option) and resolve the numeric ones. */
export function checkCsvReadOptions(options: CsvReadOptions): { batchSize: number; inferRows: number; maxRowBytes: number; maxMalformed: number } {
  const batchSize = positiveOption('batchSize', options.batchSize, DEFAULT_READ_BATCH_SIZE);
  const inferRows = positiveOption('inferRows', options.inferRows, DEFAULT_INFER_ROWS);
  const maxRowBytes = positiveOption('maxRowBytes', options.maxRowBytes, DEFAULT_MAX_ROW_BYTES);
  const maxMalformed = positiveOption('maxMalformed', options.maxMalformed, DEFAULT_MAX_MALFORMED);
  if (options.delimiter !== undefined && options.delimiter !== 'auto') dialectOf(options, options.delimiter);
  if (options.header !== undefined && typeof options.header !== 'boolean' && options.header !== 'auto') {
    throw new ValidationError(`header must be true, false or 'auto', got ${JSON.stringify(options.header)}`, { context: { option: 'header' } });
  }
  return { batchSize, inferRows, maxRowBytes, maxMalformed };
}

async function* run(
  src: ByteSource,
  options: CsvReadOptions,
  batchSize: number,
  inferRows: number,
  maxRowBytes: number,
  log: MalformedLog,
  setSchema: (s: ArrowSchema) => void,
): AsyncGenerator<RecordBatch> {
  const it = rechunk(utf8Chunks(chunksOf(src), options.encoding))[Symbol.asyncIterator]();
  const sample = await takeSample(it, inferRows, options, maxRowBytes);
  const d = sample.dialect;
  const layout = decideLayout(sample, d, options, inferRows, maxRowBytes);
  setSchema(layout.schema);
  const ncols = layout.schema.fields.length;
  const nulls = nullSpellingOf(options);
  const builders = layout.iceberg.fields.map(
    (f, i) => new ColumnBuilder(csvKindOf(f.type)!, layout.schema.fields[i]!, f.type, !f.required, batchSize, d, nulls),
  );
  const structType = new Struct(layout.schema.fields);
  let buf = sample.bytes;
  const tok = new CsvTokenizer(d, ncols, maxRowBytes, (line, reason, s, e) => log.add(line, reason, recordText(buf, s, e)));
  tok.line = layout.dataLine;
  let skip = new Uint8Array(0);

  const flush = (): RecordBatch => {
    const n = builders.length > 0 ? builders[0]!.length : 0;
    const children = builders.map((bld) => bld.finish());
    return new RecordBatch(layout.schema, makeData({ type: structType, length: n, nullCount: 0, children }));
  };

  function* emit(b: Uint8Array): Generator<RecordBatch> {
    if (ncols === 0) return;
    const rows = tok.nRows;
    let r = 0;
    while (r < rows) {
      const n0 = builders[0]!.length;
      const r1 = Math.min(rows, r + (batchSize - n0));
      const bad: BadValue[] = [];
      for (let c = 0; c < ncols; c++) builders[c]!.append(tok, b, c, ncols, r, r1, undefined, bad);
      if (bad.length > 0) {
        if (skip.length < rows) skip = new Uint8Array(rows);
        skip.fill(0, r, r1);
        const reasons = new Map<number, string>();
        for (const v of bad) if (!reasons.has(v.row)) reasons.set(v.row, v.reason);
        for (const [row, reason] of [...reasons].sort((x, y) => x[0] - y[0])) {
          skip[row] = 1;
          log.add(tok.rowLine[row]!, reason, recordText(b, tok.rowStart[row]!, tok.rowEnd[row]!));
        }
        for (const bld of builders) bld.truncate(n0);
        for (let c = 0; c < ncols; c++) builders[c]!.append(tok, b, c, ncols, r, r1, skip, bad);
      }
      r = r1;
      if (builders[0]!.length === batchSize) yield flush();
    }
  }

  let pending: Uint8Array[] = [sample.bytes.subarray(layout.dataStart)];
  let pendingLen = pending[0]!.length;
  let want = CSV_READ_CHUNK_BYTES;
  if (!sample.eof) {
    for (;;) {
      if (pendingLen >= want) {
        buf = concat(pending, pendingLen);
        const consumed = tok.tokenize(buf, false);
        yield* emit(buf);
        const rest = buf.slice(consumed);
        pending = [rest];
        pendingLen = rest.length;
        want = consumed === 0 ? Math.max(CSV_READ_CHUNK_BYTES, buf.length * 2) : CSV_READ_CHUNK_BYTES;
      }
      const r = await it.next();
      if (r.done) break;
      pending.push(r.value);
      pendingLen += r.value.length;
    }
  }
  buf = concat(pending, pendingLen);
  tok.tokenize(buf, true);
  yield* emit(buf);
  if (ncols > 0 && builders[0]!.length > 0) yield flush();
}
