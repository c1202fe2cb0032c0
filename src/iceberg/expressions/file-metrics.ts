/**
 * Reading a data file's column metrics for the metrics evaluators: counts
 * that may be missing, and lower / upper bounds decoded from their
 * single-value bytes (spec Appendix D) with the column's current type.
 *
 * A bound that cannot be decoded (corrupt bytes) or is NaN (some writers
 * produce NaN bounds for float columns) is treated as absent, which only
 * makes pruning more cautious.
 */
import type { DataFileMetrics } from '../metrics.js';
import type { PrimitiveType } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import { fromBytes } from '../spec/values.js';
import { isNaNValue } from './compare.js';

/** The metrics the evaluators read; any map may be missing or lack a column. */
export interface FileMetrics {
  readonly recordCount: bigint | number;
  readonly valueCounts?: ReadonlyMap<number, bigint | number>;
  readonly nullValueCounts?: ReadonlyMap<number, bigint | number>;
  readonly nanValueCounts?: ReadonlyMap<number, bigint | number>;
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>;
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>;
}

// DataFileMetrics is a FileMetrics; this line fails to compile if the two drift apart.
const _compatible: (m: DataFileMetrics) => FileMetrics = (m) => m;
void _compatible;

function count(map: ReadonlyMap<number, bigint | number> | undefined, id: number): bigint | undefined {
  const v = map?.get(id);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v) : undefined;
}

function bound(map: ReadonlyMap<number, Uint8Array> | undefined, id: number, type: PrimitiveType): Value | undefined {
  const bytes = map?.get(id);
  if (bytes === undefined) return undefined;
  try {
    const v = fromBytes(type, bytes);
    return v === null || isNaNValue(v) ? undefined : v;
  } catch {
    return undefined;
  }
}

/** Answers about one file's column statistics. */
export class MetricsView {
  constructor(private readonly m: FileMetrics) {}

  /** The record count as a bigint (-1 when unknown). */
  get recordCount(): bigint {
    const r = this.m.recordCount;
    return typeof r === 'bigint' ? r : Number.isInteger(r) ? BigInt(r) : -1n;
  }

  /** Null count is unknown or non-zero. */
  mayContainNull(id: number): boolean {
    return count(this.m.nullValueCounts, id) !== 0n;
  }

  /** Known: every value is null. */
  containsNullsOnly(id: number): boolean {
    const values = count(this.m.valueCounts, id);
    const nulls = count(this.m.nullValueCounts, id);
    return values !== undefined && nulls !== undefined && values - nulls === 0n;
  }

  /** NaN count is unknown or non-zero. */
  mayContainNaN(id: number): boolean {
    return count(this.m.nanValueCounts, id) !== 0n;
  }

  /** Known: every value is NaN. */
  containsNaNsOnly(id: number): boolean {
    const values = count(this.m.valueCounts, id);
    const nans = count(this.m.nanValueCounts, id);
    return values !== undefined && nans !== undefined && nans === values;
  }

  /** The decoded lower bound, or undefined. */
  lower(id: number, type: PrimitiveType): Value | undefined {
    return bound(this.m.lowerBounds, id, type);
  }

  /** The decoded upper bound, or undefined. */
  upper(id: number, type: PrimitiveType): Value | undefined {
    return bound(this.m.upperBounds, id, type);
  }
}
