/**
 * Native zstd, used when its optional package loads: `@toondepauw/node-zstd`
 * (libzstd through napi-rs; prebuilt binaries ship as per-platform npm
 * packages, so nothing compiles at install time).
 *
 * It is asynchronous: each page is compressed on libuv's thread pool, so
 * compression overlaps the encoding of the next pages on the calling thread,
 * as pyarrow's writer compresses on its own threads. Measured here at level 1
 * on 64 KiB to 1 MiB pages: about 2× the WebAssembly build on one core, more
 * with pages in flight on several pool threads; a 1M-row Iceberg append
 * takes about a fifth less time (docs/BENCHMARKS.md).
 *
 * Where the package is missing (an unsupported platform, `--omit=optional`,
 * a browser, a runtime without Node-API) the WebAssembly build is used; the
 * output is the same format and every reader decodes both. Switch native
 * code off with {@link useNativeCompression}`(false)`, for example to compare
 * the two.
 *
 * Snappy stays WebAssembly: the native snappy package measured no faster in
 * the silver writer (hysnappy already runs at about 270 MB/s per core) and
 * raised its peak RSS.
 */
import type { Compressor } from './codec.js';

/** Which implementation a codec uses. */
export type CompressionBackend = 'native' | 'webassembly';

let enabled = true;

/**
 * Use native zstd when it loads (the default), or never (`false`). Affects
 * compressors created afterwards.
 *
 * @example
 * ```ts
 * useNativeCompression(false); // the WebAssembly build only
 * ```
 */
export function useNativeCompression(on = true): void {
  enabled = on;
}

interface ZstdEncoder {
  encode(data: Uint8Array): Promise<Uint8Array>;
}
interface NativeZstd {
  Encoder: new (level: number) => ZstdEncoder;
}

let zstdModule: Promise<NativeZstd | undefined> | undefined;

/** The package's exports, named (Node, Deno) or on `default` (CommonJS under a bundler); undefined when it cannot load or cannot compress. */
function loadZstd(): Promise<NativeZstd | undefined> {
  zstdModule ??= import('@toondepauw/node-zstd').then(
    async (mod: unknown) => {
      const m = mod as Partial<NativeZstd> & { default?: Partial<NativeZstd> };
      const Encoder = m.Encoder ?? m.default?.Encoder;
      if (typeof Encoder !== 'function') return undefined;
      try {
        // A binary that loads but cannot compress (a broken build, a runtime without Node-API) counts as missing.
        const probe = await new Encoder(1).encode(Uint8Array.of(1, 2, 3, 4, 1, 2, 3, 4));
        return probe instanceof Uint8Array && probe.length > 0 ? { Encoder } : undefined;
      } catch {
        return undefined;
      }
    },
    () => undefined,
  );
  return zstdModule;
}

/** A native zstd compressor at `level` (already validated), or undefined when not allowed or not installed. */
export async function nativeZstdCompressor(level: number): Promise<Compressor | undefined> {
  if (!enabled) return undefined;
  const native = await loadZstd();
  if (native === undefined) return undefined;
  const encoder = new native.Encoder(level);
  // A plain Uint8Array view of the Node Buffer that comes back: Buffer's `slice` shares memory where Uint8Array's copies.
  const plain = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return { codec: 'zstd', level, compress: (data) => encoder.encode(data).then(plain) };
}

/**
 * The zstd implementation compressors created now use: `native` when allowed
 * and installed, else `webassembly`.
 *
 * @example
 * ```ts
 * console.log(await zstdBackend()); // 'native' on Linux, macOS and Windows with optional dependencies installed
 * ```
 */
export async function zstdBackend(): Promise<CompressionBackend> {
  return enabled && (await loadZstd()) !== undefined ? 'native' : 'webassembly';
}
