/** Reads a Parquet file's rows with hyparquet (an independent reader) for assertions. */
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

export async function readParquet(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
}
