/**
 * Avro container block codecs (Avro specification, "Required Codecs" and
 * "Optional Codecs"): `null`, `deflate` (raw RFC 1951), `snappy` (a snappy
 * block followed by the big-endian CRC-32 of the uncompressed data) and
 * `zstandard`.
 *
 * All four decode; `null` and `deflate` encode. Deflate is the platform's
 * web-standard `CompressionStream('deflate-raw')`; snappy decoding is
 * hyparquet's `snappyUncompress`; zstandard decoding is fzstd — all pure
 * JavaScript, no Node APIs. Decoding never produces more than `maxBytes`, so
 * a decompression bomb fails with ValidationError instead of exhausting memory.
 */
import { Decompress } from 'fzstd';
import { snappyUncompress } from 'hyparquet';
import { UnsupportedError, ValidationError } from '../../errors.js';
import { concatBytes } from '../../internal/bytes.js';
import { crc32 } from './crc32.js';
import { checkZstdFrames } from './zstd-frames.js';

/** Codec names as they appear in a container file's `avro.codec` metadata. */
export type AvroCodec = 'null' | 'deflate' | 'snappy' | 'zstandard';

/** Codecs this module can decode. */
export const AVRO_READ_CODECS: readonly AvroCodec[] = Object.freeze(['null', 'deflate', 'snappy', 'zstandard']);
/** Codecs this module can encode. */
export const AVRO_WRITE_CODECS: readonly AvroCodec[] = Object.freeze(['null', 'deflate']);

/**
 * Check a codec name read from a file header. Throws UnsupportedError for
 * Avro codecs lakekit does not read (bzip2, xz), ValidationError for names
 * that are no Avro codec.
 */
export function parseAvroCodec(name: string): AvroCodec {
  if ((AVRO_READ_CODECS as readonly string[]).includes(name)) return name as AvroCodec;
  if (name === 'bzip2' || name === 'xz') throw new UnsupportedError(`Avro codec ${name} is not supported; lakekit reads ${AVRO_READ_CODECS.join(', ')}`);
  throw new ValidationError(`Avro codec ${JSON.stringify(name.slice(0, 40))} is not an Avro codec; the file header is corrupt`);
}

function tooLarge(codec: string, maxBytes: number): never {
  throw new ValidationError(`a ${codec}-compressed Avro block inflates to more than ${maxBytes} bytes; the file is corrupt, or raise maxBlockBytes if it is trusted`);
}

async function pump(stream: CompressionStream | DecompressionStream, data: Uint8Array, codec: string, maxBytes: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Errors surface on the readable side; keep these promises from being reported as unhandled.
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        tooLarge(codec, maxBytes);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof ValidationError) throw cause;
    throw new ValidationError(`a ${codec}-compressed Avro block cannot be decompressed (${(cause as Error).message}); the file is corrupt`, { cause });
  }
  return concatBytes(chunks, total);
}

function unsnappy(data: Uint8Array, maxBytes: number): Uint8Array {
  if (data.length < 5) throw new ValidationError('a snappy-compressed Avro block is shorter than its checksum; the file is corrupt');
  const body = data.subarray(0, data.length - 4);
  // The preamble is the uncompressed length; check it before allocating.
  let length = 0;
  let shift = 0;
  for (let i = 0; ; i++) {
    const b = body[i];
    if (b === undefined || i >= 5) throw new ValidationError('a snappy-compressed Avro block has a corrupt length; the file is corrupt');
    length += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) break;
  }
  if (length > maxBytes) tooLarge('snappy', maxBytes);
  const out = new Uint8Array(length);
  try {
    snappyUncompress(body, out);
  } catch (cause) {
    throw new ValidationError(`a snappy-compressed Avro block cannot be decompressed (${(cause as Error).message}); the file is corrupt`, { cause });
  }
  const expected = new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0, false);
  if (crc32(out) !== expected) throw new ValidationError('a snappy-compressed Avro block fails its CRC-32 check; the file is corrupt');
  return out;
}

function unzstd(data: Uint8Array, maxBytes: number): Uint8Array {
  checkZstdFrames(data, maxBytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const d = new Decompress((chunk) => {
    total += chunk.length;
    if (total > maxBytes) tooLarge('zstandard', maxBytes);
    chunks.push(chunk.slice()); // fzstd reuses its window; keep a copy
  });
  try {
    d.push(data, true);
  } catch (cause) {
    if (cause instanceof ValidationError) throw cause;
    throw new ValidationError(`a zstandard-compressed Avro block cannot be decompressed (${(cause as Error).message}); the file is corrupt`, { cause });
  }
  return concatBytes(chunks, total);
}

/**
 * Decompress one container block. Throws ValidationError for corrupt data or
 * output over `maxBytes`.
 */
export async function decompressBlock(codec: AvroCodec, data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return pump(new DecompressionStream('deflate-raw'), data, 'deflate', maxBytes);
    case 'snappy':
      return unsnappy(data, maxBytes);
    case 'zstandard':
      return unzstd(data, maxBytes);
  }
}

/** Compress one container block. Throws UnsupportedError for codecs not in {@link AVRO_WRITE_CODECS}. */
export async function compressBlock(codec: AvroCodec, data: Uint8Array): Promise<Uint8Array> {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return pump(new CompressionStream('deflate-raw'), data, 'deflate', Number.MAX_SAFE_INTEGER);
    default:
      throw new UnsupportedError(`writing Avro with the ${codec} codec is not supported; use one of ${AVRO_WRITE_CODECS.join(', ')}`);
  }
}
