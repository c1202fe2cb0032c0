/**
 * Parquet encoding off the calling thread. A partitioned write produces many
 * independent files; an {@link ParquetEncoderPool} lets it hand some of them
 * to other threads while the calling thread routes rows and encodes the rest.
 * The core only defines the contract (it runs on any JavaScript runtime);
 * `lakekit/io/local` implements it with Node worker threads.
 */
import type { RecordBatch } from 'apache-arrow';
import type { Schema } from '../../../iceberg/spec/schema.js';
import type { ParquetWriteOptions } from './options.js';
import type { ParquetWriteResult } from './writer.js';

/**
 * One Parquet file being encoded elsewhere; the calls mirror {@link ParquetWriter}'s.
 * Batches passed to `write` may be detached (their buffers moved to the encoding thread).
 */
export interface ParquetFileEncoder {
  /** Encode rows; resolves to the bytes that became final (empty until a row group fills). */
  write(batch: RecordBatch): Promise<Uint8Array[]>;
  /** Flush, write the footer; resolves to the last bytes and the file's metrics. */
  finish(): Promise<ParquetWriteResult>;
  /** Bytes returned so far. */
  readonly bytesWritten: number;
  /** Estimated bytes buffered in the open row group, as of the last completed call. */
  readonly bufferedBytes: number;
  /** Drop the file after a failure (frees its buffers on the other thread). */
  abort(): void;
}

/** Hands out {@link ParquetFileEncoder}s on other threads. */
export interface ParquetEncoderPool {
  /**
   * Start a file on another thread, or undefined when every thread already
   * has enough queued work (the caller then encodes the file itself).
   * Only batches whose columns are flat (`wireable()` in formats/arrow/wire.ts) may be written to it.
   */
  tryOpen(schema: Schema, options: ParquetWriteOptions): ParquetFileEncoder | undefined;
}

let defaultPool: ParquetEncoderPool | undefined;

/**
 * Set (or clear, with undefined) the pool that Iceberg writes use when their
 * options name none. `useParquetWorkers()` from `lakekit/io/local` sets it.
 */
export function setDefaultParquetEncoderPool(pool: ParquetEncoderPool | undefined): void {
  defaultPool = pool;
}

/** The pool set by {@link setDefaultParquetEncoderPool}, if any. */
export function defaultParquetEncoderPool(): ParquetEncoderPool | undefined {
  return defaultPool;
}
