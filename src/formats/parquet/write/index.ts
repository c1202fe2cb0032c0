/**
 * The Parquet writer for Iceberg data files: Arrow-native (values are
 * encoded straight from Arrow buffers), with Iceberg field ids in the schema,
 * the spec's type mapping, RLE/dictionary encodings, zstd/snappy/gzip pages,
 * footer statistics, and the Iceberg metrics of the file.
 *
 * @example
 * ```ts
 * import { ParquetWriter, parquetWriteOptionsFromProperties } from './formats/parquet/write/index.js';
 *
 * const writer = new ParquetWriter(schema, parquetWriteOptionsFromProperties(props));
 * for (const batch of table.batches) for (const bytes of await writer.write(batch)) await sink.write(bytes);
 * const { chunks, fileSize, metrics } = await writer.finish();
 * for (const bytes of chunks) await sink.write(bytes);
 * ```
 *
 * @module
 */
export { ParquetWriter, writeParquet, PARQUET_CREATED_BY } from './writer.js';
export type { ParquetWriteResult } from './writer.js';
export {
  parquetWriteOptionsFromProperties,
  DEFAULT_PARQUET_COMPRESSION_CODEC,
  DEFAULT_ROW_GROUP_SIZE_BYTES,
  DEFAULT_PAGE_SIZE_BYTES,
  DEFAULT_DICT_SIZE_BYTES,
} from './options.js';
export type { ParquetWriteOptions, MetricsConfig } from './options.js';
export { DictionaryHints, DEFAULT_DICTIONARY_HINT_DROPS, DICTIONARY_HINT_RETRY_EVERY } from './dictionary.js';
export { planParquetSchema } from './schema.js';
export type { ParquetSchemaPlan, LeafColumn } from './schema.js';
export { setDefaultParquetEncoderPool, defaultParquetEncoderPool } from './encoder-pool.js';
export type { ParquetEncoderPool, ParquetFileEncoder } from './encoder-pool.js';
