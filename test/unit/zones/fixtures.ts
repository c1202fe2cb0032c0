/** Test fixtures for the zones tests: a FileIO per backend, and a FileIO that fails on demand. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoError } from '../../../src/errors.js';
import type { FileIO, FileStat, WriteInput, WriteOptions } from '../../../src/io/file-io.js';
import { LocalFileIO } from '../../../src/io/local.js';
import { MemoryFileIO } from '../../../src/io/memory.js';

export interface Backend {
  name: string;
  /** A fresh store and a root URI inside it. */
  make(): Promise<{ io: FileIO; root: string; cleanup(): Promise<void> }>;
}

export const backends: Backend[] = [
  { name: 'memory', make: async () => ({ io: new MemoryFileIO(), root: `memory://lake-${crypto.randomUUID()}`, cleanup: async () => undefined }) },
  {
    name: 'local disk',
    make: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lakekit-zones-'));
      return { io: new LocalFileIO({ root: dir, fsync: false }), root: `file://${dir}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
];

/**
 * Wraps a FileIO and throws IoError on writes whose location matches
 * `failWhen` (a crash at that point of an operation).
 */
export class FailingFileIO implements FileIO {
  failWhen: ((location: string, op: 'write' | 'createIfAbsent') => boolean) | undefined;
  constructor(readonly inner: FileIO) {}
  #check(location: string, op: 'write' | 'createIfAbsent'): void {
    if (this.failWhen?.(location, op) === true) throw new IoError(`injected failure writing ${location}`);
  }
  stat(l: string) { return this.inner.stat(l); }
  read(l: string, r?: { offset: number; length?: number }) { return this.inner.read(l, r); }
  readStream(l: string, r?: { offset: number; length?: number }) { return this.inner.readStream(l, r); }
  async write(l: string, d: WriteInput, o?: WriteOptions): Promise<FileStat> { this.#check(this.inner.resolve(l), 'write'); return this.inner.write(l, d, o); }
  async createIfAbsent(l: string, d: WriteInput, o?: WriteOptions): Promise<FileStat> { this.#check(this.inner.resolve(l), 'createIfAbsent'); return this.inner.createIfAbsent(l, d, o); }
  list(p: string, o?: { pageSize?: number }) { return this.inner.list(p, o); }
  listDirectories(p: string) { return this.inner.listDirectories(p); }
  delete(l: string) { return this.inner.delete(l); }
  deleteMany(l: Iterable<string>) { return this.inner.deleteMany(l); }
  exists(l: string) { return this.inner.exists(l); }
  resolve(l: string) { return this.inner.resolve(l); }
}
