/**
 * Table metadata (spec "Table Metadata"): the model, lookups and the
 * consistency rules every metadata document must satisfy. JSON is in
 * `metadata-json.ts`; changes are made with `applyUpdates` in
 * `apply-updates.ts`.
 *
 * Spec `long` fields are `bigint` (snapshot ids, sequence numbers, row ids);
 * millisecond timestamps are `number`. Unknown top-level fields of a parsed
 * document are kept in `extra` and written back unchanged.
 */
import { ValidationError } from '../../errors.js';
import type { PartitionSpec } from './partition.js';
import type { Schema } from './schema.js';
import type { Snapshot, SnapshotRef } from './snapshot.js';
import { MAIN_BRANCH } from './snapshot.js';
import type { SortOrder } from './sort-order.js';
import type { EncryptedKey, PartitionStatisticsFile, StatisticsFile } from './statistics.js';

/** Format versions lakekit reads (it writes v2 by default). */
export type FormatVersion = 1 | 2 | 3;

/** Highest format version lakekit supports. */
export const SUPPORTED_FORMAT_VERSION = 3;
/** Format version of new tables unless the `format-version` property says otherwise. */
export const DEFAULT_FORMAT_VERSION = 2;
/** Table property that caps the metadata log length. */
export const METADATA_PREVIOUS_VERSIONS_MAX = 'write.metadata.previous-versions-max';
/** Default for {@link METADATA_PREVIOUS_VERSIONS_MAX}. */
export const METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT = 100;

/** A change of the current snapshot, for time travel. */
export interface SnapshotLogEntry {
  readonly timestampMs: number;
  readonly snapshotId: bigint;
}

/** A previous metadata file of the table. */
export interface MetadataLogEntry {
  readonly timestampMs: number;
  readonly metadataFile: string;
}

/** The table metadata document. */
export interface TableMetadata {
  readonly formatVersion: FormatVersion;
  /** Required from v2; may be absent in old v1 metadata. */
  readonly tableUuid?: string;
  readonly location: string;
  /** 0 for v1. */
  readonly lastSequenceNumber: bigint;
  readonly lastUpdatedMs: number;
  /** Highest column id ever assigned. */
  readonly lastColumnId: number;
  readonly schemas: readonly Schema[];
  readonly currentSchemaId: number;
  readonly partitionSpecs: readonly PartitionSpec[];
  readonly defaultSpecId: number;
  /** Highest partition field id ever assigned. */
  readonly lastPartitionId: number;
  readonly properties: Readonly<Record<string, string>>;
  /** Undefined when the table has no current snapshot. */
  readonly currentSnapshotId?: bigint;
  readonly snapshots: readonly Snapshot[];
  readonly snapshotLog: readonly SnapshotLogEntry[];
  readonly metadataLog: readonly MetadataLogEntry[];
  readonly sortOrders: readonly SortOrder[];
  readonly defaultSortOrderId: number;
  /** Branches and tags by name; `main` follows `currentSnapshotId`. */
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  readonly statistics: readonly StatisticsFile[];
  readonly partitionStatistics: readonly PartitionStatisticsFile[];
  /** v3 row lineage: the next row id to assign. */
  readonly nextRowId?: bigint;
  /** v3 encryption keys. */
  readonly encryptionKeys: readonly EncryptedKey[];
  /** Top-level fields this version does not know, kept verbatim and written back. */
  readonly extra: Readonly<Record<string, unknown>>;
}

function must<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new ValidationError(message);
  return value;
}

/** The schema with the given id, or undefined. */
export function schemaById(m: TableMetadata, schemaId: number): Schema | undefined {
  return m.schemas.find((s) => s.schemaId === schemaId);
}

/** The current schema. */
export function currentSchema(m: TableMetadata): Schema {
  return must(schemaById(m, m.currentSchemaId), `table metadata has no schema ${m.currentSchemaId} (current-schema-id); the metadata is corrupt`);
}

/** The partition spec with the given id, or undefined. */
export function specById(m: TableMetadata, specId: number): PartitionSpec | undefined {
  return m.partitionSpecs.find((s) => s.specId === specId);
}

/** The default partition spec (the one writers use). */
export function defaultSpec(m: TableMetadata): PartitionSpec {
  return must(specById(m, m.defaultSpecId), `table metadata has no partition spec ${m.defaultSpecId} (default-spec-id); the metadata is corrupt`);
}

/** The sort order with the given id, or undefined. */
export function sortOrderById(m: TableMetadata, orderId: number): SortOrder | undefined {
  return m.sortOrders.find((s) => s.orderId === orderId);
}

/** The default sort order. */
export function defaultSortOrder(m: TableMetadata): SortOrder {
  return must(sortOrderById(m, m.defaultSortOrderId), `table metadata has no sort order ${m.defaultSortOrderId} (default-sort-order-id); the metadata is corrupt`);
}

/** The snapshot with the given id, or undefined. */
export function snapshotById(m: TableMetadata, snapshotId: bigint): Snapshot | undefined {
  return m.snapshots.find((s) => s.snapshotId === snapshotId);
}

/** The current snapshot, or undefined for a table without one. */
export function currentSnapshot(m: TableMetadata): Snapshot | undefined {
  return m.currentSnapshotId === undefined ? undefined : snapshotById(m, m.currentSnapshotId);
}

/** The snapshot a branch or tag points at, or undefined. */
export function snapshotByRef(m: TableMetadata, name: string): Snapshot | undefined {
  const ref = Object.prototype.hasOwnProperty.call(m.refs, name) ? m.refs[name] : undefined;
  return ref === undefined ? undefined : snapshotById(m, ref.snapshotId);
}

/** The sequence number the next snapshot gets (always 0 in v1). */
export function nextSequenceNumber(m: TableMetadata): bigint {
  return m.formatVersion > 1 ? m.lastSequenceNumber + 1n : 0n;
}

function unique<T>(items: readonly T[], key: (t: T) => unknown, what: string): void {
  const seen = new Set<unknown>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) throw new ValidationError(`table metadata lists ${what} ${String(k)} twice; the metadata is corrupt`);
    seen.add(k);
  }
}

/**
 * Check the rules that hold for every valid metadata document: a supported
 * format version; a table UUID from v2; schemas, specs and sort orders
 * present with unique ids and the current/default ones among them; v1 has
 * sequence number 0; v3 has `next-row-id`; the current snapshot and every
 * ref point at existing snapshots; `main` agrees with `current-snapshot-id`.
 * Throws ValidationError.
 */
export function validateTableMetadata(m: TableMetadata): void {
  const bad = (problem: string, hint = 'the metadata is corrupt or was written by an incompatible writer'): never => {
    throw new ValidationError(`invalid table metadata: ${problem}; ${hint}`);
  };
  if (![1, 2, 3].includes(m.formatVersion)) bad(`format version ${m.formatVersion} is not 1, 2 or 3`);
  if (m.formatVersion > 1 && (m.tableUuid === undefined || m.tableUuid === '')) bad(`table-uuid is required in format v${m.formatVersion}`);
  if (m.formatVersion === 1 && m.lastSequenceNumber !== 0n) bad('last-sequence-number must be 0 in format v1');
  if (m.formatVersion >= 3 && m.nextRowId === undefined) bad('next-row-id is required in format v3');
  unique(m.schemas, (s) => s.schemaId, 'schema id');
  unique(m.partitionSpecs, (s) => s.specId, 'partition spec id');
  unique(m.sortOrders, (s) => s.orderId, 'sort order id');
  unique(m.snapshots, (s) => s.snapshotId, 'snapshot id');
  if (schemaById(m, m.currentSchemaId) === undefined) bad(`current-schema-id ${m.currentSchemaId} is not among the schemas`);
  if (specById(m, m.defaultSpecId) === undefined) bad(`default-spec-id ${m.defaultSpecId} is not among the partition specs`);
  if (sortOrderById(m, m.defaultSortOrderId) === undefined) bad(`default-sort-order-id ${m.defaultSortOrderId} is not among the sort orders`);
  if (m.currentSnapshotId !== undefined && snapshotById(m, m.currentSnapshotId) === undefined) bad(`current snapshot ${m.currentSnapshotId} is not among the snapshots`);
  for (const [name, ref] of Object.entries(m.refs)) {
    if (snapshotById(m, ref.snapshotId) === undefined) bad(`ref ${JSON.stringify(name)} points at snapshot ${ref.snapshotId}, which is not among the snapshots`);
  }
  const main = Object.prototype.hasOwnProperty.call(m.refs, MAIN_BRANCH) ? m.refs[MAIN_BRANCH] : undefined;
  if (main !== undefined && main.type !== 'branch') bad('ref "main" must be a branch');
  if (m.currentSnapshotId !== undefined && main !== undefined && main.snapshotId !== m.currentSnapshotId) {
    bad(`current-snapshot-id ${m.currentSnapshotId} does not match branch main (${main.snapshotId})`);
  }
  if (m.currentSnapshotId === undefined && main !== undefined) bad(`branch main points at snapshot ${main.snapshotId} but there is no current-snapshot-id`);
}
