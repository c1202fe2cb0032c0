/**
 * The storage interface every lakekit module reads and writes through.
 *
 * Locations are URIs (`memory://bucket/key`, `file:///abs/path`,
 * `s3://bucket/key`) or, when the FileIO has a root, paths relative to it.
 * A FileIO never reaches outside its root, and never leaves a half-written
 * object visible: `write` and `createIfAbsent` publish the whole content at
 * once or not at all.
 */

/** What is known about a stored object. */
export interface FileStat {
  /** Canonical URI of the object. */
  location: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time, when the store reports one. */
  lastModified?: Date;
  /** Opaque version tag (S3 ETag), when the store reports one. */
  etag?: string;
}

/** A byte range: `length` bytes from `offset`; to the end when `length` is absent. */
export interface ByteRange {
  offset: number;
  length?: number;
}

/** Content accepted by {@link FileIO.write}: bytes, text (UTF-8), or a stream of chunks. */
export type WriteInput = Uint8Array | string | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Per-write options. */
export interface WriteOptions {
  /** MIME type stored with the object where the store keeps one. */
  contentType?: string;
  /** Cancels the write; nothing is published. */
  signal?: AbortSignal;
  /**
   * Write-once retention (S3 Object Lock): the object cannot be deleted or
   * overwritten until `retainUntil`. Needs a bucket created with Object Lock
   * enabled; stores without retention (memory, local disk) ignore it.
   */
  objectLock?: ObjectLockRetention;
}

/** S3 Object Lock retention for one object. */
export interface ObjectLockRetention {
  /** `COMPLIANCE`: nobody can shorten it; `GOVERNANCE`: users with `s3:BypassGovernanceRetention` can. */
  mode: 'COMPLIANCE' | 'GOVERNANCE';
  /** The object is locked until this instant. */
  retainUntil: Date;
}

/** Options for {@link FileIO.list}. */
export interface ListOptions {
  /** Objects fetched per page from the store (S3 caps it at 1000). */
  pageSize?: number;
  /** Cancels the listing. */
  signal?: AbortSignal;
  /**
   * Also list the temporary files of writes in flight or interrupted by a
   * crash (stores that stage writes beside the target, like local disk), so
   * maintenance can remove them. @default false
   */
  includeTemporary?: boolean;
}

/**
 * One storage interface over memory, local disk and S3.
 *
 * Contract (checked for every implementation by `test/contracts/file-io`):
 * - a missing object gives `NotFoundError` from `stat`, `read` and `readStream`;
 * - `write` replaces atomically; a failed or aborted write leaves the old content;
 * - `createIfAbsent` is atomic and gives `AlreadyExistsError` if the object exists;
 * - `list` yields every object whose key starts with the prefix (a string
 *   prefix, not a directory), in UTF-8 byte order, page by page;
 * - `delete` is idempotent;
 * - a location with `.`/`..` segments or outside the root gives `ValidationError`.
 */
export interface FileIO {
  /** Size and metadata of one object. */
  stat(location: string): Promise<FileStat>;
  /** The whole object, or a byte range of it (clamped to the end). */
  read(location: string, range?: ByteRange): Promise<Uint8Array>;
  /** The object (or a range) as a stream of chunks, for bounded-memory reading. */
  readStream(location: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
  /** Write (create or replace) an object atomically. */
  write(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat>;
  /** Create an object only if none exists there; atomic. Throws `AlreadyExistsError` otherwise. */
  createIfAbsent(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat>;
  /** Every object under a key prefix, streamed page by page in UTF-8 byte order. */
  list(prefix: string, options?: ListOptions): AsyncIterable<FileStat>;
  /**
   * The child "directories" directly under a prefix ending in `/`: the
   * distinct `prefix + segment + '/'` of every object below it (S3's
   * `Delimiter` listing), in UTF-8 byte order. Lets catalogs find namespaces and
   * tables without walking every data file.
   */
  listDirectories(prefix: string, options?: ListOptions): AsyncIterable<string>;
  /** Delete an object; deleting a missing object is not an error. */
  delete(location: string): Promise<void>;
  /** Delete many objects (batched where the store allows). */
  deleteMany(locations: Iterable<string>): Promise<void>;
  /** Whether an object exists. */
  exists(location: string): Promise<boolean>;
  /** Resolve a location (relative or absolute) to the canonical URI this FileIO uses. */
  resolve(location: string): string;
}
