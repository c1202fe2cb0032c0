/**
 * The Apache Iceberg table spec as plain TypeScript: types and schemas,
 * partition specs and transforms, sort orders, single-value serialization,
 * snapshots, table metadata, and the REST update/requirement vocabulary.
 *
 * Web-standard only (no Node APIs), so it runs in Node, Deno and browsers.
 * Values use one in-memory form per type (see `values.ts`): `long`, time and
 * timestamp values, decimals (unscaled) and snapshot ids are `bigint`.
 *
 * @example
 * ```ts
 * import { newSchema, requiredField, optionalField, Types, buildPartitionSpec, Transforms,
 *   UNSORTED_ORDER, newTableMetadata, writeTableMetadata, parseTableMetadata } from 'lakekit/iceberg';
 *
 * const schema = newSchema([
 *   requiredField(1, 'id', Types.long),
 *   optionalField(2, 'ts', Types.timestamptz),
 * ]);
 * const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
 * const metadata = newTableMetadata(schema, spec, UNSORTED_ORDER, 's3://lake/gold/events');
 * const text = writeTableMetadata(metadata);
 * parseTableMetadata(text); // equal to metadata
 * ```
 *
 * @module
 */

export * from './types.js';
export * from './type-compare.js';
export { parsePrimitiveType, typeToJson, typeFromJson, fieldToJson } from './type-json.js';
export * from './type-index.js';
export * from './schema.js';
export type { Value, StructValue, MapValue } from './values.js';
export { toBytes, fromBytes, uuidToBytes, uuidFromBytes, isUuid } from './values.js';
export { checkValue, isValidValue } from './value-check.js';
export { toJsonValue, fromJsonValue } from './values-json.js';
export { JsonNumber, writeJson } from './json-write.js';
export * from './bounds.js';
export {
  unscaledToBytes,
  unscaledFromBytes,
  decimalRequiredBytes,
  fitsPrecision,
  formatDecimal,
  parseDecimal,
  decimalToJavaString,
} from './decimal.js';
export {
  civilFromDays,
  daysFromCivil,
  formatDate,
  parseDate,
  formatTime,
  parseTime,
  formatTimestamp,
  parseTimestamp,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  NANOS_PER_DAY,
} from './temporal.js';
export type { CivilDate, FractionStyle, TimestampUnit, ParsedTimestamp } from './temporal.js';
export { murmur3Bytes, murmur3Int, murmur3Long } from './murmur3.js';
export * from './transforms.js';
export * from './transform-apply.js';
export * from './partition.js';
export * from './partition-path.js';
export * from './sort-order.js';
export * from './snapshot.js';
export * from './statistics.js';
export * from './metadata.js';
export { parseTableMetadata, tableMetadataFromJson, tableMetadataToJson, writeTableMetadata } from './metadata-json.js';
export * from './table-update.js';
export * from './apply-updates.js';
export * from './new-table.js';
