/**
 * Where a silver write's record batches go (internal): the partitioned
 * Parquet files of the dataset, streamed into the store as they fill, and
 * the quarantine file of a failed quality gate, staged until the gate
 * decides. Nothing is visible until the writer commits (data files) or
 * publishes (quarantine).
 */
import { Field, Schema as ArrowSchema, type RecordBatch, type Table as ArrowTable } from 'apache-arrow';
import { arrowToIcebergSchema } from '../formats/arrow/from-arrow-schema.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import type { CompressionCodecName } from '../formats/compression/codec.js';
import type { ParquetWriteOptions } from '../formats/parquet/write/options.js';
import { ParquetWriter } from '../formats/parquet/write/writer.js';
import type { Schema } from '../iceberg/spec/schema.js';
import { typeToString } from '../iceberg/spec/types.js';
import { dictionaryEncodeForSplit } from '../iceberg/write/dictionary-encode.js';
import { ChunkQueue } from '../io/chunk-queue.js';
import type { FileIO, FileStat } from '../io/file-io.js';
import { hiveSegment } from './layout.js';
import type { SilverFile } from './silver.js';

/** Bytes a file's upload queue holds before the writer waits for the store. */
export const SILVER_UPLOAD_QUEUE_BYTES = 1024 * 1024;
/**
 * Unflushed Parquet bytes all open files of one write may hold together.
 * Data spread over many partitions keeps many files open; past this budget
 * the largest open row groups are cut early (smaller row groups, bounded memory).
 */
export const SILVER_BUFFER_BUDGET_BYTES = 64 * 1024 * 1024;

/** The partition values of one row. */
/**
 * Partition values of rows: bound once per batch, it returns the values of
 * one row, in `partitionBy` order.
 */
export type Partitioner = (batch: RecordBatch) => (row: number) => readonly string[];

/** Bytes of Arrow buffers a table holds. */
export function arrowBytes(table: ArrowTable): number {
  let n = 0;
  for (const b of table.batches) n += b.data.byteLength;
  return n;
}

/** Column names and types, to tell whether two batches share a schema. */
export function schemaSignature(schema: ArrowSchema): string {
  return schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
}

/** The schema without Iceberg field ids, so it is matched to a dataset by name (ids from a source file mean nothing there). */
export function stripIds(schema: ArrowSchema): ArrowSchema {
  return new ArrowSchema(schema.fields.map((f) => new Field(f.name, f.type, f.nullable)));
}

/**
 * The batches of `table` in `schema`: as they are when their columns already
 * match it by name and type (dictionary-encoded strings included), else
 * converted (missing columns as nulls, Iceberg promotions applied).
 */
export function conform(table: ArrowTable, schema: Schema): readonly RecordBatch[] {
  const incoming = arrowToIcebergSchema(stripIds(table.schema));
  const same = incoming.fields.length === schema.fields.length && incoming.fields.every((f, i) => f.name === schema.fields[i]!.name && typeToString(f.type) === typeToString(schema.fields[i]!.type));
  return same ? table.batches : rowsToArrow(arrowToRows(table), schema).batches;
}

interface QuarantineFile {
  writer: ParquetWriter;
  schema: Schema;
  queue: ChunkQueue;
  done: Promise<FileStat>;
}

interface OpenFile {
  rel: string;
  partition: Record<string, string>;
  writer: ParquetWriter;
  queue: ChunkQueue;
  done: Promise<FileStat>;
  rows: number;
}

/** The partitioned Parquet files of one silver write. */
export class FileSink {
  readonly #open = new Map<string, OpenFile>();
  readonly #files: SilverFile[] = [];
  readonly #prefix = crypto.randomUUID();
  #counter = 0;

  constructor(
    private readonly io: FileIO,
    private readonly dir: string,
    private readonly schema: Schema,
    private readonly partitionBy: readonly string[],
    private readonly codec: CompressionCodecName,
    private readonly targetBytes: number,
    private readonly partitionOf: Partitioner,
    private readonly parquet: Omit<ParquetWriteOptions, 'codec'>,
    private readonly budgetBytes: number = SILVER_BUFFER_BUDGET_BYTES,
  ) {}

  /** Unflushed Parquet bytes of the open files. */
  get bufferedBytes(): number {
    let n = 0;
    for (const f of this.#open.values()) n += f.writer.bufferedBytes;
    return n;
  }

  /** Write one batch (already in the dataset's schema) into the files of its partitions. */
  async add(batch: RecordBatch): Promise<void> {
    const groups = new Map<string, { partition: Record<string, string>; rows: number[] }>();
    const valuesOf = this.partitionOf(batch);
    for (let i = 0; i < batch.numRows; i++) {
      const values = valuesOf(i);
      const key = values.length === 1 ? values[0]! : values.join('\u0000');
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { partition: Object.fromEntries(this.partitionBy.map((c, k) => [c, values[k]!])), rows: [] }));
      g.rows.push(i);
    }
    // Splitting reads every column in partition order; repetitive strings are cheaper to read as dictionary keys.
    const source = groups.size > 1 ? dictionaryEncodeForSplit(batch) : batch;
    for (const g of groups.values()) {
      const key = JSON.stringify(g.partition);
      const f = this.#openFile(key, g.partition);
      // The Parquet writer reads a partition's rows in place: no copy of the batch per partition.
      const whole = g.rows.length === batch.numRows;
      for (const bytes of await f.writer.write(source, whole ? {} : { rows: Int32Array.from(g.rows) })) await f.queue.push(bytes);
      f.rows += g.rows.length;
      if (f.writer.bytesWritten + f.writer.bufferedBytes >= this.targetBytes) await this.#finish(key);
    }
    if (this.bufferedBytes > this.budgetBytes) await this.#relieve();
  }

  /** Cut the largest open row groups until the open files hold half the budget. */
  async #relieve(): Promise<void> {
    const open = [...this.#open.values()].map((f) => ({ f, bytes: f.writer.bufferedBytes })).sort((a, b) => b.bytes - a.bytes);
    let total = open.reduce((n, o) => n + o.bytes, 0);
    for (const { f, bytes } of open) {
      if (total <= this.budgetBytes / 2) break;
      for (const chunk of await f.writer.flush()) await f.queue.push(chunk);
      total -= bytes;
    }
  }

  #openFile(key: string, partition: Record<string, string>): OpenFile {
    let f = this.#open.get(key);
    if (f !== undefined) return f;
    const path = this.partitionBy.map((c) => hiveSegment(c, partition[c]!)).join('/');
    const rel = `data/${path === '' ? '' : `${path}/`}${this.#prefix}-${String(++this.#counter).padStart(5, '0')}.parquet`;
    const queue = new ChunkQueue(SILVER_UPLOAD_QUEUE_BYTES);
    const done = this.io.createIfAbsent(`${this.dir}${rel}`, queue);
    done.catch(() => undefined);
    f = { rel, partition, writer: new ParquetWriter(this.schema, { ...this.parquet, codec: this.codec }), queue, done, rows: 0 };
    this.#open.set(key, f);
    return f;
  }

  async #finish(key: string): Promise<void> {
    const f = this.#open.get(key)!;
    this.#open.delete(key);
    const { chunks, fileSize } = await f.writer.finish();
    for (const c of chunks) await f.queue.push(c);
    f.queue.close();
    await f.done;
    this.#files.push({ path: f.rel, partition: f.partition, rows: f.rows, size: fileSize });
  }

  /** Close every open file; the files written, ready to commit. */
  async finish(): Promise<SilverFile[]> {
    try {
      for (const key of [...this.#open.keys()]) await this.#finish(key);
      return this.#files;
    } catch (e) {
      await this.abort(e);
      throw e;
    }
  }

  /** Stop: open uploads fail (nothing published), finished files are deleted. */
  async abort(error: unknown): Promise<void> {
    const open = [...this.#open.values()];
    this.#open.clear();
    for (const f of open) f.queue.fail(error);
    await Promise.allSettled(open.map((f) => f.done));
    await this.io.deleteMany(this.#files.map((f) => `${this.dir}${f.path}`)).catch(() => undefined);
    this.#files.length = 0;
  }
}

/**
 * The failing rows of a gated write, streamed into `<dir>failing.parquet` as
 * they are found and published only if the gate fails at the end.
 */
export class QuarantineSink {
  #file: QuarantineFile | undefined;
  #rows = 0;

  constructor(
    private readonly io: FileIO,
    private readonly dir: string,
    private readonly codec: CompressionCodecName,
  ) {}

  get bufferedBytes(): number {
    return this.#file?.writer.bufferedBytes ?? 0;
  }

  #start(schema: ArrowSchema): QuarantineFile {
    const iceberg = arrowToIcebergSchema(stripIds(schema));
    const queue = new ChunkQueue(SILVER_UPLOAD_QUEUE_BYTES);
    const done = this.io.createIfAbsent(`${this.dir}failing.parquet`, queue);
    done.catch(() => undefined);
    return (this.#file = { writer: new ParquetWriter(iceberg, { codec: this.codec }), schema: iceberg, queue, done });
  }

  /** Add failing rows (after protection). */
  async add(rows: ArrowTable): Promise<void> {
    const f = this.#file ?? this.#start(rows.schema);
    for (const b of conform(rows, f.schema)) {
      for (const bytes of await f.writer.write(b)) await f.queue.push(bytes);
    }
    this.#rows += rows.numRows;
  }

  /** Publish the quarantine (and the gate's report); `schema` shapes an empty file when no rows were named. */
  async publish(report: unknown, schema: ArrowSchema | undefined): Promise<{ location: string; rows: number } | undefined> {
    if (this.#file === undefined && schema !== undefined) this.#start(schema);
    const f = this.#file;
    if (f !== undefined) {
      const { chunks } = await f.writer.finish();
      for (const c of chunks) await f.queue.push(c);
      f.queue.close();
      await f.done;
    }
    if (report !== undefined) await this.io.createIfAbsent(`${this.dir}report.json`, JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
    return f === undefined ? undefined : { location: `${this.dir}failing.parquet`, rows: this.#rows };
  }

  /** The gate passed (or the write failed): nothing is published. */
  async discard(): Promise<void> {
    const f = this.#file;
    this.#file = undefined;
    if (f === undefined) return;
    f.queue.fail(new Error('quarantine discarded'));
    await f.done.catch(() => undefined);
  }
}
