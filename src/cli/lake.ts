/**
 * The CLI's way into a lake: find `lakekit.config.yaml|yml|json` (or the
 * `--config` file), resolve relative roots against the file's directory, and
 * open the zones on local disk or S3 with the Node FileIOs. No configuration
 * means the embedded default: a local lake under `./lake`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { RestCatalog } from '../catalog/rest/index.js';
import { Secret } from '../secret.js';
import { FileIORegistry } from '../io/registry.js';
import { LocalFileIO } from '../io/local.js';
import { S3FileIO } from '../io/s3.js';
import { CONFIG_FILE_NAMES, openLake, parseLakeConfig, resolveLakeConfig, resolveZoneRoots, type CatalogConfig, type Lake, type LakeConfig } from '../zones/index.js';
import { CliUsageError, type CliContext } from './context.js';

/** Where the configuration came from, for `lakekit init` and error messages. */
export interface LoadedConfig {
  config: LakeConfig;
  /** The file read, or undefined for the built-in default. */
  file?: string;
  /** Directory relative roots are resolved against. */
  baseDir: string;
}

/** Read the lake configuration the CLI should use. */
export function loadConfig(ctx: CliContext): LoadedConfig {
  const explicit = ctx.options.config;
  if (explicit !== undefined) {
    const file = resolve(ctx.cwd, explicit);
    if (!existsSync(file)) throw new CliUsageError(`configuration file ${explicit} does not exist; create it with \`lakekit init\` or fix --config`);
    return { config: parseLakeConfig(readFileSync(file, 'utf8'), explicit), file, baseDir: dirname(file) };
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(ctx.cwd, name);
    if (existsSync(file)) return { config: parseLakeConfig(readFileSync(file, 'utf8'), name), file, baseDir: ctx.cwd };
  }
  return { config: resolveLakeConfig({}), baseDir: ctx.cwd };
}

/** Node storage for every scheme a lake root may use. */
export function nodeFileIORegistry(): FileIORegistry {
  return new FileIORegistry({
    file: () => new LocalFileIO(),
    s3: (props) => S3FileIO.fromProperties(props),
  });
}

/**
 * Build the catalog named by the configuration (the embedded one needs nothing).
 * Secrets may stay out of the file: `LAKEKIT_CATALOG_CREDENTIAL`
 * (`client_id:client_secret`) and `LAKEKIT_CATALOG_TOKEN` are read from the environment.
 */
function catalogFactory(ctx: CliContext): (config: CatalogConfig, lake: { gold: { io: import('../io/file-io.js').FileIO } }) => Promise<Catalog> {
  return async (config, lake) => {
    if (config.type === 'rest') {
      const credential = config.credential ?? envSecret(ctx, 'LAKEKIT_CATALOG_CREDENTIAL');
      const token = config.token ?? envSecret(ctx, 'LAKEKIT_CATALOG_TOKEN');
      let clientCredential: { clientId: string; clientSecret: Secret } | undefined;
      if (credential !== undefined) {
        const text = credential.reveal();
        const colon = text.indexOf(':');
        if (colon <= 0) throw new CliUsageError('the catalog credential must be client_id:client_secret');
        clientCredential = { clientId: text.slice(0, colon), clientSecret: new Secret(text.slice(colon + 1)) };
      }
      const realm = config.properties?.realm;
      return RestCatalog.connect({
        uri: config.uri,
        ...(config.warehouse === undefined ? {} : { warehouse: config.warehouse }),
        ...(config.name === undefined ? {} : { name: config.name }),
        ...(config.properties === undefined ? {} : { properties: config.properties }),
        ...(clientCredential === undefined ? {} : { credential: clientCredential }),
        ...(token === undefined ? {} : { token }),
        ...(config.scope === undefined ? {} : { scope: config.scope }),
        ...(realm === undefined ? {} : { realm }),
        fileIORegistry: nodeFileIORegistry(),
        accessDelegation: ['vended-credentials'],
      });
    }
    if (config.type === 'glue') {
      // Loaded only for Glue lakes: it brings the AWS SDK's Glue client.
      const { GlueCatalog } = await import('../catalog/glue/index.js');
      return new GlueCatalog({
        ...(config.region === undefined ? {} : { region: config.region }),
        io: lake.gold.io,
        ...(config.warehouse === undefined ? {} : { warehouse: config.warehouse }),
        ...(config.catalogId === undefined ? {} : { catalogId: config.catalogId }),
        ...(config.name === undefined ? {} : { name: config.name }),
      });
    }
    throw new CliUsageError(`catalog type ${(config as { type: string }).type} needs no factory`);
  };
}

function envSecret(ctx: CliContext, name: string): Secret | undefined {
  const v = ctx.streams.env[name];
  return v === undefined || v === '' ? undefined : new Secret(v);
}

/** Open the lake for a command. */
export async function openCliLake(ctx: CliContext, loaded: LoadedConfig = loadConfig(ctx)): Promise<Lake> {
  const config = resolveZoneRoots(loaded.config, loaded.baseDir);
  return openLake(config, { fileIO: nodeFileIORegistry(), ...(config.catalog.type === 'filesystem' ? {} : { catalog: catalogFactory(ctx) }) });
}
