import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { SigV4Auth } from '../../../../src/catalog/rest/sigv4.js';
import type { RestLogEvent } from '../../../../src/catalog/rest/http.js';
import { Secret } from '../../../../src/secret.js';
import { json, useFakeServer } from './fake-server.js';

const CLIENT_SECRET = 'client-secret-9f8e7d6c';
const TOKEN = 'access-token-1a2b3c4d5e';
const AWS_SECRET = 'aws-secret-key-0123456789abcdef';
const SESSION = 'aws-session-token-fedcba9876';
const HEADER_SECRET = 'api-key-5544332211';

const server = useFakeServer();

/** Everything that could leak: message, stack, JSON, util.inspect, cause chain. */
function everything(e: unknown): string {
  const parts = [String(e), JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }), (e as Error).stack ?? ''];
  let c = (e as Error).cause;
  while (c !== undefined) {
    parts.push(inspect(c, { depth: 10, showHidden: true }));
    c = (c as Error).cause;
  }
  return parts.join('\n');
}

describe('secrets never reach errors, logs or inspection', () => {
  it('a server that echoes the credentials it received in its error bodies', async () => {
    // A hostile (or naive) server that reflects everything it was sent.
    server.handle((req, res) => {
      if (req.path === '/v1/oauth/tokens') return json(res, 200, { access_token: TOKEN, token_type: 'bearer', expires_in: 3600 });
      const echo = `auth=${String(req.headers.authorization)} key=${String(req.headers['x-api-key'])} body=${req.body}`;
      return json(res, 400, { error: { message: echo, type: `Bad ${String(req.headers.authorization)}`, code: 400 } });
    });
    const log: RestLogEvent[] = [];
    const catalog = new RestCatalog({
      uri: server.uri,
      credential: { clientId: 'etl', clientSecret: new Secret(CLIENT_SECRET) },
      headers: { 'x-api-key': new Secret(HEADER_SECRET) },
      logger: (e) => log.push(e),
    });
    const err = await catalog.properties().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION' });
    const text = everything(err) + JSON.stringify(log) + inspect(catalog, { depth: 10, showHidden: true }) + String(catalog);
    for (const s of [CLIENT_SECRET, TOKEN, HEADER_SECRET]) expect(text).not.toContain(s);
    expect(text).toContain('[REDACTED]');
  });

  it('a token endpoint that echoes the client secret', async () => {
    server.handle((req, res) => json(res, 401, { error: 'invalid_client', error_description: `rejected ${req.body}` }));
    const catalog = new RestCatalog({ uri: server.uri, credential: { clientId: 'etl', clientSecret: CLIENT_SECRET } });
    const err = await catalog.properties().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH' });
    expect(everything(err)).not.toContain(CLIENT_SECRET);
  });

  it('SigV4 keys and signatures stay out of errors', async () => {
    const signatures: string[] = [];
    server.handle((req, res) => {
      const auth = String(req.headers.authorization);
      signatures.push(auth.split('Signature=')[1] ?? '');
      return json(res, 403, { error: { message: `denied for ${auth} token ${String(req.headers['x-amz-security-token'])}`, type: 'AccessDenied', code: 403 } });
    });
    const catalog = new RestCatalog({
      uri: server.uri,
      auth: new SigV4Auth({ region: 'eu-west-1', service: 'glue', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: new Secret(AWS_SECRET), sessionToken: new Secret(SESSION) } }),
    });
    const err = await catalog.properties().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH' });
    const text = everything(err) + inspect(catalog, { depth: 10, showHidden: true });
    expect(signatures[0]).toMatch(/^[0-9a-f]{64}$/);
    for (const s of [AWS_SECRET, SESSION, signatures[0]!]) expect(text).not.toContain(s);
  });
});
