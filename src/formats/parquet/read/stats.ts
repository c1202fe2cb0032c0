/**
 * Parquet column statistics → Iceberg values (the in-memory form of
 * `values.ts`), decoded from the raw statistics bytes of the footer so that
 * decimals, longs and timestamps stay exact (hyparquet's own statistics
 * decoding turns decimals and timestamps into floats and Dates).
 */
import type { SchemaElement } from 'hyparquet';
import { unscaledFromBytes } from '../../../iceberg/spec/decimal.js';
import type { PrimitiveType } from '../../../iceberg/spec/types.js';
import type { Value } from '../../../iceberg/spec/values.js';
import { uuidFromBytes } from '../../../iceberg/spec/values.js';

/** Raw statistics of one column chunk, as stored in the footer. */
export interface RawStatistics {
  min?: Uint8Array;
  max?: Uint8Array;
  nullCount?: bigint;
  /** Deprecated signed-order `min` (usable for numeric columns only). */
  legacyMin?: Uint8Array;
  /** Deprecated signed-order `max`. */
  legacyMax?: Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function bytesAsLong(el: SchemaElement, b: Uint8Array): bigint | undefined {
  if (el.type === 'INT64' && b.length === 8) return view(b).getBigInt64(0, true);
  if (el.type === 'INT32' && b.length === 4) return BigInt(view(b).getInt32(0, true));
  return undefined;
}

function timeUnitNanos(el: SchemaElement): bigint {
  const lt = el.logical_type;
  const unit = lt?.type === 'TIMESTAMP' || lt?.type === 'TIME' ? lt.unit : el.converted_type === 'TIMESTAMP_MILLIS' || el.converted_type === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
  return unit === 'MILLIS' ? 1_000_000n : unit === 'MICROS' ? 1000n : 1n;
}

function rescaleTime(v: bigint, fromNanos: bigint, toNanos: bigint, isMax: boolean): bigint {
  if (fromNanos >= toNanos) return v * (fromNanos / toNanos);
  const d = toNanos / fromNanos;
  // Floor for a lower bound, ceiling for an upper bound, so pruning stays safe.
  const q = v / d;
  const r = v % d;
  if (r === 0n) return q;
  return isMax ? (v < 0n ? q : q + 1n) : v < 0n ? q - 1n : q;
}

/**
 * The Iceberg value of one statistics bound, or undefined when it cannot be
 * decoded exactly (wrong length, invalid UTF-8, NaN, INT96 timestamps whose
 * order Parquet leaves undefined).
 */
export function statValue(el: SchemaElement, type: PrimitiveType, bytes: Uint8Array, isMax: boolean): Value | undefined {
  switch (type.type) {
    case 'boolean':
      return bytes.length === 1 ? bytes[0] !== 0 : undefined;
    case 'int':
    case 'date':
      return el.type === 'INT32' && bytes.length === 4 ? view(bytes).getInt32(0, true) : undefined;
    case 'long': {
      if (el.type === 'INT32' && bytes.length === 4 && (el.converted_type === 'UINT_32' || (el.logical_type?.type === 'INTEGER' && !el.logical_type.isSigned))) {
        return BigInt(view(bytes).getUint32(0, true));
      }
      return bytesAsLong(el, bytes);
    }
    case 'float': {
      if (bytes.length !== 4) return undefined;
      const f = view(bytes).getFloat32(0, true);
      return Number.isNaN(f) ? undefined : f;
    }
    case 'double': {
      if (bytes.length !== 8) return undefined;
      const d = view(bytes).getFloat64(0, true);
      return Number.isNaN(d) ? undefined : d;
    }
    case 'decimal':
      if (el.type === 'INT32' || el.type === 'INT64') return bytesAsLong(el, bytes);
      return bytes.length > 0 && bytes.length <= 32 ? unscaledFromBytes(bytes) : undefined;
    case 'time': {
      if (el.type === 'INT96') return undefined;
      const v = bytesAsLong(el, bytes);
      return v === undefined ? undefined : rescaleTime(v, timeUnitNanos(el), 1000n, isMax);
    }
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      if (el.type !== 'INT64') return undefined;
      const v = bytesAsLong(el, bytes);
      return v === undefined ? undefined : rescaleTime(v, timeUnitNanos(el), type.type.endsWith('_ns') ? 1n : 1000n, isMax);
    }
    case 'string':
      try {
        return decoder.decode(bytes);
      } catch {
        return undefined;
      }
    case 'uuid':
      return bytes.length === 16 ? uuidFromBytes(bytes) : undefined;
    case 'fixed':
      return bytes.length === type.length ? bytes.slice() : undefined;
    case 'binary':
      return bytes.slice();
    default:
      return undefined;
  }
}

/** Whether the deprecated signed `min`/`max` fields may be used for this physical type. */
export function legacyStatsUsable(el: SchemaElement): boolean {
  const t = el.type;
  return (t === 'INT32' || t === 'INT64' || t === 'FLOAT' || t === 'DOUBLE' || t === 'BOOLEAN') && el.converted_type !== 'UINT_32' && el.converted_type !== 'UINT_64' && el.converted_type !== 'UINT_8' && el.converted_type !== 'UINT_16';
}
