/**
 * zod schemas for the Polaris management API's responses (the `components`
 * of `polaris-management-service.yml`), and the plain types lakekit hands out.
 * Unknown fields are dropped; missing required fields are a `RestError`.
 *
 * @module
 */
import { z } from 'zod';
import { Secret } from '../../secret.js';
import { CATALOG_PRIVILEGES, NAMESPACE_PRIVILEGES, POLICY_PRIVILEGES, TABLE_PRIVILEGES, VIEW_PRIVILEGES } from './privileges.js';

const timestamp = z.number().int();
const stringMap = z.record(z.string(), z.string());

const storageBase = {
  allowedLocations: z.array(z.string()).optional(),
  storageName: z.string().optional(),
};

/** `AwsStorageConfigInfo`: S3 storage with the IAM role Polaris assumes to vend credentials. */
export const S3StorageConfigSchema = z.object({
  storageType: z.literal('S3'),
  ...storageBase,
  roleArn: z.string().optional(),
  externalId: z.string().optional(),
  userArn: z.string().optional(),
  currentKmsKey: z.string().optional(),
  allowedKmsKeys: z.array(z.string()).optional(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  stsEndpoint: z.string().optional(),
  stsUnavailable: z.boolean().optional(),
  endpointInternal: z.string().optional(),
  pathStyleAccess: z.boolean().optional(),
  kmsUnavailable: z.boolean().optional(),
});

/** `FileStorageConfigInfo` (local files; Polaris supports it for testing only). */
export const FileStorageConfigSchema = z.object({ storageType: z.literal('FILE'), ...storageBase });

/** `GcpStorageConfigInfo`. */
export const GcsStorageConfigSchema = z.object({ storageType: z.literal('GCS'), ...storageBase, gcsServiceAccount: z.string().optional() });

/** `AzureStorageConfigInfo`. */
export const AzureStorageConfigSchema = z.object({
  storageType: z.literal('AZURE'),
  ...storageBase,
  tenantId: z.string(),
  multiTenantAppName: z.string().optional(),
  consentUrl: z.string().optional(),
  hierarchical: z.boolean().optional(),
});

/** `StorageConfigInfo`, discriminated by `storageType`. */
export const StorageConfigSchema = z.discriminatedUnion('storageType', [S3StorageConfigSchema, FileStorageConfigSchema, GcsStorageConfigSchema, AzureStorageConfigSchema]);

/** Where a catalog's files may live and how Polaris reaches them. */
export type StorageConfig = z.infer<typeof StorageConfigSchema>;
/** S3 storage for a catalog. */
export type S3StorageConfig = z.infer<typeof S3StorageConfigSchema>;
/** Local-file storage for a catalog (testing only, per Polaris). */
export type FileStorageConfig = z.infer<typeof FileStorageConfigSchema>;

/** `AuthenticationParameters` as the server returns them (secrets are input-only and never come back). */
export const AuthenticationParametersSchema = z.discriminatedUnion('authenticationType', [
  z.object({ authenticationType: z.literal('OAUTH'), tokenUri: z.string().optional(), clientId: z.string().optional(), scopes: z.array(z.string()).optional() }),
  z.object({ authenticationType: z.literal('BEARER') }),
  z.object({
    authenticationType: z.literal('SIGV4'),
    roleArn: z.string(),
    signingRegion: z.string(),
    roleSessionName: z.string().optional(),
    externalId: z.string().optional(),
    signingName: z.string().optional(),
    sessionPolicy: z.string().optional(),
  }),
  z.object({ authenticationType: z.literal('IMPLICIT') }),
  z.object({ authenticationType: z.literal('GCP') }),
]);

/** `ConnectionConfigInfo` of an external catalog (experimental in Polaris). */
export const ConnectionConfigSchema = z.object({
  connectionType: z.enum(['ICEBERG_REST', 'HADOOP', 'HIVE', 'BIGQUERY']),
  uri: z.string().optional(),
  authenticationParameters: AuthenticationParametersSchema.optional(),
  serviceIdentity: z.object({ identityType: z.literal('AWS_IAM'), iamArn: z.string() }).optional(),
  properties: stringMap.optional(),
  remoteCatalogName: z.string().optional(),
  warehouse: z.string().optional(),
});

/** How an external catalog reaches its remote service, as the server reports it. */
export type ConnectionConfig = z.infer<typeof ConnectionConfigSchema>;

/** `Catalog` (internal `PolarisCatalog` or `ExternalCatalog`). */
export const CatalogSchema = z.object({
  type: z.enum(['INTERNAL', 'EXTERNAL']),
  name: z.string().min(1).max(256),
  properties: z.object({ 'default-base-location': z.string() }).catchall(z.string()),
  createTimestamp: timestamp.optional(),
  lastUpdateTimestamp: timestamp.optional(),
  entityVersion: z.number().int().optional(),
  storageConfigInfo: StorageConfigSchema,
  connectionConfigInfo: ConnectionConfigSchema.optional(),
});

/** A Polaris catalog. */
export type PolarisCatalog = z.infer<typeof CatalogSchema>;

/** `Catalogs`. */
export const CatalogsSchema = z.object({ catalogs: z.array(CatalogSchema) });

/** `Principal`. */
export const PrincipalSchema = z.object({
  name: z.string().min(1).max(256),
  clientId: z.string().optional(),
  properties: stringMap.optional(),
  createTimestamp: timestamp.optional(),
  lastUpdateTimestamp: timestamp.optional(),
  entityVersion: z.number().int().optional(),
});

/** A Polaris principal (a user or service identity). */
export type Principal = z.infer<typeof PrincipalSchema>;

/** `Principals`. */
export const PrincipalsSchema = z.object({ principals: z.array(PrincipalSchema) });

/**
 * `PrincipalWithCredentials`. The spec marks both credential fields optional;
 * the client refuses a response without them (see {@link PrincipalWithCredentials}).
 * The secret is wrapped as a {@link Secret} while parsing, so it never exists
 * as a plain string in a parsed object.
 */
export const PrincipalWithCredentialsSchema = z.object({
  principal: PrincipalSchema,
  credentials: z.object({
    clientId: z.string().optional(),
    clientSecret: z
      .string()
      .optional()
      .transform((s) => (s === undefined ? undefined : new Secret(s))),
  }),
});

/** A principal with the OAuth2 client credentials Polaris returned once (on create, rotate or reset). */
export interface PrincipalWithCredentials {
  principal: Principal;
  credentials: { clientId: string; clientSecret: Secret<string> };
}

/** `PrincipalRole`. */
export const PrincipalRoleSchema = z.object({
  name: z.string().min(1).max(256),
  federated: z.boolean().optional(),
  properties: stringMap.optional(),
  createTimestamp: timestamp.optional(),
  lastUpdateTimestamp: timestamp.optional(),
  entityVersion: z.number().int().optional(),
});

/** A realm-wide role that principals hold and catalog roles are assigned to. */
export type PrincipalRole = z.infer<typeof PrincipalRoleSchema>;

/** `PrincipalRoles`. */
export const PrincipalRolesSchema = z.object({ roles: z.array(PrincipalRoleSchema) });

/** `CatalogRole`. */
export const CatalogRoleSchema = z.object({
  name: z.string().min(1).max(256),
  properties: stringMap.optional(),
  createTimestamp: timestamp.optional(),
  lastUpdateTimestamp: timestamp.optional(),
  entityVersion: z.number().int().optional(),
});

/** A role inside one catalog; grants are given to catalog roles. */
export type CatalogRole = z.infer<typeof CatalogRoleSchema>;

/** `CatalogRoles`. */
export const CatalogRolesSchema = z.object({ roles: z.array(CatalogRoleSchema) });

const namespaceLevels = z.array(z.string());

/** `GrantResource`, discriminated by `type` into the spec's five grant kinds. */
export const GrantSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('catalog'), privilege: z.enum(CATALOG_PRIVILEGES) }),
  z.object({ type: z.literal('namespace'), namespace: namespaceLevels, privilege: z.enum(NAMESPACE_PRIVILEGES) }),
  z.object({ type: z.literal('table'), namespace: namespaceLevels, tableName: z.string().min(1).max(256), privilege: z.enum(TABLE_PRIVILEGES) }),
  z.object({ type: z.literal('view'), namespace: namespaceLevels, viewName: z.string().min(1).max(256), privilege: z.enum(VIEW_PRIVILEGES) }),
  z.object({ type: z.literal('policy'), namespace: namespaceLevels, policyName: z.string(), privilege: z.enum(POLICY_PRIVILEGES) }),
]);

/** A privilege on a catalog, namespace, table, view or policy, as granted to a catalog role. */
export type Grant = z.infer<typeof GrantSchema>;
/** A grant on a whole catalog. */
export type CatalogGrant = Extract<Grant, { type: 'catalog' }>;
/** A grant on a namespace (and what it holds). */
export type NamespaceGrant = Extract<Grant, { type: 'namespace' }>;
/** A grant on one table. */
export type TableGrant = Extract<Grant, { type: 'table' }>;
/** A grant on one view. */
export type ViewGrant = Extract<Grant, { type: 'view' }>;
/** A grant on one policy. */
export type PolicyGrant = Extract<Grant, { type: 'policy' }>;

/** `GrantResources`. */
export const GrantsSchema = z.object({ grants: z.array(GrantSchema) });

/**
 * A stable key for a grant: equal grants (same kind, securable and privilege)
 * have equal keys whatever their field order. Used to diff grant lists.
 */
export function grantKey(g: Grant): string {
  switch (g.type) {
    case 'catalog':
      return JSON.stringify(['catalog', g.privilege]);
    case 'namespace':
      return JSON.stringify(['namespace', g.namespace, g.privilege]);
    case 'table':
      return JSON.stringify(['table', g.namespace, g.tableName, g.privilege]);
    case 'view':
      return JSON.stringify(['view', g.namespace, g.viewName, g.privilege]);
    case 'policy':
      return JSON.stringify(['policy', g.namespace, g.policyName, g.privilege]);
  }
}
