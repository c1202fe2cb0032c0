/**
 * The worker-thread side of {@link readCsvInWorker} (Node only): runs
 * `readCsv` on bytes that arrive from the calling thread (or on a file the
 * worker reads itself), and posts each record batch back with its buffers
 * transferred, not copied. Batches wait for credit from the calling thread,
 * so the worker parses at most a few batches ahead of the consumer.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { RecordBatch, Table, tableFromIPC, tableToIPC, type Schema } from 'apache-arrow';
import { IoError, NotFoundError } from '../../errors.js';
import { batchToWire, type WireBatch } from '../../formats/arrow/wire.js';
import type { CsvReadOptions } from '../../formats/csv/options.js';
import { readCsv } from '../../formats/csv/reader.js';
import type { MalformedRecord } from '../../formats/stream.js';
import { errorToWire, type WireError } from './worker-support.js';

/** Read-ahead of input chunks the worker asks for. */
export const CSV_WORKER_CHUNKS_AHEAD = 4;

/** Messages to the worker. */
export type CsvWorkerRequest =
  | {
      op: 'start';
      /** The options without `schema`, which travels as Arrow IPC bytes. */
      options: Omit<CsvReadOptions, 'schema'>;
      schema: Uint8Array | null;
      /** Read this file in the worker instead of receiving chunks. */
      path: string | null;
      /** Batches the worker may post before it waits for credit. */
      credit: number;
    }
  | { op: 'chunk'; bytes: Uint8Array }
  | { op: 'end' }
  | { op: 'credit' };

/** Messages from the worker. */
export type CsvWorkerReply =
  | { op: 'need'; n: number }
  | { op: 'schema'; ipc: Uint8Array }
  | { op: 'batch'; wire: WireBatch | null; ipc: Uint8Array | null; malformed: MalformedRecord[] }
  | { op: 'done'; malformed: MalformedRecord[] }
  | { op: 'error'; error: WireError; malformed: MalformedRecord[] };

/** An Arrow schema as IPC bytes (a stream with no batches), and back. */
export function schemaToIpc(schema: Schema): Uint8Array {
  return tableToIPC(new Table(schema), 'stream');
}
export function schemaFromIpc(ipc: Uint8Array): Schema {
  return tableFromIPC(ipc).schema;
}

/** A batch for `postMessage`: the wire form with every buffer in the transfer list, or Arrow IPC for columns the wire form does not cover. */
export function batchForPost(batch: RecordBatch): { wire: WireBatch | null; ipc: Uint8Array | null; transfer: ArrayBuffer[] } {
  const w = batchToWire(batch, true, { views: true });
  if (w === undefined) {
    const ipc = tableToIPC(new Table(batch), 'stream');
    return { wire: null, ipc, transfer: [ipc.buffer as ArrayBuffer] };
  }
  // readCsv's batches own their buffers (fresh per batch): batchToWire moved them, views and all, and copied
  // any buffer a second view shared to a fresh one; every buffer in the wire batch is ours to transfer.
  const transfer = new Set<ArrayBuffer>();
  const add = (v: ArrayBufferView | null) => {
    if (v !== null && v.buffer instanceof ArrayBuffer) transfer.add(v.buffer);
  };
  for (const c of w.batch.columns) {
    add(c.validity);
    add(c.values);
    add(c.offsets);
    if (c.dictionary !== null) {
      add(c.dictionary.offsets);
      add(c.dictionary.values);
    }
  }
  return { wire: w.batch, ipc: null, transfer: [...transfer] };
}

/** A file's chunks; a missing or unreadable file as the LakeError a FileIO would throw. */
async function* fromFile(path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new NotFoundError(`no file at ${path}; check the path`, { context: { path } });
    throw new IoError(`cannot read ${path}: ${(e as Error).message}`, { context: { path, code } });
  }
}

const port = parentPort;
if (port !== null) {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let credit = 0;
  // Two waits that can overlap (the stream reads ahead while a batch waits for credit), one waker each.
  let wakeInput: (() => void) | undefined;
  let wakeCredit: (() => void) | undefined;
  const pokeInput = () => {
    const w = wakeInput;
    wakeInput = undefined;
    w?.();
  };
  const pokeCredit = () => {
    const w = wakeCredit;
    wakeCredit = undefined;
    w?.();
  };
  const post = (msg: CsvWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

  /** Chunks from the calling thread, asking for the next as each is taken. */
  async function* received(): AsyncGenerator<Uint8Array> {
    post({ op: 'need', n: CSV_WORKER_CHUNKS_AHEAD });
    for (;;) {
      const c = chunks.shift();
      if (c !== undefined) {
        post({ op: 'need', n: 1 });
        yield c;
        continue;
      }
      if (ended) return;
      await new Promise<void>((r) => (wakeInput = r));
    }
  }

  const run = async (start: Extract<CsvWorkerRequest, { op: 'start' }>): Promise<void> => {
    credit = start.credit;
    const options: CsvReadOptions = start.schema === null ? start.options : { ...start.options, schema: schemaFromIpc(start.schema) };
    const source = start.path === null ? received() : fromFile(start.path);
    const stream = readCsv(source, options);
    let sentMalformed = 0;
    const newMalformed = () => {
      const m = stream.malformed.slice(sentMalformed);
      sentMalformed = stream.malformed.length;
      return m;
    };
    let schemaSent = false;
    const sendSchema = async () => {
      if (schemaSent) return;
      schemaSent = true;
      post({ op: 'schema', ipc: schemaToIpc(await stream.schema) });
    };
    try {
      for await (const batch of stream) {
        await sendSchema();
        while (credit === 0) await new Promise<void>((r) => (wakeCredit = r));
        credit--;
        const b = batchForPost(batch);
        post({ op: 'batch', wire: b.wire, ipc: b.ipc, malformed: newMalformed() }, b.transfer);
      }
      await sendSchema();
      post({ op: 'done', malformed: newMalformed() });
    } catch (e) {
      post({ op: 'error', error: errorToWire(e), malformed: newMalformed() });
    }
  };

  port.on('message', (msg: CsvWorkerRequest) => {
    switch (msg.op) {
      case 'start':
        void run(msg);
        break;
      case 'chunk':
        chunks.push(msg.bytes);
        pokeInput();
        break;
      case 'end':
        ended = true;
        pokeInput();
        break;
      case 'credit':
        credit++;
        pokeCredit();
        break;
    }
  });
}
