/**
 * A FileIO on local disk (Node only), the embedded default's storage.
 *
 * Writes go to a temporary file beside the target and are renamed into place,
 * so a reader sees the old content or the new, never a torn file.
 * `createIfAbsent` publishes with `link(2)`, which fails atomically when the
 * target exists, so two writers racing for the same name cannot both win.
 * With a root, every location is checked lexically and (through `realpath`)
 * against symlinks, so the FileIO never reads or writes outside it.
 *
 * @example
 * ```ts
 * import { LocalFileIO } from 'lakekit/io/local';
 * const io = new LocalFileIO({ root: './lake' });
 * await io.write('silver/tx/part-0.parquet', bytes);
 * ```
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { link, lstat, mkdir, open, opendir, readdir, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, resolve as resolvePath, sep } from 'node:path';
import { AlreadyExistsError, IoError, NotFoundError, ValidationError, isLakeError } from '../errors.js';
import { compareUtf8 } from '../internal/bytes.js';
import { printable } from '../internal/uri.js';
import type { ByteRange, FileIO, FileStat, ListOptions, WriteInput, WriteOptions } from './file-io.js';
import { LocationResolver } from './resolver.js';
import { chunksOf, clampRange, directoryPrefix } from './streams.js';

/** Options for {@link LocalFileIO}. */
export interface LocalFileIOOptions {
  /** Directory (path or `file://` URI) that all locations must stay inside; relative paths resolve under it. */
  root?: string;
  /**
   * Flush file contents to disk (`fsync`) before publishing, so a power loss
   * cannot leave an empty or torn file behind a committed name.
   * @default DEFAULT_LOCAL_FSYNC
   */
  fsync?: boolean;
  /** Chunk size for {@link LocalFileIO.readStream}. @default DEFAULT_LOCAL_CHUNK_SIZE */
  chunkSize?: number;
}

/** Default for {@link LocalFileIOOptions.fsync}: durable. */
export const DEFAULT_LOCAL_FSYNC = true;
/** Default for {@link LocalFileIOOptions.chunkSize}: 1 MiB. */
export const DEFAULT_LOCAL_CHUNK_SIZE = 1 << 20;

/** Temporary files carry this marker so listings skip them and maintenance can find leftovers. */
export const LOCAL_TEMP_MARKER = '.lakekit-tmp-';

/** A FileIO over the local file system. */
export class LocalFileIO implements FileIO {
  readonly #resolver: LocationResolver;
  readonly #fsync: boolean;
  readonly #chunkSize: number;
  #realRoot: string | undefined;
  readonly #verifiedDirs = new Set<string>();

  constructor(options: LocalFileIOOptions = {}) {
    const root = options.root === undefined ? undefined : normaliseRoot(options.root);
    this.#resolver = new LocationResolver('file', root, true);
    this.#fsync = options.fsync ?? DEFAULT_LOCAL_FSYNC;
    this.#chunkSize = options.chunkSize ?? DEFAULT_LOCAL_CHUNK_SIZE;
  }

  /** The root directory as an absolute path, if any. */
  get root(): string | undefined {
    return this.#resolver.root?.key;
  }

  resolve(location: string): string {
    return this.#resolver.format(this.#resolver.resolve(location));
  }

  /** Resolve to an absolute OS path, refusing empty segments (`a//b` would alias `a/b` on disk). */
  #path(location: string, isPrefix = false): string {
    const loc = this.#resolver.resolve(location, isPrefix);
    const inner = loc.key.slice(1, isPrefix || !loc.key.endsWith('/') ? loc.key.length : loc.key.length - 1);
    if (!isPrefix && (loc.key.endsWith('/') || inner.split('/').some((s) => s === ''))) {
      throw new ValidationError(`'${printable(location)}' has an empty path segment; local files need names like a/b/c`, {
        context: { location: printable(location) },
      });
    }
    return loc.key;
  }

  /** Refuse paths whose real parent directory (symlinks followed) lies outside the real root. */
  async #checkReal(path: string): Promise<void> {
    const root = this.root;
    if (root === undefined) return;
    const realRoot = await this.#resolveRealRoot(root);
    if (realRoot === undefined) return; // the root does not exist yet, so nothing below it can be a link
    const rootDir = root.replace(/\/$/, '');
    let dir = dirname(path);
    // Walk up to the nearest existing ancestor inside the root; missing directories cannot be links yet.
    while (dir.length >= rootDir.length) {
      let real: string;
      try {
        real = await realpath(dir);
      } catch {
        dir = dirname(dir);
        continue;
      }
      if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
        throw new ValidationError(`'${printable(path)}' resolves outside the FileIO root through a symbolic link; remove the link`, {
          context: { location: printable(path) },
        });
      }
      return;
    }
  }

  /** The root with symlinks resolved, cached once it exists. */
  async #resolveRealRoot(root: string): Promise<string | undefined> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      this.#realRoot = await realpath(root);
      return this.#realRoot;
    } catch {
      return undefined;
    }
  }

  async stat(location: string): Promise<FileStat> {
    const path = this.#path(location);
    await this.#checkReal(path);
    try {
      const s = await stat(path);
      if (!s.isFile()) throw notFound(path);
      return { location: fileUri(path), size: s.size, lastModified: s.mtime };
    } catch (e) {
      throw mapError(e, path, 'stat');
    }
  }

  async read(location: string, range?: ByteRange): Promise<Uint8Array> {
    const path = this.#path(location);
    await this.#checkReal(path);
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const s = await fh.stat();
      if (!s.isFile()) throw notFound(path);
      const [start, end] = clampRange(range, s.size);
      const out = new Uint8Array(end - start);
      let done = 0;
      while (done < out.byteLength) {
        const { bytesRead } = await fh.read(out, done, out.byteLength - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === out.byteLength ? out : out.subarray(0, done);
    } catch (e) {
      throw mapError(e, path, 'read');
    } finally {
      await fh?.close();
    }
  }

  async readStream(location: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const path = this.#path(location);
    await this.#checkReal(path);
    let fh: FileHandle;
    let start: number;
    let end: number;
    try {
      fh = await open(path, 'r');
      const s = await fh.stat();
      if (!s.isFile()) {
        await fh.close();
        throw notFound(path);
      }
      [start, end] = clampRange(range, s.size);
    } catch (e) {
      throw mapError(e, path, 'read');
    }
    let position = start;
    const chunkSize = this.#chunkSize;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          if (position >= end) {
            await fh.close();
            controller.close();
            return;
          }
          const want = Math.min(chunkSize, end - position);
          const buf = new Uint8Array(want);
          const { bytesRead } = await fh.read(buf, 0, want, position);
          if (bytesRead === 0) {
            await fh.close();
            controller.close();
            return;
          }
          position += bytesRead;
          controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
        } catch (e) {
          await fh.close().catch(() => undefined);
          controller.error(mapError(e, path, 'read'));
        }
      },
      async cancel() {
        await fh.close().catch(() => undefined);
      },
    });
  }

  /** Create (if needed) and check the directory of `path`; directories already verified are remembered. */
  async #prepareDir(path: string): Promise<void> {
    const dir = dirname(path);
    if (this.#verifiedDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    await this.#checkReal(path);
    if (this.#verifiedDirs.size > 10_000) this.#verifiedDirs.clear();
    this.#verifiedDirs.add(dir);
  }

  /** Write `data` to a temporary file beside `path`; returns its name and size. */
  async #writeTemp(path: string, data: WriteInput, options: WriteOptions): Promise<{ tmp: string; size: number }> {
    await this.#prepareDir(path);
    const tmp = `${dirname(path)}${sep}.${basename(path).slice(0, 100)}${LOCAL_TEMP_MARKER}${randomBytes(6).toString('hex')}`;
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL;
    const fh = await open(tmp, flags, 0o644).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      // The directory was removed since it was verified: create and check it again.
      this.#verifiedDirs.delete(dirname(path));
      await this.#prepareDir(path);
      return open(tmp, flags, 0o644);
    });
    let size = 0;
    try {
      for await (const chunk of chunksOf(data)) {
        options.signal?.throwIfAborted();
        let off = 0;
        while (off < chunk.byteLength) {
          const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
          off += bytesWritten;
        }
        size += chunk.byteLength;
      }
      options.signal?.throwIfAborted();
      if (this.#fsync) await fh.sync();
      await fh.close();
      return { tmp, size };
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  async write(location: string, data: WriteInput, options: WriteOptions = {}): Promise<FileStat> {
    const path = this.#path(location);
    let tmp: string | undefined;
    try {
      const written = await this.#writeTemp(path, data, options);
      tmp = written.tmp;
      await rename(tmp, path);
      tmp = undefined;
      if (this.#fsync) await syncDir(dirname(path));
      return { location: fileUri(path), size: written.size, lastModified: new Date() };
    } catch (e) {
      if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
      throw mapError(e, path, 'write');
    }
  }

  async createIfAbsent(location: string, data: WriteInput, options: WriteOptions = {}): Promise<FileStat> {
    const path = this.#path(location);
    if (await fileExists(path)) throw alreadyExists(path);
    let tmp: string | undefined;
    try {
      const written = await this.#writeTemp(path, data, options);
      tmp = written.tmp;
      // link(2) fails with EEXIST if the name is taken: an atomic create-if-absent with the full content.
      await link(tmp, path).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' ? alreadyExists(path) : e;
      });
      if (this.#fsync) await syncDir(dirname(path));
      return { location: fileUri(path), size: written.size, lastModified: new Date() };
    } catch (e) {
      throw mapError(e, path, 'write');
    } finally {
      if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<FileStat> {
    const p = this.#path(prefix, true);
    const start = p.endsWith('/') ? p.slice(0, -1) || '/' : dirname(p);
    await this.#checkReal(`${start}/x`);
    yield* walk(start, p, options.signal, options.includeTemporary ?? false);
  }

  async *listDirectories(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    const p = this.#path(directoryPrefix(prefix), true);
    const dir = p.endsWith('/') ? p.slice(0, -1) || '/' : p;
    await this.#checkReal(`${dir}/x`);
    let names: string[];
    try {
      names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw mapError(e, dir, 'list');
    }
    for (const name of names.map((n) => `${n}/`).sort(compareUtf8)) {
      options.signal?.throwIfAborted();
      const full = `${dir === '/' ? '' : dir}/${name}`;
      // Object stores have no empty directories; show a directory only if a file lies below it.
      if (await hasFile(full.slice(0, -1))) yield fileUri(full);
    }
  }

  async delete(location: string): Promise<void> {
    const path = this.#path(location);
    await this.#checkReal(path);
    try {
      const s = await lstat(path);
      if (s.isDirectory()) return;
      await unlink(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw mapError(e, path, 'delete');
    }
  }

  async deleteMany(locations: Iterable<string>): Promise<void> {
    const all = [...locations];
    const width = 16;
    for (let i = 0; i < all.length; i += width) await Promise.all(all.slice(i, i + width).map((l) => this.delete(l)));
  }

  async exists(location: string): Promise<boolean> {
    const path = this.#path(location);
    await this.#checkReal(path);
    return fileExists(path);
  }
}

async function* walk(dir: string, prefix: string, signal: AbortSignal | undefined, includeTemporary: boolean): AsyncGenerator<FileStat> {
  let entries: { name: string; key: string; isDir: boolean }[];
  try {
    const handle = await opendir(dir);
    entries = [];
    for await (const d of handle) {
      if (!includeTemporary && d.name.includes(LOCAL_TEMP_MARKER)) continue;
      const full = dir === '/' ? `/${d.name}` : `${dir}/${d.name}`;
      const isDir = d.isDirectory();
      if (!isDir && !d.isFile() && !d.isSymbolicLink()) continue;
      // Sorting directories as 'name/' gives the same order as sorting full keys.
      entries.push({ name: full, key: isDir ? `${full}/` : full, isDir });
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw mapError(e, dir, 'list');
  }
  entries.sort((a, b) => compareUtf8(a.key, b.key));
  for (const entry of entries) {
    signal?.throwIfAborted();
    if (entry.isDir) {
      if (entry.key.startsWith(prefix) || prefix.startsWith(entry.key)) yield* walk(entry.name, prefix, signal, includeTemporary);
    } else if (entry.name.startsWith(prefix)) {
      try {
        const s = await stat(entry.name);
        if (s.isFile()) yield { location: fileUri(entry.name), size: s.size, lastModified: s.mtime };
      } catch {
        // Deleted while listing: an object store would not show it either.
      }
    }
  }
}

async function hasFile(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.name.includes(LOCAL_TEMP_MARKER)) continue;
    if (e.isFile() || e.isSymbolicLink()) return true;
    if (e.isDirectory() && (await hasFile(`${dir}/${e.name}`))) return true;
  }
  return false;
}

function normaliseRoot(root: string): string {
  // Locations are not percent-decoded (Iceberg stores raw paths), so the root is kept raw too.
  if (root.startsWith('file:')) return root;
  const abs = resolvePath(root);
  return `file://${abs.endsWith('/') ? abs : `${abs}/`}`;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function fileUri(path: string): string {
  return `file://${path}`;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (fh === undefined) return;
  try {
    await fh.sync();
  } catch {
    // Some file systems cannot fsync a directory; the data itself is synced.
  } finally {
    await fh.close();
  }
}

function notFound(path: string): NotFoundError {
  return new NotFoundError(`no file at ${fileUri(path)}; check the location or write it first`, { context: { location: fileUri(path) } });
}

function alreadyExists(path: string): AlreadyExistsError {
  return new AlreadyExistsError(`a file already exists at ${fileUri(path)}; it was left unchanged`, { context: { location: fileUri(path) } });
}

function mapError(e: unknown, path: string, op: string): unknown {
  if (isLakeError(e)) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const location = fileUri(path);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
      if (op === 'write') {
        return new ValidationError(`cannot write ${location}: a directory or file is in the way of this path; choose a location that does not nest under a file or replace a directory`, {
          cause: e,
          context: { location },
        });
      }
      return notFound(path);
    case 'EACCES':
    case 'EPERM':
      return new IoError(`permission denied for ${op} on ${location}; check the file system permissions`, { cause: e, context: { location } });
    case 'ENOSPC':
      return new IoError(`no space left on the device while writing ${location}; free disk space and retry`, { cause: e, context: { location } });
    case 'EMFILE':
    case 'ENFILE':
    case 'EAGAIN':
    case 'EBUSY':
      return new IoError(`${op} on ${location} failed for now (${code}); retry`, { cause: e, retryable: true, context: { location } });
    default:
      if (e instanceof Error && e.name === 'AbortError') return e;
      return new IoError(`${op} on ${location} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e, context: { location } });
  }
}

export { ParquetWorkerPool, useParquetWorkers, type ParquetWorkerPoolOptions } from './local/parquet-workers.js';
export { readCsvInWorker, CSV_WORKER_BATCHES_AHEAD, type CsvFile } from './local/csv-in-worker.js';
