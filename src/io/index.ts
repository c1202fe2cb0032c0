/**
 * Storage I/O: one {@link FileIO} interface over memory, local disk and S3.
 *
 * This entry is web-standard (runs in Node, Deno and notebooks). The Node-only
 * implementations live in `lakekit/io/local` and `lakekit/io/s3`.
 *
 * @example
 * ```ts
 * import { MemoryFileIO } from 'lakekit/io';
 * const io = new MemoryFileIO({ root: 'memory://lake/' });
 * await io.createIfAbsent('bronze/batch-1.csv', 'id\n1\n');
 * for await (const f of io.list('bronze/')) console.log(f.location, f.size);
 * ```
 *
 * @module
 */
export type { FileIO, FileStat, ByteRange, WriteInput, WriteOptions, ListOptions, ObjectLockRetention } from './file-io.js';
export { MemoryFileIO, type MemoryFileIOOptions } from './memory.js';
export { FileIORegistry, ResolvingFileIO, type FileIOFactory } from './registry.js';
export { asyncBufferFromFileIO, type AsyncBuffer } from './async-buffer.js';
export { LocationResolver } from './resolver.js';
export { chunksOf, collectBytes } from './streams.js';
export { parseLocation, formatLocation, type Location, type Scheme } from '../internal/uri.js';
