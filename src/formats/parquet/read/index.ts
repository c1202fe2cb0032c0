/**
 * Reading Parquet data files for Iceberg scans: the footer with per-row-group
 * statistics by field id (for pruning), and a streaming reader that returns
 * Arrow record batches in an expected schema — columns matched by field id,
 * missing columns filled, types promoted, name mappings applied to files
 * written without ids. Built on hyparquet's page decoders and
 * hyparquet-compressors; exact for decimals, timestamps (INT64 and Spark's
 * INT96), UUIDs, fixed, and nested lists, maps and structs.
 *
 * @example
 * ```ts
 * import { readParquetFooter, readParquet } from 'lakekit/formats/parquet';
 *
 * const footer = await readParquetFooter(io, path);
 * const batches = readParquet(io, path, {
 *   schema: projectedSchema,
 *   footer,
 *   rowGroups: (rg) => (rg.columns.get(1)?.max as bigint | undefined ?? 0n) >= 1000n,
 * });
 * for await (const batch of batches) process(batch);
 * ```
 *
 * @module
 */
export { readParquetFooter, FOOTER_PREFETCH_BYTES, MAX_FOOTER_BYTES } from './footer.js';
export type { ParquetFooter, RowGroupInfo, ColumnChunkStats, FooterOptions } from './footer.js';
export { readParquet, DEFAULT_BATCH_SIZE, COALESCE_GAP_BYTES } from './reader.js';
export type { ReadParquetOptions } from './reader.js';
export { parseNameMapping, nameMappingOf, nameMappingToJson, applyNameMapping, NAME_MAPPING_PROPERTY } from './name-mapping.js';
export type { NameMapping, MappedField } from './name-mapping.js';
export { MAX_PAGE_BYTES, MAX_CHUNK_ENTRIES } from './chunk.js';
export { MAX_NESTING_DEPTH } from './file-schema.js';
export type { FileNode, FileSchema } from './file-schema.js';
export { readableAs } from './plan.js';
