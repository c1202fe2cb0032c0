/**
 * Resolving a location's scheme to a FileIO, as pyiceberg's scheme table does.
 * The caller decides which implementations exist (boundary 3: I/O is
 * injected); Node-only ones are registered from `lakekit/io/local` and
 * `lakekit/io/s3`.
 */
import { ValidationError } from '../errors.js';
import { normaliseScheme, printable, schemeOf } from '../internal/uri.js';
import type { ByteRange, FileIO, FileStat, ListOptions, WriteInput, WriteOptions } from './file-io.js';
import { MemoryFileIO } from './memory.js';

/** Builds a FileIO from catalog/table properties (e.g. vended `s3.*` credentials). */
export type FileIOFactory = (properties: Readonly<Record<string, string>>) => FileIO;

/**
 * A table from scheme to FileIO factory. `s3a` and `s3n` resolve as `s3`.
 *
 * @example
 * ```ts
 * import { FileIORegistry } from 'lakekit/io';
 * import { LocalFileIO } from 'lakekit/io/local';
 * import { S3FileIO } from 'lakekit/io/s3';
 * const registry = new FileIORegistry({
 *   file: () => new LocalFileIO(),
 *   s3: (props) => S3FileIO.fromProperties(props),
 * });
 * const io = registry.forLocation('s3://bucket/warehouse/t/metadata/v1.metadata.json');
 * ```
 */
export class FileIORegistry {
  readonly #factories = new Map<string, FileIOFactory>();
  readonly #instances = new Map<string, FileIO>();
  readonly #properties: Readonly<Record<string, string>>;

  /**
   * @param factories scheme → factory; `memory` is registered by default
   * @param properties passed to every factory
   */
  constructor(factories: Record<string, FileIOFactory> = {}, properties: Record<string, string> = {}) {
    this.#factories.set('memory', () => new MemoryFileIO());
    for (const [scheme, factory] of Object.entries(factories)) this.register(scheme, factory);
    this.#properties = Object.freeze({ ...properties });
  }

  /** Add or replace the factory for a scheme. */
  register(scheme: string, factory: FileIOFactory): this {
    const s = normaliseScheme(scheme.toLowerCase());
    this.#factories.set(s, factory);
    this.#instances.delete(s);
    return this;
  }

  /** Whether a scheme has a factory. */
  has(scheme: string): boolean {
    return this.#factories.has(normaliseScheme(scheme.toLowerCase()));
  }

  /** A registry with the same factories and more properties (e.g. refreshed credentials). */
  withProperties(properties: Record<string, string>): FileIORegistry {
    return new FileIORegistry(Object.fromEntries(this.#factories), { ...this.#properties, ...properties });
  }

  /** The FileIO for a location's scheme (one instance per scheme, created on first use). */
  forLocation(location: string): FileIO {
    const raw = schemeOf(location) ?? (location.startsWith('/') ? 'file' : undefined);
    if (raw === undefined) throw new ValidationError(`'${printable(location)}' has no scheme; use a URI such as s3://bucket/key or file:///path`);
    const scheme = normaliseScheme(raw);
    let io = this.#instances.get(scheme);
    if (io === undefined) {
      const factory = this.#factories.get(scheme);
      if (factory === undefined) {
        const known = [...this.#factories.keys()].join(', ');
        throw new ValidationError(`no FileIO is registered for '${raw}://' (registered: ${known}); register one with registry.register('${raw}', …)`, {
          context: { scheme: raw },
        });
      }
      io = factory(this.#properties);
      this.#instances.set(scheme, io);
    }
    return io;
  }
}

/** A FileIO that sends each call to the FileIO registered for the location's scheme. */
export class ResolvingFileIO implements FileIO {
  constructor(readonly registry: FileIORegistry) {}
  #io(location: string): FileIO {
    return this.registry.forLocation(location);
  }
  resolve(location: string): string {
    return this.#io(location).resolve(location);
  }
  stat(location: string): Promise<FileStat> {
    return this.#io(location).stat(location);
  }
  read(location: string, range?: ByteRange): Promise<Uint8Array> {
    return this.#io(location).read(location, range);
  }
  readStream(location: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    return this.#io(location).readStream(location, range);
  }
  write(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat> {
    return this.#io(location).write(location, data, options);
  }
  createIfAbsent(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat> {
    return this.#io(location).createIfAbsent(location, data, options);
  }
  list(prefix: string, options?: ListOptions): AsyncIterable<FileStat> {
    return this.#io(prefix).list(prefix, options);
  }
  listDirectories(prefix: string, options?: ListOptions): AsyncIterable<string> {
    return this.#io(prefix).listDirectories(prefix, options);
  }
  delete(location: string): Promise<void> {
    return this.#io(location).delete(location);
  }
  async deleteMany(locations: Iterable<string>): Promise<void> {
    const byScheme = new Map<FileIO, string[]>();
    for (const l of locations) {
      const io = this.#io(l);
      const group = byScheme.get(io);
      if (group) group.push(l);
      else byScheme.set(io, [l]);
    }
    for (const [io, group] of byScheme) await io.deleteMany(group);
  }
  exists(location: string): Promise<boolean> {
    return this.#io(location).exists(location);
  }
}
