/**
 * lakekit/formats: streaming readers from raw files to Arrow record batches,
 * schema inference and schema evolution.
 *
 * - {@link readCsv}: CSV with header detection, delimiter sniffing, quotes,
 *   escapes, encodings and null tokens; malformed records reported with line
 *   numbers, never fatal.
 * - {@link readJson}: JSON Lines or a JSON array, nested objects as structs.
 * - {@link readAvro}, {@link readParquet}: container files as batches.
 * - {@link inferSchema}, {@link evolveSchema}: types from samples; how a
 *   dataset's schema may change.
 *
 * Every reader returns a {@link RecordBatchStream}: iterate it for batches,
 * await `schema`, inspect `malformed`.
 *
 * @example
 * ```ts
 * import { readCsv } from 'lakekit/formats';
 *
 * const stream = readCsv(await io.readStream('bronze/orders.csv'), { batchSize: 10_000 });
 * for await (const batch of stream) await writer.write(batch);
 * console.log(stream.malformed); // [{ line: 17, reason: 'expected 4 fields, found 5', text: '…' }]
 * ```
 *
 * @module
 */
export type { ByteSource, MalformedRecord, RecordBatchStream, CommonReadOptions } from './stream.js';
export { DEFAULT_READ_BATCH_SIZE, DEFAULT_INFER_ROWS, DEFAULT_MAX_MALFORMED, MALFORMED_TEXT_LIMIT } from './stream.js';
export type { TextEncoding } from './text-decode.js';
export { DEFAULT_TEXT_ENCODING } from './text-decode.js';
export { readCsv, CSV_READ_CHUNK_BYTES, MAX_SAMPLE_BYTES } from './csv/reader.js';
export type { CsvReadOptions } from './csv/options.js';
export { DEFAULT_CSV_NULL_VALUES, DEFAULT_MAX_ROW_BYTES, SNIFFED_DELIMITERS } from './csv/options.js';
export { readJson, DEFAULT_MAX_JSON_RECORD_BYTES } from './json/reader.js';
export type { JsonReadOptions } from './json/reader.js';
export { readAvro } from './readers/avro.js';
export type { AvroDataReadOptions } from './readers/avro.js';
export { readParquet } from './readers/parquet.js';
export type { ParquetReadOptions } from './readers/parquet.js';
export { detectFormat, DETECT_HEAD_BYTES } from './detect.js';
export type { DetectedFormat } from './detect.js';
export { inferSchema, DEFAULT_DECIMAL_INFERENCE } from './infer/infer.js';
export type { InferOptions, TextSamples, DecimalInference } from './infer/infer.js';
export { evolveSchema, evolveStruct } from './infer/evolve.js';
export type { EvolveResult, SchemaChange, ColumnConflict, StructEvolution } from './infer/evolve.js';
