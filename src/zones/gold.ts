/**
 * The gold zone: business-ready Iceberg tables through any catalog. Appends
 * and partition overwrites use the Table API; upsert / merge by key is
 * copy-on-write: the files holding any changed key are found (pruned by the
 * key range's column metrics, then by reading only the key columns),
 * rewritten without those rows, and committed with the new rows as one
 * `overwrite` snapshot. Extra summary entries and table properties ride in
 * the same atomic commit, which is what makes CDC application exactly-once.
 */
import { RecordBatch, Table as ArrowTable, type Vector } from 'apache-arrow';
import type { Catalog } from '../catalog/catalog.js';
import { tableIdentifier, type TableIdentifier } from '../catalog/identifier.js';
import { isLakeError, ValidationError } from '../errors.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import { ALWAYS_TRUE, and, literalPredicate } from '../iceberg/expressions/builders.js';
import type { Expression } from '../iceberg/expressions/expression.js';
import type { DataFile } from '../iceberg/manifest/types.js';
import { readLiveRows } from '../iceberg/operations/commit-files.js';
import { isolationLevelFrom, type IsolationLevel } from '../iceberg/operations/concurrent-changes.js';
import { copyOnWriteChanges, type CopyOnWritePlan } from '../iceberg/operations/copy-on-write.js';
import type { RowChangeResult } from '../iceberg/operations/delete-where.js';
import { planFiles, type FileScanTask } from '../iceberg/scan/plan.js';
import { readTask } from '../iceberg/scan/read.js';
import { currentSchema, snapshotByRef, type TableMetadata } from '../iceberg/spec/metadata.js';
import type { PartitionSpec } from '../iceberg/spec/partition.js';
import { newSchema, type Schema } from '../iceberg/spec/schema.js';
import { MAIN_BRANCH, type Snapshot } from '../iceberg/spec/snapshot.js';
import { SnapshotProducer, type SnapshotChanges } from '../iceberg/table/snapshot-producer.js';
import { Table } from '../iceberg/table/table.js';
import { writeDataFiles } from '../iceberg/write/data-writer.js';
import { takeRows } from '../iceberg/write/take.js';
import { selectedIndices } from '../iceberg/expressions/filter-batch.js';
import { rowKey } from './standardize.js';

/** Rows as Arrow, or plain objects converted once with the table's schema. */
export type GoldData = ArrowTable | readonly Record<string, unknown>[];

/**
 * Load a gold table, creating it (and its namespace) first if it does not exist.
 *
 * @example
 * ```ts
 * const table = await ensureGoldTable(lake.catalog, 'gold.customers', schema, spec);
 * ```
 */
export async function ensureGoldTable(catalog: Catalog, id: string | TableIdentifier, schema: Schema, partitionSpec?: PartitionSpec, properties?: Readonly<Record<string, string>>): Promise<Table> {
  const ident = tableIdentifier(id);
  try {
    return await Table.load(catalog, ident);
  } catch (e) {
    if (!isLakeError(e, 'NOT_FOUND')) throw e;
  }
  if (ident.namespace.length > 0 && !(await catalog.namespaceExists(ident.namespace))) {
    try {
      await catalog.createNamespace(ident.namespace);
    } catch (e) {
      if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
    }
  }
  try {
    return new Table(catalog, await catalog.createTable(ident, { schema, ...(partitionSpec === undefined ? {} : { partitionSpec }), ...(properties === undefined ? {} : { properties }) }));
  } catch (e) {
    if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
    return Table.load(catalog, ident);
  }
}

function toArrow(table: Table, data: GoldData): ArrowTable {
  return Array.isArray(data) ? rowsToArrow(data as Record<string, unknown>[], table.schema()) : (data as ArrowTable);
}

/** Append rows to a gold table as one snapshot. */
export function appendGold(table: Table, data: GoldData, summary: Readonly<Record<string, string>> = {}): Promise<Snapshot> {
  return table.append(toArrow(table, data), { summary });
}

/** Replace exactly the partitions the new rows fall in (other partitions untouched), as one snapshot. */
export function overwriteGoldPartitions(table: Table, data: GoldData): Promise<RowChangeResult> {
  return table.overwritePartitions(toArrow(table, data));
}

/** What a merge changes. */
export interface MergeInput {
  /** Rows to insert or replace (matched by key). */
  upserts?: GoldData;
  /** Keys of rows to delete: rows (objects or Arrow) with at least the key columns. */
  deletes?: GoldData;
}

/** Options of {@link mergeByKey}. */
export interface MergeOptions {
  /** Key columns (top-level). */
  key: readonly string[];
  /** Extra snapshot summary entries. */
  summary?: Readonly<Record<string, string>>;
  /** Table properties set in the same commit. */
  properties?: Readonly<Record<string, string>>;
  /** Checked against the freshest metadata on every commit attempt; throw to stop (use it for watermarks). */
  precondition?: (metadata: TableMetadata) => void;
  /** @default the table's `write.delete.isolation-level`, else serializable */
  isolationLevel?: IsolationLevel;
}

/** What a merge did. */
export interface MergeResult {
  snapshot: Snapshot | undefined;
  /** Keys that were not in the table and were inserted. */
  inserted: number;
  /** Keys that were in the table and were replaced. */
  updated: number;
  /** Rows deleted. */
  deleted: number;
  removedDataFiles: number;
  addedDataFiles: number;
}

function keySchema(schema: Schema, key: readonly string[]): Schema {
  const fields = key.map((k) => {
    const f = schema.fields.find((x) => x.name === k);
    if (f === undefined) throw new ValidationError(`key column ${k} is not in the table (columns: ${schema.fields.map((x) => x.name).join(', ')})`, { context: { column: k } });
    if (f.type.type === 'struct' || f.type.type === 'list' || f.type.type === 'map') throw new ValidationError(`key column ${k} is a ${f.type.type}; keys must be primitive columns`);
    return f;
  });
  return newSchema(fields);
}

function keyColumns(batch: RecordBatch | ArrowTable, key: readonly string[]): Vector[] {
  return key.map((k) => {
    const c = batch.getChild(k);
    if (c === null) throw new ValidationError(`the change rows have no key column ${k}`, { context: { column: k } });
    return c;
  });
}

type Comparable = number | bigint | string;

function keyRange(tables: readonly ArrowTable[], key: readonly string[]): Expression | undefined {
  const preds: Expression[] = [];
  for (const k of key) {
    let min: Comparable | undefined;
    let max: Comparable | undefined;
    let ok = true;
    for (const t of tables) {
      const col = t.getChild(k);
      if (col === null) continue;
      for (let i = 0; i < col.length && ok; i++) {
        const v = col.get(i) as unknown;
        if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'string') {
          ok = false;
          break;
        }
        if (min === undefined || v < min) min = v;
        if (max === undefined || v > max) max = v;
      }
    }
    if (ok && min !== undefined && max !== undefined) preds.push(literalPredicate('gt-eq', k, min), literalPredicate('lt-eq', k, max));
  }
  return preds.length === 0 ? undefined : and(...preds);
}

/**
 * Upsert and delete rows by key, copy-on-write, in one snapshot. Each key
 * may appear once in `upserts` (de-duplicate first) and is either upserted
 * or deleted, not both.
 *
 * @example
 * ```ts
 * await mergeByKey(table, { upserts: [{ id: 7n, name: 'Ada' }], deletes: [{ id: 9n }] }, { key: ['id'] });
 * ```
 */
export async function mergeByKey(table: Table, input: MergeInput, options: MergeOptions): Promise<MergeResult> {
  if (options.key.length === 0) throw new ValidationError('give at least one key column to merge by');
  const schema = table.schema();
  const kSchema = keySchema(schema, options.key);
  const upserts = input.upserts === undefined ? undefined : toArrow(table, input.upserts);
  const deletes = input.deletes === undefined ? undefined : Array.isArray(input.deletes) ? rowsToArrow(input.deletes as Record<string, unknown>[], kSchema) : (input.deletes as ArrowTable);
  const upsertKeys = new Set<string>();
  if (upserts !== undefined) {
    for (const b of upserts.batches) {
      const cols = keyColumns(b, options.key);
      for (let i = 0; i < b.numRows; i++) {
        const k = rowKey(cols, i);
        if (upsertKeys.has(k)) throw new ValidationError(`key ${k} appears twice in the upserts; de-duplicate by key first (dedupByKey)`, { context: { key: k } });
        upsertKeys.add(k);
      }
    }
  }
  const deleteKeys = new Set<string>();
  if (deletes !== undefined) {
    for (const b of deletes.batches) {
      const cols = keyColumns(b, options.key);
      for (let i = 0; i < b.numRows; i++) {
        const k = rowKey(cols, i);
        if (upsertKeys.has(k)) throw new ValidationError(`key ${k} is both upserted and deleted; resolve each key to one change first`, { context: { key: k } });
        deleteKeys.add(k);
      }
    }
  }
  const touched = (k: string) => upsertKeys.has(k) || deleteKeys.has(k);
  const metadata = table.metadata;
  const base = snapshotByRef(metadata, MAIN_BRANCH);
  const range = keyRange([...(upserts === undefined ? [] : [upserts]), ...(deletes === undefined ? [] : [deletes])], options.key);
  const plan: CopyOnWritePlan = { base, metadata, removed: new Map(), rewrittenInputs: 0, rewritten: [] };
  const found = new Set<string>();
  let deleted = 0;
  const tasks: FileScanTask[] = [];
  if (base !== undefined && upsertKeys.size + deleteKeys.size > 0) {
    for await (const task of planFiles(table.io, metadata, { snapshotId: base.snapshotId, ...(range === undefined ? {} : { filter: range }) })) {
      // Read only the key columns to learn whether the file holds a changed key.
      let hit = false;
      for await (const b of readTask(table.io, schema, kSchema, { ...task, residual: ALWAYS_TRUE }, undefined)) {
        const cols = keyColumns(b, options.key);
        for (let i = 0; i < b.numRows; i++) {
          const k = rowKey(cols, i);
          if (touched(k)) {
            hit = true;
            found.add(k);
            if (deleteKeys.has(k)) deleted++;
          }
        }
      }
      if (hit) tasks.push(task);
    }
  }
  const survivors = async function* (): AsyncGenerator<RecordBatch> {
    for (const task of tasks) {
      for await (const b of readLiveRows(table, currentSchema(metadata), task)) {
        const cols = keyColumns(b, options.key);
        const keep = new Uint8Array(b.numRows);
        let kept = 0;
        for (let i = 0; i < b.numRows; i++) {
          if (!touched(rowKey(cols, i))) {
            keep[i] = 1;
            kept++;
          }
        }
        if (kept === b.numRows) yield b;
        else if (kept > 0) yield takeRows(b, selectedIndices(keep));
      }
    }
    for (const b of upserts?.batches ?? []) yield b;
  };
  let written: DataFile[] = [];
  if (tasks.length > 0 || (upserts?.numRows ?? 0) > 0) written = await writeDataFiles(table.io, metadata, survivors());
  for (const t of tasks) plan.removed.set(t.file.filePath, t.file);
  plan.rewrittenInputs = tasks.length;
  const updated = [...found].filter((k) => upsertKeys.has(k)).length;
  const counts = { inserted: upsertKeys.size - updated, updated, deleted, removedDataFiles: tasks.length, addedDataFiles: written.length };
  if (plan.removed.size === 0 && written.length === 0) {
    if (options.properties !== undefined) await commitProperties(table, options.properties, options.precondition);
    return { snapshot: undefined, ...counts };
  }
  const changes = copyOnWriteChanges(table, plan, {
    operation: plan.removed.size === 0 ? 'append' : 'overwrite',
    name: 'merge',
    filter: range ?? ALWAYS_TRUE,
    isolationLevel: options.isolationLevel ?? isolationLevelFrom(table.properties),
    addedDataFiles: written,
  });
  const validate: SnapshotChanges['validate'] = async (parent, current) => {
    options.precondition?.(current);
    await changes.validate?.(parent, current);
  };
  const snapshot = await commitWithProperties(table, { ...changes, summary: { ...options.summary }, validate }, options.properties, written);
  return { snapshot, ...counts };
}

/**
 * Set table properties when no data changed, checking `precondition` against
 * the state the commit applies to (the branch head is asserted, so a
 * concurrent commit makes it re-check).
 */
async function commitProperties(table: Table, properties: Readonly<Record<string, string>>, precondition: ((m: TableMetadata) => void) | undefined): Promise<void> {
  await table.commit((current) => {
    precondition?.(current.metadata);
    const head = snapshotByRef(current.metadata, MAIN_BRANCH);
    return {
      requirements: [{ type: 'assert-ref-snapshot-id' as const, ref: MAIN_BRANCH, snapshotId: head?.snapshotId ?? null }],
      updates: [{ action: 'set-properties' as const, updates: properties }],
    };
  });
}

/**
 * Commit snapshot changes plus table properties in one atomic catalog
 * commit; written files are deleted if it certainly failed.
 */
export async function commitWithProperties(table: Table, changes: SnapshotChanges, properties: Readonly<Record<string, string>> | undefined, written: readonly DataFile[]): Promise<Snapshot> {
  const producer = new SnapshotProducer(table.io, changes);
  try {
    await table.commit(async (current) => {
      const p = await producer.plan(current.metadata);
      if (properties === undefined || Object.keys(properties).length === 0) return p;
      return { requirements: p.requirements, updates: [...p.updates, { action: 'set-properties' as const, updates: properties }] };
    });
  } catch (e) {
    if (!isLakeError(e, 'COMMIT_STATE_UNKNOWN')) {
      await producer.cleanUp(false);
      await table.io.deleteMany(written.map((f) => f.filePath)).catch(() => undefined);
    }
    throw e;
  }
  await producer.cleanUp(true);
  return producer.snapshot!;
}

