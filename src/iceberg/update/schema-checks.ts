/**
 * Checks a new schema must pass against the rest of the table metadata
 * before it becomes current (internal to `UpdateSchema`).
 */
import { ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { defaultSortOrder, defaultSpec } from '../spec/metadata.js';
import type { Schema } from '../spec/schema.js';
import { formatTransform } from '../spec/transforms.js';
import { findColumnName, findFieldById } from '../spec/type-index.js';

/** Transforms that give a date and its promoted timestamp the same partition value. */
const DATE_SAFE_TRANSFORMS = new Set(['year', 'month', 'day', 'void']);

/**
 * The new schema must still hold every source column of the current
 * partition spec and sort order, and (spec "Schema Evolution") a promotion
 * must not change partition values: date → timestamp is refused for columns
 * that any spec partitions by identity or bucket.
 */
export function checkPartitioningAndOrder(base: TableMetadata, current: Schema, schema: Schema): void {
  const name = (id: number) => findColumnName(current, id) ?? `with id ${id}`;
  const spec = defaultSpec(base);
  for (const f of spec.fields) {
    if (f.transform.type === 'void') continue;
    for (const id of f.sourceIds ?? [f.sourceId]) {
      if (findFieldById(schema, id) === undefined) {
        throw new ValidationError(
          `cannot delete column ${JSON.stringify(name(id))}: partition field ${JSON.stringify(f.name)} (${formatTransform(f.transform)}) of the current partition spec ${spec.specId} uses it; remove that partition field with UpdatePartitionSpec first`,
        );
      }
    }
  }
  const order = defaultSortOrder(base);
  for (const f of order.fields) {
    for (const id of f.sourceIds ?? [f.sourceId]) {
      if (findFieldById(schema, id) === undefined) {
        throw new ValidationError(
          `cannot delete column ${JSON.stringify(name(id))}: the current sort order ${order.orderId} sorts by ${formatTransform(f.transform)}(${name(id)}); replace the sort order with ReplaceSortOrder first`,
        );
      }
    }
  }
  for (const s of base.partitionSpecs) {
    for (const f of s.fields) {
      const before = findFieldById(current, f.sourceId)?.type.type;
      const after = findFieldById(schema, f.sourceId)?.type.type;
      if (before === 'date' && after !== undefined && after !== 'date' && !DATE_SAFE_TRANSFORMS.has(f.transform.type)) {
        throw new ValidationError(
          `cannot promote column ${JSON.stringify(name(f.sourceId))} from date to ${after}: partition field ${JSON.stringify(f.name)} of spec ${s.specId} applies ${formatTransform(f.transform)}, which gives a different value after the promotion, and the Iceberg spec forbids such promotions`,
        );
      }
    }
  }
}
