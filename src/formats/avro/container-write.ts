/**
 * Writing Avro Object Container Files (Avro specification, "Object
 * Container Files").
 *
 * The header's `avro.schema` is the caller's schema JSON written verbatim,
 * so custom attributes such as Iceberg's `field-id`, `element-id` and
 * `logicalType` reach the file exactly as given. Records are encoded into a
 * block until it reaches `blockBytes`, then the block is compressed and kept;
 * {@link AvroFileWriter.finish} returns the whole file.
 *
 * @example
 * ```ts
 * const w = new AvroFileWriter({ type: 'record', name: 'r', fields: [{ name: 'id', type: 'long', 'field-id': 1 }] },
 *   { metadata: { 'format-version': '2' } });
 * await w.append({ id: 1n });
 * await io.write('memory://b/f.avro', await w.finish());
 * ```
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import { concatBytes, utf8 } from '../../internal/bytes.js';
import { BinaryWriter } from './binary-writer.js';
import type { AvroCodec } from './codecs.js';
import { AVRO_WRITE_CODECS, compressBlock } from './codecs.js';
import { AVRO_MAGIC, AVRO_SYNC_LENGTH } from './container-read.js';
import { writeDatum } from './datum.js';
import type { AvroSchema } from './schema.js';
import { parseAvroSchema } from './schema.js';

/** Codec used when none is given: deflate, as Java's Iceberg writes manifests. */
export const DEFAULT_AVRO_WRITE_CODEC: AvroCodec = 'deflate';
/** Uncompressed bytes collected before a block is closed (Java's default sync interval is 64,000). */
export const DEFAULT_AVRO_BLOCK_BYTES = 64 * 1024;

/** Options for {@link AvroFileWriter}. */
export interface AvroWriteOptions {
  /** Block codec. Default {@link DEFAULT_AVRO_WRITE_CODEC}. */
  codec?: AvroCodec;
  /** User metadata (keys must not start with `avro.`). Strings are stored as UTF-8. */
  metadata?: Readonly<Record<string, string | Uint8Array>>;
  /** Uncompressed bytes per block. Default {@link DEFAULT_AVRO_BLOCK_BYTES}. */
  blockBytes?: number;
  /** The 16-byte sync marker; random by default (fix it for reproducible files). */
  sync?: Uint8Array;
}

/** Writes one container file in memory, block by block. */
export class AvroFileWriter {
  /** The parsed schema records are encoded with. */
  readonly schema: AvroSchema;
  private readonly codec: AvroCodec;
  private readonly blockBytes: number;
  private readonly sync: Uint8Array;
  private readonly parts: Uint8Array[] = [];
  private readonly block = new BinaryWriter(16 * 1024);
  private readonly record = new BinaryWriter(1024);
  private blockCount = 0;
  private finished = false;
  /** Records appended so far. */
  recordCount = 0;

  /**
   * Start a file with the given schema (its JSON value; written verbatim to
   * the header). Throws ValidationError for an invalid schema, metadata or sync
   * marker, UnsupportedError for a codec that cannot be written.
   */
  constructor(schemaJson: unknown, opts: AvroWriteOptions = {}) {
    this.schema = parseAvroSchema(schemaJson);
    this.codec = opts.codec ?? DEFAULT_AVRO_WRITE_CODEC;
    if (!AVRO_WRITE_CODECS.includes(this.codec)) {
      throw new UnsupportedError(`writing Avro with the ${JSON.stringify(this.codec)} codec is not supported; use one of ${AVRO_WRITE_CODECS.join(', ')}`);
    }
    this.blockBytes = opts.blockBytes ?? DEFAULT_AVRO_BLOCK_BYTES;
    this.sync = opts.sync ?? crypto.getRandomValues(new Uint8Array(AVRO_SYNC_LENGTH));
    if (this.sync.length !== AVRO_SYNC_LENGTH) throw new ValidationError(`an Avro sync marker has ${AVRO_SYNC_LENGTH} bytes, got ${this.sync.length}`);
    const h = new BinaryWriter(4096);
    h.writeFixed(AVRO_MAGIC);
    const meta: [string, Uint8Array][] = [
      ['avro.schema', utf8(JSON.stringify(schemaJson))],
      ['avro.codec', utf8(this.codec)],
    ];
    for (const [k, v] of Object.entries(opts.metadata ?? {})) {
      if (k.startsWith('avro.')) throw new ValidationError(`Avro metadata key ${JSON.stringify(k)} is reserved; user keys must not start with "avro."`);
      meta.push([k, typeof v === 'string' ? utf8(v) : v]);
    }
    h.writeLong(meta.length);
    for (const [k, v] of meta) {
      h.writeString(k);
      h.writeBytes(v);
    }
    h.writeLong(0);
    h.writeFixed(this.sync);
    this.parts.push(h.toBytes());
  }

  /**
   * Append one record (in the in-memory form of `datum.ts`). Throws
   * ValidationError if it does not match the schema; nothing is appended then.
   */
  async append(value: unknown): Promise<void> {
    if (this.finished) throw new ValidationError('this Avro writer is finished; start a new one');
    this.record.reset();
    writeDatum(this.schema, value, this.record, 'record');
    this.block.writeFixed(this.record.toBytes());
    this.blockCount++;
    this.recordCount++;
    if (this.block.length >= this.blockBytes) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.blockCount === 0) return;
    const data = await compressBlock(this.codec, this.block.toBytes());
    const w = new BinaryWriter(32);
    w.writeLong(this.blockCount);
    w.writeLong(data.length);
    this.parts.push(w.toBytes(), data, this.sync);
    this.block.reset();
    this.blockCount = 0;
  }

  /** Close the last block and return the whole file. The writer cannot be used afterwards. */
  async finish(): Promise<Uint8Array> {
    if (this.finished) throw new ValidationError('this Avro writer is already finished');
    await this.flush();
    this.finished = true;
    return concatBytes(this.parts);
  }
}
