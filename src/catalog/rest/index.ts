/**
 * The Iceberg REST catalog client: {@link RestCatalog} (Apache Polaris first,
 * any Iceberg REST server), its authentication (OAuth2 client credentials,
 * token exchange, bearer tokens; SigV4 from `lakekit/catalog/sigv4`), views,
 * multi-table transactions, server-side scan planning, vended credentials,
 * remote signing, metrics reports and user-defined functions.
 *
 * @example
 * ```typescript
 * import { RestCatalog } from 'lakekit/catalog';
 * const catalog = new RestCatalog({ uri: 'http://localhost:8181', warehouse: 'demo' });
 * for await (const ns of catalog.listNamespaces()) console.log(ns);
 * ```
 *
 * @module
 */
export type { AuthProvider, AuthRequest } from './auth-provider.js';
export {
  RestCatalog,
  DEFAULT_REST_CATALOG_NAME,
  DEFAULT_REST_PAGE_SIZE,
  OAUTH2_SERVER_URI_PROPERTY,
  stagedCreateUpdates,
  uuidv7,
  type RestCatalogOptions,
  type ClientCredential,
  type TableCommit,
  type LoadTableOptions,
} from './catalog.js';
export {
  BearerTokenAuth,
  OAuth2ClientCredentials,
  OAuth2TokenExchange,
  DEFAULT_OAUTH2_SCOPE,
  DEFAULT_TOKEN_REFRESH_MARGIN_MS,
  ACCESS_TOKEN_TYPE,
  type OAuth2Options,
  type OAuth2ClientCredentialsOptions,
  type OAuth2TokenExchangeOptions,
} from './auth.js';
export { Endpoint, DEFAULT_ENDPOINTS } from './endpoints.js';
export { RETRYABLE_STATUSES, type RestCall, type RestCallTarget } from './errors.js';
export { RestHttpClient, DEFAULT_REST_TIMEOUT_MS, DEFAULT_REST_RETRY, DEFAULT_MAX_RETRY_AFTER_MS, parseRetryAfter, type RestLogEvent, type RestRetryOptions, type RestHttpClientOptions } from './http.js';
export { VendedCredentialsFileIO, credentialFor, CREDENTIALS_EXPIRY_PROPERTY, DEFAULT_CREDENTIALS_REFRESH_MARGIN_MS, type VendedCredentialsFileIOOptions } from './vended-io.js';
export { currentViewVersion, type ViewDefinition, type ViewMetadata, type ViewVersion, type LoadViewResult, type SqlViewRepresentation } from './views.js';
export type { PlanScanOptions, PlanningResult, PlannedFile, PlannedScanTask, ScanTaskBatch } from './scan-planning.js';
export type { StorageCredential } from './schemas.js';
export type { LoadCredentialsOptions, UnregisterTableResult } from './tables.js';
export type { LoadViewOptions } from './view-requests.js';
export { commitReportFor, metricsReportToJson, type MetricsReport, type ScanReport, type CommitReport, type MetricResult, type CounterResult, type TimerResult } from './metrics.js';
export { currentFunctionVersion, type LoadFunctionResult, type FunctionDefinition, type FunctionVersion, type FunctionDataType } from './functions.js';
export type { RemoteSignRequest, RemoteSignResult } from './remote-signing.js';
