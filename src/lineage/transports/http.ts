import { AuthError, IoError, RestError, TimeoutError, ValidationError, isRetryable } from '../../errors.js';
import { retry, type RetryOptions } from '../../internal/retry.js';
import { Secret, redact, toSecret } from '../../secret.js';
import type { LineageEvent } from '../events.js';
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
}

/**
 * Posts events to an OpenLineage HTTP endpoint (`POST {url}/api/v1/lineage`,
 * one JSON event per request, as Marquez expects). Events are buffered up to
 * `batchSize` and sent in order; each request retries with exponential
 * backoff on 5xx, 429, timeouts and network errors. A batch that fails stays
 * buffered and is retried on the next flush, so a brief outage loses nothing.
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
    while (this.#pending.length > 0) {
      await this.#send(this.#pending[0]!);
      this.#pending.shift();
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
