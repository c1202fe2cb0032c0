/**
 * The Iceberg REST vocabulary of table changes and commit preconditions
 * (`TableUpdate` and `TableRequirement` in the REST catalog OpenAPI spec), in
 * memory and as JSON. Apply them with `applyUpdates` and `checkRequirements`
 * from `apply-updates.ts`.
 *
 * In memory the shapes follow the REST JSON with camelCase names and model
 * objects (`Schema`, `PartitionSpec`, `Snapshot` …); `set-snapshot-ref`
 * nests its reference as `ref` instead of flattening it.
 */
import { ValidationError } from '../../errors.js';
import { asObject, has, intList, invalid, optInt, optStringMap, reqArray, reqInt, reqLong, reqString, toLong } from './json-read.js';
import type { PartitionSpec } from './partition.js';
import { partitionSpecFromJson, partitionSpecToJson } from './partition.js';
import type { Schema } from './schema.js';
import { schemaFromJson, schemaToJson } from './schema.js';
import type { Snapshot, SnapshotRef } from './snapshot.js';
import { snapshotFromJson, snapshotRefFromJson, snapshotRefToJson, snapshotToJson } from './snapshot.js';
import type { SortOrder } from './sort-order.js';
import { sortOrderFromJson, sortOrderToJson } from './sort-order.js';
import type { EncryptedKey, PartitionStatisticsFile, StatisticsFile } from './statistics.js';
import * as stats from './statistics.js';

/** One change to table metadata. `-1` ids in the `set-*` updates mean "the last one added". */
export type TableUpdate =
  | { readonly action: 'assign-uuid'; readonly uuid: string }
  | { readonly action: 'upgrade-format-version'; readonly formatVersion: number }
  | { readonly action: 'add-schema'; readonly schema: Schema; /** deprecated in REST; computed when absent */ readonly lastColumnId?: number }
  | { readonly action: 'set-current-schema'; readonly schemaId: number }
  | { readonly action: 'add-spec'; readonly spec: PartitionSpec }
  | { readonly action: 'set-default-spec'; readonly specId: number }
  | { readonly action: 'add-sort-order'; readonly sortOrder: SortOrder }
  | { readonly action: 'set-default-sort-order'; readonly sortOrderId: number }
  | { readonly action: 'add-snapshot'; readonly snapshot: Snapshot }
  | { readonly action: 'set-snapshot-ref'; readonly refName: string; readonly ref: SnapshotRef }
  | { readonly action: 'remove-snapshots'; readonly snapshotIds: readonly bigint[] }
  | { readonly action: 'remove-snapshot-ref'; readonly refName: string }
  | { readonly action: 'set-location'; readonly location: string }
  | { readonly action: 'set-properties'; readonly updates: Readonly<Record<string, string>> }
  | { readonly action: 'remove-properties'; readonly removals: readonly string[] }
  | { readonly action: 'set-statistics'; readonly statistics: StatisticsFile }
  | { readonly action: 'remove-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'set-partition-statistics'; readonly partitionStatistics: PartitionStatisticsFile }
  | { readonly action: 'remove-partition-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'remove-partition-specs'; readonly specIds: readonly number[] }
  | { readonly action: 'remove-schemas'; readonly schemaIds: readonly number[] }
  | { readonly action: 'add-encryption-key'; readonly encryptionKey: EncryptedKey }
  | { readonly action: 'remove-encryption-key'; readonly keyId: string };

/** A precondition of a commit; a failed one means someone else committed first. */
export type TableRequirement =
  | { readonly type: 'assert-create' }
  | { readonly type: 'assert-table-uuid'; readonly uuid: string }
  /** `snapshotId: null` asserts that the ref does not exist. */
  | { readonly type: 'assert-ref-snapshot-id'; readonly ref: string; readonly snapshotId: bigint | null }
  | { readonly type: 'assert-last-assigned-field-id'; readonly lastAssignedFieldId: number }
  | { readonly type: 'assert-current-schema-id'; readonly currentSchemaId: number }
  | { readonly type: 'assert-last-assigned-partition-id'; readonly lastAssignedPartitionId: number }
  | { readonly type: 'assert-default-spec-id'; readonly defaultSpecId: number }
  | { readonly type: 'assert-default-sort-order-id'; readonly defaultSortOrderId: number };

/** The REST JSON of an update. */
export function tableUpdateToJson(u: TableUpdate): Record<string, unknown> {
  const action = u.action;
  switch (u.action) {
    case 'assign-uuid':
      return { action, uuid: u.uuid };
    case 'upgrade-format-version':
      return { action, 'format-version': u.formatVersion };
    case 'add-schema':
      return { action, schema: schemaToJson(u.schema), ...(u.lastColumnId !== undefined ? { 'last-column-id': u.lastColumnId } : {}) };
    case 'set-current-schema':
      return { action, 'schema-id': u.schemaId };
    case 'add-spec':
      return { action, spec: partitionSpecToJson(u.spec) };
    case 'set-default-spec':
      return { action, 'spec-id': u.specId };
    case 'add-sort-order':
      return { action, 'sort-order': sortOrderToJson(u.sortOrder) };
    case 'set-default-sort-order':
      return { action, 'sort-order-id': u.sortOrderId };
    case 'add-snapshot':
      return { action, snapshot: snapshotToJson(u.snapshot, 2) };
    case 'set-snapshot-ref':
      return { action, 'ref-name': u.refName, ...snapshotRefToJson(u.ref) };
    case 'remove-snapshots':
      return { action, 'snapshot-ids': [...u.snapshotIds] };
    case 'remove-snapshot-ref':
      return { action, 'ref-name': u.refName };
    case 'set-location':
      return { action, location: u.location };
    case 'set-properties':
      return { action, updates: { ...u.updates } };
    case 'remove-properties':
      return { action, removals: [...u.removals] };
    case 'set-statistics':
      return { action, 'snapshot-id': u.statistics.snapshotId, statistics: stats.statisticsFileToJson(u.statistics) };
    case 'remove-statistics':
    case 'remove-partition-statistics':
      return { action, 'snapshot-id': u.snapshotId };
    case 'set-partition-statistics':
      return { action, 'partition-statistics': stats.partitionStatisticsFileToJson(u.partitionStatistics) };
    case 'remove-partition-specs':
      return { action, 'spec-ids': [...u.specIds] };
    case 'remove-schemas':
      return { action, 'schema-ids': [...u.schemaIds] };
    case 'add-encryption-key':
      return { action, 'encryption-key': stats.encryptedKeyToJson(u.encryptionKey) };
    case 'remove-encryption-key':
      return { action, 'key-id': u.keyId };
  }
}

function strings(v: unknown, where: string): string[] {
  return reqArray({ v }, 'v', where).map((s, i) => (typeof s === 'string' ? s : invalid(`${where}[${i}]`, 'expected a string')));
}

/** Parse the REST JSON of an update. Throws ValidationError for unknown actions or bad fields. */
export function tableUpdateFromJson(json: unknown, where = 'table update'): TableUpdate {
  const o = asObject(json, where);
  const action = reqString(o, 'action', where);
  const at = `${where} (${action.slice(0, 40)})`;
  switch (action) {
    case 'assign-uuid':
      return { action, uuid: reqString(o, 'uuid', at) };
    case 'upgrade-format-version':
      return { action, formatVersion: reqInt(o, 'format-version', at) };
    case 'add-schema': {
      const lastColumnId = optInt(o, 'last-column-id', at);
      return { action, schema: schemaFromJson(o.schema, `${at} schema`), ...(lastColumnId !== undefined ? { lastColumnId } : {}) };
    }
    case 'set-current-schema':
      return { action, schemaId: reqInt(o, 'schema-id', at) };
    case 'add-spec':
      return { action, spec: partitionSpecFromJson(o.spec, `${at} spec`) };
    case 'set-default-spec':
      return { action, specId: reqInt(o, 'spec-id', at) };
    case 'add-sort-order':
      return { action, sortOrder: sortOrderFromJson(o['sort-order'], `${at} sort-order`) };
    case 'set-default-sort-order':
      return { action, sortOrderId: reqInt(o, 'sort-order-id', at) };
    case 'add-snapshot':
      return { action, snapshot: snapshotFromJson(o.snapshot, `${at} snapshot`) };
    case 'set-snapshot-ref':
      return { action, refName: reqString(o, 'ref-name', at), ref: snapshotRefFromJson(o, at) };
    case 'remove-snapshots':
      return { action, snapshotIds: reqArray(o, 'snapshot-ids', at).map((id, i) => toLong(id, `${at} snapshot-ids[${i}]`)) };
    case 'remove-snapshot-ref':
      return { action, refName: reqString(o, 'ref-name', at) };
    case 'set-location':
      return { action, location: reqString(o, 'location', at) };
    case 'set-properties':
      if (!has(o, 'updates')) invalid(at, 'missing required field "updates"');
      return { action, updates: optStringMap(o, 'updates', at) };
    case 'remove-properties':
      return { action, removals: strings(o.removals, `${at} removals`) };
    case 'set-statistics':
      return { action, statistics: stats.statisticsFileFromJson(o.statistics, `${at} statistics`) };
    case 'remove-statistics':
    case 'remove-partition-statistics':
      return { action, snapshotId: reqLong(o, 'snapshot-id', at) };
    case 'set-partition-statistics':
      return { action, partitionStatistics: stats.partitionStatisticsFileFromJson(o['partition-statistics'], `${at} partition-statistics`) };
    case 'remove-partition-specs':
      return { action, specIds: intList(o['spec-ids'], `${at} spec-ids`) };
    case 'remove-schemas':
      return { action, schemaIds: intList(o['schema-ids'], `${at} schema-ids`) };
    case 'add-encryption-key':
      return { action, encryptionKey: stats.encryptedKeyFromJson(o['encryption-key'], `${at} encryption-key`) };
    case 'remove-encryption-key':
      return { action, keyId: reqString(o, 'key-id', at) };
    default:
      throw new ValidationError(`${where}: unknown action ${JSON.stringify(action.slice(0, 40))}; see TableUpdate in the Iceberg REST catalog spec`);
  }
}

/** The REST JSON of a requirement. */
export function tableRequirementToJson(r: TableRequirement): Record<string, unknown> {
  const type = r.type;
  switch (r.type) {
    case 'assert-create':
      return { type };
    case 'assert-table-uuid':
      return { type, uuid: r.uuid };
    case 'assert-ref-snapshot-id':
      return { type, ref: r.ref, 'snapshot-id': r.snapshotId };
    case 'assert-last-assigned-field-id':
      return { type, 'last-assigned-field-id': r.lastAssignedFieldId };
    case 'assert-current-schema-id':
      return { type, 'current-schema-id': r.currentSchemaId };
    case 'assert-last-assigned-partition-id':
      return { type, 'last-assigned-partition-id': r.lastAssignedPartitionId };
    case 'assert-default-spec-id':
      return { type, 'default-spec-id': r.defaultSpecId };
    case 'assert-default-sort-order-id':
      return { type, 'default-sort-order-id': r.defaultSortOrderId };
  }
}

/** Parse the REST JSON of a requirement. Throws ValidationError. */
export function tableRequirementFromJson(json: unknown, where = 'table requirement'): TableRequirement {
  const o = asObject(json, where);
  const type = reqString(o, 'type', where);
  switch (type) {
    case 'assert-create':
      return { type };
    case 'assert-table-uuid':
      return { type, uuid: reqString(o, 'uuid', where) };
    case 'assert-ref-snapshot-id':
      return { type, ref: reqString(o, 'ref', where), snapshotId: has(o, 'snapshot-id') ? toLong(o['snapshot-id'], `${where} snapshot-id`) : null };
    case 'assert-last-assigned-field-id':
      return { type, lastAssignedFieldId: reqInt(o, 'last-assigned-field-id', where) };
    case 'assert-current-schema-id':
      return { type, currentSchemaId: reqInt(o, 'current-schema-id', where) };
    case 'assert-last-assigned-partition-id':
      return { type, lastAssignedPartitionId: reqInt(o, 'last-assigned-partition-id', where) };
    case 'assert-default-spec-id':
      return { type, defaultSpecId: reqInt(o, 'default-spec-id', where) };
    case 'assert-default-sort-order-id':
      return { type, defaultSortOrderId: reqInt(o, 'default-sort-order-id', where) };
    default:
      throw new ValidationError(`${where}: unknown requirement type ${JSON.stringify(type.slice(0, 40))}; see TableRequirement in the Iceberg REST catalog spec`);
  }
}
