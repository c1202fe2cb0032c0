/**
 * A FileIO on Amazon S3 (or any S3-compatible endpoint), with SSE-KMS on every
 * write, multipart uploads that are aborted on failure, ranged reads,
 * conditional create (`If-None-Match: *`), paginated listing, and bounded
 * retries with backoff inside a deadline.
 *
 * @example
 * ```ts
 * import { S3FileIO } from 'lakekit/io/s3';
 * const io = new S3FileIO({
 *   region: 'eu-west-1',
 *   root: 's3://datax-bronze/',
 *   encryption: { type: 'aws:kms', kmsKeyId: 'alias/datax-bronze' },
 * });
 * await io.createIfAbsent('source=core/ingest_date=2026-11-22/tx.csv', bytes);
 * ```
 *
 * @module
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type GetObjectCommandOutput,
  type ListObjectsV2CommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { IoError, ValidationError } from '../errors.js';
import { retry, type RetryOptions } from '../internal/retry.js';
import type { Location } from '../internal/uri.js';
import type { ByteRange, FileIO, FileStat, ListOptions, WriteInput, WriteOptions } from './file-io.js';
import { LocationResolver } from './resolver.js';
import { mapS3Error, statusOf } from './s3/errors.js';
import { parseS3Properties, type S3Encryption, type S3StaticCredentials } from './s3/properties.js';
import { upload } from './s3/upload.js';
import { directoryPrefix } from './streams.js';

export { S3_PROPERTY, parseS3Properties, type S3Encryption, type S3StaticCredentials, type S3PropertySettings } from './s3/properties.js';
export { mapS3Error } from './s3/errors.js';

/** Default size above which writes use a multipart upload: 16 MiB. */
export const DEFAULT_S3_MULTIPART_THRESHOLD = 16 * 1024 * 1024;
/** Default multipart part size: 8 MiB (S3's minimum is 5 MiB). */
export const DEFAULT_S3_PART_SIZE = 8 * 1024 * 1024;
/** Default number of parts uploaded at once. */
export const DEFAULT_S3_CONCURRENCY = 4;
/** Default per-request timeout: 30 s. */
export const DEFAULT_S3_REQUEST_TIMEOUT_MS = 30_000;
/** Default retry policy for S3 calls: 5 retries inside a 60 s deadline. */
export const DEFAULT_S3_RETRY: Readonly<RetryOptions> = Object.freeze({ retries: 5, baseDelayMs: 100, maxDelayMs: 5_000, deadlineMs: 60_000 });

const MIN_PART_SIZE = 5 * 1024 * 1024;

/** Options for {@link S3FileIO}. */
export interface S3FileIOOptions {
  /** A ready client (its own config applies); otherwise one is built from the fields below. */
  client?: S3Client;
  /** AWS region. @default the SDK's region chain, or 'us-east-1' when an endpoint is given */
  region?: string;
  /** Custom endpoint (MinIO, moto, LocalStack). */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), needed by most S3-compatible servers. */
  forcePathStyle?: boolean;
  /** Static credentials (secrets wrapped) or an SDK credential provider; the default chain when absent. */
  credentials?: S3StaticCredentials | S3ClientConfig['credentials'];
  /** Root location such as `s3://bucket/prefix/`; relative paths resolve under it and nothing outside is reachable. */
  root?: string;
  /** Server-side encryption for every write. @default { type: 'none' } (the bucket default applies) */
  encryption?: S3Encryption;
  /** @default DEFAULT_S3_MULTIPART_THRESHOLD */
  multipartThreshold?: number;
  /** @default DEFAULT_S3_PART_SIZE */
  partSize?: number;
  /** @default DEFAULT_S3_CONCURRENCY */
  concurrency?: number;
  /** Timeout of one HTTP request. @default DEFAULT_S3_REQUEST_TIMEOUT_MS */
  requestTimeoutMs?: number;
  /** Retries for throttling, 5xx and network failures. @default DEFAULT_S3_RETRY */
  retry?: RetryOptions;
}

function isStatic(c: S3FileIOOptions['credentials']): c is S3StaticCredentials {
  return typeof c === 'object' && c !== null && 'secretAccessKey' in c && typeof (c as S3StaticCredentials).secretAccessKey?.reveal === 'function';
}

/** A FileIO over S3. */
export class S3FileIO implements FileIO {
  readonly #client: S3Client;
  readonly #resolver: LocationResolver;
  readonly #encryption: S3Encryption;
  readonly #threshold: number;
  readonly #partSize: number;
  readonly #concurrency: number;
  readonly #requestTimeoutMs: number;
  readonly #retry: RetryOptions;

  constructor(options: S3FileIOOptions = {}) {
    this.#client = options.client ?? buildClient(options);
    this.#resolver = new LocationResolver('s3', options.root);
    this.#encryption = options.encryption ?? { type: 'none' };
    this.#partSize = options.partSize ?? DEFAULT_S3_PART_SIZE;
    this.#threshold = Math.max(options.multipartThreshold ?? DEFAULT_S3_MULTIPART_THRESHOLD, this.#partSize);
    this.#concurrency = options.concurrency ?? DEFAULT_S3_CONCURRENCY;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_S3_REQUEST_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_S3_RETRY, ...options.retry };
    if (this.#partSize < MIN_PART_SIZE) {
      throw new ValidationError(`partSize ${this.#partSize} is below S3's 5 MiB minimum part size; use at least ${MIN_PART_SIZE}`);
    }
  }

  /**
   * Build from Iceberg `s3.*` properties (as a REST catalog vends them),
   * e.g. `s3.endpoint`, `s3.access-key-id`, `s3.secret-access-key`,
   * `s3.session-token`, `s3.region`/`client.region`, `s3.path-style-access`,
   * `s3.sse.type` and `s3.sse.key`. `overrides` win over properties.
   */
  static fromProperties(properties: Readonly<Record<string, string>>, overrides: S3FileIOOptions = {}): S3FileIO {
    return new S3FileIO({ ...parseS3Properties(properties), ...overrides });
  }

  /** The underlying client (for callers that need an S3 call lakekit does not wrap). */
  get client(): S3Client {
    return this.#client;
  }

  resolve(location: string): string {
    return this.#resolver.format(this.#loc(location));
  }

  #loc(location: string, isPrefix = false): Location {
    return this.#resolver.resolve(location, isPrefix);
  }

  /** Run one S3 call with per-request timeout and retries; map failures to typed errors. */
  #call<T>(op: string, uri: string, fn: (signal: AbortSignal) => Promise<T>, conditional = false, outer?: AbortSignal): Promise<T> {
    return retry(
      async ({ signal }) => {
        const attempt = AbortSignal.any([signal, AbortSignal.timeout(this.#requestTimeoutMs)]);
        try {
          return await fn(attempt);
        } catch (e) {
          throw mapS3Error(e, op, uri, conditional);
        }
      },
      { ...this.#retry, what: `${op} on ${uri}`, ...(outer === undefined ? {} : { signal: outer }) },
    );
  }

  async stat(location: string): Promise<FileStat> {
    const loc = this.#loc(location);
    const uri = this.#resolver.format(loc);
    const out = await this.#call('stat', uri, (signal) =>
      this.#client.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }), { abortSignal: signal }),
    );
    return statOf(uri, out.ContentLength ?? 0, out.LastModified, out.ETag);
  }

  async read(location: string, range?: ByteRange): Promise<Uint8Array> {
    // The body is read inside the retried call, so a connection dropped mid-body is retried too.
    const body = await this.#get(location, range, async (out) => (out.Body === undefined ? new Uint8Array(0) : out.Body.transformToByteArray()));
    return body ?? new Uint8Array(0);
  }

  async readStream(location: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const stream = await this.#get(location, range, async (out) => out.Body?.transformToWebStream() as ReadableStream<Uint8Array> | undefined);
    return stream ?? new ReadableStream({ start: (c) => c.close() });
  }

  /** GET an object or range and hand the response to `take`; `undefined` for an empty range. */
  async #get<T>(location: string, range: ByteRange | undefined, take: (out: GetObjectCommandOutput) => Promise<T>): Promise<T | undefined> {
    const loc = this.#loc(location);
    const uri = this.#resolver.format(loc);
    const header = rangeHeader(range);
    if (header === null) {
      await this.stat(uri); // an empty range of a missing object is still NotFound
      return undefined;
    }
    try {
      return await this.#call('read', uri, async (signal) =>
        take(await this.#client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key, ...(header ? { Range: header } : {}) }), { abortSignal: signal })),
      );
    } catch (e) {
      // 416: the range starts at or past the end; clamp to empty like the other FileIOs.
      if (statusOf((e as { cause?: unknown }).cause) === 416) return undefined;
      throw e;
    }
  }

  #uploadTo(loc: Location, data: WriteInput, options: WriteOptions, ifNoneMatch: boolean): Promise<FileStat> {
    const uri = this.#resolver.format(loc);
    return upload(
      {
        client: this.#client,
        bucket: loc.bucket,
        key: loc.key,
        encryption: this.#encryption,
        contentType: options.contentType,
        objectLock: options.objectLock,
        ifNoneMatch,
        threshold: this.#threshold,
        partSize: this.#partSize,
        concurrency: this.#concurrency,
        signal: options.signal,
        call: (what, fn) => this.#call(what, uri, fn, ifNoneMatch, options.signal),
      },
      data,
    ).then(
      ({ size, etag }) => statOf(uri, size, new Date(), etag),
      (e: unknown) => {
        throw mapS3Error(e, 'write', uri, ifNoneMatch);
      },
    );
  }

  async write(location: string, data: WriteInput, options: WriteOptions = {}): Promise<FileStat> {
    return this.#uploadTo(this.#loc(location), data, options, false);
  }

  async createIfAbsent(location: string, data: WriteInput, options: WriteOptions = {}): Promise<FileStat> {
    return this.#uploadTo(this.#loc(location), data, options, true);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<FileStat> {
    const loc = this.#loc(prefix, true);
    for await (const page of this.#listPages(loc, options, undefined)) {
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield statOf(`s3://${loc.bucket}/${o.Key}`, o.Size ?? 0, o.LastModified, o.ETag);
      }
    }
  }

  async *listDirectories(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const loc = this.#loc(directoryPrefix(prefix), true);
    for await (const page of this.#listPages(loc, options, '/')) {
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) yield `s3://${loc.bucket}/${p.Prefix}`;
    }
  }

  /** ListObjectsV2 pages under a location, following continuation tokens. */
  async *#listPages(loc: Location, options: ListOptions, delimiter: string | undefined): AsyncIterable<ListObjectsV2CommandOutput> {
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 1000));
    let token: string | undefined;
    do {
      const request = { Bucket: loc.bucket, Prefix: loc.key, MaxKeys: pageSize, ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) };
      const page = await this.#call('list', this.#resolver.format(loc), (signal) => this.#client.send(new ListObjectsV2Command(request), { abortSignal: signal }), false, options.signal);
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(location: string): Promise<void> {
    const loc = this.#loc(location);
    await this.#call('delete', this.#resolver.format(loc), (signal) =>
      this.#client.send(new DeleteObjectCommand({ Bucket: loc.bucket, Key: loc.key }), { abortSignal: signal }),
    );
  }

  async deleteMany(locations: Iterable<string>): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const l of locations) {
      const loc = this.#loc(l);
      const keys = byBucket.get(loc.bucket) ?? [];
      keys.push(loc.key);
      byBucket.set(loc.bucket, keys);
    }
    for (const [bucket, keys] of byBucket) {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        const out = await this.#call('delete', `s3://${bucket}/`, (signal) =>
          this.#client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), {
            abortSignal: signal,
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new IoError(`could not delete ${failed.length} of ${batch.length} objects in s3://${bucket}/ (first: ${first.Key}: ${first.Code}); check permissions and retry`, {
            context: { bucket, failed: failed.length },
          });
        }
      }
    }
  }

  async exists(location: string): Promise<boolean> {
    try {
      await this.stat(location);
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') return false;
      throw e;
    }
  }
}

function buildClient(options: S3FileIOOptions): S3Client {
  const creds = options.credentials;
  const credentials: S3ClientConfig['credentials'] = isStatic(creds)
    ? // A provider reveals the secret only when the SDK signs a request.
      async () => ({
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey.reveal(),
        ...(creds.sessionToken === undefined ? {} : { sessionToken: creds.sessionToken.reveal() }),
        ...(creds.expiration === undefined ? {} : { expiration: creds.expiration }),
      })
    : creds;
  const region = options.region ?? (options.endpoint === undefined ? undefined : 'us-east-1');
  return new S3Client({
    ...(region === undefined ? {} : { region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    ...(credentials === undefined ? {} : { credentials }),
    // lakekit retries itself, inside a deadline, with full jitter.
    maxAttempts: 1,
  });
}

/** `bytes=a-b` for a range, `undefined` for the whole object, `null` for an empty range. */
function rangeHeader(range: ByteRange | undefined): string | undefined | null {
  if (range === undefined) return undefined;
  const { offset, length } = range;
  if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
    throw new ValidationError(`invalid byte range {offset: ${offset}, length: ${length}}; use non-negative integers`);
  }
  if (length === 0) return null;
  return length === undefined ? `bytes=${offset}-` : `bytes=${offset}-${offset + length - 1}`;
}

function statOf(location: string, size: number, lastModified: Date | undefined, etag: string | undefined): FileStat {
  const s: FileStat = { location, size };
  if (lastModified !== undefined) s.lastModified = lastModified;
  if (etag !== undefined) s.etag = etag;
  return s;
}
