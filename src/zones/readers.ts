/**
 * Bronze files through the `lakekit/formats` streaming readers: a
 * `describe` hook for ingestion (format, schema, malformed rows with line
 * numbers) and a `decode` hook for promotion (Arrow, malformed rows kept in
 * bronze and reported).
 */
import { Table as ArrowTable, type RecordBatch, type Schema as ArrowSchema } from 'apache-arrow';
import { UnsupportedError } from '../errors.js';
import { readCsv } from '../formats/csv/reader.js';
import type { CsvReadOptions } from '../formats/csv/options.js';
import { detectFormat, DETECT_HEAD_BYTES } from '../formats/detect.js';
import { readJson } from '../formats/json/reader.js';
import { readAvro } from '../formats/readers/avro.js';
import { readParquet } from '../formats/readers/parquet.js';
import type { RecordBatchStream } from '../formats/stream.js';
import { MemoryFileIO } from '../io/memory.js';
import type { DescribeFile, FileDescription } from './bronze.js';
import type { DecodeFile, DecodedFile } from './promote.js';

/** Options for the reader-backed hooks. */
export interface ReaderHookOptions {
  /** Options passed to `readCsv` (delimiter, header, encoding, nulls…). */
  csv?: CsvReadOptions;
}

function open(name: string, bytes: Uint8Array, options: ReaderHookOptions): { format: string; stream: RecordBatchStream | undefined } {
  const format = detectFormat(name, bytes.subarray(0, DETECT_HEAD_BYTES));
  switch (format) {
    case 'csv':
      return { format, stream: readCsv(bytes, options.csv) };
    case 'json':
    case 'jsonl':
      return { format, stream: readJson(bytes) };
    case 'avro':
      return { format, stream: readAvro(bytes) };
    case 'parquet': {
      const io = new MemoryFileIO();
      const loc = `memory://bronze/${crypto.randomUUID()}.parquet`;
      const stream = (async () => {
        await io.write(loc, bytes);
        return readParquet(io, loc);
      })();
      return { format, stream: lazyStream(stream) };
    }
    default:
      return { format, stream: undefined };
  }
}

/** A stream whose reader is created asynchronously. */
function lazyStream(pending: Promise<RecordBatchStream>): RecordBatchStream {
  const malformed: RecordBatchStream['malformed'] = [];
  return {
    schema: pending.then((s) => s.schema),
    malformed,
    async *[Symbol.asyncIterator]() {
      const s = await pending;
      yield* s;
      malformed.push(...s.malformed);
    },
  };
}

function describeSchema(schema: ArrowSchema): { name: string; type: string; nullable: boolean }[] {
  return schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
}

/**
 * A bronze `describe` hook that reads each CSV, JSON, JSONL, Avro or Parquet
 * file through the streaming readers and records its schema and malformed
 * rows (other formats: the detected format only). It reads the whole file,
 * so it costs a parse per ingest.
 *
 * @example
 * ```ts
 * const bronze = new BronzeWriter({ root, io, describe: describeWithReaders() });
 * ```
 */
export function describeWithReaders(options: ReaderHookOptions = {}): DescribeFile {
  return async ({ name, bytes }): Promise<FileDescription> => {
    const { format, stream } = open(name, bytes, options);
    if (stream === undefined) return { format };
    try {
      for await (const batch of stream) void batch;
      return { format, schema: describeSchema(await stream.schema), malformed: stream.malformed };
    } catch (e) {
      // Bronze keeps every byte: a file the reader cannot parse is still stored, and says why.
      return { format, malformed: [{ line: 0, reason: `unreadable as ${format}: ${(e as Error).message}`, text: '' }] };
    }
  };
}

/**
 * A promotion `decode` hook over the streaming readers: CSV, JSON, JSONL,
 * Avro and Parquet become Arrow; malformed rows are returned for the report
 * (they stay in bronze). Other formats are refused with `UnsupportedError`.
 */
export function decodeWithReaders(options: ReaderHookOptions = {}): DecodeFile {
  return async ({ entry, bytes }): Promise<DecodedFile> => {
    const { format, stream } = open(entry.name, bytes, options);
    if (stream === undefined) throw new UnsupportedError(`bronze file ${entry.key} is ${format}, which has no reader; pass promote() a decode hook for it`, { context: { key: entry.key, format } });
    const batches: RecordBatch[] = [];
    for await (const b of stream) batches.push(b);
    const schema = await stream.schema;
    return { table: batches.length === 0 ? new ArrowTable(schema) : new ArrowTable(schema, batches), malformed: stream.malformed };
  };
}
