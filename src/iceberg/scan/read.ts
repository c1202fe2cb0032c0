/**
 * Reading planned files into Arrow record batches: row groups pruned by
 * their statistics, merge-on-read of position and equality deletes, the
 * residual filter applied per row, and the requested columns projected by
 * field id (so files written under older schemas read correctly).
 */
import type { RecordBatch } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { columnReader } from '../../formats/arrow/arrow-to-rows.js';
import { projectBatch } from '../../formats/arrow/project.js';
import type { RowGroupInfo } from '../../formats/parquet/read/footer.js';
import { readParquet } from '../../formats/parquet/read/reader.js';
import type { FileIO } from '../../io/file-io.js';
import type { BoundExpression } from '../expressions/expression.js';
import { rowFilter, selectedIndices } from '../expressions/filter-batch.js';
import { inclusiveMetricsEvaluator } from '../expressions/inclusive-metrics.js';
import type { FileMetrics } from '../expressions/file-metrics.js';
import { FileContent, type DataFile } from '../manifest/types.js';
import type { TableMetadata } from '../spec/metadata.js';
import { currentSchema } from '../spec/metadata.js';
import { newSchema, type Schema } from '../spec/schema.js';
import { Types, requiredField, type NestedField, type PrimitiveType } from '../spec/types.js';
import { findFieldById, findFieldByName } from '../spec/type-index.js';
import { toBytes, type Value } from '../spec/values.js';
import { takeRows } from '../write/take.js';
import { partitionKey } from './partition-key.js';
import { planFiles, toExpression, type FileScanTask, type ScanOptions } from './plan.js';

/** Options for reading a table. */
export interface ReadOptions extends ScanOptions {
  /** Columns to return, by name (dotted for nested fields); all when absent. */
  select?: readonly string[];
  /** Rows per batch. */
  batchSize?: number;
}

/** Reserved field ids of position delete files (spec "Position Delete Files"). */
const DELETE_FILE_PATH_ID = 2147483546;
const DELETE_POS_ID = 2147483545;
const POSITION_DELETE_SCHEMA = newSchema([requiredField(DELETE_FILE_PATH_ID, 'file_path', Types.string), requiredField(DELETE_POS_ID, 'pos', Types.long)]);

/** The schema of the columns a read returns. */
export function projectedSchema(metadata: TableMetadata, select: readonly string[] | undefined, caseSensitive = true): Schema {
  const schema = currentSchema(metadata);
  if (select === undefined) return schema;
  const fields: NestedField[] = [];
  for (const name of select) {
    const f = findFieldByName(schema, name, { caseSensitive });
    if (f === undefined) throw new ValidationError(`the table has no column '${name}'; columns: ${schema.fields.map((x) => x.name).join(', ')}`);
    if (!schema.fields.includes(f)) throw new ValidationError(`select top-level columns (got '${name}'); nested fields come with their parent`);
    fields.push(f);
  }
  return newSchema(fields, { schemaId: schema.schemaId });
}

/** Every record batch of a scan, filtered and projected. */
export async function* readTable(io: FileIO, metadata: TableMetadata, options: ReadOptions = {}): AsyncGenerator<RecordBatch> {
  const output = projectedSchema(metadata, options.select, options.caseSensitive ?? true);
  const schema = currentSchema(metadata);
  const rowGroupMatch = options.filter === undefined ? undefined : inclusiveMetricsEvaluator(schema, toExpression(options.filter), { caseSensitive: options.caseSensitive ?? true });
  for await (const task of planFiles(io, metadata, options)) {
    yield* readTask(io, schema, output, task, rowGroupMatch, options.batchSize);
  }
}

/** Read one planned file. */
export async function* readTask(
  io: FileIO,
  schema: Schema,
  output: Schema,
  task: FileScanTask,
  rowGroupMatch: ((m: FileMetrics) => boolean) | undefined,
  batchSize?: number,
): AsyncGenerator<RecordBatch> {
  const positionDeletes = await loadPositionDeletes(io, task);
  const equalityDeletes = await loadEqualityDeletes(io, schema, task);
  const residualIds = fieldIdsOf(task.residual);
  const eqIds = new Set(equalityDeletes.flatMap((d) => d.ids));
  // Read what the output needs plus what filtering needs; project to the output at the end.
  const readIds = new Set([...output.fields.map((f) => f.id), ...residualIds, ...eqIds]);
  const readSchema = newSchema(schema.fields.filter((f) => readIds.has(f.id)), { schemaId: schema.schemaId });
  const filter = task.residual.op === 'true' ? undefined : rowFilter(readSchema, task.residual);
  // Position deletes need each row's position in the file, so row groups are followed in order.
  const groups: RowGroupInfo[] = [];
  const keepGroup = (rg: RowGroupInfo) => {
    const keep = rowGroupMatch === undefined || rowGroupMatch(rowGroupMetrics(rg, schema));
    if (keep) groups.push(rg);
    return keep;
  };
  let group = 0;
  let inGroup = 0;
  for await (const batch of readParquet(io, task.file.filePath, { schema: readSchema, rowGroups: keepGroup, fileSize: Number(task.file.fileSizeInBytes), ...(batchSize === undefined ? {} : { batchSize }) })) {
    const n = batch.numRows;
    let keep: Uint8Array | undefined = filter?.(batch);
    if (positionDeletes !== undefined) {
      keep ??= new Uint8Array(n).fill(1);
      for (let i = 0; i < n; i++) {
        while (group < groups.length && inGroup >= groups[group]!.numRows) {
          group++;
          inGroup = 0;
        }
        const pos = (groups[group]?.firstRow ?? 0) + inGroup++;
        if (positionDeletes.has(pos)) keep[i] = 0;
      }
    }
    for (const d of equalityDeletes) {
      keep ??= new Uint8Array(n).fill(1);
      const readers = d.ids.map((id) => {
        const name = findFieldById(readSchema, id)?.name ?? '';
        const col = batch.getChild(name);
        return col === null ? () => null : columnReader(col.data[0]!, batch.schema.fields.find((f) => f.name === name), { decimals: 'bigint' });
      });
      for (let i = 0; i < n; i++) if (keep[i] && d.keys.has(partitionKey(0, readers.map((r) => r(i) as Value)))) keep[i] = 0;
    }
    const selected = keep === undefined ? batch : takeRows(batch, selectedIndices(keep));
    if (selected.numRows > 0) yield projectBatch(selected, output);
  }
}

/** Row positions deleted from this task's file, or undefined when no position deletes apply. */
async function loadPositionDeletes(io: FileIO, task: FileScanTask): Promise<Set<number> | undefined> {
  const files = task.deletes.filter((d) => d.content === FileContent.PositionDeletes);
  if (files.length === 0) return undefined;
  const out = new Set<number>();
  for (const d of files) {
    for await (const batch of readParquet(io, d.filePath, { schema: POSITION_DELETE_SCHEMA })) {
      const paths = columnReader(batch.getChild('file_path')!.data[0]!);
      const positions = columnReader(batch.getChild('pos')!.data[0]!);
      for (let i = 0; i < batch.numRows; i++) if (paths(i) === task.file.filePath) out.add(Number(positions(i) as bigint));
    }
  }
  return out;
}

interface EqualityDeletes {
  ids: number[];
  keys: Set<string>;
}

async function loadEqualityDeletes(io: FileIO, schema: Schema, task: FileScanTask): Promise<EqualityDeletes[]> {
  const out: EqualityDeletes[] = [];
  for (const d of task.deletes.filter((x: DataFile) => x.content === FileContent.EqualityDeletes)) {
    const ids = [...(d.equalityIds ?? [])];
    const fields = ids.map((id) => {
      const f = findFieldById(schema, id);
      if (f === undefined || !schema.fields.includes(f)) throw new ValidationError(`equality delete file ${d.filePath} uses field id ${id}, which is not a top-level column of the table`);
      return f;
    });
    const keys = new Set<string>();
    for await (const batch of readParquet(io, d.filePath, { schema: newSchema(fields) })) {
      const readers = fields.map((f) => columnReader(batch.getChild(f.name)!.data[0]!, batch.schema.fields.find((x) => x.name === f.name), { decimals: 'bigint' }));
      for (let i = 0; i < batch.numRows; i++) keys.add(partitionKey(0, readers.map((r) => r(i) as Value)));
    }
    out.push({ ids, keys });
  }
  return out;
}

function fieldIdsOf(e: BoundExpression): number[] {
  const ids: number[] = [];
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    if (typeof o.fieldId === 'number') ids.push(o.fieldId);
    for (const v of Object.values(o)) if (typeof v === 'object') visit(v);
  };
  visit(e);
  return ids;
}

/** Row-group statistics in the shape the metrics evaluator reads. */
function rowGroupMetrics(rg: RowGroupInfo, schema: Schema): FileMetrics {
  const lowerBounds = new Map<number, Uint8Array>();
  const upperBounds = new Map<number, Uint8Array>();
  const nullValueCounts = new Map<number, bigint>();
  const valueCounts = new Map<number, bigint>();
  for (const [id, stats] of rg.columns) {
    const field = findFieldById(schema, id);
    if (field === undefined || field.type.type === 'struct' || field.type.type === 'list' || field.type.type === 'map') continue;
    valueCounts.set(id, stats.valueCount);
    if (stats.nullCount !== undefined) nullValueCounts.set(id, stats.nullCount);
    const type = field.type as PrimitiveType;
    const bound = (v: Value | undefined) => {
      if (v === undefined || v === null) return undefined;
      try {
        return toBytes(type, type.type === 'long' && typeof v === 'number' ? BigInt(v) : v);
      } catch {
        return undefined; // a statistic we cannot use never prunes
      }
    };
    const lo = bound(stats.min);
    const hi = bound(stats.max);
    if (lo !== undefined) lowerBounds.set(id, lo);
    if (hi !== undefined) upperBounds.set(id, hi);
  }
  return { recordCount: BigInt(rg.numRows), valueCounts, nullValueCounts, lowerBounds, upperBounds };
}
