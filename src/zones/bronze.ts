/**
 * The bronze zone: every byte received, in its original format, never
 * changed. Objects live under `source=<system>/ingest_date=YYYY-MM-DD/<name>`
 * and are written create-if-absent only; re-ingesting the same content is a
 * no-op (found by its SHA-256); every batch leaves an ingestion manifest an
 * auditor can prove arrival from.
 */
import { z } from 'zod';
import { AlreadyExistsError, isLakeError, ValidationError } from '../errors.js';
import { concatBytes, fromUtf8, utf8 } from '../internal/bytes.js';
import { sha256Hex } from '../internal/hash.js';
import type { FileIO, FileStat, ObjectLockRetention, WriteInput, WriteOptions } from '../io/file-io.js';
import { ContentHasher, hashContent, hashing } from './content-hash.js';
import type { RetentionConfig } from './config.js';
import { detectFormat, DETECT_HEAD_BYTES } from '../formats/detect.js';
import { bronzePrefix, fileSegment, hiveSegment, parseHivePath, utcDate } from './layout.js';

/** Where bronze keeps its ingestion manifests (beside the data, never inside a source's folder). */
export const BRONZE_MANIFEST_DIR = '_manifests';
/** Where bronze keeps its content index (one pointer per source and SHA-256). */
export const BRONZE_INDEX_DIR = '_index';
/**
 * Where a streamed file is staged while it is hashed, before its conditional
 * publish. A staged object is deleted once published; one left by a crash is
 * referenced by nothing and may be removed by maintenance.
 */
export const BRONZE_STAGING_DIR = '_staging';
/**
 * Age past which {@link BronzeWriter.cleanStaging} deletes a staged object: a
 * day, far longer than any ingest takes, so a copy still being hashed is never
 * touched.
 */
export const BRONZE_STAGING_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** What {@link BronzeWriter.cleanStaging} did. */
export interface StagingCleanup {
  /** URIs of the staged objects deleted. */
  deleted: string[];
  /** Bytes they held. */
  bytes: number;
  /** Staged objects kept: younger than the age limit, or of unknown age. */
  kept: number;
}

/** A row a reader could not parse, kept in bronze and reported. */
export interface MalformedRow {
  /** 1-based line number in the original file. */
  line: number;
  reason: string;
  text: string;
}

/** What a `describe` hook found out about a file: its format, and optionally its schema and bad rows. */
export interface FileDescription {
  format: string;
  /** Columns as inferred from the content (any JSON-safe shape, e.g. `[{ name, type, nullable }]`). */
  schema?: unknown;
  malformed?: MalformedRow[];
}

/**
 * A stored bronze object as a `describe` hook sees it: its first bytes, and
 * the object itself to stream (`open`) or to read by range (`io` +
 * `location`, as the Parquet reader does) — never the whole file in memory.
 */
export interface StoredFile {
  /** The file's name as received. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** The first {@link DETECT_HEAD_BYTES} bytes (or fewer), for format detection. */
  head: Uint8Array;
  /** The FileIO holding the object. */
  io: FileIO;
  /** URI of an object holding exactly this content. */
  location: string;
  /** The content as a stream of chunks. */
  open(): Promise<ReadableStream<Uint8Array>>;
}

/** Describes an ingested file; the default only detects the format (`detectFormat` of `lakekit/formats`); see `describeWithReaders`. */
export type DescribeFile = (file: StoredFile) => Promise<FileDescription> | FileDescription;

/** One file of an ingestion batch. */
export interface IngestFile {
  /** The file's name as received (any text; it is escaped into one path segment). */
  name: string;
  /**
   * The content: bytes, text, or a stream (`ReadableStream<Uint8Array>` or
   * any async iterable of chunks). A stream is hashed while it is staged,
   * so a file of any size goes through with bounded memory.
   */
  data: WriteInput;
  contentType?: string;
}

/** One batch of files from one source system. */
export interface IngestBatch {
  /** The source system (`sap`, `crm`, `dms/orders`…); escaped into the path. */
  source: string;
  files: readonly IngestFile[];
  /** Batch id; re-sending a batch id with the same files is idempotent. @default `<timestamp>-<random>` */
  batchId?: string;
  /** When the batch arrived. @default now */
  receivedAt?: Date;
}

/** What bronze recorded about one file. */
export interface BronzeFileEntry {
  name: string;
  /** URI of the stored object (for a duplicate: the object stored earlier). */
  location: string;
  /** The object's key inside the bronze zone. */
  key: string;
  size: number;
  sha256: string;
  receivedAt: string;
  /** `stored`: written now; `duplicate`: the same content was already in bronze (at `location`). */
  status: 'stored' | 'duplicate';
  format: string;
  schema?: unknown;
  malformed?: MalformedRow[];
  /** Object Lock retention date, when set. */
  retainUntil?: string;
}

/** The ingestion manifest of one batch. */
export interface IngestionManifest {
  formatVersion: 1;
  batchId: string;
  source: string;
  ingestDate: string;
  receivedAt: string;
  files: BronzeFileEntry[];
}

/** The result of {@link BronzeWriter.ingest}. */
export interface IngestReport {
  manifest: IngestionManifest;
  /** URI of the manifest object. */
  manifestLocation: string;
  stored: number;
  duplicates: number;
  /** True when this exact batch had been ingested before and nothing was written. */
  replayed: boolean;
}

/** Options of a {@link BronzeWriter}. */
export interface BronzeWriterOptions {
  /** Zone root URI (as `Zone.root`). */
  root: string;
  io: FileIO;
  /** Retention; with `objectLock` every object is locked for `days` after it arrives. */
  retention?: RetentionConfig;
  describe?: DescribeFile;
  /** Clock for `receivedAt` defaults (tests). */
  now?: () => Date;
}

const malformedSchema = z.object({ line: z.number(), reason: z.string(), text: z.string() });
const entrySchema = z.object({
  name: z.string(),
  location: z.string(),
  key: z.string(),
  size: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAt: z.string(),
  status: z.enum(['stored', 'duplicate']),
  format: z.string(),
  schema: z.unknown().optional(),
  malformed: z.array(malformedSchema).optional(),
  retainUntil: z.string().optional(),
});
const manifestSchema = z.object({
  formatVersion: z.literal(1),
  batchId: z.string(),
  source: z.string(),
  ingestDate: z.string(),
  receivedAt: z.string(),
  files: z.array(entrySchema),
});
const indexSchema = z.object({ key: z.string(), sha256: z.string(), size: z.number(), receivedAt: z.string() });

const defaultDescribe: DescribeFile = ({ name, head }) => ({ format: detectFormat(name, head) });

/** A file's content, hashed: in memory when it came as bytes or text, else staged in the store. */
interface HashedContent {
  sha256: string;
  size: number;
  head: Uint8Array;
  /** The bytes, when the input was already in memory. */
  bytes?: Uint8Array;
  /** URI of the staged copy, when the input was a stream. */
  staged?: string;
}

/**
 * Writes source data into the bronze zone byte for byte.
 *
 * @example
 * ```ts
 * const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io });
 * const report = await bronze.ingest({ source: 'crm', files: [{ name: 'customers.csv', data: csvText }] });
 * report.manifest.files[0].sha256;
 * ```
 */
export class BronzeWriter {
  readonly #root: string;
  readonly #io: FileIO;
  readonly #retention: RetentionConfig | undefined;
  readonly #describe: DescribeFile;
  readonly #now: () => Date;

  constructor(options: BronzeWriterOptions) {
    this.#root = options.root.replace(/\/+$/, '');
    this.#io = options.io;
    this.#retention = options.retention;
    this.#describe = options.describe ?? defaultDescribe;
    this.#now = options.now ?? (() => new Date());
  }

  /** The zone's FileIO. */
  get io(): FileIO {
    return this.#io;
  }

  #at(key: string): string {
    return `${this.#root}/${key}`;
  }

  #lock(receivedAt: Date): ObjectLockRetention | undefined {
    const r = this.#retention;
    if (r?.objectLock === undefined) return undefined;
    return { mode: r.objectLock, retainUntil: new Date(receivedAt.getTime() + r.days * 86_400_000) };
  }

  /** Key of a batch's manifest. */
  manifestKey(source: string, ingestDate: string, batchId: string): string {
    return `${BRONZE_MANIFEST_DIR}/${bronzePrefix(source, ingestDate)}${hiveSegment('batch', batchId)}.json`;
  }

  /**
   * Store a batch. Each file is written create-if-absent; a file whose
   * content (SHA-256) this source already sent is not stored again and is
   * reported as a duplicate pointing at the earlier object. The manifest is
   * written last, create-if-absent, so it lists only objects that exist.
   * Re-sending a batch id whose manifest exists returns that manifest when
   * the content is the same, and `AlreadyExistsError` when it differs.
   */
  async ingest(batch: IngestBatch): Promise<IngestReport> {
    if (batch.files.length === 0) throw new ValidationError(`batch from ${JSON.stringify(batch.source)} has no files; send at least one`);
    const receivedAt = batch.receivedAt ?? this.#now();
    const ingestDate = utcDate(receivedAt);
    const batchId = batch.batchId ?? `${receivedAt.toISOString().replace(/[-:.]/g, '')}-${crypto.randomUUID().slice(0, 8)}`;
    const prefix = bronzePrefix(batch.source, ingestDate);
    const manifestKey = this.manifestKey(batch.source, ingestDate, batchId);
    const names = new Set<string>();
    for (const f of batch.files) {
      if (names.has(f.name)) throw new ValidationError(`batch names the file ${JSON.stringify(f.name)} twice; give each file a distinct name`);
      names.add(f.name);
      fileSegment(f.name);
    }
    const lock = this.#lock(receivedAt);
    const existing = await this.#readManifestIfAny(manifestKey);
    const entries: BronzeFileEntry[] = [];
    for (const file of batch.files) {
      if (existing !== undefined) {
        entries.push(this.#matchReplay(existing, file.name, (await hashContent(file.data)).sha256, manifestKey));
        continue;
      }
      const content = await this.#hash(file.data);
      try {
        entries.push(await this.#store(batch.source, prefix, file, content, receivedAt, lock));
      } finally {
        if (content.staged !== undefined) await this.#io.delete(content.staged).catch(() => undefined);
      }
    }
    const manifest: IngestionManifest = existing ?? { formatVersion: 1, batchId, source: batch.source, ingestDate, receivedAt: receivedAt.toISOString(), files: entries };
    if (existing === undefined) {
      try {
        await this.#io.createIfAbsent(this.#at(manifestKey), JSON.stringify(manifest, null, 2), this.#opts('application/json', lock));
      } catch (e) {
        if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
        // A concurrent ingest of the same batch id won; it must have recorded the same content.
        const won = await this.#readManifestIfAny(manifestKey);
        if (won === undefined) throw e;
        for (const f of entries) this.#matchReplay(won, f.name, f.sha256, manifestKey);
        return this.#report(won, manifestKey, true);
      }
    }
    return this.#report(manifest, manifestKey, existing !== undefined);
  }

  #report(manifest: IngestionManifest, manifestKey: string, replayed: boolean): IngestReport {
    const stored = replayed ? 0 : manifest.files.filter((f) => f.status === 'stored').length;
    return { manifest, manifestLocation: this.#at(manifestKey), stored, duplicates: manifest.files.length - stored, replayed };
  }

  #matchReplay(existing: IngestionManifest, name: string, sha: string, manifestKey: string): BronzeFileEntry {
    const prior = existing.files.find((f) => f.name === name);
    if (prior === undefined || prior.sha256 !== sha) {
      throw new AlreadyExistsError(`batch ${existing.batchId} of ${existing.source} was already ingested with different files (${manifestKey}); bronze never changes a batch, send the new files under a new batch id`, {
        context: { batchId: existing.batchId, file: name },
      });
    }
    return prior;
  }

  #opts(contentType: string | undefined, lock: ObjectLockRetention | undefined): WriteOptions {
    return { ...(contentType === undefined ? {} : { contentType }), ...(lock === undefined ? {} : { objectLock: lock }) };
  }

  /** Hash the content: bytes and text directly, a stream while it is staged (so it need not fit in memory). */
  async #hash(data: WriteInput): Promise<HashedContent> {
    if (data instanceof Uint8Array || typeof data === 'string') {
      const bytes = typeof data === 'string' ? utf8(data) : data;
      const hasher = new ContentHasher();
      hasher.update(bytes);
      return { sha256: await hasher.hex(), size: bytes.byteLength, head: bytes.subarray(0, DETECT_HEAD_BYTES), bytes };
    }
    const hasher = new ContentHasher();
    const head = { bytes: [] as Uint8Array[], limit: DETECT_HEAD_BYTES };
    const staged = this.#at(`${BRONZE_STAGING_DIR}/${crypto.randomUUID()}`);
    try {
      await this.#io.write(staged, hashing(data, hasher, head));
    } catch (e) {
      await this.#io.delete(staged).catch(() => undefined);
      throw e;
    }
    return { sha256: await hasher.hex(), size: hasher.size, head: concatBytes(head.bytes), staged };
  }

  #stored(name: string, content: HashedContent, location: string): StoredFile {
    return { name, size: content.size, head: content.head, io: this.#io, location, open: () => this.#io.readStream(location) };
  }

  async #store(source: string, prefix: string, file: IngestFile, content: HashedContent, receivedAt: Date, lock: ObjectLockRetention | undefined): Promise<BronzeFileEntry> {
    const sha = content.sha256;
    const describeAt = async (location: string) => {
      const description = await this.#describe(this.#stored(file.name, content, location));
      return {
        name: file.name,
        size: content.size,
        sha256: sha,
        format: description.format,
        ...(description.schema === undefined ? {} : { schema: description.schema }),
        ...(description.malformed === undefined || description.malformed.length === 0 ? {} : { malformed: description.malformed }),
      };
    };
    const indexKey = `${BRONZE_INDEX_DIR}/${hiveSegment('source', source)}/${sha}.json`;
    const known = await this.#readIndex(indexKey);
    if (known !== undefined) {
      return { ...(await describeAt(this.#at(known.key))), key: known.key, location: this.#at(known.key), receivedAt: known.receivedAt, status: 'duplicate' };
    }
    const key = `${prefix}${fileSegment(file.name)}`;
    const location = this.#at(key);
    let wroteObject = true;
    try {
      // Publish create-if-absent: from memory, or streamed from the staged copy.
      const data = content.bytes ?? (await this.#io.readStream(content.staged!));
      await this.#io.createIfAbsent(location, data, this.#opts(file.contentType, lock));
    } catch (e) {
      if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
      // Same name, same day: identical content (an ingest interrupted before its index entry) is a duplicate; anything else is refused.
      if ((await hashContent(await this.#io.readStream(location))).sha256 !== sha) {
        throw new AlreadyExistsError(`bronze already holds a different ${JSON.stringify(file.name)} from ${source} for ${prefix}; bronze never overwrites, send it under another name`, {
          context: { location },
        });
      }
      wroteObject = false;
    }
    const base = await describeAt(location);
    const entry: BronzeFileEntry = {
      ...base,
      key,
      location,
      receivedAt: receivedAt.toISOString(),
      status: 'stored',
      ...(lock === undefined ? {} : { retainUntil: lock.retainUntil.toISOString() }),
    };
    try {
      await this.#io.createIfAbsent(this.#at(indexKey), JSON.stringify({ key, sha256: sha, size: content.size, receivedAt: entry.receivedAt }), this.#opts('application/json', undefined));
    } catch (e) {
      if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
      // A concurrent ingest stored the same content first: drop our copy (nothing references it yet) and point at theirs.
      const winner = (await this.#readIndex(indexKey))!;
      if (winner.key !== key) {
        if (wroteObject && lock === undefined) await this.#io.delete(entry.location);
        return { ...base, key: winner.key, location: this.#at(winner.key), receivedAt: winner.receivedAt, status: 'duplicate' };
      }
    }
    return wroteObject ? entry : { ...entry, status: 'duplicate' };
  }

  async #readIndex(key: string): Promise<z.infer<typeof indexSchema> | undefined> {
    try {
      return indexSchema.parse(JSON.parse(fromUtf8(await this.#io.read(this.#at(key)))));
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return undefined;
      throw new ValidationError(`bronze index entry ${key} is unreadable; restore it from the ingestion manifests`, { cause: e });
    }
  }

  async #readManifestIfAny(key: string): Promise<IngestionManifest | undefined> {
    try {
      return await this.readManifest(this.#at(key));
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return undefined;
      throw e;
    }
  }

  /** Read and validate an ingestion manifest by URI. */
  async readManifest(location: string): Promise<IngestionManifest> {
    const bytes = await this.#io.read(location);
    let json: unknown;
    try {
      json = JSON.parse(fromUtf8(bytes));
    } catch (e) {
      throw new ValidationError(`ingestion manifest ${location} is not JSON`, { cause: e, context: { location } });
    }
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) throw new ValidationError(`ingestion manifest ${location} is invalid: ${parsed.error.issues[0]?.message ?? ''}`, { context: { location } });
    return parsed.data as IngestionManifest;
  }

  /**
   * Delete staged copies left by crashed ingests: objects under `_staging/`
   * older than `olderThanMs` (default {@link BRONZE_STAGING_MAX_AGE_MS}).
   * A staged object is referenced by nothing (a finished ingest deletes its
   * own), so this never touches ingested data; objects the store reports no
   * modification time for are kept. Run it from maintenance, e.g. daily.
   *
   * @example
   * ```ts
   * const { deleted, bytes } = await bronze.cleanStaging();
   * ```
   */
  async cleanStaging(options: { olderThanMs?: number } = {}): Promise<StagingCleanup> {
    const maxAge = options.olderThanMs ?? BRONZE_STAGING_MAX_AGE_MS;
    if (!Number.isFinite(maxAge) || maxAge < 0) throw new ValidationError(`cleanStaging: olderThanMs must be a non-negative number of milliseconds, got ${maxAge}`);
    const cutoff = this.#now().getTime() - maxAge;
    const old: FileStat[] = [];
    let kept = 0;
    for await (const stat of this.#io.list(this.#at(`${BRONZE_STAGING_DIR}/`))) {
      if (stat.lastModified !== undefined && stat.lastModified.getTime() < cutoff) old.push(stat);
      else kept++;
    }
    await this.#io.deleteMany(old.map((s) => s.location));
    return { deleted: old.map((s) => s.location), bytes: old.reduce((n, s) => n + s.size, 0), kept };
  }

  /** Every ingestion manifest, optionally of one source, in key order (source, then date, then batch id). */
  async *manifests(source?: string): AsyncGenerator<{ location: string; source: string; ingestDate: string; batchId: string }> {
    const prefix = this.#at(`${BRONZE_MANIFEST_DIR}/${source === undefined ? '' : `${hiveSegment('source', source)}/`}`);
    const base = this.#at(`${BRONZE_MANIFEST_DIR}/`);
    for await (const stat of this.#io.list(prefix)) {
      const rel = stat.location.slice(this.#io.resolve(base).length).replace(/\.json$/, '');
      const parts = Object.fromEntries(parseHivePath(rel));
      if (parts['source'] === undefined || parts['ingest_date'] === undefined || parts['batch'] === undefined) continue;
      yield { location: stat.location, source: parts['source'], ingestDate: parts['ingest_date'], batchId: parts['batch'] };
    }
  }

  /**
   * Stream a stored file, checking it against the SHA-256 (and size) the
   * manifest recorded as it passes: a mismatch errors the stream at its end
   * with `ValidationError`, so a consumer that commits only after the last
   * chunk never commits altered data. Memory stays bounded by one chunk.
   */
  async readStream(entry: Pick<BronzeFileEntry, 'location' | 'sha256'> & { size?: number }): Promise<ReadableStream<Uint8Array>> {
    const source = await this.#io.readStream(entry.location);
    const hasher = new ContentHasher();
    return source.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          hasher.update(chunk);
          controller.enqueue(chunk);
        },
        async flush(controller) {
          const sha = await hasher.hex();
          if (sha !== entry.sha256 || (entry.size !== undefined && hasher.size !== entry.size)) {
            controller.error(new ValidationError(`bronze object ${entry.location} does not match its recorded SHA-256; it was altered outside lakekit`, { context: { location: entry.location } }));
          }
        },
      }),
    );
  }

  /** Check a stored file against its recorded SHA-256 (and size) in one streaming pass; `ValidationError` if it was altered. */
  async verify(entry: Pick<BronzeFileEntry, 'location' | 'sha256'> & { size?: number }): Promise<void> {
    const reader = (await this.readStream(entry)).getReader();
    while (!(await reader.read()).done);
  }

  /** Read a stored file's bytes, checking them against the SHA-256 the manifest recorded. Buffers the whole file; prefer {@link readStream} for large files. */
  async read(entry: Pick<BronzeFileEntry, 'location' | 'sha256'>): Promise<Uint8Array> {
    const bytes = await this.#io.read(entry.location);
    if ((await sha256Hex(bytes)) !== entry.sha256) {
      throw new ValidationError(`bronze object ${entry.location} does not match its recorded SHA-256; it was altered outside lakekit`, { context: { location: entry.location } });
    }
    return bytes;
  }
}
