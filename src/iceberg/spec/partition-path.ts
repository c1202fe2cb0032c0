/**
 * Hive-style partition paths (`ts_day=2024-01-05/id_bucket=3`) and the human
 * string of each partition value, matching what Java Iceberg (and so Spark)
 * writes: `PartitionSpec.partitionToPath` with `Transform.toHumanString`.
 *
 * Human strings: year `2024`, month `2024-01`, day `2024-01-05`, hour
 * `2024-01-05-13`, dates `2024-01-05`, timestamps ISO without trailing zero
 * fractions (`2024-01-05T13:00:00`, `…+00:00` with zone), times as Java's
 * `LocalTime` prints them, binary and fixed as Base64, decimals as
 * `BigDecimal.toString`, floats and doubles as Java prints them, null as
 * `null`.
 *
 * Escaping is Java's `URLEncoder` (UTF-8): `A-Z a-z 0-9 . - * _` stay,
 * space becomes `+`, every other byte becomes `%XX`. So `/`, `=`, `%`,
 * control characters and everything non-ASCII are escaped, a value can never
 * add a path segment (`../x` → `..%2Fx`), and an escaped value decodes back
 * exactly. One deliberate difference from Java: the *string* `"null"` is
 * written `%6Eull`, so it stays distinct from a null value (`null`); any URL
 * decoder still reads it as `null`.
 */
import { ValidationError } from '../../errors.js';
import { decimalToJavaString } from './decimal.js';
import type { PartitionSpec } from './partition.js';
import { partitionType } from './partition.js';
import type { Schema } from './schema.js';
import { civilFromDays, floorDiv, floorMod, formatNanosOfDay, formatTimestamp, javaYear } from './temporal.js';
import type { Transform } from './transforms.js';
import type { IcebergType } from './types.js';
import { isWellFormed } from './value-check.js';
import type { Value } from './values.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

function humanDay(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${javaYear(year)}-${pad2(month)}-${pad2(day)}`;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Java's `Double.toString` (shortest digits; scientific below 1e-3 and from 1e7). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = d.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exp)}`;
}

/** Java's `Float.toString` of a float32 value (shortest digits that round-trip through float32). */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(f);
}

/**
 * The human string of a partition value, as Java's `toHumanString` gives it
 * for a field with this transform and result type.
 */
export function partitionValueToHumanString(transform: Transform, resultType: IcebergType, value: Value): string {
  if (value === null) return 'null';
  switch (transform.type) {
    case 'year':
      return javaYear(1970 + (value as number));
    case 'month':
      return `${javaYear(1970 + Math.floor((value as number) / 12))}-${pad2((((value as number) % 12) + 12) % 12 + 1)}`;
    case 'hour': {
      const h = BigInt(value as number);
      return `${humanDay(Number(floorDiv(h, 24n)))}-${pad2(Number(floorMod(h, 24n)))}`;
    }
  }
  switch (resultType.type) {
    case 'date':
      return humanDay(value as number);
    case 'time':
      return formatNanosOfDay((value as bigint) * 1000n, 'java');
    case 'timestamp':
    case 'timestamptz':
      return formatTimestamp(value as bigint, 'us', resultType.type === 'timestamptz', 'iso');
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return formatTimestamp(value as bigint, 'ns', resultType.type === 'timestamptz_ns', 'iso');
    case 'fixed':
    case 'binary':
      return base64(value as Uint8Array);
    case 'decimal':
      return decimalToJavaString(value as bigint, resultType.scale);
    case 'float':
      return javaFloatToString(value as number);
    case 'double':
      return javaDoubleToString(value as number);
    default:
      return String(value);
  }
}

const SAFE = /[A-Za-z0-9.\-*_]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Escape a partition field name or human value for a path segment (Java
 * `URLEncoder`, UTF-8; the string `null` becomes `%6Eull`). The result only
 * contains `A-Z a-z 0-9 . - * _ + %`. Throws ValidationError for strings with
 * lone surrogates, which have no UTF-8 form.
 */
export function escapePartitionPathPart(text: string): string {
  if (!isWellFormed(text)) throw new ValidationError('a partition name or value contains a lone UTF-16 surrogate and has no UTF-8 form; clean the string first');
  if (text === 'null') return '%6Eull';
  let out = '';
  for (const ch of text) {
    if (SAFE.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of encoder.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reverse {@link escapePartitionPathPart}. Throws ValidationError on text it could not have produced. */
export function unescapePartitionPathPart(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new ValidationError(`bad escape ${JSON.stringify(text.slice(i, i + 3))} in partition path part; expected %XX with two hex digits`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+') {
      bytes.push(0x20);
    } else if (SAFE.test(c)) {
      bytes.push(c.charCodeAt(0));
    } else {
      throw new ValidationError(`character ${JSON.stringify(c)} must be escaped in a partition path part; escape it with escapePartitionPathPart`);
    }
  }
  try {
    return decoder.decode(Uint8Array.from(bytes));
  } catch (cause) {
    throw new ValidationError('a partition path part decodes to invalid UTF-8; the path was not written by an Iceberg writer', { cause });
  }
}

/**
 * The Hive-style path of a partition tuple: `name=value` segments joined by
 * `/`, names and human values escaped. `tuple` holds one value per spec field.
 *
 * @example
 * ```ts
 * partitionToPath(spec, schema, [19727, 3]); // 'ts_day=2024-01-05/id_bucket=3'
 * ```
 */
export function partitionToPath(spec: PartitionSpec, schema: Schema, tuple: readonly Value[]): string {
  if (tuple.length !== spec.fields.length) {
    throw new ValidationError(`partition tuple has ${tuple.length} values but spec ${spec.specId} has ${spec.fields.length} fields; pass one value per field`);
  }
  const types = partitionType(spec, schema).fields;
  return spec.fields
    .map((f, i) => {
      const value = tuple[i] ?? null;
      const human = value === null ? 'null' : escapePartitionPathPart(partitionValueToHumanString(f.transform, types[i]!.type, value));
      return `${escapePartitionPathPart(f.name)}=${human}`;
    })
    .join('/');
}

/** One `name=value` segment of a partition path; `value` is null for a null partition value. */
export interface PartitionPathSegment {
  name: string;
  value: string | null;
}

/** Split and unescape a partition path written by {@link partitionToPath} (values stay human strings). */
export function parsePartitionPath(path: string): PartitionPathSegment[] {
  if (path === '') return [];
  return path.split('/').map((segment) => {
    const eq = segment.indexOf('=');
    if (eq < 0) throw new ValidationError(`partition path segment ${JSON.stringify(segment.slice(0, 60))} has no "="; expected name=value`);
    const raw = segment.slice(eq + 1);
    return { name: unescapePartitionPathPart(segment.slice(0, eq)), value: raw === 'null' ? null : unescapePartitionPathPart(raw) };
  });
}
