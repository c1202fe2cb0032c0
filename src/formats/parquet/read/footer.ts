/**
 * The Parquet footer of a data file, fetched with ranged reads and checked
 * against everything a hostile file could get wrong, plus a per-row-group
 * view keyed by Iceberg field id for row-group pruning.
 */
import { parquetMetadata } from 'hyparquet';
import type { ColumnMetaData, FileMetaData } from 'hyparquet';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { ValidationError, isLakeError } from '../../../errors.js';
import type { Value } from '../../../iceberg/spec/values.js';
import type { FileIO } from '../../../io/file-io.js';
import { MAX_CHUNK_ENTRIES } from './chunk.js';
import { fileSchema, primitiveTypeOf } from './file-schema.js';
import type { FileSchema } from './file-schema.js';
import { applyNameMapping } from './name-mapping.js';
import type { NameMapping } from './name-mapping.js';
import { legacyStatsUsable, statValue } from './stats.js';
import type { RawStatistics } from './stats.js';

/** Bytes fetched from the end of the file first; most footers fit, so one read is enough. */
export const FOOTER_PREFETCH_BYTES = 64 * 1024;
/** Largest footer lakekit accepts. */
export const MAX_FOOTER_BYTES = 64 * 1024 * 1024;

/** What a row group says about one column (a leaf with a field id). */
export interface ColumnChunkStats {
  /** Column path in the file. */
  readonly path: readonly string[];
  /** Level entries in the chunk (values and nulls; elements inside lists). */
  readonly valueCount: bigint;
  readonly nullCount?: bigint;
  /** Lower bound of the non-null values, as an Iceberg value of the file column's type. */
  readonly min?: Value;
  /** Upper bound of the non-null values. */
  readonly max?: Value;
  /** Bytes of the chunk on disk. */
  readonly compressedSize: bigint;
  /** Byte range of the chunk in the file: [start, end). */
  readonly range: readonly [number, number];
}

/** One row group, for pruning and planning. */
export interface RowGroupInfo {
  readonly index: number;
  readonly numRows: number;
  /** Position of the row group's first row in the file. */
  readonly firstRow: number;
  /** Column chunks by Iceberg field id (columns without an id are left out). */
  readonly columns: ReadonlyMap<number, ColumnChunkStats>;
}

/** A parsed, checked Parquet footer. */
export interface ParquetFooter {
  readonly location: string;
  readonly fileSize: number;
  /** hyparquet's metadata (statistics there are hyparquet's lossy decoding; use `rowGroups`). */
  readonly metadata: FileMetaData;
  /** The schema tree with field ids (from the file or the name mapping). */
  readonly schema: FileSchema;
  readonly rowGroups: readonly RowGroupInfo[];
  /** Key/value metadata of the file (for example `iceberg.schema`, `ARROW:schema`). */
  readonly keyValueMetadata: ReadonlyMap<string, string>;
}

/** Options for {@link readParquetFooter}. */
export interface FooterOptions {
  /** File size when known (saves a `stat`). */
  fileSize?: number;
  /** Ids for columns written without field ids. */
  nameMapping?: NameMapping;
}

/** Run `f`, turning anything but a lakekit error into a ValidationError about a corrupt file. */
export async function guarded<T>(where: string, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (isLakeError(e)) throw e;
    throw new ValidationError(`${where} is not a readable Parquet file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Byte range of a column chunk: from its dictionary page (if any) to the end of its data. */
export function chunkRange(meta: ColumnMetaData): [number, number] {
  const data = Number(meta.data_page_offset);
  const dict = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset);
  const start = dict !== undefined && dict > 0 && dict < data ? dict : data;
  return [start, start + Number(meta.total_compressed_size)];
}

function rawStats(footer: Uint8Array, offset: number): RawStatistics[][] {
  const raw = deserializeTCompactProtocol({ view: new DataView(footer.buffer, footer.byteOffset, footer.byteLength), offset });
  const groups = (raw.field_4 ?? []) as { field_1?: { field_3?: { field_12?: Record<string, unknown> } }[] }[];
  return groups.map((g) =>
    (g.field_1 ?? []).map((c) => {
      const s = c.field_3?.field_12;
      const out: RawStatistics = {};
      if (s === undefined) return out;
      const bytes = (v: unknown) => (v instanceof Uint8Array ? v : undefined);
      out.max = bytes(s.field_5);
      out.min = bytes(s.field_6);
      out.legacyMax = bytes(s.field_1);
      out.legacyMin = bytes(s.field_2);
      if (typeof s.field_3 === 'bigint') out.nullCount = s.field_3;
      return out;
    }),
  );
}

function checkRowGroups(metadata: FileMetaData, schema: FileSchema, dataEnd: number, where: string): void {
  let rows = 0n;
  metadata.row_groups.forEach((rg, g) => {
    const at = `${where}, row group ${g}`;
    if (rg.num_rows < 0n || rg.num_rows > BigInt(MAX_CHUNK_ENTRIES)) throw new ValidationError(`${at} claims ${rg.num_rows} rows (lakekit reads at most ${MAX_CHUNK_ENTRIES} per row group)`);
    rows += rg.num_rows;
    if (rg.columns.length !== schema.leaves.length) throw new ValidationError(`${at} has ${rg.columns.length} column chunks for ${schema.leaves.length} columns; the file is corrupt`);
    rg.columns.forEach((c, i) => {
      const meta = c.meta_data;
      const leaf = schema.leaves[i]!;
      if (meta === undefined) throw new ValidationError(`${at}: column ${leaf.path.join('.')} has no metadata (encrypted or corrupt file)`);
      if (meta.path_in_schema.join('.') !== leaf.path.join('.')) throw new ValidationError(`${at}: column chunk ${i} is for ${meta.path_in_schema.join('.')}, not ${leaf.path.join('.')}; the file is corrupt`);
      const [start, end] = chunkRange(meta);
      if (!(start >= 4 && end >= start && end <= dataEnd)) throw new ValidationError(`${at}: column ${leaf.path.join('.')} lies outside the data section; the file is corrupt or truncated`);
    });
  });
  if (rows !== metadata.num_rows) throw new ValidationError(`${where}: row groups hold ${rows} rows but the footer says ${metadata.num_rows}; the file is corrupt`);
}

/**
 * Read and check the footer of a Parquet file: two ranged reads at most
 * (the last 64 KiB, then the rest of a larger footer). Returns hyparquet's
 * metadata, the schema tree with Iceberg field ids (applying `nameMapping`
 * to columns without ids) and, per row group, its columns by field id with
 * null counts and exact min/max as Iceberg values. Throws ValidationError for
 * anything that is not a well-formed Parquet file (never another error type).
 *
 * @example
 * ```ts
 * const footer = await readParquetFooter(io, 's3://lake/gold/tx/data/part-0.parquet');
 * const keep = footer.rowGroups.filter((rg) => (rg.columns.get(1)?.max as bigint) >= 100n);
 * ```
 */
export async function readParquetFooter(io: FileIO, location: string, options: FooterOptions = {}): Promise<ParquetFooter> {
  const where = `Parquet file ${location}`;
  const size = options.fileSize ?? (await io.stat(location)).size;
  if (!Number.isSafeInteger(size) || size < 12) throw new ValidationError(`${where} is ${size} bytes, too short to be Parquet`);
  const tailStart = Math.max(0, size - FOOTER_PREFETCH_BYTES);
  let tail = await io.read(location, { offset: tailStart, length: size - tailStart });
  if (tail.length !== size - tailStart) throw new ValidationError(`${where} changed size while being read`);
  return guarded(where, async () => {
    const dv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    if (dv.getUint32(tail.length - 4, true) !== 0x31524150) throw new ValidationError(`${where} does not end with the Parquet magic bytes PAR1; it is not Parquet or it is truncated`);
    const metaLength = dv.getUint32(tail.length - 8, true);
    if (metaLength > size - 12 || metaLength > MAX_FOOTER_BYTES) throw new ValidationError(`${where} has a footer length of ${metaLength} bytes, which does not fit the file`);
    const footerStart = size - 8 - metaLength;
    if (footerStart < tailStart) {
      const head = await io.read(location, { offset: footerStart, length: tailStart - footerStart });
      const all = new Uint8Array(size - footerStart);
      all.set(head, 0);
      all.set(tail, tailStart - footerStart);
      tail = all;
    }
    const footer = tail.subarray(tail.length - 8 - metaLength);
    const metadata = parquetMetadata(footer.slice(), { geoparquet: false });
    const schema = fileSchema(metadata, where);
    // Like Java's reader: a name mapping applies only to files written without any field ids.
    if (options.nameMapping !== undefined && !schema.hasFieldIds) applyNameMapping(schema, options.nameMapping);
    checkRowGroups(metadata, schema, footerStart, where);
    const stats = rawStats(footer, 0);
    let firstRow = 0;
    const rowGroups = metadata.row_groups.map((rg, index): RowGroupInfo => {
      const columns = new Map<number, ColumnChunkStats>();
      rg.columns.forEach((c, i) => {
        const leaf = schema.leaves[i]!;
        const meta = c.meta_data!;
        if (leaf.fieldId === undefined) return;
        const raw: RawStatistics = stats[index]?.[i] ?? {};
        const type = primitiveTypeOf(leaf.element);
        const legacy = legacyStatsUsable(leaf.element);
        const minBytes = raw.min ?? (legacy ? raw.legacyMin : undefined);
        const maxBytes = raw.max ?? (legacy ? raw.legacyMax : undefined);
        const entry: { -readonly [K in keyof ColumnChunkStats]: ColumnChunkStats[K] } = {
          path: leaf.path,
          valueCount: meta.num_values,
          compressedSize: meta.total_compressed_size,
          range: chunkRange(meta),
        };
        if (raw.nullCount !== undefined) entry.nullCount = raw.nullCount;
        const min = type && minBytes ? statValue(leaf.element, type, minBytes, false) : undefined;
        const max = type && maxBytes ? statValue(leaf.element, type, maxBytes, true) : undefined;
        if (min !== undefined) entry.min = min;
        if (max !== undefined) entry.max = max;
        columns.set(leaf.fieldId, entry);
      });
      const info = { index, numRows: Number(rg.num_rows), firstRow, columns };
      firstRow += info.numRows;
      return info;
    });
    const keyValueMetadata = new Map((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? '']));
    return { location, fileSize: size, metadata, schema, rowGroups, keyValueMetadata };
  });
}
