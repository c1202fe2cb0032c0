/**
 * The contract every metadata evolution builder follows: it records what the
 * user asked for (the intent) and, given the table's current metadata,
 * returns the REST `requirements` and `updates` of one catalog commit.
 *
 * `build` is a pure, deterministic function of (metadata, intent): a commit
 * loop that hits a conflict reloads the metadata and calls `build` again with
 * the same builder, and gets the same answer for the same metadata.
 */
import type { TableMetadata } from '../spec/metadata.js';
import type { TableRequirement, TableUpdate } from '../spec/table-update.js';

/** What one catalog commit needs: preconditions and changes, in the REST vocabulary. */
export interface MetadataChanges {
  /** Preconditions the catalog checks before applying `updates` (a failure is a commit conflict). */
  readonly requirements: readonly TableRequirement[];
  /** Changes, in order; empty when the intent changes nothing. */
  readonly updates: readonly TableUpdate[];
}

/**
 * A recorded change to table metadata, replayable against any version of the
 * metadata.
 *
 * @example
 * ```ts
 * const change = new UpdateSchema().addColumn('email', Types.string);
 * const { requirements, updates } = change.build(table.metadata);
 * await catalog.commitTable(id, requirements, updates);
 * ```
 */
export interface PendingUpdate {
  /** The requirements and updates that apply the recorded intent to `base`. Throws ValidationError when it cannot apply. */
  build(base: TableMetadata): MetadataChanges;
}

/** `assert-table-uuid` for tables that have a UUID (every v2+ table), as Java's `UpdateRequirements` always adds. */
export function tableUuidRequirement(base: TableMetadata): TableRequirement[] {
  return base.tableUuid !== undefined ? [{ type: 'assert-table-uuid', uuid: base.tableUuid }] : [];
}
