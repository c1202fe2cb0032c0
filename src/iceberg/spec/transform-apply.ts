/**
 * Applying transforms to values (spec "Partition Transforms", "Bucket
 * Transform Details", "Truncate Transform Details" and Appendix B).
 *
 * Values use the in-memory forms of `values.ts`. Time transforms produce
 * ordinals since 1970 with floor semantics, so instants before the epoch fall
 * in the right (negative) year, month, day or hour.
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import { unscaledToBytes } from './decimal.js';
import { murmur3Bytes, murmur3Int, murmur3Long } from './murmur3.js';
import { civilFromDays, floorDiv, floorMod, MICROS_PER_DAY, MICROS_PER_HOUR, NANOS_PER_DAY } from './temporal.js';
import type { Transform } from './transforms.js';
import { formatTransform, transformResultType } from './transforms.js';
import type { IcebergType } from './types.js';
import { typeToString } from './types.js';
import { checkValue } from './value-check.js';
import type { Value } from './values.js';
import { uuidToBytes } from './values.js';

const encoder = new TextEncoder();
const view = new DataView(new ArrayBuffer(8));

function doubleToLongBits(d: number): bigint {
  if (Number.isNaN(d)) return 0x7ff8000000000000n;
  view.setFloat64(0, d === 0 ? 0 : d); // canonicalises -0.0 to 0.0
  return view.getBigInt64(0);
}

/**
 * The 32-bit hash of a non-null value per Appendix B (signed, as Java
 * returns it). Covers the bucketable types and also `boolean`, `float` and
 * `double`, whose hashes the spec defines for future use.
 */
export function hashValue(type: IcebergType, value: Value): number {
  checkValue(type, value);
  if (value === null) throw new ValidationError('cannot hash null; null values have no bucket');
  switch (type.type) {
    case 'int':
    case 'date':
      return murmur3Int(value as number);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return murmur3Long(value as bigint);
    case 'timestamp_ns':
    case 'timestamptz_ns':
      // converted to microseconds first, so that a timestamp hashes alike at either precision
      return murmur3Long(floorDiv(value as bigint, 1000n));
    case 'decimal':
      return murmur3Bytes(unscaledToBytes(value as bigint));
    case 'string':
      return murmur3Bytes(encoder.encode(value as string));
    case 'uuid':
      return murmur3Bytes(uuidToBytes(value as string));
    case 'fixed':
    case 'binary':
      return murmur3Bytes(value as Uint8Array);
    case 'boolean':
      return murmur3Int(value ? 1 : 0);
    case 'float':
    case 'double':
      return murmur3Long(doubleToLongBits(value as number));
    default:
      throw new UnsupportedError(`values of type ${typeToString(type)} have no 32-bit hash (spec Appendix B)`);
  }
}

/** `bucket[N]` of a non-null value: `(hash & Integer.MAX_VALUE) % N`. */
export function bucketValue(type: IcebergType, value: Value, numBuckets: number): number {
  return (hashValue(type, value) & 0x7fffffff) % numBuckets;
}

/** First `length` Unicode code points of `s` (not UTF-16 units). */
export function truncateString(s: string, length: number): string {
  if (s.length <= length) return s; // at most `length` code points already
  let count = 0;
  let i = 0;
  while (i < s.length && count < length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    count += 1;
  }
  return s.slice(0, i);
}

function toInt32(n: bigint, what: string): number {
  if (n < -2147483648n || n > 2147483647n) throw new ValidationError(`${what} ordinal ${n} does not fit a 32-bit int; the timestamp is out of the supported range`);
  return Number(n);
}

function daysOf(type: IcebergType, v: Value): number {
  switch (type.type) {
    case 'date':
      return v as number;
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return toInt32(floorDiv(v as bigint, NANOS_PER_DAY), 'day');
    default:
      return toInt32(floorDiv(v as bigint, MICROS_PER_DAY), 'day');
  }
}

/** A function from source value to partition value for one transform and source type. */
export type TransformFunction = (value: Value) => Value;

/**
 * Bind a transform to a source type, returning a function that transforms
 * values (null stays null). Throws ValidationError if the transform cannot
 * apply to the type, UnsupportedError for unknown transforms.
 *
 * @example
 * ```ts
 * const day = bindTransform(Transforms.day, Types.timestamp);
 * day(-1n); // -1 (1969-12-31)
 * ```
 */
export function bindTransform(t: Transform, source: IcebergType): TransformFunction {
  transformResultType(t, source); // validates the source type
  const apply = unchecked(t, source);
  return (value) => {
    if (value === null) return null;
    checkValue(source, value, `source value for ${formatTransform(t)}`);
    return apply(value);
  };
}

function unchecked(t: Transform, source: IcebergType): TransformFunction {
  switch (t.type) {
    case 'identity':
      return (v) => v;
    case 'void':
      return () => null;
    case 'bucket':
      return (v) => (hashValue(source, v) & 0x7fffffff) % t.numBuckets;
    case 'truncate':
      return truncateFunction(source, t.width);
    case 'year':
      return (v) => civilFromDays(daysOf(source, v)).year - 1970;
    case 'month':
      return (v) => {
        const { year, month } = civilFromDays(daysOf(source, v));
        return (year - 1970) * 12 + month - 1;
      };
    case 'day':
      return (v) => daysOf(source, v);
    case 'hour': {
      const perHour = source.type.endsWith('_ns') ? MICROS_PER_HOUR * 1000n : MICROS_PER_HOUR;
      return (v) => toInt32(floorDiv(v as bigint, perHour), 'hour');
    }
    case 'unknown':
      throw new UnsupportedError(`transform ${t.name} is not known to lakekit and cannot be applied; readers ignore it, writers must not use it`);
  }
}

function truncateFunction(source: IcebergType, width: number): TransformFunction {
  const w = BigInt(width);
  switch (source.type) {
    case 'int':
      // v - (((v % W) + W) % W) in wrapping 32-bit arithmetic, exactly as the reference implementation computes it
      return (v) => ((v as number) - ((((v as number) % width) + width) | 0) % width) | 0;
    case 'long':
      return (v) => BigInt.asIntN(64, (v as bigint) - (BigInt.asIntN(64, ((v as bigint) % w) + w) % w));
    case 'decimal':
      // the width applies to the unscaled value (W=50 at scale 2 truncates to multiples of 0.50)
      return (v) => (v as bigint) - floorMod(v as bigint, w);
    case 'string':
      return (v) => truncateString(v as string, width);
    default:
      return (v) => (v as Uint8Array).slice(0, width);
  }
}

/** Apply a transform to one value (binds it first; bind once with {@link bindTransform} for many values). */
export function applyTransform(t: Transform, source: IcebergType, value: Value): Value {
  return bindTransform(t, source)(value);
}
