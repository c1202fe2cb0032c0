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
