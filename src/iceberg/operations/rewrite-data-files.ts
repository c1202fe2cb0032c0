/**
 * Compaction (Java's `RewriteDataFiles` with the bin-pack strategy): small
 * (or oversized) data files of one partition are packed into groups, each
 * group's live rows are read — its delete files applied — and written back
 * as files of the target size, and one `replace` snapshot swaps the old
 * files for the new.
 *
 * Delete files are kept: the rewritten files get a newer sequence number
 * than every existing delete file, so equality deletes no longer apply to
 * them, and position deletes name the old paths; the deletes keep serving
 * the files that were not rewritten. This is always correct, at the cost of
 * leaving deletes that apply to nothing until a later maintenance pass.
 */
import type { RecordBatch } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { Expression } from '../expressions/expression.js';
import type { DataFile } from '../manifest/types.js';
import { ManifestContent } from '../manifest/types.js';
import { partitionKey } from '../scan/partition-key.js';
import { planFiles, type FileScanTask } from '../scan/plan.js';
import { currentSchema, snapshotByRef } from '../spec/metadata.js';
import { MAIN_BRANCH, type Snapshot } from '../spec/snapshot.js';
import { finalConflict } from '../table/commit.js';
import type { Table } from '../table/table.js';
import { DEFAULT_TARGET_FILE_SIZE_BYTES, writeDataFiles } from '../write/data-writer.js';
import { commitWrittenFiles, readLiveRows } from './commit-files.js';
import { checkConflicts, concurrentChanges } from './concurrent-changes.js';

/** Java's default `min-input-files`: a group is rewritten once it has this many files. */
export const DEFAULT_MIN_INPUT_FILES = 5;
/** Java's default `max-file-group-size-bytes`: 100 GiB of input per group. */
export const DEFAULT_MAX_FILE_GROUP_SIZE_BYTES = 100 * 1024 ** 3;
/** Java's default `min-file-size-bytes`, as a fraction of the target size. */
export const DEFAULT_MIN_FILE_SIZE_RATIO = 0.75;
/** Java's default `max-file-size-bytes`, as a multiple of the target size. */
export const DEFAULT_MAX_FILE_SIZE_RATIO = 1.8;

/** Options for {@link rewriteDataFiles}. */
export interface RewriteDataFilesOptions {
  /** Only files that may hold rows matching this filter are considered. */
  filter?: Expression | string;
  /** Branch to compact. @default 'main' */
  branch?: string;
  /** Size of the files written. @default the table's `write.target-file-size-bytes` */
  targetFileSizeBytes?: number;
  /** Files smaller than this are rewritten. @default 75% of the target */
  minFileSizeBytes?: number;
  /** Files larger than this are rewritten. @default 180% of the target */
  maxFileSizeBytes?: number;
  /** A group of fewer files is left alone unless its size or deletes call for a rewrite. @default DEFAULT_MIN_INPUT_FILES */
  minInputFiles?: number;
  /** Files with at least this many delete files are rewritten. @default never for that reason */
  deleteFileThreshold?: number;
  /** Largest input of one group. @default DEFAULT_MAX_FILE_GROUP_SIZE_BYTES */
  maxFileGroupSizeBytes?: number;
  /** Rewrite every selected file, whatever its size. @default false */
  rewriteAll?: boolean;
  /** Match column names case-sensitively. @default true */
  caseSensitive?: boolean;
}

/** What {@link rewriteDataFiles} did. */
export interface RewriteDataFilesResult {
  /** The `replace` snapshot; undefined when nothing needed rewriting. */
  snapshot: Snapshot | undefined;
  rewrittenDataFiles: number;
  addedDataFiles: number;
  rewrittenBytes: bigint;
  /** Groups of files rewritten. */
  groups: number;
}

function positive(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** First-fit-decreasing bins of at most `capacity` bytes (an oversized file gets a bin of its own). */
export function binPack<T>(items: readonly T[], size: (t: T) => number, capacity: number): T[][] {
  const bins: { items: T[]; size: number }[] = [];
  for (const item of [...items].sort((a, b) => size(b) - size(a))) {
    const s = size(item);
    const bin = bins.find((b) => b.size + s <= capacity);
    if (bin === undefined) bins.push({ items: [item], size: s });
    else {
      bin.items.push(item);
      bin.size += s;
    }
  }
  return bins.map((b) => b.items);
}

/**
 * Compact the data files of a branch. Appends committed meanwhile are
 * carried; a concurrent removal of a file being rewritten, or new deletes
 * for one, end in a final CommitConflictError and the new files are deleted.
 *
 * @example
 * ```ts
 * const r = await rewriteDataFiles(table, { targetFileSizeBytes: 128 * 1024 * 1024 });
 * console.log(`${r.rewrittenDataFiles} files -> ${r.addedDataFiles}`);
 * ```
 */
export async function rewriteDataFiles(table: Table, options: RewriteDataFilesOptions = {}): Promise<RewriteDataFilesResult> {
  const metadata = table.metadata;
  const props = metadata.properties;
  const target = options.targetFileSizeBytes ?? positive(props['write.target-file-size-bytes']) ?? DEFAULT_TARGET_FILE_SIZE_BYTES;
  const minSize = options.minFileSizeBytes ?? target * DEFAULT_MIN_FILE_SIZE_RATIO;
  const maxSize = options.maxFileSizeBytes ?? target * DEFAULT_MAX_FILE_SIZE_RATIO;
  const minInputFiles = options.minInputFiles ?? DEFAULT_MIN_INPUT_FILES;
  const deleteThreshold = options.deleteFileThreshold ?? Number.POSITIVE_INFINITY;
  if (!(target > 0) || !(minSize >= 0) || !(maxSize > minSize) || !(minInputFiles >= 1)) {
    throw new ValidationError(`invalid compaction sizes: target ${target}, min ${minSize}, max ${maxSize}, minInputFiles ${minInputFiles}; need target > 0, 0 <= min < max, minInputFiles >= 1`);
  }
  const empty: RewriteDataFilesResult = { snapshot: undefined, rewrittenDataFiles: 0, addedDataFiles: 0, rewrittenBytes: 0n, groups: 0 };
  const base = snapshotByRef(metadata, options.branch ?? MAIN_BRANCH);
  if (base === undefined) return empty;

  const byPartition = new Map<string, FileScanTask[]>();
  const caseSensitive = options.caseSensitive ?? true;
  for await (const task of planFiles(table.io, metadata, { snapshotId: base.snapshotId, caseSensitive, ...(options.filter === undefined ? {} : { filter: options.filter }) })) {
    const size = Number(task.file.fileSizeInBytes);
    const wanted = options.rewriteAll === true || size < minSize || size > maxSize || task.deletes.length >= deleteThreshold;
    if (!wanted) continue;
    const key = partitionKey(task.spec.specId, task.file.partition);
    const list = byPartition.get(key);
    if (list === undefined) byPartition.set(key, [task]);
    else list.push(task);
  }
  const groups: FileScanTask[][] = [];
  for (const tasks of byPartition.values()) {
    for (const bin of binPack(tasks, (t) => Number(t.file.fileSizeInBytes), options.maxFileGroupSizeBytes ?? DEFAULT_MAX_FILE_GROUP_SIZE_BYTES)) {
      const total = bin.reduce((n, t) => n + Number(t.file.fileSizeInBytes), 0);
      const rewrite =
        (options.rewriteAll === true && bin.length > 0) ||
        bin.length >= minInputFiles ||
        (bin.length > 1 && total > target) ||
        bin.some((t) => Number(t.file.fileSizeInBytes) > maxSize || t.deletes.length >= deleteThreshold);
      if (rewrite) groups.push(bin);
    }
  }
  if (groups.length === 0) return empty;

  const schema = currentSchema(metadata);
  const added: DataFile[] = [];
  const removed = new Map<string, DataFile>();
  try {
    for (const group of groups) {
      const rows = async function* (): AsyncGenerator<RecordBatch> {
        for (const task of group) yield* readLiveRows(table, schema, task);
      };
      added.push(...(await writeDataFiles(table.io, metadata, rows(), { targetFileSizeBytes: target })));
      for (const t of group) removed.set(t.file.filePath, t.file);
    }
  } catch (e) {
    await table.io.deleteMany(added.map((f) => f.filePath)).catch(() => undefined);
    throw e;
  }
  const snapshot = await commitWrittenFiles(
    table,
    {
      operation: 'replace',
      addedDataFiles: added,
      ...(options.branch === undefined ? {} : { branch: options.branch }),
      removes: (entry) => removed.has(entry.dataFile.filePath),
      mayRemoveFrom: (m) => m.content === ManifestContent.Data,
      validate: async (parent, current) => {
        if (added.length > 0 && current.defaultSpecId !== metadata.defaultSpecId) {
          throw finalConflict(`the table's default partition spec changed from ${metadata.defaultSpecId} to ${current.defaultSpecId} while the rewrite ran; run it again`);
        }
        checkConflicts(await concurrentChanges(table.io, current, base.snapshotId, parent), current, { operation: 'rewrite', removedFiles: removed });
      },
    },
    added,
  );
  return {
    snapshot,
    rewrittenDataFiles: removed.size,
    addedDataFiles: added.length,
    rewrittenBytes: [...removed.values()].reduce((n, f) => n + f.fileSizeInBytes, 0n),
    groups: groups.length,
  };
}
