/**
 * Facets from Arrow, lakekit's in-memory currency: the `schema` facet of a
 * table the zone writers write, and its `outputStatistics`.
 *
 * @module
 */

import type { DataType, Field, Schema, Table } from 'apache-arrow';
import { outputStatisticsFacet, schemaFacet, type Facet, type SchemaField } from './facets.js';

function fieldOf(f: Field, position?: number): SchemaField {
  const out: SchemaField = { name: f.name, type: String(f.type) };
  if (position !== undefined) out.ordinal_position = position;
  const children = (f.type as DataType).children as Field[] | null | undefined;
  if (children !== null && children !== undefined && children.length > 0) out.fields = children.map((c) => fieldOf(c));
  return out;
}

/**
 * The `schema` facet of an Arrow schema: column names, Arrow type names
 * (`Int64`, `Utf8`, `Timestamp<MICROSECOND, UTC>`…), 1-based positions, struct members nested.
 */
export function schemaFacetFromArrow(schema: Schema): Facet {
  return schemaFacet(schema.fields.map((f, i) => fieldOf(f, i + 1)));
}

/** `outputStatistics` for an Arrow table written (rows; bytes and files when the writer knows them). */
export function outputStatisticsFromArrow(table: Table, extra: { size?: number; fileCount?: number } = {}): Facet {
  return outputStatisticsFacet({ rowCount: table.numRows, ...extra });
}
