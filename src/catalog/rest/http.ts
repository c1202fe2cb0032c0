/**
 * The HTTP layer of the REST catalog: one place that adds auth and custom
 * headers, enforces per-request timeouts with `AbortSignal`, retries
 * idempotent calls on 429/502/503/504 with backoff, retries once after a 401
 * with a fresh token, and turns every failure — error statuses, HTML pages,
 * truncated or garbage JSON, bodies that do not match the spec, timeouts,
 * refused connections — into a typed LakeError without secrets in it.
 */
import type { z } from 'zod';
import { CommitStateUnknownError, type LakeError, RestError, TimeoutError, isLakeError } from '../../errors.js';
import { parseJson } from '../../internal/json.js';
import { writeJson } from '../../iceberg/spec/json-write.js';
import { abortableSleep, retry, type RetryOptions } from '../../internal/retry.js';
import { isSecret, type Secret } from '../../secret.js';
import type { AuthProvider } from './auth-provider.js';
import { restErrorFor, type RestCall } from './errors.js';

/** One line of the client's request log; never holds headers, bodies or tokens. */
export interface RestLogEvent {
  method: string;
  /** Path and query of the request. */
  path: string;
  status?: number;
  attempt: number;
  durationMs: number;
  requestId?: string;
  /** The error's message when the attempt failed. */
  error?: string;
}

/** Retry settings for idempotent calls. */
export type RestRetryOptions = Pick<RetryOptions, 'retries' | 'baseDelayMs' | 'maxDelayMs' | 'sleep' | 'random'> & {
  /** Longest wait a server's `Retry-After` (on 429 or 503) may impose before the next attempt. @default DEFAULT_MAX_RETRY_AFTER_MS */
  maxRetryAfterMs?: number;
};

/** Options of {@link RestHttpClient}. */
export interface RestHttpClientOptions {
  /** Base URI, e.g. `https://polaris.example.com/api/catalog`; paths are appended. */
  uri: string;
  fetch?: typeof fetch;
  auth?: AuthProvider;
  /** Sent with every request (e.g. `Polaris-Realm`); values may be Secrets. */
  headers?: Readonly<Record<string, string | Secret>>;
  /** @default DEFAULT_REST_TIMEOUT_MS */
  timeoutMs?: number;
  retry?: RestRetryOptions;
  logger?: (event: RestLogEvent) => void;
}

/** Default per-request timeout (connect, headers and body). */
export const DEFAULT_REST_TIMEOUT_MS = 30_000;
/** Default retries of an idempotent call. */
export const DEFAULT_REST_RETRY = Object.freeze({ retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 });
/** Default cap on the wait a server's `Retry-After` header asks for. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

const WEEKDAY = /^(mon|tue|wed|thu|fri|sat|sun)/i;

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (`120`) or an
 * HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`, a date in the past meaning 0).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  if (!WEEKDAY.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** One request. */
export interface RestRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  /** Path below the base URI, already encoded, without a leading slash. */
  path: string;
  query?: Readonly<Record<string, string | undefined>>;
  /** Query parameters whose values are already percent-encoded (e.g. `referenced-by`), appended verbatim. */
  encodedQuery?: Readonly<Record<string, string | undefined>>;
  /** JSON body (BigInt-safe) or a form body. */
  body?: { json: unknown } | { form: Record<string, string> };
  headers?: Readonly<Record<string, string>>;
  call: RestCall;
  /** Safe to send twice (GET, HEAD, or a mutation carrying an Idempotency-Key). */
  idempotent: boolean;
  /** Accept `304 Not Modified` as an answer (a conditional GET with `If-None-Match`). */
  notModified?: boolean;
}

/** A decoded answer. */
export interface RestResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' for 204 and HEAD). */
  text: string;
}

/**
 * Sends Iceberg REST requests.
 *
 * Timeouts cover the whole exchange including the body, so a server that
 * trickles bytes is cut off too. A commit (call target `commit` or
 * `transaction`) is never re-sent: a timeout or 5xx raises
 * `CommitStateUnknownError`.
 */
export class RestHttpClient {
  readonly uri: string;
  readonly timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #auth: AuthProvider | undefined;
  readonly #headers: Readonly<Record<string, string | Secret>>;
  readonly #retry: RestRetryOptions;
  readonly #logger: ((event: RestLogEvent) => void) | undefined;

  constructor(options: RestHttpClientOptions) {
    this.uri = options.uri.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#auth = options.auth;
    this.#headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_REST_RETRY, ...options.retry };
    this.#logger = options.logger;
  }

  /** Send and return the raw answer; non-2xx answers throw the mapped error. */
  async send(request: RestRequest, signal?: AbortSignal): Promise<RestResponse> {
    const { maxRetryAfterMs = DEFAULT_MAX_RETRY_AFTER_MS, sleep = abortableSleep, ...backoff } = this.#retry;
    // The server's Retry-After (capped) wins over a shorter backoff.
    let serverWait = 0;
    return retry(({ signal: loop }) => this.#sendWithAuthRetry(request, loop), {
      ...backoff,
      ...(signal === undefined ? {} : { signal }),
      what: request.call.what,
      isRetryable: (e) => request.idempotent && isLakeError(e) && e.retryable && e.code !== 'TIMEOUT',
      onRetry: (e) => {
        const asked = isLakeError(e) ? e.context.retryAfterMs : undefined;
        serverWait = typeof asked === 'number' ? Math.min(Math.max(0, maxRetryAfterMs), asked) : 0;
      },
      sleep: (ms, s) => sleep(Math.max(ms, serverWait), s),
    });
  }

  /** Send, then parse the JSON body with `schema`; a body that does not match is a typed error. */
  async json<S extends z.ZodType>(request: RestRequest, schema: S, signal?: AbortSignal): Promise<z.output<S>> {
    const res = await this.send(request, signal);
    return this.decode(request.call, res, schema);
  }

  /** Parse a response body with `schema`. */
  decode<S extends z.ZodType>(call: RestCall, res: RestResponse, schema: S): z.output<S> {
    const isCommit = call.target === 'commit' || call.target === 'transaction';
    const fail = (problem: string, cause?: unknown): LakeError => {
      const message = `${call.what}: the server answered HTTP ${res.status} with ${problem}`;
      const context = { status: res.status, operation: call.what, requestId: res.headers.get('x-request-id') ?? undefined };
      return isCommit
        ? new CommitStateUnknownError(`${message}; the commit may or may not have been applied — reload the table and check`, { cause, context })
        : new RestError(`${message}; check that the URI points at an Iceberg REST catalog`, { cause, context });
    };
    let value: unknown;
    try {
      value = parseJson(res.text, 'response');
    } catch (e) {
      const looksHtml = /^\s*<(!doctype|html|head|body)/i.test(res.text);
      throw fail(looksHtml ? 'an HTML page instead of JSON' : res.text.trim() === '' ? 'an empty body instead of JSON' : 'malformed or truncated JSON', e);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw fail(`a body that does not match the Iceberg REST spec (${issues})`, undefined);
    }
    return parsed.data;
  }

  async #sendWithAuthRetry(request: RestRequest, outer: AbortSignal): Promise<RestResponse> {
    try {
      return await this.#attempt(request, outer);
    } catch (e) {
      // 401: the token may have expired or been revoked; 419: the session timed out. Neither means
      // the request ran, so one retry with fresh credentials is safe even for commits. (Only the
      // catalog's answer counts: a token endpoint rejecting the client secret will not change its mind.)
      const fromCatalog = isLakeError(e) && e.context.operation === request.call.what;
      const status = isLakeError(e) ? e.context.status : undefined;
      if (fromCatalog && (status === 401 || status === 419) && this.#auth?.invalidate?.() === true) return this.#attempt(request, outer);
      throw e;
    }
  }

  #url(request: RestRequest): URL {
    const url = new URL(`${this.uri}/${request.path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const encoded = Object.entries(request.encodedQuery ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [`${encodeURIComponent(k)}=${v}`]));
    if (encoded.length > 0) url.search = [url.search.replace(/^\?/, ''), ...encoded].filter((x) => x !== '').join('&');
    return url;
  }

  async #attempt(request: RestRequest, outer: AbortSignal): Promise<RestResponse> {
    const url = this.#url(request);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#headers)) headers[k.toLowerCase()] = isSecret(v) ? String(v.reveal()) : v;
    for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
    let body: string | undefined;
    if (request.body !== undefined && 'json' in request.body) {
      body = writeJson(request.body.json);
      headers['content-type'] = 'application/json';
    } else if (request.body !== undefined) {
      body = new URLSearchParams(request.body.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    headers.accept ??= 'application/json';
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([outer, timeout]);
    const secrets: string[] = Object.values(this.#headers).flatMap((v) => (isSecret(v) ? [String(v.reveal())] : []));
    const started = Date.now();
    const log = (event: Partial<RestLogEvent>) =>
      this.#logger?.({ method: request.method, path: `${url.pathname}${url.search}`, attempt: 0, durationMs: Date.now() - started, ...event });
    let status: number | undefined;
    let requestId: string | undefined;
    try {
      const auth = this.#auth === undefined ? {} : await this.#auth.authorize({ method: request.method, url, headers: { ...headers }, ...(body === undefined ? {} : { body }) }, signal);
      for (const [k, v] of Object.entries(auth)) {
        headers[k.toLowerCase()] = v;
        secrets.push(v, v.replace(/^Bearer\s+/i, ''), ...(/Signature=([0-9a-f]+)/.exec(v)?.slice(1) ?? []));
      }
      const res = await this.#fetch(url, { method: request.method, headers, ...(body === undefined ? {} : { body }), signal, redirect: 'follow' });
      status = res.status;
      requestId = res.headers.get('x-request-id') ?? undefined;
      const text = request.method === 'HEAD' ? '' : await res.text();
      if ((res.status < 200 || res.status > 299) && !(res.status === 304 && request.notModified === true)) {
        const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
        throw restErrorFor(request.call, res.status, text, requestId, secrets, retryAfterMs);
      }
      log({ status, ...(requestId === undefined ? {} : { requestId }) });
      return { status: res.status, headers: res.headers, text };
    } catch (e) {
      const err = this.#classify(e, request, outer, timeout, status);
      log({ ...(status === undefined ? {} : { status }), ...(requestId === undefined ? {} : { requestId }), error: err.message });
      throw err;
    }
  }

  #classify(e: unknown, request: RestRequest, outer: AbortSignal, timeout: AbortSignal, status: number | undefined): LakeError {
    const isCommit = request.call.target === 'commit' || request.call.target === 'transaction';
    if (outer.aborted && !timeout.aborted) {
      if (isLakeError(outer.reason)) return outer.reason;
      return new RestError(`${request.call.what} was cancelled`, { cause: outer.reason });
    }
    if (timeout.aborted) {
      const context = { operation: request.call.what, timeoutMs: this.timeoutMs, ...(status === undefined ? {} : { status }) };
      return isCommit
        ? new CommitStateUnknownError(`${request.call.what} got no complete answer within ${this.timeoutMs} ms; the commit may or may not have been applied — reload the table and check`, { context })
        : new TimeoutError(`${request.call.what} got no complete answer within ${this.timeoutMs} ms; raise timeoutMs or check the catalog server's health`, { context });
    }
    if (isLakeError(e)) return e;
    // fetch failed before or while talking to the server (refused, reset, DNS).
    const reason = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    const context = { operation: request.call.what, uri: this.uri };
    if (isCommit && status !== undefined) {
      return new CommitStateUnknownError(`${request.call.what}: the connection broke while reading the answer (${reason}); the commit may or may not have been applied — reload the table and check`, { context });
    }
    if (isCommit) {
      return new CommitStateUnknownError(`${request.call.what}: could not complete the request to ${this.uri} (${reason}); the commit may or may not have been applied — reload the table and check`, { context });
    }
    return new RestError(`${request.call.what}: could not reach the catalog at ${this.uri} (${reason}); check the URI and that the server is up`, { context, retryable: true });
  }
}
