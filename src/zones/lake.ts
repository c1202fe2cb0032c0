/**
 * Opening a lake: one FileIO per zone (with the zone's KMS key), and the
 * catalog gold tables live in. The core stays web-standard: storage is
 * injected as a factory or a `FileIORegistry` (boundary 3), and catalogs
 * other than the embedded one are built by a factory hook, so the REST and
 * Glue clients are never imported here.
 */
import type { Catalog } from '../catalog/catalog.js';
import { FileSystemCatalog } from '../catalog/filesystem/catalog.js';
import { UnsupportedError, ValidationError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import type { FileIORegistry } from '../io/registry.js';
import { schemeOf } from '../internal/uri.js';
import { resolveLakeConfig, ZONE_NAMES, type CatalogConfig, type LakeConfig, type LakeConfigInput, type RetentionConfig, type ZoneName } from './config.js';

/** Builds the FileIO of one zone; `properties` carry the zone's `s3.sse.*` settings. */
export type ZoneFileIOFactory = (zone: ZoneName, root: string, properties: Readonly<Record<string, string>>) => FileIO;

/** Builds a catalog from its configuration (REST, Glue, or a custom embedded one). */
export type CatalogFactory = (config: CatalogConfig, lake: { gold: Zone }) => Catalog | Promise<Catalog>;

/** How {@link openLake} reaches storage and catalogs. */
export interface OpenLakeOptions {
  /** Storage per zone: a factory, or a registry whose factories receive the zone's properties. */
  fileIO: ZoneFileIOFactory | FileIORegistry;
  /**
   * Builds the configured catalog. The embedded file-system catalog is built
   * without it; `rest` and `glue` need it (e.g. `(c) => new RestCatalog({...})`).
   */
  catalog?: CatalogFactory;
}

/** One opened zone. */
export interface Zone {
  name: ZoneName;
  /** The zone root as a canonical URI, without a trailing slash. */
  root: string;
  io: FileIO;
  kmsKeyId?: string;
  retention?: RetentionConfig;
  /** The URI of `key` (a `/`-separated path) inside the zone. */
  location(key: string): string;
}

/** An opened lake: its zones, its catalog and the configuration they came from. */
export interface Lake {
  config: LakeConfig;
  bronze: Zone;
  silver: Zone;
  gold: Zone;
  catalog: Catalog;
  zone(name: ZoneName): Zone;
}

/** FileIO properties for a zone: SSE-KMS with its key when one is configured. */
export function zoneProperties(zone: { kmsKeyId?: string }): Record<string, string> {
  return zone.kmsKeyId === undefined ? {} : { 's3.sse.type': 'kms', 's3.sse.key': zone.kmsKeyId };
}

/**
 * Make relative zone roots (the default `./lake/...`) absolute `file://`
 * URIs under `cwd` (a `file:///` URI or absolute path), with `.`/`..`
 * segments resolved. Other roots are returned as they are.
 */
export function resolveZoneRoots(config: LakeConfig, cwd: string): LakeConfig {
  const base = cwd.startsWith('file://') ? cwd : `file://${cwd.startsWith('/') ? '' : '/'}${cwd}`;
  const abs = (root: string): string => {
    if (schemeOf(root) !== undefined) return root;
    const url = root.startsWith('/') ? new URL(`file://${root}`) : new URL(root, base.endsWith('/') ? base : `${base}/`);
    return decodeURI(url.href).replace(/\/+$/, '');
  };
  const zones = Object.fromEntries(ZONE_NAMES.map((n) => [n, { ...config.zones[n], root: abs(config.zones[n].root) }])) as LakeConfig['zones'];
  const catalog = config.catalog.type !== 'rest' && config.catalog.warehouse !== undefined ? { ...config.catalog, warehouse: abs(config.catalog.warehouse) } : config.catalog;
  return { ...config, zones, catalog };
}

function openZone(name: ZoneName, config: LakeConfig, fileIO: OpenLakeOptions['fileIO']): Zone {
  const zc = config.zones[name];
  const props = zoneProperties(zc);
  let io: FileIO;
  if (typeof fileIO === 'function') io = fileIO(name, zc.root, props);
  else {
    if (schemeOf(zc.root) === undefined && !zc.root.startsWith('/')) {
      throw new ValidationError(`zone ${name} has the relative root '${zc.root}'; make it absolute with resolveZoneRoots(config, cwd) or pass a fileIO factory`, {
        context: { zone: name },
      });
    }
    io = fileIO.withProperties(props).forLocation(zc.root.startsWith('/') ? `file://${zc.root}` : zc.root);
  }
  const root = io.resolve(zc.root).replace(/\/+$/, '');
  return {
    name,
    root,
    io,
    ...(zc.kmsKeyId === undefined ? {} : { kmsKeyId: zc.kmsKeyId }),
    ...(zc.retention === undefined ? {} : { retention: zc.retention }),
    location: (key: string) => `${root}/${key.replace(/^\/+/, '')}`,
  };
}

/**
 * Open the lake described by `config` (partial input is completed by
 * {@link resolveLakeConfig}; no input gives a local lake under `./lake`).
 *
 * @example
 * ```ts
 * import { MemoryFileIO } from 'lakekit/io';
 * const io = new MemoryFileIO();
 * const lake = await openLake({ root: 'memory://lake' }, { fileIO: () => io });
 * lake.bronze.root; // 'memory://lake/bronze'
 * ```
 */
export async function openLake(config: LakeConfig | LakeConfigInput | undefined, options: OpenLakeOptions): Promise<Lake> {
  const resolved = isComplete(config) ? config : resolveLakeConfig(config ?? {});
  const zones = Object.fromEntries(ZONE_NAMES.map((n) => [n, openZone(n, resolved, options.fileIO)])) as Record<ZoneName, Zone>;
  let catalog: Catalog;
  if (options.catalog !== undefined) catalog = await options.catalog(resolved.catalog, { gold: zones.gold });
  else if (resolved.catalog.type === 'filesystem') {
    catalog = new FileSystemCatalog({
      warehouse: resolved.catalog.warehouse ?? zones.gold.location('warehouse'),
      io: zones.gold.io,
      ...(resolved.catalog.name === undefined ? {} : { name: resolved.catalog.name }),
    });
  } else {
    throw new UnsupportedError(`the ${resolved.catalog.type} catalog needs a client; pass openLake(config, { catalog: (c) => ... }) that builds it`, {
      context: { catalog: resolved.catalog.type },
    });
  }
  return { config: resolved, ...zones, catalog, zone: (name) => zones[name] };
}

function isComplete(c: LakeConfig | LakeConfigInput | undefined): c is LakeConfig {
  return c !== undefined && 'zones' in c && c.zones !== undefined && ZONE_NAMES.every((n) => typeof (c as LakeConfig).zones[n]?.root === 'string') && 'catalog' in c && 'partitioning' in c && typeof (c as LakeConfig).name === 'string';
}
