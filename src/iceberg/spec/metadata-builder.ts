/**
 * The mutable state behind `applyUpdates` (internal). One builder applies one
 * batch of updates to a copy of the base metadata; `build()` then settles what
 * depends on the whole batch — the snapshot log, the metadata log and
 * `last-updated-ms` — exactly once, as Java's `TableMetadata.Builder` does.
 */
import { CommitConflictError, UnsupportedError, ValidationError } from '../../errors.js';
import type { SnapshotLogEntry, TableMetadata } from './metadata.js';
import { DEFAULT_FORMAT_VERSION, METADATA_PREVIOUS_VERSIONS_MAX, SUPPORTED_FORMAT_VERSION } from './metadata.js';
import { appendMetadataLog, settleSnapshotLog } from './metadata-logs.js';
import type { FormatVersion } from './metadata.js';
import type { PartitionSpec } from './partition.js';
import { lastAssignedFieldId, PARTITION_DATA_ID_START, specCompatible, validatePartitionSpec } from './partition.js';
import type { Schema } from './schema.js';
import { checkSchemaCompatibility, sameSchema, validateSchema, withSchemaId } from './schema.js';
import type { Snapshot, SnapshotRef } from './snapshot.js';
import { MAIN_BRANCH, snapshotRefEquals } from './snapshot.js';
import type { SortOrder } from './sort-order.js';
import { isUnsorted, sameOrder, UNSORTED_ORDER, validateSortOrder } from './sort-order.js';
import type { EncryptedKey, PartitionStatisticsFile, StatisticsFile } from './statistics.js';
import type { TableUpdate } from './table-update.js';
import { highestFieldId } from './type-index.js';

/** Options for `applyUpdates`. */
export interface UpdateContext {
  /** Clock for `last-updated-ms` and snapshot-log entries; defaults to `Date.now()`. */
  nowMs?: number;
  /** Location of the metadata file the base was read from; recorded in the metadata log. */
  previousMetadataLocation?: string;
}

function invalid(message: string): never {
  throw new ValidationError(message);
}

/** Builder state for one batch of updates. */
export class MetadataBuilder {
  private formatVersion: FormatVersion;
  private tableUuid: string | undefined;
  private location: string;
  private lastSequenceNumber: bigint;
  private lastColumnId: number;
  private schemas: Schema[];
  private currentSchemaId: number;
  private specs: PartitionSpec[];
  private defaultSpecId: number;
  private lastPartitionId: number;
  private properties: Map<string, string>;
  private currentSnapshotId: bigint | undefined;
  private snapshots: Snapshot[];
  private snapshotLog: SnapshotLogEntry[];
  private sortOrders: SortOrder[];
  private defaultSortOrderId: number;
  private refs: Map<string, SnapshotRef>;
  private statistics: StatisticsFile[];
  private partitionStatistics: PartitionStatisticsFile[];
  private nextRowId: bigint | undefined;
  private encryptionKeys: EncryptedKey[];
  private lastAddedSchemaId: number | undefined;
  private lastAddedSpecId: number | undefined;
  private lastAddedOrderId: number | undefined;
  private readonly addedSnapshotIds = new Set<bigint>();
  private readonly mainTargetsAdded: bigint[] = [];
  private removedSnapshots = false;
  private readonly now: number;

  constructor(
    private readonly base: TableMetadata | undefined,
    updates: readonly TableUpdate[],
    private readonly ctx: UpdateContext,
  ) {
    this.now = ctx.nowMs ?? Date.now();
    const upgrade = updates.find((u) => u.action === 'upgrade-format-version');
    const initialVersion = upgrade?.action === 'upgrade-format-version' ? upgrade.formatVersion : DEFAULT_FORMAT_VERSION;
    if (base === undefined && (initialVersion < 1 || initialVersion > SUPPORTED_FORMAT_VERSION)) {
      throw new UnsupportedError(`cannot create a table with format version ${initialVersion}; lakekit supports versions 1 to ${SUPPORTED_FORMAT_VERSION}`);
    }
    this.formatVersion = base?.formatVersion ?? (initialVersion as FormatVersion);
    this.tableUuid = base?.tableUuid;
    this.location = base?.location ?? '';
    this.lastSequenceNumber = base?.lastSequenceNumber ?? 0n;
    this.lastColumnId = base?.lastColumnId ?? 0;
    this.schemas = [...(base?.schemas ?? [])];
    this.currentSchemaId = base?.currentSchemaId ?? -1;
    this.specs = [...(base?.partitionSpecs ?? [])];
    this.defaultSpecId = base?.defaultSpecId ?? -1;
    this.lastPartitionId = base?.lastPartitionId ?? PARTITION_DATA_ID_START - 1;
    this.properties = new Map(Object.entries(base?.properties ?? {}));
    this.currentSnapshotId = base?.currentSnapshotId;
    this.snapshots = [...(base?.snapshots ?? [])];
    this.snapshotLog = [...(base?.snapshotLog ?? [])];
    this.sortOrders = [...(base?.sortOrders ?? [])];
    this.defaultSortOrderId = base?.defaultSortOrderId ?? -1;
    this.refs = new Map(Object.entries(base?.refs ?? {}));
    this.statistics = [...(base?.statistics ?? [])];
    this.partitionStatistics = [...(base?.partitionStatistics ?? [])];
    this.nextRowId = base?.nextRowId ?? (this.formatVersion >= 3 ? 0n : undefined);
    this.encryptionKeys = [...(base?.encryptionKeys ?? [])];
  }

  /** Apply one update. */
  apply(u: TableUpdate): void {
    switch (u.action) {
      case 'assign-uuid':
        if (this.tableUuid !== undefined && this.tableUuid.toLowerCase() !== u.uuid.toLowerCase()) {
          invalid(`cannot change the table UUID from ${this.tableUuid} to ${u.uuid}; a UUID is only assigned when a table is created`);
        }
        this.tableUuid = u.uuid;
        return;
      case 'upgrade-format-version':
        return this.upgrade(u.formatVersion);
      case 'add-schema':
        return this.addSchema(u.schema, u.lastColumnId);
      case 'set-current-schema': {
        const id = u.schemaId === -1 ? this.lastAddedSchemaId ?? invalid('cannot set the last added schema as current: no schema was added in this commit') : u.schemaId;
        if (!this.schemas.some((s) => s.schemaId === id)) invalid(`cannot set current schema to unknown schema ${id}; add it first`);
        this.currentSchemaId = id;
        return;
      }
      case 'add-spec':
        return this.addSpec(u.spec);
      case 'set-default-spec': {
        const id = u.specId === -1 ? this.lastAddedSpecId ?? invalid('cannot set the last added partition spec as default: no spec was added in this commit') : u.specId;
        if (!this.specs.some((s) => s.specId === id)) invalid(`cannot set default partition spec to unknown spec ${id}; add it first`);
        this.defaultSpecId = id;
        return;
      }
      case 'add-sort-order':
        return this.addSortOrder(u.sortOrder);
      case 'set-default-sort-order': {
        const id = u.sortOrderId === -1 ? this.lastAddedOrderId ?? invalid('cannot set the last added sort order as default: no sort order was added in this commit') : u.sortOrderId;
        if (!this.sortOrders.some((s) => s.orderId === id)) invalid(`cannot set default sort order to unknown order ${id}; add it first`);
        this.defaultSortOrderId = id;
        return;
      }
      case 'add-snapshot':
        return this.addSnapshot(u.snapshot);
      case 'set-snapshot-ref':
        return this.setRef(u.refName, u.ref);
      case 'remove-snapshots':
        return this.removeSnapshots(new Set(u.snapshotIds));
      case 'remove-snapshot-ref':
        if (u.refName === MAIN_BRANCH) this.currentSnapshotId = undefined;
        this.refs.delete(u.refName);
        return;
      case 'set-location':
        this.location = u.location;
        return;
      case 'set-properties':
        for (const [k, v] of Object.entries(u.updates)) this.properties.set(k, v);
        return;
      case 'remove-properties':
        for (const k of u.removals) this.properties.delete(k);
        return;
      case 'set-statistics':
        this.statistics = [...this.statistics.filter((s) => s.snapshotId !== u.statistics.snapshotId), u.statistics];
        return;
      case 'remove-statistics':
        this.statistics = this.statistics.filter((s) => s.snapshotId !== u.snapshotId);
        return;
      case 'set-partition-statistics':
        this.partitionStatistics = [...this.partitionStatistics.filter((s) => s.snapshotId !== u.partitionStatistics.snapshotId), u.partitionStatistics];
        return;
      case 'remove-partition-statistics':
        this.partitionStatistics = this.partitionStatistics.filter((s) => s.snapshotId !== u.snapshotId);
        return;
      case 'remove-partition-specs':
        if (u.specIds.includes(this.defaultSpecId)) invalid(`cannot remove the default partition spec ${this.defaultSpecId}; set another default first`);
        this.specs = this.specs.filter((s) => !u.specIds.includes(s.specId));
        return;
      case 'remove-schemas':
        if (u.schemaIds.includes(this.currentSchemaId)) invalid(`cannot remove the current schema ${this.currentSchemaId}; set another current schema first`);
        this.schemas = this.schemas.filter((s) => !u.schemaIds.includes(s.schemaId));
        return;
      case 'add-encryption-key':
        if (!this.encryptionKeys.some((k) => k.keyId === u.encryptionKey.keyId)) this.encryptionKeys.push(u.encryptionKey);
        return;
      case 'remove-encryption-key':
        this.encryptionKeys = this.encryptionKeys.filter((k) => k.keyId !== u.keyId);
        return;
      default:
        invalid(`unknown table update action ${String((u as { action?: unknown }).action)}; see TableUpdate in the Iceberg REST catalog spec`);
    }
  }

  private upgrade(version: number): void {
    if (version > SUPPORTED_FORMAT_VERSION) throw new UnsupportedError(`cannot upgrade to format version ${version}; lakekit supports up to ${SUPPORTED_FORMAT_VERSION}`);
    if (version < this.formatVersion) invalid(`cannot downgrade a v${this.formatVersion} table to v${version}`);
    if (version === this.formatVersion) return;
    this.formatVersion = version as FormatVersion;
    if (version >= 3 && this.nextRowId === undefined) this.nextRowId = 0n;
  }

  private addSchema(schema: Schema, lastColumnId?: number): void {
    validateSchema(schema);
    checkSchemaCompatibility(schema, this.formatVersion);
    const same = this.schemas.find((s) => sameSchema(s, schema));
    const id = same?.schemaId ?? (this.schemas.length === 0 ? schema.schemaId : Math.max(...this.schemas.map((s) => s.schemaId)) + 1);
    if (same === undefined) this.schemas.push(id === schema.schemaId ? schema : withSchemaId(schema, id));
    this.lastColumnId = Math.max(this.lastColumnId, lastColumnId ?? 0, highestFieldId(schema));
    this.lastAddedSchemaId = id;
  }

  private currentSchema(): Schema {
    return this.schemas.find((s) => s.schemaId === this.currentSchemaId) ?? invalid('add a schema and make it current before adding partition specs or sort orders');
  }

  private addSpec(spec: PartitionSpec): void {
    const same = this.specs.find((s) => specCompatible(s, spec));
    if (same !== undefined) {
      this.lastAddedSpecId = same.specId;
      return;
    }
    validatePartitionSpec(spec, this.currentSchema());
    if (this.formatVersion === 1 && spec.fields.some((f, i) => f.fieldId !== PARTITION_DATA_ID_START + i)) {
      invalid('v1 partition specs must use sequential field ids from 1000; upgrade the table to v2 to evolve partitioning freely');
    }
    const id = this.specs.length === 0 ? 0 : Math.max(...this.specs.map((s) => s.specId)) + 1;
    this.specs.push(Object.freeze({ ...spec, specId: id }));
    this.lastPartitionId = Math.max(this.lastPartitionId, lastAssignedFieldId(spec));
    this.lastAddedSpecId = id;
  }

  private addSortOrder(order: SortOrder): void {
    if (isUnsorted(order)) {
      if (!this.sortOrders.some((o) => o.orderId === 0)) this.sortOrders.push(UNSORTED_ORDER);
      this.lastAddedOrderId = 0;
      return;
    }
    const same = this.sortOrders.find((o) => sameOrder(o, order));
    if (same !== undefined) {
      this.lastAddedOrderId = same.orderId;
      return;
    }
    validateSortOrder(order, this.currentSchema());
    const id = Math.max(1, ...this.sortOrders.map((o) => o.orderId + 1));
    this.sortOrders.push(Object.freeze({ ...order, orderId: id }));
    this.lastAddedOrderId = id;
  }

  private addSnapshot(s: Snapshot): void {
    if (this.snapshots.some((x) => x.snapshotId === s.snapshotId)) invalid(`snapshot ${s.snapshotId} already exists; use a new snapshot id`);
    if (this.formatVersion > 1 && s.sequenceNumber <= this.lastSequenceNumber && s.parentSnapshotId !== undefined) {
      throw new CommitConflictError(
        `cannot add snapshot ${s.snapshotId} with sequence number ${s.sequenceNumber}: the table is already at ${this.lastSequenceNumber}; refresh the table and retry the commit`,
      );
    }
    if (this.formatVersion >= 3) {
      if (s.firstRowId === undefined || s.addedRows === undefined) invalid(`snapshot ${s.snapshotId} needs first-row-id and added-rows in a v3 table`);
      if (s.firstRowId < (this.nextRowId ?? 0n)) {
        throw new CommitConflictError(`snapshot ${s.snapshotId} has first-row-id ${s.firstRowId}, behind the table's next-row-id ${this.nextRowId}; refresh the table and retry the commit`);
      }
      this.nextRowId = (this.nextRowId ?? 0n) + s.addedRows;
    }
    this.snapshots.push(s);
    this.addedSnapshotIds.add(s.snapshotId);
    this.lastSequenceNumber = s.sequenceNumber;
  }

  private setRef(name: string, ref: SnapshotRef): void {
    const existing = this.refs.get(name);
    if (existing !== undefined && snapshotRefEquals(existing, ref)) return;
    const snapshot = this.snapshots.find((s) => s.snapshotId === ref.snapshotId);
    if (snapshot === undefined) invalid(`cannot set ref ${JSON.stringify(name)} to unknown snapshot ${ref.snapshotId}; add the snapshot first`);
    if (name === MAIN_BRANCH && ref.type !== 'branch') invalid('cannot make "main" a tag; it must be a branch');
    if (name === MAIN_BRANCH) {
      this.currentSnapshotId = ref.snapshotId;
      const added = this.addedSnapshotIds.has(ref.snapshotId);
      if (added) this.mainTargetsAdded.push(ref.snapshotId);
      // a rollback to an existing snapshot is logged at the time of the change
      this.snapshotLog.push({ timestampMs: added ? snapshot!.timestampMs : this.now, snapshotId: ref.snapshotId });
    }
    this.refs.set(name, Object.freeze({ ...ref }));
  }

  private removeSnapshots(ids: ReadonlySet<bigint>): void {
    if (!this.snapshots.some((s) => ids.has(s.snapshotId))) return;
    this.removedSnapshots = true;
    this.snapshots = this.snapshots.filter((s) => !ids.has(s.snapshotId));
    this.statistics = this.statistics.filter((s) => !ids.has(s.snapshotId));
    this.partitionStatistics = this.partitionStatistics.filter((s) => !ids.has(s.snapshotId));
    for (const [name, ref] of [...this.refs]) {
      if (ids.has(ref.snapshotId)) {
        this.refs.delete(name);
        if (name === MAIN_BRANCH) this.currentSnapshotId = undefined;
      }
    }
  }

  /** The resulting metadata (validated by the caller). */
  build(): TableMetadata {
    const tableUuid = this.tableUuid ?? (this.base === undefined || this.formatVersion > 1 ? crypto.randomUUID() : undefined);
    return {
      formatVersion: this.formatVersion,
      ...(tableUuid !== undefined ? { tableUuid } : {}),
      location: this.location,
      lastSequenceNumber: this.lastSequenceNumber,
      lastUpdatedMs: this.now,
      lastColumnId: this.lastColumnId,
      schemas: this.schemas,
      currentSchemaId: this.currentSchemaId,
      partitionSpecs: this.specs,
      defaultSpecId: this.defaultSpecId,
      lastPartitionId: this.lastPartitionId,
      properties: Object.fromEntries(this.properties),
      ...(this.currentSnapshotId !== undefined ? { currentSnapshotId: this.currentSnapshotId } : {}),
      snapshots: this.snapshots,
      snapshotLog: settleSnapshotLog(this.snapshotLog, this.snapshots, this.currentSnapshotId, this.mainTargetsAdded, this.removedSnapshots),
      metadataLog: appendMetadataLog(this.base, this.ctx.previousMetadataLocation, this.properties.get(METADATA_PREVIOUS_VERSIONS_MAX)),
      sortOrders: this.sortOrders,
      defaultSortOrderId: this.defaultSortOrderId,
      refs: Object.fromEntries(this.refs),
      statistics: this.statistics,
      partitionStatistics: this.partitionStatistics,
      ...(this.formatVersion >= 3 ? { nextRowId: this.nextRowId ?? 0n } : {}),
      encryptionKeys: this.encryptionKeys,
      extra: this.base?.extra ?? {},
    };
  }
}
