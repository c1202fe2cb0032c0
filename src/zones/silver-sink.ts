/**
 * Where a silver write's record batches go (internal): the partitioned
 * Parquet files of the dataset, streamed into the store as they fill, and
 * the quarantine file of a failed quality gate, staged until the gate
 * decides. Nothing is visible until the writer commits (data files) or
 * publishes (quarantine).
 */
import { concatBytes } from '../internal/bytes.js';
import { Field, Schema as ArrowSchema, type RecordBatch, type Table as ArrowTable } from 'apache-arrow';
import { arrowToIcebergSchema } from '../formats/arrow/from-arrow-schema.js';
import { arrowToRows } from '../formats/arrow/arrow-to-rows.js';
import { rowsToArrow } from '../formats/arrow/rows-to-arrow.js';
import type { CompressionCodecName } from '../formats/compression/codec.js';
import type { ParquetWriteOptions } from '../formats/parquet/write/options.js';
import { DictionaryHints } from '../formats/parquet/write/dictionary.js';
import { ParquetWriter } from '../formats/parquet/write/writer.js';
import type { Schema } from '../iceberg/spec/schema.js';
import { typeToString } from '../iceberg/spec/types.js';
import { scatterBatch } from '../iceberg/write/scatter.js';
import { ChunkQueue } from '../io/chunk-queue.js';
import type { FileIO, FileStat } from '../io/file-io.js';
import { hiveSegment } from './layout.js';
import { SplitEncoder, type Partitioner } from './silver-partition.js';
import type { SilverFile } from './silver.js';

/**
 * Bytes a file's upload queue holds before the writer waits for the store.
 * A file's output arrives a row group at a time (one chunk), so this keeps
 * about one row group per open file between the writer and the store, however
 * slow the store is.
 */
export const SILVER_UPLOAD_QUEUE_BYTES = 256 * 1024;
/**
 * Unflushed Parquet bytes all open files of one write may hold together.
 * Data spread over many partitions keeps many files open; past this budget
 * the largest open row groups are cut early (smaller row groups, bounded memory).
 * 24 MiB keeps a 2 GB, 90-day CSV streamed into silver on two threads under
 * 512 MB RSS (48 MiB peaked at 476–513 MB over eight runs, 24 MiB at 429–451)
 * at the same throughput.
 */
export const SILVER_BUFFER_BUDGET_BYTES = 24 * 1024 * 1024;

/**
 * Queue a writer's output as one chunk: a row group comes as a header and a
 * body per page, and each chunk would be its own write to the store.
 */
async function pushAll(queue: ChunkQueue, chunks: readonly Uint8Array[]): Promise<void> {
  if (chunks.length === 0) return;
  return queue.push(concatBytes(chunks));
}

/** The row indexes of each group, in order. */
function rowsByGroup(group: Int32Array, counts: Int32Array): Int32Array[] {
  const rows = Array.from(counts, (c) => new Int32Array(c));
  const at = new Int32Array(counts.length);
  for (let i = 0; i < group.length; i++) rows[group[i]!]![at[group[i]!]!++] = i;
  return rows;
}

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
  /** One write's files share what their column chunks learned about dictionary encoding. */
  readonly #hints: DictionaryHints;
  readonly #encoder: SplitEncoder;
  readonly #files: SilverFile[] = [];
  /** Files whose last bytes are queued (their uploads may still be running), in order. */
  readonly #sealed: OpenFile[] = [];
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
  ) {
    this.#hints = parquet.dictionaryHints ?? new DictionaryHints();
    this.#encoder = new SplitEncoder(this.#hints);
  }

  /** Unflushed Parquet bytes of the open files. */
  get bufferedBytes(): number {
    let n = 0;
    for (const f of this.#open.values()) n += f.writer.bufferedBytes;
    return n;
  }

  /** Write one batch (already in the dataset's schema) into the files of its partitions. */
  async add(batch: RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const { group, counts, values } = this.partitionOf(batch);
    // One batch per partition, slices of a copy sorted by partition in one sequential pass per
    // column; batches the sort does not cover (nested columns) are read in place through row indexes.
    const parts = values.length === 1 ? [batch] : scatterBatch(this.#encoder.encode(batch), group, counts);
    const rows = parts === undefined ? rowsByGroup(group, counts) : undefined;
    for (let g = 0; g < values.length; g++) {
      const partition = Object.fromEntries(this.partitionBy.map((c, k) => [c, values[g]![k]!]));
      const key = JSON.stringify(partition);
      const f = this.#openFile(key, partition);
      const written = parts === undefined ? await f.writer.write(batch, { rows: rows![g]! }) : await f.writer.write(parts[g]!);
      await pushAll(f.queue, written);
      f.rows += counts[g]!;
      if (f.writer.bytesWritten + f.writer.bufferedBytes >= this.targetBytes) await this.#seal(key);
    }
    if (this.bufferedBytes > this.budgetBytes) await this.#relieve();
  }

  /** Cut the largest open row groups until the open files hold half the budget. */
  async #relieve(): Promise<void> {
    const open = [...this.#open.values()].map((f) => ({ f, bytes: f.writer.bufferedBytes })).sort((a, b) => b.bytes - a.bytes);
    let total = open.reduce((n, o) => n + o.bytes, 0);
    for (const { f, bytes } of open) {
      if (total <= this.budgetBytes / 2) break;
      await pushAll(f.queue, await f.writer.flush());
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
    f = { rel, partition, writer: new ParquetWriter(this.schema, { ...this.parquet, codec: this.codec, dictionaryHints: this.#hints }), queue, done, rows: 0 };
    this.#open.set(key, f);
    return f;
  }

  /**
   * Close a file's writer and queue its last bytes. Its upload (and fsync)
   * completes in the background while the other files go on; {@link finish}
   * waits for all of them.
   */
  async #seal(key: string): Promise<void> {
    const f = this.#open.get(key)!;
    this.#open.delete(key);
    this.#sealed.push(f);
    const { chunks, fileSize } = await f.writer.finish();
    await pushAll(f.queue, chunks);
    f.queue.close();
    this.#files.push({ path: f.rel, partition: f.partition, rows: f.rows, size: fileSize });
  }

  /** Close every open file and wait for every upload; the files written, ready to commit. */
  async finish(): Promise<SilverFile[]> {
    try {
      for (const key of [...this.#open.keys()]) await this.#seal(key);
      const results = await Promise.allSettled(this.#sealed.map((f) => f.done));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      return this.#files;
    } catch (e) {
      await this.abort(e);
      throw e;
    }
  }

  /** Stop: open uploads fail (nothing published), finished files are deleted. */
  async abort(error: unknown): Promise<void> {
    const started = [...this.#open.values(), ...this.#sealed];
    this.#open.clear();
    this.#sealed.length = 0;
    for (const f of started) f.queue.fail(error);
    await Promise.allSettled(started.map((f) => f.done));
    await this.io.deleteMany(started.map((f) => `${this.dir}${f.rel}`)).catch(() => undefined);
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
