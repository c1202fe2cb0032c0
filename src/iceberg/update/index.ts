/**
 * Table metadata evolution: schema, partition spec, sort order, properties,
 * format version, branches and tags. Each builder records the user's intent
 * and turns it, against the table's current metadata, into the
 * `requirements` and `updates` of one catalog commit (the REST vocabulary of
 * `spec/table-update.ts`). Builders are pure and deterministic, so a commit
 * loop can reload the metadata after a conflict and build again.
 *
 * @example
 * ```ts
 * import { UpdateSchema, UpdatePartitionSpec, Types, Transforms, applyUpdates, checkRequirements } from 'lakekit/iceberg';
 *
 * const change = new UpdateSchema()
 *   .addColumn(['address', 'zip'], Types.string)
 *   .renameColumn('name', 'full_name')
 *   .updateColumn('count', Types.long);
 * const { requirements, updates } = change.build(metadata);
 * checkRequirements(metadata, requirements);        // what a catalog does on commit
 * const next = applyUpdates(metadata, updates);
 * const spec = new UpdatePartitionSpec().addField('ts', Transforms.day).build(next);
 * ```
 *
 * @module
 */
export type { MetadataChanges, PendingUpdate } from './pending-update.js';
export type { ColumnPath } from './column-path.js';
export { UpdateSchema } from './update-schema.js';
export type { AddColumnOptions, SchemaChange, UpdateSchemaOptions } from './update-schema.js';
export { UpdatePartitionSpec, defaultPartitionFieldName } from './update-partition-spec.js';
export type { PartitionSpecChange } from './update-partition-spec.js';
export { ReplaceSortOrder, DEFAULT_ASC_NULL_ORDER, DEFAULT_DESC_NULL_ORDER } from './replace-sort-order.js';
export type { SortKey, SortKeyOptions } from './replace-sort-order.js';
export { UpdateProperties, FORMAT_VERSION_PROPERTY } from './update-properties.js';
export { ManageSnapshots } from './manage-snapshots.js';
export type { BranchRetention, SnapshotChange, TagRetention } from './manage-snapshots.js';
export { snapshotAncestry, isAncestorOf, ancestorsBetween, resolveRef, snapshotAsOf, latestAncestorBefore } from './snapshots.js';
