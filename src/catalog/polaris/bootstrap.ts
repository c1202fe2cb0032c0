/**
 * DataX's Polaris layout and the idempotent call that sets it up: one catalog
 * per environment, the zone namespaces, and the data_engineer / analyst /
 * auditor roles with least-privilege grants (the matrix is
 * {@link dataxGrantMatrix}; docs/polaris-admin.md explains it).
 *
 * Planning is pure ({@link planBootstrap}); applying reads what exists,
 * creates only what is missing, never deletes or changes what it finds, and
 * reports grants beyond the matrix and catalogs that differ from the plan as
 * warnings for a human to look at.
 *
 * @module
 */
import { z } from 'zod';
import { ValidationError, isLakeError } from '../../errors.js';
import type { PolarisAdmin } from './admin.js';
import { PolarisHttp } from './http.js';
import type { CatalogPrivilege, NamespacePrivilege } from './privileges.js';
import { grantKey, type Grant, type StorageConfig } from './schemas.js';

/** DataX's zones, in promotion order. */
export const DATAX_ZONES = ['bronze', 'silver', 'gold'] as const;

/** The roles the bootstrap creates (as principal roles, and as a catalog role of the same name in every catalog). */
export const DATAX_ROLES = ['data_engineer', 'analyst', 'auditor'] as const;

/** One of {@link DATAX_ROLES}. */
export type DataxRole = (typeof DATAX_ROLES)[number];

/** Zones analysts may read unless {@link BootstrapOptions.analystZones} says otherwise: curated data only. */
export const DEFAULT_ANALYST_ZONES: readonly string[] = ['gold'];

/** One environment's catalog. */
export interface EnvironmentLayout {
  /** Catalog name, e.g. `datax_dev`. */
  catalog: string;
  /** The catalog's `default-base-location`, e.g. `s3://datax-dev-lake/warehouse/`. */
  baseLocation: string;
  /** Storage, e.g. `{ storageType: 'S3', roleArn, allowedLocations: ['s3://datax-dev-lake/'] }`. */
  storage: StorageConfig;
  /** Further catalog properties. */
  properties?: Readonly<Record<string, string>>;
}

/** What {@link PolarisAdmin.bootstrap} sets up. */
export interface BootstrapOptions {
  environments: readonly EnvironmentLayout[];
  /** Namespaces created in every catalog. @default DATAX_ZONES */
  zones?: readonly string[];
  /** Zones the analyst role may read. @default DEFAULT_ANALYST_ZONES */
  analystZones?: readonly string[];
}

/** One thing the bootstrap makes sure exists. */
export type BootstrapStep =
  | { kind: 'catalog'; env: EnvironmentLayout }
  | { kind: 'namespace'; catalog: string; namespace: string }
  | { kind: 'principal-role'; role: string }
  | { kind: 'catalog-role'; catalog: string; role: string }
  | { kind: 'assignment'; catalog: string; role: string }
  | { kind: 'grant'; catalog: string; role: string; grant: Grant };

/** What a bootstrap run found and did. */
export interface BootstrapReport {
  /** Steps that already held (described as in {@link describeStep}). */
  found: string[];
  /** Steps this run carried out. Empty on a re-run. */
  created: string[];
  /** Differences from the plan that the bootstrap does not touch (extra grants, other storage). */
  warnings: string[];
}

const ns = (zone: string, privilege: NamespacePrivilege): Grant => ({ type: 'namespace', namespace: [zone], privilege });
const cat = (privilege: CatalogPrivilege): Grant => ({ type: 'catalog', privilege });

const ENGINEER_ZONE: readonly NamespacePrivilege[] = [
  'NAMESPACE_READ_PROPERTIES',
  'TABLE_LIST',
  'TABLE_CREATE',
  'TABLE_READ_PROPERTIES',
  'TABLE_WRITE_PROPERTIES',
  'TABLE_READ_DATA',
  'TABLE_WRITE_DATA',
  'VIEW_LIST',
  'VIEW_CREATE',
  'VIEW_READ_PROPERTIES',
  'VIEW_WRITE_PROPERTIES',
];
const ANALYST_ZONE: readonly NamespacePrivilege[] = ['NAMESPACE_READ_PROPERTIES', 'TABLE_LIST', 'TABLE_READ_PROPERTIES', 'TABLE_READ_DATA', 'VIEW_LIST', 'VIEW_READ_PROPERTIES'];
const AUDITOR_CATALOG: readonly CatalogPrivilege[] = [
  'CATALOG_READ_PROPERTIES',
  'NAMESPACE_LIST',
  'NAMESPACE_READ_PROPERTIES',
  'TABLE_LIST',
  'TABLE_READ_PROPERTIES',
  'VIEW_LIST',
  'VIEW_READ_PROPERTIES',
];

/**
 * The grants of each DataX catalog role:
 *
 * - `data_engineer`: lists namespaces; in every zone creates, reads and writes
 *   tables and views (no drops, no namespace changes, no access management).
 * - `analyst`: lists namespaces; reads tables and views in `analystZones` only.
 * - `auditor`: reads metadata (catalog, namespaces, tables, views) everywhere;
 *   no `TABLE_READ_DATA`, no write of any kind.
 */
export function dataxGrantMatrix(zones: readonly string[] = DATAX_ZONES, analystZones: readonly string[] = DEFAULT_ANALYST_ZONES): Record<DataxRole, Grant[]> {
  return {
    data_engineer: [cat('CATALOG_READ_PROPERTIES'), cat('NAMESPACE_LIST'), ...zones.flatMap((z) => ENGINEER_ZONE.map((p) => ns(z, p)))],
    analyst: [cat('NAMESPACE_LIST'), ...analystZones.flatMap((z) => ANALYST_ZONE.map((p) => ns(z, p)))],
    auditor: AUDITOR_CATALOG.map(cat),
  };
}

/** The steps of a bootstrap, in the order they are applied. Pure: no I/O. */
export function planBootstrap(options: BootstrapOptions): BootstrapStep[] {
  const zones = options.zones ?? DATAX_ZONES;
  const analystZones = options.analystZones ?? DEFAULT_ANALYST_ZONES;
  const strays = analystZones.filter((z) => !zones.includes(z));
  if (strays.length > 0) throw new ValidationError(`analystZones ${strays.join(', ')} are not among the zones (${zones.join(', ')}); list only zones the bootstrap creates`);
  if (options.environments.length === 0) throw new ValidationError('bootstrap needs at least one environment (e.g. dev and prod catalogs)');
  const names = options.environments.map((e) => e.catalog);
  if (new Set(names).size !== names.length) throw new ValidationError(`environment catalogs must have distinct names; got ${names.join(', ')}`);
  const matrix = dataxGrantMatrix(zones, analystZones);
  const steps: BootstrapStep[] = DATAX_ROLES.map((role) => ({ kind: 'principal-role', role }));
  for (const env of options.environments) {
    steps.push({ kind: 'catalog', env });
    for (const z of zones) steps.push({ kind: 'namespace', catalog: env.catalog, namespace: z });
    for (const role of DATAX_ROLES) {
      steps.push({ kind: 'catalog-role', catalog: env.catalog, role });
      for (const grant of matrix[role]) steps.push({ kind: 'grant', catalog: env.catalog, role, grant });
      steps.push({ kind: 'assignment', catalog: env.catalog, role });
    }
  }
  return steps;
}

/** A one-line description of a step, as the report lists it. */
export function describeStep(step: BootstrapStep): string {
  switch (step.kind) {
    case 'catalog':
      return `catalog ${step.env.catalog}`;
    case 'namespace':
      return `namespace ${step.catalog}.${step.namespace}`;
    case 'principal-role':
      return `principal role ${step.role}`;
    case 'catalog-role':
      return `catalog role ${step.catalog}/${step.role}`;
    case 'assignment':
      return `catalog role ${step.catalog}/${step.role} assigned to principal role ${step.role}`;
    case 'grant': {
      const g = step.grant;
      const on = g.type === 'catalog' ? 'catalog' : `${g.type} ${g.namespace.join('.')}${'tableName' in g ? `.${g.tableName}` : 'viewName' in g ? `.${g.viewName}` : 'policyName' in g ? `.${g.policyName}` : ''}`;
      return `grant ${g.privilege} on ${on} to ${step.catalog}/${step.role}`;
    }
  }
}

const ConfigSchema = z.object({ defaults: z.record(z.string(), z.string()).optional(), overrides: z.record(z.string(), z.string()).optional() });

/** Apply {@link planBootstrap}'s steps through `admin`; see {@link PolarisAdmin.bootstrap}. */
export async function bootstrapPolaris(admin: PolarisAdmin, options: BootstrapOptions): Promise<BootstrapReport> {
  const steps = planBootstrap(options);
  const report: BootstrapReport = { found: [], created: [], warnings: [] };
  const rest = new IcebergNamespaces(admin);
  const principalRoles = new Set((await admin.listPrincipalRoles()).map((r) => r.name));
  const catalogs = new Map((await admin.listCatalogs()).map((c) => [c.name, c]));
  const catalogRoles = new Map<string, Set<string>>();
  const grants = new Map<string, Set<string>>();
  const assigned = new Map<string, Set<string>>();

  /** Run `create` unless `exists`; a create that loses a race (409) counts as found. */
  const ensure = async (step: BootstrapStep, exists: boolean, create: () => Promise<unknown>) => {
    const what = describeStep(step);
    if (exists) return void report.found.push(what);
    try {
      await create();
      report.created.push(what);
    } catch (e) {
      if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
      report.found.push(what);
    }
  };

  for (const step of steps) {
    switch (step.kind) {
      case 'principal-role':
        await ensure(step, principalRoles.has(step.role), () => admin.createPrincipalRole(step.role, { 'managed-by': 'lakekit-bootstrap' }));
        break;
      case 'catalog': {
        const { env } = step;
        const existing = catalogs.get(env.catalog);
        if (existing !== undefined) {
          if (existing.properties['default-base-location'] !== env.baseLocation) {
            report.warnings.push(`catalog ${env.catalog} has default-base-location ${existing.properties['default-base-location']}, not ${env.baseLocation}; left unchanged`);
          }
          if (existing.storageConfigInfo.storageType !== env.storage.storageType) {
            report.warnings.push(`catalog ${env.catalog} uses ${existing.storageConfigInfo.storageType} storage, not ${env.storage.storageType}; left unchanged`);
          }
        }
        await ensure(step, existing !== undefined, () =>
          admin.createCatalog({ name: env.catalog, defaultBaseLocation: env.baseLocation, storage: env.storage, ...(env.properties === undefined ? {} : { properties: env.properties }) }),
        );
        break;
      }
      case 'namespace':
        await ensure(step, await rest.exists(step.catalog, step.namespace), () => rest.create(step.catalog, step.namespace));
        break;
      case 'catalog-role': {
        let roles = catalogRoles.get(step.catalog);
        if (roles === undefined) {
          roles = new Set((await admin.listCatalogRoles(step.catalog)).map((r) => r.name));
          catalogRoles.set(step.catalog, roles);
        }
        const had = roles.has(step.role);
        await ensure(step, had, () => admin.createCatalogRole(step.catalog, step.role, { 'managed-by': 'lakekit-bootstrap' }));
        const held = had ? await admin.listGrants(step.catalog, step.role) : [];
        grants.set(`${step.catalog}/${step.role}`, new Set(held.map(grantKey)));
        const planned = new Set(steps.filter((s) => s.kind === 'grant' && s.catalog === step.catalog && s.role === step.role).map((s) => grantKey((s as { grant: Grant }).grant)));
        for (const g of held) {
          if (!planned.has(grantKey(g))) report.warnings.push(`${step.catalog}/${step.role} also holds ${describeStep({ kind: 'grant', catalog: step.catalog, role: step.role, grant: g }).replace(/ to .*$/, '')} (not in the matrix; left in place)`);
        }
        break;
      }
      case 'grant': {
        const held = grants.get(`${step.catalog}/${step.role}`)!;
        await ensure(step, held.has(grantKey(step.grant)), () => admin.grant(step.catalog, step.role, step.grant));
        break;
      }
      case 'assignment': {
        const key = `${step.role}@${step.catalog}`;
        let roles = assigned.get(key);
        if (roles === undefined) {
          roles = new Set((await admin.listCatalogRolesForPrincipalRole(step.role, step.catalog)).map((r) => r.name));
          assigned.set(key, roles);
        }
        await ensure(step, roles.has(step.role), () => admin.assignCatalogRole(step.role, step.catalog, step.role));
        break;
      }
    }
  }
  return report;
}

/** The two Iceberg REST calls the bootstrap needs (namespace exists / create), against Polaris's catalog API. */
class IcebergNamespaces {
  readonly #http: PolarisHttp;
  readonly #base: string;
  readonly #prefixes = new Map<string, string>();

  constructor(admin: PolarisAdmin) {
    this.#http = new PolarisHttp(admin.options);
    this.#base = `${new URL(admin.options.uri).href.replace(/\/+$/, '')}${admin.options.catalogPath ?? '/api/catalog'}/v1`;
  }

  /** The path prefix Polaris assigns the catalog (from `GET /v1/config?warehouse=`). */
  async #prefix(catalog: string): Promise<string> {
    let prefix = this.#prefixes.get(catalog);
    if (prefix === undefined) {
      const url = new URL(`${this.#base}/config`);
      url.searchParams.set('warehouse', catalog);
      const config = await this.#http.call({ method: 'GET', url, what: `read the Iceberg REST config of catalog ${catalog}`, schema: ConfigSchema, idempotent: true });
      prefix = config.overrides?.prefix ?? config.defaults?.prefix ?? catalog;
      this.#prefixes.set(catalog, prefix);
    }
    return prefix;
  }

  async exists(catalog: string, namespace: string): Promise<boolean> {
    const url = new URL(`${this.#base}/${encodeURIComponent(await this.#prefix(catalog))}/namespaces/${encodeURIComponent(namespace)}`);
    try {
      await this.#http.call({ method: 'GET', url, what: `load namespace ${namespace} of catalog ${catalog}`, schema: z.object({ namespace: z.array(z.string()) }), idempotent: true });
      return true;
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  async create(catalog: string, namespace: string): Promise<void> {
    const url = new URL(`${this.#base}/${encodeURIComponent(await this.#prefix(catalog))}/namespaces`);
    await this.#http.call({
      method: 'POST',
      url,
      what: `create namespace ${namespace} in catalog ${catalog}`,
      body: { namespace: [namespace], properties: { 'datax.zone': namespace } },
      schema: z.object({ namespace: z.array(z.string()) }),
      idempotent: false,
    });
  }
}
