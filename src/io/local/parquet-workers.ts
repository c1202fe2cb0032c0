/**
 * Parquet encoding on Node worker threads (Node only): the
 * {@link ParquetEncoderPool} that partitioned Iceberg writes use to encode
 * several data files at once. Batches move to a worker without copying
 * (their buffers are transferred); the worker runs the same ParquetWriter
 * and sends back the file's bytes and metrics.
 *
 * Workers are started once and shared by every write in the process. They do
 * not keep the process alive while idle, and a worker that dies fails only
 * the files it was encoding (with an IoError); the next file starts a new one.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { RecordBatch } from 'apache-arrow';
import * as errors from '../../errors.js';
import { batchToWire } from '../../formats/arrow/wire.js';
import { setDefaultParquetEncoderPool, type ParquetEncoderPool, type ParquetFileEncoder } from '../../formats/parquet/write/encoder-pool.js';
import type { ParquetWriteOptions } from '../../formats/parquet/write/options.js';
import type { ParquetWriteResult } from '../../formats/parquet/write/writer.js';
import type { Schema } from '../../iceberg/spec/schema.js';
import type { WorkerReply, WorkerRequest } from './parquet-worker.js';
import { rebuildError, startWorker, workerUrl } from './worker-support.js';

/** Options for {@link ParquetWorkerPool}. */
export interface ParquetWorkerPoolOptions {
  /**
   * Worker threads. The calling thread encodes files too, so the default is
   * one fewer than the CPUs (`os.availableParallelism() - 1`, at least 1).
   */
  threads?: number;
  /** Requests queued per worker before files are left to the calling thread. @default 2 */
  queuePerWorker?: number;
  /** Start the threads now instead of on the first file. @default true */
  prestart?: boolean;
}

interface Pending {
  resolve(reply: WorkerReply & { ok: true }): void;
  reject(e: unknown): void;
}

/**
 * One worker thread and its outstanding requests. Replies come back on a
 * port of their own, which the pool also drains synchronously: a thread
 * busy encoding files itself sees a worker's finished work (and gives it the
 * next file) without first returning to the event loop.
 */
class Lane {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  dead: unknown;
  private readonly replies: MessagePort;

  constructor(url: URL, onDeath: (lane: Lane) => void) {
    const { port1, port2 } = new MessageChannel();
    const options = { workerData: { replies: port2 }, transferList: [port2] };
    this.worker = startWorker(url, options);
    this.worker.unref();
    this.replies = port1;
    this.replies.on('message', (reply: WorkerReply) => this.settle(reply));
    this.replies.unref();
    const die = (cause: unknown) => {
      if (this.dead !== undefined) return;
      this.dead = cause;
      onDeath(this);
      this.replies.close();
      const err = new errors.IoError('a Parquet encoding worker thread stopped; the files it was encoding were abandoned; retry the write', { cause, retryable: true });
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`worker exited with code ${code}`)));
  }

  /** Requests not answered yet (after taking in the replies that have arrived). */
  get load(): number {
    if (this.dead === undefined) {
      for (let m = receiveMessageOnPort(this.replies); m !== undefined; m = receiveMessageOnPort(this.replies)) this.settle(m.message as WorkerReply);
    }
    return this.pending.size;
  }

  request(msg: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply & { ok: true }> {
    if (this.dead !== undefined) return Promise.reject(new errors.IoError('a Parquet encoding worker thread stopped; retry the write', { cause: this.dead, retryable: true }));
    return new Promise((resolve, reject) => {
      if ('req' in msg) {
        // Outstanding requests keep the process alive; an idle pool does not.
        if (this.pending.size === 0) {
          this.worker.ref();
          this.replies.ref();
        }
        this.pending.set(msg.req, { resolve, reject });
      }
      this.worker.postMessage(msg, transfer);
      if (!('req' in msg)) resolve({ ok: true, req: -1, chunks: [], bytesWritten: 0, bufferedBytes: 0 });
    });
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.req);
    if (p === undefined) return;
    this.pending.delete(reply.req);
    if (this.pending.size === 0) {
      this.worker.unref();
      this.replies.unref();
    }
    if (reply.ok) p.resolve(reply);
    else p.reject(rebuildError(reply.error, 'Parquet encoding failed on a worker thread'));
  }
}

/**
 * A pool of worker threads that encode Parquet data files.
 *
 * @example
 * ```ts
 * import { ParquetWorkerPool } from 'lakekit/io/local';
 * const pool = new ParquetWorkerPool({ threads: 1 });
 * await table.append(arrowTable, { encoders: pool });
 * await pool.close();
 * ```
 */
export class ParquetWorkerPool implements ParquetEncoderPool {
  readonly threads: number;
  private readonly queuePerWorker: number;
  private readonly lanes: Lane[] = [];
  private readonly url = workerUrl('parquet-worker', 'Parquet');
  private nextId = 1;
  private nextReq = 1;
  private closed = false;

  constructor(options: ParquetWorkerPoolOptions = {}) {
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isInteger(threads) || threads < 1) throw new errors.ValidationError(`threads must be a positive integer, got ${threads}`);
    const queue = options.queuePerWorker ?? 2;
    if (!Number.isInteger(queue) || queue < 1) throw new errors.ValidationError(`queuePerWorker must be a positive integer, got ${queue}`);
    this.threads = threads;
    this.queuePerWorker = queue;
    if (options.prestart ?? true) while (this.lanes.length < threads) this.spawn();
  }

  private spawn(): Lane {
    const lane = new Lane(this.url, (dead) => {
      const i = this.lanes.indexOf(dead);
      if (i >= 0) this.lanes.splice(i, 1);
    });
    this.lanes.push(lane);
    return lane;
  }

  /** A worker with room for another file, spawning one while under {@link threads}. */
  private pick(): Lane | undefined {
    if (this.closed) return undefined;
    let best: Lane | undefined;
    for (const lane of this.lanes) if (best === undefined || lane.load < best.load) best = lane;
    if ((best === undefined || best.load > 0) && this.lanes.length < this.threads) return this.spawn();
    return best !== undefined && best.load < this.queuePerWorker ? best : undefined;
  }

  tryOpen(schema: Schema, options: ParquetWriteOptions): ParquetFileEncoder | undefined {
    const lane = this.pick();
    if (lane === undefined) return undefined;
    const id = this.nextId++;
    // Dictionary hints are an object of this thread; the worker's writer keeps its own.
    const { dictionaryHints: _, ...cloneable } = options;
    void lane.request({ op: 'open', id, schema, options: cloneable });
    return new RemoteFile(lane, id, () => this.nextReq++);
  }

  /** Stop the worker threads. Files still being encoded fail with an IoError. */
  async close(): Promise<void> {
    this.closed = true;
    const lanes = this.lanes.splice(0);
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }
}

/** A file encoded on one worker. */
class RemoteFile implements ParquetFileEncoder {
  bytesWritten = 0;
  bufferedBytes = 0;

  constructor(private readonly lane: Lane, private readonly id: number, private readonly req: () => number) {}

  async write(batch: RecordBatch): Promise<Uint8Array[]> {
    const wire = batchToWire(batch, true);
    if (wire === undefined) throw new errors.UnsupportedError('this batch has columns a Parquet worker cannot receive (nested or 64-bit offsets); write it without an encoder pool');
    const reply = await this.lane.request({ op: 'write', id: this.id, req: this.req(), batch: wire.batch }, wire.transfer);
    this.bytesWritten = reply.bytesWritten;
    this.bufferedBytes = reply.bufferedBytes;
    return reply.chunks;
  }

  async finish(): Promise<ParquetWriteResult> {
    const reply = await this.lane.request({ op: 'finish', id: this.id, req: this.req() });
    if (reply.result === undefined) throw new errors.IoError('a Parquet worker finished a file without returning it; write the file again');
    this.bytesWritten = reply.result.fileSize;
    this.bufferedBytes = 0;
    return reply.result;
  }

  abort(): void {
    if (this.lane.dead === undefined) void this.lane.request({ op: 'abort', id: this.id }).catch(() => undefined);
  }
}

let shared: ParquetWorkerPool | undefined;

/**
 * Encode the data files of partitioned Iceberg writes (`Table.append`,
 * overwrite, delete, compaction, gold-zone writes) on worker threads from now
 * on, in this process, unless a write names its own pool. Returns the shared
 * pool; calling it again returns the same one. `useParquetWorkers(false)`
 * stops the threads and goes back to encoding on the calling thread.
 *
 * @example
 * ```ts
 * import { useParquetWorkers } from 'lakekit/io/local';
 * useParquetWorkers();            // one thread fewer than the CPUs
 * await table.append(arrowTable); // partitions are encoded in parallel
 * ```
 */
export function useParquetWorkers(options: ParquetWorkerPoolOptions | false = {}): ParquetWorkerPool | undefined {
  if (options === false) {
    const pool = shared;
    shared = undefined;
    setDefaultParquetEncoderPool(undefined);
    void pool?.close();
    return undefined;
  }
  shared ??= new ParquetWorkerPool(options);
  setDefaultParquetEncoderPool(shared);
  return shared;
}
