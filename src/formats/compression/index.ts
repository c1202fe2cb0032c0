/**
 * Block compressors for the file-format writers: zstd (default for Parquet),
 * snappy, gzip and none. Codecs load on first use; zstd is native
 * (asynchronous, on libuv's thread pool) where its optional package loads,
 * and WebAssembly everywhere else.
 *
 * @example
 * ```ts
 * import { loadCompressor } from './compression/index.js';
 * const c = await loadCompressor('zstd', 3);
 * const page = await c.compress(bytes);
 * ```
 *
 * @module
 */
import type { CompressionCodecName, Compressor } from './codec.js';
import { gzipCompressor } from './gzip.js';
import { snappyCompressor } from './snappy.js';
import { zstdCompressor } from './zstd.js';

export { COMPRESSION_CODECS, parseCompressionCodec } from './codec.js';
export type { CompressionCodecName, Compressor } from './codec.js';
export { zstdCompressor, zstdFrameLimit, DEFAULT_ZSTD_LEVEL, MIN_ZSTD_LEVEL, MAX_ZSTD_LEVEL } from './zstd.js';
export { snappyCompressor } from './snappy.js';
export { gzipCompressor } from './gzip.js';
export { useNativeCompression, zstdBackend } from './native.js';
export type { CompressionBackend } from './native.js';

const UNCOMPRESSED: Compressor = Object.freeze({ codec: 'uncompressed', compress: (data: Uint8Array) => data });

/**
 * The compressor for `codec`; `level` applies to zstd only (other codecs
 * ignore it, as Iceberg's `write.parquet.compression-level` does).
 */
export async function loadCompressor(codec: CompressionCodecName, level?: number): Promise<Compressor> {
  switch (codec) {
    case 'zstd':
      return zstdCompressor(level);
    case 'snappy':
      return snappyCompressor();
    case 'gzip':
      return gzipCompressor();
    case 'uncompressed':
      return UNCOMPRESSED;
  }
}
