/**
 * AWS DMS change data capture into gold Iceberg tables. DMS writes change
 * files to S3 whose first column `Op` is `I`, `U` or `D` (full-load files
 * have no `Op`: every row is an insert), optionally followed by a commit
 * timestamp column, then the table's columns. A batch is applied as one
 * merge: changes are folded in order into the final state of each key (the
 * last change wins; a `D` removes the key) and committed copy-on-write.
 *
 * Exactly once: the batch id and a digest of its content are committed in
 * the same atomic step as the data — the snapshot summary records the batch,
 * the table property `lakekit.cdc.<stream>.watermark` the last batch id —
 * and the commit re-checks the watermark against the freshest metadata.
 * Batch ids must sort in commit order (DMS file names, `20261122-103000123`,
 * do). A batch equal to the watermark, or found in the history, is a
 * duplicate and changes nothing; an older unseen batch is out of order and
 * refused (or ignored, by rule); a batch id reused with other content is
 * refused.
 */
import { Table as ArrowTable } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import { readParquet } from '../formats/readers/parquet.js';
import { fromUtf8 } from '../internal/bytes.js';
import { sha256Hex } from '../internal/hash.js';
import { MemoryFileIO } from '../io/memory.js';
import { newSchema } from '../iceberg/spec/schema.js';
import { finalConflict } from '../iceberg/table/commit.js';
import type { Table } from '../iceberg/table/table.js';
import type { Snapshot } from '../iceberg/spec/snapshot.js';
import { mergeByKey } from './gold.js';
import { parseDmsCsv } from './dms-csv.js';

/** DMS's operation column. */
export const DMS_OP_COLUMN = 'Op';
/** Snapshot summary keys a CDC commit writes. */
export const CDC_SUMMARY = Object.freeze({ stream: 'lakekit.cdc.stream', batchId: 'lakekit.cdc.batch-id', digest: 'lakekit.cdc.batch-sha256', changes: 'lakekit.cdc.changes' });

/** The table property holding the last applied batch id of a stream. */
export function watermarkProperty(stream: string): string {
  return `lakekit.cdc.${stream}.watermark`;
}

/** One DMS batch: change rows in commit order. */
export interface DmsBatch {
  /** Batch id that sorts in commit order (the DMS file name's timestamp). */
  id: string;
  /** Rows with `Op` (and optionally the timestamp column) plus table columns; Arrow or objects. */
  changes: ArrowTable | readonly Record<string, unknown>[];
  /** A full-load batch: no `Op` column, every row is an insert. @default false (unless the rows have no Op) */
  fullLoad?: boolean;
  /** SHA-256 of the batch's source files, if known (else computed from the rows). */
  sha256?: string;
}

/** Options of {@link applyDmsBatch}. */
export interface ApplyCdcOptions {
  /** Primary key columns. */
  key: readonly string[];
  /** Name of this change stream (one per source table). @default 'default' */
  stream?: string;
  /** DMS `TimestampColumnName`, if set: rows are applied in its order (stable), and it is dropped unless the table has it. */
  timestampColumn?: string;
  /** What to do with a batch older than the watermark that was never applied. @default 'refuse' */
  outOfOrder?: 'refuse' | 'ignore';
}

/** What {@link applyDmsBatch} did. */
export interface ApplyCdcResult {
  status: 'applied' | 'duplicate' | 'ignored';
  batchId: string;
  changes: number;
  inserted: number;
  updated: number;
  deleted: number;
  snapshot: Snapshot | undefined;
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v;
}

function findApplied(table: Table, stream: string, id: string): Snapshot | undefined {
  return table.snapshots().find((s) => s.summary?.[CDC_SUMMARY.stream] === stream && s.summary?.[CDC_SUMMARY.batchId] === id);
}

/**
 * Apply one DMS batch to `table` as a merge by `key`, exactly once.
 *
 * @example
 * ```ts
 * await applyDmsBatch(table, { id: '20261122-103000123', changes: [{ Op: 'U', id: 7n, name: 'Ada' }, { Op: 'D', id: 9n }] }, { key: ['id'] });
 * ```
 */
export async function applyDmsBatch(table: Table, batch: DmsBatch, options: ApplyCdcOptions): Promise<ApplyCdcResult> {
  const stream = options.stream ?? 'default';
  if (!/^[A-Za-z0-9_.-]+$/.test(stream)) throw new ValidationError(`CDC stream name ${JSON.stringify(stream)} must use letters, digits, '_', '-', '.'`);
  if (batch.id === '') throw new ValidationError('a CDC batch needs a non-empty id that sorts in commit order');
  const rows = Array.isArray(batch.changes) ? (batch.changes as Record<string, unknown>[]) : arrowToRows(batch.changes as ArrowTable);
  const digest = batch.sha256 ?? (await sha256Hex(JSON.stringify(rows, bigintSafe)));
  const wmKey = watermarkProperty(stream);
  const none = { batchId: batch.id, changes: rows.length, inserted: 0, updated: 0, deleted: 0, snapshot: undefined };

  const decide = (properties: Readonly<Record<string, string>>): 'apply' | 'duplicate' | 'ignored' => {
    const wm = properties[wmKey];
    if (wm === undefined || batch.id > wm) return 'apply';
    const prior = batch.id === wm ? { digest: properties[`${wmKey}-sha256`] } : (() => {
      const s = findApplied(table, stream, batch.id);
      return s === undefined ? undefined : { digest: s.summary?.[CDC_SUMMARY.digest] };
    })();
    if (prior !== undefined) {
      if (prior.digest !== undefined && prior.digest !== digest) {
        throw new ValidationError(`CDC batch ${batch.id} of stream ${stream} was already applied with different content; batches never change, give the new changes a new batch id`, {
          context: { batchId: batch.id, stream },
        });
      }
      return 'duplicate';
    }
    if ((options.outOfOrder ?? 'refuse') === 'ignore') return 'ignored';
    throw new ValidationError(`CDC batch ${batch.id} of stream ${stream} is older than the last applied batch ${wm} and was never applied; DMS batches must be applied in order (set outOfOrder: 'ignore' to skip late batches)`, {
      context: { batchId: batch.id, watermark: wm, stream },
    });
  };
  const first = decide(table.properties);
  if (first !== 'apply') return { status: first, ...none };

  const expectedWatermark = table.properties[wmKey];
  const { upserts, deletes } = foldChanges(table, rows, batch.fullLoad, options);
  const result = await mergeByKey(
    table,
    { upserts, deletes },
    {
      key: options.key,
      summary: { [CDC_SUMMARY.stream]: stream, [CDC_SUMMARY.batchId]: batch.id, [CDC_SUMMARY.digest]: digest, [CDC_SUMMARY.changes]: String(rows.length) },
      properties: { [wmKey]: batch.id, [`${wmKey}-sha256`]: digest },
      precondition: (metadata) => {
        if (metadata.properties[wmKey] !== expectedWatermark) {
          throw finalConflict(`another writer applied CDC batch ${metadata.properties[wmKey] ?? '?'} of stream ${stream} while ${batch.id} was being applied; apply ${batch.id} again (it is recognised if it already landed)`);
        }
      },
    },
  );
  return { status: 'applied', ...none, inserted: result.inserted, updated: result.updated, deleted: result.deleted, snapshot: result.snapshot };
}

/**
 * Order of two commit timestamps: DMS's `TimestampColumnName` column is text
 * (`yyyy-MM-dd HH:mm:ss.SSSSSS`, which sorts as text), but a caller may pass
 * a typed timestamp (epoch numbers, microsecond bigints, Dates): those
 * compare by value. Missing timestamps sort first.
 */
function compareCommitTimes(a: unknown, b: unknown): number {
  const key = (v: unknown): bigint | number | string | undefined => (v === null || v === undefined ? undefined : v instanceof Date ? v.getTime() : typeof v === 'bigint' || typeof v === 'number' ? v : String(v));
  const x = key(a);
  const y = key(b);
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
  if (typeof x === 'string' || typeof y === 'string') {
    const sx = String(x);
    const sy = String(y);
    return sx < sy ? -1 : sx > sy ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Fold ordered change rows into the final upserts and deletes per key. */
function foldChanges(table: Table, rows: readonly Record<string, unknown>[], fullLoad: boolean | undefined, options: ApplyCdcOptions): { upserts: ArrowTable; deletes: ArrowTable } {
  const schema = table.schema();
  const ts = options.timestampColumn;
  let order = rows.map((_, i) => i);
  if (ts !== undefined) order = order.sort((a, b) => compareCommitTimes(rows[a]![ts], rows[b]![ts]) || a - b);
  const final = new Map<string, { op: 'U' | 'D'; row: number }>();
  for (const i of order) {
    const r = rows[i]!;
    // A row without an Op column comes from a full-load file (unless the batch says it is not a full load).
    const raw = fullLoad === true || (fullLoad === undefined && !(DMS_OP_COLUMN in r)) ? 'I' : r[DMS_OP_COLUMN];
    const op = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
    if (op !== 'I' && op !== 'U' && op !== 'D') {
      throw new ValidationError(`change row ${i} has Op ${JSON.stringify(raw)}; DMS operations are I, U and D (full-load rows have no Op)`, { context: { row: i } });
    }
    const key = options.key.map((k) => {
      const v = r[k];
      if (v === null || v === undefined) throw new ValidationError(`change row ${i} has no value for key column ${k}`, { context: { row: i, column: k } });
      return typeof v === 'bigint' ? `${v}` : String(v);
    });
    final.set(JSON.stringify(key), { op: op === 'D' ? 'D' : 'U', row: i });
  }
  const upsertRows: Record<string, unknown>[] = [];
  const deleteRows: Record<string, unknown>[] = [];
  for (const { op, row } of final.values()) (op === 'D' ? deleteRows : upsertRows).push(rows[row]!);
  const keySchema = newSchema(options.key.map((k) => {
    const f = schema.fields.find((x) => x.name === k);
    if (f === undefined) throw new ValidationError(`key column ${k} is not in table ${table.name}`);
    return f;
  }));
  return { upserts: rowsToArrow(upsertRows, schema), deletes: rowsToArrow(deleteRows, keySchema) };
}

/** A DMS output file to decode. */
export interface DmsFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Decode DMS change files (CSV without header, or Parquet) into change rows
 * for {@link applyDmsBatch}, with columns named after the table: `Op`
 * first, then the timestamp column if `timestampColumn` is given (DMS's
 * `TimestampColumnName`: text `yyyy-MM-dd HH:mm:ss.SSSSSS`, used to order
 * the changes), then the table's columns. Full-load files have no `Op`
 * (a CSV row is one when it has exactly the table's columns plus the
 * timestamp; a Parquet file when it has no `Op` column): their rows get
 * `Op: 'I'`, so one batch may mix full-load and CDC files. Parquet columns
 * the table lacks (transaction ids, other `_dms_*` columns) are dropped.
 * CSV values stay text and are converted to the table's types when applied.
 */
export async function readDmsFiles(table: Table, files: readonly DmsFile[], options: { timestampColumn?: string } = {}): Promise<{ rows: Record<string, unknown>[]; sha256: string }> {
  const columns = table.schema().fields.map((f) => f.name);
  const rows: Record<string, unknown>[] = [];
  const digests: string[] = [];
  for (const file of files) {
    digests.push(await sha256Hex(file.bytes));
    if (file.bytes.byteLength >= 4 && fromUtf8(file.bytes.subarray(0, 4)) === 'PAR1') {
      rows.push(...(await readDmsParquet(table, file, options.timestampColumn)));
      continue;
    }
    const records = parseDmsCsv(fromUtf8(file.bytes), file.name);
    for (const [line, rec] of records) {
      const extra = options.timestampColumn === undefined ? 0 : 1;
      const withOp = rec.length === columns.length + 1 + extra;
      const fullLoad = rec.length === columns.length + extra;
      if (!withOp && !fullLoad) {
        throw new ValidationError(`${file.name} line ${line} has ${rec.length} fields; expected ${columns.length} table columns, plus Op${options.timestampColumn === undefined ? '' : ' and ' + options.timestampColumn}`, {
          context: { file: file.name, line },
        });
      }
      let i = 0;
      const row: Record<string, unknown> = {};
      // Full-load rows are inserts; marking them so lets one batch mix full-load and CDC files.
      row[DMS_OP_COLUMN] = withOp ? rec[i++] : 'I';
      if (options.timestampColumn !== undefined) row[options.timestampColumn] = rec[i++];
      for (const c of columns) row[c] = rec[i++];
      rows.push(row);
    }
  }
  return { rows, sha256: await sha256Hex(digests.join(',')) };
}

async function readDmsParquet(table: Table, file: DmsFile, timestampColumn: string | undefined): Promise<Record<string, unknown>[]> {
  const io = new MemoryFileIO();
  const loc = `memory://dms/${crypto.randomUUID()}.parquet`;
  await io.write(loc, file.bytes);
  const stream = readParquet(io, loc);
  const names = (await stream.schema).fields.map((f) => f.name);
  // Keep Op, the commit timestamp and the table's columns; other columns DMS adds (transaction ids, `_dms_*`) are dropped.
  const keep = new Set([DMS_OP_COLUMN, ...(timestampColumn === undefined ? [] : [timestampColumn]), ...table.schema().fields.map((f) => f.name)]);
  const fullLoad = !names.includes(DMS_OP_COLUMN);
  const rows: Record<string, unknown>[] = [];
  for await (const b of stream) {
    for (const r of arrowToRows(b)) {
      const row: Record<string, unknown> = fullLoad ? { [DMS_OP_COLUMN]: 'I' } : {};
      for (const [k, v] of Object.entries(r)) if (keep.has(k)) row[k] = v;
      rows.push(row);
    }
  }
  return rows;
}
