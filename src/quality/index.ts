/**
 * lakekit/quality — data-quality rules, checked in-process over Arrow (one
 * streaming pass, columnar) or compiled to DuckDB / Spark / Trino SQL; per-rule
 * results with observed values, failing rows by key, quarantine, the
 * platform's quality metrics, gates for zone promotion, rule files (YAML /
 * JSON / AWS Glue DQDL), reports, OpenLineage facets and metrics history.
 *
 * @example
 * ```ts
 * import { checkQuality, gate } from 'lakekit/quality';
 *
 * const { result } = await checkQuality(table, {
 *   dataset: 'transactions',
 *   keys: ['id'],
 *   rules: [
 *     { type: 'primaryKey', columns: ['id'] },
 *     { type: 'inSet', column: 'currency', values: ['USD', 'EUR'] },
 *     { type: 'between', column: 'amount', min: 0, max: 10_000, severity: 'warn' },
 *   ],
 * });
 * const { passed, reasons } = gate(result);
 * ```
 *
 * @module
 */
export type { QualityRule, RuleSet, RuleType, Severity, LogicalType, Bound, SetValue, PairOp, AggregateType, Dimension, RuleBase } from './rules.js';
export { RULE_TYPES, RULE_DIMENSION, LOGICAL_TYPES, dateFormatPattern } from './rules.js';
export { checkQuality, DEFAULT_MAX_FAILING_ROWS } from './engine.js';
export type { CheckOptions, QualityCheck, DataInput } from './engine.js';
export { qualityResultSchema, parseQualityResult } from './results.js';
export type { QualityResult, RuleResult, RuleStatus, PlatformMetrics, FailingRow } from './results.js';
export { writeQuarantine, QUARANTINE_REASON_COLUMN } from './quarantine.js';
export type { WriteQuarantineOptions } from './quarantine.js';
export { logicalTypeOf, logicalSchemaOf } from './schema.js';
export { parseExpr } from './expr/parse.js';
export type { Expr } from './expr/ast.js';
export { compileRules, resultFromSql } from './sql/compile.js';
export type { CompileOptions, CompiledRules, SqlRows, MetricColumn } from './sql/compile.js';
export { compileExpr, SQL_DIALECTS } from './sql/dialect.js';
export type { SqlDialect } from './sql/dialect.js';
export { gate, qualityGate } from './gate.js';
export type { GatePolicy, GateDecision, QualityGateHook, QualityGateOptions } from './gate.js';
export { loadRuleFile, ruleSetSchema, editDistance, suggest } from './config.js';
export type { LoadRuleFileOptions, RuleFileProblem } from './config.js';
export { parseDqdl, DQDL_RULE_TYPES } from './dqdl.js';
export { markdownReport, htmlReport, dataQualityAssertionsFacet, dataQualityMetricsFacet } from './report.js';
export { appendHistory, readHistory, historyEntry, detectAnomalies, DEFAULT_ANOMALY_OPTIONS } from './history.js';
export type { HistoryEntry, Anomaly, AnomalyOptions } from './history.js';
