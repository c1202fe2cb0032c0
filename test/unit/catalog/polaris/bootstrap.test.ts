/**
 * PolarisAdmin.bootstrap against the spec-validating fake Polaris: the DataX layout is created
 * once, a re-run changes nothing and says what it found, and the grants are least privilege.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolarisAdmin } from '../../../../src/catalog/polaris/admin.js';
import { DATAX_ROLES, dataxGrantMatrix, planBootstrap, type BootstrapOptions } from '../../../../src/catalog/polaris/bootstrap.js';
import { grantKey, type Grant } from '../../../../src/catalog/polaris/schemas.js';
import { codeOf } from '../../../helpers/errors.js';
import { startFakePolaris, type FakePolaris } from './fake-polaris.js';

let fake: FakePolaris;
let admin: PolarisAdmin;
beforeEach(async () => {
  fake = await startFakePolaris();
  admin = new PolarisAdmin({ uri: fake.uri, auth: { authorize: async () => ({ authorization: `Bearer ${fake.token}` }) }, retry: { sleep: async () => undefined } });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const env = (name: string) => ({
  catalog: `datax_${name}`,
  baseLocation: `s3://datax-${name}-lake/warehouse/`,
  storage: { storageType: 'S3' as const, roleArn: `arn:aws:iam::123456789012:role/polaris-${name}`, allowedLocations: [`s3://datax-${name}-lake/`], region: 'eu-west-1' },
});
const layout: BootstrapOptions = { environments: [env('dev'), env('prod')] };

const privileges = (gs: readonly Grant[], filter: (g: Grant) => boolean) => gs.filter(filter).map((g) => g.privilege);

describe('PolarisAdmin.bootstrap', () => {
  it('creates the DataX layout once; a re-run changes nothing and reports what it found', async () => {
    const first = await admin.bootstrap(layout);
    expect(first.warnings).toEqual([]);
    expect(first.found).toEqual([]);
    expect(first.created).toContain('catalog datax_dev');
    expect(first.created).toContain('namespace datax_prod.gold');
    expect(first.created).toContain('principal role analyst');
    expect(first.created).toContain('catalog role datax_prod/auditor assigned to principal role auditor');
    expect(first.created).toContain('grant TABLE_READ_DATA on namespace gold to datax_prod/analyst');
    expect(first.created).toHaveLength(planBootstrap(layout).length);

    const writes = fake.writes.length;
    const second = await admin.bootstrap(layout);
    expect(fake.writes.length).toBe(writes); // no mutating request at all
    expect(second.created).toEqual([]);
    expect(second.warnings).toEqual([]);
    expect([...second.found].sort()).toEqual([...first.created].sort());

    // The server's state is the plan.
    for (const e of ['datax_dev', 'datax_prod']) {
      expect(fake.state.catalogs.get(e)?.storageConfigInfo).toMatchObject({ storageType: 'S3', roleArn: `arn:aws:iam::123456789012:role/polaris-${e.slice(6)}` });
      expect([...fake.state.namespaces.get(e)!.keys()]).toEqual(['bronze', 'silver', 'gold']);
      for (const role of DATAX_ROLES) {
        const held = (await admin.listGrants(e, role)).map(grantKey).sort();
        expect(held).toEqual(dataxGrantMatrix()[role].map(grantKey).sort());
        expect((await admin.listCatalogRolesForPrincipalRole(role, e)).map((r) => r.name)).toEqual([role]);
      }
    }
  });

  it('fills in what is missing and leaves what it finds alone, warning about drift', async () => {
    await admin.createCatalog({ name: 'datax_dev', defaultBaseLocation: 's3://somewhere-else/', storage: env('dev').storage });
    await admin.createPrincipalRole('analyst');
    await admin.createCatalogRole('datax_dev', 'analyst');
    await admin.grant('datax_dev', 'analyst', { type: 'namespace', namespace: ['bronze'], privilege: 'TABLE_READ_DATA' });
    const report = await admin.bootstrap({ environments: [env('dev')] });
    expect(report.found).toEqual(['principal role analyst', 'catalog datax_dev', 'catalog role datax_dev/analyst']);
    expect(report.warnings).toEqual([
      'catalog datax_dev has default-base-location s3://somewhere-else/, not s3://datax-dev-lake/warehouse/; left unchanged',
      'datax_dev/analyst also holds grant TABLE_READ_DATA on namespace bronze (not in the matrix; left in place)',
    ]);
    expect(fake.state.catalogs.get('datax_dev')!.properties).toEqual({ 'default-base-location': 's3://somewhere-else/' });
    const again = await admin.bootstrap({ environments: [env('dev')] });
    expect(again.created).toEqual([]);
  });

  it('counts a create that lost a race (409) as found', async () => {
    // Another admin creates the principal role between our list and our create.
    const plan = planBootstrap(layout).length;
    const racing = new PolarisAdmin({
      uri: fake.uri,
      auth: { authorize: async () => ({ authorization: `Bearer ${fake.token}` }) },
      fetch: async (input, init) => {
        if (init?.method === 'POST' && String(input).endsWith('/principal-roles') && !fake.state.principalRoles.has('data_engineer')) {
          await admin.createPrincipalRole('data_engineer');
        }
        return fetch(input, init);
      },
    });
    const report = await racing.bootstrap(layout);
    expect(report.found).toEqual(['principal role data_engineer']);
    expect(report.created).toHaveLength(plan - 1);
  });

  it('lets analysts read silver too when asked, and refuses zones it does not create', async () => {
    const report = await admin.bootstrap({ environments: [env('dev')], analystZones: ['silver', 'gold'] });
    expect(report.created).toContain('grant TABLE_READ_DATA on namespace silver to datax_dev/analyst');
    expect(await codeOf(admin.bootstrap({ environments: [env('dev')], analystZones: ['platinum'] }))).toBe('VALIDATION');
    expect(await codeOf(admin.bootstrap({ environments: [] }))).toBe('VALIDATION');
    expect(await codeOf(admin.bootstrap({ environments: [env('dev'), env('dev')] }))).toBe('VALIDATION');
  });

  it('works with FILE storage (local Polaris for development)', async () => {
    const report = await admin.bootstrap({ environments: [{ catalog: 'local', baseLocation: 'file:///tmp/wh/', storage: { storageType: 'FILE', allowedLocations: ['file:///tmp/wh/'] } }] });
    expect(report.created).toContain('catalog local');
  });
});

describe('the DataX grant matrix', () => {
  const zoneArb = fc.uniqueArray(fc.constantFrom('bronze', 'silver', 'gold', 'platinum', 'sandbox'), { minLength: 1 });

  it('is least privilege for any zones: no drops, no access management, auditors and analysts never write', () => {
    fc.assert(
      fc.property(zoneArb, fc.integer({ min: 0, max: 5 }), (zones, k) => {
        const analystZones = zones.slice(0, Math.min(k, zones.length));
        const m = dataxGrantMatrix(zones, analystZones);
        const all = Object.values(m).flat();
        expect(all.filter((g) => /DROP|MANAGE|WRITE_PROPERTIES$/.test(g.privilege) && !/^(TABLE|VIEW)_WRITE_PROPERTIES$/.test(g.privilege))).toEqual([]);
        expect(privileges(m.auditor, (g) => /WRITE|CREATE|DROP|READ_DATA/.test(g.privilege))).toEqual([]);
        expect(privileges(m.analyst, (g) => /WRITE|CREATE|DROP/.test(g.privilege))).toEqual([]);
        // Analysts read data exactly in their zones; engineers write in every zone.
        const readZones = m.analyst.filter((g) => g.privilege === 'TABLE_READ_DATA').map((g) => (g as { namespace: string[] }).namespace[0]);
        expect(readZones).toEqual(analystZones);
        const writeZones = m.data_engineer.filter((g) => g.privilege === 'TABLE_WRITE_DATA').map((g) => (g as { namespace: string[] }).namespace[0]);
        expect(writeZones).toEqual(zones);
        // No data privilege is ever granted catalog-wide.
        expect(all.filter((g) => g.type === 'catalog' && /DATA/.test(g.privilege))).toEqual([]);
        // Every grant is unique within its role.
        for (const gs of Object.values(m)) expect(new Set(gs.map(grantKey)).size).toBe(gs.length);
      }),
    );
  });
});
