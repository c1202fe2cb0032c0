/**
 * A push-to-pull bridge with backpressure: a producer pushes byte chunks, a
 * FileIO write consumes them as an async iterable, and `push` waits while more
 * than `highWaterMark` bytes are queued, so memory stays bounded however fast
 * the producer is. `fail` makes the consumer's write reject, so nothing is
 * published.
 */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  readonly #chunks: Uint8Array[] = [];
  #queued = 0;
  #closed = false;
  #error: unknown;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;

  /** @param highWaterMark bytes queued before `push` waits */
  constructor(readonly highWaterMark = 8 * 1024 * 1024) {}

  /** Queue a chunk; resolves once the queue is below the high-water mark. */
  async push(chunk: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error('push after close');
    if (this.#error !== undefined) throw this.#error;
    this.#chunks.push(chunk);
    this.#queued += chunk.byteLength;
    this.#wakeConsumer?.();
    while (this.#queued > this.highWaterMark && this.#error === undefined) {
      await new Promise<void>((r) => (this.#wakeProducer = r));
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** No more chunks. */
  close(): void {
    this.#closed = true;
    this.#wakeConsumer?.();
  }

  /** Abort: the consumer's iteration throws `error`. */
  fail(error: unknown): void {
    this.#error = error ?? new Error('aborted');
    this.#wakeConsumer?.();
    this.#wakeProducer?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        this.#queued -= chunk.byteLength;
        if (this.#queued <= this.highWaterMark) this.#wakeProducer?.();
        yield chunk;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((r) => (this.#wakeConsumer = r));
      this.#wakeConsumer = undefined;
    }
  }
}
