/**
 * Avro Object Container Files: a streaming reader and an in-memory writer,
 * schema parsing that keeps custom attributes (Iceberg's `field-id`s), and a
 * schema-driven binary codec with `bigint` longs. Codecs: `null`, `deflate`,
 * `snappy` and `zstandard` to read; `null` and `deflate` to write.
 *
 * Web-standard only: `Uint8Array`, `DataView`, `TextEncoder`, web streams and
 * `CompressionStream`. Hostile input ends in `ValidationError`, with every
 * count, length and block size checked before anything is allocated.
 *
 * @example
 * ```ts
 * import { AvroFileWriter, AvroFileReader } from './formats/avro/index.js';
 *
 * const schema = { type: 'record', name: 'r', fields: [{ name: 'id', type: 'long', 'field-id': 1 }] };
 * const w = new AvroFileWriter(schema, { metadata: { owner: 'finance' } });
 * await w.append({ id: 2n ** 60n });
 * const reader = await AvroFileReader.fromBytes(await w.finish());
 * reader.metadataString('owner'); // 'finance'
 * for await (const record of reader) console.log(record); // { id: 1152921504606846976n }
 * ```
 *
 * @module
 */
export * from './schema.js';
export type { AvroValue, AvroRecord } from './datum.js';
export { readDatum, writeDatum, decodeDatum, minEncodedSize, MAX_AVRO_VALUE_DEPTH, MAX_ZERO_WIDTH_ITEMS } from './datum.js';
export { BinaryReader } from './binary-reader.js';
export { BinaryWriter } from './binary-writer.js';
export type { AvroCodec } from './codecs.js';
export { AVRO_READ_CODECS, AVRO_WRITE_CODECS, compressBlock, decompressBlock, parseAvroCodec } from './codecs.js';
export type { AvroFileHeader, AvroReadOptions } from './container-read.js';
export { AvroFileReader, openAvroFile, AVRO_MAGIC, AVRO_SYNC_LENGTH, DEFAULT_MAX_AVRO_BLOCK_BYTES } from './container-read.js';
export type { AvroWriteOptions } from './container-write.js';
export { AvroFileWriter, DEFAULT_AVRO_WRITE_CODEC, DEFAULT_AVRO_BLOCK_BYTES } from './container-write.js';
