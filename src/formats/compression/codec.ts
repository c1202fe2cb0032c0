/**
 * Block compressors for file formats (Parquet pages today). A
 * {@link Compressor} turns one buffer into one compressed buffer in the
 * format's framing; the Parquet writer calls it once per page.
 *
 * Codecs load lazily, so a program that never writes zstd never loads it.
 * zstd uses native code on libuv's thread pool where its optional package
 * loads (native.ts); everywhere else, and for snappy, the WebAssembly builds
 * that ship inside their packages' JavaScript; gzip is the platform's
 * `CompressionStream`.
 */
import { ValidationError } from '../../errors.js';

/** Compression codecs lakekit writes, named as Iceberg's `write.parquet.compression-codec` names them. */
export type CompressionCodecName = 'zstd' | 'snappy' | 'gzip' | 'uncompressed';

/** The codecs in {@link CompressionCodecName}, for validation and docs. */
export const COMPRESSION_CODECS: readonly CompressionCodecName[] = Object.freeze(['zstd', 'snappy', 'gzip', 'uncompressed']);

/**
 * Compresses whole buffers. Synchronous codecs return the bytes directly; native
 * zstd and gzip return a promise. The input must not change until the
 * promise settles (native zstd reads it from another thread).
 */
export interface Compressor {
  readonly codec: CompressionCodecName;
  /** The level in use, when the codec has levels. */
  readonly level?: number;
  compress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * Parse a codec name as Iceberg table properties spell it (any case;
 * `none` is accepted for `uncompressed`). Throws ValidationError otherwise.
 */
export function parseCompressionCodec(text: string): CompressionCodecName {
  const t = text.trim().toLowerCase();
  if (t === 'none') return 'uncompressed';
  if ((COMPRESSION_CODECS as readonly string[]).includes(t)) return t as CompressionCodecName;
  throw new ValidationError(`compression codec ${JSON.stringify(text)} is not supported; use one of ${COMPRESSION_CODECS.join(', ')}`, {
    context: { codec: text },
  });
}
