/**
 * Namespace calls of the Iceberg REST catalog: list (with parent and
 * pagination), create, load, exists, drop and update properties.
 */
import { NotFoundError, ValidationError, isLakeError } from '../../errors.js';
import type { NamespacePropertiesUpdate } from '../catalog.js';
import { checkNamespace, namespaceToString, type Namespace } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import type { RestCall } from './errors.js';
import * as S from './schemas.js';

const nsCall = (what: string, ns: Namespace, extra: Partial<RestCall> = {}): RestCall => ({ what, target: 'namespace', subject: namespaceToString(ns), ...extra });

/** `GET …/namespaces?parent=…`, page by page. */
export async function* listNamespaces(ctx: RestContext, parent: Namespace): AsyncIterable<Namespace> {
  if (parent.length > 0) checkNamespace(parent);
  const c = await ctx.require(Endpoint.listNamespaces, 'listing namespaces');
  const call = nsCall(`list namespaces${parent.length > 0 ? ` under ${namespaceToString(parent)}` : ''}`, parent);
  yield* ctx.paged(`${c.base}namespaces`, { parent: parent.length > 0 ? parent.join(decodeURIComponent(c.separator)) : undefined }, call, S.ListNamespacesResponse, (page) => {
    return { items: page.namespaces, next: page['next-page-token'] };
  });
}

/** `POST …/namespaces`; a nested namespace needs its parent. */
export async function createNamespace(ctx: RestContext, ns: Namespace, properties: Readonly<Record<string, string>>): Promise<void> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.createNamespace, 'creating namespaces');
  if (ns.length > 1 && !(await namespaceExists(ctx, ns.slice(0, -1)))) {
    throw new NotFoundError(`parent namespace ${namespaceToString(ns.slice(0, -1))} does not exist in catalog ${ctx.name}; create it first`);
  }
  const body = S.CreateNamespaceRequest.parse({ namespace: [...ns], properties: { ...properties } });
  await ctx.http.json({ method: 'POST', path: `${c.base}namespaces`, body: { json: body }, call: nsCall(`create namespace ${namespaceToString(ns)}`, ns), ...ctx.mutation(c) }, S.CreateNamespaceResponse);
}

/** `HEAD …/namespaces/{ns}`, or a load where the server has no HEAD. */
export async function namespaceExists(ctx: RestContext, ns: Namespace): Promise<boolean> {
  checkNamespace(ns);
  const c = await ctx.config();
  try {
    if (c.endpoints.has(Endpoint.namespaceExists)) {
      await ctx.http.send({ method: 'HEAD', path: ctx.namespacePath(c, ns), call: nsCall(`check namespace ${namespaceToString(ns)}`, ns), idempotent: true });
    } else {
      await loadNamespaceProperties(ctx, ns);
    }
    return true;
  } catch (e) {
    if (isLakeError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

/** `GET …/namespaces/{ns}`. */
export async function loadNamespaceProperties(ctx: RestContext, ns: Namespace): Promise<Record<string, string>> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.loadNamespace, 'loading namespaces');
  const res = await ctx.http.json({ method: 'GET', path: ctx.namespacePath(c, ns), call: nsCall(`load namespace ${namespaceToString(ns)}`, ns), idempotent: true }, S.GetNamespaceResponse);
  return { ...res.properties };
}

/** `POST …/namespaces/{ns}/properties`. */
export async function updateNamespaceProperties(ctx: RestContext, ns: Namespace, removals: readonly string[], updates: Readonly<Record<string, string>>): Promise<NamespacePropertiesUpdate> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.updateNamespace, 'updating namespace properties');
  const body = S.UpdateNamespacePropertiesRequest.parse({ removals: [...removals], updates: { ...updates } });
  const res = await ctx.http.json(
    { method: 'POST', path: `${ctx.namespacePath(c, ns)}/properties`, body: { json: body }, call: nsCall(`update properties of namespace ${namespaceToString(ns)}`, ns), ...ctx.mutation(c) },
    S.UpdateNamespacePropertiesResponse,
  );
  return { updated: res.updated, removed: res.removed, missing: res.missing ?? [] };
}

/** `DELETE …/namespaces/{ns}`; refuses a namespace that still holds namespaces. */
export async function dropNamespace(ctx: RestContext, ns: Namespace): Promise<void> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.dropNamespace, 'dropping namespaces');
  // Some servers (the reference server's JDBC backend) only check for tables and would leave
  // child namespaces orphaned.
  for await (const child of c.endpoints.has(Endpoint.listNamespaces) ? listNamespaces(ctx, ns) : []) {
    throw new ValidationError(`namespace ${namespaceToString(ns)} is not empty: it holds namespace ${namespaceToString(child)}; drop its tables, views and namespaces first`, {
      context: { reason: 'namespace-not-empty' },
    });
  }
  await ctx.http.send({ method: 'DELETE', path: ctx.namespacePath(c, ns), call: nsCall(`drop namespace ${namespaceToString(ns)}`, ns, { dropNamespace: true }), ...ctx.mutation(c) });
}
