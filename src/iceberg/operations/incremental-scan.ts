/**
 * Incremental append scans (Java's `IncrementalAppendScan`, Spark's
 * `start-snapshot-id` / `end-snapshot-id` read options): the data files that
 * `append` snapshots added between two snapshots of one line of history.
 * Snapshots of other operations (deletes, overwrites, compactions) are
 * skipped, so a compaction never makes rows look new; rows of appended files
 * are returned as they were appended (later deletes are not applied), as Java
 * does.
 */
import type { RecordBatch } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { BindOptions } from '../expressions/bind.js';
import type { Expression } from '../expressions/expression.js';
import { inclusiveMetricsEvaluator } from '../expressions/inclusive-metrics.js';
import { manifestEvaluator } from '../expressions/manifest-evaluator.js';
import { partitionEvaluator } from '../expressions/projections.js';
import { residualEvaluator } from '../expressions/residual.js';
import { readManifest } from '../manifest/manifest-reader.js';
import { readManifestList } from '../manifest/manifest-list.js';
import { FileContent, ManifestContent, ManifestEntryStatus } from '../manifest/types.js';
import { toExpression, type FileScanTask } from '../scan/plan.js';
import { projectedSchema, readTask } from '../scan/read.js';
import { currentSchema } from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import type { Table } from '../table/table.js';
import { ancestorsBetween } from '../update/snapshots.js';

/** Options for {@link appendedFiles} and {@link readAppended}. */
export interface IncrementalScanOptions {
  /** Row filter (prunes files; {@link readAppended} also filters rows). */
  filter?: Expression | string;
  /** Match column names case-sensitively. @default true */
  caseSensitive?: boolean;
}

/** Options for {@link readAppended}. */
export interface IncrementalReadOptions extends IncrementalScanOptions {
  /** Columns to return, by name; all when absent. */
  select?: readonly string[];
  /** Rows per batch. */
  batchSize?: number;
}

/**
 * Plan the files added by `append` snapshots after `fromSnapshotIdExclusive`
 * (from the start of history when undefined) up to and including
 * `toSnapshotIdInclusive` (the current snapshot when undefined), oldest
 * first. Throws ValidationError when `from` is not an ancestor of `to`, and
 * NotFoundError when `to` is not in the table.
 *
 * @example
 * ```ts
 * for await (const task of appendedFiles(table, lastProcessedSnapshotId)) console.log(task.file.filePath);
 * ```
 */
export async function* appendedFiles(
  table: Table,
  fromSnapshotIdExclusive: bigint | undefined,
  toSnapshotIdInclusive?: bigint,
  options: IncrementalScanOptions = {},
): AsyncGenerator<FileScanTask> {
  const metadata = table.metadata;
  const to = toSnapshotIdInclusive ?? metadata.currentSnapshotId;
  if (to === undefined) {
    if (fromSnapshotIdExclusive !== undefined) throw new ValidationError(`the table has no current snapshot, so snapshot ${fromSnapshotIdExclusive} cannot be a start; give toSnapshotIdInclusive`);
    return;
  }
  const snapshots = ancestorsBetween(metadata, to, fromSnapshotIdExclusive).reverse();
  const schema = currentSchema(metadata);
  const filter = toExpression(options.filter);
  const bindOpts: BindOptions = { caseSensitive: options.caseSensitive ?? true };
  const specsById = new Map(metadata.partitionSpecs.map((s) => [s.specId, s]));
  const metricsMatch = inclusiveMetricsEvaluator(schema, filter, bindOpts);
  const perSpec = new Map<number, { spec: PartitionSpec; summaries: ReturnType<typeof manifestEvaluator>; partition: ReturnType<typeof partitionEvaluator>; residual: ReturnType<typeof residualEvaluator> }>();
  const evaluators = (specId: number) => {
    let e = perSpec.get(specId);
    if (e === undefined) {
      const spec = specsById.get(specId);
      if (spec === undefined) throw new ValidationError(`a manifest refers to partition spec ${specId}, which the table metadata does not have`);
      e = { spec, summaries: manifestEvaluator(schema, spec, filter, bindOpts), partition: partitionEvaluator(schema, spec, filter, bindOpts), residual: residualEvaluator(schema, spec, filter, bindOpts) };
      perSpec.set(specId, e);
    }
    return e;
  };
  for (const snapshot of snapshots) {
    if (snapshot.summary?.operation !== 'append' || snapshot.manifestList === undefined) continue;
    for (const manifest of await readManifestList(table.io, snapshot.manifestList)) {
      if (manifest.addedSnapshotId !== snapshot.snapshotId || manifest.content !== ManifestContent.Data) continue;
      const ev = evaluators(manifest.partitionSpecId);
      if (manifest.partitions !== undefined && !ev.summaries(manifest.partitions)) continue;
      for await (const entry of readManifest(table.io, manifest, { specsById })) {
        if (entry.status !== ManifestEntryStatus.Added || entry.snapshotId !== snapshot.snapshotId || entry.dataFile.content !== FileContent.Data) continue;
        const file = entry.dataFile;
        if (!ev.partition(file.partition) || !metricsMatch(file)) continue;
        yield { file, sequenceNumber: entry.sequenceNumber ?? snapshot.sequenceNumber, spec: ev.spec, deletes: [], residual: ev.residual(file.partition) };
      }
    }
  }
}

/**
 * The rows appended between two snapshots (see {@link appendedFiles}), as
 * Arrow record batches in the table's current schema (or `select`).
 *
 * @example
 * ```ts
 * const batches = readAppended(table, checkpoint, undefined, { filter: "currency = 'EUR'" });
 * for await (const b of batches) process(b);
 * ```
 */
export async function* readAppended(
  table: Table,
  fromSnapshotIdExclusive: bigint | undefined,
  toSnapshotIdInclusive?: bigint,
  options: IncrementalReadOptions = {},
): AsyncGenerator<RecordBatch> {
  const metadata = table.metadata;
  const schema = currentSchema(metadata);
  const caseSensitive = options.caseSensitive ?? true;
  const output = projectedSchema(metadata, options.select, caseSensitive);
  const rowGroupMatch = options.filter === undefined ? undefined : inclusiveMetricsEvaluator(schema, toExpression(options.filter), { caseSensitive });
  for await (const task of appendedFiles(table, fromSnapshotIdExclusive, toSnapshotIdInclusive, options)) {
    yield* readTask(table.io, schema, output, task, rowGroupMatch, options.batchSize);
  }
}
