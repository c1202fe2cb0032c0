/** Adapter from a FileIO object to hyparquet's `AsyncBuffer`. */
import type { FileIO } from './file-io.js';

/**
 * The random-access interface hyparquet reads Parquet through
 * (structurally identical to hyparquet's `AsyncBuffer`).
 */
export interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

/**
 * Open an object for random access by hyparquet: each `slice` is one ranged
 * read, so reading a Parquet footer and a few row groups never downloads the
 * whole file.
 *
 * @example
 * ```ts
 * import { parquetMetadataAsync } from 'hyparquet';
 * const file = await asyncBufferFromFileIO(io, 's3://lake/silver/tx/part-0.parquet');
 * const metadata = await parquetMetadataAsync(file);
 * ```
 */
export async function asyncBufferFromFileIO(io: FileIO, location: string, size?: number): Promise<AsyncBuffer> {
  const byteLength = size ?? (await io.stat(location)).size;
  return {
    byteLength,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? byteLength;
      const bytes = await io.read(location, { offset: start, length: Math.max(0, stop - start) });
      if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
      return bytes.slice().buffer as ArrayBuffer;
    },
  };
}
