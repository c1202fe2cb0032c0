/**
 * Iceberg data-file metrics (see `src/iceberg/metrics.ts`) from the
 * statistics the writer kept per leaf column: counts for every leaf
 * (elements inside lists and maps included), NaN counts for float and
 * double, bounds in the single-value binary form for primitives outside
 * lists and maps, strings and binary truncated per the column's metrics mode.
 */
import type { DataFileMetrics, MetricsMode } from '../../../iceberg/metrics.js';
import { emptyMetrics } from '../../../iceberg/metrics.js';
import { truncateBinaryLowerBound, truncateBinaryUpperBound, truncateStringLowerBound, truncateStringUpperBound } from '../../../iceberg/spec/bounds.js';
import { unscaledFromBytes, unscaledToBytes } from '../../../iceberg/spec/decimal.js';
import type { ResolvedParquetOptions } from './options.js';
import type { LeafColumn } from './schema.js';
import type { ChunkStats } from './stats.js';

/** What the writer accumulated for one leaf over all row groups. */
export interface LeafTotals {
  readonly leaf: LeafColumn;
  readonly stats: ChunkStats;
  valueCount: number;
  columnSize: number;
  /** Column chunks written (0 for a file without row groups: no metrics, as in Java). */
  chunks: number;
}

/** The metrics mode of a leaf column. */
export function metricsModeOf(opts: ResolvedParquetOptions, leaf: LeafColumn): MetricsMode {
  return opts.columnMetricsModes.get(leaf.columnName) ?? opts.defaultMetricsMode;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function icebergBound(leaf: LeafColumn, stat: Uint8Array): Uint8Array {
  if (leaf.type.type !== 'decimal') return stat.slice();
  const dv = new DataView(stat.buffer, stat.byteOffset, stat.byteLength);
  const unscaled = leaf.sort === 'i32' ? BigInt(dv.getInt32(0, true)) : leaf.sort === 'i64' ? dv.getBigInt64(0, true) : unscaledFromBytes(stat);
  return unscaledToBytes(unscaled);
}

function bounds(leaf: LeafColumn, mode: MetricsMode, min: Uint8Array, max: Uint8Array): [Uint8Array | null, Uint8Array | null] {
  const lower = icebergBound(leaf, min);
  const upper = icebergBound(leaf, max);
  if (mode.kind !== 'truncate') return [lower, upper];
  const t = leaf.type.type;
  if (t === 'string') {
    try {
      const lo = truncateStringLowerBound(utf8.decode(lower), mode.length);
      const hi = truncateStringUpperBound(utf8.decode(upper), mode.length);
      return [encoder.encode(lo), hi === null ? null : encoder.encode(hi)];
    } catch {
      return [null, null]; // not UTF-8: no string bounds rather than wrong ones
    }
  }
  if (t === 'binary' || t === 'fixed') return [truncateBinaryLowerBound(lower, mode.length), truncateBinaryUpperBound(upper, mode.length)];
  return [lower, upper];
}

/** Assemble a file's metrics. */
export function buildMetrics(totals: readonly LeafTotals[], recordCount: number, splitOffsets: readonly number[], opts: ResolvedParquetOptions): DataFileMetrics {
  const m = emptyMetrics();
  m.recordCount = BigInt(recordCount);
  m.splitOffsets = splitOffsets.map((o) => BigInt(o));
  for (const t of totals) {
    const { leaf, stats } = t;
    const mode = metricsModeOf(opts, leaf);
    if (mode.kind === 'none' || t.chunks === 0) continue;
    const id = leaf.fieldId;
    m.columnSizes.set(id, BigInt(t.columnSize));
    m.valueCounts.set(id, BigInt(t.valueCount));
    m.nullValueCounts.set(id, BigInt(stats.nullCount));
    if (leaf.type.type === 'float' || leaf.type.type === 'double') m.nanValueCounts.set(id, BigInt(stats.nanCount));
    if (mode.kind === 'counts' || leaf.inCollection || stats.min === undefined || stats.max === undefined) continue;
    const [lo, hi] = bounds(leaf, mode, stats.min, stats.max);
    if (lo !== null) m.lowerBounds.set(id, lo);
    if (hi !== null) m.upperBounds.set(id, hi);
  }
  return m;
}
