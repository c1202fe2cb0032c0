/**
 * The Apache Polaris management API: catalogs, principals and credentials,
 * principal and catalog roles, and grants with typed privilege names — plus
 * {@link PolarisAdmin.bootstrap}, which sets up DataX's layout in one
 * idempotent call. Exported from `lakekit/catalog`.
 *
 * @example
 * ```typescript
 * import { PolarisAdmin } from 'lakekit/catalog';
 * const admin = new PolarisAdmin({ uri: 'https://polaris.datax.internal', auth, headers: { 'Polaris-Realm': 'datax' } });
 * const report = await admin.bootstrap({
 *   environments: [{ catalog: 'datax_prod', baseLocation: 's3://datax-prod-lake/', storage: { storageType: 'S3', roleArn, allowedLocations: ['s3://datax-prod-lake/'] } }],
 * });
 * console.log(report.created);
 * ```
 *
 * @module
 */
export {
  PolarisAdmin,
  DEFAULT_MANAGEMENT_PATH,
  DEFAULT_CATALOG_PATH,
  type PolarisAdminOptions,
  type CreateCatalogInput,
  type UpdateCatalogInput,
  type CreatePrincipalInput,
  type EntityUpdate,
  type ConnectionInput,
  type ConnectionAuthInput,
} from './admin.js';
export { DEFAULT_POLARIS_TIMEOUT_MS, type PolarisHttpOptions } from './http.js';
export {
  DATAX_ZONES,
  DATAX_ROLES,
  DEFAULT_ANALYST_ZONES,
  dataxGrantMatrix,
  planBootstrap,
  describeStep,
  type DataxRole,
  type EnvironmentLayout,
  type BootstrapOptions,
  type BootstrapStep,
  type BootstrapReport,
} from './bootstrap.js';
export {
  grantKey,
  type Grant,
  type CatalogGrant,
  type NamespaceGrant,
  type TableGrant,
  type ViewGrant,
  type PolicyGrant,
  type PolarisCatalog,
  type StorageConfig,
  type S3StorageConfig,
  type FileStorageConfig,
  type ConnectionConfig,
  type Principal,
  type PrincipalWithCredentials,
  type PrincipalRole,
  type CatalogRole,
} from './schemas.js';
export {
  TABLE_PRIVILEGES,
  VIEW_PRIVILEGES,
  POLICY_PRIVILEGES,
  NAMESPACE_PRIVILEGES,
  CATALOG_PRIVILEGES,
  type TablePrivilege,
  type ViewPrivilege,
  type PolicyPrivilege,
  type NamespacePrivilege,
  type CatalogPrivilege,
} from './privileges.js';
