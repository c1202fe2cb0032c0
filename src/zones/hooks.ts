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

/** A data-quality gate: decides whether `table` may be written. */
export type QualityGate = (table: ArrowTable, ctx: HookContext) => Promise<QualityGateResult>;

/** PII protection: returns the table with sensitive columns masked, hashed or tokenized. */
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
