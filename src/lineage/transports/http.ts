import { AuthError, IoError, RestError, TimeoutError, ValidationError, isRetryable } from '../../errors.js';
import { retry, type RetryOptions } from '../../internal/retry.js';
import { Secret, redact, toSecret } from '../../secret.js';
import { datasetKey, type LineageEvent } from '../events.js';
import type { Transport } from './transport.js';

/** Defaults of {@link HttpTransport}. */
export const HTTP_TRANSPORT_DEFAULTS = Object.freeze({
  /** The OpenLineage API path Marquez serves. */
  endpoint: 'api/v1/lineage',
  /** Events buffered before a send; 1 sends each event as it is emitted. */
  batchSize: 1,
  /** Per-request timeout. */
  timeoutMs: 5_000,
  /** Retries per event after the first attempt. */
  retries: 3,
  /** Requests in flight at once; 1 sends strictly in emit order. */
  concurrency: 1,
});

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Base URL of the OpenLineage API (Marquez: `http://marquez:5000`). */
  url: string;
  /** Path under `url`. @default HTTP_TRANSPORT_DEFAULTS.endpoint */
  endpoint?: string;
  /** Sent as `Authorization: Bearer …`; never logged or put in an error. */
  apiKey?: Secret | string;
  /** Events buffered before a send. @default HTTP_TRANSPORT_DEFAULTS.batchSize */
  batchSize?: number;
  /** Per-request timeout in ms. @default HTTP_TRANSPORT_DEFAULTS.timeoutMs */
  timeoutMs?: number;
  /** Backoff between attempts (5xx, 429, timeouts, network errors). @default { retries: HTTP_TRANSPORT_DEFAULTS.retries } */
  retry?: RetryOptions;
  /** Extra headers (not secrets; use `apiKey`). */
  headers?: Record<string, string>;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Requests in flight at once while flushing. The OpenLineage API takes one
   * event per request, so throughput to a distant endpoint comes from
   * parallel requests. With more than 1, the events of one run (one
   * dataset or job, for static events) are still sent one after another in
   * emit order, so a run's START reaches the server before its COMPLETE or
   * FAIL; events of different runs may arrive in any order (as with the
   * OpenLineage Python client's async HTTP transport).
   * @default HTTP_TRANSPORT_DEFAULTS.concurrency
   */
  concurrency?: number;
}

/**
 * Posts events to an OpenLineage HTTP endpoint (`POST {url}/api/v1/lineage`,
 * one JSON event per request, as the OpenLineage API and Marquez define it:
 * there is no multi-event request). Events are buffered up to `batchSize`
 * and sent in order, or with `concurrency` > 1 several runs at once (each
 * run's events still in order); each request retries with exponential
 * backoff on 5xx, 429, timeouts and network errors. Events that fail stay
 * buffered and are retried on the next flush, so a brief outage loses nothing.
 *
 * @example
 * ```ts
 * new HttpTransport({ url: 'http://localhost:5000', apiKey: new Secret(process.env.MARQUEZ_KEY ?? ''), batchSize: 20 });
 * ```
 */
export class HttpTransport implements Transport {
  readonly #url: string;
  readonly #apiKey: Secret | undefined;
  readonly #batch: number;
  readonly #timeout: number;
  readonly #retry: RetryOptions;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #concurrency: number;
  readonly #pending: LineageEvent[] = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(options: HttpTransportOptions) {
    let base: URL;
    try {
      base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    } catch (cause) {
      throw new ValidationError(`lineage HTTP url '${options.url}' is not a URL; pass e.g. http://marquez:5000`, { cause });
    }
    this.#url = new URL((options.endpoint ?? HTTP_TRANSPORT_DEFAULTS.endpoint).replace(/^\/+/, ''), base).toString();
    this.#apiKey = options.apiKey === undefined ? undefined : toSecret(options.apiKey);
    this.#batch = Math.max(1, options.batchSize ?? HTTP_TRANSPORT_DEFAULTS.batchSize);
    this.#timeout = options.timeoutMs ?? HTTP_TRANSPORT_DEFAULTS.timeoutMs;
    this.#retry = { retries: HTTP_TRANSPORT_DEFAULTS.retries, ...options.retry };
    this.#headers = { ...options.headers };
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? HTTP_TRANSPORT_DEFAULTS.concurrency));
  }

  /** Where events are posted. */
  get url(): string {
    return this.#url;
  }

  /** Events waiting to be sent. */
  get pending(): number {
    return this.#pending.length;
  }

  emit(event: LineageEvent): Promise<void> {
    this.#pending.push(event);
    return this.#pending.length >= this.#batch ? this.flush() : Promise.resolve();
  }

  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#sendAll());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return this.flush();
  }

  async #sendAll(): Promise<void> {
    if (this.#concurrency === 1) {
      while (this.#pending.length > 0) {
        await this.#send(this.#pending[0]!);
        this.#pending.shift();
      }
      return;
    }
    // Events emitted while a round is in flight are sent by the next round.
    while (this.#pending.length > 0) await this.#sendRound();
  }

  /**
   * Send the events pending now, one lane per run (or dataset, or job), up
   * to `concurrency` lanes at once. A failure stops its lane: that event and
   * the lane's later ones stay pending, in order; the events sent are removed.
   */
  async #sendRound(): Promise<void> {
    const events = this.#pending.slice();
    const lanes = new Map<string, number[]>();
    events.forEach((e, i) => {
      const key = 'run' in e ? `run\u0000${e.run.runId}` : 'dataset' in e ? `dataset\u0000${datasetKey(e.dataset)}` : `job\u0000${datasetKey(e.job)}`;
      const lane = lanes.get(key);
      if (lane === undefined) lanes.set(key, [i]);
      else lane.push(i);
    });
    const queue = [...lanes.values()];
    const sent = new Array<boolean>(events.length).fill(false);
    const failures: { index: number; error: unknown }[] = [];
    const worker = async () => {
      for (let lane = queue.shift(); lane !== undefined; lane = queue.shift()) {
        for (const i of lane) {
          try {
            await this.#send(events[i]!);
            sent[i] = true;
          } catch (error) {
            failures.push({ index: i, error });
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, queue.length) }, worker));
    const later = this.#pending.slice(events.length);
    this.#pending.length = 0;
    events.forEach((e, i) => {
      if (!sent[i]) this.#pending.push(e);
    });
    this.#pending.push(...later);
    if (failures.length > 0) {
      // The error of the earliest event that failed, as a sequential send would report.
      throw failures.reduce((a, b) => (b.index < a.index ? b : a)).error;
    }
  }

  async #send(event: LineageEvent): Promise<void> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...this.#headers };
    if (this.#apiKey !== undefined && !this.#apiKey.isEmpty()) headers.authorization = `Bearer ${this.#apiKey.reveal()}`;
    await retry(
      async ({ signal }) => {
        const timeout = AbortSignal.timeout(this.#timeout);
        // One signal for both the retry loop's and this attempt's deadline (the body read included).
        const both = new AbortController();
        const abort = () => both.abort();
        signal.addEventListener('abort', abort, { once: true });
        timeout.addEventListener('abort', abort, { once: true });
        try {
          await this.#attempt(body, headers, both.signal, signal, timeout);
        } finally {
          signal.removeEventListener('abort', abort);
          timeout.removeEventListener('abort', abort);
        }
      },
      { ...this.#retry, isRetryable: this.#retry.isRetryable ?? isRetryable, what: `posting lineage to ${this.#url}` },
    );
  }

  async #attempt(body: string, headers: Record<string, string>, both: AbortSignal, loop: AbortSignal, timeout: AbortSignal): Promise<void> {
    let res: Response;
    try {
      res = await this.#fetch(this.#url, { method: 'POST', headers, body, signal: both });
    } catch (cause) {
      if (timeout.aborted) {
        throw new TimeoutError(`lineage endpoint ${this.#url} did not answer within ${this.#timeout} ms; check the service or raise timeoutMs`, { cause });
      }
      if (loop.aborted) throw cause;
      throw new IoError(`could not reach the lineage endpoint ${this.#url}: ${this.#clean((cause as Error)?.message ?? String(cause))}; check the URL and network`, { cause, retryable: true });
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const text = this.#clean(await res.text().catch(() => '')).slice(0, 500);
    const context = { status: res.status, url: this.#url };
    if (res.status === 401 || res.status === 403) {
      throw new AuthError(`the lineage endpoint ${this.#url} refused the request (HTTP ${res.status}); check the API key`, { context });
    }
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    throw new RestError(`the lineage endpoint ${this.#url} answered HTTP ${res.status}${text === '' ? '' : `: ${text}`}${retryable ? '' : '; the event was rejected, fix it or the endpoint configuration'}`, { context, retryable });
  }

  #clean(text: string): string {
    return this.#apiKey === undefined ? text : redact(text, [this.#apiKey]);
  }
}
