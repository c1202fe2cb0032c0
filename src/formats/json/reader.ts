/**
 * `readJson`: JSON Lines or one JSON array of objects → Arrow record batches,
 * streaming. The form is detected from the first non-blank byte (`[` means
 * an array). Records are split at the byte level (lines, or the top-level
 * elements of the array), each parsed with `JSON.parse`; nested objects
 * become Arrow structs and arrays become lists. Records that are not valid
 * JSON objects, or hold values that do not fit the inferred types, are
 * skipped and listed in `malformed` with their line numbers.
 */
import type { RecordBatch, Schema as ArrowSchema } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { IcebergType, StructType } from '../../iceberg/spec/types.js';
import { arrowToIcebergSchema } from '../arrow/from-arrow-schema.js';
import { rowsToArrow } from '../arrow/rows-to-arrow.js';
import { icebergToArrowSchema } from '../arrow/schema.js';
import { JsonInference } from '../infer/infer.js';
import { timestampKind } from '../infer/text-values.js';
import { DEFAULT_INFER_ROWS, DEFAULT_MAX_MALFORMED, DEFAULT_READ_BATCH_SIZE, MalformedLog, batchStream, chunksOf, positiveOption } from '../stream.js';
import type { ByteSource, CommonReadOptions, RecordBatchStream } from '../stream.js';
import { utf8Chunks } from '../text-decode.js';
import type { TextEncoding } from '../text-decode.js';
import { JsonSplitter } from './split.js';
import type { JsonRecordText } from './split.js';

/** Options for {@link readJson}. */
export interface JsonReadOptions extends CommonReadOptions {
  /** Explicit Arrow schema (skips inference); record keys map to fields by name, other keys are ignored. */
  schema?: ArrowSchema;
  /** Text encoding unless a byte-order mark says otherwise. @default 'utf-8' */
  encoding?: TextEncoding;
  /** Longest record accepted, in bytes. @default {@link DEFAULT_MAX_JSON_RECORD_BYTES} */
  maxRecordBytes?: number;
}

/** Longest JSON record accepted: 16 MiB. */
export const DEFAULT_MAX_JSON_RECORD_BYTES = 16 * 1024 * 1024;

const ENC = new TextEncoder();

/** Bring a parsed value into the form `rowsToArrow` accepts for `type` (JSON has no dates or decimals of its own). */
function normalize(v: unknown, type: IcebergType): unknown {
  if (v === null || v === undefined) return null;
  switch (type.type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'timestamp':
    case 'timestamptz':
      if (typeof v === 'string') {
        const b = ENC.encode(v);
        const kind = timestampKind(b, 0, b.length);
        if (kind === 0) return v;
        let t = v.length === 10 ? `${v}T00:00:00` : v.replace(' ', 'T');
        // Iceberg's parser wants ±HH:MM offsets.
        t = t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
        return t;
      }
      return v;
    case 'struct': {
      if (typeof v !== 'object' || Array.isArray(v)) return v;
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = normalize(o[f.name], f.type);
      return out;
    }
    case 'list':
      return Array.isArray(v) ? v.map((x) => normalize(x, type.element)) : v;
    default:
      return v;
  }
}

function normalizeRow(o: Record<string, unknown>, schema: StructType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema.fields) out[f.name] = normalize(o[f.name], f.type);
  return out;
}

/**
 * Read JSON Lines, or a JSON array of objects, as Arrow record batches,
 * streaming with bounded memory (a batch, the sample, one input chunk).
 *
 * @example
 * ```ts
 * const stream = readJson(new TextEncoder().encode('{"id":1,"tags":["a"]}\n{"id":2,"tags":[]}\n'));
 * for await (const batch of stream) console.log(batch.numRows); // 2
 * String((await stream.schema).fields[1]!.type); // 'List<Utf8>'
 * ```
 */
export function readJson(src: ByteSource, options: JsonReadOptions = {}): RecordBatchStream {
  const batchSize = positiveOption('batchSize', options.batchSize, DEFAULT_READ_BATCH_SIZE);
  const inferRows = positiveOption('inferRows', options.inferRows, DEFAULT_INFER_ROWS);
  const maxRecordBytes = positiveOption('maxRecordBytes', options.maxRecordBytes, DEFAULT_MAX_JSON_RECORD_BYTES);
  const log = new MalformedLog(positiveOption('maxMalformed', options.maxMalformed, DEFAULT_MAX_MALFORMED), 'JSON');
  return batchStream(log.records, (setSchema) => run(src, options, batchSize, inferRows, maxRecordBytes, log, setSchema));
}

async function* records(src: ByteSource, options: JsonReadOptions, maxRecordBytes: number, log: MalformedLog): AsyncGenerator<{ line: number; value: Record<string, unknown>; text: string }[]> {
  const splitter = new JsonSplitter(maxRecordBytes, (line, reason, text) => log.add(line, reason, text));
  const parse = (texts: JsonRecordText[]): { line: number; value: Record<string, unknown>; text: string }[] => {
    const out: { line: number; value: Record<string, unknown>; text: string }[] = [];
    for (const t of texts) {
      let value: unknown;
      try {
        value = JSON.parse(t.text);
      } catch (e) {
        log.add(t.line, `invalid JSON: ${(e as Error).message}`, t.text);
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        log.add(t.line, `expected a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, t.text);
        continue;
      }
      out.push({ line: t.line, value: value as Record<string, unknown>, text: t.text });
    }
    return out;
  };
  for await (const chunk of utf8Chunks(chunksOf(src), options.encoding)) {
    const got = parse(splitter.push(chunk));
    if (got.length > 0) yield got;
  }
  const last = parse(splitter.end());
  if (last.length > 0) yield last;
}

async function* run(
  src: ByteSource,
  options: JsonReadOptions,
  batchSize: number,
  inferRows: number,
  maxRecordBytes: number,
  log: MalformedLog,
  setSchema: (s: ArrowSchema) => void,
): AsyncGenerator<RecordBatch> {
  const it = records(src, options, maxRecordBytes, log)[Symbol.asyncIterator]();
  let buffered: { line: number; value: Record<string, unknown>; text: string }[] = [];
  let eof = false;
  while (buffered.length < inferRows) {
    const r = await it.next();
    if (r.done) {
      eof = true;
      break;
    }
    buffered.push(...r.value);
  }
  let schema: StructType;
  if (options.schema !== undefined) schema = arrowToIcebergSchema(options.schema);
  else {
    const inf = new JsonInference();
    for (const r of buffered.slice(0, inferRows)) inf.add(r.value);
    schema = { type: 'struct', fields: inf.fields({ complete: eof }) };
  }
  const arrowSchema = icebergToArrowSchema(schema);
  setSchema(arrowSchema);
  if (schema.fields.length === 0) return;

  const toBatch = (rows: { line: number; value: Record<string, unknown>; text: string }[]): RecordBatch | undefined => {
    const normalized = rows.map((r) => normalizeRow(r.value, schema));
    try {
      return rowsToArrow(normalized, schema).batches[0];
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
    }
    // Some record does not fit: find which, one by one, and build the rest.
    const good: Record<string, unknown>[] = [];
    normalized.forEach((row, i) => {
      try {
        rowsToArrow([row], schema);
        good.push(row);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        log.add(rows[i]!.line, e.message.replace(/^row 0, /, ''), rows[i]!.text);
      }
    });
    return good.length > 0 ? rowsToArrow(good, schema).batches[0] : undefined;
  };

  for (;;) {
    while (buffered.length >= batchSize || (eof && buffered.length > 0)) {
      const b = toBatch(buffered.slice(0, batchSize));
      buffered = buffered.slice(batchSize);
      if (b !== undefined) yield b;
    }
    if (eof) return;
    const r = await it.next();
    if (r.done) eof = true;
    else buffered.push(...r.value);
  }
}
