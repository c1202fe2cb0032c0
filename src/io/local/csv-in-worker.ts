/**
 * CSV parsing on a worker thread (Node only): {@link readCsvInWorker} is
 * `readCsv` with the tokenizing, type parsing and Arrow building moved off the
 * calling thread, so a pipeline that writes what it reads (the silver zone,
 * an Iceberg append) parses the next batches while the calling thread
 * encodes the last ones: two cores instead of one.
 *
 * @module
 */
import { RecordBatch, Struct, makeData, tableFromIPC, type Schema } from 'apache-arrow';
import { IoError } from '../../errors.js';
import { batchFromWire } from '../../formats/arrow/wire.js';
import type { CsvReadOptions } from '../../formats/csv/options.js';
import { checkCsvReadOptions } from '../../formats/csv/reader.js';
import { batchStream, chunksOf, type ByteSource, type MalformedRecord, type RecordBatchStream } from '../../formats/stream.js';
import { schemaFromIpc, schemaToIpc, type CsvWorkerReply, type CsvWorkerRequest } from './csv-worker.js';
import { rebuildError, startWorker, workerUrl } from './worker-support.js';

/** Batches the worker may parse ahead of the consumer. */
export const CSV_WORKER_BATCHES_AHEAD = 2;

/** A file on local disk for {@link readCsvInWorker}: the worker thread reads it itself. */
export interface CsvFile {
  path: string;
}

/**
 * Read CSV as `readCsv` does (same options, same batches, schema, malformed
 * records and errors), parsing on a worker thread. The source is a file on
 * local disk (`{ path }`, which the worker reads itself) or any
 * {@link ByteSource}, whose chunks the calling thread copies to the worker
 * as it asks for them. The worker starts on the first read and stops at the
 * end, on an error, or when the iteration is left early; it parses at most
 * {@link CSV_WORKER_BATCHES_AHEAD} batches ahead of the consumer.
 *
 * It pays where a second core is free and the consumer has work of its own
 * per batch (writing Parquet, the silver zone); reading alone gains nothing.
 * Options are checked at once, as `readCsv` checks them.
 *
 * @example
 * ```ts
 * import { readCsvInWorker } from 'lakekit/io/local';
 * const stream = readCsvInWorker({ path: 'bronze/transactions.csv' });
 * await silver.writeBatches('payments.transactions', stream, { dateColumn: 'ts' });
 * ```
 */
export function readCsvInWorker(source: ByteSource | CsvFile, options: CsvReadOptions = {}): RecordBatchStream {
  checkCsvReadOptions(options);
  const malformed: MalformedRecord[] = [];
  return batchStream(malformed, (setSchema) => run(source, options, malformed, setSchema));
}

function isFile(source: ByteSource | CsvFile): source is CsvFile {
  return typeof (source as CsvFile).path === 'string' && !(source instanceof Uint8Array);
}

/** A chunk the worker may own: a copy (the source may reuse or still hold its bytes). */
function ownCopy(chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(chunk.length);
  out.set(chunk);
  return out;
}

async function* run(source: ByteSource | CsvFile, options: CsvReadOptions, malformed: MalformedRecord[], setSchema: (s: Schema) => void): AsyncGenerator<RecordBatch> {
  const file = isFile(source) ? source.path : null;
  const input = file === null ? chunksOf(source as ByteSource)[Symbol.asyncIterator]() : undefined;
  const worker = startWorker(workerUrl('csv-worker', 'CSV'));
  // The worker keeps the process alive only while the consumer waits for it: an abandoned stream does not hang the process.
  worker.unref();

  const inbox: CsvWorkerReply[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const post = (msg: CsvWorkerRequest, transfer: ArrayBuffer[] = []) => worker.postMessage(msg, transfer);

  // Input: the worker asks for chunks; one pump at a time reads them from the source.
  let wanted = 0;
  let pumping = false;
  let inputDone = false;
  const pump = async (): Promise<void> => {
    if (pumping || input === undefined) return;
    pumping = true;
    try {
      while (wanted > 0 && !inputDone && failure === undefined) {
        const r = await input.next();
        if (r.done) {
          inputDone = true;
          post({ op: 'end' });
        } else {
          wanted--;
          const bytes = ownCopy(r.value);
          post({ op: 'chunk', bytes }, [bytes.buffer as ArrayBuffer]);
        }
      }
    } catch (e) {
      failure ??= e instanceof Error ? e : new IoError(String(e));
      poke();
    } finally {
      pumping = false;
    }
  };

  worker.on('message', (msg: CsvWorkerReply) => {
    if (msg.op === 'need') {
      wanted += msg.n;
      void pump();
      return;
    }
    inbox.push(msg);
    poke();
  });
  worker.on('error', (e) => {
    failure ??= new IoError('the CSV worker thread failed; retry the read', { cause: e, retryable: true });
    poke();
  });
  worker.on('exit', (code) => {
    failure ??= new IoError(`the CSV worker thread exited (code ${code}) before the read finished; retry the read`, { retryable: true });
    poke();
  });

  const next = async (): Promise<CsvWorkerReply> => {
    for (;;) {
      const m = inbox.shift();
      if (m !== undefined) return m;
      if (failure !== undefined) throw failure;
      worker.ref();
      try {
        await new Promise<void>((r) => (wake = r));
      } finally {
        worker.unref();
      }
    }
  };

  const { schema, ...rest } = options;
  post({ op: 'start', options: rest, schema: schema === undefined ? null : schemaToIpc(schema), path: file, credit: CSV_WORKER_BATCHES_AHEAD });
  let arrow: Schema | undefined;
  try {
    for (;;) {
      const msg = await next();
      if (msg.op === 'schema') {
        arrow = schemaFromIpc(msg.ipc);
        setSchema(arrow);
      } else if (msg.op === 'batch') {
        malformed.push(...msg.malformed);
        const batch = msg.wire !== null ? batchFromWire(msg.wire) : tableFromIPC(msg.ipc!).batches[0]!;
        // The stream's schema (field metadata included) on every batch, as readCsv gives it.
        const own = arrow === undefined ? batch : new RecordBatch(arrow, makeData({ type: new Struct(arrow.fields), length: batch.numRows, nullCount: 0, children: batch.data.children }));
        yield own;
        post({ op: 'credit' });
      } else if (msg.op === 'done') {
        malformed.push(...msg.malformed);
        return;
      } else if (msg.op === 'error') {
        malformed.push(...msg.malformed);
        throw rebuildError(msg.error, 'reading CSV on a worker thread failed');
      }
    }
  } finally {
    failure ??= new IoError('the read was closed');
    worker.removeAllListeners('exit');
    void worker.terminate();
    if (input !== undefined && !inputDone) await input.return?.(undefined);
  }
}
