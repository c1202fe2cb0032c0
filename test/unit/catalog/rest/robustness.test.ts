import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { Endpoint } from '../../../../src/catalog/rest/endpoints.js';
import { isLakeError } from '../../../../src/errors.js';
import { json, loadTableBody, useFakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
const server = useFakeServer();

const TIMEOUT_MS = 1_000;
const catalog = () => new RestCatalog({ uri: server.uri, timeoutMs: TIMEOUT_MS, retry: { retries: 0 } });

/** Config is fine; table calls get `status` with `body` as content type `type`. */
function answer(status: number, body: string, type = 'application/json') {
  server.handle((req, res) => {
    if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
}

describe('a misbehaving server gives typed errors, never a crash or a hang', () => {
  it('HTML error page from a proxy on a success status', async () => {
    answer(200, '<!DOCTYPE html><html><body>Bad gateway</body></html>', 'text/html');
    const err = await catalog().loadTable(id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REST' });
    expect((err as Error).message).toMatch(/HTML page/);
  });

  it('HTML error page on an error status keeps a snippet of it', async () => {
    answer(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    const err = await catalog().loadTable(id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REST', context: { status: 502 } });
    expect((err as Error).message).toMatch(/HTML page: <html><body><h1>502 Bad Gateway/);
  });

  it('truncated JSON', async () => {
    answer(200, loadTableBody().slice(0, 200));
    await expect(catalog().loadTable(id)).rejects.toMatchObject({ code: 'REST', message: expect.stringMatching(/malformed or truncated JSON/) });
  });

  it('valid JSON that is not a LoadTableResult', async () => {
    answer(200, JSON.stringify({ metadata: 'nope' }));
    await expect(catalog().loadTable(id)).rejects.toMatchObject({ code: 'REST', message: expect.stringMatching(/does not match the Iceberg REST spec/) });
  });

  it('a LoadTableResult with corrupt metadata', async () => {
    answer(200, JSON.stringify({ 'metadata-location': 'x', metadata: { 'format-version': 2 } }));
    await expect(catalog().loadTable(id)).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('a garbage commit answer means the commit state is unknown', async () => {
    answer(200, '{"metadata-location": "s3://b/m.json", "metad');
    await expect(catalog().commitTable(id, [], [])).rejects.toMatchObject({ code: 'COMMIT_STATE_UNKNOWN' });
  });

  it('any body on any status: a LakeError (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 201, 400, 404, 409, 500, 503),
        fc.oneof(fc.string(), fc.json(), fc.constant('<html>'), fc.constant(''), fc.constant(loadTableBody().slice(0, 1000))),
        async (status, body) => {
          answer(status, body);
          const c = catalog();
          for (const call of [() => c.loadTable(id), () => c.loadNamespaceProperties(['db']), () => c.commitTable(id, [], [])]) {
            const err = await call().then(
              () => undefined,
              (e: unknown) => e,
            );
            // A body that happens to be a valid answer may succeed; anything else is typed.
            if (err !== undefined) expect(isLakeError(err), String(err)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the newer endpoints parse defensively too', () => {
  it('functions, unregister, register-view, sign, credentials, metrics: any body on any status is a LakeError (fast-check)', async () => {
    const functionBody = JSON.stringify({ metadata: { 'function-uuid': 'u', 'format-version': 1, definitions: [{ 'definition-id': 'int', parameters: [{ name: 'x', type: { type: 'list', element: 'int' } }], 'return-type': 'int', versions: [], 'current-version-id': 1, 'function-type': 'udf' }], 'definition-log': [] } });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(200, 204, 400, 404, 409, 500, 503),
        fc.oneof(fc.string(), fc.json(), fc.constant('<html>'), fc.constant(''), fc.constant(functionBody.slice(0, 120)), fc.constant(functionBody.replace('"list"', '"lisp"'))),
        async (status, body) => {
          server.handle((req, res) => {
            if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, endpoints: Object.values(Endpoint) });
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(body);
          });
          const c = catalog();
          const calls = [
            () => c.loadFunction({ namespace: ['db'], name: 'f' }),
            async () => {
              for await (const _ of c.listFunctions(['db'])) void _;
            },
            () => c.unregisterTable(id),
            () => c.registerView({ namespace: ['db'], name: 'v' }, 's3://b/v.json'),
            () => c.signRequest(id, { region: 'r', uri: 'https://b/k', method: 'GET', headers: {} }),
            () => c.loadCredentials(id, { planId: 'p' }),
            () => c.reportMetrics(id, { type: 'commit', tableName: 'rest.db.t', snapshotId: 1n, sequenceNumber: 1n, operation: 'append', metrics: {} }),
          ];
          for (const call of calls) {
            const err = await call().then(
              () => undefined,
              (e: unknown) => e,
            );
            if (err !== undefined) expect(isLakeError(err), String(err)).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('timeouts are enforced with AbortSignal', () => {
  it('a server that never answers: TimeoutError', async () => {
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
      // never answer
    });
    const err = await catalog().loadTable(id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', context: { timeoutMs: TIMEOUT_MS } });
  });

  it('a server that sends headers and then trickles the body: TimeoutError', async () => {
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"metadata": ');
      const t = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(t));
    });
    await expect(catalog().loadTable(id)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('a commit that times out is state-unknown and sent exactly once', async () => {
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
    });
    await expect(new RestCatalog({ uri: server.uri, timeoutMs: TIMEOUT_MS }).commitTable(id, [], [])).rejects.toMatchObject({ code: 'COMMIT_STATE_UNKNOWN' });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a caller abort cancels a load', async () => {
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
    });
    const c = new RestCatalog({ uri: server.uri, timeoutMs: 60_000 });
    const abort = new AbortController();
    const p = c.loadTable(id, { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(p).rejects.toSatisfy((e: unknown) => isLakeError(e) || (e as Error).name === 'AbortError');
  });
});
