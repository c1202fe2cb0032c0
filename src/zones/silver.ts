/**
 * The silver zone: cleaned, standardized data as Parquet (Snappy by default),
 * partitioned by domain and date, one folder per dataset. Files are written
 * first and then registered in the dataset's manifest in one atomic step:
 * each commit writes the next numbered manifest (`_manifests/v000000007.json`,
 * the full list of live files) create-if-absent, as Iceberg commits metadata,
 * so readers that list the manifest never see partial output, and two
 * writers never both win.
 */
import { Table as ArrowTable, type RecordBatch, type Schema as ArrowSchema } from 'apache-arrow';
import { z } from 'zod';
import { AlreadyExistsError, CommitConflictError, isLakeError, ValidationError } from '../errors.js';
import type { CompressionCodecName } from '../formats/compression/codec.js';
import { arrowToIcebergSchema } from '../formats/arrow/from-arrow-schema.js';
import { icebergToArrowSchema } from '../formats/arrow/schema.js';
import { ParquetWriter } from '../formats/parquet/write/writer.js';
import type { ParquetWriteOptions } from '../formats/parquet/write/options.js';
import { evolveStruct } from '../formats/infer/evolve.js';
import { typeEquals } from '../iceberg/spec/type-compare.js';
import { readParquet } from '../formats/parquet/read/reader.js';
import { newSchema, schemaFromJson, schemaToJson, type Schema } from '../iceberg/spec/schema.js';
import { concatBytes, fromUtf8 } from '../internal/bytes.js';
import type { FileIO } from '../io/file-io.js';
import { isStreamingGate, type HookContext, type ProtectHook, type QualityGate, type QualityGateResult, type StreamingQualityGate } from './hooks.js';
import { arrowBytes, conform, FileSink, QuarantineSink, schemaSignature, SILVER_BUFFER_BUDGET_BYTES, stripIds } from './silver-sink.js';
import { combineCodes, constantCoder, dayCoder, textCoder, type ColumnCoder, type Partitioner } from './silver-partition.js';
import { escapeSegment, hiveSegment, parseVersionName, versionName } from './layout.js';
import { dedupByKey } from './standardize.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import type { Table } from '../iceberg/table/table.js';

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
  /** Parquet tuning (row group and page sizes…); a smaller row group holds less in memory per open file. */
  parquet?: Omit<ParquetWriteOptions, 'codec'>;
  /**
   * Unflushed Parquet bytes the open files of one write may hold together; past
   * it the largest open row groups are cut early. Data spread over many
   * partitions keeps many files open at once. @default SILVER_BUFFER_BUDGET_BYTES (24 MiB)
   */
  bufferBudgetBytes?: number;
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
  /**
   * Most bytes of Arrow data and unflushed Parquet this write held at once
   * (the batch in hand plus the open files' buffers); a streamed write keeps
   * it near one batch plus one row group per open partition.
   */
  peakBufferedBytes?: number;
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
  readonly #parquet: Omit<ParquetWriteOptions, 'codec'>;
  readonly #now: () => Date;
  readonly #budget: number;

  constructor(options: SilverWriterOptions) {
    this.#root = options.root.replace(/\/+$/, '');
    this.#io = options.io;
    this.#partitionBy = options.partitionBy ?? DEFAULT_SILVER_PARTITIONING;
    this.#codec = options.codec ?? DEFAULT_SILVER_CODEC;
    this.#target = options.targetFileBytes ?? DEFAULT_SILVER_TARGET_FILE_BYTES;
    this.#parquet = options.parquet ?? {};
    this.#now = options.now ?? (() => new Date());
    this.#budget = options.bufferBudgetBytes ?? SILVER_BUFFER_BUDGET_BYTES;
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
    const { schema, batches } = await this.readBatches(dataset, options);
    const all: RecordBatch[] = [];
    for await (const b of batches) all.push(b);
    if (all.length === 0) return new ArrowTable(icebergToArrowSchema(schema));
    return new ArrowTable(all);
  }

  /** Stream a dataset (the current version, or `version`) as record batches, in file order, one Parquet page range at a time. */
  async readBatches(dataset: string, options: { version?: number; filter?: (file: SilverFile) => boolean } = {}): Promise<{ schema: Schema; batches: AsyncIterable<RecordBatch> }> {
    const m = options.version === undefined ? await this.current(dataset) : await this.manifest(dataset, options.version);
    if (m === undefined) throw new ValidationError(`silver dataset ${dataset} has no committed version yet; write to it first`);
    const schema = schemaFromJson(m.schema, `silver manifest of ${dataset}`);
    const io = this.#io;
    const dir = this.datasetLocation(dataset);
    const files = m.files.filter((f) => options.filter === undefined || options.filter(f));
    async function* batches(): AsyncGenerator<RecordBatch> {
      for (const f of files) yield* readParquet(io, `${dir}${f.path}`, { schema, fileSize: f.size });
    }
    return { schema, batches: batches() };
  }

  /**
   * Write `data` as a new version of `dataset`. Hooks run first (dedup,
   * then the quality gate on the raw rows, then PII protection); if the gate
   * fails, the failing rows (protected) are written to quarantine and nothing
   * is committed. Then files are written, then the next manifest is created
   * in one atomic step (re-planned on a concurrent commit). The schema
   * evolves by the rules of `evolveStruct` (`lakekit/formats`): new columns
   * are added, Iceberg's promotions apply, anything else is refused with
   * `ValidationError` naming each column (`context.columns`).
   */
  async write(dataset: string, data: ArrowTable, options: SilverWriteOptions = {}): Promise<SilverWriteResult> {
    checkDataset(dataset);
    const table = options.dedupKey === undefined ? data : dedupByKey(data, options.dedupKey);
    const { qualityGate, dedupKey: _dedup, ...rest } = options;
    return this.#writeUnits(dataset, oneUnit(table), { ...rest, ...(qualityGate === undefined ? {} : { qualityGate: wholeTableGate(qualityGate) }) }, data.numRows);
  }

  /**
   * Write a stream of record batches (or tables) as a new version of
   * `dataset`, holding one batch at a time: each batch goes through the
   * streaming quality gate (`check`), then `protect`, then into the
   * partitioned Parquet files; the gate's `finish` decides, and only then is
   * the manifest committed (or the files dropped and the failing rows
   * quarantined). All batches must share one schema.
   *
   * Needing every row at once — a function {@link QualityGate}, or
   * `dedupKey` — makes this collect the batches and call {@link write}:
   * correct, but memory then grows with the data.
   *
   * @example
   * ```ts
   * await silver.writeBatches('sales.orders', readCsv(stream), { domain: 'sales', dateColumn: 'order_date', qualityGate: perBatchGate(rowRules) });
   * ```
   */
  async writeBatches(
    dataset: string,
    batches: AsyncIterable<RecordBatch | ArrowTable> | Iterable<RecordBatch | ArrowTable>,
    options: Omit<SilverWriteOptions, 'qualityGate'> & { qualityGate?: QualityGate | StreamingQualityGate } = {},
  ): Promise<SilverWriteResult> {
    checkDataset(dataset);
    const { qualityGate, ...rest } = options;
    if ((qualityGate !== undefined && !isStreamingGate(qualityGate)) || options.dedupKey !== undefined) {
      if (await this.#seen(dataset, options.batchId)) return this.#duplicate(dataset, 0);
      const parts: RecordBatch[] = [];
      let schema: ArrowSchema | undefined;
      for await (const unit of batches) {
        for (const b of batchesOf(unit)) {
          schema ??= b.schema;
          parts.push(b);
        }
      }
      const whole = schema === undefined ? new ArrowTable() : new ArrowTable(schema, parts);
      return this.write(dataset, whole, { ...rest, ...(qualityGate === undefined ? {} : { qualityGate: qualityGate as QualityGate }) });
    }
    return this.#writeUnits(dataset, batches, { ...rest, ...(qualityGate === undefined ? {} : { qualityGate }) }, undefined);
  }

  async #seen(dataset: string, batchId: string | undefined): Promise<boolean> {
    return batchId !== undefined && ((await this.current(dataset))?.batches.includes(batchId) ?? false);
  }

  async #duplicate(dataset: string, rowsIn: number): Promise<SilverWriteResult> {
    return { dataset, rowsIn, status: 'duplicate', version: (await this.current(dataset))?.version, rowsOut: 0, files: [] };
  }

  async #writeUnits(
    dataset: string,
    units: AsyncIterable<RecordBatch | ArrowTable> | Iterable<RecordBatch | ArrowTable>,
    options: Omit<SilverWriteOptions, 'qualityGate' | 'dedupKey'> & { qualityGate?: StreamingQualityGate },
    knownRowsIn: number | undefined,
  ): Promise<SilverWriteResult> {
    const before = await this.current(dataset);
    if (options.batchId !== undefined && before?.batches.includes(options.batchId)) return { dataset, rowsIn: knownRowsIn ?? 0, status: 'duplicate', version: before.version, rowsOut: 0, files: [] };
    const ctx: HookContext = { runId: options.runId ?? crypto.randomUUID(), zone: 'silver', dataset, ...(options.source === undefined ? {} : { source: options.source }) };
    const existing = before === undefined ? undefined : schemaFromJson(before.schema, `silver manifest of ${dataset}`);
    const gate = options.qualityGate;
    const quarantine = gate === undefined ? undefined : new QuarantineSink(this.#io, this.#quarantineDir(dataset, ctx.runId), this.#codec);
    let sink: FileSink | undefined;
    let schema: Schema | undefined;
    let signature: string | undefined;
    let rawSchema: ArrowSchema | undefined;
    let rowsIn = 0;
    let rowsOut = 0;
    let peak = 0;
    let failedEarly = false;
    const protect = async (t: ArrowTable) => (options.protect === undefined ? t : options.protect(t, ctx));
    try {
      for await (const unit of units) {
        let table = unit instanceof ArrowTable ? unit : new ArrowTable(unit);
        rawSchema ??= table.schema;
        rowsIn += table.numRows;
        const held = arrowBytes(table);
        if (gate !== undefined) {
          const checked = await gate.check(table, ctx);
          if (checked.failingRows !== undefined && checked.failingRows.numRows > 0) await quarantine!.add(await protect(checked.failingRows));
          if (checked.failed === true && !failedEarly) {
            failedEarly = true;
            await sink?.abort(new Error('quality gate failed'));
          }
        }
        if (failedEarly) continue;
        table = await protect(table);
        const sig = schemaSignature(table.schema);
        if (schema === undefined) {
          schema = this.#evolve(dataset, existing, table.schema);
          signature = sig;
          sink = new FileSink(this.#io, this.datasetLocation(dataset), schema, this.#partitionBy, this.#codec, this.#target, this.#partitioner(table.schema, options), this.#parquet, this.#budget);
        } else if (sig !== signature) {
          throw new ValidationError(`the record batches written to silver dataset ${dataset} do not share one schema (${signature} vs ${sig}); align them before writing`, { context: { dataset } });
        }
        for (const b of conform(table, schema)) await sink!.add(b);
        rowsOut += table.numRows;
        peak = Math.max(peak, held + arrowBytes(table) + sink!.bufferedBytes + (quarantine?.bufferedBytes ?? 0));
      }
      if (gate !== undefined) {
        const verdict = await gate.finish(ctx);
        if (failedEarly || !verdict.passed) {
          await sink?.abort(new Error('quality gate failed'));
          if (verdict.failingRows !== undefined && verdict.failingRows.numRows > 0) await quarantine!.add(await protect(verdict.failingRows));
          const q = await quarantine!.publish(verdict.report, rawSchema);
          return { dataset, rowsIn, status: 'quality-failed', version: before?.version, rowsOut: 0, files: [], ...(q === undefined ? {} : { quarantine: q }), ...(verdict.report === undefined ? {} : { qualityReport: verdict.report }), peakBufferedBytes: peak };
        }
        await quarantine!.discard();
      }
    } catch (e) {
      await sink?.abort(e);
      await quarantine?.discard();
      throw e;
    }
    if (sink === undefined || schema === undefined) {
      // Nothing arrived: commit the (unchanged or empty) schema so the batch id is recorded.
      schema = existing ?? newSchema([]);
    }
    const files = sink === undefined ? [] : await sink.finish();
    try {
      const version = await this.#commit(dataset, files, schema, options);
      return { dataset, rowsIn, status: version.duplicate ? 'duplicate' : 'committed', version: version.version, rowsOut: version.duplicate ? 0 : rowsOut, files: version.duplicate ? [] : files, peakBufferedBytes: peak };
    } catch (e) {
      if (!isLakeError(e, 'COMMIT_STATE_UNKNOWN')) await this.#io.deleteMany(files.map((f) => `${this.datasetLocation(dataset)}${f.path}`)).catch(() => undefined);
      throw e;
    }
  }

  /** The schema new data is written with: the dataset's, evolved by the shared rules (new columns added, Iceberg promotions applied). */
  #evolve(dataset: string, existing: Schema | undefined, incoming: ArrowSchema): Schema {
    const fresh = arrowToIcebergSchema(stripIds(incoming));
    if (existing === undefined) return fresh;
    return newSchema(evolveStruct(existing, fresh, { what: `silver dataset ${dataset}` }).struct.fields);
  }

  #quarantineDir(dataset: string, runId: string): string {
    return `${this.#root}/${QUARANTINE_DIR}/${escapeSegment(dataset)}/${hiveSegment('run', runId)}/`;
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
    const dir = this.#quarantineDir(dataset, runId);
    const schema = arrowToIcebergSchema(rows.schema);
    const writer = new ParquetWriter(schema, { codec: this.#codec });
    const chunks = [...(await writer.write(rows))];
    chunks.push(...(await writer.finish()).chunks);
    await this.#io.createIfAbsent(`${dir}failing.parquet`, concatBytes(chunks));
    if (report !== undefined) await this.#io.createIfAbsent(`${dir}report.json`, JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
    return { location: `${dir}failing.parquet`, rows: rows.numRows };
  }

  #partitioner(schema: ArrowSchema, options: Pick<SilverWriteOptions, 'domain' | 'date' | 'dateColumn'>): Partitioner {
    const names = schema.fields.map((f) => f.name);
    for (const c of this.#partitionBy) {
      if (c === 'domain' && options.domain === undefined && !names.includes('domain')) throw new ValidationError('silver data is partitioned by domain; pass { domain } or include a domain column');
      if (c === 'date' && options.date === undefined && options.dateColumn === undefined && !names.includes('date')) {
        throw new ValidationError('silver data is partitioned by date; pass { dateColumn } (or a fixed { date })');
      }
      if (c !== 'domain' && c !== 'date' && !names.includes(c)) throw new ValidationError(`silver partition column ${c} is not in the data`);
    }
    if (options.dateColumn !== undefined && !names.includes(options.dateColumn)) throw new ValidationError(`date column ${options.dateColumn} is not in the data`);
    const coders = this.#partitionBy.map((c): ColumnCoder => {
      if (c === 'domain' && options.domain !== undefined) return constantCoder(options.domain);
      if (c === 'date' && options.date !== undefined) return constantCoder(options.date);
      if (c === 'date') return dayCoder(options.dateColumn ?? 'date');
      return textCoder(c);
    });
    return (batch) => combineCodes(coders.map((code) => code(batch)), batch.numRows);
  }

  async #commit(dataset: string, files: SilverFile[], schema: Schema, options: Pick<SilverWriteOptions, 'batchId' | 'mode'>): Promise<{ version: number; duplicate: boolean }> {
    const dir = `${this.datasetLocation(dataset)}${SILVER_MANIFEST_DIR}/`;
    for (let attempt = 0; attempt < DEFAULT_SILVER_COMMIT_ATTEMPTS; attempt++) {
      const base = await this.current(dataset);
      if (options.batchId !== undefined && base?.batches.includes(options.batchId)) return { version: base.version, duplicate: true };
      if (base !== undefined) schema = refit(dataset, schemaFromJson(base.schema, dataset), schema);
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


/**
 * The files were written with `ours`; a concurrent commit may have evolved
 * the dataset since. The merged schema is kept only if every column of ours
 * kept its id and type in it (else the files would be read wrongly): then
 * retry the write.
 */
function refit(dataset: string, base: Schema, ours: Schema): Schema {
  const merged = newSchema(evolveStruct(base, ours, { what: `silver dataset ${dataset}` }).struct.fields);
  for (const f of ours.fields) {
    const m = merged.fields.find((x) => x.name === f.name);
    if (m === undefined || m.id !== f.id || !typeEquals(m.type, f.type)) {
      throw new CommitConflictError(`silver dataset ${dataset} changed its schema (column ${f.name}) while this write was in flight; retry the write`, { retryable: true, context: { dataset, column: f.name } });
    }
  }
  return merged;
}

/** A function gate run once on the whole table, as a streaming gate (for {@link SilverWriter.write}). */
function wholeTableGate(gate: QualityGate | StreamingQualityGate): StreamingQualityGate {
  if (isStreamingGate(gate)) return gate;
  let result: QualityGateResult | undefined;
  return {
    async check(table, ctx) {
      result = await gate(table, ctx);
      // A failed gate that names no rows quarantines the whole table.
      const failing = result.failingRows ?? (result.passed ? undefined : table);
      return { ...(failing === undefined ? {} : { failingRows: failing }), ...(result.passed ? {} : { failed: true }) };
    },
    finish: () => {
      const r = result ?? { passed: true };
      return { passed: r.passed, ...(r.report === undefined ? {} : { report: r.report }) };
    },
  };
}

function* oneUnit(table: ArrowTable): Generator<ArrowTable> {
  yield table;
}

function batchesOf(unit: RecordBatch | ArrowTable): readonly RecordBatch[] {
  return unit instanceof ArrowTable ? unit.batches : [unit];
}
