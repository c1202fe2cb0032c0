/**
 * Writing Arrow data as Iceberg data files: rows are routed to their
 * partition by the spec's transforms, each partition streams into its own
 * Parquet writer (rolled at `write.target-file-size-bytes`), bytes flow to
 * the FileIO with backpressure, and every file comes back as a `DataFile`
 * with its metrics. Nothing is committed here; on failure every file written
 * so far is deleted.
 */
import { RecordBatch, Table as ArrowTable } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { batchWithOwnBuffers, wireable } from '../../formats/arrow/wire.js';
import { columnReader } from '../../formats/arrow/arrow-to-rows.js';
import { parquetWriteOptionsFromProperties } from '../../formats/parquet/write/options.js';
import { defaultParquetEncoderPool, type ParquetEncoderPool, type ParquetFileEncoder } from '../../formats/parquet/write/encoder-pool.js';
import { DictionaryHints } from '../../formats/parquet/write/dictionary.js';
import { ParquetWriter } from '../../formats/parquet/write/writer.js';
import { ChunkQueue } from '../../io/chunk-queue.js';
import type { FileIO, FileStat } from '../../io/file-io.js';
import { FileContent, type DataFile } from '../manifest/types.js';
import { partitionKey } from '../scan/partition-key.js';
import type { TableMetadata } from '../spec/metadata.js';
import { currentSchema, defaultSpec } from '../spec/metadata.js';
import { partitionToPath } from '../spec/partition-path.js';
import type { PartitionSpec } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import { bindTransform } from '../spec/transform-apply.js';
import { findFieldById } from '../spec/type-index.js';
import type { Value } from '../spec/values.js';
import { dictionaryEncodeForSplit } from './dictionary-encode.js';
import { scatterBatch } from './scatter.js';
import { temporalOrdinals } from './temporal-keys.js';

/** Iceberg's default `write.target-file-size-bytes`: 512 MiB. */
export const DEFAULT_TARGET_FILE_SIZE_BYTES = 512 * 1024 * 1024;

/** Arrow input accepted by the writers. */
export type ArrowInput = ArrowTable | RecordBatch | Iterable<RecordBatch> | AsyncIterable<RecordBatch>;

async function* batchesOf(input: ArrowInput): AsyncGenerator<RecordBatch> {
  if (input instanceof ArrowTable) yield* input.batches;
  else if (input instanceof RecordBatch) yield input;
  else yield* input as AsyncIterable<RecordBatch>;
}

interface OpenFile {
  /** Creation order: files are returned in it. */
  seq: number;
  location: string;
  partition: Map<number, Value>;
  /** In-process, or on another thread (`remote`). */
  writer: ParquetWriter | ParquetFileEncoder;
  remote: boolean;
  queue: ChunkQueue;
  done: Promise<FileStat>;
  /** The remote write in flight (its bytes are queued when it resolves). */
  pending: Promise<void>;
}

/** Options for {@link writeDataFiles}. */
export interface WriteDataFilesOptions {
  /** Override `write.target-file-size-bytes`. */
  targetFileSizeBytes?: number;
  /** Prefix of file names (e.g. a task or job id). */
  filePrefix?: string;
  /**
   * Encode some partitions' files on other threads (e.g. `ParquetWorkerPool`
   * from `lakekit/io/local`); defaults to the pool set with
   * `useParquetWorkers()`, else everything is encoded on the calling thread.
   * `false` forces the calling thread.
   */
  encoders?: ParquetEncoderPool | false;
}

/**
 * Write Arrow data as Parquet data files for the table's current schema and
 * default partition spec. Returns the files (not yet committed).
 */
export async function writeDataFiles(io: FileIO, metadata: TableMetadata, input: ArrowInput, options: WriteDataFilesOptions = {}): Promise<DataFile[]> {
  const schema = currentSchema(metadata);
  const spec = defaultSpec(metadata);
  const props = metadata.properties;
  const target = options.targetFileSizeBytes ?? positive(props['write.target-file-size-bytes']) ?? DEFAULT_TARGET_FILE_SIZE_BYTES;
  // The files of one write share what their column chunks learn about dictionaries.
  const parquetOptions = { ...parquetWriteOptionsFromProperties(props), dictionaryHints: new DictionaryHints() };
  const dataDir = (props['write.data.path'] ?? `${metadata.location.replace(/\/+$/, '')}/data`).replace(/\/+$/, '');
  const prefix = `${options.filePrefix ?? '00000'}-${crypto.randomUUID()}`;
  const pool = options.encoders === false ? undefined : (options.encoders ?? defaultParquetEncoderPool());
  const route = partitionRouter(schema, spec, parquetOptions.dictionaryHints);
  const open = new Map<string, OpenFile>();
  const started: OpenFile[] = [];
  let counter = 0;

  const start = (group: RoutedGroup): OpenFile => {
    const dir = spec.fields.length === 0 ? dataDir : `${dataDir}/${partitionToPath(spec, schema, group.tuple)}`;
    const seq = ++counter;
    const location = `${dir}/${prefix}-${String(seq).padStart(5, '0')}.parquet`;
    // Batches split off by partition are this call's own: they may be encoded on another thread (copied there).
    const remote = group.owned === true && pool !== undefined && wireable(group.batch) ? pool.tryOpen(schema, parquetOptions) : undefined;
    const queue = new ChunkQueue();
    const done = io.write(location, queue);
    done.catch(() => undefined); // observed when all are awaited, or on abort
    const writer = remote ?? new ParquetWriter(schema, parquetOptions);
    const file: OpenFile = { seq, location, partition: group.partition, writer, remote: remote !== undefined, queue, done, pending: Promise.resolve() };
    started.push(file);
    return file;
  };
  // A file is sealed (encoded, its last bytes queued) before the next one is
  // encoded, but its write and fsync finish in the background: the disk works
  // while the CPU encodes the next partition.
  const sealed: { file: OpenFile; dataFile: DataFile }[] = [];
  const seal = async (key: string, f: OpenFile): Promise<void> => {
    open.delete(key);
    await f.pending;
    const { chunks, fileSize, metrics } = await f.writer.finish();
    for (const c of chunks) await f.queue.push(c);
    f.queue.close();
    sealed.push({ file: f, dataFile: { ...metrics, content: FileContent.Data, filePath: f.location, fileFormat: 'PARQUET', partition: f.partition, fileSizeInBytes: BigInt(fileSize), specId: spec.specId } });
  };
  const full = (f: OpenFile) => f.writer.bytesWritten + f.writer.bufferedBytes >= target;
  const sealing: Promise<void>[] = [];

  try {
    for await (const batch of batchesOf(input)) {
      if (batch.numRows === 0) continue;
      // The partitions' batches share one sorted copy of the batch: it goes once all are written.
      for (const group of route(batch)) {
        let file = open.get(group.key);
        // One write in flight per remote file; its sizes are known once it is done.
        if (file?.remote === true) {
          await file.pending;
          if (full(file) || !group.owned || !wireable(group.batch)) {
            await seal(group.key, file);
            file = undefined;
          }
        }
        if (file === undefined) {
          file = start(group);
          open.set(group.key, file);
        }
        if (file.remote) {
          const f = file;
          // Checked wireable when the file went remote and before each write to it.
          const own = batchWithOwnBuffers(group.batch)!;
          f.pending = (f.writer as ParquetFileEncoder).write(own).then(async (bytes) => {
            for (const b of bytes) await f.queue.push(b);
          });
          f.pending.catch(() => undefined); // surfaced by seal()
          continue;
        }
        const writer = file.writer as ParquetWriter;
        for (const bytes of await writer.write(group.batch, group.rows === undefined ? {} : { rows: group.rows })) await file.queue.push(bytes);
        if (full(file)) sealing.push(seal(group.key, file));
      }
    }
    // Remote files finish on their threads while this one finishes its own.
    const last = [...open];
    last.sort(([, a], [, b]) => Number(b.remote) - Number(a.remote));
    sealing.push(...last.map(([key, f]) => seal(key, f)));
    await settleAll(sealing);
    await Promise.all(sealed.map((s) => s.file.done));
    sealed.sort((a, b) => a.file.seq - b.file.seq);
    return sealed.map((s) => s.dataFile);
  } catch (e) {
    await Promise.allSettled(sealing);
    // Every file this call started, open, being sealed or sealed: fail what is
    // still being written, then delete them all (a failed write may have left bytes).
    for (const f of started) {
      f.queue.fail(e);
      if (f.remote) (f.writer as ParquetFileEncoder).abort();
    }
    await Promise.allSettled(started.map((f) => f.done));
    await io.deleteMany(started.map((f) => f.location)).catch(() => undefined);
    throw e;
  }
}

/** Wait for every promise; then throw the first failure, if any. */
async function settleAll(promises: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

function positive(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

interface RoutedGroup {
  key: string;
  partition: Map<number, Value>;
  tuple: Value[];
  batch: RecordBatch;
  /** The rows of `batch` in this partition (all of them when absent); the Parquet writer reads them in place. */
  rows?: Int32Array;
  /**
   * `batch` was made by the split (not the caller's), so it may be encoded on
   * another thread. Its buffers are shared with the other partitions' batches
   * (slices of one sorted copy): it is copied into buffers of its own on the way.
   */
  owned?: boolean;
}

/**
 * Splits a batch into one batch per partition of `spec`. String columns found
 * mostly distinct while splitting are marked so in `hints`, which the files'
 * writers share.
 */
export function partitionRouter(schema: Schema, spec: PartitionSpec, hints?: DictionaryHints): (batch: RecordBatch) => RoutedGroup[] {
  if (spec.fields.length === 0) return (batch) => [{ key: '', partition: new Map(), tuple: [], batch }];
  const fields = spec.fields.map((pf) => {
    const source = findFieldById(schema, pf.sourceId);
    if (source === undefined) throw new ValidationError(`partition field ${pf.name} refers to column id ${pf.sourceId}, which is not in the schema`);
    if (!schema.fields.includes(source)) throw new ValidationError(`partition field ${pf.name} is on a nested column; lakekit writes partitions of top-level columns only`);
    return { pf, source, apply: bindTransform(pf.transform, source.type) };
  });
  return (batch) => {
    const readers = fields.map(({ source, apply }) => {
      const column = batch.getChild(source.name);
      if (column === null) throw new ValidationError(`the data has no column '${source.name}', which the table is partitioned by; add it to the data`);
      const data = column.data;
      if (data.length !== 1) throw new ValidationError(`column '${source.name}' has ${data.length} chunks in one batch; pass record batches with one chunk per column`);
      const read = columnReader(data[0]!, batch.schema.fields.find((f) => f.name === source.name), { decimals: 'bigint' });
      return (i: number) => {
        const v = read(i) as Value;
        return v === null || v === undefined ? null : apply(v);
      };
    });
    // Group rows by partition: `gid[i]` is row i's group. With one partition
    // field (the usual day(ts)), the transformed value itself is the Map key:
    // no tuple or key string per row; time transforms are computed from the
    // buffers without BigInts when possible.
    const n = batch.numRows;
    const gid = new Int32Array(n);
    const tuples: Value[][] = [];
    const index = new Map<unknown, number>();
    const only = fields.length === 1 ? fields[0]! : undefined;
    const column = only === undefined ? null : batch.getChild(only.source.name);
    const ordinals = only === undefined || column === null || column.data.length !== 1 ? undefined : temporalOrdinals(column.data[0]!, only.pf.transform, only.source.type);
    if (ordinals !== undefined) {
      let last = NaN;
      let lastGroup = -1;
      for (let i = 0; i < n; i++) {
        const o = ordinals[i]!;
        if (o !== last) {
          let g = index.get(o);
          if (g === undefined) {
            g = tuples.length;
            index.set(o, g);
            tuples.push([Number.isNaN(o) ? null : o]);
          }
          last = o;
          lastGroup = g;
        }
        gid[i] = lastGroup;
      }
      return toGroups(gid, tuples, batch);
    }
    const single = readers.length === 1 ? readers[0]! : undefined;
    for (let i = 0; i < n; i++) {
      let tuple: Value[];
      let key: unknown;
      if (single !== undefined) {
        const v = single(i);
        tuple = [v];
        key = v instanceof Uint8Array ? partitionKey(spec.specId, tuple) : v;
      } else {
        tuple = readers.map((r) => r(i));
        key = partitionKey(spec.specId, tuple);
      }
      let g = index.get(key);
      if (g === undefined) {
        g = tuples.length;
        index.set(key, g);
        tuples.push(tuple);
      }
      gid[i] = g;
    }
    return toGroups(gid, tuples, batch);
  };
  function toGroups(gid: Int32Array, tuples: Value[][], batch: RecordBatch): RoutedGroup[] {
    const groups = tuples.length;
    const counts = new Int32Array(groups);
    for (let i = 0; i < gid.length; i++) counts[gid[i]!]!++;
    let parts: RecordBatch[] | undefined;
    let rows: Int32Array[] | undefined;
    if (groups === 1) parts = [batch];
    else {
      // Repetitive strings are dictionary-encoded first (the split then moves
      // keys, and the writers map keys instead of hashing values). Each
      // partition's batch is a slice of one copy sorted by partition, made in
      // one sequential pass per column. Batches the sort does not cover (nested
      // columns) are written in place through row indexes.
      const source = dictionaryEncodeForSplit(batch, hints);
      parts = scatterBatch(source, gid, counts);
      if (parts === undefined) {
        parts = tuples.map(() => source);
        rows = Array.from(counts, (c) => new Int32Array(c));
        const at = new Int32Array(groups);
        for (let i = 0; i < gid.length; i++) rows[gid[i]!]![at[gid[i]!]!++] = i;
      }
    }
    return tuples.map((tuple, g) => ({
      key: partitionKey(spec.specId, tuple),
      partition: new Map(spec.fields.map((pf, k) => [pf.fieldId, tuple[k]!] as const)),
      tuple,
      batch: parts[g]!,
      ...(rows === undefined ? {} : { rows: rows[g]! }),
      ...(rows === undefined && groups > 1 ? { owned: true } : {}),
    }));
  }
}
