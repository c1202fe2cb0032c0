/**
 * The worker-thread side of {@link ParquetWorkerPool} (Node only): one
 * ParquetWriter per open file, fed batches rebuilt from the wire; replies
 * carry the bytes that became final (transferred, not copied) and the
 * writer's sizes, and the footer and metrics when a file finishes.
 *
 * @module
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { batchFromWire, type WireBatch } from '../../formats/arrow/wire.js';
import { loadCompressor } from '../../formats/compression/index.js';
import type { ParquetWriteOptions } from '../../formats/parquet/write/options.js';
import { ParquetWriter, type ParquetWriteResult } from '../../formats/parquet/write/writer.js';
import type { Schema } from '../../iceberg/spec/schema.js';
import { errorToWire, type WireError } from './worker-support.js';

/** Messages to the worker. `req` numbers the ones that get a reply. */
export type WorkerRequest =
  | { op: 'open'; id: number; schema: Schema; options: ParquetWriteOptions }
  | { op: 'write'; id: number; req: number; batch: WireBatch }
  | { op: 'finish'; id: number; req: number }
  | { op: 'abort'; id: number };

/** Replies from the worker. */
export type WorkerReply =
  | { ok: true; req: number; chunks: Uint8Array[]; bytesWritten: number; bufferedBytes: number; result?: ParquetWriteResult }
  | { ok: false; req: number; error: WireError };

/** Whole, unshared buffers for the transfer list (chunks that are views are copied to exactly their bytes). */
function movable(chunks: Uint8Array[]): { chunks: Uint8Array[]; transfer: ArrayBuffer[] } {
  const seen = new Set<ArrayBufferLike>();
  const out = chunks.map((c) => {
    const whole = c.byteOffset === 0 && c.byteLength === c.buffer.byteLength && c.buffer instanceof ArrayBuffer && !seen.has(c.buffer);
    const own = whole ? c : c.slice();
    seen.add(own.buffer);
    return own;
  });
  return { chunks: out, transfer: [...seen] as ArrayBuffer[] };
}

const port = parentPort;
if (port !== null) {
  // Load zstd (the default codec's WebAssembly) while the first batch is on its way.
  loadCompressor('zstd').catch(() => undefined);
  const writers = new Map<number, ParquetWriter>();
  // Replies go to the port the pool gave us, which it can also read synchronously.
  const replies = (workerData as { replies?: MessagePort } | null)?.replies ?? port;
  const reply = (msg: WorkerReply, transfer: ArrayBuffer[] = []) => replies.postMessage(msg, transfer);
  port.on('message', (msg: WorkerRequest) => {
    if (msg.op === 'open') {
      writers.set(msg.id, new ParquetWriter(msg.schema, msg.options));
      return;
    }
    if (msg.op === 'abort') {
      writers.delete(msg.id);
      return;
    }
    const writer = writers.get(msg.id);
    const req = msg.req;
    const run = async (): Promise<void> => {
      if (writer === undefined) throw new Error(`no open file ${msg.id} on this worker`);
      if (msg.op === 'write') {
        const m = movable(await writer.write(batchFromWire(msg.batch)));
        reply({ ok: true, req, chunks: m.chunks, bytesWritten: writer.bytesWritten, bufferedBytes: writer.bufferedBytes }, m.transfer);
      } else {
        writers.delete(msg.id);
        const result = await writer.finish();
        const m = movable(result.chunks);
        reply({ ok: true, req, chunks: [], bytesWritten: result.fileSize, bufferedBytes: 0, result: { ...result, chunks: m.chunks } }, m.transfer);
      }
    };
    run().catch((e: unknown) => {
      writers.delete(msg.id);
      reply({ ok: false, req, error: errorToWire(e) });
    });
  });
}

