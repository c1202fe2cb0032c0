/**
 * Parquet writer options, their defaults, and how Iceberg table properties
 * (`write.parquet.*`, `write.metadata.metrics.*`) map onto them.
 */
import { ValidationError } from '../../../errors.js';
import { DEFAULT_METRICS_MODE, parseMetricsMode, type MetricsMode } from '../../../iceberg/metrics.js';
import { parseCompressionCodec, type CompressionCodecName } from '../../compression/codec.js';
import { DictionaryHints } from './dictionary.js';

/** Default codec (`write.parquet.compression-codec`), as in Iceberg 1.4+. */
export const DEFAULT_PARQUET_COMPRESSION_CODEC: CompressionCodecName = 'zstd';
/** Default row group size (`write.parquet.row-group-size-bytes`): 128 MiB. */
export const DEFAULT_ROW_GROUP_SIZE_BYTES = 128 * 1024 * 1024;
/** Default page size (`write.parquet.page-size-bytes`): 1 MiB. */
export const DEFAULT_PAGE_SIZE_BYTES = 1024 * 1024;
/** Default dictionary size limit per column chunk (`write.parquet.dict-size-bytes`): 2 MiB. */
export const DEFAULT_DICT_SIZE_BYTES = 2 * 1024 * 1024;
/** Most rows shredded between two row-group size checks. */
export const WRITE_SLICE_ROWS = 65536;
/** Fewest rows per shredding slice (tiny row groups still get whole slices). */
export const MIN_SLICE_ROWS = 1024;

/** Metrics modes per column, as `write.metadata.metrics.*` sets them. */
export interface MetricsConfig {
  /** Defaults to {@link DEFAULT_METRICS_MODE} (`truncate(16)`). */
  default?: MetricsMode;
  /** By full column name (`a.b`, `tags.element`, `m.key`). */
  columns?: Readonly<Record<string, MetricsMode>>;
}

/** Options of {@link ParquetWriter}. Every field has a default. */
export interface ParquetWriteOptions {
  /** Defaults to {@link DEFAULT_PARQUET_COMPRESSION_CODEC}. */
  codec?: CompressionCodecName;
  /** zstd level; defaults to the codec's default (zstd: 1). Ignored by other codecs. */
  compressionLevel?: number;
  /** Flush a row group when the buffered (compressed) size reaches this. */
  rowGroupSizeBytes?: number;
  pageSizeBytes?: number;
  /** Also cut a page after this many values (`write.parquet.page-row-limit`); default: no limit. */
  pageRowLimit?: number;
  dictSizeBytes?: number;
  /** Dictionary-encode strings and binary; default true. */
  dictionary?: boolean;
  /**
   * Which columns' new column chunks skip the dictionary because earlier chunks
   * found their values mostly distinct (see {@link DictionaryHints}). Default: a
   * fresh one per writer, kept across its row groups. Pass one object to the
   * writers of a partitioned write (same schema) so they learn together; it
   * changes page encodings only, never the values read back.
   */
  dictionaryHints?: DictionaryHints;
  metrics?: MetricsConfig;
  /** Extra footer key/value metadata. */
  keyValueMetadata?: Readonly<Record<string, string>>;
  /** Write the Iceberg schema JSON under `iceberg.schema` as Java does; default true. */
  writeIcebergSchema?: boolean;
}

function positiveInt(props: ReadonlyMap<string, string>, key: string): number | undefined {
  const raw = props.get(key);
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new ValidationError(`table property ${key}=${JSON.stringify(raw)} is invalid; use a positive integer`, { context: { property: key } });
  }
  return n;
}

const METRICS_COLUMN = 'write.metadata.metrics.column.';

/**
 * Writer options from Iceberg table properties: `write.parquet.compression-codec`,
 * `write.parquet.compression-level`, `write.parquet.row-group-size-bytes`,
 * `write.parquet.page-size-bytes`, `write.parquet.page-row-limit`,
 * `write.parquet.dict-size-bytes`, `write.metadata.metrics.default` and
 * `write.metadata.metrics.column.<name>`. Unset properties keep the defaults;
 * invalid values throw ValidationError naming the property.
 *
 * @example
 * ```ts
 * const opts = parquetWriteOptionsFromProperties(table.metadata.properties);
 * const writer = new ParquetWriter(schema, opts);
 * ```
 */
export function parquetWriteOptionsFromProperties(properties: Readonly<Record<string, string>> | ReadonlyMap<string, string>): ParquetWriteOptions {
  const props: ReadonlyMap<string, string> = properties instanceof Map ? properties : new Map(Object.entries(properties));
  const opts: ParquetWriteOptions = {};
  const codec = props.get('write.parquet.compression-codec');
  if (codec !== undefined) opts.codec = parseCompressionCodec(codec);
  const level = props.get('write.parquet.compression-level');
  if (level !== undefined) {
    const n = Number(level.trim());
    if (level.trim() === '' || !Number.isInteger(n)) {
      throw new ValidationError(`table property write.parquet.compression-level=${JSON.stringify(level)} is invalid; use an integer`, { context: { property: 'write.parquet.compression-level' } });
    }
    opts.compressionLevel = n;
  }
  const set = <K extends 'rowGroupSizeBytes' | 'pageSizeBytes' | 'pageRowLimit' | 'dictSizeBytes'>(k: K, key: string) => {
    const v = positiveInt(props, key);
    if (v !== undefined) opts[k] = v;
  };
  set('rowGroupSizeBytes', 'write.parquet.row-group-size-bytes');
  set('pageSizeBytes', 'write.parquet.page-size-bytes');
  set('pageRowLimit', 'write.parquet.page-row-limit');
  set('dictSizeBytes', 'write.parquet.dict-size-bytes');
  const metrics: { default?: MetricsMode; columns?: Record<string, MetricsMode> } = {};
  for (const [key, value] of props) {
    if (key !== 'write.metadata.metrics.default' && !key.startsWith(METRICS_COLUMN)) continue;
    const mode = parseMetricsMode(value);
    if (mode === undefined) {
      throw new ValidationError(`table property ${key}=${JSON.stringify(value)} is invalid; use none, counts, truncate(N) or full`, { context: { property: key } });
    }
    if (key === 'write.metadata.metrics.default') metrics.default = mode;
    else (metrics.columns ??= {})[key.slice(METRICS_COLUMN.length)] = mode;
  }
  if (metrics.default !== undefined || metrics.columns !== undefined) opts.metrics = metrics;
  return opts;
}

/** Options with every default applied. */
export interface ResolvedParquetOptions {
  codec: CompressionCodecName;
  compressionLevel: number | undefined;
  rowGroupSizeBytes: number;
  pageSizeBytes: number;
  pageRowLimit: number | undefined;
  dictSizeBytes: number;
  dictionary: boolean;
  dictionaryHints: DictionaryHints;
  defaultMetricsMode: MetricsMode;
  columnMetricsModes: ReadonlyMap<string, MetricsMode>;
  keyValueMetadata: ReadonlyMap<string, string>;
  writeIcebergSchema: boolean;
}

/** Apply defaults and check sizes. Throws ValidationError for non-positive sizes. */
export function resolveParquetOptions(o: ParquetWriteOptions): ResolvedParquetOptions {
  const size = (name: string, v: number | undefined, d: number): number => {
    const x = v ?? d;
    if (!Number.isSafeInteger(x) || x <= 0) throw new ValidationError(`${name} must be a positive integer, got ${x}`);
    return x;
  };
  return {
    codec: o.codec ?? DEFAULT_PARQUET_COMPRESSION_CODEC,
    compressionLevel: o.compressionLevel,
    rowGroupSizeBytes: size('rowGroupSizeBytes', o.rowGroupSizeBytes, DEFAULT_ROW_GROUP_SIZE_BYTES),
    pageSizeBytes: size('pageSizeBytes', o.pageSizeBytes, DEFAULT_PAGE_SIZE_BYTES),
    pageRowLimit: o.pageRowLimit === undefined ? undefined : size('pageRowLimit', o.pageRowLimit, 1),
    dictSizeBytes: size('dictSizeBytes', o.dictSizeBytes, DEFAULT_DICT_SIZE_BYTES),
    dictionary: o.dictionary ?? true,
    dictionaryHints: o.dictionaryHints ?? new DictionaryHints(),
    defaultMetricsMode: o.metrics?.default ?? DEFAULT_METRICS_MODE,
    columnMetricsModes: new Map(Object.entries(o.metrics?.columns ?? {})),
    keyValueMetadata: new Map(Object.entries(o.keyValueMetadata ?? {})),
    writeIcebergSchema: o.writeIcebergSchema ?? true,
  };
}
