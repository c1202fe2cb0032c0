/**
 * Where OAuth2 tokens come from (the spec deprecates `/v1/oauth/tokens` and
 * asks clients to use the `oauth2-server-uri` property): the explicit option,
 * else the catalog properties — the client's, then the server's once
 * `/v1/config` has answered — and only then the deprecated endpoint.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { Secret } from '../../../../src/secret.js';
import { basicCatalog, json, startFakeServer, type FakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
const credential = { clientId: 'etl', clientSecret: new Secret('s3cr3t-value') };
let server: FakeServer;
let idp: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
  idp = await startFakeServer();
  let n = 0;
  // Tokens that expire at once, so every request fetches a new one from wherever the client now looks.
  idp.handle((_req, res) => json(res, 200, { access_token: `idp-${++n}`, token_type: 'bearer', expires_in: 0 }));
});
afterEach(async () => {
  await Promise.all([server.stop(), idp.stop()]);
});

/** The catalog: `/v1/config` with `config`, its own (deprecated) token endpoint, tables. */
function catalogServer(config: Record<string, unknown> = {}) {
  const inner = basicCatalog(config);
  server.handle((req, res) => {
    if (req.path === '/v1/oauth/tokens') return json(res, 200, { access_token: 'legacy', token_type: 'bearer', expires_in: 0 });
    return inner(req, res);
  });
}
const legacyTokenRequests = () => server.requests.filter((r) => r.path === '/v1/oauth/tokens').length;

describe('the OAuth2 token endpoint', () => {
  it('follows the server\'s oauth2-server-uri once /v1/config names it', async () => {
    catalogServer({ overrides: { 'oauth2-server-uri': `${idp.uri}/oauth2/token` } });
    const catalog = new RestCatalog({ uri: server.uri, credential });
    await catalog.loadTable(id);
    // The config call needed a token before the server could name its IdP; after that, only the IdP.
    expect(legacyTokenRequests()).toBe(1);
    expect(idp.requests.map((r) => r.path)).toEqual(['/oauth2/token']);
    expect(server.requests.find((r) => r.path.endsWith('/tables/t'))?.headers.authorization).toBe('Bearer idp-1');
  });

  it('uses the client\'s oauth2-server-uri property from the first request on', async () => {
    catalogServer();
    const catalog = new RestCatalog({ uri: server.uri, credential, properties: { 'oauth2-server-uri': `${idp.uri}/oauth2/token` } });
    await catalog.loadTable(id);
    expect(legacyTokenRequests()).toBe(0);
    expect(idp.requests).toHaveLength(2);
    expect(new URLSearchParams(idp.requests[0]!.body).get('client_id')).toBe('etl');
  });

  it('resolves a relative oauth2-server-uri against the catalog URI', async () => {
    server.handle((req, res) => {
      if (req.path === '/api/auth/token') return json(res, 200, { access_token: 'relative', token_type: 'bearer' });
      return basicCatalog()({ ...req, path: req.path.replace(/^\/api/, '') }, res);
    });
    const catalog = new RestCatalog({ uri: `${server.uri}/api`, credential, properties: { 'oauth2-server-uri': 'auth/token' } });
    await catalog.loadTable(id);
    expect(server.requests.filter((r) => r.path === '/api/auth/token')).toHaveLength(1);
    expect(server.requests.find((r) => r.path.endsWith('/tables/t'))?.headers.authorization).toBe('Bearer relative');
  });

  it('an explicit oauth2ServerUri wins over every property', async () => {
    catalogServer({ overrides: { 'oauth2-server-uri': 'http://127.0.0.1:9/never' } });
    const catalog = new RestCatalog({ uri: server.uri, credential, oauth2ServerUri: `${idp.uri}/explicit`, properties: { 'oauth2-server-uri': 'http://127.0.0.1:9/nor-this' } });
    await catalog.loadTable(id);
    expect(idp.requests.map((r) => r.path)).toEqual(['/explicit', '/explicit']);
    expect(legacyTokenRequests()).toBe(0);
  });

  it('falls back to the deprecated /v1/oauth/tokens when nothing names an endpoint', async () => {
    catalogServer();
    const catalog = new RestCatalog({ uri: server.uri, credential });
    await catalog.loadTable(id);
    expect(legacyTokenRequests()).toBe(2);
    expect(idp.requests).toHaveLength(0);
  });

  it('an oauth2-server-uri that is not a URL is a typed error', async () => {
    catalogServer();
    const catalog = new RestCatalog({ uri: server.uri, credential, properties: { 'oauth2-server-uri': 'http://[::1' } });
    await expect(catalog.loadTable(id)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/oauth2-server-uri .* is not a URL/) });
  });
});
