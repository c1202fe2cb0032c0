/**
 * Table calls of the Iceberg REST catalog: list, create (and staged create),
 * load, exists, drop (with purge), rename, register, unregister and load
 * credentials. Commits live in `transactions.ts`.
 */
import { NotFoundError, isLakeError } from '../../errors.js';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import { partitionSpecToJson } from '../../iceberg/spec/partition.js';
import { schemaToJson } from '../../iceberg/spec/schema.js';
import { sortOrderToJson } from '../../iceberg/spec/sort-order.js';
import type { TableUpdate } from '../../iceberg/spec/table-update.js';
import type { CreateTableRequest, DropTableOptions, LoadTableResult } from '../catalog.js';
import { checkIdentifier, checkNamespace, identifierToString, namespaceToString, type Namespace, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import { namespaceExists } from './namespaces.js';
import type { RestCall } from './errors.js';
import * as S from './schemas.js';

/** Options of {@link RestCatalog.loadTable}. */
export interface LoadTableOptions {
  snapshots?: 'all' | 'refs';
  /**
   * The chain of views the table is read through, outermost first (`referenced-by`), so the
   * catalog can authorise access on the views' owners' behalf.
   */
  referencedBy?: readonly TableIdentifier[];
  signal?: AbortSignal;
}

/** Options of {@link RestCatalog.loadCredentials}. */
export interface LoadCredentialsOptions {
  /** The server-side scan plan the credentials are for (`planId`). */
  planId?: string;
  /** The chain of views the table is read through, outermost first (`referenced-by`). */
  referencedBy?: readonly TableIdentifier[];
  signal?: AbortSignal;
}

/** The last state of a table the catalog stopped tracking ({@link RestCatalog.unregisterTable}). */
export interface UnregisterTableResult {
  identifier: TableIdentifier;
  /** Register this location in another catalog to take the table over. */
  metadataLocation: string;
  metadata: TableMetadata;
}

const tableCall = (what: string, id: TableIdentifier): RestCall => ({ what, target: 'table', subject: identifierToString(id) });

/** `GET …/namespaces/{ns}/tables`, page by page. */
export async function* listTables(ctx: RestContext, ns: Namespace): AsyncIterable<TableIdentifier> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.listTables, 'listing tables');
  const call: RestCall = { what: `list tables in namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) };
  yield* ctx.paged(`${ctx.namespacePath(c, ns)}/tables`, {}, call, S.ListTablesResponse, (page) => {
    return { items: page.identifiers, next: page['next-page-token'] };
  });
}

/** `POST …/namespaces/{ns}/tables`, optionally staged (`stage-create`). */
export async function createTable(ctx: RestContext, id: TableIdentifier, request: CreateTableRequest, stage: boolean): Promise<LoadTableResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.createTable, 'creating tables');
  // Some servers (the reference server's JDBC backend) create a missing namespace silently;
  // a table must never appear in a namespace nobody created.
  const canCheck = c.endpoints.has(Endpoint.namespaceExists) || c.endpoints.has(Endpoint.loadNamespace);
  if (canCheck && !(await namespaceExists(ctx, id.namespace))) {
    throw new NotFoundError(`namespace ${namespaceToString(id.namespace)} does not exist in catalog ${ctx.name}; create it before table ${id.name}`, {
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
  const res = await ctx.http.json(
    { method: 'POST', path: `${ctx.namespacePath(c, id.namespace)}/tables`, body: { json: body }, call: tableCall(`${stage ? 'stage' : 'create'} table ${identifierToString(id)}`, id), ...ctx.mutation(c) },
    S.LoadTableResultSchema,
  );
  return ctx.tableResult(id, res);
}

/** `GET …/tables/{table}?snapshots=…`. */
export async function loadTable(ctx: RestContext, id: TableIdentifier, options: LoadTableOptions): Promise<LoadTableResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.loadTable, 'loading tables');
  const snapshots = options.snapshots ?? ctx.options.snapshots;
  const referencedBy = ctx.referencedBy(c, options.referencedBy);
  const call = tableCall(`load table ${identifierToString(id)}`, id);
  // The last answer's ETag goes back as If-None-Match; 304 means it is still current.
  const key = JSON.stringify([id.namespace, id.name, snapshots ?? null, referencedBy ?? null]);
  const cached = ctx.etags.get(key);
  const res = await ctx.http.send(
    {
      method: 'GET',
      path: ctx.objectPath(c, id),
      query: { snapshots },
      encodedQuery: { 'referenced-by': referencedBy },
      call,
      idempotent: true,
      ...(cached === undefined ? {} : { headers: { 'if-none-match': cached.etag }, notModified: true }),
    },
    options.signal,
  );
  if (res.status === 304 && cached !== undefined) return cached.value;
  const result = ctx.tableResult(id, ctx.http.decode(call, res, S.LoadTableResultSchema));
  const etag = res.headers.get('etag');
  if (etag !== null && etag !== '') ctx.etags.set(key, etag, result);
  return result;
}

/** `HEAD …/tables/{table}`, or a load where the server has no HEAD. */
export async function tableExists(ctx: RestContext, id: TableIdentifier): Promise<boolean> {
  checkIdentifier(id);
  const c = await ctx.config();
  try {
    if (c.endpoints.has(Endpoint.tableExists)) {
      await ctx.http.send({ method: 'HEAD', path: ctx.objectPath(c, id), call: tableCall(`check table ${identifierToString(id)}`, id), idempotent: true });
    } else {
      await loadTable(ctx, id, { snapshots: 'refs' });
    }
    return true;
  } catch (e) {
    if (isLakeError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

/** `DELETE …/tables/{table}?purgeRequested=…`. */
export async function dropTable(ctx: RestContext, id: TableIdentifier, options: DropTableOptions): Promise<void> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.dropTable, 'dropping tables');
  await ctx.http.send({
    method: 'DELETE',
    path: ctx.objectPath(c, id),
    query: { purgeRequested: String(options.purge === true) },
    call: tableCall(`drop table ${identifierToString(id)}`, id),
    ...ctx.mutation(c),
  });
}

/** `POST …/{tables|views}/rename`. */
export async function renameObject(ctx: RestContext, from: TableIdentifier, to: TableIdentifier, kind: 'tables' | 'views'): Promise<void> {
  checkIdentifier(from);
  checkIdentifier(to);
  const what = kind === 'tables' ? 'table' : 'view';
  const c = await ctx.require(kind === 'tables' ? Endpoint.renameTable : Endpoint.renameView, `renaming ${kind}`);
  const body = S.RenameTableRequest.parse({ source: { namespace: [...from.namespace], name: from.name }, destination: { namespace: [...to.namespace], name: to.name } });
  await ctx.http.send({
    method: 'POST',
    path: `${c.base}${kind}/rename`,
    body: { json: body },
    call: { what: `rename ${what} ${identifierToString(from)} to ${identifierToString(to)}`, target: what, subject: identifierToString(from) },
    ...ctx.mutation(c),
  });
}

/** `POST …/namespaces/{ns}/register`. */
export async function registerTable(ctx: RestContext, id: TableIdentifier, metadataLocation: string, overwrite: boolean): Promise<LoadTableResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.registerTable, 'registering tables');
  const body = S.RegisterTableRequest.parse({ name: id.name, 'metadata-location': metadataLocation, ...(overwrite ? { overwrite: true } : {}) });
  const res = await ctx.http.json(
    { method: 'POST', path: `${ctx.namespacePath(c, id.namespace)}/register`, body: { json: body }, call: tableCall(`register table ${identifierToString(id)}`, id), ...ctx.mutation(c) },
    S.LoadTableResultSchema,
  );
  return ctx.tableResult(id, res);
}

/** `POST …/tables/{table}/unregister`: the catalog forgets the table, its files stay. */
export async function unregisterTable(ctx: RestContext, id: TableIdentifier): Promise<UnregisterTableResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.unregisterTable, 'unregistering tables');
  const res = await ctx.http.json(
    { method: 'POST', path: `${ctx.objectPath(c, id)}/unregister`, call: tableCall(`unregister table ${identifierToString(id)}`, id), ...ctx.mutation(c) },
    S.UnregisterTableResultSchema,
  );
  const { metadata } = ctx.tableResult(id, res);
  return { identifier: id, metadataLocation: res['metadata-location'], metadata };
}

/** `GET …/tables/{table}/credentials`; falls back to reloading the table where the server lacks it. */
export async function loadCredentials(ctx: RestContext, id: TableIdentifier, options: LoadCredentialsOptions): Promise<S.StorageCredential[]> {
  checkIdentifier(id);
  const c = await ctx.config();
  if (!c.endpoints.has(Endpoint.loadCredentials)) {
    const t = await loadTable(ctx, id, { snapshots: 'refs', ...options });
    return [{ prefix: t.metadata.location, config: { ...t.config } }];
  }
  const res = await ctx.http.json(
    {
      method: 'GET',
      path: `${ctx.objectPath(c, id)}/credentials`,
      query: { planId: options.planId },
      encodedQuery: { 'referenced-by': ctx.referencedBy(c, options.referencedBy) },
      call: tableCall(`load credentials of table ${identifierToString(id)}`, id),
      idempotent: true,
    },
    S.LoadCredentialsResponse,
    options.signal,
  );
  return res['storage-credentials'];
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
