/**
 * Apache Iceberg tables in TypeScript. This entry holds the spec model —
 * types and schemas, partition specs and transforms, sort orders,
 * single-value serialization, snapshots, table metadata and the REST
 * update/requirement vocabulary — and the per-file metrics contract.
 * Table reads and writes build on it.
 *
 * @example
 * ```ts
 * import { newSchema, requiredField, optionalField, Types, buildPartitionSpec, Transforms } from 'lakekit/iceberg';
 * const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'ts', Types.timestamptz)]);
 * const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
 * ```
 *
 * @module
 */
export * from './spec/index.js';
export { type DataFileMetrics, type MetricsMode, DEFAULT_METRICS_MODE, parseMetricsMode, emptyMetrics } from './metrics.js';
export * from './expressions/index.js';
export * from './update/index.js';
export { Table, type AppendOptions, type CommitPrecondition } from './table/table.js';
export { commitWithRetry, commitRetryFromProperties, finalConflict, COMMIT_RETRY_DEFAULTS, type CommitPlan, type CommitRetryOptions } from './table/commit.js';
export { SnapshotProducer, type SnapshotChanges } from './table/snapshot-producer.js';
export { TableScan } from './scan/table-scan.js';
export { planFiles, selectSnapshot, type FileScanTask, type ScanOptions } from './scan/plan.js';
export { readTable, type ReadOptions } from './scan/read.js';
export { writeDataFiles, DEFAULT_TARGET_FILE_SIZE_BYTES, type ArrowInput, type WriteDataFilesOptions } from './write/data-writer.js';
export * from './manifest/index.js';
export { rowsToArrow, arrowToRows, columnReader, icebergToArrowSchema, arrowToIcebergSchema } from '../formats/arrow/index.js';
export { ParquetWriter, writeParquet, parquetWriteOptionsFromProperties } from '../formats/parquet/write/index.js';
export { setDefaultParquetEncoderPool, defaultParquetEncoderPool, DictionaryHints, type ParquetEncoderPool, type ParquetFileEncoder } from '../formats/parquet/write/index.js';
export { readParquet, readParquetFooter } from '../formats/parquet/read/index.js';
export { useNativeCompression, zstdBackend, type CompressionBackend } from '../formats/compression/index.js';
export * from './operations/index.js';
