/**
 * The HTTP layer of the Polaris management client: auth headers from an
 * {@link AuthProvider}, one retry after a 401 when the provider can refresh,
 * backoff retries of idempotent calls on 429/502/503/504 and network errors,
 * a per-attempt timeout, and error responses mapped to lakekit's error
 * hierarchy with the server's message kept (and secrets redacted).
 *
 * @module
 */
import type { z } from 'zod';
import { AlreadyExistsError, AuthError, CommitConflictError, LakeError, NotFoundError, RestError, TimeoutError, ValidationError, isLakeError } from '../../errors.js';
import { retry, type RetryOptions } from '../../internal/retry.js';
import { printable } from '../../internal/uri.js';
import { isSecret, redact, type Secret } from '../../secret.js';
import type { AuthProvider } from '../rest/auth-provider.js';

/** Default per-attempt timeout of a management call, in milliseconds. */
export const DEFAULT_POLARIS_TIMEOUT_MS = 30_000;

/** Connection settings shared by the management client and the bootstrap's Iceberg REST calls. */
export interface PolarisHttpOptions {
  /** Adds credentials (e.g. the REST catalog's OAuth2 client-credentials provider). */
  auth?: AuthProvider;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Extra headers on every request, e.g. `{ 'Polaris-Realm': 'datax' }`. */
  headers?: Readonly<Record<string, string>>;
  /** Per-attempt timeout in milliseconds. @default DEFAULT_POLARIS_TIMEOUT_MS */
  timeoutMs?: number;
  /** Backoff for idempotent calls (retries, delays, deadline). */
  retry?: Pick<RetryOptions, 'retries' | 'baseDelayMs' | 'maxDelayMs' | 'deadlineMs' | 'onRetry' | 'sleep' | 'random'>;
}

/** One call: what it is (for messages), whether it may be repeated, and how to read a 409. */
export interface CallSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  /** What the call does, e.g. `get catalog dev`, for error messages. */
  what: string;
  body?: unknown;
  /** Response body schema; absent when the call answers with no content. */
  schema?: z.ZodType<T>;
  /** Safe to repeat after a transient failure. GET, DELETE and PUT of a grant are; creates are not. */
  idempotent: boolean;
  /** A 409 means the entity version moved (updates) rather than a name clash (creates). */
  conflictIsVersion?: boolean;
  /** Secrets in the request body, redacted from any error text. */
  secrets?: readonly (Secret<unknown> | string | undefined)[];
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);

/** Sends {@link CallSpec}s. */
export class PolarisHttp {
  readonly #options: PolarisHttpOptions;
  readonly #fetch: typeof fetch;

  constructor(options: PolarisHttpOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /** Send a call and parse its answer. */
  async call<T>(spec: CallSpec<T>): Promise<T> {
    const attempt = () => this.#withAuthRetry(spec);
    if (!spec.idempotent) return attempt();
    return retry(attempt, { ...this.#options.retry, what: spec.what });
  }

  async #withAuthRetry<T>(spec: CallSpec<T>): Promise<T> {
    try {
      return await this.#once(spec);
    } catch (e) {
      if (isLakeError(e, 'AUTH') && e.context.status === 401 && this.#options.auth?.invalidate?.() === true) return this.#once(spec);
      throw e;
    }
  }

  async #once<T>(spec: CallSpec<T>): Promise<T> {
    const body = spec.body === undefined ? undefined : JSON.stringify(revealSecrets(spec.body));
    const headers: Record<string, string> = { accept: 'application/json', ...this.#options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_POLARIS_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      if (this.#options.auth) Object.assign(headers, await this.#options.auth.authorize({ method: spec.method, url: spec.url, headers: { ...headers }, ...(body === undefined ? {} : { body }) }, signal));
      response = await this.#fetch(spec.url, { method: spec.method, headers, ...(body === undefined ? {} : { body }), signal });
      text = await response.text();
    } catch (cause) {
      if (isLakeError(cause)) throw cause;
      if (signal.aborted) {
        throw new TimeoutError(`Polaris did not answer "${spec.what}" within ${timeoutMs} ms; raise timeoutMs or check the server`, { cause, context: { url: spec.url.origin } });
      }
      throw new RestError(`could not reach Polaris at ${spec.url.origin} to ${spec.what}: ${(cause as Error).message}; check the URL and network`, {
        cause,
        retryable: true,
        context: { url: spec.url.origin },
      });
    }
    if (!response.ok) throw this.#error(spec, response, text);
    if (spec.schema === undefined) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new RestError(`Polaris answered "${spec.what}" with a body that is not JSON (${printable(text.slice(0, 80))}…); check that the URL points at the Polaris management API`, {
        cause,
        context: { status: response.status },
      });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new RestError(`Polaris answered "${spec.what}" with a body that does not match the management API spec (${issues.join('; ')}); check the server version`, {
        context: { status: response.status },
      });
    }
    return parsed.data;
  }

  #error(spec: CallSpec<unknown>, response: Response, text: string): LakeError {
    const server = redact(serverMessage(text), spec.secrets ?? []);
    const requestId = response.headers.get('x-request-id') ?? undefined;
    const context = { status: response.status, call: spec.what, ...(requestId === undefined ? {} : { requestId }) };
    const said = server === '' ? '' : ` (server: ${server})`;
    const s = response.status;
    if (s === 404) return new NotFoundError(`Polaris could not ${spec.what}: not found${said}; check the names`, { context });
    if (s === 409 && spec.conflictIsVersion === true) {
      return new CommitConflictError(`Polaris could not ${spec.what}: it changed since it was read${said}; fetch it again and retry`, { context });
    }
    if (s === 409) return new AlreadyExistsError(`Polaris could not ${spec.what}: it already exists${said}`, { context });
    if (s === 401) return new AuthError(`Polaris rejected the credentials to ${spec.what}${said}; check the client id and secret or token`, { context });
    if (s === 403) return new AuthError(`Polaris denied the caller permission to ${spec.what}${said}; grant the principal's role the privilege it needs`, { context });
    if (s === 400 || s === 422) return new ValidationError(`Polaris refused the request to ${spec.what}${said}; fix the request`, { context });
    const retryable = s >= 500 || RETRY_STATUS.has(s);
    return new RestError(`Polaris failed to ${spec.what} with HTTP ${s}${said}${retryable ? '; retry later' : ''}`, { context, retryable });
  }
}

/** The message of an Iceberg-style `{ "error": { "message" } }` body, or the start of any other body. */
function serverMessage(text: string): string {
  try {
    const doc = JSON.parse(text) as { error?: { message?: unknown; type?: unknown } | string; message?: unknown };
    if (typeof doc.error === 'object' && doc.error !== null && typeof doc.error.message === 'string') {
      return printable(typeof doc.error.type === 'string' ? `${doc.error.type}: ${doc.error.message}` : doc.error.message).slice(0, 500);
    }
    if (typeof doc.message === 'string') return printable(doc.message).slice(0, 500);
  } catch {
    // not JSON: fall through to the raw text
  }
  return printable(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()).slice(0, 200);
}

/** A copy of a request body with every {@link Secret} replaced by its value (done only here, just before sending). */
function revealSecrets(v: unknown): unknown {
  if (isSecret(v)) return v.reveal();
  if (Array.isArray(v)) return v.map(revealSecrets);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revealSecrets(x)]));
  return v;
}
