/**
 * An append-only metrics history per dataset, kept through FileIO, and simple
 * anomaly checks against it: a measurement is anomalous when it lies more
 * than `maxZ` standard deviations from the rolling mean of the last `window`
 * checks (and moved more than `minRelativeChange`, so flat series with
 * stddev 0 do not flag noise).
 *
 * Each check is one small JSON object `<root>/<dataset>/<checkedAt>-<nonce>.json`
 * created with `createIfAbsent`, so entries are never rewritten and concurrent
 * writers never clash — the same on local disk and S3.
 *
 * @module
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parseJson } from '../internal/json.js';
import type { FileIO } from '../io/file-io.js';
import type { QualityResult, RuleResult } from './results.js';

/** One check's measurements as stored in the history. */
export interface HistoryEntry {
  dataset: string;
  checkedAt: string;
  rowCount: number;
  passed: boolean;
  /** Platform metrics (%), null where not measured. */
  metrics: Record<string, number | null>;
  /** Numeric observed value per rule id. */
  observations: Record<string, number>;
}

const entrySchema = z.object({
  dataset: z.string(),
  checkedAt: z.string(),
  rowCount: z.number(),
  passed: z.boolean(),
  metrics: z.record(z.string(), z.number().nullable()),
  observations: z.record(z.string(), z.number()),
});

function flat(rs: RuleResult[]): RuleResult[] {
  return rs.flatMap((r) => [r, ...(r.children ? flat(r.children) : [])]);
}

function datasetDir(root: string, dataset: string): string {
  if (!/^[A-Za-z0-9_.=-]+$/.test(dataset) || dataset === '.' || dataset === '..') throw new ValidationError(`dataset name '${dataset}' cannot name a history folder; use letters, digits, '_', '-', '.', '='`);
  return `${root.replace(/\/+$/, '')}/${dataset}/`;
}

/** The history entry of a result. */
export function historyEntry(result: QualityResult): HistoryEntry {
  const observations: Record<string, number> = {};
  for (const r of flat(result.rules)) if (typeof r.observed === 'number' && Number.isFinite(r.observed)) observations[r.id] = r.observed;
  return {
    dataset: result.dataset ?? 'dataset',
    checkedAt: result.checkedAt,
    rowCount: result.rowCount,
    passed: result.passed,
    metrics: { ...result.metrics },
    observations,
  };
}

/**
 * Appends a result's measurements to the dataset's history under `root`.
 * Returns the location written.
 *
 * @example
 * ```ts
 * await appendHistory(io, 'memory://dq-history', result);
 * ```
 */
export async function appendHistory(io: FileIO, root: string, result: QualityResult): Promise<string> {
  const entry = historyEntry(result);
  const nonce = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');
  const location = `${datasetDir(root, entry.dataset)}${entry.checkedAt.replace(/:/g, '')}-${nonce}.json`;
  await io.createIfAbsent(location, JSON.stringify(entry));
  return location;
}

/** The dataset's history, oldest first (by `checkedAt`). Unreadable entries throw ValidationError naming the file. */
export async function readHistory(io: FileIO, root: string, dataset: string): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for await (const f of io.list(datasetDir(root, dataset))) {
    if (!f.location.endsWith('.json')) continue;
    const text = new TextDecoder().decode(await io.read(f.location));
    const parsed = entrySchema.safeParse(parseJson(text, f.location));
    if (!parsed.success) throw new ValidationError(`history entry ${f.location} is malformed: ${parsed.error.issues[0]?.message ?? ''}`);
    out.push(parsed.data);
  }
  return out.sort((a, b) => (a.checkedAt < b.checkedAt ? -1 : a.checkedAt > b.checkedAt ? 1 : 0));
}

/** Options of {@link detectAnomalies}. */
export interface AnomalyOptions {
  /** Past checks the rolling statistics use. Default 10. */
  window?: number;
  /** How many standard deviations count as anomalous. Default 3. */
  maxZ?: number;
  /** Fewer past checks than this: no verdicts. Default 3. */
  minHistory?: number;
  /** Changes smaller than this fraction of the mean are never anomalous. Default 0.01. */
  minRelativeChange?: number;
}

/** One anomalous measurement. */
export interface Anomaly {
  /** `rowCount`, `metrics.<name>` or `rule.<id>`. */
  measure: string;
  value: number;
  mean: number;
  stddev: number;
  /** (value − mean) / stddev; ±Infinity when the past was constant. */
  z: number;
}

/** Defaults of {@link detectAnomalies}. */
export const DEFAULT_ANOMALY_OPTIONS: Required<AnomalyOptions> = { window: 10, maxZ: 3, minHistory: 3, minRelativeChange: 0.01 };

/**
 * Measurements of `current` that depart from the rolling mean and standard
 * deviation of the last `window` entries of `history`.
 *
 * @example
 * ```ts
 * const anomalies = detectAnomalies(await readHistory(io, root, 'transactions'), historyEntry(result));
 * ```
 */
export function detectAnomalies(history: HistoryEntry[], current: HistoryEntry, options: AnomalyOptions = {}): Anomaly[] {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
  const past = history.filter((h) => h !== current && h.checkedAt <= current.checkedAt).slice(-o.window);
  if (past.length < o.minHistory) return [];
  const series = new Map<string, { value: number; past: number[] }>();
  const add = (measure: string, value: number | null | undefined, pick: (h: HistoryEntry) => number | null | undefined) => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const xs = past.map(pick).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    series.set(measure, { value, past: xs });
  };
  add('rowCount', current.rowCount, (h) => h.rowCount);
  for (const [k, v] of Object.entries(current.metrics)) add(`metrics.${k}`, v, (h) => h.metrics[k]);
  for (const [k, v] of Object.entries(current.observations)) add(`rule.${k}`, v, (h) => h.observations[k]);
  const out: Anomaly[] = [];
  for (const [measure, { value, past: xs }] of series) {
    if (xs.length < o.minHistory) continue;
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    const diff = value - mean;
    if (Math.abs(diff) <= o.minRelativeChange * Math.abs(mean) || diff === 0) continue;
    const z = sd === 0 ? (diff > 0 ? Infinity : -Infinity) : diff / sd;
    if (Math.abs(z) > o.maxZ) out.push({ measure, value, mean, stddev: sd, z });
  }
  return out;
}
