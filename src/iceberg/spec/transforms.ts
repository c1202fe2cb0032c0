/**
 * Partition and sort transforms (spec, "Partition Transforms"): what they
 * are, their string forms, which source types they accept and what type they
 * produce. Applying a transform to values lives in `transform-apply.ts`.
 *
 * Transforms this version does not know (`zorder`, future ones) parse to
 * `{ type: 'unknown', name }` and write back unchanged, as v3 readers must
 * tolerate them; they cannot be applied.
 *
 * @example
 * ```ts
 * parseTransform('bucket[16]');          // { type: 'bucket', numBuckets: 16 }
 * formatTransform(Transforms.day);       // 'day'
 * transformResultType(Transforms.day, Types.timestamptz); // Types.date
 * ```
 */
import { ValidationError } from '../../errors.js';
import type { IcebergType } from './types.js';
import { isPrimitive, Types, typeToString } from './types.js';

/** The source value unchanged. */
export interface IdentityTransform {
  readonly type: 'identity';
}
/** `bucket[N]`: Murmur3 hash of the value, mod N. */
export interface BucketTransform {
  readonly type: 'bucket';
  readonly numBuckets: number;
}
/** `truncate[W]`: the value truncated to width W. */
export interface TruncateTransform {
  readonly type: 'truncate';
  readonly width: number;
}
/** Calendar parts as ordinals since 1970: `year`, `month`, `day`, `hour`. */
export interface TimeTransform {
  readonly type: 'year' | 'month' | 'day' | 'hour';
}
/** Always null; used to drop a partition field in v1 tables. */
export interface VoidTransform {
  readonly type: 'void';
}
/** A transform this version does not know; kept by name, never applied. */
export interface UnknownTransform {
  readonly type: 'unknown';
  readonly name: string;
}

/** Any transform. */
export type Transform = IdentityTransform | BucketTransform | TruncateTransform | TimeTransform | VoidTransform | UnknownTransform;

function positive(kind: string, n: number): number {
  if (!Number.isInteger(n) || n <= 0 || n > 2147483647) throw new ValidationError(`${kind}[${n}] is invalid: the parameter must be a positive 32-bit integer`);
  return n;
}

/** The transforms, as constants and constructors. */
export const Transforms = Object.freeze({
  identity: Object.freeze({ type: 'identity' }) as IdentityTransform,
  year: Object.freeze({ type: 'year' }) as TimeTransform,
  month: Object.freeze({ type: 'month' }) as TimeTransform,
  day: Object.freeze({ type: 'day' }) as TimeTransform,
  hour: Object.freeze({ type: 'hour' }) as TimeTransform,
  void: Object.freeze({ type: 'void' }) as VoidTransform,
  /** `bucket[N]`, N > 0. */
  bucket: (numBuckets: number): BucketTransform => Object.freeze({ type: 'bucket', numBuckets: positive('bucket', numBuckets) }),
  /** `truncate[W]`, W > 0. */
  truncate: (width: number): TruncateTransform => Object.freeze({ type: 'truncate', width: positive('truncate', width) }),
});

const PARAM = /^(\w+)\[\s*(\d+)\s*\]$/;

/**
 * Parse a transform string (`identity`, `bucket[16]`, `truncate[4]`, `year`,
 * `month`, `day`, `hour`, `void`; case-insensitive). Unknown names give an
 * {@link UnknownTransform}; a known name with a bad parameter throws
 * ValidationError.
 */
export function parseTransform(text: string): Transform {
  const t = text.trim();
  const lower = t.toLowerCase();
  switch (lower) {
    case 'identity':
      return Transforms.identity;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return Transforms[lower];
    case 'void':
      return Transforms.void;
  }
  const m = PARAM.exec(lower);
  if (m && (m[1] === 'bucket' || m[1] === 'truncate')) {
    const n = Number(m[2]);
    return m[1] === 'bucket' ? Transforms.bucket(n) : Transforms.truncate(n);
  }
  return Object.freeze({ type: 'unknown', name: text });
}

/** The spec's string form of a transform. */
export function formatTransform(t: Transform): string {
  switch (t.type) {
    case 'bucket':
      return `bucket[${t.numBuckets}]`;
    case 'truncate':
      return `truncate[${t.width}]`;
    case 'unknown':
      return t.name;
    default:
      return t.type;
  }
}

/** Whether two transforms are the same. */
export function transformEquals(a: Transform, b: Transform): boolean {
  return formatTransform(a) === formatTransform(b);
}

const BUCKET_SOURCES = new Set([
  'int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'fixed', 'binary',
]);
const TRUNCATE_SOURCES = new Set(['int', 'long', 'decimal', 'string', 'binary']);
const DATE_SOURCES = new Set(['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);
const HOUR_SOURCES = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/** Whether `t` can be applied to values of `source` (the spec's "Source types" column). */
export function canTransform(t: Transform, source: IcebergType): boolean {
  switch (t.type) {
    case 'identity':
      return isPrimitive(source) && source.type !== 'geometry' && source.type !== 'geography';
    case 'bucket':
      return BUCKET_SOURCES.has(source.type);
    case 'truncate':
      return TRUNCATE_SOURCES.has(source.type);
    case 'year':
    case 'month':
    case 'day':
      return DATE_SOURCES.has(source.type);
    case 'hour':
      return HOUR_SOURCES.has(source.type);
    case 'void':
    case 'unknown':
      return true;
  }
}

/**
 * The type a transform produces from `source` (the spec's "Result type"
 * column; `string` for unknown transforms, as Java assumes). Throws
 * ValidationError when the transform cannot apply to `source`.
 */
export function transformResultType(t: Transform, source: IcebergType): IcebergType {
  if (!canTransform(t, source)) {
    throw new ValidationError(
      `transform ${formatTransform(t)} cannot be applied to a ${typeToString(source)} column; choose a transform that supports it (see the Iceberg spec, "Partition Transforms")`,
    );
  }
  switch (t.type) {
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return Types.int;
    case 'day':
      return Types.date;
    case 'unknown':
      return Types.string;
    default:
      return source;
  }
}

/**
 * Whether ordering by the transformed value never contradicts ordering by
 * the source value (true for identity, truncate and the time transforms).
 */
export function preservesOrder(t: Transform): boolean {
  switch (t.type) {
    case 'identity':
    case 'truncate':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return true;
    default:
      return false;
  }
}
