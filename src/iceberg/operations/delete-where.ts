/**
 * `DELETE FROM t WHERE …` as a copy-on-write snapshot: whole files go when
 * every row matches, partly matching files are rewritten without the
 * matching rows. The snapshot is a `delete` when no file had to be
 * rewritten, an `overwrite` otherwise.
 */
import type { Expression } from '../expressions/expression.js';
import { toExpression } from '../scan/plan.js';
import type { Snapshot } from '../spec/snapshot.js';
import type { Table } from '../table/table.js';
import { commitWrittenFiles } from './commit-files.js';
import { isolationLevelFrom } from './concurrent-changes.js';
import { checkFilter, copyOnWriteChanges, planCopyOnWrite, type RowFilterOptions } from './copy-on-write.js';

/** Options for {@link deleteWhere}. */
export type DeleteWhereOptions = RowFilterOptions;

/** What a row-level change did. */
export interface RowChangeResult {
  /** The committed snapshot; undefined when nothing had to change. */
  snapshot: Snapshot | undefined;
  /** Data files removed (dropped whole or rewritten). */
  removedDataFiles: number;
  /** Of those, files rewritten without the matching rows. */
  rewrittenDataFiles: number;
  /** New data files (rewritten rows plus, for overwrites, the new data). */
  addedDataFiles: number;
}

/**
 * Delete the rows matching `filter` (copy-on-write). Concurrent commits are
 * carried when they do not touch what this delete changes; a concurrent
 * removal of a file it rewrites, new deletes for such a file, or (under
 * serializable isolation) new data its filter may match end in a final
 * CommitConflictError, and nothing of this delete stays behind.
 *
 * @example
 * ```ts
 * const r = await deleteWhere(table, "account = 'acc-17' and ts < '2026-01-01T00:00:00Z'");
 * console.log(r.snapshot?.summary?.['deleted-records']);
 * ```
 */
export async function deleteWhere(table: Table, filter: Expression | string, options: DeleteWhereOptions = {}): Promise<RowChangeResult> {
  checkFilter(filter);
  const expr = toExpression(filter);
  const plan = await planCopyOnWrite(table, expr, options);
  const counts = { removedDataFiles: plan.removed.size, rewrittenDataFiles: plan.rewrittenInputs, addedDataFiles: plan.rewritten.length };
  if (plan.removed.size === 0) return { snapshot: undefined, ...counts };
  const changes = copyOnWriteChanges(table, plan, {
    operation: plan.rewritten.length > 0 ? 'overwrite' : 'delete',
    name: 'delete',
    filter: expr,
    isolationLevel: options.isolationLevel ?? isolationLevelFrom(table.properties),
    ...(options.branch === undefined ? {} : { branch: options.branch }),
    ...(options.caseSensitive === undefined ? {} : { caseSensitive: options.caseSensitive }),
  });
  return { snapshot: await commitWrittenFiles(table, changes, plan.rewritten), ...counts };
}
