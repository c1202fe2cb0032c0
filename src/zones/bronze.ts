/**
 * The bronze zone: every byte received, in its original format, never
 * changed. Objects live under `source=<system>/ingest_date=YYYY-MM-DD/<name>`
 * and are written create-if-absent only; re-ingesting the same content is a
 * no-op (found by its SHA-256); every batch leaves an ingestion manifest an
 * auditor can prove arrival from.
 */
import { z } from 'zod';
import { AlreadyExistsError, isLakeError, ValidationError } from '../errors.js';
import { fromUtf8 } from '../internal/bytes.js';
import { sha256Hex } from '../internal/hash.js';
import type { FileIO, ObjectLockRetention, WriteInput, WriteOptions } from '../io/file-io.js';
import { collectBytes } from '../io/streams.js';
import type { RetentionConfig } from './config.js';
import { detectFormat, DETECT_HEAD_BYTES } from '../formats/detect.js';
import { bronzePrefix, fileSegment, hiveSegment, parseHivePath, utcDate } from './layout.js';

/** Where bronze keeps its ingestion manifests (beside the data, never inside a source's folder). */
export const BRONZE_MANIFEST_DIR = '_manifests';
/** Where bronze keeps its content index (one pointer per source and SHA-256). */
export const BRONZE_INDEX_DIR = '_index';

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

/** Describes an ingested file; the default only detects the format (`detectFormat` of `lakekit/formats`); see `describeWithReaders`. */
export type DescribeFile = (file: { name: string; bytes: Uint8Array }) => Promise<FileDescription> | FileDescription;

/** One file of an ingestion batch. */
export interface IngestFile {
  /** The file's name as received (any text; it is escaped into one path segment). */
  name: string;
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

const defaultDescribe: DescribeFile = ({ name, bytes }) => ({ format: detectFormat(name, bytes.subarray(0, DETECT_HEAD_BYTES)) });

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
      const bytes = await collectBytes(file.data);
      const sha = await sha256Hex(bytes);
      if (existing !== undefined) {
        entries.push(this.#matchReplay(existing, file.name, sha, manifestKey));
        continue;
      }
      entries.push(await this.#store(batch.source, prefix, file, bytes, sha, receivedAt, lock));
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

  async #store(source: string, prefix: string, file: IngestFile, bytes: Uint8Array, sha: string, receivedAt: Date, lock: ObjectLockRetention | undefined): Promise<BronzeFileEntry> {
    const description = await this.#describe({ name: file.name, bytes });
    const base = {
      name: file.name,
      size: bytes.byteLength,
      sha256: sha,
      format: description.format,
      ...(description.schema === undefined ? {} : { schema: description.schema }),
      ...(description.malformed === undefined || description.malformed.length === 0 ? {} : { malformed: description.malformed }),
    };
    const indexKey = `${BRONZE_INDEX_DIR}/${hiveSegment('source', source)}/${sha}.json`;
    const known = await this.#readIndex(indexKey);
    if (known !== undefined) return { ...base, key: known.key, location: this.#at(known.key), receivedAt: known.receivedAt, status: 'duplicate' };
    const key = `${prefix}${fileSegment(file.name)}`;
    const entry: BronzeFileEntry = {
      ...base,
      key,
      location: this.#at(key),
      receivedAt: receivedAt.toISOString(),
      status: 'stored',
      ...(lock === undefined ? {} : { retainUntil: lock.retainUntil.toISOString() }),
    };
    let wroteObject = true;
    try {
      await this.#io.createIfAbsent(entry.location, bytes, this.#opts(file.contentType, lock));
    } catch (e) {
      if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
      // Same name, same day: identical content (an ingest interrupted before its index entry) is a duplicate; anything else is refused.
      const there = await this.#io.read(entry.location);
      if ((await sha256Hex(there)) !== sha) {
        throw new AlreadyExistsError(`bronze already holds a different ${JSON.stringify(file.name)} from ${source} for ${prefix}; bronze never overwrites, send it under another name`, {
          context: { location: entry.location },
        });
      }
      wroteObject = false;
    }
    try {
      await this.#io.createIfAbsent(this.#at(indexKey), JSON.stringify({ key, sha256: sha, size: bytes.byteLength, receivedAt: entry.receivedAt }), this.#opts('application/json', undefined));
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

  /** Read a stored file's bytes, checking them against the SHA-256 the manifest recorded. */
  async read(entry: Pick<BronzeFileEntry, 'location' | 'sha256'>): Promise<Uint8Array> {
    const bytes = await this.#io.read(entry.location);
    if ((await sha256Hex(bytes)) !== entry.sha256) {
      throw new ValidationError(`bronze object ${entry.location} does not match its recorded SHA-256; it was altered outside lakekit`, { context: { location: entry.location } });
    }
    return bytes;
  }
}
