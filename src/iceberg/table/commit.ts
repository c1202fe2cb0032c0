/**
 * Optimistic commits with retry. An operation records the user's intent and
 * turns it into requirements plus updates against whatever metadata is
 * current; when the catalog reports a conflict (someone else committed first),
 * the table is reloaded and the same intent is applied again, up to the
 * table's `commit.retry.*` limits. A conflict that survives the retries — or
 * a change that truly conflicts, which the operation signals by throwing
 * CommitConflictError from `plan` — reaches the caller.
 */
import type { Catalog, LoadTableResult } from '../../catalog/catalog.js';
import type { TableIdentifier } from '../../catalog/identifier.js';
import { CommitConflictError, isLakeError } from '../../errors.js';
import { retry } from '../../internal/retry.js';
import type { TableRequirement, TableUpdate } from '../spec/table-update.js';

/** What one commit attempt sends to the catalog. */
export interface CommitPlan {
  requirements: readonly TableRequirement[];
  updates: readonly TableUpdate[];
}

/** Retry limits for commits (from table properties by default). */
export interface CommitRetryOptions {
  /** @default COMMIT_RETRY_DEFAULTS.retries (`commit.retry.num-retries`) */
  retries?: number;
  /** @default COMMIT_RETRY_DEFAULTS.minWaitMs (`commit.retry.min-wait-ms`) */
  minWaitMs?: number;
  /** @default COMMIT_RETRY_DEFAULTS.maxWaitMs (`commit.retry.max-wait-ms`) */
  maxWaitMs?: number;
  /** @default COMMIT_RETRY_DEFAULTS.totalTimeoutMs (`commit.retry.total-timeout-ms`) */
  totalTimeoutMs?: number;
}

/** Iceberg's defaults for the `commit.retry.*` table properties. */
export const COMMIT_RETRY_DEFAULTS = Object.freeze({ retries: 4, minWaitMs: 100, maxWaitMs: 60_000, totalTimeoutMs: 1_800_000 });

const PROPERTY = {
  retries: 'commit.retry.num-retries',
  minWaitMs: 'commit.retry.min-wait-ms',
  maxWaitMs: 'commit.retry.max-wait-ms',
  totalTimeoutMs: 'commit.retry.total-timeout-ms',
} as const;

/** Read the retry limits from table properties, falling back to Iceberg's defaults. */
export function commitRetryFromProperties(props: Readonly<Record<string, string>>): Required<CommitRetryOptions> {
  const num = (key: string, fallback: number) => {
    const v = props[key];
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return {
    retries: num(PROPERTY.retries, COMMIT_RETRY_DEFAULTS.retries),
    minWaitMs: num(PROPERTY.minWaitMs, COMMIT_RETRY_DEFAULTS.minWaitMs),
    maxWaitMs: num(PROPERTY.maxWaitMs, COMMIT_RETRY_DEFAULTS.maxWaitMs),
    totalTimeoutMs: num(PROPERTY.totalTimeoutMs, COMMIT_RETRY_DEFAULTS.totalTimeoutMs),
  };
}

/**
 * Commit `plan(current)` to the catalog, reloading and re-planning after each
 * conflict. `plan` is called once per attempt with the freshest state; it must
 * be a deterministic function of that state and the recorded intent.
 */
export async function commitWithRetry(
  catalog: Catalog,
  identifier: TableIdentifier,
  base: LoadTableResult,
  plan: (current: LoadTableResult, attempt: number) => Promise<CommitPlan> | CommitPlan,
  options: CommitRetryOptions = {},
): Promise<LoadTableResult> {
  const limits = { ...commitRetryFromProperties(base.metadata.properties), ...definedOnly(options) };
  let current = base;
  return retry(
    async ({ attempt }) => {
      if (attempt > 0) current = await catalog.loadTable(identifier);
      const { requirements, updates } = await plan(current, attempt);
      if (updates.length === 0) return current;
      return catalog.commitTable(identifier, requirements, updates);
    },
    {
      retries: limits.retries,
      baseDelayMs: limits.minWaitMs,
      maxDelayMs: limits.maxWaitMs,
      deadlineMs: limits.totalTimeoutMs,
      // Only a conflict is worth re-planning; CommitStateUnknown must never be resent blindly.
      isRetryable: (e) => isLakeError(e, 'COMMIT_CONFLICT') && !(e as CommitConflictError).context['final'],
      what: `commit to ${[...identifier.namespace, identifier.name].join('.')}`,
    },
  );
}

/** A conflict that re-planning cannot fix (e.g. a concurrent delete of the files being rewritten). */
export function finalConflict(message: string, context: Record<string, unknown> = {}): CommitConflictError {
  return new CommitConflictError(message, { context: { ...context, final: true }, retryable: false });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
