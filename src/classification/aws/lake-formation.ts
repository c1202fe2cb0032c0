/**
 * Classification as Lake Formation LF-tags and Glue column parameters, so
 * LF-tag-based access control (LF-TBAC) follows the classification: grant
 * analysts `sensitivity in (public, internal)` and restricted columns drop
 * out of their view.
 *
 * @module
 */
import { GetTableCommand, UpdateTableCommand, type Column, type GlueClient, type TableInput } from '@aws-sdk/client-glue';
import { AddLFTagsToResourceCommand, CreateLFTagCommand, ListLFTagsCommand, UpdateLFTagCommand, type LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { TableClassification } from '../classifier.js';
import { SENSITIVITY_LEVELS } from '../policy.js';
import { CLASSIFICATION_PROPERTY_PREFIX, columnTags } from '../tags.js';
import { awsError } from './errors.js';

/** Default LF-tag keys. */
export const DEFAULT_LF_TAG_KEYS = { sensitivity: 'sensitivity', type: 'pii_type' } as const;

/** Options of {@link applyLfTags}. */
export interface LfTagOptions {
  client: LakeFormationClient;
  database: string;
  table: string;
  /** Data Catalog id (account); the caller's by default. */
  catalogId?: string;
  /** LF-tag key names. @default DEFAULT_LF_TAG_KEYS */
  keys?: { sensitivity?: string; type?: string };
  /** Tag columns without findings `public`. @default true */
  tagPublic?: boolean;
}

/** What {@link applyLfTags} assigned. */
export interface LfTagReport {
  /** Tag keys created or extended, with the values added. */
  keysUpdated: Record<string, string[]>;
  columns: { column: string; tags: Record<string, string> }[];
}

/**
 * Create the LF-tag keys and values a classification needs (the sensitivity
 * key always holds all four levels) and assign them to the table's columns:
 * `sensitivity` = the column's level, `pii_type` = its most frequent type.
 */
export async function applyLfTags(cls: TableClassification, options: LfTagOptions): Promise<LfTagReport> {
  const sKey = options.keys?.sensitivity ?? DEFAULT_LF_TAG_KEYS.sensitivity;
  const tKey = options.keys?.type ?? DEFAULT_LF_TAG_KEYS.type;
  const tagged = columnTags(cls);
  const assignments: { column: string; tags: Record<string, string> }[] = tagged.map((c) => ({ column: c.column, tags: { [sKey]: c.sensitivity, [tKey]: c.types[0]! } }));
  if (options.tagPublic ?? true) {
    for (const c of cls.columns) if (c.types.length === 0) assignments.push({ column: c.column, tags: { [sKey]: 'public' } });
  }
  const wanted: Record<string, Set<string>> = { [sKey]: new Set(SENSITIVITY_LEVELS), [tKey]: new Set(tagged.map((c) => c.types[0]!)) };
  const keysUpdated: Record<string, string[]> = {};
  const existing = await listTags(options);
  for (const [key, values] of Object.entries(wanted)) {
    if (values.size === 0) continue;
    const added = await ensureTag(options, key, [...values], existing.get(key));
    if (added.length > 0) keysUpdated[key] = added;
  }
  // One call per distinct tag set: LF assigns a tag list to a list of columns.
  const groups = new Map<string, { tags: Record<string, string>; columns: string[] }>();
  for (const a of assignments) {
    const sig = JSON.stringify(Object.entries(a.tags).sort());
    const g = groups.get(sig) ?? { tags: a.tags, columns: [] };
    g.columns.push(a.column);
    groups.set(sig, g);
  }
  for (const g of groups.values()) {
    try {
      const out = await options.client.send(
        new AddLFTagsToResourceCommand({
          CatalogId: options.catalogId,
          Resource: { TableWithColumns: { CatalogId: options.catalogId, DatabaseName: options.database, Name: options.table, ColumnNames: g.columns } },
          LFTags: Object.entries(g.tags).map(([TagKey, v]) => ({ CatalogId: options.catalogId, TagKey, TagValues: [v] })),
        }),
      );
      if (out.Failures && out.Failures.length > 0) {
        const f = out.Failures[0]!;
        throw new ValidationError(`Lake Formation did not tag ${options.database}.${options.table} columns ${g.columns.join(', ')}: ${f.Error?.ErrorCode ?? ''} ${f.Error?.ErrorMessage ?? ''}`.trim());
      }
    } catch (e) {
      throw awsError(e, 'lakeformation', `LF-tags on ${options.database}.${options.table}`);
    }
  }
  return { keysUpdated, columns: assignments };
}

/** Every LF-tag key and its values (ListLFTags, all pages). */
async function listTags(options: LfTagOptions): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let NextToken: string | undefined;
  try {
    do {
      const page = await options.client.send(new ListLFTagsCommand({ CatalogId: options.catalogId, NextToken }));
      for (const t of page.LFTags ?? []) if (t.TagKey) out.set(t.TagKey, t.TagValues ?? []);
      NextToken = page.NextToken;
    } while (NextToken);
  } catch (e) {
    throw awsError(e, 'lakeformation', 'LF-tags');
  }
  return out;
}

/** Make sure tag `key` exists with `values`; returns the values added. */
async function ensureTag(options: LfTagOptions, key: string, values: string[], existing: string[] | undefined): Promise<string[]> {
  try {
    if (existing === undefined) {
      await options.client.send(new CreateLFTagCommand({ CatalogId: options.catalogId, TagKey: key, TagValues: values }));
      return values;
    }
    const missing = values.filter((v) => !existing.includes(v));
    if (missing.length > 0) await options.client.send(new UpdateLFTagCommand({ CatalogId: options.catalogId, TagKey: key, TagValuesToAdd: missing }));
    return missing;
  } catch (e) {
    throw awsError(e, 'lakeformation', `LF-tag ${key}`);
  }
}

/** Options of {@link applyGlueColumnParameters}. */
export interface GlueParameterOptions {
  client: GlueClient;
  database: string;
  table: string;
  catalogId?: string;
}

/**
 * Write the classification into the Glue table: column parameters
 * `lakekit.classification.types` / `.sensitivity` on each classified column,
 * and the table's level in the table parameters. Other parameters are kept.
 */
export async function applyGlueColumnParameters(cls: TableClassification, options: GlueParameterOptions): Promise<{ columns: string[] }> {
  const subject = `Glue table ${options.database}.${options.table}`;
  let table;
  try {
    table = (await options.client.send(new GetTableCommand({ CatalogId: options.catalogId, DatabaseName: options.database, Name: options.table }))).Table;
  } catch (e) {
    throw awsError(e, 'glue', subject);
  }
  if (!table) throw new NotFoundError(`${subject} does not exist`);
  const byName = new Map(cls.columns.map((c) => [c.column, c]));
  const changed: string[] = [];
  const mark = (col: Column): Column => {
    const c = col.Name === undefined ? undefined : byName.get(col.Name);
    if (!c) return col;
    changed.push(col.Name!);
    const params = Object.fromEntries(Object.entries(col.Parameters ?? {}).filter(([k]) => !k.startsWith(CLASSIFICATION_PROPERTY_PREFIX)));
    if (c.types.length > 0) params[`${CLASSIFICATION_PROPERTY_PREFIX}types`] = c.types.join(',');
    params[`${CLASSIFICATION_PROPERTY_PREFIX}sensitivity`] = c.sensitivity;
    return { ...col, Parameters: params };
  };
  const input: TableInput = {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    StorageDescriptor: table.StorageDescriptor ? { ...table.StorageDescriptor, Columns: table.StorageDescriptor.Columns?.map(mark) } : undefined,
    PartitionKeys: table.PartitionKeys?.map(mark),
    TableType: table.TableType,
    Parameters: { ...(table.Parameters ?? {}), [`${CLASSIFICATION_PROPERTY_PREFIX}sensitivity`]: cls.sensitivity },
    ViewOriginalText: table.ViewOriginalText,
    ViewExpandedText: table.ViewExpandedText,
  };
  try {
    await options.client.send(new UpdateTableCommand({ CatalogId: options.catalogId, DatabaseName: options.database, TableInput: input, VersionId: table.VersionId }));
  } catch (e) {
    throw awsError(e, 'glue', subject);
  }
  return { columns: changed };
}
