/**
 * Incremental SHA-256 over a stream of chunks. Web Crypto's `digest` needs
 * the whole input at once, so bronze hashes with `@aws-crypto/sha256-js`
 * (the AWS SDK's pure-JS SHA-256, web-standard) one chunk at a time: a
 * 2 GB file is hashed while it streams, never held in memory.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { toHex, utf8 } from '../internal/bytes.js';
import type { WriteInput } from '../io/file-io.js';
import { chunksOf } from '../io/streams.js';

/** A running SHA-256 and byte count. */
export class ContentHasher {
  readonly #sha = new Sha256();
  #size = 0;

  /** Bytes hashed so far. */
  get size(): number {
    return this.#size;
  }

  /** Add one chunk. */
  update(chunk: Uint8Array): void {
    this.#sha.update(chunk);
    this.#size += chunk.byteLength;
  }

  /** Lower-case hex digest of everything added. */
  async hex(): Promise<string> {
    return toHex(await this.#sha.digest());
  }
}

/** Pass chunks through unchanged while adding each to `hasher` (and, when given, the first `headBytes` to `head`). */
export async function* hashing(input: WriteInput, hasher: ContentHasher, head?: { bytes: Uint8Array[]; limit: number }): AsyncGenerator<Uint8Array> {
  let kept = 0;
  for await (const chunk of chunksOf(typeof input === 'string' ? utf8(input) : input)) {
    if (chunk.byteLength === 0) continue;
    hasher.update(chunk);
    if (head !== undefined && kept < head.limit) {
      const part = chunk.subarray(0, head.limit - kept);
      head.bytes.push(part.slice());
      kept += part.byteLength;
    }
    yield chunk;
  }
}

/** SHA-256 (hex) and size of any content, streamed. */
export async function hashContent(input: WriteInput): Promise<{ sha256: string; size: number }> {
  const hasher = new ContentHasher();
  for await (const chunk of hashing(input, hasher)) void chunk;
  return { sha256: await hasher.hex(), size: hasher.size };
}
