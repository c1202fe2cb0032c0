/**
 * Partition field summaries (`manifest_file.partitions`, spec "Manifest
 * Lists"): per partition field, whether any entry's value is null or NaN and
 * the lowest and highest other values, which scan planning uses to skip
 * whole manifests.
 */
import type { StructType } from '../spec/types.js';
import type { StructValue, Value } from '../spec/values.js';
import { toBytes } from '../spec/values.js';
import type { PartitionFieldSummary } from './types.js';
import { compareValues } from './value-order.js';

interface FieldStats {
  containsNull: boolean;
  containsNan: boolean;
  min: Value | undefined;
  max: Value | undefined;
}

/**
 * Accumulates the partition tuples of a manifest's entries into one
 * {@link PartitionFieldSummary} per partition field.
 *
 * @example
 * ```ts
 * const b = new PartitionSummaryBuilder(partitionType(spec, schema));
 * b.update(new Map([[1000, 19723]]));
 * b.summaries(); // [{ containsNull: false, containsNan: false, lowerBound: <4 bytes>, upperBound: <4 bytes> }]
 * ```
 */
export class PartitionSummaryBuilder {
  private readonly stats: FieldStats[];

  constructor(private readonly partitionType: StructType) {
    this.stats = partitionType.fields.map(() => ({ containsNull: false, containsNan: false, min: undefined, max: undefined }));
  }

  /** Count one partition tuple (keyed by partition field id; a missing id counts as null). */
  update(partition: StructValue): void {
    this.partitionType.fields.forEach((f, i) => {
      const s = this.stats[i]!;
      const v = partition.get(f.id) ?? null;
      if (v === null) s.containsNull = true;
      else if (typeof v === 'number' && Number.isNaN(v)) s.containsNan = true;
      else {
        if (s.min === undefined || compareValues(f.type, v, s.min) < 0) s.min = v;
        if (s.max === undefined || compareValues(f.type, v, s.max) > 0) s.max = v;
      }
    });
  }

  /**
   * The summaries, in partition field order. `containsNan` is always set
   * (false for types without NaN), as Java writes it.
   */
  summaries(): PartitionFieldSummary[] {
    return this.partitionType.fields.map((f, i) => {
      const s = this.stats[i]!;
      const summary: PartitionFieldSummary = { containsNull: s.containsNull, containsNan: s.containsNan };
      if (s.min !== undefined) summary.lowerBound = toBytes(f.type, s.min);
      if (s.max !== undefined) summary.upperBound = toBytes(f.type, s.max);
      return summary;
    });
  }
}
