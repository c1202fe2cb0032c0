/**
 * Bearer-token authentication for REST catalogs: a static token, OAuth2
 * client credentials (Apache Polaris, Lakekeeper, Nessie, Unity …) and
 * OAuth2 token exchange (RFC 8693). Tokens are fetched lazily, shared by
 * concurrent requests, refreshed before they expire, and dropped after a 401
 * so the next attempt gets a fresh one. SigV4 lives in `sigv4.ts`.
 */
import { AuthError } from '../../errors.js';
import { Secret, toSecret } from '../../secret.js';
import type { AuthProvider, AuthRequest } from './auth-provider.js';
import { restErrorFor } from './errors.js';
import { OAuthTokenResponse } from './schemas.js';

/**
 * A fixed bearer token (for example one issued by `polaris` CLI or an SSO
 * login). It cannot be refreshed, so a 401 is final.
 *
 * @example
 * ```ts
 * const auth = new BearerTokenAuth(new Secret(process.env.CATALOG_TOKEN ?? ''));
 * ```
 */
export class BearerTokenAuth implements AuthProvider {
  readonly #token: Secret;
  constructor(token: string | Secret) {
    this.#token = toSecret(token);
  }
  async authorize(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${this.#token.reveal()}` };
  }
  invalidate(): boolean {
    return false;
  }
  toString(): string {
    return 'BearerTokenAuth([REDACTED])';
  }
}

/** What every OAuth2 flow shares. */
export interface OAuth2Options {
  /**
   * Token endpoint, e.g. `https://polaris.example.com/api/catalog/v1/oauth/tokens` or your IdP's.
   * A function is asked before every token request (the REST catalog uses this to follow the
   * server's `oauth2-server-uri` once `/v1/config` has named it).
   */
  tokenEndpoint: string | (() => string);
  /** Requested scope. Polaris needs `PRINCIPAL_ROLE:ALL` or `PRINCIPAL_ROLE:<role>`. @default DEFAULT_OAUTH2_SCOPE */
  scope?: string;
  /** Extra form fields some IdPs need (`audience`, `resource`). */
  extraParams?: Readonly<Record<string, string>>;
  /** Extra headers for the token request (e.g. `Polaris-Realm`). */
  headers?: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
  /** Refresh this long before expiry (at most half the token's lifetime). @default DEFAULT_TOKEN_REFRESH_MARGIN_MS */
  refreshMarginMs?: number;
  /** Timeout of one token request. @default 30_000 */
  timeoutMs?: number;
  /** Clock, replaceable for tests. @default Date.now */
  now?: () => number;
}

/** The Iceberg REST default scope. */
export const DEFAULT_OAUTH2_SCOPE = 'catalog';
/** Default margin before expiry at which a token is refreshed. */
export const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 60_000;
/** RFC 8693 access-token type. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

interface CachedToken {
  token: Secret;
  /** When to fetch a new one (epoch ms); Infinity when the server gave no lifetime. */
  refreshAt: number;
}

/** Base of the OAuth2 flows: caching, refresh and error handling. */
abstract class OAuth2TokenAuth implements AuthProvider {
  readonly #options: OAuth2Options;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #inflight: Promise<CachedToken> | undefined;
  /** Tokens fetched so far (for tests and metrics). */
  tokensFetched = 0;

  protected constructor(options: OAuth2Options) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
  }

  /** The form fields of the grant (without scope). */
  protected abstract grant(): Record<string, string>;
  /** Values to scrub from any error text. */
  protected abstract secrets(): string[];

  async authorize(_request: AuthRequest, signal?: AbortSignal): Promise<Record<string, string>> {
    const cached = this.#cached;
    const token = cached !== undefined && this.#now() < cached.refreshAt ? cached : await this.#refresh(signal);
    return { authorization: `Bearer ${token.token.reveal()}` };
  }

  invalidate(): boolean {
    this.#cached = undefined;
    return true;
  }

  #refresh(signal?: AbortSignal): Promise<CachedToken> {
    // Concurrent requests share one token request.
    this.#inflight ??= this.#fetchToken(signal).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchToken(signal?: AbortSignal): Promise<CachedToken> {
    const o = this.#options;
    const tokenEndpoint = this.tokenEndpoint;
    const form = new URLSearchParams({ ...this.grant(), scope: o.scope ?? DEFAULT_OAUTH2_SCOPE, ...o.extraParams });
    const call = { what: `get an OAuth2 token from ${tokenEndpoint}`, target: 'token' as const };
    const timeoutMs = o.timeoutMs ?? 30_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let text: string;
    const started = this.#now();
    try {
      res = await this.#fetch(tokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...o.headers },
        body: form.toString(),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
      text = await res.text();
    } catch (cause) {
      const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : 'request failed';
      throw new AuthError(`${call.what} failed (${why}); check oauth2ServerUri and that the server is up`, { retryable: true, context: { tokenEndpoint } });
    }
    if (!res.ok) throw restErrorFor(call, res.status, text, res.headers.get('x-request-id') ?? undefined, this.secrets());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = OAuthTokenResponse.safeParse(json);
    if (!parsed.success) {
      throw new AuthError(`${call.what}: the answer is not an OAuth2 token response; check that oauth2ServerUri is the token endpoint`, { context: { tokenEndpoint, status: res.status } });
    }
    this.tokensFetched++;
    const token = new Secret(parsed.data.access_token);
    const lifetimeMs = parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : jwtLifetimeMs(parsed.data.access_token, started);
    const margin = Math.min(o.refreshMarginMs ?? DEFAULT_TOKEN_REFRESH_MARGIN_MS, (lifetimeMs ?? 0) / 2);
    const cached = { token, refreshAt: lifetimeMs === undefined ? Infinity : started + lifetimeMs - margin };
    this.#cached = cached;
    return cached;
  }

  /** The token endpoint the next token request goes to. */
  get tokenEndpoint(): string {
    const e = this.#options.tokenEndpoint;
    return typeof e === 'function' ? e() : e;
  }

  toString(): string {
    return `${this.constructor.name}(${this.tokenEndpoint})`;
  }
}

/** A JWT's remaining lifetime from its `exp` claim, if the token is a JWT. */
function jwtLifetimeMs(token: string, now: number): number | undefined {
  const part = token.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const claims = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 - now : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link OAuth2ClientCredentials}. */
export interface OAuth2ClientCredentialsOptions extends OAuth2Options {
  clientId: string;
  clientSecret: string | Secret;
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4): trades a client id and secret
 * for a bearer token, and again whenever it is about to expire or a request
 * gets a 401.
 *
 * @example
 * ```ts
 * const auth = new OAuth2ClientCredentials({
 *   tokenEndpoint: 'https://polaris.example.com/api/catalog/v1/oauth/tokens',
 *   clientId: 'etl', clientSecret: new Secret(process.env.POLARIS_SECRET ?? ''),
 *   scope: 'PRINCIPAL_ROLE:ALL',
 * });
 * ```
 */
export class OAuth2ClientCredentials extends OAuth2TokenAuth {
  readonly #clientId: string;
  readonly #secret: Secret;
  constructor(options: OAuth2ClientCredentialsOptions) {
    super(options);
    this.#clientId = options.clientId;
    this.#secret = toSecret(options.clientSecret);
  }
  protected grant(): Record<string, string> {
    return { grant_type: 'client_credentials', client_id: this.#clientId, client_secret: this.#secret.reveal() };
  }
  protected secrets(): string[] {
    return [this.#secret.reveal()];
  }
}

/** Options of {@link OAuth2TokenExchange}. */
export interface OAuth2TokenExchangeOptions extends OAuth2Options {
  /** The token to exchange (a user's id or access token). */
  subjectToken: string | Secret;
  /** @default ACCESS_TOKEN_TYPE */
  subjectTokenType?: string;
  /** The acting party's token, e.g. the service's own catalog token. */
  actorToken?: string | Secret;
  /** @default ACCESS_TOKEN_TYPE when an actor token is given */
  actorTokenType?: string;
  /** @default ACCESS_TOKEN_TYPE */
  requestedTokenType?: string;
}

/**
 * OAuth2 token exchange (RFC 8693): trades a subject token (and optionally an
 * actor token) for a catalog token, as the Iceberg REST spec describes for
 * user sessions.
 */
export class OAuth2TokenExchange extends OAuth2TokenAuth {
  readonly #o: OAuth2TokenExchangeOptions;
  readonly #subject: Secret;
  readonly #actor: Secret | undefined;
  constructor(options: OAuth2TokenExchangeOptions) {
    super(options);
    this.#o = options;
    this.#subject = toSecret(options.subjectToken);
    this.#actor = options.actorToken === undefined ? undefined : toSecret(options.actorToken);
  }
  protected grant(): Record<string, string> {
    const form: Record<string, string> = {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: this.#subject.reveal(),
      subject_token_type: this.#o.subjectTokenType ?? ACCESS_TOKEN_TYPE,
      requested_token_type: this.#o.requestedTokenType ?? ACCESS_TOKEN_TYPE,
    };
    if (this.#actor !== undefined) {
      form.actor_token = this.#actor.reveal();
      form.actor_token_type = this.#o.actorTokenType ?? ACCESS_TOKEN_TYPE;
    }
    return form;
  }
  protected secrets(): string[] {
    return [this.#subject.reveal(), ...(this.#actor === undefined ? [] : [this.#actor.reveal()])];
  }
}
