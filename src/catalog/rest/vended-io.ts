/**
 * Storage access with credentials vended by the catalog
 * (`X-Iceberg-Access-Delegation: vended-credentials`). The catalog returns
 * short-lived `s3.*` properties with the table; this FileIO builds the real
 * FileIO from them through the caller's {@link FileIORegistry}, and when
 * `s3.session-token-expires-at-ms` comes near it asks the catalog for fresh
 * credentials (`GET …/credentials`, or a reload) and rebuilds.
 */
import type { ByteRange, FileIO, FileStat, ListOptions, WriteInput, WriteOptions } from '../../io/file-io.js';
import { ResolvingFileIO, type FileIORegistry } from '../../io/registry.js';
import type { StorageCredential } from './schemas.js';

/** The property holding when vended S3 credentials expire (epoch ms). */
export const CREDENTIALS_EXPIRY_PROPERTY = 's3.session-token-expires-at-ms';
/** Refresh vended credentials this long before they expire. */
export const DEFAULT_CREDENTIALS_REFRESH_MARGIN_MS = 60_000;

/**
 * The `config` of the storage credential whose prefix is the longest one
 * matching `location` (the spec's rule), or undefined.
 */
export function credentialFor(location: string, credentials: readonly StorageCredential[]): Readonly<Record<string, string>> | undefined {
  let best: StorageCredential | undefined;
  for (const c of credentials) {
    if (location.startsWith(c.prefix) && (best === undefined || c.prefix.length > best.prefix.length)) best = c;
  }
  return best?.config;
}

function expiryOf(props: Readonly<Record<string, string>>): number {
  const raw = props[CREDENTIALS_EXPIRY_PROPERTY];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : Infinity;
}

/** Options of {@link VendedCredentialsFileIO}. */
export interface VendedCredentialsFileIOOptions {
  registry: FileIORegistry;
  /** The table's FileIO properties (catalog config, table config and vended credentials merged). */
  properties: Readonly<Record<string, string>>;
  /** Fetches fresh properties from the catalog. */
  refresh: () => Promise<Readonly<Record<string, string>>>;
  /** @default DEFAULT_CREDENTIALS_REFRESH_MARGIN_MS */
  refreshMarginMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** A FileIO over vended credentials that refreshes them before they expire. */
export class VendedCredentialsFileIO implements FileIO {
  readonly #o: VendedCredentialsFileIOOptions;
  #io: FileIO;
  #expiresAt: number;
  #inflight: Promise<void> | undefined;
  /** How many times credentials were refreshed. */
  refreshes = 0;

  constructor(options: VendedCredentialsFileIOOptions) {
    this.#o = options;
    this.#io = new ResolvingFileIO(options.registry.withProperties({ ...options.properties }));
    this.#expiresAt = expiryOf(options.properties);
  }

  async #current(): Promise<FileIO> {
    const now = (this.#o.now ?? Date.now)();
    if (now >= this.#expiresAt - (this.#o.refreshMarginMs ?? DEFAULT_CREDENTIALS_REFRESH_MARGIN_MS)) {
      this.#inflight ??= this.#o
        .refresh()
        .then((props) => {
          this.#io = new ResolvingFileIO(this.#o.registry.withProperties({ ...this.#o.properties, ...props }));
          this.#expiresAt = expiryOf(props);
          this.refreshes++;
        })
        .finally(() => {
          this.#inflight = undefined;
        });
      await this.#inflight;
    }
    return this.#io;
  }

  resolve(location: string): string {
    return this.#io.resolve(location);
  }
  async stat(location: string): Promise<FileStat> {
    return (await this.#current()).stat(location);
  }
  async read(location: string, range?: ByteRange): Promise<Uint8Array> {
    return (await this.#current()).read(location, range);
  }
  async readStream(location: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    return (await this.#current()).readStream(location, range);
  }
  async write(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat> {
    return (await this.#current()).write(location, data, options);
  }
  async createIfAbsent(location: string, data: WriteInput, options?: WriteOptions): Promise<FileStat> {
    return (await this.#current()).createIfAbsent(location, data, options);
  }
  async *list(prefix: string, options?: ListOptions): AsyncIterable<FileStat> {
    yield* (await this.#current()).list(prefix, options);
  }
  async *listDirectories(prefix: string, options?: ListOptions): AsyncIterable<string> {
    yield* (await this.#current()).listDirectories(prefix, options);
  }
  async delete(location: string): Promise<void> {
    return (await this.#current()).delete(location);
  }
  async deleteMany(locations: Iterable<string>): Promise<void> {
    return (await this.#current()).deleteMany(locations);
  }
  async exists(location: string): Promise<boolean> {
    return (await this.#current()).exists(location);
  }
}
