/** Stream helpers shared by the FileIO implementations (web-standard only). */
import { concatBytes, utf8 } from '../internal/bytes.js';
import type { ByteRange, WriteInput } from './file-io.js';
import { ValidationError } from '../errors.js';

/** Iterate the chunks of any {@link WriteInput}. */
export async function* chunksOf(input: WriteInput): AsyncGenerator<Uint8Array> {
  if (typeof input === 'string') {
    yield utf8(input);
  } else if (input instanceof Uint8Array) {
    yield input;
  } else if (isReadableStream(input)) {
    const reader = input.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const chunk of input) yield chunk;
  }
}

function isReadableStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof v === 'object' && v !== null && typeof (v as ReadableStream).getReader === 'function';
}

/** Collect any {@link WriteInput} into one byte array. */
export async function collectBytes(input: WriteInput, signal?: AbortSignal): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string') return utf8(input);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunksOf(input)) {
    signal?.throwIfAborted();
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  signal?.throwIfAborted();
  return concatBytes(chunks, total);
}

/** A stream that yields `bytes` in chunks of at most `chunkSize`. */
export function streamOf(bytes: Uint8Array, chunkSize = 1 << 20): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      const end = Math.min(bytes.byteLength, offset + chunkSize);
      controller.enqueue(bytes.slice(offset, end));
      offset = end;
    },
  });
}

/** Check a range and clamp it to an object of `size` bytes: returns [start, end). */
export function clampRange(range: ByteRange | undefined, size: number): [number, number] {
  if (range === undefined) return [0, size];
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
    throw new ValidationError(`invalid byte range {offset: ${offset}, length: ${length}}; use non-negative integers`, {
      context: { offset, length },
    });
  }
  const start = Math.min(offset, size);
  const end = length === undefined ? size : Math.min(size, offset + length);
  return [start, Math.max(start, end)];
}

/** A directory prefix must end in '/' (or be empty, meaning the root). */
export function directoryPrefix(prefix: string): string {
  if (prefix === '' || prefix.endsWith('/')) return prefix;
  throw new ValidationError(`directory prefix '${prefix.slice(0, 200)}' must end with '/'`, { context: { prefix: prefix.slice(0, 200) } });
}
