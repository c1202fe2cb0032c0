/**
 * Block compressors for the file-format writers: zstd (default for Parquet),
 * snappy, gzip and none. Web-standard; codecs load on first use.
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
