/**
 * Applying {@link TableUpdate}s to table metadata and checking
 * {@link TableRequirement}s — what a catalog does on commit, with the same
 * semantics as Java's `TableMetadata.Builder` (which the REST reference
 * server uses): schemas, specs and sort orders are reused when an equal one
 * exists, `-1` means "last added", setting `main` moves the current snapshot
 * and appends to the snapshot log, removing snapshots drops dangling refs,
 * statistics and the broken part of the snapshot log, and each new metadata
 * file records the previous one in the metadata log.
 *
 * Everything is pure: the input metadata is never modified.
 *
 * @example
 * ```ts
 * checkRequirements(base, [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: base.currentSnapshotId ?? null }]);
 * const next = applyUpdates(base, [
 *   { action: 'add-snapshot', snapshot },
 *   { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: snapshot.snapshotId, type: 'branch' } },
 * ], { previousMetadataLocation: 's3://b/t/metadata/v3.metadata.json' });
 * ```
 */
import { CommitConflictError, ValidationError } from '../../errors.js';
import type { TableMetadata } from './metadata.js';
import { validateTableMetadata } from './metadata.js';
import type { PartitionSpec } from './partition.js';
import type { Schema } from './schema.js';
import type { TableRequirement, TableUpdate } from './table-update.js';
import { MetadataBuilder } from './metadata-builder.js';
import type { UpdateContext } from './metadata-builder.js';
import type { Snapshot, SnapshotRef } from './snapshot.js';
import { MAIN_BRANCH } from './snapshot.js';
import type { SortOrder } from './sort-order.js';

export type { UpdateContext } from './metadata-builder.js';

/**
 * Apply updates in order and return the new metadata. `base` undefined
 * creates a table (start a create transaction with `assign-uuid`,
 * `add-schema`, `set-current-schema` -1, `add-spec`, … as the REST protocol
 * does). With no updates the base is returned unchanged. Throws
 * ValidationError for updates that can never apply, CommitConflictError for
 * ones that conflict with a concurrent commit (retry after refreshing).
 */
export function applyUpdates(base: TableMetadata | undefined, updates: readonly TableUpdate[], ctx: UpdateContext = {}): TableMetadata {
  if (base !== undefined && updates.length === 0) return base;
  const b = new MetadataBuilder(base, updates, ctx);
  for (const u of updates) b.apply(u);
  const result = b.build();
  if (result.location === '') throw new ValidationError('a new table needs a location; include a set-location update');
  validateTableMetadata(result);
  return result;
}

function conflict(problem: string): never {
  throw new CommitConflictError(`commit requirement failed: ${problem}; refresh the table and retry the commit`, { context: { problem } });
}

/**
 * Check commit requirements against the current metadata (undefined when the
 * table does not exist). Throws CommitConflictError on the first that fails.
 */
export function checkRequirements(current: TableMetadata | undefined, requirements: readonly TableRequirement[]): void {
  for (const r of requirements) {
    if (r.type === 'assert-create') {
      if (current !== undefined) conflict('the table already exists');
      continue;
    }
    if (current === undefined) conflict(`the table does not exist (${r.type})`);
    switch (r.type) {
      case 'assert-table-uuid':
        if (current.tableUuid?.toLowerCase() !== r.uuid.toLowerCase()) conflict(`table UUID is ${current.tableUuid ?? 'unset'}, expected ${r.uuid} (the table was replaced)`);
        break;
      case 'assert-ref-snapshot-id': {
        const ref = Object.prototype.hasOwnProperty.call(current.refs, r.ref) ? current.refs[r.ref] : undefined;
        if (r.snapshotId === null) {
          if (ref !== undefined) conflict(`ref ${JSON.stringify(r.ref)} was created concurrently (now at snapshot ${ref.snapshotId})`);
        } else if (ref === undefined) {
          conflict(`ref ${JSON.stringify(r.ref)} no longer exists, expected snapshot ${r.snapshotId}`);
        } else if (ref.snapshotId !== r.snapshotId) {
          conflict(`ref ${JSON.stringify(r.ref)} is at snapshot ${ref.snapshotId}, expected ${r.snapshotId}`);
        }
        break;
      }
      case 'assert-last-assigned-field-id':
        if (current.lastColumnId !== r.lastAssignedFieldId) conflict(`last assigned field id is ${current.lastColumnId}, expected ${r.lastAssignedFieldId}`);
        break;
      case 'assert-current-schema-id':
        if (current.currentSchemaId !== r.currentSchemaId) conflict(`current schema id is ${current.currentSchemaId}, expected ${r.currentSchemaId}`);
        break;
      case 'assert-last-assigned-partition-id':
        if (current.lastPartitionId !== r.lastAssignedPartitionId) conflict(`last assigned partition id is ${current.lastPartitionId}, expected ${r.lastAssignedPartitionId}`);
        break;
      case 'assert-default-spec-id':
        if (current.defaultSpecId !== r.defaultSpecId) conflict(`default partition spec id is ${current.defaultSpecId}, expected ${r.defaultSpecId}`);
        break;
      case 'assert-default-sort-order-id':
        if (current.defaultSortOrderId !== r.defaultSortOrderId) conflict(`default sort order id is ${current.defaultSortOrderId}, expected ${r.defaultSortOrderId}`);
        break;
    }
  }
}

/**
 * The requirements that protect a set of updates against concurrent commits
 * (like Java's `UpdateRequirements.forUpdateTable`): the table UUID always,
 * plus the ref, schema, spec and sort-order state each kind of update builds on.
 */
export function requirementsFor(base: TableMetadata | undefined, updates: readonly TableUpdate[]): TableRequirement[] {
  if (base === undefined) return [{ type: 'assert-create' }];
  const out: TableRequirement[] = base.tableUuid !== undefined ? [{ type: 'assert-table-uuid', uuid: base.tableUuid }] : [];
  const seen = new Set<string>();
  const add = (key: string, r: TableRequirement) => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(r);
    }
  };
  for (const u of updates) {
    switch (u.action) {
      case 'set-snapshot-ref': {
        const ref = Object.prototype.hasOwnProperty.call(base.refs, u.refName) ? base.refs[u.refName] : undefined;
        add(`ref:${u.refName}`, { type: 'assert-ref-snapshot-id', ref: u.refName, snapshotId: ref?.snapshotId ?? null });
        break;
      }
      case 'add-schema':
        add('field-id', { type: 'assert-last-assigned-field-id', lastAssignedFieldId: base.lastColumnId });
        break;
      case 'set-current-schema':
        add('schema', { type: 'assert-current-schema-id', currentSchemaId: base.currentSchemaId });
        break;
      case 'add-spec':
        add('partition-id', { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: base.lastPartitionId });
        break;
      case 'set-default-spec':
        add('spec', { type: 'assert-default-spec-id', defaultSpecId: base.defaultSpecId });
        break;
      case 'set-default-sort-order':
        add('order', { type: 'assert-default-sort-order-id', defaultSortOrderId: base.defaultSortOrderId });
        break;
      default:
        break;
    }
  }
  return out;
}

/** Add a snapshot (pure; one-update {@link applyUpdates}). */
export function addSnapshot(m: TableMetadata, snapshot: Snapshot, ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'add-snapshot', snapshot }], ctx);
}

/** Point a branch or tag at a snapshot; `main` also moves the current snapshot (pure). */
export function setSnapshotRef(m: TableMetadata, refName: string, ref: SnapshotRef, ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'set-snapshot-ref', refName, ref }], ctx);
}

/** Add a snapshot and make it the head of a branch (default `main`) in one step (pure). */
export function commitSnapshot(m: TableMetadata, snapshot: Snapshot, branch = MAIN_BRANCH, ctx?: UpdateContext): TableMetadata {
  const existing = Object.prototype.hasOwnProperty.call(m.refs, branch) ? m.refs[branch] : undefined;
  const ref: SnapshotRef = existing !== undefined ? { ...existing, snapshotId: snapshot.snapshotId } : { snapshotId: snapshot.snapshotId, type: 'branch' };
  return applyUpdates(m, [{ action: 'add-snapshot', snapshot }, { action: 'set-snapshot-ref', refName: branch, ref }], ctx);
}

/** Add a schema (reusing an equal one) and optionally make it current (pure). */
export function addSchema(m: TableMetadata, schema: Schema, makeCurrent = false, ctx?: UpdateContext): TableMetadata {
  const updates: TableUpdate[] = [{ action: 'add-schema', schema }];
  if (makeCurrent) updates.push({ action: 'set-current-schema', schemaId: -1 });
  return applyUpdates(m, updates, ctx);
}

/** Make an existing schema current (pure). */
export function setCurrentSchema(m: TableMetadata, schemaId: number, ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'set-current-schema', schemaId }], ctx);
}

/** Add a partition spec (reusing an equivalent one) and optionally make it the default (pure). */
export function addPartitionSpec(m: TableMetadata, spec: PartitionSpec, makeDefault = false, ctx?: UpdateContext): TableMetadata {
  const updates: TableUpdate[] = [{ action: 'add-spec', spec }];
  if (makeDefault) updates.push({ action: 'set-default-spec', specId: -1 });
  return applyUpdates(m, updates, ctx);
}

/** Make an existing partition spec the default (pure). */
export function setDefaultSpec(m: TableMetadata, specId: number, ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'set-default-spec', specId }], ctx);
}

/** Add a sort order (reusing an equal one) and optionally make it the default (pure). */
export function addSortOrder(m: TableMetadata, sortOrder: SortOrder, makeDefault = false, ctx?: UpdateContext): TableMetadata {
  const updates: TableUpdate[] = [{ action: 'add-sort-order', sortOrder }];
  if (makeDefault) updates.push({ action: 'set-default-sort-order', sortOrderId: -1 });
  return applyUpdates(m, updates, ctx);
}

/** Set table properties (pure). */
export function setProperties(m: TableMetadata, updates: Readonly<Record<string, string>>, ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'set-properties', updates }], ctx);
}

/** Remove table properties (pure). */
export function removeProperties(m: TableMetadata, removals: readonly string[], ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'remove-properties', removals }], ctx);
}

/** Remove snapshots, the refs that pointed at them and their statistics (pure). */
export function removeSnapshots(m: TableMetadata, snapshotIds: readonly bigint[], ctx?: UpdateContext): TableMetadata {
  return applyUpdates(m, [{ action: 'remove-snapshots', snapshotIds }], ctx);
}
