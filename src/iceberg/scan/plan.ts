/**
 * Scan planning: from a snapshot to the data files (with their delete files
 * and residual filters) that a filtered read must open. Pruning happens in
 * three steps, each sound (it never drops a file that holds a matching row):
 * manifest-list partition summaries, manifest partition values, and per-file
 * column metrics.
 */
import { ValidationError } from '../../errors.js';
import type { FileIO } from '../../io/file-io.js';
import type { BoundExpression, Expression } from '../expressions/expression.js';
import { alwaysTrue } from '../expressions/builders.js';
import { inclusiveMetricsEvaluator } from '../expressions/inclusive-metrics.js';
import { manifestEvaluator } from '../expressions/manifest-evaluator.js';
import { parseFilter } from '../expressions/parser.js';
import { partitionEvaluator } from '../expressions/projections.js';
import { residualEvaluator } from '../expressions/residual.js';
import { readManifest } from '../manifest/manifest-reader.js';
import { readManifestList } from '../manifest/manifest-list.js';
import { FileContent, ManifestContent, isLiveEntry, type DataFile, type ManifestEntry, type ManifestFile } from '../manifest/types.js';
import type { TableMetadata } from '../spec/metadata.js';
import { schemaById, snapshotById, currentSnapshot, currentSchema } from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import type { Snapshot } from '../spec/snapshot.js';
import { partitionKey } from './partition-key.js';
import { resolveRef, snapshotAsOf } from '../update/snapshots.js';

/** Which snapshot to read, and which rows. */
export interface ScanOptions {
  /** Row filter: an expression or filter text such as `ts >= '2026-11-01' and currency = 'EUR'`. */
  filter?: Expression | string;
  /** Read this snapshot. */
  snapshotId?: bigint;
  /** Read the snapshot a branch or tag points at. */
  ref?: string;
  /** Time travel: the snapshot of `main` that was current at this time (ms since epoch). */
  asOfTimestampMs?: number;
  /** Match column names case-sensitively. @default true */
  caseSensitive?: boolean;
}

/** One data file to read, with the delete files that apply to it and the filter left to apply per row. */
export interface FileScanTask {
  file: DataFile;
  /** Data sequence number of the file. */
  sequenceNumber: bigint;
  spec: PartitionSpec;
  /** Position and equality delete files that apply to this file. */
  deletes: DataFile[];
  /** What the partition does not already guarantee; `true` when every row matches. */
  residual: BoundExpression;
}

/** Resolve the snapshot a scan reads (undefined for an empty table). */
export function selectSnapshot(metadata: TableMetadata, options: ScanOptions): Snapshot | undefined {
  const chosen = [options.snapshotId !== undefined, options.ref !== undefined, options.asOfTimestampMs !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new ValidationError('choose one of snapshotId, ref and asOfTimestampMs for a scan');
  if (options.snapshotId !== undefined) {
    const s = snapshotById(metadata, options.snapshotId);
    if (s === undefined) throw new ValidationError(`the table has no snapshot ${options.snapshotId}; list them with table.snapshots()`);
    return s;
  }
  if (options.ref !== undefined) return resolveRef(metadata, options.ref);
  if (options.asOfTimestampMs !== undefined) return snapshotAsOf(metadata, options.asOfTimestampMs);
  return currentSnapshot(metadata);
}

/** The schema a snapshot was written with (the current schema when unknown). */
export function snapshotSchema(metadata: TableMetadata, snapshot: Snapshot | undefined): Schema {
  const id = snapshot?.schemaId;
  return (id === undefined ? undefined : schemaById(metadata, id)) ?? currentSchema(metadata);
}

/** Parse a filter given as text; pass expressions through. */
export function toExpression(filter: Expression | string | undefined): Expression {
  if (filter === undefined) return alwaysTrue();
  return typeof filter === 'string' ? parseFilter(filter) : filter;
}

/**
 * Plan the files of a scan. Filters bind to the table's current schema
 * (column names as the user knows them today); field ids make that correct
 * for files written under older schemas.
 */
export async function* planFiles(io: FileIO, metadata: TableMetadata, options: ScanOptions = {}): AsyncGenerator<FileScanTask> {
  const snapshot = selectSnapshot(metadata, options);
  if (snapshot === undefined) return;
  const schema = currentSchema(metadata);
  const filter = toExpression(options.filter);
  const bindOpts = { caseSensitive: options.caseSensitive ?? true };
  const specs = new Map(metadata.partitionSpecs.map((s) => [s.specId, s]));
  const specOf = (id: number): PartitionSpec => {
    const s = specs.get(id);
    if (s === undefined) throw new ValidationError(`a manifest refers to partition spec ${id}, which the table metadata does not have`);
    return s;
  };
  const manifests = await readManifestList(io, snapshot.manifestList ?? missingList(snapshot));
  const perSpec = new Map<number, { manifest: (m: ManifestFile) => boolean; partition: (p: DataFile['partition']) => boolean; residual: ReturnType<typeof residualEvaluator> }>();
  const evaluatorsFor = (specId: number) => {
    let e = perSpec.get(specId);
    if (e === undefined) {
      const spec = specOf(specId);
      const summaries = manifestEvaluator(schema, spec, filter, bindOpts);
      e = {
        manifest: (m) => m.partitions === undefined || summaries(m.partitions),
        partition: partitionEvaluator(schema, spec, filter, bindOpts),
        residual: residualEvaluator(schema, spec, filter, bindOpts),
      };
      perSpec.set(specId, e);
    }
    return e;
  };
  const metricsMatch = inclusiveMetricsEvaluator(schema, filter, bindOpts);

  const deletes = new DeleteIndex();
  const dataManifests: ManifestFile[] = [];
  for (const m of manifests) {
    if (!evaluatorsFor(m.partitionSpecId).manifest(m)) continue;
    if (m.content === ManifestContent.Deletes) {
      for await (const entry of readManifest(io, m, { specsById: specs })) if (isLiveEntry(entry)) deletes.add(entry, m.partitionSpecId, specOf(m.partitionSpecId));
    } else dataManifests.push(m);
  }
  for (const m of dataManifests) {
    const ev = evaluatorsFor(m.partitionSpecId);
    for await (const entry of readManifest(io, m, { specsById: specs })) {
      if (!isLiveEntry(entry) || entry.dataFile.content !== FileContent.Data) continue;
      const file = entry.dataFile;
      if (!ev.partition(file.partition) || !metricsMatch(file)) continue;
      const sequenceNumber = entry.sequenceNumber ?? 0n;
      yield { file, sequenceNumber, spec: specOf(m.partitionSpecId), deletes: deletes.forFile(file, m.partitionSpecId, sequenceNumber), residual: ev.residual(file.partition) };
    }
  }
}

function missingList(snapshot: Snapshot): never {
  throw new ValidationError(`snapshot ${snapshot.snapshotId} has no manifest list (a v1 snapshot with an inline manifest array); rewrite the table's metadata with a current engine`);
}

interface IndexedDelete {
  file: DataFile;
  sequenceNumber: bigint;
}

/** Delete files grouped so each data file finds the ones that apply to it (spec "Scan Planning"). */
class DeleteIndex {
  readonly #byPartition = new Map<string, IndexedDelete[]>();
  readonly #global: IndexedDelete[] = [];
  readonly #byDataFile = new Map<string, IndexedDelete[]>();

  add(entry: ManifestEntry, specId: number, spec: PartitionSpec): void {
    const d = { file: entry.dataFile, sequenceNumber: entry.sequenceNumber ?? 0n };
    if (entry.dataFile.content === FileContent.PositionDeletes && entry.dataFile.referencedDataFile !== undefined) {
      push(this.#byDataFile, entry.dataFile.referencedDataFile, d);
    } else if (spec.fields.length === 0) {
      this.#global.push(d);
    } else {
      push(this.#byPartition, partitionKey(specId, entry.dataFile.partition), d);
    }
  }

  forFile(file: DataFile, specId: number, sequenceNumber: bigint): DataFile[] {
    const candidates = [...(this.#byDataFile.get(file.filePath) ?? []), ...(this.#byPartition.get(partitionKey(specId, file.partition)) ?? []), ...this.#global];
    const out: DataFile[] = [];
    for (const d of candidates) {
      // Position deletes apply to data at or below their sequence number; equality deletes only to older data.
      const applies = d.file.content === FileContent.PositionDeletes ? sequenceNumber <= d.sequenceNumber : sequenceNumber < d.sequenceNumber;
      if (applies && (d.file.content !== FileContent.PositionDeletes || d.file.referencedDataFile === undefined || d.file.referencedDataFile === file.filePath)) out.push(d.file);
    }
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
