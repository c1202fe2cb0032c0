/**
 * PolarisAdmin against a fake Polaris that validates every request against the management
 * OpenAPI spec (fake-polaris.ts). No live Polaris server is involved.
 */
import { createServer } from 'node:http';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolarisAdmin, type PolarisAdminOptions } from '../../../../src/catalog/polaris/admin.js';
import type { AuthProvider } from '../../../../src/catalog/rest/auth-provider.js';
import type { Grant } from '../../../../src/catalog/polaris/schemas.js';
import { isLakeError } from '../../../../src/errors.js';
import { OAuth2ClientCredentials } from '../../../../src/catalog/rest/auth.js';
import { Secret, isSecret } from '../../../../src/secret.js';
import { codeOf } from '../../../helpers/errors.js';
import { startFakePolaris, type FakePolaris } from './fake-polaris.js';
import { arbitraryOf } from './spec-instances.js';

const staticAuth = (token: string): AuthProvider => ({ authorize: async () => ({ authorization: `Bearer ${token}` }) });
const noWait = { retries: 3, sleep: async () => undefined };

let fake: FakePolaris;
let admin: PolarisAdmin;
const make = (extra: Partial<PolarisAdminOptions> = {}) => new PolarisAdmin({ uri: fake.uri, auth: staticAuth(fake.token), retry: noWait, headers: { 'Polaris-Realm': 'datax' }, ...extra });

beforeEach(async () => {
  fake = await startFakePolaris();
  admin = make();
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const s3 = { storageType: 'S3' as const, roleArn: 'arn:aws:iam::123456789012:role/polaris-dev', allowedLocations: ['s3://datax-dev-lake/'], region: 'eu-west-1' };

describe('PolarisAdmin', () => {
  it('manages internal (S3, FILE) and external catalogs', async () => {
    const dev = await admin.createCatalog({ name: 'dev', defaultBaseLocation: 's3://datax-dev-lake/', storage: s3, properties: { owner: 'platform' } });
    expect(dev).toMatchObject({ type: 'INTERNAL', name: 'dev', properties: { 'default-base-location': 's3://datax-dev-lake/', owner: 'platform' }, storageConfigInfo: s3 });
    await admin.createCatalog({ name: 'local', defaultBaseLocation: 'file:///tmp/wh/', storage: { storageType: 'FILE', allowedLocations: ['file:///tmp/wh/'] } });
    await admin.createCatalog({
      name: 'glue_mirror',
      type: 'EXTERNAL',
      defaultBaseLocation: 's3://datax-glue/',
      storage: s3,
      connection: {
        connectionType: 'ICEBERG_REST',
        uri: 'https://glue.eu-west-1.amazonaws.com/iceberg',
        remoteCatalogName: '123456789012',
        authenticationParameters: { authenticationType: 'SIGV4', roleArn: 'arn:aws:iam::123456789012:role/glue', signingRegion: 'eu-west-1', signingName: 'glue' },
      },
    });
    await admin.createCatalog({
      name: 'partner',
      type: 'EXTERNAL',
      defaultBaseLocation: 's3://partner/',
      storage: s3,
      connection: { connectionType: 'ICEBERG_REST', uri: 'https://partner.example/catalog', authenticationParameters: { authenticationType: 'OAUTH', clientId: 'c', clientSecret: new Secret('partner-secret'), scopes: ['PRINCIPAL_ROLE:ALL'] } },
    });
    // The secret went to the server (revealed only in the request body), and back out of nothing else.
    expect((fake.state.catalogs.get('partner')!.connectionConfigInfo as { authenticationParameters: { clientSecret: string } }).authenticationParameters.clientSecret).toBe('partner-secret');
    expect((await admin.listCatalogs()).map((c) => c.name)).toEqual(['dev', 'local', 'glue_mirror', 'partner']);
    expect((await admin.getCatalog('glue_mirror')).connectionConfigInfo?.authenticationParameters).toMatchObject({ authenticationType: 'SIGV4', signingName: 'glue' });
    expect(await codeOf(admin.createCatalog({ name: 'dev', defaultBaseLocation: 's3://x/', storage: s3 }))).toBe('ALREADY_EXISTS');
    const v = (await admin.getCatalog('dev')).entityVersion!;
    const updated = await admin.updateCatalog('dev', { currentEntityVersion: v, properties: { 'default-base-location': 's3://datax-dev-lake/', owner: 'data' } });
    expect(updated.properties.owner).toBe('data');
    expect(await codeOf(admin.updateCatalog('dev', { currentEntityVersion: v, properties: { 'default-base-location': 's3://x/' } }))).toBe('COMMIT_CONFLICT');
    await admin.deleteCatalog('local');
    expect(await codeOf(admin.getCatalog('local'))).toBe('NOT_FOUND');
    expect(await codeOf(admin.createCatalog({ name: 'x', defaultBaseLocation: 's3://x/', storage: s3, connection: { connectionType: 'HIVE' } }))).toBe('VALIDATION');
    expect(await codeOf(admin.getCatalog('system$'))).toBe('VALIDATION');
    expect(await codeOf(admin.getCatalog(''))).toBe('VALIDATION');
  });

  it('hands out principal credentials once, as Secrets, and rotates and resets them', async () => {
    const alice = await admin.createPrincipal({ name: 'alice', properties: { team: 'finance' }, credentialRotationRequired: true });
    expect(isSecret(alice.credentials.clientSecret)).toBe(true);
    const secret = alice.credentials.clientSecret.reveal();
    expect(secret).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(alice)).not.toContain(secret);
    expect(String(alice.credentials.clientSecret)).toBe('[REDACTED]');
    expect(alice.principal).toMatchObject({ name: 'alice', properties: { team: 'finance' }, clientId: alice.credentials.clientId });
    const got = await admin.getPrincipal('alice');
    expect(JSON.stringify(got)).not.toContain(secret);
    const rotated = await admin.rotateCredentials('alice');
    expect(rotated.credentials.clientSecret.reveal()).not.toBe(secret);
    const reset = await admin.resetCredentials('alice', { clientSecret: new Secret('chosen-secret-123') });
    expect(reset.credentials.clientSecret.reveal()).toBe('chosen-secret-123');
    expect((await admin.resetCredentials('alice')).credentials.clientSecret.reveal()).toMatch(/^[0-9a-f]{32}$/);
    expect((await admin.listPrincipals()).map((p) => p.name)).toEqual(['alice']);
    const upd = await admin.updatePrincipal('alice', { currentEntityVersion: got.entityVersion!, properties: { team: 'risk' } });
    expect(upd.properties).toEqual({ team: 'risk' });
    expect(await codeOf(admin.createPrincipal({ name: 'alice' }))).toBe('ALREADY_EXISTS');
    await admin.deletePrincipal('alice');
    expect(await codeOf(admin.rotateCredentials('alice'))).toBe('NOT_FOUND');
    // Rotate and reset are not idempotent: a 503 is reported, never re-sent.
    await admin.createPrincipal({ name: 'bob' });
    const before = fake.log.length;
    fake.failNext(1, 503);
    const e = await admin.rotateCredentials('bob').catch((x: unknown) => x);
    expect(isLakeError(e, 'REST') && e.retryable).toBe(true);
    expect(fake.log.length - before).toBe(1);
  });

  it('manages principal roles, catalog roles, their assignments and grants at every level', async () => {
    await admin.createCatalog({ name: 'prod', defaultBaseLocation: 's3://datax-prod-lake/', storage: s3 });
    await admin.createPrincipal({ name: 'carol' });
    await admin.createPrincipalRole('analyst', { purpose: 'read gold' });
    expect((await admin.getPrincipalRole('analyst')).properties).toEqual({ purpose: 'read gold' });
    await admin.assignPrincipalRole('carol', 'analyst');
    expect((await admin.listPrincipalRolesAssigned('carol')).map((r) => r.name)).toEqual(['analyst']);
    expect((await admin.listPrincipalsWithRole('analyst')).map((p) => p.name)).toEqual(['carol']);
    await admin.createCatalogRole('prod', 'gold_reader');
    expect((await admin.listCatalogRoles('prod')).map((r) => r.name)).toEqual(['catalog_admin', 'gold_reader']);
    await admin.assignCatalogRole('analyst', 'prod', 'gold_reader');
    expect((await admin.listCatalogRolesForPrincipalRole('analyst', 'prod')).map((r) => r.name)).toEqual(['gold_reader']);
    expect((await admin.listPrincipalRolesForCatalogRole('prod', 'gold_reader')).map((r) => r.name)).toEqual(['analyst']);
    const grants: Grant[] = [
      { type: 'catalog', privilege: 'NAMESPACE_LIST' },
      { type: 'namespace', namespace: ['gold'], privilege: 'TABLE_READ_DATA' },
      { type: 'namespace', namespace: ['gold', 'kpi'], privilege: 'TABLE_READ_DATA' },
      { type: 'table', namespace: ['gold'], tableName: 'daily_kpis', privilege: 'TABLE_READ_PROPERTIES' },
      { type: 'view', namespace: ['gold'], viewName: 'kpi_v', privilege: 'VIEW_READ_PROPERTIES' },
      { type: 'policy', namespace: ['gold'], policyName: 'retention', privilege: 'POLICY_READ' },
    ];
    for (const g of grants) await admin.grant('prod', 'gold_reader', g);
    expect(await admin.listGrants('prod', 'gold_reader')).toEqual(grants);
    await admin.revoke('prod', 'gold_reader', grants[5]!);
    await admin.revoke('prod', 'gold_reader', grants[1]!, { cascade: true });
    expect(await admin.listGrants('prod', 'gold_reader')).toEqual([grants[0], grants[3], grants[4]]);
    expect(fake.log.some((l) => l.endsWith('/grants?cascade=true'))).toBe(true);
    const role = await admin.getCatalogRole('prod', 'gold_reader');
    await admin.updateCatalogRole('prod', 'gold_reader', { currentEntityVersion: role.entityVersion!, properties: { a: 'b' } });
    await admin.updatePrincipalRole('analyst', { currentEntityVersion: 1, properties: { a: 'b' } });
    await admin.revokeCatalogRole('analyst', 'prod', 'gold_reader');
    await admin.revokePrincipalRole('carol', 'analyst');
    expect(await admin.listPrincipalRolesAssigned('carol')).toEqual([]);
    await admin.deleteCatalogRole('prod', 'gold_reader');
    await admin.deletePrincipalRole('analyst');
    expect(await codeOf(admin.listGrants('prod', 'gold_reader'))).toBe('NOT_FOUND');
    expect(await codeOf(admin.getPrincipalRole('analyst'))).toBe('NOT_FOUND');
  });

  it('sends every grant the spec allows in a spec-valid request', async () => {
    await admin.createCatalog({ name: 'c', defaultBaseLocation: 's3://c/', storage: s3 });
    await admin.createCatalogRole('c', 'r');
    await fc.assert(
      fc.asyncProperty(arbitraryOf({ $ref: '#/components/schemas/GrantResource' }) as fc.Arbitrary<Grant>, async (g) => {
        await admin.grant('c', 'r', g);
        expect(fake.violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('maps errors to the lakekit hierarchy, keeping the server message', async () => {
    const nf = await admin.getCatalog('nope').catch((e: unknown) => e);
    expect(isLakeError(nf, 'NOT_FOUND')).toBe(true);
    expect((nf as Error).message).toContain('catalog nope not found');
    expect((nf as { context: Record<string, unknown> }).context).toMatchObject({ status: 404, requestId: 'req-123' });

    const wrong = new PolarisAdmin({ uri: fake.uri, auth: staticAuth('wrong'), retry: noWait });
    expect(await codeOf(wrong.listCatalogs())).toBe('AUTH');
    fake.failNext(1, 403);
    expect(await codeOf(admin.listCatalogs())).toBe('AUTH');
    fake.failNext(1, 400);
    expect(await codeOf(admin.listCatalogs())).toBe('VALIDATION');

    // Idempotent calls ride out 503s; with the retries used up, the error is retryable.
    fake.failNext(2, 503);
    expect(await admin.listCatalogs()).toEqual([]);
    fake.failNext(4, 502); // 1 attempt + 3 retries
    const e = await admin.listCatalogs().catch((x: unknown) => x);
    expect(isLakeError(e, 'REST') && e.retryable).toBe(true);
    fake.failNext(1, 500, '<html><body><h1>Internal Server Error</h1></body></html>');
    const html = await admin.createPrincipalRole('x').catch((x: unknown) => x);
    expect((html as Error).message).toContain('Internal Server Error');
    expect((html as Error).message).not.toContain('<h1>');
  });

  it('retries once after a 401 when the auth provider can refresh its token', async () => {
    let calls = 0;
    let invalidated = 0;
    const refreshing: AuthProvider = {
      authorize: async () => ({ authorization: `Bearer ${++calls === 1 ? 'expired' : fake.token}` }),
      invalidate: () => (invalidated++, true),
    };
    expect(await make({ auth: refreshing }).listCatalogs()).toEqual([]);
    expect(invalidated).toBe(1);
  });

  it('turns garbage, truncated and non-spec bodies into typed errors (fuzzed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.constant('{"catalogs": [{"name": "x"'), fc.constant('{"catalogs": [{"name": 1}]}'), fc.json()), async (body) => {
        const server = createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        try {
          const c = new PolarisAdmin({ uri: `http://127.0.0.1:${(server.address() as { port: number }).port}`, retry: noWait });
          const r = await c.listCatalogs().then(
            () => 'OK',
            (e: unknown) => (isLakeError(e) ? e.code : `untyped: ${String(e)}`),
          );
          expect(['OK', 'REST']).toContain(r);
        } finally {
          await new Promise<void>((r) => server.close(() => r()));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives a TimeoutError when the server is too slow', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const c = new PolarisAdmin({ uri: `http://127.0.0.1:${(server.address() as { port: number }).port}`, timeoutMs: 200, retry: { retries: 0 } });
      expect(await codeOf(c.listCatalogs())).toBe('TIMEOUT');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('never lets a secret reach an error message or context', async () => {
    await admin.createPrincipal({ name: 'dave' });
    const chosen = 'super-secret-value-42';
    // A server that echoes the request body into its error message.
    fake.failNext(1, 400, JSON.stringify({ error: { message: `bad secret ${chosen}`, type: 'BadRequestException', code: 400 } }));
    const e = await admin.resetCredentials('dave', { clientSecret: new Secret(chosen) }).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    const text = `${(e as Error).message} ${JSON.stringify(e)} ${JSON.stringify((e as { context: unknown }).context)}`;
    expect(text).not.toContain(chosen);
    expect(text).toContain('[REDACTED]');
    const token = fake.token;
    const errs = await Promise.all([admin.getCatalog('nope').catch((x: unknown) => x), new PolarisAdmin({ uri: fake.uri, auth: staticAuth(`${token}x`) }).listCatalogs().catch((x: unknown) => x)]);
    for (const err of errs) expect(`${(err as Error).message} ${JSON.stringify(err)}`).not.toContain(token);
  });

  it('refuses a uri that is not a URL', () => {
    expect(() => new PolarisAdmin({ uri: 'not a url' })).toThrow(/not a URL/);
  });
});

describe('the fake Polaris itself', () => {
  it('catches a request that breaks the spec (so a clean run means something)', async () => {
    const res = await fetch(`${fake.uri}/api/management/v1/catalogs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ catalog: { type: 'INTERNAL', name: 'x', properties: { 'default-base-location': 's3://x/' }, storageConfigInfo: { storageType: 'S3', role_arn: 'typo' } } }),
    });
    expect(res.status).toBe(400);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toContain('role_arn');
    fake.violations.length = 0;
  });
});

describe('PolarisAdmin with the REST catalog\'s OAuth2 client-credentials provider', () => {
  it('authenticates as root, and a principal it creates can use its once-shown credentials', async () => {
    const tokenEndpoint = `${fake.uri}/api/catalog/v1/oauth/tokens`;
    const root = make({ auth: new OAuth2ClientCredentials({ tokenEndpoint, clientId: fake.root.clientId, clientSecret: new Secret(fake.root.clientSecret), scope: 'PRINCIPAL_ROLE:ALL' }) });
    const report = await root.bootstrap({ environments: [{ catalog: 'dev', baseLocation: 's3://dev/', storage: s3 }] });
    expect(report.created.length).toBeGreaterThan(0);
    const etl = await root.createPrincipal({ name: 'etl' });
    await root.assignPrincipalRole('etl', 'data_engineer');
    const asEtl = make({ auth: new OAuth2ClientCredentials({ tokenEndpoint, clientId: etl.credentials.clientId, clientSecret: etl.credentials.clientSecret, scope: 'PRINCIPAL_ROLE:data_engineer' }) });
    expect((await asEtl.getCatalog('dev')).name).toBe('dev');
    expect([...fake.tokens.values()]).toContain('etl');
    // After a rotation the old secret no longer gets a token.
    await root.rotateCredentials('etl');
    const stale = make({ auth: new OAuth2ClientCredentials({ tokenEndpoint, clientId: etl.credentials.clientId, clientSecret: etl.credentials.clientSecret, scope: 'PRINCIPAL_ROLE:ALL' }) });
    const e = await stale.listCatalogs().catch((x: unknown) => x);
    expect(isLakeError(e, 'AUTH')).toBe(true);
    expect(`${(e as Error).message} ${JSON.stringify(e)}`).not.toContain(etl.credentials.clientSecret.reveal());
  });
});
