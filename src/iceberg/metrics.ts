/**
 * Per-file column metrics, as Iceberg stores them in a manifest's `data_file`
 * struct. The Parquet writer produces them; manifests store them; scan
 * planning prunes files with them. Keys are Iceberg field ids.
 *
 * Semantics follow the Iceberg spec (and Java's `ParquetMetrics`):
 * - counts are kept for leaf (primitive) fields only; `valueCounts` include nulls
 *   and, inside lists and maps, count elements rather than rows;
 * - `nanValueCounts` exist for float and double columns only;
 * - bounds use the single-value binary serialization (Appendix D), exclude
 *   nulls and NaN, are kept only for primitives not nested in a list or map,
 *   and strings / binary are truncated per the metrics mode (default
 *   `truncate(16)`: the lower bound cut, the upper bound cut and incremented).
 */

/** Metrics of one data or delete file. */
export interface DataFileMetrics {
  recordCount: bigint;
  /** Bytes on disk per column (Parquet: the column chunks' total compressed size). */
  columnSizes: Map<number, bigint>;
  valueCounts: Map<number, bigint>;
  nullValueCounts: Map<number, bigint>;
  nanValueCounts: Map<number, bigint>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
  /** Byte offsets where row groups start, ascending: lets engines split the file. */
  splitOffsets: bigint[];
}

/** How much a column's metrics keep (`write.metadata.metrics.default` / `.column.<name>`). */
export type MetricsMode = { kind: 'none' } | { kind: 'counts' } | { kind: 'truncate'; length: number } | { kind: 'full' };

/** Iceberg's default metrics mode: `truncate(16)`. */
export const DEFAULT_METRICS_MODE: MetricsMode = Object.freeze({ kind: 'truncate', length: 16 });

/** Parse `none`, `counts`, `truncate(N)` or `full`. Returns undefined for anything else. */
export function parseMetricsMode(text: string): MetricsMode | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'none') return { kind: 'none' };
  if (t === 'counts') return { kind: 'counts' };
  if (t === 'full') return { kind: 'full' };
  const m = /^truncate\((\d+)\)$/.exec(t);
  if (m) {
    const length = Number(m[1]);
    if (length > 0) return { kind: 'truncate', length };
  }
  return undefined;
}

/** An empty metrics record. */
export function emptyMetrics(): DataFileMetrics {
  return {
    recordCount: 0n,
    columnSizes: new Map(),
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
    splitOffsets: [],
  };
}
