/**
 * View calls of the Iceberg REST catalog: list, create, load, exists,
 * replace, drop, rename (in `tables.ts`, shared with tables) and register.
 */
import { isLakeError } from '../../errors.js';
import { sameSchema, schemaToJson, withSchemaId } from '../../iceberg/spec/schema.js';
import { checkIdentifier, checkNamespace, identifierToString, namespaceToString, type Namespace, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import type { RestCall } from './errors.js';
import * as S from './schemas.js';
import { loadViewResultFromJson, viewSchemaJson, viewVersionToJson, type LoadViewResult, type ViewDefinition } from './views.js';

const viewCall = (what: string, id: TableIdentifier): RestCall => ({ what, target: 'view', subject: identifierToString(id) });

/** `GET …/namespaces/{ns}/views`, page by page. */
export async function* listViews(ctx: RestContext, ns: Namespace): AsyncIterable<TableIdentifier> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.listViews, 'views');
  const call: RestCall = { what: `list views in namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) };
  yield* ctx.paged(`${ctx.namespacePath(c, ns)}/views`, {}, call, S.ListTablesResponse, (page) => {
    return { items: page.identifiers, next: page['next-page-token'] };
  });
}

/** `POST …/namespaces/{ns}/views`. */
export async function createView(ctx: RestContext, id: TableIdentifier, def: ViewDefinition): Promise<LoadViewResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.createView, 'views');
  const body = S.CreateViewRequestSchema.parse({
    name: id.name,
    ...(def.location === undefined ? {} : { location: def.location }),
    schema: viewSchemaJson(def),
    'view-version': viewVersionToJson(id, def, 1, def.schema.schemaId, Date.now()),
    properties: { ...def.properties },
  });
  const res = await ctx.http.json(
    { method: 'POST', path: `${ctx.namespacePath(c, id.namespace)}/views`, body: { json: body }, call: viewCall(`create view ${identifierToString(id)}`, id), ...ctx.mutation(c) },
    S.LoadViewResultSchema,
  );
  return loadViewResultFromJson(id, res);
}

/** Options of {@link RestCatalog.loadView}. */
export interface LoadViewOptions {
  /** The chain of views this view is read through, outermost first (`referenced-by`). */
  referencedBy?: readonly TableIdentifier[];
}

/** `GET …/views/{view}`. */
export async function loadView(ctx: RestContext, id: TableIdentifier, options: LoadViewOptions = {}): Promise<LoadViewResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.loadView, 'views');
  const res = await ctx.http.json(
    { method: 'GET', path: ctx.objectPath(c, id, 'views'), encodedQuery: { 'referenced-by': ctx.referencedBy(c, options.referencedBy) }, call: viewCall(`load view ${identifierToString(id)}`, id), idempotent: true },
    S.LoadViewResultSchema,
  );
  return loadViewResultFromJson(id, res);
}

/** `HEAD …/views/{view}`, or a load where the server has no HEAD. */
export async function viewExists(ctx: RestContext, id: TableIdentifier): Promise<boolean> {
  checkIdentifier(id);
  const c = await ctx.config();
  try {
    if (c.endpoints.has(Endpoint.viewExists)) {
      await ctx.http.send({ method: 'HEAD', path: ctx.objectPath(c, id, 'views'), call: viewCall(`check view ${identifierToString(id)}`, id), idempotent: true });
    } else {
      await loadView(ctx, id);
    }
    return true;
  } catch (e) {
    if (isLakeError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

/** `POST …/views/{view}`: a new version, guarded by the view's UUID. */
export async function replaceView(ctx: RestContext, id: TableIdentifier, def: ViewDefinition): Promise<LoadViewResult> {
  const current = await loadView(ctx, id);
  const c = await ctx.require(Endpoint.replaceView, 'replacing views');
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
  const res = await ctx.http.json(
    {
      method: 'POST',
      path: ctx.objectPath(c, id, 'views'),
      body: { json: body },
      call: { what: `replace view ${identifierToString(id)}`, target: 'commit', subject: identifierToString(id) },
      ...ctx.commitKey(c),
      idempotent: false,
    },
    S.LoadViewResultSchema,
  );
  return loadViewResultFromJson(id, res);
}

/** `DELETE …/views/{view}`. */
export async function dropView(ctx: RestContext, id: TableIdentifier): Promise<void> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.dropView, 'views');
  await ctx.http.send({ method: 'DELETE', path: ctx.objectPath(c, id, 'views'), call: viewCall(`drop view ${identifierToString(id)}`, id), ...ctx.mutation(c) });
}

/** `POST …/namespaces/{ns}/register-view`: adopt an existing view metadata file. */
export async function registerView(ctx: RestContext, id: TableIdentifier, metadataLocation: string): Promise<LoadViewResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.registerView, 'registering views');
  const body = S.RegisterViewRequest.parse({ name: id.name, 'metadata-location': metadataLocation });
  const res = await ctx.http.json(
    { method: 'POST', path: `${ctx.namespacePath(c, id.namespace)}/register-view`, body: { json: body }, call: viewCall(`register view ${identifierToString(id)}`, id), ...ctx.mutation(c) },
    S.LoadViewResultSchema,
  );
  return loadViewResultFromJson(id, res);
}
