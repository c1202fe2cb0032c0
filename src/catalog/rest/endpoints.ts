/**
 * The endpoints of the Iceberg REST spec, written as servers advertise them
 * in `GET /v1/config` → `endpoints` ("<verb> <path template>"), and the set a
 * client must assume when a server sends no list.
 */

/** Endpoint ids used by {@link RestCatalog}. */
export const Endpoint = {
  listNamespaces: 'GET /v1/{prefix}/namespaces',
  createNamespace: 'POST /v1/{prefix}/namespaces',
  loadNamespace: 'GET /v1/{prefix}/namespaces/{namespace}',
  namespaceExists: 'HEAD /v1/{prefix}/namespaces/{namespace}',
  dropNamespace: 'DELETE /v1/{prefix}/namespaces/{namespace}',
  updateNamespace: 'POST /v1/{prefix}/namespaces/{namespace}/properties',
  listTables: 'GET /v1/{prefix}/namespaces/{namespace}/tables',
  createTable: 'POST /v1/{prefix}/namespaces/{namespace}/tables',
  loadTable: 'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  tableExists: 'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  updateTable: 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  dropTable: 'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  registerTable: 'POST /v1/{prefix}/namespaces/{namespace}/register',
  unregisterTable: 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister',
  loadCredentials: 'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials',
  signRequest: 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign',
  renameTable: 'POST /v1/{prefix}/tables/rename',
  reportMetrics: 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  commitTransaction: 'POST /v1/{prefix}/transactions/commit',
  planTableScan: 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
  fetchPlanningResult: 'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  cancelPlanning: 'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  fetchScanTasks: 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
  listViews: 'GET /v1/{prefix}/namespaces/{namespace}/views',
  createView: 'POST /v1/{prefix}/namespaces/{namespace}/views',
  loadView: 'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  viewExists: 'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
  replaceView: 'POST /v1/{prefix}/namespaces/{namespace}/views/{view}',
  dropView: 'DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}',
  renameView: 'POST /v1/{prefix}/views/rename',
  registerView: 'POST /v1/{prefix}/namespaces/{namespace}/register-view',
  listFunctions: 'GET /v1/{prefix}/namespaces/{namespace}/functions',
  loadFunction: 'GET /v1/{prefix}/namespaces/{namespace}/functions/{function}',
} as const;

/** One of the {@link Endpoint} ids. */
export type Endpoint = (typeof Endpoint)[keyof typeof Endpoint];

/** What the spec says to assume when `/v1/config` has no `endpoints` field. */
export const DEFAULT_ENDPOINTS: ReadonlySet<string> = new Set<string>([
  Endpoint.listNamespaces,
  Endpoint.createNamespace,
  Endpoint.loadNamespace,
  Endpoint.dropNamespace,
  Endpoint.updateNamespace,
  Endpoint.listTables,
  Endpoint.createTable,
  Endpoint.loadTable,
  Endpoint.updateTable,
  Endpoint.dropTable,
  Endpoint.registerTable,
  Endpoint.reportMetrics,
  Endpoint.renameTable,
  Endpoint.commitTransaction,
]);

/** Normalise an advertised endpoint ("get  /v1/{prefix}/x" → "GET /v1/{prefix}/x"). */
export function normaliseEndpoint(e: string): string {
  const [verb = '', ...rest] = e.trim().split(/\s+/);
  return `${verb.toUpperCase()} ${rest.join(' ')}`;
}
