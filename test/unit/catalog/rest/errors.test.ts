import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { restErrorFor, type RestCallTarget } from '../../../../src/catalog/rest/errors.js';
import { isLakeError } from '../../../../src/errors.js';
import { icebergError, json, useFakeServer, startFakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
const server = useFakeServer();

/** Config answers normally; every other call gets `status` with an Iceberg error of `type`. */
function failing(status: number, type: string, message = 'server says no', config: Record<string, unknown> = {}) {
  server.handle((req, res) => {
    if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, ...config });
    if (req.method === 'HEAD') return json(res, 200, '');
    return json(res, status, icebergError(status, type, message), { 'x-request-id': 'req-42' });
  });
}

const catalog = (extra: Partial<ConstructorParameters<typeof RestCatalog>[0]> = {}) =>
  new RestCatalog({ uri: server.uri, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...extra });

describe('error mapping by status and call', () => {
  const cases: [string, number, string, (c: RestCatalog) => Promise<unknown>, string][] = [
    ['missing table', 404, 'NoSuchTableException', (c) => c.loadTable(id), 'NOT_FOUND'],
    ['missing namespace', 404, 'NoSuchNamespaceException', (c) => c.loadNamespaceProperties(['db']), 'NOT_FOUND'],
    ['name clash on create', 409, 'AlreadyExistsException', (c) => c.createNamespace(['db']), 'ALREADY_EXISTS'],
    ['conflict on commit', 409, 'CommitFailedException', (c) => c.commitTable(id, [], []), 'COMMIT_CONFLICT'],
    ['conflict on transaction', 409, 'CommitFailedException', (c) => c.commitTransaction([{ identifier: id, requirements: [], updates: [] }]), 'COMMIT_CONFLICT'],
    ['namespace not empty', 409, 'NamespaceNotEmptyException', (c) => c.dropNamespace(['db']), 'VALIDATION'],
    ['bad request', 400, 'BadRequestException', (c) => c.loadTable(id), 'VALIDATION'],
    ['unauthorized', 401, 'NotAuthorizedException', (c) => c.loadTable(id), 'AUTH'],
    ['forbidden', 403, 'ForbiddenException', (c) => c.loadTable(id), 'AUTH'],
    ['authentication timeout', 419, 'AuthenticationTimeoutException', (c) => c.loadTable(id), 'AUTH'],
    ['unsupported', 406, 'UnsupportedOperationException', (c) => c.loadTable(id), 'UNSUPPORTED'],
    ['5xx on commit', 500, 'ServerError', (c) => c.commitTable(id, [], []), 'COMMIT_STATE_UNKNOWN'],
    ['502 on commit', 502, 'BadGateway', (c) => c.commitTable(id, [], []), 'COMMIT_STATE_UNKNOWN'],
    ['504 on transaction', 504, 'GatewayTimeout', (c) => c.commitTransaction([{ identifier: id, requirements: [], updates: [] }]), 'COMMIT_STATE_UNKNOWN'],
    ['503 on load', 503, 'SlowDownException', (c) => c.loadTable(id), 'REST'],
  ];
  for (const [name, status, type, call, code] of cases) {
    it(`${name}: HTTP ${status} → ${code}, keeping the server's message and request id`, async () => {
      failing(status, type);
      const err = await call(catalog()).catch((e: unknown) => e);
      expect(isLakeError(err)).toBe(true);
      expect(err).toMatchObject({ code, context: { status, errorType: type, requestId: 'req-42' } });
      expect((err as Error).message).toContain('server says no');
      expect((err as Error).message).toContain('req-42');
    });
  }

  it('a 404 without a typed body still names a table for table calls and a namespace for namespace calls', async () => {
    server.handle((req, res) => (req.path === '/v1/config' ? json(res, 200, { defaults: {}, overrides: {} }) : json(res, 404, '<html>404</html>')));
    expect(((await catalog().loadTable(id).catch((e: unknown) => e)) as Error).message).toMatch(/create the table/);
    expect(((await catalog().loadNamespaceProperties(['db']).catch((e: unknown) => e)) as Error).message).toMatch(/create the namespace/);
  });

  it('every status on every kind of call becomes a LakeError; 5xx on a commit is always state-unknown', () => {
    const targets: RestCallTarget[] = ['config', 'namespace', 'table', 'view', 'commit', 'transaction', 'plan', 'token'];
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 599 }), fc.constantFrom(...targets), fc.string(), fc.option(fc.string()), (status, target, body, requestId) => {
        const err = restErrorFor({ what: 'do it', target }, status, body, requestId ?? undefined, []);
        expect(isLakeError(err)).toBe(true);
        if (status >= 500 && (target === 'commit' || target === 'transaction')) expect(err.code).toBe('COMMIT_STATE_UNKNOWN');
        if (status === 409 && target === 'commit') expect(err.code).toBe('COMMIT_CONFLICT');
        if (status === 404) expect(err.code).toBe('NOT_FOUND');
      }),
    );
  });
});

describe('retries only where re-sending is safe', () => {
  it('retries an idempotent GET on 503 and succeeds', async () => {
    let n = 0;
    server.handle((req, res) => {
      if (req.path === '/v1/config' && ++n <= 2) return json(res, 503, icebergError(503, 'ServiceUnavailable', 'busy'));
      return json(res, 200, { defaults: {}, overrides: {} });
    });
    await catalog().properties();
    expect(server.requests.filter((r) => r.path === '/v1/config')).toHaveLength(3);
  });

  it('retries 429, 502, 503 and 504 but not 500 on idempotent calls', async () => {
    for (const status of [429, 502, 503, 504, 500]) {
      server.requests.length = 0;
      failing(status, 'X');
      await catalog({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).loadTable(id).catch(() => undefined);
      const loads = server.requests.filter((r) => r.method === 'GET' && r.path.includes('/tables/')).length;
      expect({ status, loads }).toEqual({ status, loads: status === 500 ? 1 : 3 });
    }
  });

  it('never re-sends a create without an Idempotency-Key', async () => {
    failing(503, 'ServiceUnavailable');
    await expect(catalog().createNamespace(['db'])).rejects.toMatchObject({ code: 'REST', context: { status: 503 } });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('re-sends a create with the same Idempotency-Key when the server supports keys', async () => {
    let posts = 0;
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, 'idempotency-key-lifetime': 'PT30M' });
      if (req.method === 'POST' && ++posts === 1) return json(res, 503, icebergError(503, 'ServiceUnavailable', 'busy'));
      return json(res, 200, { namespace: ['db'], properties: {} });
    });
    await catalog().createNamespace(['db']);
    const keys = server.requests.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('never re-sends a commit, even on 503 with idempotency support', async () => {
    failing(503, 'ServiceUnavailable', 'busy', { 'idempotency-key-lifetime': 'PT30M' });
    await expect(catalog().commitTable(id, [], [])).rejects.toMatchObject({ code: 'COMMIT_STATE_UNKNOWN' });
    const commits = server.requests.filter((r) => r.method === 'POST');
    expect(commits).toHaveLength(1);
    expect(commits[0]!.headers['idempotency-key']).toBeDefined();
  });

  it('retries a GET when the connection is refused, then reports an unreachable server', async () => {
    const gone = await startFakeServer();
    const uri = gone.uri;
    await gone.stop();
    const err = await new RestCatalog({ uri, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).properties().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REST', retryable: true });
    expect((err as Error).message).toMatch(/could not reach/);
  });
});
