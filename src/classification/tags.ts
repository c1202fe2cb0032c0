/**
 * Classification as metadata: Iceberg column docs and table properties (so
 * Spark, Trino and pyiceberg users see it), and the plain key/value shape
 * that `lakekit/classification/aws` writes as Glue column parameters and
 * Lake Formation LF-tags.
 *
 * @module
 */
import { UpdateSchema } from '../iceberg/update/update-schema.js';
import type { Table as IcebergTable } from '../iceberg/table/table.js';
import type { StructType } from '../iceberg/spec/types.js';
import type { TableClassification } from './classifier.js';

/** Prefix of the table properties lakekit writes. */
export const CLASSIFICATION_PROPERTY_PREFIX = 'lakekit.classification.';

/** The bracketed tag appended to a column doc: `[classification: CREDIT_CARD; sensitivity: restricted]`. */
const DOC_TAG = /\s*\[classification: [^\]]*\]$/;

/** The doc text of a column with its classification tag replaced (or removed when `tag` is empty). */
export function taggedDoc(existing: string | undefined, types: readonly string[], sensitivity: string): string | undefined {
  const base = (existing ?? '').replace(DOC_TAG, '');
  if (types.length === 0) return base === '' ? undefined : base;
  const tag = `[classification: ${types.join(', ')}; sensitivity: ${sensitivity}]`;
  return base === '' ? tag : `${base} ${tag}`;
}

/** The classification as table properties: the table's level, and per column `level:TYPE,TYPE`. */
export function classificationProperties(cls: TableClassification): Record<string, string> {
  const props: Record<string, string> = { [`${CLASSIFICATION_PROPERTY_PREFIX}sensitivity`]: cls.sensitivity };
  for (const c of cls.columns) {
    if (c.types.length > 0) props[`${CLASSIFICATION_PROPERTY_PREFIX}column.${c.column}`] = `${c.sensitivity}:${c.types.join(',')}`;
  }
  return props;
}

/**
 * The Iceberg changes that record `cls`: an {@link UpdateSchema} setting
 * column docs (existing doc text kept, the tag replaced) for the top-level
 * columns of `schema`, and the properties to set and remove (stale column
 * entries from an earlier classification).
 */
export function icebergClassificationUpdates(
  cls: TableClassification,
  schema: StructType,
  currentProperties: Readonly<Record<string, string>> = {},
): { schema: UpdateSchema; set: Record<string, string>; remove: string[]; changedColumns: string[] } {
  const update = new UpdateSchema();
  const changed: string[] = [];
  for (const field of schema.fields) {
    const c = cls.columns.find((x) => x.column === field.name);
    if (!c) continue;
    const doc = taggedDoc(field.doc, c.types, c.sensitivity);
    if (doc !== field.doc) {
      update.updateColumnDoc(field.name, doc);
      changed.push(field.name);
    }
  }
  const set = classificationProperties(cls);
  const remove = Object.keys(currentProperties).filter((k) => k.startsWith(`${CLASSIFICATION_PROPERTY_PREFIX}column.`) && !(k in set));
  return { schema: update, set, remove, changedColumns: changed };
}

/**
 * Write `cls` into an Iceberg table: column docs (one schema commit, if any
 * doc changes) and table properties (one properties commit).
 *
 * @example
 * ```ts
 * await tagIcebergTable(table, classifyTable(await table.scan().toArrow()));
 * ```
 */
export async function tagIcebergTable(table: IcebergTable, cls: TableClassification): Promise<{ changedColumns: string[] }> {
  const u = icebergClassificationUpdates(cls, table.schema(), table.properties);
  if (u.changedColumns.length > 0) await table.apply(u.schema);
  await table.updateProperties(u.set, u.remove);
  return { changedColumns: u.changedColumns };
}

/** Per-column key/values for catalogs that tag columns (Glue parameters, LF-tags). */
export function columnTags(cls: TableClassification): { column: string; sensitivity: string; types: string[] }[] {
  return cls.columns.filter((c) => c.types.length > 0).map((c) => ({ column: c.column, sensitivity: c.sensitivity, types: [...c.types] }));
}
