/**
 * A fake Polaris on 127.0.0.1 for tests (no Polaris server can run here).
 *
 * Every request is matched to an operation of the management OpenAPI spec and validated against
 * it — path parameters, query parameters and the request body (with ajv, see spec.ts). A request
 * that does not validate is answered 400 and recorded in `violations`, which tests assert empty.
 * Every response the fake sends is validated against the spec's response schema too, so the fake
 * cannot drift from the spec either. State (catalogs, principals, roles, assignments, grants and
 * Iceberg namespaces) is kept in memory, so idempotence is tested against real state.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { operations, specValidator, type Operation } from './spec.js';

type Json = Record<string, unknown>;

export interface FakePolaris {
  uri: string;
  token: string;
  /** Requests that broke the spec (should stay empty). */
  violations: string[];
  /** Every request, as `METHOD path`. */
  log: string[];
  /** Mutating management requests (POST/PUT/DELETE), as `operationId`. */
  writes: string[];
  state: State;
  /** The root principal's client credentials (for the OAuth2 token endpoint). */
  root: { clientId: string; clientSecret: string };
  /** Bearer token → principal it was issued to. */
  tokens: Map<string, string>;
  /** Make the next `n` requests answer with this status (for error-mapping tests). */
  failNext(n: number, status: number, body?: string): void;
  close(): Promise<void>;
}

interface State {
  catalogs: Map<string, Json>;
  principals: Map<string, Json>;
  principalRoles: Map<string, Json>;
  catalogRoles: Map<string, Map<string, Json>>;
  grants: Map<string, Json[]>;
  principalAssignments: Map<string, Set<string>>;
  catalogRoleAssignments: Map<string, Set<string>>;
  namespaces: Map<string, Map<string, Json>>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const now = () => Date.now();

export async function startFakePolaris(options: { token?: string } = {}): Promise<FakePolaris> {
  const token = options.token ?? `tok-${randomBytes(8).toString('hex')}`;
  const ops = operations();
  const { validator } = specValidator();
  const violations: string[] = [];
  const log: string[] = [];
  const writes: string[] = [];
  const failures: { status: number; body: string }[] = [];
  const root = { clientId: `root-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(16).toString('hex') };
  const secrets = new Map<string, { principal: string; secret: string }>([[root.clientId, { principal: 'root', secret: root.clientSecret }]]);
  const tokens = new Map<string, string>([[token, 'root']]);
  const state: State = {
    catalogs: new Map(),
    principals: new Map(),
    principalRoles: new Map([['service_admin', { name: 'service_admin', createTimestamp: now(), lastUpdateTimestamp: now(), entityVersion: 1 }]]),
    catalogRoles: new Map(),
    grants: new Map(),
    principalAssignments: new Map(),
    catalogRoleAssignments: new Map(),
    namespaces: new Map(),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json', 'x-request-id': 'req-123' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const fail = failures.shift();
    if (fail) {
      res.writeHead(fail.status, { 'content-type': 'application/json', 'x-request-id': 'req-fail' });
      return res.end(fail.body);
    }
    if (req.method === 'POST' && url.pathname === '/api/catalog/v1/oauth/tokens') return oauth(raw, send);
    if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return send(401, { error: { message: 'Not authorized', type: 'NotAuthorizedException', code: 401 } });
    try {
      if (url.pathname.startsWith('/api/catalog/v1/')) return iceberg(req.method ?? 'GET', url, raw, send);
      const path = url.pathname.replace(/^\/api\/management\/v1/, '');
      const op = ops.find((o) => o.method === req.method && o.regex.test(path));
      if (op === undefined) throw violation(`${req.method} ${path}: no such operation in the spec`);
      const params = Object.fromEntries(op.pathParams.map((p, i) => [p, decodeURIComponent(op.regex.exec(path)![i + 1]!)]));
      checkRequest(op, params, url, raw, req.headers['content-type']);
      const body = raw === '' ? undefined : (JSON.parse(raw) as Json);
      if (req.method !== 'GET') writes.push(op.operationId);
      const [status, out] = dispatch(op.operationId, params, body, url);
      const schema = op.responses[String(status)];
      if (schema !== undefined) {
        const v = validator(schema);
        if (!v(out)) throw new Error(`fake Polaris response for ${op.operationId} breaks the spec: ${JSON.stringify(v.errors)}`);
      }
      send(status, out);
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, { error: { message: e.message, type: e.status === 404 ? 'NotFoundException' : 'BadRequestException', code: e.status } });
      send(500, { error: { message: String(e), type: 'InternalError', code: 500 } });
    }
  };

  const violation = (msg: string) => {
    violations.push(msg);
    return new HttpError(400, msg);
  };

  const checkRequest = (op: Operation, params: Record<string, string>, url: URL, raw: string, contentType: string | undefined) => {
    for (const p of op.params) {
      const name = p.name as string;
      const value = p.in === 'path' ? params[name] : url.searchParams.get(name);
      if (value === null || value === undefined) {
        if (p.required === true) throw violation(`${op.operationId}: missing ${p.in} parameter ${name}`);
        continue;
      }
      const schema = p.schema as Json;
      const typed = schema.type === 'boolean' ? (value === 'true' ? true : value === 'false' ? false : value) : value;
      const v = validator(schema);
      if (!v(typed)) throw violation(`${op.operationId}: ${p.in} parameter ${name}=${value}: ${JSON.stringify(v.errors)}`);
    }
    for (const k of url.searchParams.keys()) {
      if (!op.params.some((p) => p.in === 'query' && p.name === k)) throw violation(`${op.operationId}: unknown query parameter ${k}`);
    }
    if (raw === '') {
      if (op.requestRequired) throw violation(`${op.operationId}: request body required`);
      return;
    }
    if (op.requestSchema === undefined) throw violation(`${op.operationId}: takes no request body`);
    if (!contentType?.startsWith('application/json')) throw violation(`${op.operationId}: content-type ${contentType} is not application/json`);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw violation(`${op.operationId}: body is not JSON`);
    }
    const v = validator(op.requestSchema);
    if (!v(body)) throw violation(`${op.operationId}: body ${raw} breaks the spec: ${JSON.stringify(v.errors)}`);
  };

  const stamp = (entity: Json): Json => ({ ...entity, createTimestamp: now(), lastUpdateTimestamp: now(), entityVersion: 1 });
  const get = <T>(map: Map<string, T>, key: string, what: string): T => {
    const v = map.get(key);
    if (v === undefined) throw new HttpError(404, `${what} ${key} not found`);
    return v;
  };
  const credentials = () => ({ clientId: randomBytes(8).toString('hex'), clientSecret: randomBytes(16).toString('hex') });
  const bump = (e: Json, body: Json): Json => {
    if (body.currentEntityVersion !== undefined && body.currentEntityVersion !== e.entityVersion) throw new HttpError(409, `entity version ${String(body.currentEntityVersion)} is stale; current is ${String(e.entityVersion)}`);
    return { ...e, ...(body.properties === undefined ? {} : { properties: body.properties }), ...(body.storageConfigInfo === undefined ? {} : { storageConfigInfo: body.storageConfigInfo }), entityVersion: (e.entityVersion as number) + 1, lastUpdateTimestamp: now() };
  };
  const roles = (catalog: string) => get(state.catalogRoles, catalog, 'catalog');

  const dispatch = (id: string, p: Record<string, string>, body: Json | undefined, url: URL): [number, unknown] => {
    const b = body ?? {};
    switch (id) {
      case 'listCatalogs':
        return [200, { catalogs: [...state.catalogs.values()] }];
      case 'createCatalog': {
        const c = b.catalog as Json;
        const name = c.name as string;
        if (state.catalogs.has(name)) throw new HttpError(409, `catalog ${name} already exists`);
        state.catalogs.set(name, stamp(c));
        state.catalogRoles.set(name, new Map([['catalog_admin', stamp({ name: 'catalog_admin' })]]));
        state.namespaces.set(name, new Map());
        return [201, state.catalogs.get(name)];
      }
      case 'getCatalog':
        return [200, get(state.catalogs, p.catalogName!, 'catalog')];
      case 'updateCatalog':
        state.catalogs.set(p.catalogName!, bump(get(state.catalogs, p.catalogName!, 'catalog'), b));
        return [200, state.catalogs.get(p.catalogName!)];
      case 'deleteCatalog':
        get(state.catalogs, p.catalogName!, 'catalog');
        if ((state.namespaces.get(p.catalogName!)?.size ?? 0) > 0) throw new HttpError(400, `catalog ${p.catalogName} is not empty`);
        state.catalogs.delete(p.catalogName!);
        state.catalogRoles.delete(p.catalogName!);
        return [204, undefined];
      case 'listPrincipals':
        return [200, { principals: [...state.principals.values()] }];
      case 'createPrincipal': {
        const pr = b.principal as Json;
        const name = pr.name as string;
        if (state.principals.has(name)) throw new HttpError(409, `principal ${name} already exists`);
        const creds = credentials();
        secrets.set(creds.clientId, { principal: name, secret: creds.clientSecret });
        state.principals.set(name, stamp({ ...pr, clientId: creds.clientId }));
        return [201, { principal: state.principals.get(name), credentials: creds }];
      }
      case 'getPrincipal':
        return [200, get(state.principals, p.principalName!, 'principal')];
      case 'updatePrincipal':
        state.principals.set(p.principalName!, bump(get(state.principals, p.principalName!, 'principal'), b));
        return [200, state.principals.get(p.principalName!)];
      case 'deletePrincipal':
        get(state.principals, p.principalName!, 'principal');
        state.principals.delete(p.principalName!);
        return [204, undefined];
      case 'rotateCredentials':
      case 'resetCredentials': {
        const pr = get(state.principals, p.principalName!, 'principal');
        const creds = { ...credentials(), ...(typeof b.clientId === 'string' ? { clientId: b.clientId } : {}), ...(typeof b.clientSecret === 'string' ? { clientSecret: b.clientSecret } : {}) };
        for (const [id, v] of secrets) if (v.principal === p.principalName) secrets.delete(id);
        secrets.set(creds.clientId, { principal: p.principalName!, secret: creds.clientSecret });
        const next = { ...pr, clientId: creds.clientId };
        state.principals.set(p.principalName!, next);
        return [200, { principal: next, credentials: creds }];
      }
      case 'listPrincipalRolesAssigned': {
        get(state.principals, p.principalName!, 'principal');
        const names = state.principalAssignments.get(p.principalName!) ?? new Set();
        return [200, { roles: [...names].map((n) => state.principalRoles.get(n)) }];
      }
      case 'assignPrincipalRole': {
        get(state.principals, p.principalName!, 'principal');
        const role = (b.principalRole as Json).name as string;
        get(state.principalRoles, role, 'principal role');
        const set = state.principalAssignments.get(p.principalName!) ?? new Set();
        set.add(role);
        state.principalAssignments.set(p.principalName!, set);
        return [201, undefined];
      }
      case 'revokePrincipalRole':
        get(state.principals, p.principalName!, 'principal');
        state.principalAssignments.get(p.principalName!)?.delete(p.principalRoleName!);
        return [204, undefined];
      case 'listPrincipalRoles':
        return [200, { roles: [...state.principalRoles.values()] }];
      case 'createPrincipalRole': {
        const r = b.principalRole as Json;
        const name = r.name as string;
        if (state.principalRoles.has(name)) throw new HttpError(409, `principal role ${name} already exists`);
        state.principalRoles.set(name, stamp(r));
        return [201, state.principalRoles.get(name)];
      }
      case 'getPrincipalRole':
        return [200, get(state.principalRoles, p.principalRoleName!, 'principal role')];
      case 'updatePrincipalRole':
        state.principalRoles.set(p.principalRoleName!, bump(get(state.principalRoles, p.principalRoleName!, 'principal role'), b));
        return [200, state.principalRoles.get(p.principalRoleName!)];
      case 'deletePrincipalRole':
        get(state.principalRoles, p.principalRoleName!, 'principal role');
        state.principalRoles.delete(p.principalRoleName!);
        return [204, undefined];
      case 'listAssigneePrincipalsForPrincipalRole': {
        get(state.principalRoles, p.principalRoleName!, 'principal role');
        const holders = [...state.principalAssignments].filter(([, s]) => s.has(p.principalRoleName!)).map(([n]) => state.principals.get(n));
        return [200, { principals: holders }];
      }
      case 'listCatalogRolesForPrincipalRole': {
        get(state.principalRoles, p.principalRoleName!, 'principal role');
        const names = state.catalogRoleAssignments.get(`${p.principalRoleName}@${p.catalogName}`) ?? new Set();
        return [200, { roles: [...names].map((n) => roles(p.catalogName!).get(n)) }];
      }
      case 'assignCatalogRoleToPrincipalRole': {
        get(state.principalRoles, p.principalRoleName!, 'principal role');
        const role = (b.catalogRole as Json).name as string;
        get(roles(p.catalogName!), role, 'catalog role');
        const key = `${p.principalRoleName}@${p.catalogName}`;
        const set = state.catalogRoleAssignments.get(key) ?? new Set();
        set.add(role);
        state.catalogRoleAssignments.set(key, set);
        return [201, undefined];
      }
      case 'revokeCatalogRoleFromPrincipalRole':
        get(state.principalRoles, p.principalRoleName!, 'principal role');
        state.catalogRoleAssignments.get(`${p.principalRoleName}@${p.catalogName}`)?.delete(p.catalogRoleName!);
        return [204, undefined];
      case 'listCatalogRoles':
        return [200, { roles: [...roles(p.catalogName!).values()] }];
      case 'createCatalogRole': {
        const r = b.catalogRole as Json;
        const name = r.name as string;
        if (roles(p.catalogName!).has(name)) throw new HttpError(409, `catalog role ${name} already exists`);
        roles(p.catalogName!).set(name, stamp(r));
        return [201, roles(p.catalogName!).get(name)];
      }
      case 'getCatalogRole':
        return [200, get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role')];
      case 'updateCatalogRole':
        roles(p.catalogName!).set(p.catalogRoleName!, bump(get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role'), b));
        return [200, roles(p.catalogName!).get(p.catalogRoleName!)];
      case 'deleteCatalogRole':
        get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role');
        roles(p.catalogName!).delete(p.catalogRoleName!);
        state.grants.delete(`${p.catalogName}/${p.catalogRoleName}`);
        return [204, undefined];
      case 'listAssigneePrincipalRolesForCatalogRole': {
        get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role');
        const holders = [...state.catalogRoleAssignments].filter(([k, s]) => k.endsWith(`@${p.catalogName}`) && s.has(p.catalogRoleName!)).map(([k]) => state.principalRoles.get(k.split('@')[0]!));
        return [200, { roles: holders }];
      }
      case 'listGrantsForCatalogRole':
        get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role');
        return [200, { grants: state.grants.get(`${p.catalogName}/${p.catalogRoleName}`) ?? [] }];
      case 'addGrantToCatalogRole': {
        get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role');
        const key = `${p.catalogName}/${p.catalogRoleName}`;
        const list = state.grants.get(key) ?? [];
        const g = b.grant as Json;
        if (!list.some((x) => JSON.stringify(sortKeys(x)) === JSON.stringify(sortKeys(g)))) list.push(g);
        state.grants.set(key, list);
        return [201, undefined];
      }
      case 'revokeGrantFromCatalogRole': {
        get(roles(p.catalogName!), p.catalogRoleName!, 'catalog role');
        const key = `${p.catalogName}/${p.catalogRoleName}`;
        const g = JSON.stringify(sortKeys(b.grant as Json));
        const cascade = url.searchParams.get('cascade') === 'true';
        const target = b.grant as Json;
        state.grants.set(
          key,
          (state.grants.get(key) ?? []).filter((x) => {
            if (JSON.stringify(sortKeys(x)) === g) return false;
            // cascade: the same privilege on anything below a namespace grant goes too
            return !(cascade && target.type === 'namespace' && x.privilege === target.privilege && Array.isArray(x.namespace) && JSON.stringify((x.namespace as string[]).slice(0, (target.namespace as string[]).length)) === JSON.stringify(target.namespace));
          }),
        );
        return [201, undefined];
      }
      default:
        throw new Error(`fake Polaris does not implement ${id}`);
    }
  };

  /** Polaris's token endpoint: client credentials with a PRINCIPAL_ROLE scope. */
  const oauth = (raw: string, send: (s: number, b?: unknown) => void) => {
    const form = new URLSearchParams(raw);
    const known = secrets.get(form.get('client_id') ?? '');
    if (form.get('grant_type') !== 'client_credentials' || known === undefined || known.secret !== form.get('client_secret')) {
      return send(401, { error: 'unauthorized_client', error_description: 'The client is not authorized' });
    }
    if (!/^PRINCIPAL_ROLE:(ALL|\S+)$/.test(form.get('scope') ?? '')) return send(400, { error: 'invalid_scope', error_description: 'scope must be PRINCIPAL_ROLE:ALL or PRINCIPAL_ROLE:<role>' });
    const issued = `tok-${randomBytes(8).toString('hex')}`;
    tokens.set(issued, known.principal);
    send(200, { access_token: issued, token_type: 'bearer', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', expires_in: 3600 });
  };

  const iceberg = (method: string, url: URL, raw: string, send: (s: number, b?: unknown) => void) => {
    const rest = url.pathname.slice('/api/catalog/v1/'.length).split('/').map(decodeURIComponent);
    if (method === 'GET' && rest[0] === 'config') {
      const wh = url.searchParams.get('warehouse') ?? '';
      get(state.catalogs, wh, 'catalog');
      return send(200, { defaults: {}, overrides: { prefix: wh } });
    }
    const [prefix, kind, ns] = rest;
    const namespaces = get(state.namespaces, prefix ?? '', 'catalog');
    if (kind !== 'namespaces') throw new HttpError(404, `no route ${url.pathname}`);
    if (method === 'GET' && ns !== undefined) return send(200, get(namespaces, ns, 'namespace'));
    if (method === 'POST' && ns === undefined) {
      const body = JSON.parse(raw) as { namespace: string[]; properties?: Record<string, string> };
      if (!Array.isArray(body.namespace) || body.namespace.length !== 1) throw violation(`createNamespace: bad body ${raw}`);
      const name = body.namespace[0]!;
      if (namespaces.has(name)) throw new HttpError(409, `namespace ${name} already exists`);
      namespaces.set(name, { namespace: [name], properties: body.properties ?? {} });
      writes.push('createNamespace');
      return send(200, namespaces.get(name));
    }
    throw new HttpError(404, `no route ${method} ${url.pathname}`);
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    uri: `http://127.0.0.1:${address.port}`,
    token,
    violations,
    log,
    writes,
    state,
    root,
    tokens,
    failNext(n, status, body = JSON.stringify({ error: { message: `injected ${status}`, type: 'Injected', code: status } })) {
      for (let i = 0; i < n; i++) failures.push({ status, body });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function sortKeys(o: Json): Json {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
