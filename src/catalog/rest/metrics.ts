/**
 * Metrics reports (`POST …/tables/{table}/metrics`): a `ScanReport` after a
 * scan or a `CommitReport` after a commit, as Iceberg's Java client sends
 * them, so a catalog such as Polaris can chart how tables are used.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import type { Expression } from '../../iceberg/expressions/expression.js';
import { expressionToJson } from '../../iceberg/expressions/json.js';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import type { TableUpdate } from '../../iceberg/spec/table-update.js';
import { checkIdentifier, identifierToString, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';

const long = z.union([z.number().int(), z.bigint()]);
const stringMap = z.record(z.string(), z.string());

/** `CounterResult`. */
export const CounterResultSchema = z.object({ unit: z.string(), value: long });
/** `TimerResult`. */
export const TimerResultSchema = z.object({ 'time-unit': z.string(), count: long, 'total-duration': long });
/** `Metrics`: metric name → counter or timer. */
export const MetricsSchema = z.record(z.string(), z.union([CounterResultSchema, TimerResultSchema]));

/** `ScanReport` with its `report-type`. */
export const ScanReportSchema = z.object({
  'report-type': z.literal('scan-report'),
  'table-name': z.string().min(1),
  'snapshot-id': long,
  filter: z.unknown(),
  'schema-id': z.number().int(),
  'projected-field-ids': z.array(z.number().int()),
  'projected-field-names': z.array(z.string()),
  metrics: MetricsSchema,
  metadata: stringMap.optional(),
});

/** `CommitReport` with its `report-type`. */
export const CommitReportSchema = z.object({
  'report-type': z.literal('commit-report'),
  'table-name': z.string().min(1),
  'snapshot-id': long,
  'sequence-number': long,
  operation: z.string().min(1),
  metrics: MetricsSchema,
  metadata: stringMap.optional(),
});

/** `ReportMetricsRequest`: a scan or a commit report. */
export const ReportMetricsRequestSchema = z.discriminatedUnion('report-type', [ScanReportSchema, CommitReportSchema]);

/** A count (`unit` `count` or `bytes`). */
export interface CounterResult {
  unit: 'count' | 'bytes' | (string & {});
  value: bigint | number;
}

/** A duration measured `count` times. */
export interface TimerResult {
  timeUnit: 'nanoseconds' | 'microseconds' | 'milliseconds' | (string & {});
  count: bigint | number;
  totalDuration: bigint | number;
}

/** One named metric. */
export type MetricResult = CounterResult | TimerResult;

/** What a scan read (`ScanReport`). */
export interface ScanReport {
  type: 'scan';
  /** Fully qualified name, e.g. `prod.gold.daily_kpis`. */
  tableName: string;
  snapshotId: bigint | number;
  /** The scan's row filter. @default alwaysTrue */
  filter?: Expression;
  schemaId: number;
  projectedFieldIds: readonly number[];
  projectedFieldNames: readonly string[];
  /** e.g. `result-data-files`, `total-planning-duration`. */
  metrics: Readonly<Record<string, MetricResult>>;
  metadata?: Readonly<Record<string, string>>;
}

/** What a commit changed (`CommitReport`). */
export interface CommitReport {
  type: 'commit';
  /** Fully qualified name, e.g. `prod.gold.daily_kpis`. */
  tableName: string;
  snapshotId: bigint | number;
  sequenceNumber: bigint | number;
  /** The snapshot operation: `append`, `overwrite`, `delete`, `replace`. */
  operation: string;
  /** e.g. `added-data-files`, `added-records`, `total-files-size-bytes`. */
  metrics: Readonly<Record<string, MetricResult>>;
  metadata?: Readonly<Record<string, string>>;
}

/** A report for {@link RestCatalog.reportMetrics}. */
export type MetricsReport = ScanReport | CommitReport;

function metricsToJson(metrics: Readonly<Record<string, MetricResult>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(metrics)) {
    out[name] = 'unit' in m ? { unit: m.unit, value: m.value } : { 'time-unit': m.timeUnit, count: m.count, 'total-duration': m.totalDuration };
  }
  return out;
}

/** The request body of a report, validated against the spec's schemas. */
export function metricsReportToJson(report: MetricsReport): z.output<typeof ReportMetricsRequestSchema> {
  const body =
    report.type === 'scan'
      ? {
          'report-type': 'scan-report',
          'table-name': report.tableName,
          'snapshot-id': report.snapshotId,
          filter: report.filter === undefined ? true : expressionToJson(report.filter),
          'schema-id': report.schemaId,
          'projected-field-ids': [...report.projectedFieldIds],
          'projected-field-names': [...report.projectedFieldNames],
          metrics: metricsToJson(report.metrics),
          ...(report.metadata === undefined ? {} : { metadata: { ...report.metadata } }),
        }
      : {
          'report-type': 'commit-report',
          'table-name': report.tableName,
          'snapshot-id': report.snapshotId,
          'sequence-number': report.sequenceNumber,
          operation: report.operation,
          metrics: metricsToJson(report.metrics),
          ...(report.metadata === undefined ? {} : { metadata: { ...report.metadata } }),
        };
  const parsed = ReportMetricsRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ValidationError(`the ${report.type} report is not a valid metrics report (${issues}); fix the report`);
  }
  return parsed.data;
}

/** `POST …/tables/{table}/metrics`. */
export async function reportMetrics(ctx: RestContext, id: TableIdentifier, report: MetricsReport): Promise<void> {
  checkIdentifier(id);
  const body = metricsReportToJson(report);
  const c = await ctx.require(Endpoint.reportMetrics, 'metrics reports');
  await ctx.http.send({
    method: 'POST',
    path: `${ctx.objectPath(c, id)}/metrics`,
    body: { json: body },
    call: { what: `report ${report.type} metrics of table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) },
    // A duplicate report skews a chart a little; a lost one is worse.
    idempotent: true,
  });
}

/**
 * Snapshot-summary fields and the `CommitReport` metric each becomes (the
 * names Iceberg's Java `CommitMetricsResult` uses).
 */
const COMMIT_METRICS: readonly (readonly [summary: string, metric: string, unit: 'count' | 'bytes'])[] = [
  ['added-data-files', 'added-data-files', 'count'],
  ['deleted-data-files', 'removed-data-files', 'count'],
  ['total-data-files', 'total-data-files', 'count'],
  ['added-delete-files', 'added-delete-files', 'count'],
  ['added-equality-delete-files', 'added-equality-delete-files', 'count'],
  ['added-position-delete-files', 'added-positional-delete-files', 'count'],
  ['removed-delete-files', 'removed-delete-files', 'count'],
  ['removed-equality-delete-files', 'removed-equality-delete-files', 'count'],
  ['removed-position-delete-files', 'removed-positional-delete-files', 'count'],
  ['total-delete-files', 'total-delete-files', 'count'],
  ['added-records', 'added-records', 'count'],
  ['deleted-records', 'removed-records', 'count'],
  ['total-records', 'total-records', 'count'],
  ['added-files-size', 'added-files-size-bytes', 'bytes'],
  ['removed-files-size', 'removed-files-size-bytes', 'bytes'],
  ['total-files-size', 'total-files-size-bytes', 'bytes'],
  ['added-position-deletes', 'added-positional-deletes', 'count'],
  ['removed-position-deletes', 'removed-positional-deletes', 'count'],
  ['total-position-deletes', 'total-positional-deletes', 'count'],
  ['added-equality-deletes', 'added-equality-deletes', 'count'],
  ['removed-equality-deletes', 'removed-equality-deletes', 'count'],
  ['total-equality-deletes', 'total-equality-deletes', 'count'],
];

/**
 * The `CommitReport` of a commit that added a snapshot, from the snapshot's
 * summary in the committed metadata; undefined when the commit added none
 * (schema or property changes) or the snapshot is not in `metadata`.
 */
export function commitReportFor(tableName: string, updates: readonly TableUpdate[], metadata: TableMetadata, durationNs?: bigint): CommitReport | undefined {
  const added = updates.filter((u) => u.action === 'add-snapshot').at(-1);
  if (added === undefined) return undefined;
  const snapshot = metadata.snapshots.find((s) => s.snapshotId === added.snapshot.snapshotId);
  if (snapshot === undefined) return undefined;
  const summary = snapshot.summary ?? { operation: 'append' };
  const metrics: Record<string, MetricResult> = {};
  for (const [key, name, unit] of COMMIT_METRICS) {
    const v = summary[key];
    if (v !== undefined && /^\d{1,19}$/.test(v)) metrics[name] = { unit, value: BigInt(v) };
  }
  if (durationNs !== undefined) metrics['total-duration'] = { timeUnit: 'nanoseconds', count: 1, totalDuration: durationNs };
  return {
    type: 'commit',
    tableName,
    snapshotId: snapshot.snapshotId,
    sequenceNumber: snapshot.sequenceNumber,
    operation: summary.operation,
    metrics,
    metadata: { 'engine-name': 'lakekit' },
  };
}
