/**
 * The shapes every lakekit reader shares: where bytes come from
 * ({@link ByteSource}), what a reader hands back ({@link RecordBatchStream}),
 * and how rows it could not read are reported ({@link MalformedRecord}).
 */
import type { RecordBatch, Schema } from 'apache-arrow';
import { ValidationError } from '../errors.js';

/** Input accepted by the streaming readers: all bytes at once, a web stream, or any async iterable of chunks. */
export type ByteSource = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** One record a reader skipped, with the 1-based line where it starts and why. */
export interface MalformedRecord {
  /** 1-based line number (of the decoded text) where the record starts. */
  line: number;
  /** Why the record was skipped, e.g. `expected 4 fields, found 5`. */
  reason: string;
  /** The record's text, cut to {@link MALFORMED_TEXT_LIMIT} characters. */
  text: string;
}

/**
 * Arrow record batches read lazily from a source. Iterate it once; the schema
 * resolves as soon as the reader has decided it (after the inference sample),
 * and `malformed` fills up as records are skipped.
 */
export interface RecordBatchStream extends AsyncIterable<RecordBatch> {
  /** The Arrow schema of every batch (explicit, or inferred from the first rows). */
  readonly schema: Promise<Schema>;
  /** Records skipped so far, in input order. */
  readonly malformed: MalformedRecord[];
}

/** Longest `text` kept in a {@link MalformedRecord}. */
export const MALFORMED_TEXT_LIMIT = 1024;
/** Default cap on malformed records before a read gives up (a wrong delimiter or encoding, usually). */
export const DEFAULT_MAX_MALFORMED = 10_000;

/** Options every reader accepts. */
export interface CommonReadOptions {
  /** Rows per record batch. @default {@link DEFAULT_READ_BATCH_SIZE} */
  batchSize?: number;
  /** Rows sampled to infer the schema. @default {@link DEFAULT_INFER_ROWS} */
  inferRows?: number;
  /** More malformed records than this stops the read with a ValidationError. @default {@link DEFAULT_MAX_MALFORMED} */
  maxMalformed?: number;
}

/** Rows per batch unless `batchSize` says otherwise. */
export const DEFAULT_READ_BATCH_SIZE = 65_536;
/** Rows sampled for inference unless `inferRows` says otherwise. */
export const DEFAULT_INFER_ROWS = 10_000;

/** Iterate the chunks of any {@link ByteSource}. */
export async function* chunksOf(src: ByteSource): AsyncGenerator<Uint8Array> {
  if (src instanceof Uint8Array) {
    if (src.length > 0) yield src;
    return;
  }
  if (typeof (src as ReadableStream<Uint8Array>).getReader === 'function' && !(Symbol.asyncIterator in src)) {
    const reader = (src as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.length > 0) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (!(Symbol.asyncIterator in src) && !(Symbol.iterator in src)) {
    throw new ValidationError('the source must be a Uint8Array, a ReadableStream of Uint8Array or an async iterable of Uint8Array');
  }
  for await (const chunk of src as AsyncIterable<Uint8Array>) {
    if (!(chunk instanceof Uint8Array)) throw new ValidationError('the source yielded a chunk that is not a Uint8Array; yield bytes (encode text with TextEncoder)');
    if (chunk.length > 0) yield chunk;
  }
}

/** Check a positive-integer option, naming it in the error. */
export function positiveOption(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new ValidationError(`${name} must be a positive integer, got ${String(value)}`, { context: { option: name } });
  return v;
}

/** Collects malformed records and enforces `maxMalformed`. */
export class MalformedLog {
  readonly records: MalformedRecord[] = [];
  constructor(private readonly max: number, private readonly what: string) {}

  add(line: number, reason: string, text: string): void {
    this.records.push({ line, reason, text: text.length > MALFORMED_TEXT_LIMIT ? `${text.slice(0, MALFORMED_TEXT_LIMIT)}…` : text });
    if (this.records.length > this.max) {
      throw new ValidationError(
        `more than ${this.max} malformed ${this.what} records (the last at line ${line}: ${reason}); check the format options (delimiter, quote, encoding) or raise maxMalformed`,
        { context: { malformed: this.records.length, line } },
      );
    }
  }
}

/**
 * Wrap a batch generator as a {@link RecordBatchStream}. `schema` settles when
 * the generator calls `resolve`, or rejects if it fails first. The generator
 * only starts when the stream is iterated — or when `schema` is awaited, which
 * reads just far enough to decide it and keeps the batches for the iteration.
 */
export function batchStream(
  malformed: MalformedRecord[],
  run: (setSchema: (s: Schema) => void) => AsyncGenerator<RecordBatch>,
): RecordBatchStream {
  let resolveSchema!: (s: Schema) => void;
  let rejectSchema!: (e: unknown) => void;
  let settled = false;
  const schema = new Promise<Schema>((res, rej) => {
    resolveSchema = res;
    rejectSchema = rej;
  });
  schema.catch(() => undefined);
  const setSchema = (s: Schema): void => {
    settled = true;
    resolveSchema(s);
  };
  let gen: AsyncGenerator<RecordBatch> | undefined;
  const pending: RecordBatch[] = [];
  let readAhead: Promise<void> = Promise.resolve();
  let finished = false;
  // An error the read-ahead met: the iteration rethrows it instead of ending quietly.
  let failure: { error: unknown } | undefined;
  const start = (): AsyncGenerator<RecordBatch> => (gen ??= run(setSchema));
  const pull = async (): Promise<IteratorResult<RecordBatch>> => {
    try {
      const r = await start().next();
      if (r.done) {
        finished = true;
        if (!settled) rejectSchema(new ValidationError('the reader ended without deciding a schema'));
      }
      return r;
    } catch (e) {
      finished = true;
      if (!settled) rejectSchema(e);
      throw e;
    }
  };
  const lazySchema = {
    then<A, B>(onOk?: ((s: Schema) => A | PromiseLike<A>) | null, onErr?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
      if (!settled && !finished && gen === undefined) {
        start();
        readAhead = (async () => {
          // Read ahead until the schema is known; keep what was read for the iteration.
          while (!settled && !finished) {
            try {
              const r = await pull();
              if (!r.done) pending.push(r.value);
            } catch (e) {
              failure = { error: e };
              return;
            }
          }
        })();
      }
      return schema.then(onOk, onErr);
    },
  };
  return {
    schema: lazySchema as unknown as Promise<Schema>,
    malformed,
    [Symbol.asyncIterator](): AsyncIterator<RecordBatch> {
      return {
        next: async () => {
          // A read-ahead may start while we wait (the schema was asked for in the
          // same tick): wait for whichever is current, so no batch is pulled twice or lost.
          for (let seen: Promise<void> | undefined; seen !== readAhead; ) {
            seen = readAhead;
            await seen;
          }
          const queued = pending.shift();
          if (queued !== undefined) return { done: false, value: queued };
          if (failure !== undefined) {
            const { error } = failure;
            failure = undefined;
            throw error;
          }
          if (finished) return { done: true, value: undefined };
          return pull();
        },
        return: async () => {
          finished = true;
          await gen?.return(undefined);
          return { done: true, value: undefined };
        },
      };
    },
  };
}
