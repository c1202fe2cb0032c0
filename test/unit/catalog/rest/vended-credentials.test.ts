import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { Endpoint } from '../../../../src/catalog/rest/endpoints.js';
import { SigV4Auth } from '../../../../src/catalog/rest/sigv4.js';
import { credentialFor, VendedCredentialsFileIO } from '../../../../src/catalog/rest/vended-io.js';
import { FileIORegistry } from '../../../../src/io/registry.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import type { FileIO } from '../../../../src/io/file-io.js';
import { Secret } from '../../../../src/secret.js';
import { json, loadTableBody, useFakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
/** A FileIO that accepts every call (the test checks which credentials it was built with). */
const stubIO = (): FileIO =>
  new Proxy({} as FileIO, { get: (_t, k) => (k === 'resolve' ? (l: string) => l : async () => (k === 'exists' ? true : { location: '', size: 0 })) });
const server = useFakeServer();

describe('vended credentials', () => {
  it('asks for delegation, hands the storage credential to the FileIO factory, and refreshes it before expiry', async () => {
    const soon = String(Date.now() + 5_000); // inside the refresh margin
    const later = String(Date.now() + 3_600_000);
    server.requests.length = 0;
    server.handle((req, res) => {
      if (req.path === '/v1/config') {
        return json(res, 200, { defaults: { 's3.region': 'eu-west-1' }, overrides: {}, endpoints: [Endpoint.loadTable, Endpoint.loadCredentials] });
      }
      if (req.path.endsWith('/credentials')) {
        return json(res, 200, { 'storage-credentials': [{ prefix: 's3://bucket/wh/', config: { 's3.access-key-id': 'AK2', 's3.secret-access-key': 'SK2', 's3.session-token': 'ST2', 's3.session-token-expires-at-ms': later } }] });
      }
      return json(
        res,
        200,
        loadTableBody({
          config: { 's3.endpoint': 'http://minio:9000' },
          'storage-credentials': [
            { prefix: 's3://bucket/', config: { 's3.access-key-id': 'WIDE' } },
            { prefix: 's3://bucket/wh/db/', config: { 's3.access-key-id': 'AK1', 's3.secret-access-key': 'SK1', 's3.session-token': 'ST1', 's3.session-token-expires-at-ms': soon } },
          ],
        }),
      );
    });
    const built: Record<string, string>[] = [];
    const registry = new FileIORegistry({
      s3: (props) => {
        built.push({ ...props });
        return stubIO();
      },
    });
    const catalog = new RestCatalog({ uri: server.uri, accessDelegation: ['vended-credentials'], fileIORegistry: registry });
    const table = await catalog.loadTable(id);
    expect(server.requests.every((r) => r.headers['x-iceberg-access-delegation'] === 'vended-credentials')).toBe(true);
    expect(table.config['s3.access-key-id']).toBe('AK1'); // the longest matching prefix wins
    const io = catalog.fileIO(table) as VendedCredentialsFileIO;
    await io.write('s3://bucket/wh/db/t/data/a.parquet', 'x');
    expect(io.refreshes).toBe(1);
    expect(built.at(-1)).toMatchObject({ 's3.region': 'eu-west-1', 's3.endpoint': 'http://minio:9000', 's3.access-key-id': 'AK2', 's3.session-token': 'ST2' });
    await io.exists('s3://bucket/wh/db/t/data/a.parquet');
    expect(io.refreshes).toBe(1); // fresh credentials last an hour
    expect(server.requests.filter((r) => r.path.endsWith('/credentials'))).toHaveLength(1);
  });

  it('picks the longest matching prefix (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-c/]{0,6}$/), { maxLength: 6 }), fc.stringMatching(/^[a-c/]{0,8}$/), (prefixes, location) => {
        const creds = prefixes.map((prefix, i) => ({ prefix, config: { i: String(i) } }));
        const got = credentialFor(location, creds);
        const matching = creds.filter((c) => location.startsWith(c.prefix));
        if (matching.length === 0) expect(got).toBeUndefined();
        else expect(Math.max(...matching.map((c) => c.prefix.length))).toBe(creds[Number(got!.i)]!.prefix.length);
      }),
    );
  });

  it('without a registry uses the catalog io, and says so when there is none', async () => {
    server.handle((req, res) => (req.path === '/v1/config' ? json(res, 200, { defaults: {}, overrides: {} }) : json(res, 200, loadTableBody())));
    const io = new MemoryFileIO();
    const table = await new RestCatalog({ uri: server.uri, io }).loadTable(id);
    expect(new RestCatalog({ uri: server.uri, io }).fileIO(table)).toBe(io);
    expect(() => new RestCatalog({ uri: server.uri }).fileIO(table)).toThrow(/pass io or fileIORegistry/);
  });
});

describe('SigV4', () => {
  it('signs every request for the configured service and region with the session token', async () => {
    server.requests.length = 0;
    server.handle((req, res) => json(res, 200, { defaults: {}, overrides: {} }));
    const catalog = new RestCatalog({
      uri: `${server.uri}/iceberg`,
      warehouse: '123456789012:s3tablescatalog/bucket',
      auth: new SigV4Auth({
        region: 'us-east-1',
        service: 's3tables',
        credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: new Secret('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'), sessionToken: 'session' }),
        now: () => new Date('2026-01-02T03:04:05Z'),
      }),
    });
    await catalog.properties();
    const req = server.requests[0]!;
    expect(req.url).toBe('/iceberg/v1/config?warehouse=123456789012%3As3tablescatalog%2Fbucket');
    expect(req.headers['x-amz-date']).toBe('20260102T030405Z');
    expect(req.headers['x-amz-security-token']).toBe('session');
    expect(String(req.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260102\/us-east-1\/s3tables\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('a different body gives a different signature', async () => {
    const auth = new SigV4Auth({ region: 'eu-west-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK-secret' }, now: () => new Date('2026-01-01T00:00:00Z') });
    const sign = async (body: string) => (await auth.authorize({ method: 'POST', url: new URL('https://glue.eu-west-1.amazonaws.com/iceberg/v1/x'), headers: { 'content-type': 'application/json' }, body })).authorization;
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (a, b) => {
        fc.pre(a !== b);
        expect(await sign(a)).not.toBe(await sign(b));
      }),
      { numRuns: 30 },
    );
  });
});
