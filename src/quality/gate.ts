/**
 * Gates: whether checked data may be promoted to the next zone. Zone writers
 * call the hook {@link qualityGate} builds, so bad data never propagates
 * downstream (design document, property 23).
 *
 * @module
 */
import type { Table } from 'apache-arrow';
import { checkQuality, type CheckOptions, type DataInput } from './engine.js';
import type { PlatformMetrics, QualityResult, RuleResult } from './results.js';
import type { QualityRule, RuleSet } from './rules.js';

/** What blocks promotion. */
export interface GatePolicy {
  /** Which failing severities block: `error` (default) or `warn` (both block). */
  failOn?: 'error' | 'warn';
  /** Whether a rule that could not be evaluated (`error` status) blocks. Default true. */
  blockOnRuleErrors?: boolean;
  /** Minimum platform metrics in %, e.g. `{ completeness: 99.5, accuracy: 99.5 }`. */
  minMetrics?: Partial<Record<keyof PlatformMetrics, number>>;
  /** Rule ids that never block (known issues being fixed). */
  ignore?: string[];
}

/** The gate's decision. */
export interface GateDecision {
  passed: boolean;
  /** One line per reason promotion is blocked; empty when it passed. */
  reasons: string[];
}

/**
 * Decides whether data with these results may be promoted.
 *
 * @example
 * ```ts
 * const { passed, reasons } = gate(result, { minMetrics: { completeness: 99.5 } });
 * ```
 */
export function gate(results: QualityResult | QualityResult[], policy: GatePolicy = {}): GateDecision {
  const list = Array.isArray(results) ? results : [results];
  const reasons: string[] = [];
  const blocking = new Set<string>(policy.failOn === 'warn' ? ['error', 'warn'] : ['error']);
  const ignore = new Set(policy.ignore ?? []);
  for (const res of list) {
    const where = res.dataset ?? 'dataset';
    // Composite rules gate as a whole (their children are parts of one decision).
    for (const r of res.rules) {
      if (ignore.has(r.id) || !blocking.has(r.severity)) continue;
      if (r.status === 'fail') reasons.push(`${where}: rule ${r.id} failed (observed ${format(r.observed)}, expected ${r.expected})`);
      else if (r.status === 'error' && (policy.blockOnRuleErrors ?? true)) reasons.push(`${where}: rule ${r.id} could not run: ${r.message ?? 'unknown error'}`);
    }
    for (const [metric, min] of Object.entries(policy.minMetrics ?? {}) as [keyof PlatformMetrics, number][]) {
      const v = res.metrics[metric];
      if (v !== null && v < min) reasons.push(`${where}: ${metric} ${v.toFixed(3)}% is below ${min}%`);
    }
  }
  return { passed: reasons.length === 0, reasons };
}

function format(v: RuleResult['observed']): string {
  return typeof v === 'number' ? String(+v.toPrecision(6)) : String(v);
}

/** The shape of the zone writers' quality hook. */
export type QualityGateHook = (table: Table, ctx: unknown) => Promise<{ passed: boolean; failingRows?: Table; report?: unknown }>;

/** Options of {@link qualityGate}. */
export interface QualityGateOptions extends Omit<CheckOptions, 'quarantine'> {
  policy?: GatePolicy;
}

/**
 * A zone-promotion hook that checks each table against `rules` and gates it:
 * `passed` is the gate's decision, `failingRows` the quarantined rows (with
 * `_dq_failed_rules`), `report` `{ result, reasons }`.
 *
 * @example
 * ```ts
 * const hook = qualityGate(ruleSet, { policy: { failOn: 'error' } });
 * const { passed, failingRows } = await hook(table, { zone: 'silver' });
 * ```
 */
export function qualityGate(rules: RuleSet | QualityRule[], options: QualityGateOptions = {}): QualityGateHook {
  return async (table: DataInput & Table) => {
    const { policy, ...check } = options;
    const { result, quarantine } = await checkQuality(table, rules, { ...check, quarantine: true });
    const decision = gate(result, policy);
    return {
      passed: decision.passed,
      ...(quarantine !== undefined ? { failingRows: quarantine } : {}),
      report: { result, reasons: decision.reasons },
    };
  };
}
