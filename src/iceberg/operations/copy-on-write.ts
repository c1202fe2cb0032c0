/**
 * Copy-on-write row removal, shared by deletes and overwrites: files whose
 * rows all match a filter are dropped whole (decided from partition values
 * or column metrics, without reading them); files where only some rows
 * match are read (their delete files applied), and the rows that do not
 * match are written to new files that replace them. Files no row of which
 * can match are left alone.
 */
import type { RecordBatch } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { BindOptions } from '../expressions/bind.js';
import type { Expression } from '../expressions/expression.js';
import { rowFilter, selectedIndices } from '../expressions/filter-batch.js';
import { inclusiveMetricsEvaluator } from '../expressions/inclusive-metrics.js';
import { manifestEvaluator } from '../expressions/manifest-evaluator.js';
import { evaluatePartition, partitionEvaluator, strictProjection } from '../expressions/projections.js';
import { strictMetricsEvaluator } from '../expressions/strict-metrics.js';
import { ManifestContent, type DataFile, type ManifestFile } from '../manifest/types.js';
import { planFiles } from '../scan/plan.js';
import { currentSchema, snapshotByRef, type TableMetadata } from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import { MAIN_BRANCH, type Snapshot, type SnapshotOperation } from '../spec/snapshot.js';
import { finalConflict } from '../table/commit.js';
import type { SnapshotChanges } from '../table/snapshot-producer.js';
import type { Table } from '../table/table.js';
import { writeDataFiles } from '../write/data-writer.js';
import { takeRows } from '../write/take.js';
import { readLiveRows } from './commit-files.js';
import { checkConflicts, concurrentChanges, type IsolationLevel } from './concurrent-changes.js';

/** Options shared by operations that remove rows by a filter. */
export interface RowFilterOptions {
  /** Branch to change. @default 'main' */
  branch?: string;
  /** Match column names case-sensitively. @default true */
  caseSensitive?: boolean;
  /** Size at which rewritten files roll over. @default the table's `write.target-file-size-bytes` */
  targetFileSizeBytes?: number;
  /**
   * Conflict checks against concurrent commits. @default the table's
   * `write.delete.isolation-level`, else `'serializable'` (as Java)
   */
  isolationLevel?: IsolationLevel;
}

/** The files a copy-on-write removal replaces, planned against one snapshot. */
export interface CopyOnWritePlan {
  /** The branch head the plan read (undefined for an empty branch). */
  base: Snapshot | undefined;
  /** The metadata the plan read. */
  metadata: TableMetadata;
  /** Data files removed, by path: dropped whole or rewritten. */
  removed: Map<string, DataFile>;
  /** How many of `removed` were rewritten (the rest were dropped whole). */
  rewrittenInputs: number;
  /** New files with the rows of rewritten files that do not match. */
  rewritten: DataFile[];
}

/**
 * Plan (and write the rewritten files of) the removal of the rows matching
 * `filter` from the branch head. The caller commits the plan, or deletes
 * `plan.rewritten` if it does not.
 */
export async function planCopyOnWrite(table: Table, filter: Expression, options: RowFilterOptions = {}): Promise<CopyOnWritePlan> {
  const metadata = table.metadata;
  const base = snapshotByRef(metadata, options.branch ?? MAIN_BRANCH);
  const plan: CopyOnWritePlan = { base, metadata, removed: new Map(), rewrittenInputs: 0, rewritten: [] };
  if (base === undefined) return plan;
  const schema = currentSchema(metadata);
  const bindOpts: BindOptions = { caseSensitive: options.caseSensitive ?? true };
  const allRowsMatch = strictMetricsEvaluator(schema, filter, bindOpts);
  const matches = rowFilter(schema, filter, bindOpts);
  const strictBySpec = new Map<number, (p: DataFile['partition']) => boolean>();
  const partitionAllMatch = (spec: PartitionSpec, partition: DataFile['partition']): boolean => {
    let test = strictBySpec.get(spec.specId);
    if (test === undefined) {
      const projected = strictProjection(schema, spec, filter, bindOpts);
      test = (p) => evaluatePartition(spec, projected, p);
      strictBySpec.set(spec.specId, test);
    }
    return test(partition);
  };
  try {
    for await (const task of planFiles(table.io, metadata, { filter, snapshotId: base.snapshotId, ...bindOpts })) {
      const file = task.file;
      if (task.residual.op === 'true' || partitionAllMatch(task.spec, file.partition) || allRowsMatch(file)) {
        plan.removed.set(file.filePath, file);
        continue;
      }
      let matched = 0;
      const survivors = async function* (): AsyncGenerator<RecordBatch> {
        for await (const batch of readLiveRows(table, schema, task)) {
          const hit = matches(batch);
          const keep = new Uint8Array(batch.numRows);
          let kept = 0;
          for (let i = 0; i < keep.length; i++) {
            keep[i] = hit[i] === 1 ? 0 : 1;
            kept += keep[i]!;
          }
          matched += batch.numRows - kept;
          if (kept === batch.numRows) yield batch;
          else if (kept > 0) yield takeRows(batch, selectedIndices(keep));
        }
      };
      const files = await writeDataFiles(table.io, metadata, survivors(), options.targetFileSizeBytes === undefined ? {} : { targetFileSizeBytes: options.targetFileSizeBytes });
      if (matched === 0) {
        // The metrics said "might match" but no live row does: the file stays as it is.
        await table.io.deleteMany(files.map((f) => f.filePath));
        continue;
      }
      plan.removed.set(file.filePath, file);
      if (files.length > 0) plan.rewrittenInputs++;
      plan.rewritten.push(...files);
    }
  } catch (e) {
    await table.io.deleteMany(plan.rewritten.map((f) => f.filePath)).catch(() => undefined);
    throw e;
  }
  return plan;
}

/** What {@link copyOnWriteChanges} commits besides the plan. */
export interface CopyOnWriteCommit {
  operation: SnapshotOperation;
  /** Name used in conflict messages. */
  name: string;
  filter: Expression;
  isolationLevel: IsolationLevel;
  /** New data besides the rewritten files (an overwrite's rows). */
  addedDataFiles?: readonly DataFile[];
  branch?: string;
  caseSensitive?: boolean;
}

/**
 * The snapshot changes that commit a copy-on-write plan, with the conflict
 * checks of Java's `OverwriteFiles`: the removed files must still be live and
 * without new deletes; under serializable isolation, no concurrent commit may
 * have added data the filter could match.
 */
export function copyOnWriteChanges(table: Table, plan: CopyOnWritePlan, commit: CopyOnWriteCommit): SnapshotChanges {
  const added = [...plan.rewritten, ...(commit.addedDataFiles ?? [])];
  const schema = currentSchema(plan.metadata);
  const bindOpts: BindOptions = { caseSensitive: commit.caseSensitive ?? true };
  const mightMatchMetrics = inclusiveMetricsEvaluator(schema, commit.filter, bindOpts);
  const perSpec = new Map<number, { partition: (p: DataFile['partition']) => boolean; summaries: (m: ManifestFile['partitions']) => boolean }>();
  const evaluators = (spec: PartitionSpec) => {
    let e = perSpec.get(spec.specId);
    if (e === undefined) {
      e = { partition: partitionEvaluator(schema, spec, commit.filter, bindOpts), summaries: manifestEvaluator(schema, spec, commit.filter, bindOpts) };
      perSpec.set(spec.specId, e);
    }
    return e;
  };
  const specOf = (metadata: TableMetadata, id: number | undefined): PartitionSpec | undefined => metadata.partitionSpecs.find((s) => s.specId === id);
  return {
    operation: commit.operation,
    addedDataFiles: added,
    ...(commit.branch === undefined ? {} : { branch: commit.branch }),
    removes: (entry) => plan.removed.has(entry.dataFile.filePath),
    mayRemoveFrom: (m) => {
      if (m.content !== ManifestContent.Data) return false;
      const spec = specOf(plan.metadata, m.partitionSpecId);
      // Removed files all might match the filter, so a manifest whose summaries rule that out holds none of them.
      return spec === undefined || m.partitions === undefined || evaluators(spec).summaries(m.partitions);
    },
    validate: async (parent, metadata) => {
      if (added.length > 0 && metadata.defaultSpecId !== plan.metadata.defaultSpecId) {
        throw finalConflict(`the table's default partition spec changed from ${plan.metadata.defaultSpecId} to ${metadata.defaultSpecId} while the ${commit.name} ran; run it again`);
      }
      const changes = await concurrentChanges(table.io, metadata, plan.base?.snapshotId, parent);
      checkConflicts(changes, metadata, {
        operation: commit.name,
        removedFiles: plan.removed,
        ...(commit.isolationLevel === 'serializable'
          ? {
              conflictingData: (file: DataFile) => {
                const spec = specOf(metadata, file.specId);
                if (spec === undefined) return true;
                return evaluators(spec).partition(file.partition) && mightMatchMetrics(file);
              },
            }
          : {}),
      });
    },
  };
}

/** Reject a filter that cannot be used for a row-level change. */
export function checkFilter(filter: unknown): void {
  if (filter === undefined || filter === null || filter === '') throw new ValidationError('give a row filter (an expression or filter text such as "id = 5"); to remove every row pass alwaysTrue()');
}
