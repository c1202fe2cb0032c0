import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAuth2ClientCredentials, OAuth2TokenExchange } from '../../../../src/catalog/rest/auth.js';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { Secret } from '../../../../src/secret.js';
import { basicCatalog, icebergError, json, loadTableBody, startFakeServer, type FakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.stop();
});

/** A catalog that issues `tok-1`, `tok-2`, … and accepts only tokens `valid` says are good. */
function oauthCatalog(opts: { expiresIn?: number; valid?: (token: string) => boolean } = {}) {
  let issued = 0;
  const catalog = basicCatalog();
  return (req: Parameters<ReturnType<typeof basicCatalog>>[0], res: Parameters<ReturnType<typeof basicCatalog>>[1]) => {
    if (req.path === '/v1/oauth/tokens') {
      issued++;
      return json(res, 200, { access_token: `tok-${issued}`, token_type: 'bearer', ...(opts.expiresIn === undefined ? {} : { expires_in: opts.expiresIn }) });
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!(opts.valid ?? (() => true))(token)) return json(res, 401, icebergError(401, 'NotAuthorizedException', 'token expired'));
    return catalog(req, res);
  };
}

describe('OAuth2 client credentials', () => {
  it('fetches one token with the Polaris scope and realm, and sends it as a bearer token', async () => {
    server.handle(oauthCatalog());
    const catalog = new RestCatalog({ uri: server.uri, credential: { clientId: 'etl', clientSecret: new Secret('s3cr3t-value') }, scope: 'PRINCIPAL_ROLE:ALL', realm: 'datax' });
    await catalog.loadTable(id);
    await catalog.loadTable(id);
    const tokenRequests = server.requests.filter((r) => r.path === '/v1/oauth/tokens');
    expect(tokenRequests).toHaveLength(1);
    const form = new URLSearchParams(tokenRequests[0]!.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', client_id: 'etl', client_secret: 's3cr3t-value', scope: 'PRINCIPAL_ROLE:ALL' });
    expect(tokenRequests[0]!.headers['polaris-realm']).toBe('datax');
    const calls = server.requests.filter((r) => r.path !== '/v1/oauth/tokens');
    expect(calls.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
    expect(calls.every((r) => r.headers['polaris-realm'] === 'datax')).toBe(true);
  });

  it('uses a configured token endpoint (oauth2ServerUri)', async () => {
    const idp = await startFakeServer();
    try {
      idp.handle((_req, res) => json(res, 200, { access_token: 'idp-token', token_type: 'bearer', expires_in: 3600 }));
      server.handle(basicCatalog());
      const catalog = new RestCatalog({ uri: server.uri, credential: { clientId: 'c', clientSecret: 'x-secret' }, oauth2ServerUri: `${idp.uri}/oauth/token` });
      await catalog.loadTable(id);
      expect(idp.requests.map((r) => r.path)).toEqual(['/oauth/token']);
      expect(server.requests.every((r) => r.headers.authorization === 'Bearer idp-token')).toBe(true);
    } finally {
      await idp.stop();
    }
  });

  it('refreshes the token before it expires', async () => {
    server.handle(oauthCatalog({ expiresIn: 3600 }));
    let now = 1_000_000;
    const auth = new OAuth2ClientCredentials({ tokenEndpoint: `${server.uri}/v1/oauth/tokens`, clientId: 'c', clientSecret: 'secret-1', now: () => now });
    const catalog = new RestCatalog({ uri: server.uri, auth });
    await catalog.loadTable(id);
    now += 3_550_000; // within the refresh margin of the one-hour token, not yet expired
    await catalog.loadTable(id);
    expect(auth.tokensFetched).toBe(2);
    const last = server.requests.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer tok-2');
  });

  it('after a 401 fetches a new token and retries once — commits included', async () => {
    let revoked = false;
    const inner = oauthCatalog({ valid: (t) => !(revoked && t === 'tok-1') });
    server.handle((req, res) => {
      if (req.method === 'POST' && req.path.endsWith('/tables/t') && req.headers.authorization === 'Bearer tok-2') {
        return json(res, 200, loadTableBody());
      }
      return inner(req, res);
    });
    const catalog = new RestCatalog({ uri: server.uri, credential: { clientId: 'c', clientSecret: 'secret-1' } });
    await catalog.loadTable(id);
    revoked = true; // the token is revoked mid-job
    await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: '1' } }]);
    const commits = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/tables/t'));
    expect(commits.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(commits[0]!.body).toBe(commits[1]!.body);
  });

  it('gives up with AuthError after one retry when the server keeps answering 401', async () => {
    server.handle(oauthCatalog({ valid: () => false }));
    const catalog = new RestCatalog({ uri: server.uri, credential: { clientId: 'c', clientSecret: 'secret-1' } });
    await expect(catalog.properties()).rejects.toMatchObject({ code: 'AUTH', context: { status: 401 } });
    expect(server.requests.filter((r) => r.path === '/v1/config')).toHaveLength(2);
  });

  it('keeps a long job running while its short-lived tokens expire', async () => {
    // Tokens live 1 s; the server rejects a token once it is older than that.
    const bornAt = new Map<string, number>();
    let issued = 0;
    const inner = basicCatalog();
    server.handle((req, res) => {
      if (req.path === '/v1/oauth/tokens') {
        const token = `tok-${++issued}`;
        bornAt.set(token, Date.now());
        return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: 1 });
      }
      const token = String(req.headers.authorization).replace('Bearer ', '');
      if (Date.now() - (bornAt.get(token) ?? 0) > 1000) return json(res, 401, icebergError(401, 'NotAuthorizedException', 'expired'));
      return inner(req, res);
    });
    const auth = new OAuth2ClientCredentials({ tokenEndpoint: `${server.uri}/v1/oauth/tokens`, clientId: 'c', clientSecret: 'secret-1' });
    const catalog = new RestCatalog({ uri: server.uri, auth });
    for (let i = 0; i < 12; i++) {
      await catalog.loadTable(id);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(auth.tokensFetched).toBeGreaterThan(1);
  });

  it('maps a rejected client secret to AuthError with the OAuth2 error', async () => {
    server.handle((req, res) => json(res, 401, { error: 'invalid_client', error_description: 'bad secret' }));
    const catalog = new RestCatalog({ uri: server.uri, credential: { clientId: 'c', clientSecret: 'wrong-secret' } });
    const err = await catalog.properties().catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'AUTH', context: { errorType: 'invalid_client' } });
    expect(String(err)).toContain('bad secret');
    expect(server.requests).toHaveLength(1); // a rejected secret is not retried
  });
});

describe('token exchange and static tokens', () => {
  it('exchanges a subject token (RFC 8693)', async () => {
    server.handle(oauthCatalog());
    const auth = new OAuth2TokenExchange({ tokenEndpoint: `${server.uri}/v1/oauth/tokens`, subjectToken: new Secret('user-id-token'), actorToken: 'svc-token', scope: 'catalog' });
    const catalog = new RestCatalog({ uri: server.uri, auth });
    await catalog.loadTable(id);
    const form = Object.fromEntries(new URLSearchParams(server.requests[0]!.body));
    expect(form).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: 'user-id-token',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      actor_token: 'svc-token',
      scope: 'catalog',
    });
  });

  it('sends a static bearer token and does not retry its 401', async () => {
    server.handle((req, res) => json(res, 401, icebergError(401, 'NotAuthorizedException', 'nope')));
    const catalog = new RestCatalog({ uri: server.uri, token: new Secret('static-token') });
    await expect(catalog.properties()).rejects.toMatchObject({ code: 'AUTH' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer static-token');
  });
});
