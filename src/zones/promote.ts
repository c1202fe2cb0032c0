/**
 * Promotion: one bronze batch → one silver dataset version → one gold
 * table snapshot, traced as two lineage runs (bronze → silver as `<job>`,
 * silver → gold as `<job>.gold`, so gold's provenance passes through the
 * silver dataset it was built from). Each zone commits atomically and
 * records the bronze batch it came from, so a promotion that stopped half
 * way (a crash, a failed commit) is simply run again: the steps already
 * committed are recognised and skipped, and no zone ever shows partial data.
 * A failing quality gate stops the job before silver commits: bronze is
 * untouched, the failing rows go to quarantine, nothing reaches gold.
 *
 * Bronze → silver streams: each bronze object is read as record batches
 * (checked against its SHA-256 as it streams), and each batch goes through
 * `transform`, the quality gate, `protect` and into silver's Parquet files
 * before the next is read, so a file of any size is promoted with memory
 * bounded by a batch and the open row groups. What needs every row at once
 * — a function quality gate (uniqueness, thresholds), `dedupKey`, or
 * `scope: 'dataset'` — collects the batch's rows first, and is documented as
 * doing so.
 */
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import type { RecordBatchStream } from '../formats/stream.js';
import type { Table } from '../iceberg/table/table.js';
import type { TableMetadata } from '../iceberg/spec/metadata.js';
import type { Snapshot } from '../iceberg/spec/snapshot.js';
import type { FileIO } from '../io/file-io.js';
import type { BronzeFileEntry, BronzeWriter, IngestionManifest, MalformedRow } from './bronze.js';
import { mergeByKey } from './gold.js';
import { readWithReaders } from './readers.js';
import { isStreamingGate, type HookContext, type LineageDataset, type LineageHook, type ProtectHook, type QualityGate, type StreamingQualityGate } from './hooks.js';
import { arrowBytes, schemaSignature } from './silver-sink.js';
import type { SilverWriteOptions, SilverWriteResult, SilverWriter } from './silver.js';

/** Snapshot summary key naming the bronze batch a gold snapshot was promoted from. */
export const PROMOTION_SUMMARY_KEY = 'lakekit.promotion.batch';

/** A bronze file decoded to Arrow (malformed rows stay in bronze and are reported). */
export interface DecodedFile {
  table: ArrowTable;
  malformed?: MalformedRow[];
}

/** Decodes one whole bronze file held in memory (e.g. with `decodeWithReaders`); prefer a streaming {@link ReadBronzeFile}. */
export type DecodeFile = (file: { entry: BronzeFileEntry; bytes: Uint8Array }) => Promise<DecodedFile> | DecodedFile;

/** A stored bronze object, as a {@link ReadBronzeFile} hook reads it. */
export interface BronzeObject {
  entry: BronzeFileEntry;
  /** The bronze zone's FileIO and the object's URI, for readers that need ranges (Parquet). */
  io: FileIO;
  location: string;
  /** The content as a stream, checked against the recorded SHA-256: an altered object errors at the stream's end. */
  open(): Promise<ReadableStream<Uint8Array>>;
  /** Check the object against its SHA-256 in one streaming pass (for readers that used `io` + `location`). */
  verify(): Promise<void>;
}

/** Reads one bronze object as a stream of record batches (malformed rows in `malformed`). */
export type ReadBronzeFile = (file: BronzeObject) => Promise<RecordBatchStream> | RecordBatchStream;

/** How promotion hands data to `transform`, the quality gate and `protect`. */
export type PromotionScope = 'batch' | 'dataset';

/** The gold step of a promotion. */
export interface GoldTarget {
  table: Table;
  /** @default 'append' */
  mode?: 'append' | 'merge' | 'overwrite-partitions';
  /** Key columns for `merge`. */
  key?: readonly string[];
  /** Reshape silver rows for gold (select, rename, aggregate). */
  transform?: (table: ArrowTable, ctx: HookContext) => ArrowTable | Promise<ArrowTable>;
}

/** What {@link promote} needs. */
export interface PromoteOptions {
  bronze: BronzeWriter;
  silver: SilverWriter;
  /** The bronze batch: its manifest, or the manifest's URI. */
  batch: IngestionManifest | string;
  /** Reads a bronze file as record batches. @default readWithReaders() (CSV, JSON, JSONL, Avro, Parquet, streamed) */
  read?: ReadBronzeFile;
  /** Instead of `read`: decode each whole file in memory (bounded by the largest file, not by a batch). */
  decode?: DecodeFile;
  /** Silver dataset name (`sales.orders`). */
  dataset: string;
  /**
   * Clean and standardize the decoded rows (e.g. with `standardize`). Called
   * per record batch (or per decoded file) unless `scope` is `'dataset'`;
   * a transform that looks across rows (`dedupByKey`) needs `'dataset'`.
   */
  transform?: (table: ArrowTable, ctx: HookContext) => ArrowTable | Promise<ArrowTable>;
  /**
   * `'batch'`: hooks see one record batch at a time (bounded memory; right
   * for row-level cleaning, masking and row rules). `'dataset'`: they see
   * all rows of the bronze batch at once (memory grows with the data). A
   * function `qualityGate` or `silverOptions.dedupKey` implies `'dataset'`.
   * @default 'batch'
   */
  scope?: PromotionScope;
  /** Silver partitioning and de-duplication (`dedupKey` needs every row: it implies `scope: 'dataset'`). */
  silverOptions?: Pick<SilverWriteOptions, 'domain' | 'dateColumn' | 'date' | 'mode' | 'dedupKey'>;
  gold?: GoldTarget;
  /**
   * The quality gate. A function sees every row at once (it may hold
   * uniqueness or threshold rules), so it implies `scope: 'dataset'`; a
   * {@link StreamingQualityGate} (e.g. `perBatchGate(rowRules)`) is fed batch by batch.
   */
  qualityGate?: QualityGate | StreamingQualityGate;
  protect?: ProtectHook;
  lineage?: LineageHook;
  /** @default a random UUID */
  runId?: string;
  /** Job name for lineage (the gold step is `<job>.gold`). @default `promote.<dataset>` */
  job?: string;
}

/** What one step did. */
export interface PromotionStep {
  step: 'read-bronze' | 'silver' | 'gold';
  status: 'done' | 'skipped' | 'quality-failed';
  rowsIn: number;
  rowsOut: number;
  files: number;
  /** Silver: most bytes of Arrow data and unflushed Parquet held at once (see `SilverWriteResult.peakBufferedBytes`). */
  peakBufferedBytes?: number;
  /** Silver manifest version. */
  version?: number;
  /** Gold snapshot id. */
  snapshotId?: bigint;
}

/** The result of {@link promote}. */
export interface PromotionResult {
  runId: string;
  status: 'completed' | 'quality-failed';
  steps: PromotionStep[];
  /** Malformed rows per bronze file (they stay in bronze). */
  malformed: { file: string; rows: MalformedRow[] }[];
  quarantine?: { location: string; rows: number };
  qualityReport?: unknown;
}

/**
 * Promote one bronze batch through silver to gold.
 *
 * @example
 * ```ts
 * const result = await promote({
 *   bronze, silver, batch: report.manifest, dataset: 'sales.orders',
 *   silverOptions: { domain: 'sales', dateColumn: 'order_date' },
 *   gold: { table: orders, mode: 'merge', key: ['order_id'] },
 * });
 * ```
 */
export async function promote(options: PromoteOptions): Promise<PromotionResult> {
  const runId = options.runId ?? crypto.randomUUID();
  const job = options.job ?? `promote.${options.dataset}`;
  const manifest = typeof options.batch === 'string' ? await options.bronze.readManifest(options.batch) : options.batch;
  const batchKey = `bronze:${manifest.source}/${manifest.ingestDate}/${manifest.batchId}`;
  const ctx = (zone: HookContext['zone'], dataset: string): HookContext => ({ runId, zone, dataset, source: manifest.source });
  const inputs: LineageDataset[] = manifest.files.map((f) => ({ namespace: 'bronze', name: f.key, facets: { sha256: f.sha256, size: f.size } }));
  await options.lineage?.start({ runId, job, inputs, startedAt: new Date() });
  let promoted = false;
  try {
    const steps: PromotionStep[] = [];
    const malformed: PromotionResult['malformed'] = [];
    // Files bronze found to be duplicates were promoted with the batch that first delivered them.
    const stored = manifest.files.filter((f) => f.status === 'stored');
    if (stored.length === 0) {
      steps.push({ step: 'read-bronze', status: 'skipped', rowsIn: 0, rowsOut: 0, files: 0 });
      await options.lineage?.complete({ runId, job, inputs, outputs: [], endedAt: new Date() });
      return { runId, status: 'completed', steps, malformed };
    }
    let written: SilverWriteResult;
    if ((await options.silver.current(options.dataset))?.batches.includes(batchKey) === true) {
      // Silver already committed this batch (a re-run): bronze need not be read again.
      steps.push({ step: 'read-bronze', status: 'skipped', rowsIn: 0, rowsOut: 0, files: 0 });
      written = { dataset: options.dataset, status: 'duplicate', version: undefined, rowsIn: 0, rowsOut: 0, files: [] };
    } else {
      const counter = { rows: 0 };
      const units = readBronze(options, stored, malformed, counter);
      const silverWrite = {
        ...options.silverOptions,
        batchId: batchKey,
        runId,
        source: manifest.source,
        ...(options.protect === undefined ? {} : { protect: options.protect }),
      };
      const gate = options.qualityGate;
      const whole = options.scope === 'dataset' || (gate !== undefined && !isStreamingGate(gate)) || options.silverOptions?.dedupKey !== undefined;
      if (whole) {
        let data = await collect(units);
        if (options.transform !== undefined) data = await options.transform(data, ctx('silver', options.dataset));
        const held = arrowBytes(data);
        written = await options.silver.write(options.dataset, data, { ...silverWrite, ...(gate === undefined ? {} : { qualityGate: gate as QualityGate }) });
        written = { ...written, peakBufferedBytes: held + (written.peakBufferedBytes ?? 0) };
      } else {
        const transform = options.transform;
        const hctx = ctx('silver', options.dataset);
        const shaped = transform === undefined ? units : mapUnits(units, (t) => transform(t, hctx));
        written = await options.silver.writeBatches(options.dataset, shaped, { ...silverWrite, ...(gate === undefined ? {} : { qualityGate: gate }) });
      }
      steps.push({ step: 'read-bronze', status: 'done', rowsIn: counter.rows, rowsOut: counter.rows, files: stored.length });
    }

    if (written.status === 'quality-failed') {
      steps.push({ step: 'silver', status: 'quality-failed', rowsIn: written.rowsIn, rowsOut: 0, files: 0, ...peakOf(written) });
      const result: PromotionResult = { runId, status: 'quality-failed', steps, malformed, ...(written.quarantine === undefined ? {} : { quarantine: written.quarantine }), ...(written.qualityReport === undefined ? {} : { qualityReport: written.qualityReport }) };
      await options.lineage?.fail({ runId, job, inputs, error: { message: 'quality gate failed', quarantine: written.quarantine, report: written.qualityReport }, endedAt: new Date() });
      return result;
    }
    const silverManifest = await options.silver.current(options.dataset);
    const version = silverManifest?.version;
    steps.push({ step: 'silver', status: written.status === 'duplicate' ? 'skipped' : 'done', rowsIn: written.rowsIn, rowsOut: written.rowsOut, files: written.files.length, ...(version === undefined ? {} : { version }), ...peakOf(written) });
    const outputs: LineageDataset[] = [{ namespace: 'silver', name: options.dataset, facets: { version, files: written.files.length, rows: written.rowsOut } }];
    // Bronze → silver is one run; silver → gold is its own run below, so gold's provenance passes through silver.
    await options.lineage?.complete({ runId, job, inputs, outputs, endedAt: new Date() });
    promoted = true;

    if (options.gold !== undefined) {
      const gold = options.gold;
      const target = gold.table;
      await target.refresh();
      const prior = promotedIn(target.metadata, batchKey);
      if (prior !== undefined) {
        steps.push({ step: 'gold', status: 'skipped', rowsIn: 0, rowsOut: 0, files: 0, snapshotId: prior.snapshotId });
      } else {
        const goldRun = { runId: crypto.randomUUID(), job: `${job}.gold`, inputs: outputs };
        await options.lineage?.start({ ...goldRun, startedAt: new Date() });
        try {
          const summary = { [PROMOTION_SUMMARY_KEY]: batchKey, 'lakekit.promotion.run-id': runId };
          // Checked on every commit attempt: a promotion of the same batch that committed
          // while this one wrote (a concurrent re-run) turns this one into a skip.
          const precondition = (metadata: TableMetadata): void => {
            const landed = promotedIn(metadata, batchKey);
            if (landed !== undefined) throw new AlreadyPromoted(landed.snapshotId);
          };
          const { snapshotId, files, rowsIn, rowsOut } = await writeGold(options, gold, summary, precondition, await committedBatches(options, batchKey, version), ctx('gold', target.name));
          steps.push({ step: 'gold', status: 'done', rowsIn, rowsOut, files, ...(snapshotId === undefined ? {} : { snapshotId }) });
          await options.lineage?.complete({ ...goldRun, outputs: [{ namespace: target.catalog.name, name: target.name, facets: { snapshotId: snapshotId?.toString(), rows: rowsOut } }], endedAt: new Date() });
        } catch (e) {
          if (e instanceof AlreadyPromoted) {
            steps.push({ step: 'gold', status: 'skipped', rowsIn: 0, rowsOut: 0, files: 0, snapshotId: e.snapshotId });
            await options.lineage?.complete({ ...goldRun, outputs: [], endedAt: new Date() });
          } else {
            await options.lineage?.fail({ ...goldRun, error: e, endedAt: new Date() });
            throw e;
          }
        }
      }
    }
    return { runId, status: 'completed', steps, malformed };
  } catch (e) {
    if (!promoted) await options.lineage?.fail({ runId, job, inputs, error: e, endedAt: new Date() });
    throw e;
  }
}

/**
 * Write to gold exactly what silver committed for the batch (protected,
 * typed), read back from silver: appends stream it batch by batch; merges and
 * partition overwrites compare against the whole batch, so it is read into memory.
 */
async function writeGold(
  options: PromoteOptions,
  gold: NonNullable<PromoteOptions['gold']>,
  summary: Record<string, string>,
  precondition: (metadata: TableMetadata) => void,
  committed: Awaited<ReturnType<typeof committedBatches>>,
  hookContext: HookContext,
): Promise<{ snapshotId: bigint | undefined; files: number; rowsIn: number; rowsOut: number }> {
  const target = gold.table;
  const mode = gold.mode ?? 'append';
  if (mode === 'append' && gold.transform === undefined) {
    const goldSchema = target.schema();
    const counted = { rows: 0 };
    const s = await target.append(convertBatches(committed.batches, (b) => rowsToArrow(arrowToRows(new ArrowTable(b)), goldSchema), counted), { summary, precondition });
    return { snapshotId: s.snapshotId, files: Number(s.summary?.['added-data-files'] ?? 0), rowsIn: counted.rows, rowsOut: counted.rows };
  }
  const data = await options.silver.read(options.dataset, committed.read);
  const goldData = rowsToArrow(arrowToRows(gold.transform === undefined ? data : await gold.transform(data, hookContext)), target.schema());
  const rows = { rowsIn: data.numRows, rowsOut: goldData.numRows };
  if (mode === 'append') {
    const s = await target.append(goldData, { summary, precondition });
    return { snapshotId: s.snapshotId, files: Number(s.summary?.['added-data-files'] ?? 0), ...rows };
  }
  if (mode === 'merge') {
    if (gold.key === undefined || gold.key.length === 0) throw new ValidationError('gold mode merge needs key columns: gold: { mode: "merge", key: [...] }');
    const r = await mergeByKey(target, { upserts: goldData }, { key: gold.key, summary, precondition });
    return { snapshotId: r.snapshot?.snapshotId, files: r.addedDataFiles, ...rows };
  }
  const r = await target.overwritePartitions(goldData, { summary, precondition });
  return { snapshotId: r.snapshot?.snapshotId, files: r.addedDataFiles, ...rows };
}

/** The snapshot of `metadata` that promoted `batchKey`, if one did. */
function promotedIn(metadata: TableMetadata, batchKey: string): Snapshot | undefined {
  return metadata.snapshots.find((s) => s.summary?.[PROMOTION_SUMMARY_KEY] === batchKey);
}

/** Thrown from a gold commit's precondition: the batch is in gold already (by `snapshotId`). */
class AlreadyPromoted extends Error {
  constructor(readonly snapshotId: bigint) {
    super(`the batch was promoted to gold by snapshot ${snapshotId} while this promotion ran`);
  }
}

/** The files silver committed for `batchKey` (those the version that first recorded it added), to stream or to read. */
async function committedBatches(
  options: PromoteOptions,
  batchKey: string,
  currentVersion: number | undefined,
): Promise<{ read: { version: number; filter: (f: { path: string }) => boolean }; batches: AsyncIterable<RecordBatch> }> {
  if (currentVersion === undefined) throw new ValidationError(`silver dataset ${options.dataset} has no version; the silver step did not commit`);
  // Walk back to the version that first recorded the batch; its new files are the batch's rows.
  let v = currentVersion;
  let m = await options.silver.manifest(options.dataset, v);
  while (v > 1) {
    const prev = await options.silver.manifest(options.dataset, v - 1);
    if (!prev.batches.includes(batchKey)) break;
    v--;
    m = prev;
  }
  const prevPaths = new Set(v > 1 ? (await options.silver.manifest(options.dataset, v - 1)).files.map((f) => f.path) : []);
  const read = { version: m.version, filter: (f: { path: string }) => !prevPaths.has(f.path) };
  return { read, batches: (await options.silver.readBatches(options.dataset, read)).batches };
}

/** The record batches of a bronze batch's files, one unit per batch (or per decoded file), all of one schema. */
async function* readBronze(options: PromoteOptions, stored: readonly BronzeFileEntry[], malformed: PromotionResult['malformed'], counter: { rows: number }): AsyncGenerator<ArrowTable> {
  const read = options.read ?? readWithReaders();
  const bronze = options.bronze;
  let first: string | undefined;
  const same = (t: ArrowTable): ArrowTable => {
    const sig = schemaSignature(t.schema);
    first ??= sig;
    if (sig !== first) throw new ValidationError(`the files of one bronze batch decode to different schemas (${first} vs ${sig}); promote them as separate batches or align them in read/decode`);
    counter.rows += t.numRows;
    return t;
  };
  for (const entry of stored) {
    if (options.decode !== undefined) {
      const decoded = await options.decode({ entry, bytes: await bronze.read(entry) });
      if (decoded.malformed !== undefined && decoded.malformed.length > 0) malformed.push({ file: entry.key, rows: decoded.malformed });
      yield same(decoded.table);
      continue;
    }
    const object: BronzeObject = { entry, io: bronze.io, location: entry.location, open: () => bronze.readStream(entry), verify: () => bronze.verify(entry) };
    const stream = await read(object);
    for await (const batch of stream) yield same(new ArrowTable(batch));
    if (stream.malformed.length > 0) malformed.push({ file: entry.key, rows: stream.malformed.map((r) => ({ line: r.line, reason: r.reason, text: r.text })) });
  }
}

async function collect(units: AsyncIterable<ArrowTable>): Promise<ArrowTable> {
  const batches: RecordBatch[] = [];
  let schema: ArrowTable['schema'] | undefined;
  for await (const t of units) {
    schema ??= t.schema;
    batches.push(...t.batches);
  }
  return schema === undefined ? new ArrowTable() : new ArrowTable(schema, batches);
}

async function* mapUnits(units: AsyncIterable<ArrowTable>, f: (t: ArrowTable) => ArrowTable | Promise<ArrowTable>): AsyncGenerator<ArrowTable> {
  for await (const t of units) yield await f(t);
}

async function* convertBatches(source: AsyncIterable<RecordBatch>, f: (b: RecordBatch) => ArrowTable, counted: { rows: number }): AsyncGenerator<RecordBatch> {
  for await (const b of source) {
    const t = f(b);
    counted.rows += t.numRows;
    yield* t.batches;
  }
}

function peakOf(r: SilverWriteResult): { peakBufferedBytes?: number } {
  return r.peakBufferedBytes === undefined ? {} : { peakBufferedBytes: r.peakBufferedBytes };
}
