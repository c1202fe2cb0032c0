/**
 * Arrow, lakekit's in-memory currency (ARCHITECTURE.md boundary 4): Iceberg ↔
 * Arrow schemas with field ids in `PARQUET:field_id` metadata, row objects ↔
 * Arrow tables (converted once, exactly), and projection of batches onto a
 * newer schema by field id with the allowed type promotions.
 *
 * @example
 * ```ts
 * import { rowsToArrow, arrowToRows, icebergToArrowSchema } from 'lakekit/formats/arrow';
 *
 * const schema = newSchema([
 *   requiredField(1, 'id', Types.long),
 *   optionalField(2, 'price', Types.decimal(9, 2)),
 *   optionalField(3, 'ts', Types.timestamptz),
 * ]);
 * const table = rowsToArrow([{ id: 1, price: '14.20', ts: '2026-01-01T10:00:00Z' }], schema);
 * arrowToRows(table); // [{ id: 1n, price: '14.20', ts: 1767261600000000n }]
 * ```
 *
 * @module
 */
export {
  FIELD_ID_KEY,
  FIELD_DOC_KEY,
  EXTENSION_NAME_KEY,
  UUID_EXTENSION,
  LIST_ELEMENT_NAME,
  MAP_ENTRIES_NAME,
  arrowFieldId,
  icebergToArrowType,
  icebergToArrowField,
  icebergToArrowSchema,
} from './schema.js';
export { arrowToIcebergSchema } from './from-arrow-schema.js';
export type { ArrowToIcebergOptions } from './from-arrow-schema.js';
export { rowsToArrow } from './rows-to-arrow.js';
export { arrowToRows, columnReader, DEFAULT_DECIMAL_FORM } from './arrow-to-rows.js';
export type { ArrowToRowsOptions, DecimalForm } from './arrow-to-rows.js';
export { projectBatch } from './project.js';
export { nullData, missingFieldData } from './fill.js';
export { buildData } from './build-data.js';
export type { BuildContext } from './build-data.js';
