/**
 * Pull-based buffering over a web `ReadableStream` of byte chunks: the
 * container reader asks for "at least n bytes" and gets them without
 * holding more than one block (plus one chunk) in memory.
 */
import { IoError, isLakeError } from '../../errors.js';

/** Buffers a byte stream so callers can look ahead and consume exact lengths. */
export class ByteStream {
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private done = false;
  /** Bytes consumed so far: the offset of {@link view}'s first byte in the stream. */
  offset = 0;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Bytes buffered and not yet consumed. */
  get available(): number {
    return this.end - this.start;
  }

  /** Whether the stream has ended and every byte was consumed. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /**
   * Buffer at least `n` unconsumed bytes. Returns false if the stream ends
   * first (whatever it had stays buffered).
   */
  async fill(n: number): Promise<boolean> {
    while (this.available < n && !this.done) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await this.reader.read();
      } catch (cause) {
        if (isLakeError(cause)) throw cause; // already says what failed (NotFoundError, IoError, …)
        throw new IoError(`reading the Avro stream failed (${cause instanceof Error ? cause.message : String(cause)}); retry, or check the storage`, { cause });
      }
      if (chunk.done) {
        this.done = true;
        break;
      }
      this.append(chunk.value);
    }
    return this.available >= n;
  }

  /** Whether more bytes may still arrive. */
  get ended(): boolean {
    return this.done;
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.available;
      const need = live + chunk.length;
      if (need <= this.buf.length) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(need, this.buf.length * 2));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The unconsumed bytes, without copying (valid until the next fill). */
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Consume `n` bytes and return a copy. */
  take(n: number): Uint8Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.skip(n);
    return out;
  }

  /** Consume `n` bytes. */
  skip(n: number): void {
    this.start += n;
    this.offset += n;
  }

  /** Stop reading and release the underlying stream. */
  async cancel(): Promise<void> {
    this.done = true;
    await this.reader.cancel().catch(() => {});
  }
}
