import type { FileIO } from '../../io/file-io.js';
import type { LineageEvent } from '../events.js';
import type { Transport } from './transport.js';

/** Appends bytes to the end of an existing file (e.g. Node's `fs.promises.appendFile`). */
export type AppendFn = (location: string, data: Uint8Array) => Promise<void>;

/** Defaults of {@link FileTransport}. */
export const FILE_TRANSPORT_DEFAULTS = Object.freeze({
  /** With `append`: a segment is closed and a new one started before it would exceed this size. */
  maxSegmentBytes: 16 * 1024 * 1024,
  /** Without `append` each flush rewrites the open segment, so segments stay small. */
  maxRewriteSegmentBytes: 1024 * 1024,
  /** Buffered events that trigger a write. */
  batchEvents: 1000,
  /** File name prefix of segments under the transport's prefix. */
  segmentPrefix: 'openlineage-',
});

/** Options of {@link FileTransport}. */
export interface FileTransportOptions {
  /** Storage the segments are written to. */
  io: FileIO;
  /** Where segments go (a "directory" ending in `/`, relative to the FileIO or a URI). */
  prefix: string;
  /** Rotation size. @default FILE_TRANSPORT_DEFAULTS.maxSegmentBytes with `append`, else FILE_TRANSPORT_DEFAULTS.maxRewriteSegmentBytes */
  maxSegmentBytes?: number;
  /** Buffered events that trigger a write. @default FILE_TRANSPORT_DEFAULTS.batchEvents */
  batchEvents?: number;
  /**
   * True appends for the open segment (pass `(loc, data) => fs.promises.appendFile(fileURLToPath(loc), data)`
   * on local disk). Without it the open segment is rewritten whole on each flush
   * (FileIO has no append; S3 has none either), which is correct but costs
   * O(segment size) per flush, hence the smaller default rotation size.
   */
  append?: AppendFn;
  /** Clock for segment names. @default Date.now */
  now?: () => number;
}

interface Segment {
  location?: string;
  /** Bytes already written (kept only when rewriting, to rewrite them). */
  written: Uint8Array[];
  writtenBytes: number;
  pending: Uint8Array[];
  pendingBytes: number;
}

const encoder = new TextEncoder();

/**
 * Writes events as NDJSON (one event per line) into append-only segment
 * files `{prefix}openlineage-{time}-{seq}-{random}.ndjson`, started with an
 * atomic create-if-absent (two writers never share a segment) and rotated by
 * size. A segment's content only ever grows; readers see whole lines. Load
 * them back with {@link loadEventsFromFileIO}.
 *
 * Events are buffered and written when `batchEvents` accumulate, on
 * `flush()`, and before a rotation. A failed write keeps the events buffered
 * for the next flush, so nothing is dropped while the process lives.
 */
export class FileTransport implements Transport {
  readonly #io: FileIO;
  readonly #prefix: string;
  readonly #max: number;
  readonly #batch: number;
  readonly #append: AppendFn | undefined;
  readonly #now: () => number;
  #open: Segment = emptySegment();
  readonly #queue: Segment[] = [];
  #buffered = 0;
  #seq = 0;
  readonly #locations: string[] = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(options: FileTransportOptions) {
    this.#io = options.io;
    this.#prefix = options.prefix;
    this.#max = options.maxSegmentBytes ?? (options.append === undefined ? FILE_TRANSPORT_DEFAULTS.maxRewriteSegmentBytes : FILE_TRANSPORT_DEFAULTS.maxSegmentBytes);
    this.#batch = options.batchEvents ?? FILE_TRANSPORT_DEFAULTS.batchEvents;
    this.#append = options.append;
    this.#now = options.now ?? Date.now;
  }

  /** The segments written so far by this transport, oldest first. */
  get segments(): string[] {
    return [...this.#locations];
  }

  emit(event: LineageEvent): Promise<void> {
    this.emitSync(event);
    return this.#buffered >= this.#batch ? this.flush() : Promise.resolve();
  }

  /** Buffer one event without writing (the write happens on the next flush). */
  emitSync(event: LineageEvent): void {
    const line = encoder.encode(`${JSON.stringify(event)}\n`);
    const open = this.#open;
    if (open.writtenBytes + open.pendingBytes + line.length > this.#max && open.writtenBytes + open.pendingBytes > 0) {
      this.#queue.push(open);
      this.#open = emptySegment();
    }
    this.#open.pending.push(line);
    this.#open.pendingBytes += line.length;
    this.#buffered++;
  }

  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#writeAll());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    return this.flush();
  }

  async #writeAll(): Promise<void> {
    while (this.#queue.length > 0) {
      await this.#write(this.#queue[0]!);
      this.#queue.shift();
    }
    await this.#write(this.#open);
  }

  async #write(s: Segment): Promise<void> {
    if (s.pendingBytes === 0) return;
    const count = s.pending.length;
    const bytes = concat(s.pending, s.pendingBytes);
    if (s.location === undefined) {
      const location = this.#newLocation();
      await this.#io.createIfAbsent(location, bytes, { contentType: 'application/x-ndjson' });
      s.location = location;
      this.#locations.push(location);
    } else if (this.#append !== undefined) {
      await this.#append(this.#io.resolve(s.location), bytes);
    } else {
      await this.#io.write(s.location, concat([...s.written, bytes], s.writtenBytes + bytes.length), { contentType: 'application/x-ndjson' });
    }
    if (this.#append === undefined) s.written.push(bytes);
    s.writtenBytes += bytes.length;
    s.pending.splice(0, count);
    s.pendingBytes -= bytes.length;
    this.#buffered -= count;
  }

  #newLocation(): string {
    const rand = new Uint32Array(1);
    crypto.getRandomValues(rand);
    const time = String(this.#now()).padStart(15, '0');
    const seq = String(this.#seq++).padStart(8, '0');
    return `${this.#prefix}${FILE_TRANSPORT_DEFAULTS.segmentPrefix}${time}-${seq}-${rand[0]!.toString(16).padStart(8, '0')}.ndjson`;
  }
}

function emptySegment(): Segment {
  return { written: [], writtenBytes: 0, pending: [], pendingBytes: 0 };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
