/**
 * The Polaris management API client: catalogs, principals and their
 * credentials, principal roles, catalog roles, role assignments and grants.
 *
 * @module
 */
import { z } from 'zod';
import { RestError, ValidationError } from '../../errors.js';
import { printable } from '../../internal/uri.js';
import type { Secret } from '../../secret.js';
import { bootstrapPolaris, type BootstrapOptions, type BootstrapReport } from './bootstrap.js';
import { PolarisHttp, type CallSpec, type PolarisHttpOptions } from './http.js';
import {
  CatalogRoleSchema,
  CatalogRolesSchema,
  CatalogSchema,
  CatalogsSchema,
  GrantsSchema,
  PrincipalRoleSchema,
  PrincipalRolesSchema,
  PrincipalSchema,
  PrincipalWithCredentialsSchema,
  PrincipalsSchema,
  type CatalogRole,
  type Grant,
  type PolarisCatalog,
  type Principal,
  type PrincipalRole,
  type PrincipalWithCredentials,
  type StorageConfig,
} from './schemas.js';

/** Default path of the management API under the server root. */
export const DEFAULT_MANAGEMENT_PATH = '/api/management/v1';
/** Default path of the Iceberg REST API under the server root. */
export const DEFAULT_CATALOG_PATH = '/api/catalog';

/** Options for {@link PolarisAdmin}. */
export interface PolarisAdminOptions extends PolarisHttpOptions {
  /** The Polaris server root, e.g. `https://polaris.datax.internal`. */
  uri: string;
  /** @default DEFAULT_MANAGEMENT_PATH */
  managementPath?: string;
  /** Where the Iceberg REST API lives (used by {@link PolarisAdmin.bootstrap} to create namespaces). @default DEFAULT_CATALOG_PATH */
  catalogPath?: string;
}

/** Authentication parameters for an external catalog's connection; secrets are {@link Secret}s. */
export type ConnectionAuthInput =
  | { authenticationType: 'OAUTH'; tokenUri?: string; clientId?: string; clientSecret?: Secret<string>; scopes?: string[] }
  | { authenticationType: 'BEARER'; bearerToken: Secret<string> }
  | { authenticationType: 'SIGV4'; roleArn: string; signingRegion: string; roleSessionName?: string; externalId?: string; signingName?: string; sessionPolicy?: string }
  | { authenticationType: 'IMPLICIT' }
  | { authenticationType: 'GCP' };

/** How an external catalog reaches the remote catalog service. */
export interface ConnectionInput {
  connectionType: 'ICEBERG_REST' | 'HADOOP' | 'HIVE' | 'BIGQUERY';
  uri?: string;
  authenticationParameters?: ConnectionAuthInput;
  properties?: Record<string, string>;
  /** ICEBERG_REST: the remote catalog (warehouse) name. */
  remoteCatalogName?: string;
  /** HADOOP / HIVE: the warehouse location. */
  warehouse?: string;
}

/** What {@link PolarisAdmin.createCatalog} needs. */
export interface CreateCatalogInput {
  name: string;
  /** @default 'INTERNAL' */
  type?: 'INTERNAL' | 'EXTERNAL';
  /** Where new tables go unless they name a location, e.g. `s3://datax-prod-lake/`. */
  defaultBaseLocation: string;
  /** Further catalog properties. */
  properties?: Readonly<Record<string, string>>;
  storage: StorageConfig;
  /** For an EXTERNAL catalog: the remote service (experimental in Polaris). */
  connection?: ConnectionInput;
}

/** An update guarded by the entity version read before it. */
export interface EntityUpdate {
  /** The `entityVersion` the update applies to; a changed entity gives `CommitConflictError`. */
  currentEntityVersion: number;
  properties: Readonly<Record<string, string>>;
}

/** What {@link PolarisAdmin.updateCatalog} changes (omitted fields stay). */
export interface UpdateCatalogInput {
  currentEntityVersion?: number;
  /** Replaces the catalog's properties. */
  properties?: Readonly<Record<string, string>>;
  storage?: StorageConfig;
}

/** What {@link PolarisAdmin.createPrincipal} needs. */
export interface CreatePrincipalInput {
  name: string;
  properties?: Readonly<Record<string, string>>;
  /** When true, the first credentials can only call `rotateCredentials`. @default false */
  credentialRotationRequired?: boolean;
}

const NAME_RULE = /^(?!\s*[sS][yY][sS][tT][eE][mM]\$).*$/;

function checkEntityName(name: string, what: string): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 256 || !NAME_RULE.test(name)) {
    throw new ValidationError(`${what} name '${printable(String(name))}' is not valid in Polaris: use 1 to 256 characters, not 'system$'`);
  }
  return encodeURIComponent(name);
}

/**
 * A client of the Polaris management API (`/api/management/v1`).
 *
 * Every method maps errors to lakekit's hierarchy: `NotFoundError` (404),
 * `AlreadyExistsError` (409 on create), `CommitConflictError` (409 on an
 * update whose entity version moved), `AuthError` (401/403), `ValidationError`
 * (400) and `RestError` (5xx, retryable). Reads, deletes and grant/assign calls
 * are retried with backoff on 429/502/503/504; creates, rotations and resets
 * are never re-sent.
 *
 * @example
 * ```typescript
 * const admin = new PolarisAdmin({ uri: 'https://polaris.datax.internal', auth, headers: { 'Polaris-Realm': 'datax' } });
 * const alice = await admin.createPrincipal({ name: 'alice' });
 * store(alice.credentials.clientId, alice.credentials.clientSecret.reveal()); // shown once
 * await admin.assignPrincipalRole('alice', 'analyst');
 * ```
 */
export class PolarisAdmin {
  readonly #http: PolarisHttp;
  readonly #base: string;
  /** The options this client was built with (the bootstrap reuses them for Iceberg REST calls). */
  readonly options: PolarisAdminOptions;

  constructor(options: PolarisAdminOptions) {
    let root: URL;
    try {
      root = new URL(options.uri);
    } catch (cause) {
      throw new ValidationError(`Polaris uri '${printable(String(options.uri))}' is not a URL; pass the server root, e.g. https://polaris.example.com`, { cause });
    }
    this.options = options;
    this.#http = new PolarisHttp(options);
    this.#base = `${root.href.replace(/\/+$/, '')}${options.managementPath ?? DEFAULT_MANAGEMENT_PATH}`;
  }

  #url(path: string, query?: Record<string, string>): URL {
    const url = new URL(`${this.#base}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  #call<T>(spec: Omit<CallSpec<T>, 'url'> & { path: string; query?: Record<string, string> }): Promise<T> {
    return this.#http.call({ ...spec, url: this.#url(spec.path, spec.query) });
  }

  // ---- catalogs -------------------------------------------------------------

  /** Every catalog the caller may see. */
  async listCatalogs(): Promise<PolarisCatalog[]> {
    return (await this.#call({ method: 'GET', path: '/catalogs', what: 'list catalogs', schema: CatalogsSchema, idempotent: true })).catalogs;
  }

  /** Create an internal or external catalog. */
  async createCatalog(input: CreateCatalogInput): Promise<PolarisCatalog> {
    checkEntityName(input.name, 'catalog');
    const type = input.type ?? 'INTERNAL';
    if (input.connection !== undefined && type !== 'EXTERNAL') throw new ValidationError(`catalog ${input.name} has a connection; only EXTERNAL catalogs take one`);
    const auth = input.connection?.authenticationParameters;
    return this.#call({
      method: 'POST',
      path: '/catalogs',
      what: `create catalog ${input.name}`,
      body: {
        catalog: {
          type,
          name: input.name,
          properties: { ...input.properties, 'default-base-location': input.defaultBaseLocation },
          storageConfigInfo: input.storage,
          ...(input.connection === undefined ? {} : { connectionConfigInfo: input.connection }),
        },
      },
      schema: CatalogSchema,
      idempotent: false,
      secrets: auth === undefined ? [] : [(auth as { clientSecret?: Secret<string> }).clientSecret, (auth as { bearerToken?: Secret<string> }).bearerToken],
    });
  }

  /** One catalog. */
  async getCatalog(name: string): Promise<PolarisCatalog> {
    const n = checkEntityName(name, 'catalog');
    return this.#call({ method: 'GET', path: `/catalogs/${n}`, what: `get catalog ${name}`, schema: CatalogSchema, idempotent: true });
  }

  /** Change a catalog's properties or storage; with `currentEntityVersion`, only if nobody changed it since. */
  async updateCatalog(name: string, update: UpdateCatalogInput): Promise<PolarisCatalog> {
    const n = checkEntityName(name, 'catalog');
    const body: Record<string, unknown> = {};
    if (update.currentEntityVersion !== undefined) body.currentEntityVersion = update.currentEntityVersion;
    if (update.properties !== undefined) body.properties = update.properties;
    if (update.storage !== undefined) body.storageConfigInfo = update.storage;
    return this.#call({ method: 'PUT', path: `/catalogs/${n}`, what: `update catalog ${name}`, body, schema: CatalogSchema, idempotent: false, conflictIsVersion: true });
  }

  /** Delete an empty catalog. */
  async deleteCatalog(name: string): Promise<void> {
    const n = checkEntityName(name, 'catalog');
    return this.#call({ method: 'DELETE', path: `/catalogs/${n}`, what: `delete catalog ${name}`, idempotent: true });
  }

  // ---- principals -------------------------------------------------------------

  /** Every principal. */
  async listPrincipals(): Promise<Principal[]> {
    return (await this.#call({ method: 'GET', path: '/principals', what: 'list principals', schema: PrincipalsSchema, idempotent: true })).principals;
  }

  /**
   * Create a principal. The answer holds its OAuth2 client credentials — the
   * only time Polaris shows them (besides rotate and reset); store the secret
   * right away. It is a {@link Secret}, so it never prints by accident.
   */
  async createPrincipal(input: CreatePrincipalInput): Promise<PrincipalWithCredentials> {
    checkEntityName(input.name, 'principal');
    const body: Record<string, unknown> = { principal: { name: input.name, ...(input.properties === undefined ? {} : { properties: input.properties }) } };
    if (input.credentialRotationRequired !== undefined) body.credentialRotationRequired = input.credentialRotationRequired;
    const r = await this.#call({ method: 'POST', path: '/principals', what: `create principal ${input.name}`, body, schema: PrincipalWithCredentialsSchema, idempotent: false });
    return withCredentials(r, `create principal ${input.name}`);
  }

  /** One principal (without credentials). */
  async getPrincipal(name: string): Promise<Principal> {
    const n = checkEntityName(name, 'principal');
    return this.#call({ method: 'GET', path: `/principals/${n}`, what: `get principal ${name}`, schema: PrincipalSchema, idempotent: true });
  }

  /** Replace a principal's properties, guarded by its entity version. */
  async updatePrincipal(name: string, update: EntityUpdate): Promise<Principal> {
    const n = checkEntityName(name, 'principal');
    return this.#call({ method: 'PUT', path: `/principals/${n}`, what: `update principal ${name}`, body: update, schema: PrincipalSchema, idempotent: false, conflictIsVersion: true });
  }

  /** Remove a principal. */
  async deletePrincipal(name: string): Promise<void> {
    const n = checkEntityName(name, 'principal');
    return this.#call({ method: 'DELETE', path: `/principals/${n}`, what: `delete principal ${name}`, idempotent: true });
  }

  /** Issue new credentials for a principal (not idempotent: never retried). */
  async rotateCredentials(name: string): Promise<PrincipalWithCredentials> {
    const n = checkEntityName(name, 'principal');
    const r = await this.#call({ method: 'POST', path: `/principals/${n}/rotate`, what: `rotate credentials of principal ${name}`, schema: PrincipalWithCredentialsSchema, idempotent: false });
    return withCredentials(r, `rotate credentials of principal ${name}`);
  }

  /**
   * Reset a principal's credentials: to new random ones, or to the given ones
   * where the server allows caller-chosen credentials (not idempotent: never retried).
   */
  async resetCredentials(name: string, to: { clientId?: string; clientSecret?: Secret<string> } = {}): Promise<PrincipalWithCredentials> {
    const n = checkEntityName(name, 'principal');
    const body: Record<string, unknown> = {};
    if (to.clientId !== undefined) body.clientId = to.clientId;
    if (to.clientSecret !== undefined) body.clientSecret = to.clientSecret;
    const r = await this.#call({
      method: 'POST',
      path: `/principals/${n}/reset`,
      what: `reset credentials of principal ${name}`,
      body,
      schema: PrincipalWithCredentialsSchema,
      idempotent: false,
      secrets: [to.clientSecret],
    });
    return withCredentials(r, `reset credentials of principal ${name}`);
  }

  // ---- principal roles --------------------------------------------------------

  /** Every principal role. */
  async listPrincipalRoles(): Promise<PrincipalRole[]> {
    return (await this.#call({ method: 'GET', path: '/principal-roles', what: 'list principal roles', schema: PrincipalRolesSchema, idempotent: true })).roles;
  }

  /** Create a principal role. */
  async createPrincipalRole(name: string, properties?: Readonly<Record<string, string>>): Promise<PrincipalRole> {
    checkEntityName(name, 'principal role');
    return this.#call({
      method: 'POST',
      path: '/principal-roles',
      what: `create principal role ${name}`,
      body: { principalRole: { name, ...(properties === undefined ? {} : { properties }) } },
      schema: PrincipalRoleSchema,
      idempotent: false,
    });
  }

  /** One principal role. */
  async getPrincipalRole(name: string): Promise<PrincipalRole> {
    const n = checkEntityName(name, 'principal role');
    return this.#call({ method: 'GET', path: `/principal-roles/${n}`, what: `get principal role ${name}`, schema: PrincipalRoleSchema, idempotent: true });
  }

  /** Replace a principal role's properties, guarded by its entity version. */
  async updatePrincipalRole(name: string, update: EntityUpdate): Promise<PrincipalRole> {
    const n = checkEntityName(name, 'principal role');
    return this.#call({ method: 'PUT', path: `/principal-roles/${n}`, what: `update principal role ${name}`, body: update, schema: PrincipalRoleSchema, idempotent: false, conflictIsVersion: true });
  }

  /** Remove a principal role. */
  async deletePrincipalRole(name: string): Promise<void> {
    const n = checkEntityName(name, 'principal role');
    return this.#call({ method: 'DELETE', path: `/principal-roles/${n}`, what: `delete principal role ${name}`, idempotent: true });
  }

  /** The principal roles a principal holds. */
  async listPrincipalRolesAssigned(principal: string): Promise<PrincipalRole[]> {
    const p = checkEntityName(principal, 'principal');
    return (await this.#call({ method: 'GET', path: `/principals/${p}/principal-roles`, what: `list roles of principal ${principal}`, schema: PrincipalRolesSchema, idempotent: true })).roles;
  }

  /** Give a principal a principal role. */
  async assignPrincipalRole(principal: string, role: string): Promise<void> {
    const p = checkEntityName(principal, 'principal');
    checkEntityName(role, 'principal role');
    return this.#call({ method: 'PUT', path: `/principals/${p}/principal-roles`, what: `assign principal role ${role} to ${principal}`, body: { principalRole: { name: role } }, idempotent: true });
  }

  /** Take a principal role away from a principal. */
  async revokePrincipalRole(principal: string, role: string): Promise<void> {
    const p = checkEntityName(principal, 'principal');
    const r = checkEntityName(role, 'principal role');
    return this.#call({ method: 'DELETE', path: `/principals/${p}/principal-roles/${r}`, what: `revoke principal role ${role} from ${principal}`, idempotent: true });
  }

  /** The principals holding a principal role. */
  async listPrincipalsWithRole(role: string): Promise<Principal[]> {
    const r = checkEntityName(role, 'principal role');
    return (await this.#call({ method: 'GET', path: `/principal-roles/${r}/principals`, what: `list principals with role ${role}`, schema: PrincipalsSchema, idempotent: true })).principals;
  }

  // ---- catalog roles ------------------------------------------------------------

  /** The roles of a catalog. */
  async listCatalogRoles(catalog: string): Promise<CatalogRole[]> {
    const c = checkEntityName(catalog, 'catalog');
    return (await this.#call({ method: 'GET', path: `/catalogs/${c}/catalog-roles`, what: `list roles of catalog ${catalog}`, schema: CatalogRolesSchema, idempotent: true })).roles;
  }

  /** Create a role in a catalog. */
  async createCatalogRole(catalog: string, name: string, properties?: Readonly<Record<string, string>>): Promise<CatalogRole> {
    const c = checkEntityName(catalog, 'catalog');
    checkEntityName(name, 'catalog role');
    return this.#call({
      method: 'POST',
      path: `/catalogs/${c}/catalog-roles`,
      what: `create role ${name} in catalog ${catalog}`,
      body: { catalogRole: { name, ...(properties === undefined ? {} : { properties }) } },
      schema: CatalogRoleSchema,
      idempotent: false,
    });
  }

  /** One catalog role. */
  async getCatalogRole(catalog: string, name: string): Promise<CatalogRole> {
    const c = checkEntityName(catalog, 'catalog');
    const n = checkEntityName(name, 'catalog role');
    return this.#call({ method: 'GET', path: `/catalogs/${c}/catalog-roles/${n}`, what: `get role ${name} of catalog ${catalog}`, schema: CatalogRoleSchema, idempotent: true });
  }

  /** Replace a catalog role's properties, guarded by its entity version. */
  async updateCatalogRole(catalog: string, name: string, update: EntityUpdate): Promise<CatalogRole> {
    const c = checkEntityName(catalog, 'catalog');
    const n = checkEntityName(name, 'catalog role');
    return this.#call({
      method: 'PUT',
      path: `/catalogs/${c}/catalog-roles/${n}`,
      what: `update role ${name} of catalog ${catalog}`,
      body: update,
      schema: CatalogRoleSchema,
      idempotent: false,
      conflictIsVersion: true,
    });
  }

  /** Delete a catalog role and all its grants. */
  async deleteCatalogRole(catalog: string, name: string): Promise<void> {
    const c = checkEntityName(catalog, 'catalog');
    const n = checkEntityName(name, 'catalog role');
    return this.#call({ method: 'DELETE', path: `/catalogs/${c}/catalog-roles/${n}`, what: `delete role ${name} of catalog ${catalog}`, idempotent: true });
  }

  /** The catalog roles of `catalog` assigned to a principal role. */
  async listCatalogRolesForPrincipalRole(principalRole: string, catalog: string): Promise<CatalogRole[]> {
    const p = checkEntityName(principalRole, 'principal role');
    const c = checkEntityName(catalog, 'catalog');
    return (
      await this.#call({
        method: 'GET',
        path: `/principal-roles/${p}/catalog-roles/${c}`,
        what: `list roles of catalog ${catalog} assigned to principal role ${principalRole}`,
        schema: CatalogRolesSchema,
        idempotent: true,
      })
    ).roles;
  }

  /** Assign a catalog role to a principal role (its holders gain the catalog role's grants). */
  async assignCatalogRole(principalRole: string, catalog: string, catalogRole: string): Promise<void> {
    const p = checkEntityName(principalRole, 'principal role');
    const c = checkEntityName(catalog, 'catalog');
    checkEntityName(catalogRole, 'catalog role');
    return this.#call({
      method: 'PUT',
      path: `/principal-roles/${p}/catalog-roles/${c}`,
      what: `assign role ${catalogRole} of catalog ${catalog} to principal role ${principalRole}`,
      body: { catalogRole: { name: catalogRole } },
      idempotent: true,
    });
  }

  /** Remove a catalog role from a principal role. */
  async revokeCatalogRole(principalRole: string, catalog: string, catalogRole: string): Promise<void> {
    const p = checkEntityName(principalRole, 'principal role');
    const c = checkEntityName(catalog, 'catalog');
    const r = checkEntityName(catalogRole, 'catalog role');
    return this.#call({
      method: 'DELETE',
      path: `/principal-roles/${p}/catalog-roles/${c}/${r}`,
      what: `revoke role ${catalogRole} of catalog ${catalog} from principal role ${principalRole}`,
      idempotent: true,
    });
  }

  /** The principal roles a catalog role is assigned to. */
  async listPrincipalRolesForCatalogRole(catalog: string, catalogRole: string): Promise<PrincipalRole[]> {
    const c = checkEntityName(catalog, 'catalog');
    const r = checkEntityName(catalogRole, 'catalog role');
    return (
      await this.#call({
        method: 'GET',
        path: `/catalogs/${c}/catalog-roles/${r}/principal-roles`,
        what: `list principal roles holding role ${catalogRole} of catalog ${catalog}`,
        schema: PrincipalRolesSchema,
        idempotent: true,
      })
    ).roles;
  }

  // ---- grants ---------------------------------------------------------------------

  /** The grants a catalog role holds. */
  async listGrants(catalog: string, catalogRole: string): Promise<Grant[]> {
    const c = checkEntityName(catalog, 'catalog');
    const r = checkEntityName(catalogRole, 'catalog role');
    return (await this.#call({ method: 'GET', path: `/catalogs/${c}/catalog-roles/${r}/grants`, what: `list grants of role ${catalogRole} in catalog ${catalog}`, schema: GrantsSchema, idempotent: true })).grants;
  }

  /**
   * Grant a privilege to a catalog role.
   *
   * @example
   * ```typescript
   * await admin.grant('prod', 'analyst', { type: 'namespace', namespace: ['gold'], privilege: 'TABLE_READ_DATA' });
   * ```
   */
  async grant(catalog: string, catalogRole: string, grant: Grant): Promise<void> {
    const c = checkEntityName(catalog, 'catalog');
    const r = checkEntityName(catalogRole, 'catalog role');
    return this.#call({
      method: 'PUT',
      path: `/catalogs/${c}/catalog-roles/${r}/grants`,
      what: `grant ${grant.privilege} on ${grant.type} to role ${catalogRole} in catalog ${catalog}`,
      body: { grant },
      idempotent: true,
    });
  }

  /** Revoke a grant; with `cascade`, also the same privilege on everything below the securable. */
  async revoke(catalog: string, catalogRole: string, grant: Grant, options: { cascade?: boolean } = {}): Promise<void> {
    const c = checkEntityName(catalog, 'catalog');
    const r = checkEntityName(catalogRole, 'catalog role');
    return this.#call({
      method: 'POST',
      path: `/catalogs/${c}/catalog-roles/${r}/grants`,
      query: options.cascade === true ? { cascade: 'true' } : undefined,
      what: `revoke ${grant.privilege} on ${grant.type} from role ${catalogRole} in catalog ${catalog}`,
      body: { grant },
      idempotent: true,
    });
  }

  // ---- DataX layout ---------------------------------------------------------------------

  /**
   * Set up DataX's layout (a catalog per environment, zone namespaces, the
   * data_engineer / analyst / auditor roles and their grants) in one
   * idempotent call. See docs/polaris-admin.md for the grant matrix.
   */
  async bootstrap(options: BootstrapOptions): Promise<BootstrapReport> {
    return bootstrapPolaris(this, options);
  }
}

function withCredentials(r: z.infer<typeof PrincipalWithCredentialsSchema>, what: string): PrincipalWithCredentials {
  const { clientId, clientSecret } = r.credentials;
  if (clientId === undefined || clientSecret === undefined) {
    throw new RestError(`Polaris answered "${what}" without client credentials; rotate the principal's credentials to get a new pair`, {
      context: { principal: r.principal.name },
    });
  }
  return { principal: r.principal, credentials: { clientId, clientSecret } };
}
