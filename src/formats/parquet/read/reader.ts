/**
 * Read a Parquet data file of an Iceberg table as Arrow record batches in an
 * expected (projected) schema.
 */
import { RecordBatch, Struct, makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { ColumnMetaData, Compressors } from 'hyparquet';
import { compressors as allCompressors } from 'hyparquet-compressors';
import { ValidationError } from '../../../errors.js';
import type { StructType } from '../../../iceberg/spec/types.js';
import type { FileIO } from '../../../io/file-io.js';
import { missingFieldData } from '../../arrow/fill.js';
import { icebergToArrowSchema } from '../../arrow/schema.js';
import { assemble, rowCursors, under } from './assemble.js';
import { readColumnChunk } from './chunk.js';
import type { LeafColumn } from './chunk.js';
import { chunkRange, guarded, readParquetFooter } from './footer.js';
import type { ParquetFooter, RowGroupInfo } from './footer.js';
import { parseNameMapping } from './name-mapping.js';
import type { NameMapping } from './name-mapping.js';
import { planRead } from './plan.js';

/** Rows per batch unless `batchSize` says otherwise (pyarrow's `iter_batches` default). */
export const DEFAULT_BATCH_SIZE = 65_536;
/** Column chunks closer than this are fetched with one ranged read (Arrow's `hole_size_limit`). */
export const COALESCE_GAP_BYTES = 8 * 1024;

/** Options for {@link readParquet}. */
export interface ReadParquetOptions {
  /** The expected (projected) Iceberg schema; only its columns are read, matched by field id. */
  schema: StructType;
  /** Row-group pruning: return false to skip a row group (it is never fetched). */
  rowGroups?: (rowGroup: RowGroupInfo) => boolean;
  /** Rows per batch; defaults to {@link DEFAULT_BATCH_SIZE}. */
  batchSize?: number;
  /**
   * Ids for files written without field ids (imported Hive/Spark files): the
   * table's `schema.name-mapping.default`, as JSON text or parsed.
   */
  nameMapping?: NameMapping | string;
  /** A footer already read (from {@link readParquetFooter}), to skip reading it again. */
  footer?: ParquetFooter;
  /** File size when known (saves a `stat`). */
  fileSize?: number;
  /** Decompressors by codec; defaults to hyparquet-compressors (zstd, snappy, gzip, brotli, lz4). */
  compressors?: Compressors;
}

interface Fetch {
  start: number;
  end: number;
  leaves: number[];
}

function coalesce(ranges: { leaf: number; range: readonly [number, number] }[]): Fetch[] {
  const sorted = [...ranges].sort((a, b) => a.range[0] - b.range[0]);
  const out: Fetch[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.range[0] - last.end <= COALESCE_GAP_BYTES) {
      last.end = Math.max(last.end, r.range[1]);
      last.leaves.push(r.leaf);
    } else out.push({ start: r.range[0], end: r.range[1], leaves: [r.leaf] });
  }
  return out;
}

/**
 * Stream the rows of a Parquet data file as Arrow record batches whose schema
 * is `icebergToArrowSchema(options.schema)`.
 *
 * Columns are matched to the expected schema by Iceberg field id, never by
 * name (a renamed column still reads); columns the file lacks come back as
 * the field's `initial-default` or nulls; narrower file types are promoted
 * (`int`→`long`, `float`→`double`, decimal widening, `date`→`timestamp`).
 * Files without field ids are read through `nameMapping`. Only the
 * requested columns of the row groups `rowGroups` keeps are fetched, with
 * ranged reads, one row group at a time, so memory stays bounded by a row
 * group's selected columns.
 *
 * Throws ValidationError for corrupt or hostile files, columns that cannot
 * be read as the expected type, and files without ids and without a mapping.
 *
 * @example
 * ```ts
 * for await (const batch of readParquet(io, dataFile.filePath, { schema: projected })) {
 *   console.log(batch.numRows);
 * }
 * ```
 */
export async function* readParquet(io: FileIO, location: string, options: ReadParquetOptions): AsyncGenerator<RecordBatch> {
  const where = `Parquet file ${location}`;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValidationError(`batchSize must be a positive integer, got ${batchSize}`);
  const mapping = typeof options.nameMapping === 'string' ? parseNameMapping(options.nameMapping) : options.nameMapping;
  const footer =
    options.footer ??
    (await readParquetFooter(io, location, {
      ...(options.fileSize !== undefined ? { fileSize: options.fileSize } : {}),
      ...(mapping !== undefined ? { nameMapping: mapping } : {}),
    }));
  if (!footer.schema.hasFieldIds && mapping === undefined) {
    throw new ValidationError(`${where} has no Iceberg field ids and no name mapping was given; pass the table's schema.name-mapping.default as nameMapping`);
  }
  const plan = planRead(options.schema, footer.schema, where);
  const arrowSchema = icebergToArrowSchema(options.schema);
  const structType = new Struct(arrowSchema.fields);
  const compressors = options.compressors ?? (allCompressors as Compressors);
  for (const rg of footer.rowGroups) {
    if (rg.numRows === 0 || (options.rowGroups !== undefined && !options.rowGroups(rg))) continue;
    const at = `${where}, row group ${rg.index}`;
    const metas = footer.metadata.row_groups[rg.index]!.columns;
    const fetches = coalesce(plan.leaves.map((leaf) => ({ leaf, range: chunkRange(metas[leaf]!.meta_data!) })));
    const buffers = await Promise.all(fetches.map((f) => io.read(location, { offset: f.start, length: f.end - f.start })));
    const data = await guarded(at, () => {
      const leaves = new Map<number, LeafColumn>();
      fetches.forEach((f, i) => {
        const bytes = buffers[i]!;
        if (bytes.length !== f.end - f.start) throw new ValidationError(`${at}: the file ended inside a column chunk; it is truncated`);
        for (const leaf of f.leaves) {
          const meta: ColumnMetaData = metas[leaf]!.meta_data!;
          const [start, end] = chunkRange(meta);
          const node = footer.schema.leaves[leaf]!;
          leaves.set(leaf, readColumnChunk(bytes.subarray(start - f.start, end - f.start), node, meta, rg.numRows, compressors, at));
        }
      });
      const cursors = rowCursors(leaves);
      const children: Data[] = plan.columns.map(({ field, node }) =>
        node === undefined ? missingFieldData(field, rg.numRows, at) : assemble(field.type, node, under(node, cursors), rg.numRows, field.name),
      );
      return makeData({ type: structType, length: rg.numRows, nullCount: 0, children });
    });
    for (let offset = 0; offset < rg.numRows; offset += batchSize) {
      yield new RecordBatch(arrowSchema, data.slice(offset, Math.min(batchSize, rg.numRows - offset)));
    }
  }
}
