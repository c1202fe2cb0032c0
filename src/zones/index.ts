/**
 * lakekit/zones — the bronze (raw, immutable), silver (cleaned Parquet) and
 * gold (curated Iceberg) zones of the lake, their configuration, and
 * promotion from one zone to the next.
 *
 * @example
 * ```ts
 * import { openLake, BronzeWriter } from 'lakekit/zones';
 * import { MemoryFileIO } from 'lakekit/io';
 *
 * const io = new MemoryFileIO();
 * const lake = await openLake({ root: 'memory://lake' }, { fileIO: () => io });
 * const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io });
 * await bronze.ingest({ source: 'crm', files: [{ name: 'customers.csv', data: 'id,name\n1,Ada\n' }] });
 * ```
 *
 * @module
 */
export * from './config.js';
export * from './lake.js';
export * from './layout.js';
export * from './hooks.js';
export * from './bronze.js';
export * from './currencies.js';
export * from './standardize.js';
export * from './silver.js';
export { SILVER_BUFFER_BUDGET_BYTES } from './silver-sink.js';
export * from './gold.js';
export * from './cdc.js';
export { parseDmsCsv } from './dms-csv.js';
export * from './kpi.js';
export * from './promote.js';
export * from './readers.js';
