/**
 * Row objects → Arrow, once, at the edge (ARCHITECTURE.md boundary 4).
 */
import { RecordBatch, Struct, Table } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { StructType } from '../../iceberg/spec/types.js';
import { buildRowsData } from './build-data.js';
import { icebergToArrowSchema } from './schema.js';

/**
 * Convert plain row objects to an Arrow Table whose schema is
 * `icebergToArrowSchema(schema)` (field ids in the metadata).
 *
 * Each row is an object keyed by top-level column name; nested structs are
 * objects keyed by field name (or `Map`s keyed by field id, the form of
 * `values.ts`), lists are arrays, maps are `Map`s (or objects for string
 * keys). Accepted values per type are listed in `coerce.ts`: for example
 * `long` takes number, bigint or integer text; `decimal` takes exact text
 * such as `"14.20"` (never passed through a float), a number, or a bigint
 * unscaled value; timestamps take a `Date`, ISO text or bigint microseconds.
 * Properties that are not columns are ignored.
 *
 * Throws ValidationError naming the row index and column of the first value
 * of the wrong type, and of a missing value for a required column.
 *
 * @example
 * ```ts
 * const table = rowsToArrow(
 *   [{ id: 1n, price: '14.20', ts: new Date('2026-01-01T00:00:00Z'), tags: ['a'] }],
 *   schema,
 * );
 * ```
 */
export function rowsToArrow(rows: readonly Record<string, unknown>[], schema: StructType): Table {
  if (!Array.isArray(rows)) throw new ValidationError('rowsToArrow expects an array of row objects');
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new ValidationError(`row ${i} is not an object; pass one object per row keyed by column name`, { context: { row: i } });
    }
  });
  const arrowSchema = icebergToArrowSchema(schema);
  const data = buildRowsData(schema, rows, new Struct(arrowSchema.fields));
  return new Table([new RecordBatch(arrowSchema, data)]);
}
