/**
 * gzip through the platform's web-standard `CompressionStream('gzip')`
 * (Node ≥ 18, Deno, browsers). The level is the platform's default.
 */
import type { Compressor } from './codec.js';

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A gzip compressor (asynchronous).
 *
 * @example
 * ```ts
 * const bytes = await gzipCompressor().compress(data);
 * ```
 */
export function gzipCompressor(): Compressor {
  return { codec: 'gzip', compress: gzip };
}
