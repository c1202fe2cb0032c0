/**
 * Reading Avro Object Container Files (Avro specification, "Object
 * Container Files"): the header (magic, metadata map, sync marker), then
 * blocks of records, each followed by the sync marker.
 *
 * Records stream: memory holds one block (compressed and decompressed) at a
 * time, never the file. Blocks are capped at `maxBlockBytes`, and every
 * count, length and checksum is checked, so a corrupt or hostile file ends
 * in ValidationError — never a crash, an out-of-memory or a hang.
 *
 * @example
 * ```ts
 * const reader = await openAvroFile(io, 's3://lake/t/metadata/snap-1.avro');
 * reader.metadataString('format-version'); // '2'
 * for await (const record of reader) console.log(record);
 * ```
 */
import { ValidationError } from '../../errors.js';
import type { FileIO } from '../../io/file-io.js';
import { bytesEqual, fromUtf8 } from '../../internal/bytes.js';
import { BinaryReader, isTruncation } from './binary-reader.js';
import { ByteStream } from './byte-stream.js';
import type { AvroCodec } from './codecs.js';
import { decompressBlock, parseAvroCodec } from './codecs.js';
import type { AvroValue } from './datum.js';
import { MAX_ZERO_WIDTH_ITEMS, minEncodedSize, readDatum } from './datum.js';
import type { AvroSchema } from './schema.js';
import { parseAvroSchema } from './schema.js';

/** The four bytes every Avro container file starts with: `Obj` and version 1. */
export const AVRO_MAGIC: Uint8Array = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01);
/** Default cap on one block's size, compressed or not (and on the header). */
export const DEFAULT_MAX_AVRO_BLOCK_BYTES = 64 * 1024 * 1024;
/** Length of the sync marker. */
export const AVRO_SYNC_LENGTH = 16;

/** The parsed header of a container file. */
export interface AvroFileHeader {
  /** The writer's schema. */
  readonly schema: AvroSchema;
  /** The writer's schema as JSON, with every attribute (Iceberg's `field-id`s included). */
  readonly schemaJson: unknown;
  readonly codec: AvroCodec;
  /** Every metadata entry, `avro.*` keys included. */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
  readonly sync: Uint8Array;
  /** Bytes the header takes in the file. */
  readonly length: number;
}

/** Options for reading container files. */
export interface AvroReadOptions {
  /** Largest block (compressed or decompressed) and header accepted. Default {@link DEFAULT_MAX_AVRO_BLOCK_BYTES}. */
  maxBlockBytes?: number;
}

function corrupt(problem: string): never {
  throw new ValidationError(`the Avro file is corrupt: ${problem}`);
}

function parseHeader(r: BinaryReader, maxBytes: number): AvroFileHeader {
  const magic = r.readFixed(4);
  if (!bytesEqual(magic, AVRO_MAGIC)) throw new ValidationError('not an Avro container file: it does not start with "Obj\\x01"; check the location');
  const metadata = new Map<string, Uint8Array>();
  for (;;) {
    let n = r.readSafeLong();
    if (n === 0) break;
    if (n < 0) {
      n = -n;
      r.readSafeLong();
    }
    // Each entry takes at least two bytes; a larger count means "not buffered yet" until the size cap says corrupt.
    if (n * 2 > r.remaining) {
      if (n * 2 > maxBytes) corrupt(`the header claims ${n} metadata entries`);
      r.readFixed(n * 2); // throws the truncation error, so the caller buffers more
    }
    for (let i = 0; i < n; i++) {
      const key = r.readString();
      metadata.set(key, r.readBytes());
    }
  }
  const sync = r.readFixed(AVRO_SYNC_LENGTH);
  const schemaBytes = metadata.get('avro.schema');
  if (schemaBytes === undefined) corrupt('the header has no avro.schema');
  let schemaJson: unknown;
  try {
    schemaJson = JSON.parse(fromUtf8(schemaBytes));
  } catch (cause) {
    throw new ValidationError(`the Avro file's schema is not valid JSON (${(cause as Error).message}); the file is corrupt`, { cause });
  }
  const codecBytes = metadata.get('avro.codec');
  const codec = parseAvroCodec(codecBytes === undefined || codecBytes.length === 0 ? 'null' : fromUtf8(codecBytes));
  return { schema: parseAvroSchema(schemaJson), schemaJson, codec, metadata, sync, length: r.pos };
}

/**
 * Parse something at the front of the stream, buffering more input while the
 * parse runs out of bytes, up to `maxBytes`.
 */
async function parseBuffered<T>(s: ByteStream, first: number, maxBytes: number, what: string, parse: (r: BinaryReader) => T): Promise<T> {
  let want = first;
  for (;;) {
    await s.fill(want);
    const r = new BinaryReader(s.view());
    try {
      const value = parse(r);
      s.skip(r.pos);
      return value;
    } catch (e) {
      if (!isTruncation(e)) throw e;
      if (s.ended) corrupt(`the ${what} is cut short`);
      if (s.available >= maxBytes) corrupt(`the ${what} is larger than ${maxBytes} bytes (raise maxBlockBytes if the file is trusted)`);
      want = Math.min(maxBytes, Math.max(want, s.available) * 2);
    }
  }
}

/** Reads one container file: its header at once, then its records as an async iterable. */
export class AvroFileReader implements AsyncIterable<AvroValue> {
  private consumed = false;

  private constructor(
    private readonly stream: ByteStream,
    /** The file's header. */
    readonly header: AvroFileHeader,
    private readonly maxBlockBytes: number,
  ) {}

  /** Read the header from a byte stream; records follow on iteration. Throws ValidationError for a corrupt header. */
  static async open(stream: ReadableStream<Uint8Array>, opts: AvroReadOptions = {}): Promise<AvroFileReader> {
    const maxBlockBytes = opts.maxBlockBytes ?? DEFAULT_MAX_AVRO_BLOCK_BYTES;
    const s = new ByteStream(stream.getReader());
    try {
      const header = await parseBuffered(s, 4096, maxBlockBytes, 'header', (r) => parseHeader(r, maxBlockBytes));
      return new AvroFileReader(s, header, maxBlockBytes);
    } catch (e) {
      await s.cancel();
      throw e;
    }
  }

  /** Open a container file held in memory. */
  static async fromBytes(bytes: Uint8Array, opts: AvroReadOptions = {}): Promise<AvroFileReader> {
    return AvroFileReader.open(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
      opts,
    );
  }

  /** A metadata value as UTF-8 text, or undefined when the key is absent. */
  metadataString(key: string): string | undefined {
    const v = this.header.metadata.get(key);
    return v === undefined ? undefined : fromUtf8(v);
  }

  /** The records, in file order. A reader can be iterated once. */
  async *records(): AsyncGenerator<AvroValue, void, undefined> {
    if (this.consumed) throw new ValidationError('this Avro reader was already iterated; open the file again to read it twice');
    this.consumed = true;
    const { schema, codec, sync } = this.header;
    const itemSize = minEncodedSize(schema);
    try {
      while (!(await this.stream.atEnd())) {
        const at = this.stream.offset;
        const [count, size] = await parseBuffered(this.stream, 20, 20, 'block header', (r) => [r.readSafeLong(), r.readSafeLong()] as const);
        if (count < 0 || size < 0) corrupt(`the block at byte ${at} has a negative count or size`);
        if (size > this.maxBlockBytes) corrupt(`the block at byte ${at} has ${size} bytes, more than the limit of ${this.maxBlockBytes} (raise maxBlockBytes if the file is trusted)`);
        if (!(await this.stream.fill(size + AVRO_SYNC_LENGTH))) corrupt(`the block at byte ${at} is cut short`);
        const data = this.stream.take(size);
        if (!bytesEqual(this.stream.take(AVRO_SYNC_LENGTH), sync)) corrupt(`the block at byte ${at} is not followed by the sync marker`);
        const raw = await decompressBlock(codec, data, this.maxBlockBytes);
        if (itemSize > 0 ? count * itemSize > raw.length : count > MAX_ZERO_WIDTH_ITEMS) corrupt(`the block at byte ${at} claims ${count} records in ${raw.length} bytes`);
        const r = new BinaryReader(raw);
        for (let i = 0; i < count; i++) {
          let record: AvroValue;
          try {
            record = readDatum(schema, r);
          } catch (e) {
            if (isTruncation(e)) corrupt(`record ${i} of the block at byte ${at} runs past the block's end`);
            throw e;
          }
          yield record;
        }
        if (r.remaining !== 0) corrupt(`the block at byte ${at} has ${r.remaining} bytes after its ${count} records`);
      }
    } finally {
      await this.stream.cancel();
    }
  }

  /** Same as {@link records}, so `for await (const r of reader)` works. */
  [Symbol.asyncIterator](): AsyncGenerator<AvroValue, void, undefined> {
    return this.records();
  }

  /** Stop reading and release the underlying stream (needed only when records are not read to the end). */
  async close(): Promise<void> {
    await this.stream.cancel();
  }
}

/**
 * Open a container file through a FileIO, streaming it (bounded memory).
 * Throws NotFoundError if it does not exist, ValidationError if its header is corrupt.
 */
export async function openAvroFile(io: FileIO, location: string, opts: AvroReadOptions = {}): Promise<AvroFileReader> {
  return AvroFileReader.open(await io.readStream(location), opts);
}
