/**
 * Structural hooks where the quality, classification and lineage modules
 * plug into the zone writers. They are plain function shapes, so zones never
 * imports those modules and any implementation (or a test double) fits.
 */
import type { Schema as ArrowSchema, Table as ArrowTable } from 'apache-arrow';

/** What a hook is told about the step it runs in. */
export interface HookContext {
  /** The promotion or write run this call belongs to. */
  runId: string;
  /** `bronze`, `silver` or `gold`: the zone being written. */
  zone: 'bronze' | 'silver' | 'gold';
  /** The dataset or table being written (`sales.orders`, `gold.daily_kpis`). */
  dataset: string;
  /** The bronze source system, when known. */
  source?: string;
}

/** Result of a quality gate. Failing rows are quarantined; the write stops when `passed` is false. */
export interface QualityGateResult {
  passed: boolean;
  /** The rows that failed (written to quarantine). */
  failingRows?: ArrowTable;
  /** The gate's report (rule results), kept with the quarantine and in the step report. */
  report?: unknown;
}

/**
 * A data-quality gate: decides whether `table` may be written. It sees the
 * whole dataset at once — a gate may hold rules that need every row
 * (uniqueness, row-count or completeness thresholds) — so a promotion with
 * a function gate holds the whole batch in memory. For bounded memory use a
 * {@link StreamingQualityGate} (e.g. {@link perBatchGate} for row-level rules).
 */
export type QualityGate = (table: ArrowTable, ctx: HookContext) => Promise<QualityGateResult>;

/** What a {@link StreamingQualityGate} says about one record batch. */
export interface BatchCheck {
  /** Rows of this batch that failed (quarantined if the gate fails at the end). */
  failingRows?: ArrowTable;
  /** The gate has already failed, whatever follows: the writer stops writing data and only keeps checking (for the quarantine). */
  failed?: boolean;
}

/**
 * A quality gate fed one record batch at a time, so a promotion streams
 * with bounded memory. `check` sees each batch before it is written (and
 * may keep state across batches, e.g. the keys seen so far for a
 * uniqueness rule, or counts for a completeness threshold); `finish`
 * decides. If it fails, nothing is committed and the failing rows of every
 * batch go to quarantine.
 */
export interface StreamingQualityGate {
  check(batch: ArrowTable, ctx: HookContext): Promise<BatchCheck> | BatchCheck;
  finish(ctx: HookContext): Promise<QualityGateResult> | QualityGateResult;
}

/**
 * Run a function gate on each record batch on its own, and fail at the end
 * if any batch failed (reports are collected as `{ batches: [...] }`). Only
 * for rules that look at one row at a time (not-null, ranges, patterns):
 * a uniqueness rule or a dataset-wide threshold needs the whole dataset —
 * pass the function gate itself, or write a {@link StreamingQualityGate}.
 *
 * @example
 * ```ts
 * // rowLevelRules: only rules that judge each row on its own
 * await promote({ ...job, qualityGate: perBatchGate(qualityGate(rowLevelRules)) });
 * ```
 */
export function perBatchGate(gate: QualityGate): StreamingQualityGate {
  let passed = true;
  const reports: unknown[] = [];
  return {
    async check(batch, ctx) {
      const r = await gate(batch, ctx);
      passed &&= r.passed;
      if (r.report !== undefined) reports.push(r.report);
      return r.failingRows === undefined ? {} : { failingRows: r.failingRows };
    },
    finish: () => ({ passed, report: { batches: reports } }),
  };
}

/** Whether a gate is the streaming kind. */
export function isStreamingGate(gate: QualityGate | StreamingQualityGate): gate is StreamingQualityGate {
  return typeof gate !== 'function';
}

/**
 * PII protection: returns the table with sensitive columns masked, hashed or
 * tokenized. In a streaming promotion it is called once per record batch and
 * must return the same schema for every batch.
 */
export type ProtectHook = (table: ArrowTable, ctx: HookContext) => Promise<ArrowTable>;

/** A dataset as lineage sees it. */
export interface LineageDataset {
  namespace: string;
  name: string;
  schema?: ArrowSchema;
  /** Row count, file count, snapshot id… as known at the event. */
  facets?: Record<string, unknown>;
}

/** A lineage run event sink (OpenLineage START / COMPLETE / FAIL). */
export interface LineageHook {
  start(event: { runId: string; job: string; inputs: LineageDataset[]; startedAt: Date }): Promise<void> | void;
  complete(event: { runId: string; job: string; inputs: LineageDataset[]; outputs: LineageDataset[]; endedAt: Date }): Promise<void> | void;
  fail(event: { runId: string; job: string; inputs: LineageDataset[]; error: unknown; endedAt: Date }): Promise<void> | void;
}
