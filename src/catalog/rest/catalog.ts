/**
 * The Iceberg REST catalog client (`rest-catalog-open-api.yaml`): Apache
 * Polaris first, and any other server that speaks the protocol (the Apache
 * reference server, Lakekeeper, Nessie, Unity, AWS Glue's Iceberg endpoint,
 * S3 Tables).
 *
 * On first use it calls `GET /v1/config` (with `warehouse`), merges the
 * server's defaults, the client's properties and the server's overrides,
 * takes the `prefix` and `namespace-separator` from the result, and reads the
 * `endpoints` the server supports so unsupported calls fail fast with
 * `UnsupportedError` instead of a confusing 404.
 */
import type { z } from 'zod';
import { NotFoundError, UnsupportedError, ValidationError, isLakeError } from '../../errors.js';
import { expressionToJson } from '../../iceberg/expressions/json.js';
import type { Expression } from '../../iceberg/expressions/expression.js';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import { tableMetadataFromJson } from '../../iceberg/spec/metadata-json.js';
import { partitionSpecToJson } from '../../iceberg/spec/partition.js';
import { sameSchema, schemaToJson, withSchemaId } from '../../iceberg/spec/schema.js';
import { sortOrderToJson } from '../../iceberg/spec/sort-order.js';
import { tableRequirementToJson, tableUpdateToJson, type TableRequirement, type TableUpdate } from '../../iceberg/spec/table-update.js';
import type { FileIO } from '../../io/file-io.js';
import { ResolvingFileIO, type FileIORegistry } from '../../io/registry.js';
import { toSecret, type Secret } from '../../secret.js';
import type { Catalog, CreateTableRequest, DropTableOptions, LoadTableResult, NamespacePropertiesUpdate } from '../catalog.js';
import { checkIdentifier, checkNamespace, identifierToString, namespaceToString, type Namespace, type TableIdentifier } from '../identifier.js';
import { DEFAULT_OAUTH2_SCOPE, OAuth2ClientCredentials, BearerTokenAuth } from './auth.js';
import type { AuthProvider } from './auth-provider.js';
import { DEFAULT_ENDPOINTS, Endpoint, normaliseEndpoint } from './endpoints.js';
import type { RestCall } from './errors.js';
import { RestHttpClient, type RestLogEvent, type RestRequest, type RestRetryOptions } from './http.js';
import * as S from './schemas.js';
import { planFiles, type PlanScanOptions, type PlanningResult, type ScanTaskBatch, planningResultFromJson, scanTasksFromJson } from './scan-planning.js';
import { credentialFor, CREDENTIALS_EXPIRY_PROPERTY, VendedCredentialsFileIO } from './vended-io.js';
import { loadViewResultFromJson, viewSchemaJson, viewVersionToJson, type LoadViewResult, type ViewDefinition } from './views.js';

/** OAuth2 client credentials for {@link RestCatalogOptions.credential}. */
export interface ClientCredential {
  clientId: string;
  clientSecret: string | Secret;
}

/** Options of {@link RestCatalog}. */
export interface RestCatalogOptions {
  /** Base URI of the catalog API, e.g. `https://polaris.example.com/api/catalog` (without `/v1`). */
  uri: string;
  /** Warehouse to request from `/v1/config` (Polaris: the catalog name). */
  warehouse?: string;
  /** Name used in messages and lineage. @default DEFAULT_REST_CATALOG_NAME */
  name?: string;
  /** Client properties, applied between the server's defaults and overrides. */
  properties?: Readonly<Record<string, string>>;
  /** OAuth2 client credentials; exchanged at `oauth2ServerUri` (or the server's `/v1/oauth/tokens`). */
  credential?: ClientCredential;
  /** OAuth2 scope. Polaris: `PRINCIPAL_ROLE:ALL` or `PRINCIPAL_ROLE:<role>`. @default DEFAULT_OAUTH2_SCOPE */
  scope?: string;
  /** The OAuth2 token endpoint. @default `${uri}/v1/oauth/tokens` */
  oauth2ServerUri?: string;
  /** A static bearer token. */
  token?: string | Secret;
  /** Any other authentication (token exchange, SigV4 from `lakekit/catalog/sigv4`). */
  auth?: AuthProvider;
  /** Polaris realm, sent as the `Polaris-Realm` header on every request (token requests included). */
  realm?: string;
  /** Extra headers on every request; values may be Secrets. */
  headers?: Readonly<Record<string, string | Secret>>;
  /** Ask the server for delegated storage access, e.g. `['vended-credentials']`. */
  accessDelegation?: readonly ('vended-credentials' | 'remote-signing')[];
  /** The FileIO for every table (e.g. one S3FileIO with the service's own role). */
  io?: FileIO;
  /** Builds each table's FileIO from its properties (vended credentials); wins over `io` when the table hands out credentials. */
  fileIORegistry?: FileIORegistry;
  /** Snapshots to load: `all`, or `refs` for only those referenced by branches and tags. @default 'all' */
  snapshots?: 'all' | 'refs';
  /** Page size for listings. @default DEFAULT_REST_PAGE_SIZE */
  pageSize?: number;
  /** Per-request timeout in ms. @default DEFAULT_REST_TIMEOUT_MS */
  timeoutMs?: number;
  /** Retries of idempotent calls on 429/502/503/504 and refused connections. */
  retry?: RestRetryOptions;
  fetch?: typeof fetch;
  /** Request log (method, path, status, duration, request id — never headers or bodies). */
  logger?: (event: RestLogEvent) => void;
}

/** Default catalog name. */
export const DEFAULT_REST_CATALOG_NAME = 'rest';
/** Default page size for listings. */
export const DEFAULT_REST_PAGE_SIZE = 200;

/** One table's changes in a multi-table transaction. */
export interface TableCommit {
  identifier: TableIdentifier;
  requirements: readonly TableRequirement[];
  updates: readonly TableUpdate[];
}

/** Options of {@link RestCatalog.loadTable}. */
export interface LoadTableOptions {
  snapshots?: 'all' | 'refs';
  signal?: AbortSignal;
}

interface Resolved {
  properties: Record<string, string>;
  endpoints: ReadonlySet<string>;
  /** `v1/` or `v1/<prefix>/`. */
  base: string;
  separator: string;
  idempotency: boolean;
}

/**
 * A {@link Catalog} backed by an Iceberg REST server.
 *
 * @example
 * ```ts
 * const catalog = new RestCatalog({
 *   uri: 'https://polaris.example.com/api/catalog',
 *   warehouse: 'prod',
 *   credential: { clientId: 'etl', clientSecret: new Secret(process.env.POLARIS_SECRET ?? '') },
 *   scope: 'PRINCIPAL_ROLE:ALL',
 *   realm: 'datax',
 *   accessDelegation: ['vended-credentials'],
 *   fileIORegistry: new FileIORegistry({ s3: (p) => S3FileIO.fromProperties(p) }),
 * });
 * const table = await Table.load(catalog, 'gold.daily_kpis');
 * ```
 */
export class RestCatalog implements Catalog {
  readonly name: string;
  readonly http: RestHttpClient;
  readonly #o: RestCatalogOptions;
  #resolved: Promise<Resolved> | undefined;
  #props: Readonly<Record<string, string>> | undefined;

  constructor(options: RestCatalogOptions) {
    this.#o = options;
    this.name = options.name ?? DEFAULT_REST_CATALOG_NAME;
    let uri: URL;
    try {
      uri = new URL(options.uri);
    } catch {
      throw new ValidationError(`catalog uri '${String(options.uri).slice(0, 200)}' is not a URL; write it as https://host[:port]/path`);
    }
    if (uri.protocol !== 'http:' && uri.protocol !== 'https:') throw new ValidationError(`catalog uri must be http(s), not ${uri.protocol}`);
    const base = options.uri.replace(/\/+$/, '').replace(/\/v1$/, '');
    const headers: Record<string, string | Secret> = { ...options.headers };
    if (options.realm !== undefined) headers['Polaris-Realm'] = options.realm;
    if (options.accessDelegation !== undefined && options.accessDelegation.length > 0) {
      headers['X-Iceberg-Access-Delegation'] = options.accessDelegation.join(',');
    }
    this.http = new RestHttpClient({
      uri: base,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      headers,
      ...this.#authOption(base),
    });
  }

  #authOption(base: string): { auth?: AuthProvider } {
    const o = this.#o;
    const given = [o.auth, o.credential, o.token].filter((x) => x !== undefined).length;
    if (given > 1) throw new ValidationError('give one of auth, credential or token, not several');
    if (o.auth !== undefined) return { auth: o.auth };
    if (o.token !== undefined) return { auth: new BearerTokenAuth(toSecret(o.token)) };
    if (o.credential !== undefined) {
      return {
        auth: new OAuth2ClientCredentials({
          tokenEndpoint: o.oauth2ServerUri ?? `${base}/v1/oauth/tokens`,
          clientId: o.credential.clientId,
          clientSecret: o.credential.clientSecret,
          scope: o.scope ?? DEFAULT_OAUTH2_SCOPE,
          ...(o.realm === undefined ? {} : { headers: { 'Polaris-Realm': o.realm } }),
          ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
          ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
        }),
      };
    }
    return {};
  }

  /** Create a catalog and fetch its configuration now (fails fast on a wrong URI or credentials). */
  static async connect(options: RestCatalogOptions): Promise<RestCatalog> {
    const catalog = new RestCatalog(options);
    await catalog.properties();
    return catalog;
  }

  // ---- configuration ----------------------------------------------------------

  #config(): Promise<Resolved> {
    this.#resolved ??= this.#fetchConfig().catch((e: unknown) => {
      this.#resolved = undefined; // let the next call try again
      throw e;
    });
    return this.#resolved;
  }

  async #fetchConfig(): Promise<Resolved> {
    const config = await this.http.json(
      {
        method: 'GET',
        path: 'v1/config',
        query: { warehouse: this.#o.warehouse },
        call: { what: `load the configuration of catalog ${this.name}`, target: 'config' },
        idempotent: true,
      },
      S.CatalogConfig,
    );
    const properties = { ...config.defaults, ...this.#o.properties, ...config.overrides };
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

  /** The merged catalog properties (server defaults, client properties, server overrides). */
  async properties(): Promise<Readonly<Record<string, string>>> {
    return (await this.#config()).properties;
  }

  /** Whether the server advertises an endpoint (see {@link Endpoint}). */
  async supports(endpoint: Endpoint): Promise<boolean> {
    return (await this.#config()).endpoints.has(endpoint);
  }

  async #require(endpoint: Endpoint, what: string): Promise<Resolved> {
    const c = await this.#config();
    if (!c.endpoints.has(endpoint)) {
      throw new UnsupportedError(`catalog ${this.name} does not support ${what} (its /v1/config does not list "${endpoint}")`, { context: { endpoint } });
    }
    return c;
  }

  #nsPath(c: Resolved, ns: Namespace): string {
    return ns.map((l) => encodeURIComponent(l)).join(c.separator);
  }

  #tablePath(c: Resolved, id: TableIdentifier, kind: 'tables' | 'views' = 'tables'): string {
    return `${c.base}namespaces/${this.#nsPath(c, id.namespace)}/${kind}/${encodeURIComponent(id.name)}`;
  }

  /** Headers and retry-safety for a mutation: an Idempotency-Key where the server supports it. */
  #mutation(c: Resolved): Pick<RestRequest, 'headers' | 'idempotent'> {
    return c.idempotency ? { headers: { 'idempotency-key': uuidv7() }, idempotent: true } : { idempotent: false };
  }

  /** An Idempotency-Key for a commit where the server supports keys; commits are still never re-sent. */
  #commitKey(c: Resolved): Pick<RestRequest, 'headers'> {
    return c.idempotency ? { headers: { 'idempotency-key': uuidv7() } } : {};
  }

  async *#paged<P extends z.ZodType, T>(path: string, query: Record<string, string | undefined>, call: RestCall, schema: P, read: (page: z.output<P>) => { items: T[]; next: string | null | undefined }): AsyncIterable<T> {
    let token = '';
    const pageSize = String(this.#o.pageSize ?? DEFAULT_REST_PAGE_SIZE);
    for (;;) {
      const res = await this.http.send({ method: 'GET', path, query: { ...query, pageToken: token, pageSize }, call, idempotent: true });
      const page = read(this.http.decode(call, res, schema));
      yield* page.items;
      if (page.next === undefined || page.next === null || page.next === '' || page.next === token) return;
      token = page.next;
    }
  }

  // ---- namespaces ---------------------------------------------------------------

  async *listNamespaces(parent: Namespace = []): AsyncIterable<Namespace> {
    if (parent.length > 0) checkNamespace(parent);
    const c = await this.#require(Endpoint.listNamespaces, 'listing namespaces');
    const call: RestCall = { what: `list namespaces${parent.length > 0 ? ` under ${namespaceToString(parent)}` : ''}`, target: 'namespace', subject: namespaceToString(parent) };
    yield* this.#paged(`${c.base}namespaces`, { parent: parent.length > 0 ? parent.join(decodeURIComponent(c.separator)) : undefined }, call, S.ListNamespacesResponse, (page) => {
      return { items: page.namespaces, next: page['next-page-token'] };
    });
  }

  async createNamespace(ns: Namespace, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    checkNamespace(ns);
    const c = await this.#require(Endpoint.createNamespace, 'creating namespaces');
    if (ns.length > 1 && !(await this.namespaceExists(ns.slice(0, -1)))) {
      throw new NotFoundError(`parent namespace ${namespaceToString(ns.slice(0, -1))} does not exist in catalog ${this.name}; create it first`);
    }
    const body = S.CreateNamespaceRequest.parse({ namespace: [...ns], properties: { ...properties } });
    await this.http.json(
      { method: 'POST', path: `${c.base}namespaces`, body: { json: body }, call: { what: `create namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) }, ...this.#mutation(c) },
      S.CreateNamespaceResponse,
    );
  }

  async namespaceExists(ns: Namespace): Promise<boolean> {
    checkNamespace(ns);
    const c = await this.#config();
    const call: RestCall = { what: `check namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) };
    try {
      if (c.endpoints.has(Endpoint.namespaceExists)) {
        await this.http.send({ method: 'HEAD', path: `${c.base}namespaces/${this.#nsPath(c, ns)}`, call, idempotent: true });
      } else {
        await this.loadNamespaceProperties(ns);
      }
      return true;
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  async loadNamespaceProperties(ns: Namespace): Promise<Record<string, string>> {
    checkNamespace(ns);
    const c = await this.#require(Endpoint.loadNamespace, 'loading namespaces');
    const res = await this.http.json(
      { method: 'GET', path: `${c.base}namespaces/${this.#nsPath(c, ns)}`, call: { what: `load namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) }, idempotent: true },
      S.GetNamespaceResponse,
    );
    return { ...res.properties };
  }

  async updateNamespaceProperties(ns: Namespace, removals: readonly string[], updates: Readonly<Record<string, string>>): Promise<NamespacePropertiesUpdate> {
    checkNamespace(ns);
    const c = await this.#require(Endpoint.updateNamespace, 'updating namespace properties');
    const body = S.UpdateNamespacePropertiesRequest.parse({ removals: [...removals], updates: { ...updates } });
    const res = await this.http.json(
      {
        method: 'POST',
        path: `${c.base}namespaces/${this.#nsPath(c, ns)}/properties`,
        body: { json: body },
        call: { what: `update properties of namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) },
        ...this.#mutation(c),
      },
      S.UpdateNamespacePropertiesResponse,
    );
    return { updated: res.updated, removed: res.removed, missing: res.missing ?? [] };
  }

  async dropNamespace(ns: Namespace): Promise<void> {
    checkNamespace(ns);
    const c = await this.#require(Endpoint.dropNamespace, 'dropping namespaces');
    // Some servers (the reference server's JDBC backend) only check for tables and would leave
    // child namespaces orphaned.
    for await (const child of c.endpoints.has(Endpoint.listNamespaces) ? this.listNamespaces(ns) : []) {
      throw new ValidationError(`namespace ${namespaceToString(ns)} is not empty: it holds namespace ${namespaceToString(child)}; drop its tables, views and namespaces first`, {
        context: { reason: 'namespace-not-empty' },
      });
    }
    await this.http.send({
      method: 'DELETE',
      path: `${c.base}namespaces/${this.#nsPath(c, ns)}`,
      call: { what: `drop namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns), dropNamespace: true },
      ...this.#mutation(c),
    });
  }

  // ---- tables ----------------------------------------------------------------------

  async *listTables(ns: Namespace): AsyncIterable<TableIdentifier> {
    checkNamespace(ns);
    const c = await this.#require(Endpoint.listTables, 'listing tables');
    const call: RestCall = { what: `list tables in namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) };
    yield* this.#paged(`${c.base}namespaces/${this.#nsPath(c, ns)}/tables`, {}, call, S.ListTablesResponse, (page) => {
      return { items: page.identifiers, next: page['next-page-token'] };
    });
  }

  #result(id: TableIdentifier, body: { 'metadata-location'?: string | null | undefined; metadata: unknown; config?: Record<string, string> | undefined; 'storage-credentials'?: S.StorageCredential[] | undefined }): LoadTableResult {
    const metadata: TableMetadata = tableMetadataFromJson(body.metadata);
    const vended = credentialFor(metadata.location, body['storage-credentials'] ?? []);
    return {
      identifier: id,
      metadataLocation: body['metadata-location'] ?? undefined,
      metadata,
      config: { ...body.config, ...vended },
    };
  }

  async createTable(id: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult> {
    return this.#create(id, request, false);
  }

  /**
   * Stage a table without creating it: the server returns the metadata it
   * would create (and storage credentials) but no `metadataLocation`. Write
   * data files, then commit with an `assert-create` requirement and
   * {@link stagedCreateUpdates} plus the new snapshot — a create-and-append
   * in one atomic step (CTAS).
   */
  async stageCreateTable(id: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult> {
    return this.#create(id, request, true);
  }

  async #create(id: TableIdentifier, request: CreateTableRequest, stage: boolean): Promise<LoadTableResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.createTable, 'creating tables');
    // Some servers (the reference server's JDBC backend) create a missing namespace silently;
    // a table must never appear in a namespace nobody created.
    const canCheck = c.endpoints.has(Endpoint.namespaceExists) || c.endpoints.has(Endpoint.loadNamespace);
    if (canCheck && !(await this.namespaceExists(id.namespace))) {
      throw new NotFoundError(`namespace ${namespaceToString(id.namespace)} does not exist in catalog ${this.name}; create it before table ${id.name}`, {
        context: { namespace: namespaceToString(id.namespace) },
      });
    }
    const body = S.CreateTableRequestSchema.parse({
      name: id.name,
      ...(request.location === undefined ? {} : { location: request.location }),
      schema: schemaToJson(request.schema),
      ...(request.partitionSpec === undefined ? {} : { 'partition-spec': partitionSpecToJson(request.partitionSpec) }),
      ...(request.writeOrder === undefined ? {} : { 'write-order': sortOrderToJson(request.writeOrder) }),
      ...(stage ? { 'stage-create': true } : {}),
      properties: { ...request.properties },
    });
    const res = await this.http.json(
      {
        method: 'POST',
        path: `${c.base}namespaces/${this.#nsPath(c, id.namespace)}/tables`,
        body: { json: body },
        call: { what: `${stage ? 'stage' : 'create'} table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) },
        ...this.#mutation(c),
      },
      S.LoadTableResultSchema,
    );
    return this.#result(id, res);
  }

  async loadTable(id: TableIdentifier, options: LoadTableOptions = {}): Promise<LoadTableResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.loadTable, 'loading tables');
    const res = await this.http.json(
      {
        method: 'GET',
        path: this.#tablePath(c, id),
        query: { snapshots: options.snapshots ?? this.#o.snapshots },
        call: { what: `load table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) },
        idempotent: true,
      },
      S.LoadTableResultSchema,
      options.signal,
    );
    return this.#result(id, res);
  }

  async tableExists(id: TableIdentifier): Promise<boolean> {
    checkIdentifier(id);
    const c = await this.#config();
    try {
      if (c.endpoints.has(Endpoint.tableExists)) {
        await this.http.send({ method: 'HEAD', path: this.#tablePath(c, id), call: { what: `check table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) }, idempotent: true });
      } else {
        await this.loadTable(id, { snapshots: 'refs' });
      }
      return true;
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  async dropTable(id: TableIdentifier, options: DropTableOptions = {}): Promise<void> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.dropTable, 'dropping tables');
    await this.http.send({
      method: 'DELETE',
      path: this.#tablePath(c, id),
      query: { purgeRequested: String(options.purge === true) },
      call: { what: `drop table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) },
      ...this.#mutation(c),
    });
  }

  async renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    await this.#rename(from, to, 'tables', Endpoint.renameTable);
  }

  async #rename(from: TableIdentifier, to: TableIdentifier, kind: 'tables' | 'views', endpoint: Endpoint): Promise<void> {
    checkIdentifier(from);
    checkIdentifier(to);
    const what = kind === 'tables' ? 'table' : 'view';
    const c = await this.#require(endpoint, `renaming ${kind}`);
    const body = S.RenameTableRequest.parse({ source: { namespace: [...from.namespace], name: from.name }, destination: { namespace: [...to.namespace], name: to.name } });
    await this.http.send({
      method: 'POST',
      path: `${c.base}${kind}/rename`,
      body: { json: body },
      call: { what: `rename ${what} ${identifierToString(from)} to ${identifierToString(to)}`, target: kind === 'tables' ? 'table' : 'view', subject: identifierToString(from) },
      ...this.#mutation(c),
    });
  }

  async registerTable(id: TableIdentifier, metadataLocation: string, options: { overwrite?: boolean } = {}): Promise<LoadTableResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.registerTable, 'registering tables');
    const body = S.RegisterTableRequest.parse({ name: id.name, 'metadata-location': metadataLocation, ...(options.overwrite === true ? { overwrite: true } : {}) });
    const res = await this.http.json(
      {
        method: 'POST',
        path: `${c.base}namespaces/${this.#nsPath(c, id.namespace)}/register`,
        body: { json: body },
        call: { what: `register table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) },
        ...this.#mutation(c),
      },
      S.LoadTableResultSchema,
    );
    return this.#result(id, res);
  }

  /**
   * Commit one table's changes. Never re-sent on its own: a 5xx, a timeout or
   * a broken answer raises `CommitStateUnknownError` (reload and check).
   */
  async commitTable(id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<LoadTableResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.updateTable, 'committing tables');
    const body = S.CommitTableRequest.parse({
      identifier: { namespace: [...id.namespace], name: id.name },
      requirements: requirements.map(tableRequirementToJson),
      updates: updates.map(tableUpdateToJson),
    });
    const res = await this.http.json(
      {
        method: 'POST',
        path: this.#tablePath(c, id),
        body: { json: body },
        call: { what: `commit to table ${identifierToString(id)}`, target: 'commit', subject: identifierToString(id) },
        ...this.#commitKey(c),
        idempotent: false,
      },
      S.CommitTableResponse,
    );
    return this.#result(id, { ...res, config: {} });
  }

  /**
   * Commit changes to several tables atomically (`POST /transactions/commit`):
   * all land or none does. Errors are those of {@link commitTable}.
   */
  async commitTransaction(changes: readonly TableCommit[]): Promise<void> {
    for (const ch of changes) checkIdentifier(ch.identifier);
    const c = await this.#require(Endpoint.commitTransaction, 'multi-table transactions');
    const body = S.CommitTransactionRequest.parse({
      'table-changes': changes.map((ch) => ({
        identifier: { namespace: [...ch.identifier.namespace], name: ch.identifier.name },
        requirements: ch.requirements.map(tableRequirementToJson),
        updates: ch.updates.map(tableUpdateToJson),
      })),
    });
    await this.http.send({
      method: 'POST',
      path: `${c.base}transactions/commit`,
      body: { json: body },
      call: { what: `commit a transaction over ${changes.map((ch) => identifierToString(ch.identifier)).join(', ')}`, target: 'transaction' },
      ...this.#commitKey(c),
      idempotent: false,
    });
  }

  /** Fresh storage credentials for a table (`GET …/credentials`); falls back to reloading the table. */
  async loadCredentials(id: TableIdentifier): Promise<S.StorageCredential[]> {
    checkIdentifier(id);
    const c = await this.#config();
    if (!c.endpoints.has(Endpoint.loadCredentials)) {
      const t = await this.loadTable(id, { snapshots: 'refs' });
      return [{ prefix: t.metadata.location, config: { ...t.config } }];
    }
    const res = await this.http.json(
      { method: 'GET', path: `${this.#tablePath(c, id)}/credentials`, call: { what: `load credentials of table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) }, idempotent: true },
      S.LoadCredentialsResponse,
    );
    return res['storage-credentials'];
  }

  fileIO(result: LoadTableResult): FileIO {
    const registry = this.#o.fileIORegistry;
    if (registry === undefined) {
      if (this.#o.io !== undefined) return this.#o.io;
      throw new ValidationError(`catalog ${this.name} has no storage configured; pass io or fileIORegistry to RestCatalog`);
    }
    // The merged catalog properties are known once a table was loaded (which needed the config).
    const properties = { ...(this.#props ?? this.#o.properties), ...result.config };
    if (properties[CREDENTIALS_EXPIRY_PROPERTY] === undefined) {
      return new ResolvingFileIO(registry.withProperties(properties));
    }
    return new VendedCredentialsFileIO({
      registry,
      properties,
      refresh: async () => {
        const creds = await this.loadCredentials(result.identifier);
        return { ...properties, ...credentialFor(result.metadata.location, creds) };
      },
    });
  }

  // ---- views ----------------------------------------------------------------------

  /** Views in a namespace, page by page. */
  async *listViews(ns: Namespace): AsyncIterable<TableIdentifier> {
    checkNamespace(ns);
    const c = await this.#require(Endpoint.listViews, 'views');
    const call: RestCall = { what: `list views in namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) };
    yield* this.#paged(`${c.base}namespaces/${this.#nsPath(c, ns)}/views`, {}, call, S.ListTablesResponse, (page) => {
      return { items: page.identifiers, next: page['next-page-token'] };
    });
  }

  /** Create a view. */
  async createView(id: TableIdentifier, def: ViewDefinition): Promise<LoadViewResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.createView, 'views');
    const body = S.CreateViewRequestSchema.parse({
      name: id.name,
      ...(def.location === undefined ? {} : { location: def.location }),
      schema: viewSchemaJson(def),
      'view-version': viewVersionToJson(id, def, 1, def.schema.schemaId, Date.now()),
      properties: { ...def.properties },
    });
    const res = await this.http.json(
      { method: 'POST', path: `${c.base}namespaces/${this.#nsPath(c, id.namespace)}/views`, body: { json: body }, call: { what: `create view ${identifierToString(id)}`, target: 'view', subject: identifierToString(id) }, ...this.#mutation(c) },
      S.LoadViewResultSchema,
    );
    return loadViewResultFromJson(id, res);
  }

  /** Load a view. */
  async loadView(id: TableIdentifier): Promise<LoadViewResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.loadView, 'views');
    const res = await this.http.json(
      { method: 'GET', path: this.#tablePath(c, id, 'views'), call: { what: `load view ${identifierToString(id)}`, target: 'view', subject: identifierToString(id) }, idempotent: true },
      S.LoadViewResultSchema,
    );
    return loadViewResultFromJson(id, res);
  }

  /** Whether a view exists. */
  async viewExists(id: TableIdentifier): Promise<boolean> {
    checkIdentifier(id);
    const c = await this.#config();
    try {
      if (c.endpoints.has(Endpoint.viewExists)) {
        await this.http.send({ method: 'HEAD', path: this.#tablePath(c, id, 'views'), call: { what: `check view ${identifierToString(id)}`, target: 'view', subject: identifierToString(id) }, idempotent: true });
      } else {
        await this.loadView(id);
      }
      return true;
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  /**
   * Replace a view's definition with a new version (guarded by the view's
   * UUID, so a view dropped and re-created meanwhile is not overwritten).
   */
  async replaceView(id: TableIdentifier, def: ViewDefinition): Promise<LoadViewResult> {
    const current = await this.loadView(id);
    const c = await this.#require(Endpoint.replaceView, 'replacing views');
    const m = current.metadata;
    const nextVersion = Math.max(0, ...m.versions.map((v) => v.versionId)) + 1;
    // Explicit ids: servers deduplicate an identical schema, so "last added" (-1) may not exist.
    const same = m.schemas.find((s) => sameSchema(s, def.schema));
    const schemaId = same?.schemaId ?? Math.max(-1, ...m.schemas.map((s) => s.schemaId)) + 1;
    const updates: Record<string, unknown>[] = [];
    if (same === undefined) updates.push({ action: 'add-schema', schema: schemaToJson(withSchemaId(def.schema, schemaId)) });
    updates.push(
      { action: 'add-view-version', 'view-version': viewVersionToJson(id, def, nextVersion, schemaId, Date.now()) },
      { action: 'set-current-view-version', 'view-version-id': nextVersion },
    );
    if (def.properties !== undefined) updates.push({ action: 'set-properties', updates: { ...def.properties } });
    const body = S.CommitViewRequest.parse({
      identifier: { namespace: [...id.namespace], name: id.name },
      requirements: [{ type: 'assert-view-uuid', uuid: m.viewUuid }],
      updates,
    });
    const res = await this.http.json(
      { method: 'POST', path: this.#tablePath(c, id, 'views'), body: { json: body }, call: { what: `replace view ${identifierToString(id)}`, target: 'commit', subject: identifierToString(id) }, ...this.#commitKey(c), idempotent: false },
      S.LoadViewResultSchema,
    );
    return loadViewResultFromJson(id, res);
  }

  /** Drop a view. */
  async dropView(id: TableIdentifier): Promise<void> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.dropView, 'views');
    await this.http.send({ method: 'DELETE', path: this.#tablePath(c, id, 'views'), call: { what: `drop view ${identifierToString(id)}`, target: 'view', subject: identifierToString(id) }, ...this.#mutation(c) });
  }

  /** Rename a view. */
  async renameView(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    await this.#rename(from, to, 'views', Endpoint.renameView);
  }

  // ---- server-side scan planning ------------------------------------------------

  /** Start server-side planning of a scan (`POST …/plan`). Needs the server to advertise it. */
  async planTableScan(id: TableIdentifier, options: PlanScanOptions = {}): Promise<PlanningResult> {
    checkIdentifier(id);
    const c = await this.#require(Endpoint.planTableScan, 'server-side scan planning');
    const body = S.PlanTableScanRequestSchema.parse({
      ...(options.snapshotId === undefined ? {} : { 'snapshot-id': options.snapshotId }),
      ...(options.select === undefined ? {} : { select: [...options.select] }),
      ...(options.filter === undefined ? {} : { filter: expressionToJson(options.filter as Expression) }),
      ...(options.caseSensitive === undefined ? {} : { 'case-sensitive': options.caseSensitive }),
      ...(options.useSnapshotSchema === undefined ? {} : { 'use-snapshot-schema': options.useSnapshotSchema }),
      ...(options.startSnapshotId === undefined ? {} : { 'start-snapshot-id': options.startSnapshotId }),
      ...(options.endSnapshotId === undefined ? {} : { 'end-snapshot-id': options.endSnapshotId }),
      ...(options.minRowsRequested === undefined ? {} : { 'min-rows-requested': options.minRowsRequested }),
      ...(options.statsFields === undefined ? {} : { 'stats-fields': [...options.statsFields] }),
    });
    const call: RestCall = { what: `plan a scan of table ${identifierToString(id)}`, target: 'plan', subject: identifierToString(id) };
    const res = await this.http.json({ method: 'POST', path: `${this.#tablePath(c, id)}/plan`, body: { json: body }, call, idempotent: false }, S.PlanningResultSchema, options.signal);
    return planningResultFromJson(res, call.what);
  }

  /** Poll an asynchronous plan (`GET …/plan/{plan-id}`). */
  async fetchPlanningResult(id: TableIdentifier, planId: string, signal?: AbortSignal): Promise<PlanningResult> {
    const c = await this.#require(Endpoint.fetchPlanningResult, 'asynchronous scan planning');
    const call: RestCall = { what: `fetch scan plan ${planId} of table ${identifierToString(id)}`, target: 'plan', subject: identifierToString(id) };
    const res = await this.http.json({ method: 'GET', path: `${this.#tablePath(c, id)}/plan/${encodeURIComponent(planId)}`, call, idempotent: true }, S.PlanningResultSchema, signal);
    return planningResultFromJson(res, call.what);
  }

  /** Cancel an asynchronous plan. */
  async cancelPlanning(id: TableIdentifier, planId: string): Promise<void> {
    const c = await this.#require(Endpoint.cancelPlanning, 'cancelling scan planning');
    await this.http.send({ method: 'DELETE', path: `${this.#tablePath(c, id)}/plan/${encodeURIComponent(planId)}`, call: { what: `cancel scan plan ${planId}`, target: 'plan' }, idempotent: true });
  }

  /** The file scan tasks of one plan task (`POST …/tasks`). */
  async fetchScanTasks(id: TableIdentifier, planTask: string, signal?: AbortSignal): Promise<ScanTaskBatch> {
    const c = await this.#require(Endpoint.fetchScanTasks, 'fetching scan tasks');
    const call: RestCall = { what: `fetch scan tasks of table ${identifierToString(id)}`, target: 'plan', subject: identifierToString(id) };
    const res = await this.http.json({ method: 'POST', path: `${this.#tablePath(c, id)}/tasks`, body: { json: { 'plan-task': planTask } }, call, idempotent: true }, S.FetchScanTasksResultSchema, signal);
    return scanTasksFromJson(res);
  }

  /**
   * Plan a scan on the server and stream its file scan tasks: waits for an
   * asynchronous plan, then follows every plan task.
   */
  planFiles(id: TableIdentifier, options: PlanScanOptions = {}): AsyncIterable<ScanTaskBatch> {
    return planFiles(this, id, options);
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

/**
 * The updates that turn a staged table's metadata into a created table, for a
 * commit with an `assert-create` requirement.
 */
export function stagedCreateUpdates(m: TableMetadata): TableUpdate[] {
  const schema = m.schemas.find((s) => s.schemaId === m.currentSchemaId)!;
  const spec = m.partitionSpecs.find((s) => s.specId === m.defaultSpecId)!;
  const order = m.sortOrders.find((s) => s.orderId === m.defaultSortOrderId)!;
  return [
    ...(m.tableUuid === undefined ? [] : [{ action: 'assign-uuid' as const, uuid: m.tableUuid }]),
    { action: 'upgrade-format-version', formatVersion: m.formatVersion },
    { action: 'add-schema', schema },
    { action: 'set-current-schema', schemaId: -1 },
    { action: 'add-spec', spec },
    { action: 'set-default-spec', specId: -1 },
    { action: 'add-sort-order', sortOrder: order },
    { action: 'set-default-sort-order', sortOrderId: -1 },
    { action: 'set-location', location: m.location },
    { action: 'set-properties', updates: { ...m.properties } },
  ];
}
