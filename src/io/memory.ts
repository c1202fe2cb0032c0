/** An in-memory FileIO for tests, notebooks and examples. */
import { AlreadyExistsError, NotFoundError } from '../errors.js';
import { compareUtf8 } from '../internal/bytes.js';
import type { ByteRange, FileIO, FileStat, ListOptions, WriteInput, WriteOptions } from './file-io.js';
import { LocationResolver } from './resolver.js';
import { clampRange, collectBytes, directoryPrefix, streamOf } from './streams.js';

interface Entry {
  data: Uint8Array;
  lastModified: Date;
  etag: string;
}

/** Options for {@link MemoryFileIO}. */
export interface MemoryFileIOOptions {
  /** Root URI such as `memory://lake/`; relative paths resolve under it. */
  root?: string;
}

/**
 * A FileIO that keeps objects in a `Map`. Bytes are copied in and out, so a
 * caller mutating a buffer never changes what is stored.
 *
 * @example
 * ```ts
 * const io = new MemoryFileIO({ root: 'memory://lake/' });
 * await io.write('bronze/a.csv', 'id,name\n1,Ann\n');
 * const text = new TextDecoder().decode(await io.read('bronze/a.csv'));
 * ```
 */
export class MemoryFileIO implements FileIO {
  readonly #objects = new Map<string, Entry>();
  readonly #resolver: LocationResolver;
  #version = 0;

  constructor(options: MemoryFileIOOptions = {}) {
    this.#resolver = new LocationResolver('memory', options.root);
  }

  resolve(location: string): string {
    return this.#resolver.format(this.#resolver.resolve(location));
  }

  #get(location: string): [string, Entry] {
    const uri = this.resolve(location);
    const entry = this.#objects.get(uri);
    if (entry === undefined) throw new NotFoundError(`no object at ${uri}; check the location or write it first`, { context: { location: uri } });
    return [uri, entry];
  }

  #stat(uri: string, e: Entry): FileStat {
    return { location: uri, size: e.data.byteLength, lastModified: e.lastModified, etag: e.etag };
  }

  async stat(location: string): Promise<FileStat> {
    const [uri, entry] = this.#get(location);
    return this.#stat(uri, entry);
  }

  async read(location: string, range?: ByteRange): Promise<Uint8Array> {
    const [, entry] = this.#get(location);
    const [start, end] = clampRange(range, entry.data.byteLength);
    return entry.data.slice(start, end);
  }

  async readStream(location: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    return streamOf(await this.read(location, range));
  }

  #put(uri: string, bytes: Uint8Array): FileStat {
    const entry: Entry = { data: bytes.slice(), lastModified: new Date(), etag: `"${++this.#version}"` };
    this.#objects.set(uri, entry);
    return this.#stat(uri, entry);
  }

  async write(location: string, data: WriteInput, options: WriteOptions = {}): Promise<FileStat> {
    const uri = this.resolve(location);
    const bytes = await collectBytes(data, options.signal);
    return this.#put(uri, bytes);
  }

  async createIfAbsent(location: string, data: WriteInput, options: WriteOptions = {}): Promise<FileStat> {
    const uri = this.resolve(location);
    const bytes = await collectBytes(data, options.signal);
    // The check and the store run in one synchronous step, so it is atomic.
    if (this.#objects.has(uri)) throw new AlreadyExistsError(`an object already exists at ${uri}; it was left unchanged`, { context: { location: uri } });
    return this.#put(uri, bytes);
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<FileStat> {
    const loc = this.#resolver.resolve(prefix, true);
    const uriPrefix = this.#resolver.format(loc);
    const keys = [...this.#objects.keys()].filter((k) => k.startsWith(uriPrefix)).sort(compareUtf8);
    for (const key of keys) {
      options.signal?.throwIfAborted();
      const entry = this.#objects.get(key);
      if (entry !== undefined) yield this.#stat(key, entry);
    }
  }

  async *listDirectories(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const base = this.#resolver.format(this.#resolver.resolve(directoryPrefix(prefix), true));
    const dirs = new Set<string>();
    for (const key of this.#objects.keys()) {
      if (!key.startsWith(base)) continue;
      const slash = key.indexOf('/', base.length);
      if (slash >= 0) dirs.add(key.slice(0, slash + 1));
    }
    for (const d of [...dirs].sort(compareUtf8)) {
      options.signal?.throwIfAborted();
      yield d;
    }
  }

  async delete(location: string): Promise<void> {
    this.#objects.delete(this.resolve(location));
  }

  async deleteMany(locations: Iterable<string>): Promise<void> {
    for (const location of locations) await this.delete(location);
  }

  async exists(location: string): Promise<boolean> {
    return this.#objects.has(this.resolve(location));
  }

  /** Number of stored objects (for tests). */
  get size(): number {
    return this.#objects.size;
  }
}
