/**
 * Committing a snapshot whose new data files were written beforehand: if the
 * commit fails for sure, the files are deleted again, so a failed operation
 * leaves nothing behind; after CommitStateUnknownError nothing is deleted,
 * since the commit may have landed and the files be live.
 */
import type { RecordBatch } from 'apache-arrow';
import { isLakeError } from '../../errors.js';
import { ALWAYS_TRUE } from '../expressions/builders.js';
import type { DataFile } from '../manifest/types.js';
import type { FileScanTask } from '../scan/plan.js';
import { readTask } from '../scan/read.js';
import type { Schema } from '../spec/schema.js';
import type { Snapshot } from '../spec/snapshot.js';
import type { SnapshotChanges } from '../table/snapshot-producer.js';
import type { Table } from '../table/table.js';

/** Commit `changes` through the table's retrying path; delete `written` if the commit certainly failed. */
export async function commitWrittenFiles(table: Table, changes: SnapshotChanges, written: readonly DataFile[]): Promise<Snapshot> {
  try {
    return await table.commitSnapshot(changes);
  } catch (e) {
    await deleteUnlessUnknown(table, written, e);
    throw e;
  }
}

/** Delete files written for an operation that failed with `error` (kept when the commit state is unknown). */
export async function deleteUnlessUnknown(table: Table, written: readonly DataFile[], error: unknown): Promise<void> {
  if (written.length === 0 || isLakeError(error, 'COMMIT_STATE_UNKNOWN')) return;
  await table.io.deleteMany(written.map((f) => f.filePath)).catch(() => undefined);
}

/**
 * Every live row of a planned file (its delete files applied, its residual
 * not), in the table's current schema: the input of a rewrite.
 */
export function readLiveRows(table: Table, schema: Schema, task: FileScanTask, batchSize?: number): AsyncGenerator<RecordBatch> {
  return readTask(table.io, schema, schema, { ...task, residual: ALWAYS_TRUE }, undefined, batchSize);
}
