// Shared tables for the evolution builder tests.
import {
  applyUpdates,
  buildPartitionSpec,
  checkRequirements,
  commitSnapshot,
  newSchema,
  newTableMetadata,
  optionalField,
  requiredField,
  Types,
  UNPARTITIONED_SPEC,
  UNSORTED_ORDER,
} from '../../../../src/iceberg/spec/index.js';
import type { PartitionSpec, Schema, Snapshot, SortOrder, TableMetadata } from '../../../../src/iceberg/spec/index.js';
import type { PendingUpdate } from '../../../../src/iceberg/update/index.js';

export const UUID = '11111111-2222-4333-8444-555555555555';

/**
 * After fresh ids: 1 id, 2 name, 3 count, 4 address, 5 points, 6 attrs, 7 ts, 8 price, 9 ratio, 10 day,
 * 11 address.street, 12 address.city, 13 points.element, 14 points.x, 15 points.y,
 * 16 attrs.key, 17 attrs.value, 18 attrs.value.v.
 */
export const SCHEMA: Schema = newSchema(
  [
    requiredField(1, 'id', Types.long),
    optionalField(2, 'name', Types.string),
    optionalField(3, 'count', Types.int),
    optionalField(4, 'address', Types.struct([optionalField(5, 'street', Types.string), optionalField(6, 'city', Types.string)])),
    optionalField(7, 'points', Types.list(8, Types.struct([optionalField(9, 'x', Types.double), optionalField(10, 'y', Types.double)]))),
    optionalField(11, 'attrs', Types.map(12, Types.string, 13, Types.struct([optionalField(14, 'v', Types.string)]))),
    optionalField(15, 'ts', Types.timestamptz),
    optionalField(16, 'price', Types.decimal(9, 2)),
    optionalField(17, 'ratio', Types.float),
    optionalField(18, 'day', Types.date),
  ],
  { identifierFieldIds: [1] },
);

export interface TableOptions {
  formatVersion?: 1 | 2 | 3;
  partitionBy?: Parameters<typeof buildPartitionSpec>[1];
  order?: SortOrder;
}

/** A table of {@link SCHEMA}, unpartitioned and unsorted unless asked. */
export function table(opts: TableOptions = {}): TableMetadata {
  const spec: PartitionSpec = opts.partitionBy === undefined ? UNPARTITIONED_SPEC : buildPartitionSpec(SCHEMA, opts.partitionBy);
  return newTableMetadata(SCHEMA, spec, opts.order ?? UNSORTED_ORDER, 'memory://wh/db/t', { 'format-version': String(opts.formatVersion ?? 2) }, { nowMs: 1000, tableUuid: UUID });
}

/** What a catalog does with a builder's output: check the requirements, apply the updates. */
export function commit(base: TableMetadata, change: PendingUpdate, nowMs = 2000): TableMetadata {
  const { requirements, updates } = change.build(base);
  checkRequirements(base, requirements);
  return applyUpdates(base, updates, { nowMs });
}

/** A snapshot appended on top of `parent` (default: the current one). */
export function snap(m: TableMetadata, id: bigint, ts: number, parent = m.currentSnapshotId): Snapshot {
  return {
    snapshotId: id,
    ...(parent !== undefined ? { parentSnapshotId: parent } : {}),
    sequenceNumber: m.lastSequenceNumber + 1n,
    timestampMs: ts,
    manifestList: `memory://wh/db/t/metadata/snap-${id}.avro`,
    summary: { operation: 'append' },
    schemaId: m.currentSchemaId,
  };
}

/**
 * main: 1 ← 2 ← 3 (timestamps 1000, 2000, 3000); branch "dev": 1 ← 2 ← 4 (4000), not on main.
 */
export function tableWithHistory(): TableMetadata {
  let m = table();
  m = commitSnapshot(m, snap(m, 1n, 1000), 'main', { nowMs: 1000 });
  m = commitSnapshot(m, snap(m, 2n, 2000), 'main', { nowMs: 2000 });
  m = commitSnapshot(m, snap(m, 3n, 3000), 'main', { nowMs: 3000 });
  m = applyUpdates(m, [
    { action: 'add-snapshot', snapshot: { ...snap(m, 4n, 4000, 2n) } },
    { action: 'set-snapshot-ref', refName: 'dev', ref: { snapshotId: 4n, type: 'branch' } },
  ], { nowMs: 4000 });
  return m;
}
