/**
 * Bronze files through the `lakekit/formats` streaming readers: a
 * `describe` hook for ingestion (format, schema, malformed rows with line
 * numbers), a streaming `read` hook for promotion (record batches straight
 * from the stored object, bounded memory), and the whole-file `decode` hook
 * kept for callers that already hold the bytes.
 */
import { Table as ArrowTable, type RecordBatch, type Schema as ArrowSchema } from 'apache-arrow';
import { UnsupportedError } from '../errors.js';
import { readCsv } from '../formats/csv/reader.js';
import type { CsvReadOptions } from '../formats/csv/options.js';
import { detectFormat, DETECT_HEAD_BYTES } from '../formats/detect.js';
import { readJson } from '../formats/json/reader.js';
import { readAvro } from '../formats/readers/avro.js';
import { readParquet } from '../formats/readers/parquet.js';
import type { ByteSource, RecordBatchStream } from '../formats/stream.js';
import type { FileIO } from '../io/file-io.js';
import { MemoryFileIO } from '../io/memory.js';
import type { DescribeFile, FileDescription } from './bronze.js';
import type { BronzeObject, DecodeFile, DecodedFile, ReadBronzeFile } from './promote.js';

/** Options for the reader-backed hooks. */
export interface ReaderHookOptions {
  /** Options passed to `readCsv` (delimiter, header, encoding, nulls, batchSize…). */
  csv?: CsvReadOptions;
  /** Rows per record batch for the JSON, Avro and Parquet readers (CSV takes `csv.batchSize`). */
  batchSize?: number;
}

/** Where a reader takes its bytes from: a stream to parse in order, and (for Parquet) the stored object by range. */
interface Source {
  stream(): Promise<ByteSource>;
  /** Parquet needs random access: a FileIO and location holding the content. */
  ranged(): Promise<{ io: FileIO; location: string }>;
}

function open(name: string, head: Uint8Array, src: Source, options: ReaderHookOptions): { format: string; stream: RecordBatchStream | undefined } {
  const format = detectFormat(name, head.subarray(0, DETECT_HEAD_BYTES));
  const batch = options.batchSize === undefined ? {} : { batchSize: options.batchSize };
  switch (format) {
    case 'csv':
      return { format, stream: lazyStream(src.stream().then((s) => readCsv(s, options.csv))) };
    case 'json':
    case 'jsonl':
      return { format, stream: lazyStream(src.stream().then((s) => readJson(s, batch))) };
    case 'avro':
      return { format, stream: lazyStream(src.stream().then((s) => readAvro(s, batch))) };
    case 'parquet':
      return { format, stream: lazyStream(src.ranged().then(({ io, location }) => readParquet(io, location, batch))) };
    default:
      return { format, stream: undefined };
  }
}

/** A stream whose reader is created asynchronously; `after` runs once the last batch was read (e.g. a checksum check). */
function lazyStream(pending: Promise<RecordBatchStream>, after?: () => Promise<void>): RecordBatchStream {
  const malformed: RecordBatchStream['malformed'] = [];
  pending.catch(() => undefined);
  const schema = pending.then((s) => s.schema);
  // A failed read surfaces from the iteration; the schema promise must not also go unhandled.
  schema.catch(() => undefined);
  return {
    schema,
    malformed,
    async *[Symbol.asyncIterator]() {
      const s = await pending;
      for await (const b of s) {
        malformed.push(...s.malformed.splice(0));
        yield b;
      }
      malformed.push(...s.malformed.splice(0));
      await after?.();
    },
  };
}

function describeSchema(schema: ArrowSchema): { name: string; type: string; nullable: boolean }[] {
  return schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
}

/**
 * A bronze `describe` hook that reads each CSV, JSON, JSONL, Avro or Parquet
 * file through the streaming readers and records its schema and malformed
 * rows (other formats: the detected format only). It streams the stored
 * object, so it costs one parse per ingest but no more memory than a batch.
 *
 * @example
 * ```ts
 * const bronze = new BronzeWriter({ root, io, describe: describeWithReaders() });
 * ```
 */
export function describeWithReaders(options: ReaderHookOptions = {}): DescribeFile {
  return async (file): Promise<FileDescription> => {
    const { format, stream } = open(file.name, file.head, { stream: () => file.open(), ranged: async () => ({ io: file.io, location: file.location }) }, options);
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

function unsupported(key: string, format: string): UnsupportedError {
  return new UnsupportedError(`bronze file ${key} is ${format}, which has no reader; pass promote() a read or decode hook for it`, { context: { key, format } });
}

/**
 * A promotion `read` hook over the streaming readers: CSV, JSON, JSONL,
 * Avro and Parquet become Arrow record batches as the bronze object
 * streams, so memory stays bounded by a batch whatever the file's size.
 * The object is checked against its recorded SHA-256 as it is read
 * (Parquet, read by range, is checked in one more streaming pass at the
 * end); a mismatch fails the read before anything is committed. Other
 * formats are refused with `UnsupportedError`.
 *
 * @example
 * ```ts
 * await promote({ bronze, silver, batch, dataset: 'sales.orders', read: readWithReaders({ csv: { batchSize: 10_000 } }) });
 * ```
 */
export function readWithReaders(options: ReaderHookOptions = {}): ReadBronzeFile {
  return async (file: BronzeObject): Promise<RecordBatchStream> => {
    const head = await file.io.read(file.location, { offset: 0, length: DETECT_HEAD_BYTES });
    const format = detectFormat(file.entry.name, head);
    if (format !== 'parquet') {
      const { stream } = open(file.entry.name, head, { stream: () => file.open(), ranged: () => Promise.reject(new Error('unreachable')) }, options);
      if (stream === undefined) throw unsupported(file.entry.key, format);
      return stream;
    }
    const batch = options.batchSize === undefined ? {} : { batchSize: options.batchSize };
    return lazyStream(Promise.resolve(readParquet(file.io, file.location, batch)), () => file.verify());
  };
}

/**
 * A promotion `decode` hook over the same readers, for bytes already in
 * memory: CSV, JSON, JSONL, Avro and Parquet become one Arrow table;
 * malformed rows are returned for the report (they stay in bronze). Other
 * formats are refused with `UnsupportedError`. It holds the whole file;
 * promotion uses {@link readWithReaders} unless given a `decode`.
 */
export function decodeWithReaders(options: ReaderHookOptions = {}): DecodeFile {
  return async ({ entry, bytes }): Promise<DecodedFile> => {
    const src: Source = {
      stream: async () => bytes,
      ranged: async () => {
        const io = new MemoryFileIO();
        const location = `memory://bronze/${crypto.randomUUID()}.parquet`;
        await io.write(location, bytes);
        return { io, location };
      },
    };
    const { format, stream } = open(entry.name, bytes, src, options);
    if (stream === undefined) throw unsupported(entry.key, format);
    const batches: RecordBatch[] = [];
    for await (const b of stream) batches.push(b);
    const schema = await stream.schema;
    return { table: batches.length === 0 ? new ArrowTable(schema) : new ArrowTable(schema, batches), malformed: stream.malformed };
  };
}
