/**
 * Lake configuration: one typed object ({@link LakeConfig}) and the
 * `lakekit.config.yaml` / `lakekit.config.json` file it is read from,
 * validated with zod at the boundary. Errors name the file, line, column and
 * key of every offending value.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { Secret } from '../secret.js';

/** The three zones of the lake, upstream first. */
export const ZONE_NAMES = ['bronze', 'silver', 'gold'] as const;
/** One of {@link ZONE_NAMES}. */
export type ZoneName = (typeof ZONE_NAMES)[number];

/** Seven years, the default bronze retention (the raw truth is kept for audits). */
export const DEFAULT_BRONZE_RETENTION_DAYS = 2557;
/** Root of the lake when no configuration is given. */
export const DEFAULT_LAKE_ROOT = './lake';
/** Names the configuration file is looked up under, in order. */
export const CONFIG_FILE_NAMES = ['lakekit.config.yaml', 'lakekit.config.yml', 'lakekit.config.json'] as const;

/** Retention of a zone's objects. */
export interface RetentionConfig {
  /** Days objects are kept. */
  days: number;
  /**
   * S3 Object Lock mode applied to every object written (bronze): `COMPLIANCE`
   * cannot be shortened by anyone, `GOVERNANCE` by privileged users.
   * Absent: no lock (retention is then a lifecycle policy outside lakekit).
   */
  objectLock?: 'COMPLIANCE' | 'GOVERNANCE';
}

/** One zone: where it lives and how it is protected. */
export interface ZoneConfig {
  /** A local path (`./lake/bronze`, `/data/bronze`, `file:///…`) or `s3://bucket/prefix`. */
  root: string;
  /** KMS key (id, ARN or alias) objects in this zone are encrypted with (SSE-KMS). */
  kmsKeyId?: string;
  retention?: RetentionConfig;
}

/** The embedded catalog: Iceberg tables as files under the gold zone (`<gold root>/warehouse` by default). */
export interface FilesystemCatalogConfig {
  type: 'filesystem';
  /** Warehouse location. @default `<gold root>/warehouse` */
  warehouse?: string;
  name?: string;
}

/** An Iceberg REST catalog (Apache Polaris, Lakekeeper, Nessie, S3 Tables…). */
export interface RestCatalogConfig {
  type: 'rest';
  uri: string;
  warehouse?: string;
  name?: string;
  /** OAuth2 client credential `client_id:client_secret`. */
  credential?: Secret;
  /** A bearer token. */
  token?: Secret;
  scope?: string;
  /** Any further catalog properties, passed through. */
  properties?: Record<string, string>;
}

/** The AWS Glue Data Catalog. */
export interface GlueCatalogConfig {
  type: 'glue';
  region?: string;
  /** The AWS account id of the catalog. @default the caller's account */
  catalogId?: string;
  warehouse?: string;
  name?: string;
}

/** Which Iceberg catalog gold (and Iceberg silver) tables live in. */
export type CatalogConfig = FilesystemCatalogConfig | RestCatalogConfig | GlueCatalogConfig;

/** Default partitioning of the silver and gold zones. */
export interface PartitioningConfig {
  /** Silver partition columns, in path order. @default ['domain', 'date'] */
  silver: string[];
  /** Gold partition field applied to new tables without an explicit spec, e.g. `{ source: 'ts', transform: 'day' }`. */
  gold?: { source: string; transform: string };
}

/** The whole lake. */
export interface LakeConfig {
  /** A name for logs and lineage namespaces. @default 'lake' */
  name: string;
  zones: Record<ZoneName, ZoneConfig>;
  catalog: CatalogConfig;
  partitioning: PartitioningConfig;
}

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const root = nonEmpty.refine((s) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^(s3|s3a|file|memory):\/\/[^/]/i.test(s) || s.startsWith('file:///'), {
  message: 'must be a local path, file:///path, s3://bucket/prefix or memory://bucket/prefix',
});
const retentionSchema = z.strictObject({
  days: z.number().int().positive(),
  objectLock: z.enum(['COMPLIANCE', 'GOVERNANCE']).optional(),
});
const zoneSchema = z.strictObject({ root, kmsKeyId: nonEmpty.optional(), retention: retentionSchema.optional() });
const secret = nonEmpty.transform((s) => new Secret(s));
const catalogSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('filesystem'), warehouse: root.optional(), name: nonEmpty.optional() }),
  z.strictObject({
    type: z.literal('rest'),
    uri: z.url({ protocol: /^https?$/ }),
    warehouse: nonEmpty.optional(),
    name: nonEmpty.optional(),
    credential: secret.optional(),
    token: secret.optional(),
    scope: nonEmpty.optional(),
    properties: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({
    type: z.literal('glue'),
    region: nonEmpty.optional(),
    catalogId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    warehouse: root.optional(),
    name: nonEmpty.optional(),
  }),
]);
const partColumn = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a column name (letters, digits, _)');
const configSchema = z.strictObject({
  name: nonEmpty.optional(),
  root: root.optional(),
  zones: z.strictObject({ bronze: zoneSchema.partial().optional(), silver: zoneSchema.partial().optional(), gold: zoneSchema.partial().optional() }).optional(),
  catalog: catalogSchema.optional(),
  partitioning: z
    .strictObject({
      silver: z.array(partColumn).min(1).optional(),
      gold: z.strictObject({ source: partColumn, transform: z.string().regex(/^(identity|year|month|day|hour|void|bucket\[\d+\]|truncate\[\d+\])$/) }).optional(),
    })
    .optional(),
});

/** What a configuration file may contain (every key optional; {@link resolveLakeConfig} fills defaults). */
export type LakeConfigInput = z.input<typeof configSchema>;

function joinRoot(base: string, zone: string): string {
  return `${base.replace(/\/+$/, '')}/${zone}`;
}

/**
 * A complete {@link LakeConfig} from partial input: zone roots default to
 * `<root>/<zone>` (root `./lake`), bronze retention to seven years, the
 * catalog to the embedded file-system catalog, silver partitioning to
 * `domain` then `date`.
 */
export function resolveLakeConfig(input: LakeConfigInput = {}): LakeConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error, undefined, undefined);
  return fill(parsed.data);
}

function fill(c: z.output<typeof configSchema>): LakeConfig {
  const base = c.root ?? DEFAULT_LAKE_ROOT;
  const zone = (name: ZoneName): ZoneConfig => {
    const z0 = c.zones?.[name] ?? {};
    const retention = z0.retention ?? (name === 'bronze' ? { days: DEFAULT_BRONZE_RETENTION_DAYS } : undefined);
    return {
      root: z0.root ?? joinRoot(base, name),
      ...(z0.kmsKeyId === undefined ? {} : { kmsKeyId: z0.kmsKeyId }),
      ...(retention === undefined ? {} : { retention }),
    };
  };
  const partitioning: PartitioningConfig = { silver: c.partitioning?.silver ?? ['domain', 'date'] };
  if (c.partitioning?.gold !== undefined) partitioning.gold = c.partitioning.gold;
  return {
    name: c.name ?? 'lake',
    zones: { bronze: zone('bronze'), silver: zone('silver'), gold: zone('gold') },
    catalog: (c.catalog ?? { type: 'filesystem' }) as CatalogConfig,
    partitioning,
  };
}

/** Where in the source text a value sits (1-based). */
interface Position {
  line: number;
  col: number;
}

function configError(error: z.ZodError, file: string | undefined, locate: ((path: readonly PropertyKey[]) => Position | undefined) | undefined): ValidationError {
  const problems = error.issues.map((issue) => {
    // An unknown key is reported at the key itself (line and full name), not at its parent object.
    const path = issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...issue.path, issue.keys[0]!] : issue.path;
    const key = path.map(String).join('.') || '(top level)';
    const pos = locate?.(path);
    const where = pos === undefined ? '' : `line ${pos.line}, column ${pos.col}: `;
    return { key, line: pos?.line, message: `${where}${key}: ${issue.message}` };
  });
  const name = file ?? 'lake configuration';
  return new ValidationError(`${name} is invalid; fix these and retry:\n  ${problems.map((p) => p.message).join('\n  ')}`, {
    context: { file: name, problems: problems.map(({ key, line }) => ({ key, ...(line === undefined ? {} : { line }) })) },
  });
}

/** The node at `path` in a YAML document, or the deepest existing ancestor. */
function nodeAt(root: YamlNode | null | undefined, path: readonly PropertyKey[]): YamlNode | undefined {
  let node: unknown = root;
  let found: YamlNode | undefined = (root ?? undefined) as YamlNode | undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (pair === undefined) return found;
      // Point at the key when the value is missing, else at the value.
      found = ((pair.value ?? pair.key) as YamlNode | undefined) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as YamlNode | undefined;
      if (item === undefined) return found;
      found = item;
      node = item;
    } else return found;
  }
  return found;
}

/**
 * Parse and validate the text of a `lakekit.config.yaml` or
 * `lakekit.config.json` (JSON is YAML, so one parser reads both and gives
 * positions for both). Throws `ValidationError` naming the line, column and
 * key of every problem.
 *
 * @example
 * ```ts
 * const config = parseLakeConfig('zones:\n  bronze:\n    root: s3://raw-bucket/bronze\n', 'lakekit.config.yaml');
 * config.zones.bronze.root; // 's3://raw-bucket/bronze'
 * ```
 */
export function parseLakeConfig(text: string, file = 'lakekit.config.yaml'): LakeConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
    });
    throw new ValidationError(`${file} is not valid YAML/JSON; fix these and retry:\n  ${problems.join('\n  ')}`, { context: { file } });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    // Unresolved or excessive aliases (`*x`, alias bombs) surface only when converting.
    throw new ValidationError(`${file} cannot be read: ${(e as Error).message}; remove or fix the YAML aliases`, { context: { file }, cause: e });
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    throw configError(parsed.error, file, (path) => {
      const node = nodeAt(doc.contents, path);
      const offset = node?.range?.[0];
      return offset === undefined ? undefined : lineCounter.linePos(offset);
    });
  }
  return fill(parsed.data);
}
