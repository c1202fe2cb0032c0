/**
 * What every group of REST calls (namespaces, tables, transactions, views,
 * scan planning, metrics, functions) shares: the HTTP client, the catalog
 * configuration from `GET /v1/config` (fetched once, lazily), endpoint
 * discovery, path building, Idempotency-Keys and paging.
 */
import type { z } from 'zod';
import { UnsupportedError } from '../../errors.js';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import { tableMetadataFromJson } from '../../iceberg/spec/metadata-json.js';
import type { LoadTableResult } from '../catalog.js';
import type { Namespace, TableIdentifier } from '../identifier.js';
import { DEFAULT_ENDPOINTS, type Endpoint, normaliseEndpoint } from './endpoints.js';
import type { RestCall } from './errors.js';
import type { RestHttpClient, RestRequest } from './http.js';
import * as S from './schemas.js';
import { credentialFor } from './vended-io.js';

/** Default page size for listings. */
export const DEFAULT_REST_PAGE_SIZE = 200;

/** The catalog configuration after `GET /v1/config`. */
export interface ResolvedConfig {
  /** Server defaults, then client properties, then server overrides. */
  properties: Readonly<Record<string, string>>;
  endpoints: ReadonlySet<string>;
  /** `v1/` or `v1/<prefix>/`. */
  base: string;
  /** The encoded namespace separator, `%1F` unless the server says otherwise. */
  separator: string;
  /** Whether the server accepts Idempotency-Keys. */
  idempotency: boolean;
}

/** Options of {@link RestContext}. */
export interface RestContextOptions {
  name: string;
  http: RestHttpClient;
  warehouse?: string | undefined;
  properties?: Readonly<Record<string, string>> | undefined;
  pageSize?: number | undefined;
  snapshots?: 'all' | 'refs' | undefined;
}

/** Shared state and helpers of one REST catalog client. */
export class RestContext {
  readonly name: string;
  readonly http: RestHttpClient;
  readonly options: RestContextOptions;
  #resolved: Promise<ResolvedConfig> | undefined;
  #props: Readonly<Record<string, string>> | undefined;
  /** Table loads by ETag, for `If-None-Match` (most recently used last). */
  readonly etags = new EtagCache<LoadTableResult>(256);

  constructor(options: RestContextOptions) {
    this.options = options;
    this.name = options.name;
    this.http = options.http;
  }

  /** The merged properties once `/v1/config` answered, else undefined. */
  get loadedProperties(): Readonly<Record<string, string>> | undefined {
    return this.#props;
  }

  /** The configuration, fetched on first use; a failed fetch is retried by the next call. */
  config(): Promise<ResolvedConfig> {
    this.#resolved ??= this.#fetchConfig().catch((e: unknown) => {
      this.#resolved = undefined;
      throw e;
    });
    return this.#resolved;
  }

  async #fetchConfig(): Promise<ResolvedConfig> {
    const config = await this.http.json(
      {
        method: 'GET',
        path: 'v1/config',
        query: { warehouse: this.options.warehouse },
        call: { what: `load the configuration of catalog ${this.name}`, target: 'config' },
        idempotent: true,
      },
      S.CatalogConfig,
    );
    const properties = { ...config.defaults, ...this.options.properties, ...config.overrides };
    this.#props = properties;
    const prefix = properties.prefix?.replace(/^\/+|\/+$/g, '');
    return {
      properties,
      endpoints: config.endpoints === undefined ? DEFAULT_ENDPOINTS : new Set(config.endpoints.map(normaliseEndpoint)),
      base: prefix === undefined || prefix === '' ? 'v1/' : `v1/${prefix}/`,
      separator: properties['namespace-separator'] ?? '%1F',
      idempotency: config['idempotency-key-lifetime'] !== undefined,
    };
  }

  /** The configuration, or `UnsupportedError` when the server does not advertise `endpoint`. */
  async require(endpoint: Endpoint, what: string): Promise<ResolvedConfig> {
    const c = await this.config();
    if (!c.endpoints.has(endpoint)) {
      throw new UnsupportedError(`catalog ${this.name} does not support ${what} (its /v1/config does not list "${endpoint}")`, { context: { endpoint } });
    }
    return c;
  }

  /** A namespace as one path segment. */
  nsPath(c: ResolvedConfig, ns: Namespace): string {
    return ns.map((l) => encodeURIComponent(l)).join(c.separator);
  }

  /** `…/namespaces/{ns}` */
  namespacePath(c: ResolvedConfig, ns: Namespace): string {
    return `${c.base}namespaces/${this.nsPath(c, ns)}`;
  }

  /** `…/namespaces/{ns}/{tables|views|functions}/{name}` */
  objectPath(c: ResolvedConfig, id: TableIdentifier, kind: 'tables' | 'views' | 'functions' = 'tables'): string {
    return `${this.namespacePath(c, id.namespace)}/${kind}/${encodeURIComponent(id.name)}`;
  }

  /**
   * The `referenced-by` query value: each view as its namespace levels and name, percent-encoded
   * and joined by the namespace separator, the views joined by commas (outermost first).
   * Undefined for an empty chain.
   */
  referencedBy(c: ResolvedConfig, views: readonly TableIdentifier[] | undefined): string | undefined {
    if (views === undefined || views.length === 0) return undefined;
    return views.map((v) => [...v.namespace, v.name].map((l) => encodeURIComponent(l)).join(c.separator)).join(',');
  }

  /** Headers and retry-safety for a mutation: an Idempotency-Key where the server supports it. */
  mutation(c: ResolvedConfig): Pick<RestRequest, 'headers' | 'idempotent'> {
    return c.idempotency ? { headers: { 'idempotency-key': uuidv7() }, idempotent: true } : { idempotent: false };
  }

  /** An Idempotency-Key for a commit where the server supports keys; commits are still never re-sent. */
  commitKey(c: ResolvedConfig): Pick<RestRequest, 'headers'> {
    return c.idempotency ? { headers: { 'idempotency-key': uuidv7() } } : {};
  }

  /** Follow `next-page-token` until the server stops sending one (or repeats it). */
  async *paged<P extends z.ZodType, T>(path: string, query: Record<string, string | undefined>, call: RestCall, schema: P, read: (page: z.output<P>) => { items: T[]; next: string | null | undefined }): AsyncIterable<T> {
    let token = '';
    const pageSize = String(this.options.pageSize ?? DEFAULT_REST_PAGE_SIZE);
    for (;;) {
      const res = await this.http.send({ method: 'GET', path, query: { ...query, pageToken: token, pageSize }, call, idempotent: true });
      const page = read(this.http.decode(call, res, schema));
      yield* page.items;
      if (page.next === undefined || page.next === null || page.next === '' || page.next === token) return;
      token = page.next;
    }
  }

  /** A `LoadTableResult` body as the typed result, vended credentials folded into `config`. */
  tableResult(id: TableIdentifier, body: { 'metadata-location'?: string | null | undefined; metadata: unknown; config?: Record<string, string> | undefined; 'storage-credentials'?: S.StorageCredential[] | undefined }): LoadTableResult {
    const metadata: TableMetadata = tableMetadataFromJson(body.metadata);
    const vended = credentialFor(metadata.location, body['storage-credentials'] ?? []);
    return {
      identifier: id,
      metadataLocation: body['metadata-location'] ?? undefined,
      metadata,
      config: { ...body.config, ...vended },
    };
  }
}

/**
 * The last answer per key with the ETag it came with, bounded (least
 * recently used entries go first). The spec lets a client send the ETag back
 * as `If-None-Match` and take `304 Not Modified` as "still current".
 */
export class EtagCache<T> {
  readonly #entries = new Map<string, { etag: string; value: T }>();
  constructor(readonly capacity: number) {}

  get(key: string): { etag: string; value: T } | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, etag: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { etag, value });
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A UUIDv7 (RFC 9562) for Idempotency-Key: 48-bit ms timestamp, then random bits. */
export function uuidv7(now = Date.now()): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let t = now;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
