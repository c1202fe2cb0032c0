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
 *
 * This file holds the options, authentication and the public surface; the
 * calls themselves live by subject: `namespaces.ts`, `tables.ts`,
 * `transactions.ts`, `view-requests.ts`, `scan-planning.ts`, `metrics.ts`,
 * `functions.ts` and `remote-signing.ts`, over the shared `context.ts`.
 */
import { ValidationError } from '../../errors.js';
import type { TableRequirement, TableUpdate } from '../../iceberg/spec/table-update.js';
import type { FileIO } from '../../io/file-io.js';
import { ResolvingFileIO, type FileIORegistry } from '../../io/registry.js';
import { toSecret, type Secret } from '../../secret.js';
import type { Catalog, CreateTableRequest, DropTableOptions, LoadTableResult, NamespacePropertiesUpdate } from '../catalog.js';
import type { Namespace, TableIdentifier } from '../identifier.js';
import { DEFAULT_OAUTH2_SCOPE, OAuth2ClientCredentials, BearerTokenAuth } from './auth.js';
import type { AuthProvider } from './auth-provider.js';
import { RestContext } from './context.js';
import type { Endpoint } from './endpoints.js';
import { listFunctions, loadFunction, type LoadFunctionResult } from './functions.js';
import { RestHttpClient, type RestLogEvent, type RestRetryOptions } from './http.js';
import { reportMetrics, type MetricsReport } from './metrics.js';
import * as ns from './namespaces.js';
import { signRequest, type RemoteSignRequest, type RemoteSignResult } from './remote-signing.js';
import type { StorageCredential } from './schemas.js';
import { cancelPlanning, fetchPlanningResult, fetchScanTasks, planFiles, planTableScan, type PlanScanOptions, type PlanningResult, type ScanTaskBatch } from './scan-planning.js';
import * as tables from './tables.js';
import type { LoadCredentialsOptions, LoadTableOptions, UnregisterTableResult } from './tables.js';
import { commitTable, commitTransaction, type TableCommit } from './transactions.js';
import { credentialFor, CREDENTIALS_EXPIRY_PROPERTY, VendedCredentialsFileIO } from './vended-io.js';
import * as views from './view-requests.js';
import type { LoadViewOptions } from './view-requests.js';
import type { LoadViewResult, ViewDefinition } from './views.js';

export { DEFAULT_REST_PAGE_SIZE, uuidv7 } from './context.js';
export { stagedCreateUpdates, type LoadTableOptions } from './tables.js';
export type { TableCommit } from './transactions.js';

/** The catalog property naming the OAuth2 token endpoint. */
export const OAUTH2_SERVER_URI_PROPERTY = 'oauth2-server-uri';

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
  /** OAuth2 client credentials; exchanged at the token endpoint (see `oauth2ServerUri`). */
  credential?: ClientCredential;
  /** OAuth2 scope. Polaris: `PRINCIPAL_ROLE:ALL` or `PRINCIPAL_ROLE:<role>`. @default DEFAULT_OAUTH2_SCOPE */
  scope?: string;
  /**
   * The OAuth2 token endpoint. When absent: the `oauth2-server-uri` catalog property (from
   * `properties`, or from the server's `/v1/config` once it has answered), and only then the
   * deprecated `${uri}/v1/oauth/tokens`. A relative value resolves against `uri`.
   */
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
  /**
   * After a commit that adds a snapshot, send a `CommitReport` to the server's metrics endpoint
   * (in the background; a failed report never fails the commit). Only where the server
   * advertises `reportMetrics`. @default true
   */
  reportCommitMetrics?: boolean;
  /** Request log (method, path, status, duration, request id — never headers or bodies). */
  logger?: (event: RestLogEvent) => void;
}

/** Default catalog name. */
export const DEFAULT_REST_CATALOG_NAME = 'rest';

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
  readonly #ctx: RestContext;
  readonly #pendingReports = new Set<Promise<void>>();

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
    this.#ctx = new RestContext({ name: this.name, http: this.http, warehouse: options.warehouse, properties: options.properties, pageSize: options.pageSize, snapshots: options.snapshots });
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
          tokenEndpoint: () => this.#tokenEndpoint(base),
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

  /**
   * The explicit option, else `oauth2-server-uri` from the merged catalog properties (or the
   * client's before `/v1/config` answered), else the deprecated `/v1/oauth/tokens` of the server.
   */
  #tokenEndpoint(base: string): string {
    const o = this.#o;
    const named = o.oauth2ServerUri ?? this.#ctx.loadedProperties?.[OAUTH2_SERVER_URI_PROPERTY] ?? o.properties?.[OAUTH2_SERVER_URI_PROPERTY];
    if (named === undefined || named === '') return `${base}/v1/oauth/tokens`;
    try {
      return new URL(named, `${base}/`).href;
    } catch {
      throw new ValidationError(`oauth2-server-uri '${named.slice(0, 200)}' is not a URL; set it to the OAuth2 token endpoint, e.g. https://idp.example.com/oauth2/token`);
    }
  }

  /** Create a catalog and fetch its configuration now (fails fast on a wrong URI or credentials). */
  static async connect(options: RestCatalogOptions): Promise<RestCatalog> {
    const catalog = new RestCatalog(options);
    await catalog.properties();
    return catalog;
  }

  // ---- configuration ----------------------------------------------------------

  /** The merged catalog properties (server defaults, client properties, server overrides). */
  async properties(): Promise<Readonly<Record<string, string>>> {
    return (await this.#ctx.config()).properties;
  }

  /** Whether the server advertises an endpoint (see {@link Endpoint}). */
  async supports(endpoint: Endpoint): Promise<boolean> {
    return (await this.#ctx.config()).endpoints.has(endpoint);
  }

  // ---- namespaces ---------------------------------------------------------------

  listNamespaces(parent: Namespace = []): AsyncIterable<Namespace> {
    return ns.listNamespaces(this.#ctx, parent);
  }

  createNamespace(namespace: Namespace, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    return ns.createNamespace(this.#ctx, namespace, properties);
  }

  namespaceExists(namespace: Namespace): Promise<boolean> {
    return ns.namespaceExists(this.#ctx, namespace);
  }

  loadNamespaceProperties(namespace: Namespace): Promise<Record<string, string>> {
    return ns.loadNamespaceProperties(this.#ctx, namespace);
  }

  updateNamespaceProperties(namespace: Namespace, removals: readonly string[], updates: Readonly<Record<string, string>>): Promise<NamespacePropertiesUpdate> {
    return ns.updateNamespaceProperties(this.#ctx, namespace, removals, updates);
  }

  dropNamespace(namespace: Namespace): Promise<void> {
    return ns.dropNamespace(this.#ctx, namespace);
  }

  // ---- tables ----------------------------------------------------------------------

  listTables(namespace: Namespace): AsyncIterable<TableIdentifier> {
    return tables.listTables(this.#ctx, namespace);
  }

  createTable(id: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult> {
    return tables.createTable(this.#ctx, id, request, false);
  }

  /**
   * Stage a table without creating it: the server returns the metadata it
   * would create (and storage credentials) but no `metadataLocation`. Write
   * data files, then commit with an `assert-create` requirement and
   * {@link stagedCreateUpdates} plus the new snapshot — a create-and-append
   * in one atomic step (CTAS).
   */
  stageCreateTable(id: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult> {
    return tables.createTable(this.#ctx, id, request, true);
  }

  loadTable(id: TableIdentifier, options: LoadTableOptions = {}): Promise<LoadTableResult> {
    return tables.loadTable(this.#ctx, id, options);
  }

  tableExists(id: TableIdentifier): Promise<boolean> {
    return tables.tableExists(this.#ctx, id);
  }

  dropTable(id: TableIdentifier, options: DropTableOptions = {}): Promise<void> {
    return tables.dropTable(this.#ctx, id, options);
  }

  renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    return tables.renameObject(this.#ctx, from, to, 'tables');
  }

  registerTable(id: TableIdentifier, metadataLocation: string, options: { overwrite?: boolean } = {}): Promise<LoadTableResult> {
    return tables.registerTable(this.#ctx, id, metadataLocation, options.overwrite === true);
  }

  /**
   * Stop tracking a table without touching its files (`POST …/unregister`);
   * register the returned metadata location in another catalog to move it.
   */
  unregisterTable(id: TableIdentifier): Promise<UnregisterTableResult> {
    return tables.unregisterTable(this.#ctx, id);
  }

  /**
   * Commit one table's changes. Never re-sent on its own: a 5xx, a timeout or
   * a broken answer raises `CommitStateUnknownError` (reload and check). A
   * commit that adds a snapshot is followed by a background `CommitReport`
   * (see {@link RestCatalogOptions.reportCommitMetrics}).
   */
  commitTable(id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<LoadTableResult> {
    return commitTable(this.#ctx, id, requirements, updates, {
      reportMetrics: this.#o.reportCommitMetrics ?? true,
      onReport: (sent) => {
        this.#pendingReports.add(sent);
        void sent.finally(() => this.#pendingReports.delete(sent));
      },
    });
  }

  /**
   * Commit changes to several tables atomically (`POST /transactions/commit`):
   * all land or none does. Errors are those of {@link commitTable}.
   */
  commitTransaction(changes: readonly TableCommit[]): Promise<void> {
    return commitTransaction(this.#ctx, changes);
  }

  /**
   * Fresh storage credentials for a table (`GET …/credentials`, optionally for
   * a server-side scan plan); falls back to reloading the table.
   */
  loadCredentials(id: TableIdentifier, options: LoadCredentialsOptions = {}): Promise<StorageCredential[]> {
    return tables.loadCredentials(this.#ctx, id, options);
  }

  /**
   * Send a metrics report for a table (`POST …/metrics`). Fails with
   * `UnsupportedError` where the server does not advertise the endpoint.
   *
   * @example
   * ```ts
   * await catalog.reportMetrics(id, {
   *   type: 'scan', tableName: 'prod.gold.kpis', snapshotId: 1n, schemaId: 0,
   *   projectedFieldIds: [1], projectedFieldNames: ['id'],
   *   metrics: { 'result-data-files': { unit: 'count', value: 3 } },
   * });
   * ```
   */
  reportMetrics(id: TableIdentifier, report: MetricsReport): Promise<void> {
    return reportMetrics(this.#ctx, id, report);
  }

  /** Wait for the background commit reports sent so far (they never reject). */
  async flushMetricsReports(): Promise<void> {
    await Promise.all([...this.#pendingReports]);
  }

  /**
   * Have the catalog sign an object-store request (`POST …/sign`, remote
   * signing). `signerHeaders` are the table's `remote-signing-config` headers.
   */
  signRequest(id: TableIdentifier, request: RemoteSignRequest, signerHeaders: Readonly<Record<string, string>> = {}): Promise<RemoteSignResult> {
    return signRequest(this.#ctx, id, request, signerHeaders);
  }

  fileIO(result: LoadTableResult): FileIO {
    const registry = this.#o.fileIORegistry;
    if (registry === undefined) {
      if (this.#o.io !== undefined) return this.#o.io;
      throw new ValidationError(`catalog ${this.name} has no storage configured; pass io or fileIORegistry to RestCatalog`);
    }
    // The merged catalog properties are known once a table was loaded (which needed the config).
    const properties = { ...(this.#ctx.loadedProperties ?? this.#o.properties), ...result.config };
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
  listViews(namespace: Namespace): AsyncIterable<TableIdentifier> {
    return views.listViews(this.#ctx, namespace);
  }

  /** Create a view. */
  createView(id: TableIdentifier, def: ViewDefinition): Promise<LoadViewResult> {
    return views.createView(this.#ctx, id, def);
  }

  /** Load a view (optionally naming the views it is read through, `referencedBy`). */
  loadView(id: TableIdentifier, options: LoadViewOptions = {}): Promise<LoadViewResult> {
    return views.loadView(this.#ctx, id, options);
  }

  /** Whether a view exists. */
  viewExists(id: TableIdentifier): Promise<boolean> {
    return views.viewExists(this.#ctx, id);
  }

  /**
   * Replace a view's definition with a new version (guarded by the view's
   * UUID, so a view dropped and re-created meanwhile is not overwritten).
   */
  replaceView(id: TableIdentifier, def: ViewDefinition): Promise<LoadViewResult> {
    return views.replaceView(this.#ctx, id, def);
  }

  /** Drop a view. */
  dropView(id: TableIdentifier): Promise<void> {
    return views.dropView(this.#ctx, id);
  }

  /** Rename a view. */
  renameView(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    return tables.renameObject(this.#ctx, from, to, 'views');
  }

  /** Adopt an existing view metadata file as a view (`POST …/register-view`). */
  registerView(id: TableIdentifier, metadataLocation: string): Promise<LoadViewResult> {
    return views.registerView(this.#ctx, id, metadataLocation);
  }

  // ---- functions --------------------------------------------------------------------

  /** User-defined functions in a namespace, page by page. */
  listFunctions(namespace: Namespace): AsyncIterable<TableIdentifier> {
    return listFunctions(this.#ctx, namespace);
  }

  /** Load a user-defined function with all its overloads. */
  loadFunction(id: TableIdentifier): Promise<LoadFunctionResult> {
    return loadFunction(this.#ctx, id);
  }

  // ---- server-side scan planning ------------------------------------------------

  /** Start server-side planning of a scan (`POST …/plan`). Needs the server to advertise it. */
  planTableScan(id: TableIdentifier, options: PlanScanOptions = {}): Promise<PlanningResult> {
    return planTableScan(this.#ctx, id, options);
  }

  /** Poll an asynchronous plan (`GET …/plan/{plan-id}`). */
  fetchPlanningResult(id: TableIdentifier, planId: string, signal?: AbortSignal): Promise<PlanningResult> {
    return fetchPlanningResult(this.#ctx, id, planId, signal);
  }

  /** Cancel an asynchronous plan. */
  cancelPlanning(id: TableIdentifier, planId: string): Promise<void> {
    return cancelPlanning(this.#ctx, id, planId);
  }

  /** The file scan tasks of one plan task (`POST …/tasks`). */
  fetchScanTasks(id: TableIdentifier, planTask: string, signal?: AbortSignal): Promise<ScanTaskBatch> {
    return fetchScanTasks(this.#ctx, id, planTask, signal);
  }

  /**
   * Plan a scan on the server and stream its file scan tasks: waits for an
   * asynchronous plan, then follows every plan task.
   */
  planFiles(id: TableIdentifier, options: PlanScanOptions = {}): AsyncIterable<ScanTaskBatch> {
    return planFiles(this, id, options);
  }
}
