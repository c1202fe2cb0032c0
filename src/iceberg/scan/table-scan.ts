/** A configured read of a table: plan its files, or stream its rows as Arrow. */
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { arrowToRows, type ArrowToRowsOptions } from '../../formats/arrow/arrow-to-rows.js';
import { icebergToArrowSchema } from '../../formats/arrow/schema.js';
import type { FileIO } from '../../io/file-io.js';
import type { TableMetadata } from '../spec/metadata.js';
import { planFiles, type FileScanTask } from './plan.js';
import { projectedSchema, readTable, type ReadOptions } from './read.js';

/**
 * A scan of one table snapshot.
 *
 * @example
 * ```ts
 * const scan = table.scan({ filter: "ts >= '2026-11-01T00:00:00Z'", select: ['id', 'amount'] });
 * for await (const batch of scan.batches()) console.log(batch.numRows);
 * const rows = await scan.toRows();
 * ```
 */
export class TableScan {
  constructor(
    private readonly io: FileIO,
    private readonly metadata: TableMetadata,
    readonly options: ReadOptions = {},
  ) {}

  /** The files the scan reads, with their deletes and residual filters. */
  planFiles(): AsyncIterable<FileScanTask> {
    return planFiles(this.io, this.metadata, this.options);
  }

  /** Stream the matching rows as Arrow record batches. */
  batches(): AsyncIterable<RecordBatch> {
    return readTable(this.io, this.metadata, this.options);
  }

  /** All matching rows as one Arrow table (an empty table with the right schema when none match). */
  async toArrow(): Promise<ArrowTable> {
    const batches: RecordBatch[] = [];
    for await (const b of this.batches()) batches.push(b);
    if (batches.length > 0) return new ArrowTable(batches);
    return new ArrowTable(icebergToArrowSchema(projectedSchema(this.metadata, this.options.select, this.options.caseSensitive ?? true)));
  }

  /** All matching rows as objects (longs and timestamps as bigint; decimals as exact text by default). */
  async toRows(options: ArrowToRowsOptions = {}): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for await (const b of this.batches()) rows.push(...arrowToRows(b, options));
    return rows;
  }

  /** Number of matching rows. */
  async count(): Promise<number> {
    let n = 0;
    for await (const b of this.batches()) n += b.numRows;
    return n;
  }
}
