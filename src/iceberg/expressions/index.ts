/**
 * Filter expressions for Iceberg tables (Java's `org.apache.iceberg.expressions`):
 * build or parse a filter, bind it to a schema, and use it to
 *
 * - select matching rows of Arrow record batches ({@link rowFilter});
 * - skip manifests ({@link manifestEvaluator}), files by partition
 *   ({@link partitionEvaluator}) and files by column metrics
 *   ({@link inclusiveMetricsEvaluator});
 * - find files whose rows all match ({@link strictMetricsEvaluator},
 *   {@link strictProjection}) and what is left to check per partition
 *   ({@link residualEvaluator});
 * - send filters to a REST catalog ({@link expressionToJson}).
 *
 * Nulls follow SQL: a comparison with null never matches, not even `!=` or
 * `NOT IN`; see `expression.ts` for the exact rules, including NaN.
 *
 * @example
 * ```ts
 * import { parseFilter, bind, rowFilter, inclusiveMetricsEvaluator } from 'lakekit/iceberg';
 *
 * const filter = parseFilter("ts >= '2026-11-01' and currency in ('EUR', 'USD') and not merchant is null");
 * const mightMatch = inclusiveMetricsEvaluator(schema, filter);
 * const files = dataFiles.filter((f) => mightMatch(f.metrics));
 * const select = rowFilter(schema, filter);
 * const selection = select(batch); // Uint8Array, 1 = row matches
 * ```
 *
 * @module
 */

export * from './expression.js';
export * from './builders.js';
export { bind, bindPredicate, bindReference, closestColumnName, DEFAULT_CASE_SENSITIVE } from './bind.js';
export type { BindOptions } from './bind.js';
export { convertLiteral } from './literals.js';
export type { ConvertedLiteral, ExactLiteral, BetweenLiteral } from './literals.js';
export { compareValues, compareStrings, compareBytes } from './compare.js';
export { rewriteNot, negatePredicate, mapPredicates } from './rewrite-not.js';
export { evaluator, evaluate, predicateMatches } from './evaluator.js';
export type { FieldGetter } from './evaluator.js';
export { rowFilter, filterBatch, selectedIndices, selectedCount } from './filter-batch.js';
export type { FileMetrics } from './file-metrics.js';
export { inclusiveMetricsEvaluator, IN_PREDICATE_LIMIT } from './inclusive-metrics.js';
export { strictMetricsEvaluator } from './strict-metrics.js';
export { projectInclusive, projectStrict } from './transform-projection.js';
export { inclusiveProjection, strictProjection, partitionEvaluator, evaluatePartition, partitionParts } from './projections.js';
export type { PartitionData, PartitionPart } from './projections.js';
export { residualEvaluator } from './residual.js';
export { manifestEvaluator, summariesMightMatch } from './manifest-evaluator.js';
export { expressionToJson, expressionToJsonString, expressionFromJson, parseExpressionJson, MAX_EXPRESSION_DEPTH } from './json.js';
export type { ExpressionJsonOptions } from './json.js';
export { parseFilter, isFilterKeyword, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './parser.js';
export { formatExpression } from './format.js';
