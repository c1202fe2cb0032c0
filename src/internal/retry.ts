import { TimeoutError, isRetryable } from '../errors.js';

/** How {@link retry} repeats an operation. */
export interface RetryOptions {
  /** Attempts after the first. @default DEFAULT_RETRY.retries */
  retries?: number;
  /** First backoff ceiling in milliseconds. @default DEFAULT_RETRY.baseDelayMs */
  baseDelayMs?: number;
  /** Largest backoff ceiling in milliseconds. @default DEFAULT_RETRY.maxDelayMs */
  maxDelayMs?: number;
  /** Total time budget in milliseconds, attempts and waits included. No deadline when absent. */
  deadlineMs?: number;
  /** Which errors are worth another attempt. @default isRetryable */
  isRetryable?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait, for logging and metrics. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Aborts the loop (and is passed on to each attempt). */
  signal?: AbortSignal;
  /** Source of randomness in [0, 1), replaceable for tests. @default Math.random */
  random?: () => number;
  /** Clock in milliseconds, replaceable for tests. @default Date.now */
  now?: () => number;
  /** Waits, replaceable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** What the operation is, for the timeout message. */
  what?: string;
}

/** Defaults used by {@link retry}. */
export const DEFAULT_RETRY = Object.freeze({ retries: 5, baseDelayMs: 100, maxDelayMs: 10_000 });

/** Context handed to each attempt. */
export interface AttemptContext {
  /** 0 for the first attempt. */
  attempt: number;
  /** Aborted when the deadline passes or the caller's signal aborts. */
  signal: AbortSignal;
}

/**
 * The backoff ceiling for an attempt: `min(max, base * 2^attempt)`.
 * The actual wait is drawn uniformly from [0, ceiling) ("full jitter").
 */
export function backoffCeiling(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt, 30));
}

/**
 * Run `fn` until it succeeds, the error is not retryable, the attempts are
 * used up, or the deadline passes, waiting with exponential backoff and full
 * jitter between attempts.
 *
 * When the deadline passes (during an attempt or before a wait that would
 * overrun it) a {@link TimeoutError} is thrown with the last error as cause.
 */
export async function retry<T>(fn: (ctx: AttemptContext) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRY.retries;
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const shouldRetry = options.isRetryable ?? isRetryable;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const started = now();
  const deadline = options.deadlineMs === undefined ? Infinity : started + options.deadlineMs;

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    deadline === Infinity ? undefined : setTimeout(() => controller.abort(timeoutError(options, undefined)), options.deadlineMs);

  try {
    for (let attempt = 0; ; attempt++) {
      if (controller.signal.aborted) throw abortReason(controller.signal, options);
      try {
        return await fn({ attempt, signal: controller.signal });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (controller.signal.aborted) throw timeoutError(options, error);
        if (attempt >= retries || !shouldRetry(error, attempt)) throw error;
        const delay = Math.floor(random() * backoffCeiling(attempt, base, max));
        if (now() + delay >= deadline) throw timeoutError(options, error);
        options.onRetry?.(error, attempt, delay);
        await sleep(delay, controller.signal).catch(() => undefined);
      }
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function abortReason(signal: AbortSignal, options: RetryOptions): unknown {
  return options.signal?.aborted ? options.signal.reason : (signal.reason ?? timeoutError(options, undefined));
}

function timeoutError(options: RetryOptions, cause: unknown): TimeoutError {
  const what = options.what ?? 'the operation';
  return new TimeoutError(
    `${what} did not succeed within its deadline of ${options.deadlineMs} ms; raise the deadline or check the service's health`,
    { cause, context: { deadlineMs: options.deadlineMs } },
  );
}

/** A sleep that ends early (rejecting) when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
