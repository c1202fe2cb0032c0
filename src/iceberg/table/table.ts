/**
 * A loaded Iceberg table: its current metadata, the catalog that commits for
 * it and the FileIO that reads and writes its files. Operations (appends,
 * deletes, schema and spec evolution, maintenance) commit through
 * {@link Table.commit}, which re-plans them on conflicts.
 */
import type { Catalog, LoadTableResult } from '../../catalog/catalog.js';
import { identifierToString, tableIdentifier, type TableIdentifier } from '../../catalog/identifier.js';
import { ValidationError, isLakeError } from '../../errors.js';
import type { DataFile } from '../manifest/types.js';
import { planFiles, type FileScanTask, type ScanOptions } from '../scan/plan.js';
import type { ReadOptions } from '../scan/read.js';
import { TableScan } from '../scan/table-scan.js';
import type { Expression } from '../expressions/expression.js';
import { deleteWhere, type DeleteWhereOptions, type RowChangeResult } from '../operations/delete-where.js';
import { overwritePartitions, overwriteWhere, type OverwriteData, type OverwritePartitionsOptions, type OverwriteWhereOptions } from '../operations/overwrite.js';
import { rewriteDataFiles, type RewriteDataFilesOptions, type RewriteDataFilesResult } from '../operations/rewrite-data-files.js';
import { expireSnapshots, type ExpireSnapshotsOptions, type ExpireSnapshotsResult } from '../operations/expire-snapshots.js';
import { removeOrphanFiles, type RemoveOrphanFilesOptions, type RemoveOrphanFilesResult } from '../operations/remove-orphan-files.js';
import { rowsToArrow } from '../../formats/arrow/rows-to-arrow.js';
import { writeDataFiles, type ArrowInput, type WriteDataFilesOptions } from '../write/data-writer.js';
import { SnapshotProducer, type SnapshotChanges } from './snapshot-producer.js';
import type { PendingUpdate } from '../update/pending-update.js';
import { UpdateSchema, type UpdateSchemaOptions } from '../update/update-schema.js';
import { UpdatePartitionSpec } from '../update/update-partition-spec.js';
import { ReplaceSortOrder } from '../update/replace-sort-order.js';
import { ManageSnapshots } from '../update/manage-snapshots.js';
import type { FileIO } from '../../io/file-io.js';
import {
  currentSchema,
  currentSnapshot,
  defaultSortOrder,
  defaultSpec,
  schemaById,
  snapshotById,
  snapshotByRef,
  specById,
  type TableMetadata,
} from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import type { Snapshot, SnapshotRef } from '../spec/snapshot.js';
import type { SortOrder } from '../spec/sort-order.js';
import { commitWithRetry, type CommitPlan, type CommitRetryOptions } from './commit.js';

/**
 * Checked against the freshest table metadata on every attempt of a commit
 * (the first and each retry after a conflict); throwing from it stops the
 * commit with that error, and the operation's new files are deleted.
 */
export type CommitPrecondition = (metadata: TableMetadata) => void;

/** Options of {@link Table.append}. */
export interface AppendOptions extends WriteDataFilesOptions {
  /** Extra snapshot summary entries. */
  summary?: Readonly<Record<string, string>>;
  /** See {@link CommitPrecondition}: use it for exactly-once loads (a batch id already in a summary). */
  precondition?: CommitPrecondition;
}

/**
 * An Iceberg table.
 *
 * @example
 * ```ts
 * const table = await Table.load(catalog, 'gold.daily_kpis');
 * console.log(table.schema().fields.map((f) => f.name), table.currentSnapshot()?.snapshotId);
 * ```
 */
export class Table {
  #state: LoadTableResult;
  readonly catalog: Catalog;
  readonly io: FileIO;

  constructor(catalog: Catalog, state: LoadTableResult, io?: FileIO) {
    this.catalog = catalog;
    this.#state = state;
    this.io = io ?? catalog.fileIO(state);
  }

  /** Load a table by identifier (`'ns.table'` or an identifier object). */
  static async load(catalog: Catalog, id: string | TableIdentifier): Promise<Table> {
    return new Table(catalog, await catalog.loadTable(tableIdentifier(id)));
  }

  get identifier(): TableIdentifier {
    return this.#state.identifier;
  }
  /** `namespace.table`. */
  get name(): string {
    return identifierToString(this.#state.identifier);
  }
  get metadata(): TableMetadata {
    return this.#state.metadata;
  }
  get metadataLocation(): string | undefined {
    return this.#state.metadataLocation;
  }
  /** The table's base location (no trailing slash). */
  get location(): string {
    return this.#state.metadata.location.replace(/\/+$/, '');
  }
  get properties(): Readonly<Record<string, string>> {
    return this.#state.metadata.properties;
  }
  /** The state last loaded or committed. */
  get state(): LoadTableResult {
    return this.#state;
  }

  /** The current schema, or the one with `schemaId`. */
  schema(schemaId?: number): Schema {
    if (schemaId === undefined) return currentSchema(this.metadata);
    const s = schemaById(this.metadata, schemaId);
    if (s === undefined) throw new ValidationError(`table ${this.name} has no schema ${schemaId}; known: ${this.metadata.schemas.map((x) => x.schemaId).join(', ')}`);
    return s;
  }

  /** The default partition spec, or the one with `specId`. */
  spec(specId?: number): PartitionSpec {
    if (specId === undefined) return defaultSpec(this.metadata);
    const s = specById(this.metadata, specId);
    if (s === undefined) throw new ValidationError(`table ${this.name} has no partition spec ${specId}`);
    return s;
  }

  /** Partition specs by id. */
  specsById(): Map<number, PartitionSpec> {
    return new Map(this.metadata.partitionSpecs.map((s) => [s.specId, s]));
  }

  sortOrder(): SortOrder {
    return defaultSortOrder(this.metadata);
  }

  currentSnapshot(): Snapshot | undefined {
    return currentSnapshot(this.metadata);
  }

  /** A snapshot by id; `ValidationError` if the table has no such snapshot. */
  snapshot(snapshotId: bigint): Snapshot {
    const s = snapshotById(this.metadata, snapshotId);
    if (s === undefined) throw new ValidationError(`table ${this.name} has no snapshot ${snapshotId}; see table.snapshots()`);
    return s;
  }

  /** The snapshot a branch or tag points at. */
  snapshotByRef(ref: string): Snapshot | undefined {
    return snapshotByRef(this.metadata, ref);
  }

  snapshots(): readonly Snapshot[] {
    return this.metadata.snapshots;
  }

  refs(): Readonly<Record<string, SnapshotRef>> {
    return this.metadata.refs;
  }

  /** Reload from the catalog. */
  async refresh(): Promise<this> {
    this.#state = await this.catalog.loadTable(this.identifier);
    return this;
  }

  /**
   * Commit a change planned against the current state; on a conflict the
   * table is reloaded and `plan` runs again. Updates this table's state.
   */
  async commit(plan: (current: LoadTableResult, attempt: number) => Promise<CommitPlan> | CommitPlan, options?: CommitRetryOptions): Promise<this> {
    this.#state = await commitWithRetry(this.catalog, this.identifier, this.#state, plan, options);
    return this;
  }

  /**
   * Commit a new snapshot described by `changes` (re-planned on conflicts).
   * Files written for attempts that did not land are deleted; after a
   * CommitStateUnknownError nothing is deleted, since the commit may have landed.
   */
  async commitSnapshot(changes: SnapshotChanges): Promise<Snapshot> {
    const producer = new SnapshotProducer(this.io, changes);
    try {
      await this.commit((current) => producer.plan(current.metadata));
    } catch (e) {
      if (!isLakeError(e, 'COMMIT_STATE_UNKNOWN')) await producer.cleanUp(false);
      throw e;
    }
    await producer.cleanUp(true);
    return producer.snapshot!;
  }

  /**
   * Append data files that are already written (a fast append: existing
   * manifests are carried as they are). `precondition` is checked against the
   * freshest metadata on every commit attempt; throw from it to stop the commit.
   */
  async appendFiles(files: readonly DataFile[], summary: Readonly<Record<string, string>> = {}, precondition?: CommitPrecondition): Promise<Snapshot> {
    return this.commitSnapshot({ operation: 'append', addedDataFiles: files, summary, ...(precondition === undefined ? {} : { validate: (_parent, metadata) => precondition(metadata) }) });
  }

  /**
   * Write `data` (Arrow, or row objects converted once) as new data files
   * partitioned by the default spec, and commit them as one append. If the
   * commit fails (or `precondition` throws), the new files are deleted.
   *
   * @example
   * ```ts
   * // Exactly once: a batch id recorded in the snapshot summary, checked on every commit attempt.
   * await table.append(rows, {
   *   summary: { 'etl.batch': 'b-42' },
   *   precondition: (m) => { if (m.snapshots.some((s) => s.summary?.['etl.batch'] === 'b-42')) throw new Error('b-42 is in already'); },
   * });
   * ```
   */
  async append(data: ArrowInput | readonly Record<string, unknown>[], options: AppendOptions = {}): Promise<Snapshot> {
    const input = Array.isArray(data) ? rowsToArrow(data as Record<string, unknown>[], this.schema()) : (data as ArrowInput);
    const files = await writeDataFiles(this.io, this.metadata, input, options);
    try {
      return await this.appendFiles(files, options.summary ?? {}, options.precondition);
    } catch (e) {
      if (!isLakeError(e, 'COMMIT_STATE_UNKNOWN')) await this.io.deleteMany(files.map((f) => f.filePath)).catch(() => undefined);
      throw e;
    }
  }

  /** Delete the rows matching `filter` (copy-on-write): `await table.delete("account = 'closed-7'")`. */
  delete(filter: Expression | string, options?: DeleteWhereOptions): Promise<RowChangeResult> {
    return deleteWhere(this, filter, options);
  }

  /** Replace the rows matching `filter` with `data`, in one snapshot. */
  overwrite(filter: Expression | string, data: OverwriteData, options?: OverwriteWhereOptions): Promise<RowChangeResult> {
    return overwriteWhere(this, filter, data, options);
  }

  /** Replace exactly the partitions present in `data` (dynamic partition overwrite). */
  overwritePartitions(data: OverwriteData, options?: OverwritePartitionsOptions): Promise<RowChangeResult> {
    return overwritePartitions(this, data, options);
  }

  /** Compact small data files into files near the target size (a 'replace' snapshot; rows are unchanged). */
  rewriteDataFiles(options?: RewriteDataFilesOptions): Promise<RewriteDataFilesResult> {
    return rewriteDataFiles(this, options);
  }

  /** Expire old snapshots and delete the files only they referenced. */
  expireSnapshots(options?: ExpireSnapshotsOptions): Promise<ExpireSnapshotsResult> {
    return expireSnapshots(this, options);
  }

  /** Delete files under the table location that no snapshot or metadata file references. */
  removeOrphanFiles(options?: RemoveOrphanFilesOptions): Promise<RemoveOrphanFilesResult> {
    return removeOrphanFiles(this, options);
  }

  /** A read of the table: `await table.scan({ filter: 'id > 10' }).toRows()`. */
  scan(options: ReadOptions = {}): TableScan {
    return new TableScan(this.io, this.metadata, options);
  }

  /** The data files a scan must read, with their delete files and residual filters. */
  planFiles(options: ScanOptions = {}): AsyncIterable<FileScanTask> {
    return planFiles(this.io, this.metadata, options);
  }

  /**
   * Commit a recorded metadata change (schema, partition spec, sort order,
   * properties, branches and tags); it is rebuilt against fresh metadata on
   * every retry.
   *
   * @example
   * ```ts
   * await table.apply(new UpdateSchema().addColumn('email', Types.string).renameColumn('acct', 'account'));
   * ```
   */
  async apply(change: PendingUpdate, options?: CommitRetryOptions): Promise<this> {
    return this.commit((current) => change.build(current.metadata), options);
  }

  /** Evolve the schema: `table.updateSchema((u) => u.addColumn('email', Types.string))`. */
  async updateSchema(edit: (u: UpdateSchema) => unknown, options: UpdateSchemaOptions = {}): Promise<this> {
    const u = new UpdateSchema(options);
    edit(u);
    return this.apply(u);
  }

  /** Evolve the partition spec: `table.updateSpec((u) => u.addField('ts', Transforms.month))`. */
  async updateSpec(edit: (u: UpdatePartitionSpec) => unknown, options: { caseSensitive?: boolean } = {}): Promise<this> {
    const u = new UpdatePartitionSpec(options);
    edit(u);
    return this.apply(u);
  }

  /** Replace the sort order: `table.replaceSortOrder((u) => u.asc('ts'))`. */
  async replaceSortOrder(edit: (u: ReplaceSortOrder) => unknown, options: { caseSensitive?: boolean } = {}): Promise<this> {
    const u = new ReplaceSortOrder(options);
    edit(u);
    return this.apply(u);
  }

  /** Manage branches, tags and rollbacks: `table.manageSnapshots((m) => m.createTag('eom-2026-10', id))`. */
  async manageSnapshots(edit: (m: ManageSnapshots) => unknown): Promise<this> {
    const m = new ManageSnapshots();
    edit(m);
    return this.apply(m);
  }

  /** Set and remove table properties in one commit. */
  async updateProperties(set: Readonly<Record<string, string>>, remove: readonly string[] = []): Promise<this> {
    const clash = remove.filter((k) => k in set);
    if (clash.length > 0) throw new ValidationError(`properties ${clash.join(', ')} are both set and removed; do one or the other`);
    return this.commit(() => ({
      requirements: [],
      updates: [
        ...(Object.keys(set).length > 0 ? [{ action: 'set-properties' as const, updates: set }] : []),
        ...(remove.length > 0 ? [{ action: 'remove-properties' as const, removals: remove }] : []),
      ],
    }));
  }
}
