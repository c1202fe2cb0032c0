/**
 * Overwrites: replace the rows matching a filter with new data in one
 * snapshot (`INSERT OVERWRITE … WHERE`, Java's `OverwriteFiles` with a row
 * filter), and dynamic partition overwrite (Java's `ReplacePartitions`,
 * Spark's `partitionOverwriteMode=dynamic`): the partitions present in the
 * new data are replaced, every other partition is kept.
 */
import { RecordBatch, Table as ArrowTable } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { rowsToArrow } from '../../formats/arrow/rows-to-arrow.js';
import type { Expression } from '../expressions/expression.js';
import { rowFilter } from '../expressions/filter-batch.js';
import type { DataFile } from '../manifest/types.js';
import { partitionKey } from '../scan/partition-key.js';
import { toExpression } from '../scan/plan.js';
import { currentSchema, defaultSpec, snapshotByRef, type TableMetadata } from '../spec/metadata.js';
import { MAIN_BRANCH } from '../spec/snapshot.js';
import { finalConflict } from '../table/commit.js';
import type { Table } from '../table/table.js';
import { writeDataFiles, type ArrowInput } from '../write/data-writer.js';
import { commitWrittenFiles, deleteUnlessUnknown } from './commit-files.js';
import { checkConflicts, concurrentChanges, isolationLevelFrom, type IsolationLevel } from './concurrent-changes.js';
import { checkFilter, copyOnWriteChanges, planCopyOnWrite, type RowFilterOptions } from './copy-on-write.js';
import type { RowChangeResult } from './delete-where.js';

/** New data for an overwrite: Arrow, or row objects converted once with the table's schema. */
export type OverwriteData = ArrowInput | readonly Record<string, unknown>[];

/** Options for {@link overwriteWhere}. */
export interface OverwriteWhereOptions extends RowFilterOptions {
  /**
   * Reject new rows that do not match the filter (they would survive the
   * next overwrite of the same filter, which is rarely meant). @default true
   */
  validateRowsMatchFilter?: boolean;
}

function arrowInput(table: Table, data: OverwriteData): ArrowInput {
  return Array.isArray(data) ? rowsToArrow(data as Record<string, unknown>[], table.schema()) : (data as ArrowInput);
}

async function* batchesOf(input: ArrowInput): AsyncGenerator<RecordBatch> {
  if (input instanceof ArrowTable) yield* input.batches;
  else if (input instanceof RecordBatch) yield input;
  else yield* input as AsyncIterable<RecordBatch>;
}

/**
 * Replace the rows matching `filter` with `data`, in one `overwrite`
 * snapshot: matching rows are removed copy-on-write (as {@link deleteWhere}),
 * the new rows are appended. Conflicts are checked as for deletes.
 *
 * @example
 * ```ts
 * await overwriteWhere(table, "day = '2026-11-02'", freshRowsForThatDay);
 * ```
 */
export async function overwriteWhere(table: Table, filter: Expression | string, data: OverwriteData, options: OverwriteWhereOptions = {}): Promise<RowChangeResult> {
  checkFilter(filter);
  const expr = toExpression(filter);
  const metadata = table.metadata;
  const schema = currentSchema(metadata);
  let input = arrowInput(table, data);
  if (options.validateRowsMatchFilter ?? true) {
    const matches = rowFilter(schema, expr, { caseSensitive: options.caseSensitive ?? true });
    const source = input;
    let row = 0;
    input = (async function* () {
      for await (const batch of batchesOf(source)) {
        const hit = matches(batch);
        const miss = hit.indexOf(0);
        if (miss >= 0) throw new ValidationError(`new row ${row + miss} does not match the overwrite filter; give rows that match it, or set validateRowsMatchFilter: false`);
        row += batch.numRows;
        yield batch;
      }
    })();
  }
  const added = await writeDataFiles(table.io, metadata, input, options.targetFileSizeBytes === undefined ? {} : { targetFileSizeBytes: options.targetFileSizeBytes });
  let plan;
  try {
    plan = await planCopyOnWrite(table, expr, options);
  } catch (e) {
    await deleteUnlessUnknown(table, added, e);
    throw e;
  }
  const counts = { removedDataFiles: plan.removed.size, rewrittenDataFiles: plan.rewrittenInputs, addedDataFiles: plan.rewritten.length + added.length };
  if (plan.removed.size === 0 && added.length === 0) return { snapshot: undefined, ...counts };
  const changes = copyOnWriteChanges(table, plan, {
    operation: plan.removed.size === 0 ? 'append' : 'overwrite',
    name: 'overwrite',
    filter: expr,
    isolationLevel: options.isolationLevel ?? isolationLevelFrom(table.properties),
    addedDataFiles: added,
    ...(options.branch === undefined ? {} : { branch: options.branch }),
    ...(options.caseSensitive === undefined ? {} : { caseSensitive: options.caseSensitive }),
  });
  return { snapshot: await commitWrittenFiles(table, changes, [...plan.rewritten, ...added]), ...counts };
}

/** Options for {@link overwritePartitions}. */
export interface OverwritePartitionsOptions {
  /** Branch to change. @default 'main' */
  branch?: string;
  /** Size at which new files roll over. @default the table's `write.target-file-size-bytes` */
  targetFileSizeBytes?: number;
  /**
   * Checks against commits made while this one ran. Unset (as Spark's
   * default), the replaced partitions are whatever they hold at commit time.
   * `'snapshot'` fails if a concurrent commit deleted data or added deletes in
   * a replaced partition; `'serializable'` also fails if one added data there.
   */
  isolationLevel?: IsolationLevel;
  /** Extra snapshot summary entries. */
  summary?: Readonly<Record<string, string>>;
  /**
   * Checked against the freshest metadata on every commit attempt; throw to
   * stop the commit (its new files are deleted). Use it for exactly-once loads.
   */
  precondition?: (metadata: TableMetadata) => void;
}

/**
 * Dynamic partition overwrite: write `data` partitioned by the default spec
 * and, in one `overwrite` snapshot, remove every data and delete file of the
 * partitions the new files fall in. An unpartitioned table is replaced whole.
 * Files of older partition specs are kept (as Java does): their partitions
 * are not the new data's.
 *
 * @example
 * ```ts
 * await overwritePartitions(table, rowsForNov2AndNov3); // other days untouched
 * ```
 */
export async function overwritePartitions(table: Table, data: OverwriteData, options: OverwritePartitionsOptions = {}): Promise<RowChangeResult> {
  const metadata = table.metadata;
  const added = await writeDataFiles(table.io, metadata, arrowInput(table, data), options.targetFileSizeBytes === undefined ? {} : { targetFileSizeBytes: options.targetFileSizeBytes });
  if (added.length === 0) return { snapshot: undefined, removedDataFiles: 0, rewrittenDataFiles: 0, addedDataFiles: 0 };
  const spec = defaultSpec(metadata);
  const whole = spec.fields.length === 0;
  const keys = new Set(added.map((f) => partitionKey(spec.specId, f.partition)));
  const replaced = (file: DataFile, specId: number | undefined): boolean => whole || (specId === spec.specId && keys.has(partitionKey(spec.specId, file.partition)));
  const base = snapshotByRef(metadata, options.branch ?? MAIN_BRANCH);
  const isolation = options.isolationLevel;
  const snapshot = await commitWrittenFiles(
    table,
    {
      operation: 'overwrite',
      addedDataFiles: added,
      ...(options.branch === undefined ? {} : { branch: options.branch }),
      ...(options.summary === undefined ? {} : { summary: options.summary }),
      removes: (entry, manifest) => replaced(entry.dataFile, manifest.partitionSpecId),
      mayRemoveFrom: (manifest) => whole || manifest.partitionSpecId === spec.specId,
      validate: async (parent, current: TableMetadata) => {
        options.precondition?.(current);
        if (current.defaultSpecId !== metadata.defaultSpecId) {
          throw finalConflict(`the table's default partition spec changed from ${metadata.defaultSpecId} to ${current.defaultSpecId} while the overwrite ran; run it again`);
        }
        if (isolation === undefined) return;
        const changes = await concurrentChanges(table.io, current, base?.snapshotId, parent);
        const inReplaced = (f: DataFile) => replaced(f, f.specId);
        checkConflicts(changes, current, {
          operation: 'overwrite',
          removedFiles: new Map(),
          conflictingDeletes: inReplaced,
          conflictingRemovals: inReplaced,
          ...(isolation === 'serializable' ? { conflictingData: inReplaced } : {}),
        });
      },
    },
    added,
  );
  const removed = Number(snapshot.summary?.['deleted-data-files'] ?? '0');
  return { snapshot, removedDataFiles: removed, rewrittenDataFiles: 0, addedDataFiles: added.length };
}
