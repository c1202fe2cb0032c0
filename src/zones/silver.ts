/**
 * The silver zone: cleaned, standardized data as Parquet (Snappy by default),
 * partitioned by domain and date, one folder per dataset. Files are written
 * first and then registered in the dataset's manifest in one atomic step:
 * each commit writes the next numbered manifest (`_manifests/v000000007.json`,
 * the full list of live files) create-if-absent, as Iceberg commits metadata,
 * so readers that list the manifest never see partial output, and two
 * writers never both win.
 */
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { z } from 'zod';
import { AlreadyExistsError, CommitConflictError, isLakeError, ValidationError } from '../errors.js';
import type { CompressionCodecName } from '../formats/compression/codec.js';
import { arrowToIcebergSchema } from '../formats/arrow/from-arrow-schema.js';
import { icebergToArrowSchema } from '../formats/arrow/schema.js';
import { ParquetWriter } from '../formats/parquet/write/writer.js';
import { readParquet } from '../formats/parquet/read/reader.js';
import { newSchema, schemaFromJson, schemaToJson, type Schema } from '../iceberg/spec/schema.js';
import { concatBytes, fromUtf8 } from '../internal/bytes.js';
import { ChunkQueue } from '../io/chunk-queue.js';
import type { FileIO, FileStat } from '../io/file-io.js';
import type { HookContext, ProtectHook, QualityGate } from './hooks.js';
import { escapeSegment, hiveSegment, parseVersionName, versionName } from './layout.js';
import { dedupByKey } from './standardize.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import type { Table } from '../iceberg/table/table.js';
import { takeRows } from '../iceberg/write/take.js';

/** Parquet codec of silver files. */
export const DEFAULT_SILVER_CODEC: CompressionCodecName = 'snappy';
/** Partition columns of silver datasets. */
export const DEFAULT_SILVER_PARTITIONING: readonly string[] = ['domain', 'date'];
/** Silver files roll over at this size. */
export const DEFAULT_SILVER_TARGET_FILE_BYTES = 128 * 1024 * 1024;
/** Commit attempts before a {@link CommitConflictError} is final. */
export const DEFAULT_SILVER_COMMIT_ATTEMPTS = 10;
/** Where a dataset's manifests live, under the dataset folder. */
export const SILVER_MANIFEST_DIR = '_manifests';
/** Snapshot summary key of the batch id an Iceberg silver append recorded. */
export const SILVER_BATCH_SUMMARY_KEY = 'lakekit.silver.batch';
/** Where failing rows of a stopped write are kept, under the zone root. */
export const QUARANTINE_DIR = '_quarantine';

/** One data file of a silver dataset. */
export interface SilverFile {
  /** Path relative to the dataset folder. */
  path: string;
  /** Partition values by column (unescaped). */
  partition: Record<string, string>;
  rows: number;
  size: number;
}

/** One committed version of a dataset: every live file, the schema, and what was applied. */
export interface SilverManifest {
  formatVersion: 1;
  dataset: string;
  version: number;
  committedAt: string;
  operation: 'append' | 'overwrite-partitions';
  /** The Iceberg schema of the files (field ids tie columns across versions). */
  schema: Record<string, unknown>;
  partitionBy: string[];
  files: SilverFile[];
  /** Batch ids committed so far (bronze batches, promotion runs): a replay is recognised and skipped. */
  batches: string[];
}

/** Options of a {@link SilverWriter}. */
export interface SilverWriterOptions {
  root: string;
  io: FileIO;
  /** @default DEFAULT_SILVER_PARTITIONING */
  partitionBy?: readonly string[];
  /** @default DEFAULT_SILVER_CODEC */
  codec?: CompressionCodecName;
  /** @default DEFAULT_SILVER_TARGET_FILE_BYTES */
  targetFileBytes?: number;
  now?: () => Date;
}

/** Options of one {@link SilverWriter.write}. */
export interface SilverWriteOptions {
  /** Value of the `domain` partition (`sales`, `finance`…). */
  domain?: string;
  /** Column whose value gives the `date` partition (a date, timestamp or ISO text column). */
  dateColumn?: string;
  /** Fixed `date` partition when there is no date column. */
  date?: string;
  /** `append` adds files; `overwrite-partitions` replaces the partitions the new data falls in. @default 'append' */
  mode?: 'append' | 'overwrite-partitions';
  /** De-duplicate by these key columns (last row wins) before writing. */
  dedupKey?: readonly string[];
  qualityGate?: QualityGate;
  protect?: ProtectHook;
  /** Id recorded with the commit; writing the same id again is skipped (exactly-once promotion). */
  batchId?: string;
  runId?: string;
  source?: string;
}

/** The result of a silver write. */
export interface SilverWriteResult {
  /** `committed`; `duplicate` (batch id seen, nothing written); `quality-failed` (nothing committed, failing rows quarantined). */
  status: 'committed' | 'duplicate' | 'quality-failed';
  dataset: string;
  /** The manifest version now current (unchanged unless committed). */
  version: number | undefined;
  rowsIn: number;
  rowsOut: number;
  files: SilverFile[];
  quarantine?: { location: string; rows: number };
  qualityReport?: unknown;
}

const fileSchema = z.object({ path: z.string(), partition: z.record(z.string(), z.string()), rows: z.number(), size: z.number() });
const manifestSchema = z.object({
  formatVersion: z.literal(1),
  dataset: z.string(),
  version: z.number().int().positive(),
  committedAt: z.string(),
  operation: z.enum(['append', 'overwrite-partitions']),
  schema: z.record(z.string(), z.unknown()),
  partitionBy: z.array(z.string()),
  files: z.array(fileSchema),
  batches: z.array(z.string()),
});

function checkDataset(name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/.test(name) || name.includes('..')) {
    throw new ValidationError(`dataset name ${JSON.stringify(name)} is invalid; use letters, digits, '_', '-' and single '.' (e.g. sales.orders)`);
  }
}

function dateText(v: unknown, column: string): string {
  if (v === null || v === undefined) return '__HIVE_DEFAULT_PARTITION__';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number') return new Date(v).toISOString().slice(0, 10);
  if (typeof v === 'bigint') return new Date(Number(v / 1000n)).toISOString().slice(0, 10);
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(s);
  if (m === null) throw new ValidationError(`column ${column} holds ${JSON.stringify(s)}, which is not a date; standardize it first`, { context: { column } });
  return m[1]!;
}

/**
 * Writes and reads silver datasets.
 *
 * @example
 * ```ts
 * const silver = new SilverWriter({ root: lake.silver.root, io: lake.silver.io });
 * await silver.write('sales.orders', orders, { domain: 'sales', dateColumn: 'order_date', dedupKey: ['order_id'] });
 * const current = await silver.read('sales.orders');
 * ```
 */
export class SilverWriter {
  readonly #root: string;
  readonly #io: FileIO;
  readonly #partitionBy: readonly string[];
  readonly #codec: CompressionCodecName;
  readonly #target: number;
  readonly #now: () => Date;

  constructor(options: SilverWriterOptions) {
    this.#root = options.root.replace(/\/+$/, '');
    this.#io = options.io;
    this.#partitionBy = options.partitionBy ?? DEFAULT_SILVER_PARTITIONING;
    this.#codec = options.codec ?? DEFAULT_SILVER_CODEC;
    this.#target = options.targetFileBytes ?? DEFAULT_SILVER_TARGET_FILE_BYTES;
    this.#now = options.now ?? (() => new Date());
  }

  get io(): FileIO {
    return this.#io;
  }

  /** URI of a dataset's folder (with trailing slash). */
  datasetLocation(dataset: string): string {
    checkDataset(dataset);
    return `${this.#root}/${dataset}/`;
  }

  /** The current manifest of a dataset, or undefined if nothing was committed. */
  async current(dataset: string): Promise<SilverManifest | undefined> {
    const dir = `${this.datasetLocation(dataset)}${SILVER_MANIFEST_DIR}/`;
    let latest: number | undefined;
    for await (const stat of this.#io.list(dir)) {
      const v = parseVersionName(stat.location.slice(stat.location.lastIndexOf('/') + 1));
      if (v !== undefined && (latest === undefined || v > latest)) latest = v;
    }
    return latest === undefined ? undefined : this.manifest(dataset, latest);
  }

  /** One version's manifest. */
  async manifest(dataset: string, version: number): Promise<SilverManifest> {
    const location = `${this.datasetLocation(dataset)}${SILVER_MANIFEST_DIR}/${versionName(version)}.json`;
    const bytes = await this.#io.read(location);
    const parsed = manifestSchema.safeParse(JSON.parse(fromUtf8(bytes)));
    if (!parsed.success) throw new ValidationError(`silver manifest ${location} is invalid: ${parsed.error.issues[0]?.message ?? ''}`, { context: { location } });
    return parsed.data as SilverManifest;
  }

  /** Read a dataset (the current version, or `version`) as one Arrow table, in file order. */
  async read(dataset: string, options: { version?: number; filter?: (file: SilverFile) => boolean } = {}): Promise<ArrowTable> {
    const m = options.version === undefined ? await this.current(dataset) : await this.manifest(dataset, options.version);
    if (m === undefined) throw new ValidationError(`silver dataset ${dataset} has no committed version yet; write to it first`);
    const schema = schemaFromJson(m.schema, `silver manifest of ${dataset}`);
    const batches: RecordBatch[] = [];
    for (const f of m.files) {
      if (options.filter !== undefined && !options.filter(f)) continue;
      for await (const b of readParquet(this.#io, `${this.datasetLocation(dataset)}${f.path}`, { schema, fileSize: f.size })) batches.push(b);
    }
    if (batches.length === 0) return new ArrowTable(icebergToArrowSchema(schema));
    return new ArrowTable(batches);
  }

  /**
   * Write `data` as a new version of `dataset`. Hooks run first (dedup,
   * then the quality gate on the raw rows, then PII protection); if the gate
   * fails, the failing rows (protected) are written to quarantine and nothing
   * is committed. Then files are written, then the next manifest is created
   * in one atomic step (re-planned on a concurrent commit).
   */
  async write(dataset: string, data: ArrowTable, options: SilverWriteOptions = {}): Promise<SilverWriteResult> {
    checkDataset(dataset);
    const before = await this.current(dataset);
    const base = { dataset, rowsIn: data.numRows };
    if (options.batchId !== undefined && before?.batches.includes(options.batchId)) {
      return { ...base, status: 'duplicate', version: before.version, rowsOut: 0, files: [] };
    }
    const ctx: HookContext = { runId: options.runId ?? crypto.randomUUID(), zone: 'silver', dataset, ...(options.source === undefined ? {} : { source: options.source }) };
    let table = options.dedupKey === undefined ? data : dedupByKey(data, options.dedupKey);
    if (options.qualityGate !== undefined) {
      const gate = await options.qualityGate(table, ctx);
      if (!gate.passed) {
        const failing = gate.failingRows ?? table;
        const quarantine = await this.quarantine(dataset, ctx.runId, options.protect === undefined ? failing : await options.protect(failing, ctx), gate.report);
        return { ...base, status: 'quality-failed', version: before?.version, rowsOut: 0, files: [], quarantine, ...(gate.report === undefined ? {} : { qualityReport: gate.report }) };
      }
    }
    if (options.protect !== undefined) table = await options.protect(table, ctx);
    const existing = before === undefined ? undefined : schemaFromJson(before.schema, `silver manifest of ${dataset}`);
    const incoming = arrowToIcebergSchema(table.schema, existing === undefined ? {} : { existing });
    if (existing !== undefined) checkCompatible(existing, incoming, dataset);
    // Columns the new data lacks stay in the schema (older files still hold them); new columns are added.
    const schema = existing === undefined ? incoming : newSchema([...existing.fields, ...incoming.fields.filter((f) => !existing.fields.some((o) => o.id === f.id))]);
    const files = await this.#writeFiles(dataset, table, schema, options);
    try {
      const version = await this.#commit(dataset, files, schema, options);
      return { ...base, status: version.duplicate ? 'duplicate' : 'committed', version: version.version, rowsOut: version.duplicate ? 0 : table.numRows, files: version.duplicate ? [] : files };
    } catch (e) {
      if (!isLakeError(e, 'COMMIT_STATE_UNKNOWN')) await this.#io.deleteMany(files.map((f) => `${this.datasetLocation(dataset)}${f.path}`)).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Write `data` to a silver **Iceberg table** instead of Parquet files: the
   * same de-duplication, quality gate (failing rows quarantined under this
   * writer's root, nothing committed) and protection, then one append
   * snapshot that records `batchId` in its summary (a replayed batch id is
   * skipped).
   *
   * @example
   * ```ts
   * await silver.writeTable(await ensureGoldTable(lake.catalog, 'silver.orders', schema), orders, { batchId: 'b-1' });
   * ```
   */
  async writeTable(table: Table, data: ArrowTable, options: Omit<SilverWriteOptions, 'mode' | 'domain' | 'date' | 'dateColumn'> = {}): Promise<SilverWriteResult & { snapshotId?: bigint }> {
    const dataset = table.name;
    const base = { dataset, rowsIn: data.numRows, version: undefined, files: [] as SilverFile[] };
    const seen = options.batchId === undefined ? undefined : table.snapshots().find((s) => s.summary?.[SILVER_BATCH_SUMMARY_KEY] === options.batchId);
    if (seen !== undefined) return { ...base, status: 'duplicate', rowsOut: 0, snapshotId: seen.snapshotId };
    const ctx: HookContext = { runId: options.runId ?? crypto.randomUUID(), zone: 'silver', dataset, ...(options.source === undefined ? {} : { source: options.source }) };
    let rows = options.dedupKey === undefined ? data : dedupByKey(data, options.dedupKey);
    if (options.qualityGate !== undefined) {
      const gate = await options.qualityGate(rows, ctx);
      if (!gate.passed) {
        const failing = gate.failingRows ?? rows;
        const quarantine = await this.quarantine(dataset, ctx.runId, options.protect === undefined ? failing : await options.protect(failing, ctx), gate.report);
        return { ...base, status: 'quality-failed', rowsOut: 0, quarantine, ...(gate.report === undefined ? {} : { qualityReport: gate.report }) };
      }
    }
    if (options.protect !== undefined) rows = await options.protect(rows, ctx);
    const typed = rowsToArrow(arrowToRows(rows), table.schema());
    const snapshot = await table.append(typed, { summary: options.batchId === undefined ? {} : { [SILVER_BATCH_SUMMARY_KEY]: options.batchId } });
    return { ...base, status: 'committed', rowsOut: typed.numRows, snapshotId: snapshot.snapshotId };
  }

  /** Write rows to the quarantine of a dataset (Parquet plus the gate's report). */
  async quarantine(dataset: string, runId: string, rows: ArrowTable, report: unknown): Promise<{ location: string; rows: number }> {
    const dir = `${this.#root}/${QUARANTINE_DIR}/${escapeSegment(dataset)}/${hiveSegment('run', runId)}/`;
    const schema = arrowToIcebergSchema(rows.schema);
    const writer = new ParquetWriter(schema, { codec: this.#codec });
    const chunks = [...(await writer.write(rows))];
    chunks.push(...(await writer.finish()).chunks);
    await this.#io.createIfAbsent(`${dir}failing.parquet`, concatBytes(chunks));
    if (report !== undefined) await this.#io.createIfAbsent(`${dir}report.json`, JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
    return { location: `${dir}failing.parquet`, rows: rows.numRows };
  }

  async #writeFiles(dataset: string, table: ArrowTable, schema: Schema, options: SilverWriteOptions): Promise<SilverFile[]> {
    const partitionOf = this.#partitioner(table, options);
    const dir = this.datasetLocation(dataset);
    const prefix = crypto.randomUUID();
    const open = new Map<string, { rel: string; partition: Record<string, string>; writer: ParquetWriter; queue: ChunkQueue; done: Promise<FileStat>; rows: number }>();
    const files: SilverFile[] = [];
    let counter = 0;
    const finish = async (key: string) => {
      const f = open.get(key)!;
      open.delete(key);
      const { chunks, fileSize } = await f.writer.finish();
      for (const c of chunks) await f.queue.push(c);
      f.queue.close();
      await f.done;
      files.push({ path: f.rel, partition: f.partition, rows: f.rows, size: fileSize });
    };
    try {
      let offset = 0;
      for (const batch of table.batches) {
        const groups = new Map<string, { partition: Record<string, string>; rows: number[] }>();
        for (let i = 0; i < batch.numRows; i++) {
          const p = partitionOf(batch, i, offset + i);
          const key = JSON.stringify(p);
          let g = groups.get(key);
          if (g === undefined) groups.set(key, (g = { partition: p, rows: [] }));
          g.rows.push(i);
        }
        offset += batch.numRows;
        for (const [key, g] of groups) {
          let f = open.get(key);
          if (f === undefined) {
            const path = this.#partitionBy.map((c) => hiveSegment(c, g.partition[c]!)).join('/');
            const rel = `data/${path === '' ? '' : `${path}/`}${prefix}-${String(++counter).padStart(5, '0')}.parquet`;
            const queue = new ChunkQueue();
            const done = this.#io.createIfAbsent(`${dir}${rel}`, queue);
            done.catch(() => undefined);
            f = { rel, partition: g.partition, writer: new ParquetWriter(schema, { codec: this.#codec }), queue, done, rows: 0 };
            open.set(key, f);
          }
          const part = g.rows.length === batch.numRows ? batch : takeRows(batch, Uint32Array.from(g.rows));
          for (const bytes of await f.writer.write(part)) await f.queue.push(bytes);
          f.rows += part.numRows;
          if (f.writer.bytesWritten + f.writer.bufferedBytes >= this.#target) await finish(key);
        }
      }
      for (const key of [...open.keys()]) await finish(key);
      return files;
    } catch (e) {
      for (const f of open.values()) f.queue.fail(e);
      await Promise.allSettled([...open.values()].map((f) => f.done));
      await this.#io.deleteMany(files.map((f) => `${dir}${f.path}`)).catch(() => undefined);
      throw e;
    }
  }

  #partitioner(table: ArrowTable, options: SilverWriteOptions): (batch: RecordBatch, row: number, global: number) => Record<string, string> {
    const names = table.schema.fields.map((f) => f.name);
    for (const c of this.#partitionBy) {
      if (c === 'domain' && options.domain === undefined && !names.includes('domain')) throw new ValidationError('silver data is partitioned by domain; pass { domain } or include a domain column');
      if (c === 'date' && options.date === undefined && options.dateColumn === undefined && !names.includes('date')) {
        throw new ValidationError('silver data is partitioned by date; pass { dateColumn } (or a fixed { date })');
      }
      if (c !== 'domain' && c !== 'date' && !names.includes(c)) throw new ValidationError(`silver partition column ${c} is not in the data`);
    }
    if (options.dateColumn !== undefined && !names.includes(options.dateColumn)) throw new ValidationError(`date column ${options.dateColumn} is not in the data`);
    return (batch, row) => {
      const out: Record<string, string> = {};
      for (const c of this.#partitionBy) {
        if (c === 'domain' && options.domain !== undefined) out[c] = options.domain;
        else if (c === 'date' && options.date !== undefined) out[c] = options.date;
        else if (c === 'date') {
          const col = options.dateColumn ?? 'date';
          out[c] = dateText(batch.getChild(col)?.get(row), col);
        } else {
          const v = batch.getChild(c)?.get(row) as unknown;
          out[c] = v === null || v === undefined ? '__HIVE_DEFAULT_PARTITION__' : String(v);
        }
      }
      return out;
    };
  }

  async #commit(dataset: string, files: SilverFile[], schema: Schema, options: SilverWriteOptions): Promise<{ version: number; duplicate: boolean }> {
    const dir = `${this.datasetLocation(dataset)}${SILVER_MANIFEST_DIR}/`;
    for (let attempt = 0; attempt < DEFAULT_SILVER_COMMIT_ATTEMPTS; attempt++) {
      const base = await this.current(dataset);
      if (options.batchId !== undefined && base?.batches.includes(options.batchId)) return { version: base.version, duplicate: true };
      if (base !== undefined) checkCompatible(schemaFromJson(base.schema, dataset), schema, dataset);
      const mode = options.mode ?? 'append';
      const replaced = new Set(mode === 'overwrite-partitions' ? files.map((f) => JSON.stringify(f.partition)) : []);
      const kept = (base?.files ?? []).filter((f) => !replaced.has(JSON.stringify(f.partition)));
      const version = (base?.version ?? 0) + 1;
      const next: SilverManifest = {
        formatVersion: 1,
        dataset,
        version,
        committedAt: this.#now().toISOString(),
        operation: mode,
        schema: schemaToJson(schema),
        partitionBy: [...this.#partitionBy],
        files: [...kept, ...files],
        batches: [...(base?.batches ?? []), ...(options.batchId === undefined ? [] : [options.batchId])],
      };
      try {
        await this.#io.createIfAbsent(`${dir}${versionName(version)}.json`, JSON.stringify(next, null, 1), { contentType: 'application/json' });
        return { version, duplicate: false };
      } catch (e) {
        if (!(e instanceof AlreadyExistsError) && !isLakeError(e, 'ALREADY_EXISTS')) throw e;
      }
    }
    throw new CommitConflictError(`silver dataset ${dataset} kept changing while committing (${DEFAULT_SILVER_COMMIT_ATTEMPTS} attempts); retry the write`);
  }
}

/** New data may add columns; a column whose type changed is refused, naming each one. */
function checkCompatible(existing: Schema, incoming: Schema, dataset: string): void {
  const before = new Map(existing.fields.map((f) => [f.id, f]));
  const bad: string[] = [];
  for (const f of incoming.fields) {
    const old = before.get(f.id);
    if (old !== undefined && JSON.stringify(old.type) !== JSON.stringify(f.type)) bad.push(`${f.name}: ${JSON.stringify(old.type)} → ${JSON.stringify(f.type)}`);
  }
  if (bad.length > 0) {
    throw new ValidationError(`data for silver dataset ${dataset} changes column types; cast them back or write a new dataset:\n  ${bad.join('\n  ')}`, {
      context: { dataset, columns: bad.map((b) => b.split(':')[0]) },
    });
  }
}

