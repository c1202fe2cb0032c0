/**
 * Promotion: one bronze batch → one silver dataset version → one gold
 * table snapshot, as a single traced job. Each zone commits atomically and
 * records the bronze batch it came from, so a promotion that stopped half
 * way (a crash, a failed commit) is simply run again: the steps already
 * committed are recognised and skipped, and no zone ever shows partial data.
 * A failing quality gate stops the job before silver commits: bronze is
 * untouched, the failing rows go to quarantine, nothing reaches gold.
 */
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import type { Table } from '../iceberg/table/table.js';
import type { BronzeFileEntry, BronzeWriter, IngestionManifest, MalformedRow } from './bronze.js';
import { mergeByKey } from './gold.js';
import { decodeWithReaders } from './readers.js';
import type { HookContext, LineageDataset, LineageHook, ProtectHook, QualityGate } from './hooks.js';
import type { SilverWriteOptions, SilverWriter } from './silver.js';

/** Snapshot summary key naming the bronze batch a gold snapshot was promoted from. */
export const PROMOTION_SUMMARY_KEY = 'lakekit.promotion.batch';

/** A bronze file decoded to Arrow (malformed rows stay in bronze and are reported). */
export interface DecodedFile {
  table: ArrowTable;
  malformed?: MalformedRow[];
}

/** Decodes one bronze file (e.g. with `lakekit/formats` readers). */
export type DecodeFile = (file: { entry: BronzeFileEntry; bytes: Uint8Array }) => Promise<DecodedFile> | DecodedFile;

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
  /** Turns a bronze file into Arrow. @default decodeWithReaders() (CSV, JSON, JSONL, Avro, Parquet) */
  decode?: DecodeFile;
  /** Silver dataset name (`sales.orders`). */
  dataset: string;
  /** Clean and standardize the decoded rows (e.g. with `standardize` and `dedupByKey`). */
  transform?: (table: ArrowTable, ctx: HookContext) => ArrowTable | Promise<ArrowTable>;
  /** Silver partitioning and de-duplication. */
  silverOptions?: Pick<SilverWriteOptions, 'domain' | 'dateColumn' | 'date' | 'mode' | 'dedupKey'>;
  gold?: GoldTarget;
  qualityGate?: QualityGate;
  protect?: ProtectHook;
  lineage?: LineageHook;
  /** @default a random UUID */
  runId?: string;
  /** Job name for lineage. @default `promote.<dataset>` */
  job?: string;
}

/** What one step did. */
export interface PromotionStep {
  step: 'read-bronze' | 'silver' | 'gold';
  status: 'done' | 'skipped' | 'quality-failed';
  rowsIn: number;
  rowsOut: number;
  files: number;
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

function concatTables(tables: readonly ArrowTable[]): ArrowTable {
  if (tables.length === 1) return tables[0]!;
  const first = tables[0]!;
  const names = first.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
  const batches: RecordBatch[] = [];
  for (const t of tables) {
    const other = t.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
    if (other !== names) throw new ValidationError(`the files of one bronze batch decode to different schemas (${names} vs ${other}); promote them as separate batches or align them in decode`);
    batches.push(...t.batches);
  }
  return new ArrowTable(first.schema, batches);
}

/**
 * Promote one bronze batch through silver to gold.
 *
 * @example
 * ```ts
 * const result = await promote({
 *   bronze, silver, batch: report.manifest, dataset: 'sales.orders',
 *   decode: ({ bytes }) => ({ table: csvToArrow(bytes) }),
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
  try {
    const steps: PromotionStep[] = [];
    const malformed: PromotionResult['malformed'] = [];
    const tables: ArrowTable[] = [];
    const decode = options.decode ?? decodeWithReaders();
    // Files bronze found to be duplicates were promoted with the batch that first delivered them.
    const stored = manifest.files.filter((f) => f.status === 'stored');
    if (stored.length === 0) {
      steps.push({ step: 'read-bronze', status: 'skipped', rowsIn: 0, rowsOut: 0, files: 0 });
      await options.lineage?.complete({ runId, job, inputs, outputs: [], endedAt: new Date() });
      return { runId, status: 'completed', steps, malformed };
    }
    for (const entry of stored) {
      const decoded = await decode({ entry, bytes: await options.bronze.read(entry) });
      if (decoded.malformed !== undefined && decoded.malformed.length > 0) malformed.push({ file: entry.key, rows: decoded.malformed });
      tables.push(decoded.table);
    }
    let data = concatTables(tables);
    const rowsRead = data.numRows;
    steps.push({ step: 'read-bronze', status: 'done', rowsIn: rowsRead, rowsOut: rowsRead, files: stored.length });
    if (options.transform !== undefined) data = await options.transform(data, ctx('silver', options.dataset));

    const written = await options.silver.write(options.dataset, data, {
      ...options.silverOptions,
      batchId: batchKey,
      runId,
      source: manifest.source,
      ...(options.qualityGate === undefined ? {} : { qualityGate: options.qualityGate }),
      ...(options.protect === undefined ? {} : { protect: options.protect }),
    });
    if (written.status === 'quality-failed') {
      steps.push({ step: 'silver', status: 'quality-failed', rowsIn: written.rowsIn, rowsOut: 0, files: 0 });
      const result: PromotionResult = { runId, status: 'quality-failed', steps, malformed, ...(written.quarantine === undefined ? {} : { quarantine: written.quarantine }), ...(written.qualityReport === undefined ? {} : { qualityReport: written.qualityReport }) };
      await options.lineage?.fail({ runId, job, inputs, error: { message: 'quality gate failed', quarantine: written.quarantine, report: written.qualityReport }, endedAt: new Date() });
      return result;
    }
    const silverManifest = await options.silver.current(options.dataset);
    const version = silverManifest?.version;
    steps.push({ step: 'silver', status: written.status === 'duplicate' ? 'skipped' : 'done', rowsIn: written.rowsIn, rowsOut: written.rowsOut, files: written.files.length, ...(version === undefined ? {} : { version }) });
    const outputs: LineageDataset[] = [{ namespace: 'silver', name: options.dataset, facets: { version, files: written.files.length, rows: written.rowsOut } }];

    if (options.gold !== undefined) {
      const gold = options.gold;
      const target = gold.table;
      await target.refresh();
      const prior = target.snapshots().find((s) => s.summary?.[PROMOTION_SUMMARY_KEY] === batchKey);
      if (prior !== undefined) {
        steps.push({ step: 'gold', status: 'skipped', rowsIn: 0, rowsOut: 0, files: 0, snapshotId: prior.snapshotId });
      } else {
        // Gold gets exactly what silver committed for this batch (protected, typed), read back from silver.
        const committed = await committedRows(options, batchKey, version);
        let goldData = gold.transform === undefined ? committed : await gold.transform(committed, ctx('gold', target.name));
        goldData = rowsToArrow(arrowToRows(goldData), target.schema());
        const summary = { [PROMOTION_SUMMARY_KEY]: batchKey, 'lakekit.promotion.run-id': runId };
        const mode = gold.mode ?? 'append';
        let snapshotId: bigint | undefined;
        let files = 0;
        if (mode === 'append') {
          const s = await target.append(goldData, { summary });
          snapshotId = s.snapshotId;
          files = Number(s.summary?.['added-data-files'] ?? 0);
        } else if (mode === 'merge') {
          if (gold.key === undefined || gold.key.length === 0) throw new ValidationError('gold mode merge needs key columns: gold: { mode: "merge", key: [...] }');
          const r = await mergeByKey(target, { upserts: goldData }, { key: gold.key, summary });
          snapshotId = r.snapshot?.snapshotId;
          files = r.addedDataFiles;
        } else {
          const r = await target.overwritePartitions(goldData);
          snapshotId = r.snapshot?.snapshotId;
          files = r.addedDataFiles;
        }
        steps.push({ step: 'gold', status: 'done', rowsIn: committed.numRows, rowsOut: goldData.numRows, files, ...(snapshotId === undefined ? {} : { snapshotId }) });
        outputs.push({ namespace: target.catalog.name, name: target.name, facets: { snapshotId: snapshotId?.toString(), rows: goldData.numRows } });
      }
    }
    await options.lineage?.complete({ runId, job, inputs, outputs, endedAt: new Date() });
    return { runId, status: 'completed', steps, malformed };
  } catch (e) {
    await options.lineage?.fail({ runId, job, inputs, error: e, endedAt: new Date() });
    throw e;
  }
}

/** The rows silver committed for `batchKey`: the files the version that recorded it added. */
async function committedRows(options: PromoteOptions, batchKey: string, currentVersion: number | undefined): Promise<ArrowTable> {
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
  return options.silver.read(options.dataset, { version: m.version, filter: (f) => !prevPaths.has(f.path) });
}
