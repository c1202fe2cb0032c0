/**
 * lakekit's Polaris types against the management OpenAPI spec: privilege unions equal the
 * spec's enums, every response schema's instances (from the spec's examples and random valid
 * instances) parse with lakekit's zod schemas, and grants round-trip through JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  CatalogRoleSchema,
  CatalogRolesSchema,
  CatalogSchema,
  CatalogsSchema,
  GrantSchema,
  GrantsSchema,
  PrincipalRoleSchema,
  PrincipalRolesSchema,
  PrincipalSchema,
  PrincipalWithCredentialsSchema,
  PrincipalsSchema,
  grantKey,
  type Grant,
} from '../../../../src/catalog/polaris/schemas.js';
import { CATALOG_PRIVILEGES, NAMESPACE_PRIVILEGES, POLICY_PRIVILEGES, TABLE_PRIVILEGES, VIEW_PRIVILEGES } from '../../../../src/catalog/polaris/privileges.js';
import { isSecret } from '../../../../src/secret.js';
import { loadSpec, operations, specValidator } from './spec.js';
import { arbitraryOf, exampleInstances } from './spec-instances.js';

const spec = loadSpec();
const components = (spec.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
const { component } = specValidator();

/** lakekit's zod schema for each response schema the spec's operations use. */
const ZOD: Record<string, z.ZodType> = {
  Catalogs: CatalogsSchema,
  Catalog: CatalogSchema,
  Principals: PrincipalsSchema,
  Principal: PrincipalSchema,
  PrincipalWithCredentials: PrincipalWithCredentialsSchema,
  PrincipalRoles: PrincipalRolesSchema,
  PrincipalRole: PrincipalRoleSchema,
  CatalogRoles: CatalogRolesSchema,
  CatalogRole: CatalogRoleSchema,
  GrantResources: GrantsSchema,
};

const responseSchemas = [
  ...new Set(
    operations()
      .flatMap((o) => Object.values(o.responses))
      .filter((s): s is Record<string, unknown> => s !== undefined)
      .map((s) => (s.$ref as string).replace('#/components/schemas/', '')),
  ),
].sort();

describe('Polaris spec conformance', () => {
  it('privilege unions are exactly the spec enums', () => {
    expect([...TABLE_PRIVILEGES]).toEqual(components.TablePrivilege!.enum);
    expect([...VIEW_PRIVILEGES]).toEqual(components.ViewPrivilege!.enum);
    expect([...POLICY_PRIVILEGES]).toEqual(components.PolicyPrivilege!.enum);
    expect([...NAMESPACE_PRIVILEGES]).toEqual(components.NamespacePrivilege!.enum);
    expect([...CATALOG_PRIVILEGES]).toEqual(components.CatalogPrivilege!.enum);
  });

  it('has a zod schema for every response schema in the spec', () => {
    expect(responseSchemas).toEqual(Object.keys(ZOD).sort());
  });

  it.each(responseSchemas)('example instances of %s (from the spec) are spec-valid and parse with zod', (name) => {
    const instances = exampleInstances({ $ref: `#/components/schemas/${name}` });
    expect(instances.length).toBeGreaterThan(0);
    const valid = component(name);
    for (const instance of instances) {
      expect(valid(instance), JSON.stringify(valid.errors)).toBe(true);
      const parsed = ZOD[name]!.safeParse(instance);
      expect(parsed.success, `${JSON.stringify(instance)}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it.each(responseSchemas)('random spec-valid %s parse with zod', (name) => {
    const valid = component(name);
    fc.assert(
      fc.property(arbitraryOf({ $ref: `#/components/schemas/${name}` }), (instance) => {
        expect(valid(instance), `generator made an invalid instance: ${JSON.stringify(valid.errors)}`).toBe(true);
        const parsed = ZOD[name]!.safeParse(instance);
        expect(parsed.success, parsed.error?.message).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the storage configuration and the catalog kind of the spec examples', () => {
    const [s3] = exampleInstances({ $ref: '#/components/schemas/Catalog' }).filter((c) => (c as { storageConfigInfo: { storageType: string } }).storageConfigInfo.storageType === 'S3');
    const parsed = CatalogSchema.parse(s3);
    expect(parsed.storageConfigInfo).toMatchObject({ storageType: 'S3', roleArn: 'arn:aws:iam::123456789001:principal/abc1-b-self1234', region: 'us-east-2' });
  });

  it('wraps a returned client secret as a Secret while parsing', () => {
    const [withCreds] = exampleInstances({ $ref: '#/components/schemas/PrincipalWithCredentials' });
    const parsed = PrincipalWithCredentialsSchema.parse(withCreds);
    expect(isSecret(parsed.credentials.clientSecret)).toBe(true);
    expect(JSON.stringify(parsed)).not.toContain('example-secret-value');
    expect(parsed.credentials.clientSecret!.reveal()).toBe('example-secret-value');
  });

  it('the createPrincipal request example in the spec is valid', () => {
    const example = ((spec.paths as Record<string, Record<string, { requestBody: { content: Record<string, { example: unknown }> } }>>)['/principals']!.post!.requestBody.content['application/json']!.example);
    expect(component('CreatePrincipalRequest')(example)).toBe(true);
  });

  const grantArb = arbitraryOf({ $ref: '#/components/schemas/GrantResource' }) as fc.Arbitrary<Grant>;

  it('grants round-trip through JSON, and grantKey ignores field order', () => {
    fc.assert(
      fc.property(grantArb, (g) => {
        const back = GrantSchema.parse(JSON.parse(JSON.stringify(g)));
        expect(back).toEqual(g);
        const reordered = Object.fromEntries(Object.entries(g).reverse()) as Grant;
        expect(grantKey(reordered)).toBe(grantKey(g));
        expect(component('AddGrantRequest')({ grant: back })).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('grantKey tells different grants apart', () => {
    fc.assert(
      fc.property(grantArb, grantArb, (a, b) => {
        const same = JSON.stringify(GrantSchema.parse(a), Object.keys(a).sort()) === JSON.stringify(GrantSchema.parse(b), Object.keys(b).sort()) && Object.keys(a).length === Object.keys(b).length;
        expect(grantKey(a) === grantKey(b)).toBe(same);
      }),
      { numRuns: 300 },
    );
  });

  it('the spec validator rejects what the spec forbids (so the fake server can catch lakekit)', () => {
    const req = component('CreateCatalogRequest');
    const ok = { catalog: { type: 'INTERNAL', name: 'dev', properties: { 'default-base-location': 's3://b/' }, storageConfigInfo: { storageType: 'S3', roleArn: 'arn:aws:iam::1:role/r' } } };
    expect(req(ok), JSON.stringify(req.errors)).toBe(true);
    expect(req({ catalog: { ...ok.catalog, storageConfigInfo: { storageType: 'S3', roleARN: 'typo' } } })).toBe(false);
    expect(req({ catalog: { ...ok.catalog, storageConfigInfo: { storageType: 'NFS' } } })).toBe(false);
    expect(req({ catalog: { ...ok.catalog, properties: {} } })).toBe(false);
    expect(req({ catalog: { ...ok.catalog, name: 'system$' } })).toBe(false);
    expect(req({ catalog: { ...ok.catalog, storageConfigInfo: { storageType: 'AZURE' } } })).toBe(false); // tenantId required
    expect(req({ catalog: { ...ok.catalog, connectionConfigInfo: { connectionType: 'ICEBERG_REST' } } })).toBe(false); // INTERNAL has no connection
    expect(req({ catalog: { ...ok.catalog, type: 'EXTERNAL', connectionConfigInfo: { connectionType: 'ICEBERG_REST', remoteCatalogName: 'x' } } })).toBe(true);
    const grant = component('AddGrantRequest');
    expect(grant({ grant: { type: 'table', namespace: ['gold'], tableName: 't', privilege: 'TABLE_READ_DATA' } })).toBe(true);
    expect(grant({ grant: { type: 'table', namespace: ['gold'], tableName: 't', privilege: 'NAMESPACE_CREATE' } })).toBe(false);
    expect(grant({ grant: { type: 'namespace', privilege: 'TABLE_READ_DATA' } })).toBe(false);
    expect(grant({ grant: { type: 'catalog', privilege: 'TABLE_READ_DATA', tableName: 'x' } })).toBe(false);
  });
});
