/**
 * The Parquet writer for Iceberg data files: Arrow record batches in, Parquet
 * bytes and Iceberg metrics out. Bytes come back as they become final (a row
 * group at a time), so a caller can stream them to a FileIO and roll files by
 * size with bounded memory.
 */
import { concatBytes } from '../../../internal/bytes.js';
import type { RecordBatch, Table } from 'apache-arrow';
import { ValidationError } from '../../../errors.js';
import type { DataFileMetrics } from '../../../iceberg/metrics.js';
import { schemaToJson, type Schema } from '../../../iceberg/spec/schema.js';
import { stringifyJson } from '../../../internal/json.js';
import { loadCompressor } from '../../compression/index.js';
import type { Compressor } from '../../compression/codec.js';
import { ColumnChunkWriter } from './column-writer.js';
import { CodecId, fileMetaData, MAGIC, type ColumnChunkMeta, type RowGroupMeta } from './format.js';
import { buildMetrics, type LeafTotals } from './metrics.js';
import { MIN_SLICE_ROWS, resolveParquetOptions, WRITE_SLICE_ROWS, type ParquetWriteOptions, type ResolvedParquetOptions } from './options.js';
import { planParquetSchema, type ParquetSchemaPlan } from './schema.js';
import { absent, rootLevels, shredNode, type LeafBatch } from './shred.js';
import { ChunkStats } from './stats.js';

/** Written into the footer's `created_by` (parseable as `<app> version <v>`). */
export const PARQUET_CREATED_BY = 'lakekit version 0.1.0 (build lakekit)';

/** What {@link ParquetWriter.finish} returns. */
export interface ParquetWriteResult {
  /** The last bytes of the file (any final row group, then the footer). */
  chunks: Uint8Array[];
  /** Size of the whole file. */
  fileSize: number;
  metrics: DataFileMetrics;
}

/** Options for one {@link ParquetWriter.write} call. */
export interface ParquetWriteBatchOptions {
  /**
   * Write only these rows of the batch, in this order, reading them in place
   * (a partitioned writer passes each partition's rows instead of copying them out).
   */
  rows?: Int32Array;
}

/**
 * Writes one Parquet data file for an Iceberg schema. Feed it Arrow record
 * batches (or tables) with {@link write}, append what each call returns to the
 * file, and finish with {@link finish}. Calls are queued, so forgetting an
 * `await` cannot reorder bytes.
 *
 * @example
 * ```ts
 * const writer = new ParquetWriter(schema, parquetWriteOptionsFromProperties(props));
 * const out: Uint8Array[] = [];
 * for (const batch of table.batches) out.push(...(await writer.write(batch)));
 * const { chunks, metrics } = await writer.finish();
 * out.push(...chunks);
 * ```
 */
export class ParquetWriter {
  private readonly plan: ParquetSchemaPlan;
  private readonly opts: ResolvedParquetOptions;
  private compressor: Compressor | undefined;
  private columns: ColumnChunkWriter[] | undefined;
  private rowsInGroup = 0;
  private written = 0;
  private rows = 0;
  private readonly rowGroups: RowGroupMeta[] = [];
  private readonly totals: LeafTotals[];
  private queue: Promise<unknown> = Promise.resolve();
  private done = false;
  private failed: unknown;
  /** Buffered bytes per row seen so far (sizes the shredding slices). */
  private bytesPerRow = 0;

  constructor(private readonly schema: Schema, options: ParquetWriteOptions = {}) {
    this.opts = resolveParquetOptions(options);
    this.plan = planParquetSchema(schema);
    this.totals = this.plan.leaves.map((leaf) => ({ leaf, stats: new ChunkStats(leaf.sort), valueCount: 0, columnSize: 0, chunks: 0 }));
  }

  /** Bytes handed out so far (the file's length once they are appended). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Estimated bytes of the open row group (compressed pages plus open pages and dictionaries). */
  get bufferedBytes(): number {
    let n = 0;
    for (const c of this.columns ?? []) n += c.bufferedBytes;
    return n;
  }

  /** Rows accepted so far. */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * Add rows. Resolves to the bytes that became final (empty until a row
   * group fills). Throws ValidationError when the Arrow data does not fit the
   * schema (the message names the column); the writer is then unusable, as
   * part of the batch may already be buffered.
   */
  write(data: RecordBatch | Table, options: ParquetWriteBatchOptions = {}): Promise<Uint8Array[]> {
    const next = this.queue.then(() => this.writeNow(data, options.rows));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Close the open row group now, before it reaches `rowGroupSizeBytes`, and
   * resolve to its bytes (empty when no rows are buffered). For callers that
   * keep many writers open at once and bound their memory together.
   */
  flush(): Promise<Uint8Array[]> {
    const next = this.queue.then(async () => {
      this.checkUsable();
      return this.rowsInGroup > 0 ? this.flushRowGroup() : [];
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Flush, write the footer, and compute the file's metrics. */
  finish(): Promise<ParquetWriteResult> {
    const next = this.queue.then(() => this.finishNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeNow(data: RecordBatch | Table, rows: Int32Array | undefined): Promise<Uint8Array[]> {
    this.checkUsable();
    if (rows !== undefined) {
      if ('batches' in data) throw new ValidationError('ParquetWriter.write: `rows` selects rows of one RecordBatch; pass a RecordBatch, not a Table');
      for (let i = 0; i < rows.length; i++) {
        if (!(rows[i]! >= 0 && rows[i]! < data.numRows)) throw new ValidationError(`ParquetWriter.write: row ${rows[i]} is outside the batch's ${data.numRows} rows`);
      }
    }
    try {
      return rows === undefined ? await this.writeBatches(data) : await this.writeSelected(data as RecordBatch, rows);
    } catch (e) {
      // Rows of the failed batch may be half-buffered: the file can no longer be completed correctly.
      this.failed = e;
      throw e;
    }
  }

  private checkUsable(): void {
    if (this.failed !== undefined) {
      throw new ValidationError('this ParquetWriter failed on an earlier write; discard its output and write the file again with valid data', { cause: this.failed });
    }
    if (this.done) throw new ValidationError('this ParquetWriter is finished; start a new writer for more rows');
  }

  private async writeBatches(data: RecordBatch | Table): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const batch of 'batches' in data ? data.batches : [data]) out.push(...(await this.writeSelected(batch, undefined)));
    return out;
  }

  /**
   * Shred `batch` (or its rows `rows`, read in place) a slice at a time,
   * flushing a row group whenever the buffered bytes reach its size.
   */
  private async writeSelected(batch: RecordBatch, rows: Int32Array | undefined): Promise<Uint8Array[]> {
    this.compressor ??= await loadCompressor(this.opts.codec, this.opts.compressionLevel);
    this.checkColumns(batch);
    const out: Uint8Array[] = [];
    const total = rows === undefined ? batch.numRows : rows.length;
    for (let s = 0; s < total; ) {
      const end = Math.min(total, s + this.sliceRows());
      if (rows !== undefined) this.append(batch, rows.subarray(s, end));
      else this.append(s === 0 && end === total ? batch : batch.slice(s, end));
      s = end;
      const buffered = this.bufferedBytes;
      if (this.rowsInGroup > 0) this.bytesPerRow = buffered / this.rowsInGroup;
      if (buffered >= this.opts.rowGroupSizeBytes) out.push(...(await this.flushRowGroup()));
    }
    return out;
  }

  /** Rows to shred before the next row-group size check: about a quarter of a row group. */
  private sliceRows(): number {
    const rows = Math.floor(this.opts.rowGroupSizeBytes / 4 / Math.max(1, this.bytesPerRow));
    return Math.max(MIN_SLICE_ROWS, Math.min(WRITE_SLICE_ROWS, rows));
  }

  private checkColumns(batch: RecordBatch): void {
    const names = new Set(this.plan.fields.map((f) => f.name));
    for (const f of batch.schema.fields) {
      if (!names.has(f.name)) {
        throw new ValidationError(`column ${f.name} is not in the Iceberg schema; drop it from the Arrow data or add the field to the table`, {
          context: { column: f.name },
        });
      }
    }
  }

  /** Shred `batch` (or its rows `sel`, in that order) into the open row group. */
  private append(batch: RecordBatch, sel?: Int32Array): void {
    const n = sel === undefined ? batch.numRows : sel.length;
    const levels = sel === undefined ? rootLevels(n) : { ...rootLevels(n), pos: sel };
    const leaves: LeafBatch[] = [];
    const byName = new Map(batch.schema.fields.map((f, i) => [f.name, i]));
    for (const node of this.plan.fields) {
      const i = byName.get(node.name);
      const d = i === undefined ? undefined : batch.data.children[i];
      if (d === undefined) {
        if (!node.optional) {
          throw new ValidationError(`column ${node.name} is required but missing from the Arrow data; add it or make the field optional`, { context: { column: node.name } });
        }
        absent(node, rootLevels(n), leaves);
      } else shredNode(node, d, levels, leaves);
    }
    this.columns ??= this.plan.leaves.map(
      (leaf) =>
        new ColumnChunkWriter(leaf, {
          pageSizeBytes: this.opts.pageSizeBytes,
          dictSizeBytes: this.opts.dictSizeBytes,
          dictionary: this.opts.dictionary,
          hints: this.opts.dictionaryHints,
          ...(this.opts.pageRowLimit === undefined ? {} : { pageRowLimit: this.opts.pageRowLimit }),
          compressor: this.compressor!,
        }),
    );
    for (const lb of leaves) this.columns[lb.leaf.index]!.append(lb);
    this.rowsInGroup += n;
    this.rows += n;
  }

  private async flushRowGroup(): Promise<Uint8Array[]> {
    const columns = this.columns;
    if (columns === undefined || this.rowsInGroup === 0) return [];
    this.columns = undefined;
    const out: Uint8Array[] = [];
    if (this.written === 0) {
      out.push(MAGIC.slice());
      this.written = MAGIC.length;
    }
    const start = this.written;
    const metas: ColumnChunkMeta[] = [];
    let totalUncompressed = 0;
    let totalCompressed = 0;
    for (const col of columns) {
      const chunk = await col.finish();
      const at = this.written;
      const { min, max } = chunk.stats.footerMinMax();
      const meta: ColumnChunkMeta = {
        type: col.leaf.physical,
        encodings: chunk.encodings,
        path: col.leaf.path,
        codec: CodecId[this.opts.codec],
        numValues: chunk.numValues,
        totalUncompressedSize: chunk.totalUncompressedSize,
        totalCompressedSize: chunk.totalCompressedSize,
        dataPageOffset: at + chunk.dictionaryPageBytes,
        statistics: { nullCount: chunk.stats.nullCount, ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) },
      };
      if (chunk.dictionaryPageBytes > 0) meta.dictionaryPageOffset = at;
      metas.push(meta);
      out.push(...chunk.parts);
      this.written += chunk.totalCompressedSize;
      totalUncompressed += chunk.totalUncompressedSize;
      totalCompressed += chunk.totalCompressedSize;
      const t = this.totals[col.leaf.index]!;
      t.stats.merge(chunk.stats);
      t.valueCount += chunk.numValues;
      t.columnSize += chunk.totalCompressedSize;
      t.chunks++;
    }
    this.rowGroups.push({ columns: metas, numRows: this.rowsInGroup, fileOffset: start, totalByteSize: totalUncompressed, totalCompressedSize: totalCompressed });
    this.rowsInGroup = 0;
    return out;
  }

  private async finishNow(): Promise<ParquetWriteResult> {
    this.checkUsable();
    this.compressor ??= await loadCompressor(this.opts.codec, this.opts.compressionLevel);
    const chunks = await this.flushRowGroup();
    this.done = true;
    if (this.written === 0) {
      chunks.push(MAGIC.slice());
      this.written = MAGIC.length;
    }
    const kv = new Map<string, string>();
    if (this.opts.writeIcebergSchema) kv.set('iceberg.schema', stringifyJson(schemaToJson(this.schema)));
    for (const [k, v] of this.opts.keyValueMetadata) kv.set(k, v);
    const footer = fileMetaData({
      schema: this.plan.elements,
      numRows: this.rows,
      rowGroups: this.rowGroups,
      keyValueMetadata: kv,
      createdBy: PARQUET_CREATED_BY,
      leafCount: this.plan.leaves.length,
    });
    const tail = new Uint8Array(8);
    new DataView(tail.buffer).setUint32(0, footer.length, true);
    tail.set(MAGIC, 4);
    chunks.push(footer.slice(), tail);
    this.written += footer.length + 8;
    const metrics = buildMetrics(this.totals, this.rows, this.rowGroups.map((g) => g.fileOffset), this.opts);
    return { chunks, fileSize: this.written, metrics };
  }
}

/**
 * Write a whole Arrow table as one Parquet file in memory.
 *
 * @example
 * ```ts
 * const { bytes, metrics } = await writeParquet(table, schema, { codec: 'snappy' });
 * await io.write('s3://lake/gold/t/data/00000.parquet', bytes);
 * ```
 */
export async function writeParquet(
  data: Table | RecordBatch,
  schema: Schema,
  options: ParquetWriteOptions = {},
): Promise<{ bytes: Uint8Array; fileSize: number; metrics: DataFileMetrics }> {
  const writer = new ParquetWriter(schema, options);
  const parts = await writer.write(data);
  const end = await writer.finish();
  parts.push(...end.chunks);
  return { bytes: concatBytes(parts, end.fileSize), fileSize: end.fileSize, metrics: end.metrics };
}
