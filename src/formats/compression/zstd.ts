/**
 * zstd compression: native libzstd on libuv's thread pool when the optional
 * package loads (see native.ts), otherwise zstd-codec's WebAssembly build
 * (the wasm is embedded in the package's JavaScript, so it loads offline in
 * Node, Deno and browsers without file access or fetch).
 *
 * The WebAssembly build has a fixed 16 MiB heap: one call must stay well below it or the
 * module aborts for good. Inputs larger than a level-dependent limit are
 * therefore written as several concatenated zstd frames, which the zstd format
 * defines as one stream and every Parquet reader decodes (libzstd's
 * `ZSTD_decompress`, zstd-jni, aircompressor, fzstd). Pages at the default
 * size and level stay one frame.
 */
import { IoError, ValidationError } from '../../errors.js';
import type { Compressor } from './codec.js';
import { nativeZstdCompressor } from './native.js';

/** zstd level used when none is configured: 1, the fastest regular level (parquet-rs and DuckDB use 1 and 3). */
export const DEFAULT_ZSTD_LEVEL = 1;
/** Levels zstd accepts: negative "fast" levels down to -131072, up to 22. */
export const MIN_ZSTD_LEVEL = -131072;
/** Highest zstd level. */
export const MAX_ZSTD_LEVEL = 22;

/** Largest input compressed as one frame at `level`, measured against the 16 MiB heap with margin. */
export function zstdFrameLimit(level: number): number {
  if (level <= 5) return 3 << 20;
  if (level <= 9) return 1 << 20;
  return 256 << 10;
}

interface ZstdSimple {
  compress(content: Uint8Array, level?: number): Uint8Array | null;
}

let loading: Promise<ZstdSimple> | undefined;

async function loadSimple(): Promise<ZstdSimple> {
  const mod = await import('zstd-codec');
  // CommonJS package: named export under Node ESM and Deno, or on `default` when a bundler wraps it.
  const codec = mod.ZstdCodec ?? (mod as unknown as { default: typeof mod }).default.ZstdCodec;
  return new Promise((resolve) => codec.run((z) => resolve(new z.Simple())));
}

/**
 * A zstd compressor at `level` (default {@link DEFAULT_ZSTD_LEVEL}): native
 * and asynchronous when available, else the WebAssembly build (synchronous).
 * Throws ValidationError for a level outside −131072…22.
 *
 * @example
 * ```ts
 * const zstd = await zstdCompressor(3);
 * const frame = await zstd.compress(new TextEncoder().encode('hello hello hello'));
 * ```
 */
export async function zstdCompressor(level: number = DEFAULT_ZSTD_LEVEL): Promise<Compressor> {
  if (!Number.isInteger(level) || level < MIN_ZSTD_LEVEL || level > MAX_ZSTD_LEVEL) {
    throw new ValidationError(`zstd level ${level} is invalid; use an integer from ${MIN_ZSTD_LEVEL} to ${MAX_ZSTD_LEVEL}`, { context: { level } });
  }
  return (await nativeZstdCompressor(level)) ?? wasmZstdCompressor(level);
}

/** The WebAssembly zstd compressor at a validated `level`. */
async function wasmZstdCompressor(level: number): Promise<Compressor> {
  loading ??= loadSimple();
  const simple = await loading;
  // zstd-codec maps level 0 to its own default (3), as libzstd does.
  const limit = zstdFrameLimit(level);
  const one = (data: Uint8Array): Uint8Array => {
    const out = simple.compress(data, level);
    if (out === null) throw new IoError(`zstd failed to compress ${data.length} bytes at level ${level}`);
    return out;
  };
  return {
    codec: 'zstd',
    level,
    compress(data: Uint8Array): Uint8Array {
      if (data.length <= limit) return one(data);
      const frames: Uint8Array[] = [];
      let total = 0;
      for (let s = 0; s < data.length; s += limit) {
        const f = one(data.subarray(s, Math.min(data.length, s + limit)));
        frames.push(f);
        total += f.length;
      }
      const out = new Uint8Array(total);
      let p = 0;
      for (const f of frames) {
        out.set(f, p);
        p += f.length;
      }
      return out;
    },
  };
}
