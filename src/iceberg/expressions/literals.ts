/**
 * Converting a user's literal to a column's Iceberg type (Java's
 * `Literal.to`), exactly.
 *
 * A literal either converts to a value of the type ({@link ExactLiteral}) or
 * falls strictly between two neighbouring values the type can hold
 * ({@link BetweenLiteral}: `3.5` for an int column lies between 3 and 4,
 * `1e12` lies above the largest int, `'2026-01-01T10:00'` lies between two
 * dates). Binding then rewrites the predicate exactly — `x < 3.5` becomes
 * `x <= 3`, `x = 1e12` becomes false — which generalises Java's
 * AboveMax / BelowMin.
 *
 * Accepted inputs per type: numbers, bigints and numeric strings for
 * int / long / decimal / float / double (decimal text is taken exactly:
 * `0.1` is one tenth); ISO strings and `Date` for dates, times and
 * timestamps (`'2026-11-01'`, `'2026-11-01 10:00:00'`, `'…T10:00:00Z'` for
 * timestamptz), or numbers in the type's own unit (days, microseconds,
 * nanoseconds); UUID strings; `Uint8Array` or hex strings for binary and
 * fixed; booleans or `'true'` / `'false'` for boolean.
 */
import { ValidationError } from '../../errors.js';
import { parseDecimal } from '../spec/decimal.js';
import { floorDiv, MICROS_PER_DAY, parseDate, parseTime, parseTimestamp } from '../spec/temporal.js';
import type { PrimitiveType } from '../spec/types.js';
import { typeToString } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import { isUuid, uuidFromBytes } from '../spec/values.js';
import type { LiteralValue } from './expression.js';

/** The literal is exactly this value of the type. */
export interface ExactLiteral {
  readonly kind: 'exact';
  readonly value: Value;
}
/**
 * The literal lies strictly between two adjacent values of the type:
 * `below` is the largest value under it (null: it is below the type's
 * range), `above` the smallest value over it (null: above the range).
 */
export interface BetweenLiteral {
  readonly kind: 'between';
  readonly below: Value;
  readonly above: Value;
}
/** Result of {@link convertLiteral}. */
export type ConvertedLiteral = ExactLiteral | BetweenLiteral;

const exact = (value: Value): ExactLiteral => ({ kind: 'exact', value });
const between = (below: Value, above: Value): BetweenLiteral => ({ kind: 'between', below, above });

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const FLOAT_MAX = 3.4028234663852886e38;

function describe(lit: LiteralValue): string {
  if (lit instanceof Uint8Array) return `${lit.length} bytes`;
  if (lit instanceof Date) return `Date ${lit.toISOString()}`;
  const text = typeof lit === 'string' ? JSON.stringify(lit.length > 60 ? `${lit.slice(0, 60)}…` : lit) : String(lit);
  return `${typeof lit} ${text}`;
}

function fail(type: PrimitiveType, lit: LiteralValue, column: string, hint: string): never {
  throw new ValidationError(`cannot compare column ${JSON.stringify(column)} of type ${typeToString(type)} with ${describe(lit)}; ${hint}`, {
    context: { column, type: typeToString(type) },
  });
}

/** An exact decimal number: unscaled × 10^-scale. */
interface Decimal {
  unscaled: bigint;
  scale: number;
}

function numeric(lit: LiteralValue): Decimal | undefined {
  if (typeof lit === 'bigint') return { unscaled: lit, scale: 0 };
  if (typeof lit === 'number') {
    if (!Number.isFinite(lit)) return undefined;
    if (Number.isInteger(lit) && Math.abs(lit) <= Number.MAX_SAFE_INTEGER) return { unscaled: BigInt(lit), scale: 0 };
    return parseDecimal(String(lit)); // the shortest text that reads back as `lit`: what the user wrote
  }
  if (typeof lit === 'string') {
    const text = lit.trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,6})?$/.test(text)) return undefined;
    return parseDecimal(text.replace(/^\+/, ''));
  }
  return undefined;
}

/** The decimal at `scale`, exactly or between two neighbours, clamped to [min, max]. */
function toScale(d: Decimal, scale: number, min: bigint, max: bigint): ConvertedLiteral {
  let result: ConvertedLiteral;
  const shift = scale - d.scale;
  const sign = d.unscaled < 0n ? -1n : 1n;
  // parseDecimal keeps at most 400 digits, so far-out exponents only decide the sign (and avoid huge powers)
  if (d.unscaled === 0n) return clamp(exact(0n), min, max);
  if (shift > 500) return clamp(exact(sign * 10n ** 500n), min, max);
  if (shift < -500) return clamp(sign < 0n ? between(-1n, 0n) : between(0n, 1n), min, max);
  if (shift >= 0) {
    result = exact(d.unscaled * 10n ** BigInt(shift));
  } else {
    const f = 10n ** BigInt(-shift);
    const q = floorDiv(d.unscaled, f);
    result = q * f === d.unscaled ? exact(q) : between(q, q + 1n);
  }
  return clamp(result, min, max);
}

function clamp(c: ConvertedLiteral, min: bigint, max: bigint): ConvertedLiteral {
  if (c.kind === 'exact') {
    const v = c.value as bigint;
    return v > max ? between(max, null) : v < min ? between(null, min) : c;
  }
  // below and above are adjacent integers here
  if ((c.below as bigint) >= max) return between(max, null);
  if ((c.above as bigint) <= min) return between(null, min);
  return c;
}

function asNumber(c: ConvertedLiteral): ConvertedLiteral {
  if (c.kind === 'exact') return exact(Number(c.value as bigint));
  return between(c.below === null ? null : Number(c.below as bigint), c.above === null ? null : Number(c.above as bigint));
}

function floating(type: PrimitiveType, lit: LiteralValue, column: string): ConvertedLiteral {
  let d: number;
  if (typeof lit === 'number') d = lit;
  else if (typeof lit === 'bigint') d = Number(lit);
  else if (typeof lit === 'string' && /^\s*[+-]?Infinity\s*$/.test(lit)) d = Number(lit.trim());
  else if (typeof lit === 'string' && numeric(lit) !== undefined) d = Number(lit.trim());
  else return fail(type, lit, column, 'use a number');
  if (type.type === 'double' || !Number.isFinite(d)) return exact(d);
  const f = Math.fround(d); // the float nearest the literal, as Java converts it
  if (Number.isFinite(f)) return exact(f);
  return d > 0 ? between(FLOAT_MAX, Infinity) : between(-Infinity, -FLOAT_MAX);
}

function integral(type: PrimitiveType, lit: LiteralValue, column: string, min: bigint, max: bigint): ConvertedLiteral {
  const d = numeric(lit);
  if (d === undefined) {
    if (typeof lit === 'number' && Number.isFinite(lit) === false) return lit > 0 ? between(max, null) : between(null, min);
    return fail(type, lit, column, 'use a number or bigint');
  }
  return toScale(d, 0, min, max);
}

function timestampFromText(type: PrimitiveType, text: string, column: string): ConvertedLiteral {
  const zoned = type.type === 'timestamptz' || type.type === 'timestamptz_ns';
  let t = text.trim();
  if (/^[+-]?\d{4,9}-\d{2}-\d{2}$/.test(t)) t += 'T00:00:00';
  t = t.replace(/^([+-]?\d{4,9}-\d{2}-\d{2}) /, '$1T');
  let parsed;
  try {
    parsed = parseTimestamp(t, 'ns');
  } catch (cause) {
    throw new ValidationError(`${(cause as Error).message} (column ${JSON.stringify(column)})`, { cause });
  }
  if (parsed.offsetMinutes !== undefined && !zoned) {
    return fail(type, text, column, `column ${JSON.stringify(column)} is a timestamp without time zone: write the local time without an offset, such as "2026-11-01T10:00:00"`);
  }
  const per = type.type.endsWith('_ns') ? 1n : 1000n;
  const q = floorDiv(parsed.value, per);
  return clamp(q * per === parsed.value ? exact(q) : between(q, q + 1n), LONG_MIN, LONG_MAX);
}

function temporal(type: PrimitiveType, lit: LiteralValue, column: string): ConvertedLiteral {
  const nanos = type.type.endsWith('_ns');
  if (lit instanceof Date) {
    const ms = BigInt(lit.getTime());
    if (type.type === 'date') {
      const days = floorDiv(ms, 86_400_000n);
      return days * 86_400_000n === ms ? exact(Number(days)) : between(Number(days), Number(days) + 1);
    }
    if (type.type === 'time') return fail(type, lit, column, 'write the time of day as a string such as "22:31:08.000001"');
    return exact(ms * (nanos ? 1_000_000n : 1000n));
  }
  if (typeof lit === 'string') {
    const text = lit.trim();
    if (type.type === 'date') {
      if (/^[+-]?\d{4,9}-\d{2}-\d{2}$/.test(text)) return exact(parseDate(text));
      const micros = timestampFromText({ type: 'timestamp' }, text, column);
      const lo = floorDiv((micros.kind === 'exact' ? micros.value : micros.below) as bigint, MICROS_PER_DAY);
      const isMidnight = micros.kind === 'exact' && lo * MICROS_PER_DAY === micros.value;
      return isMidnight ? exact(Number(lo)) : between(Number(lo), Number(lo) + 1);
    }
    if (type.type === 'time') {
      if (/^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(text)) return exact(parseTime(text));
      return fail(type, lit, column, 'write the time of day such as "22:31:08.000001"');
    }
    return timestampFromText(type, text, column);
  }
  if (typeof lit === 'number' || typeof lit === 'bigint') {
    if (type.type === 'date') return asNumber(integral(type, lit, column, INT_MIN, INT_MAX));
    if (type.type === 'time') return integral(type, lit, column, 0n, 86_400_000_000n - 1n);
    return integral(type, lit, column, LONG_MIN, LONG_MAX);
  }
  return fail(type, lit, column, 'use an ISO-8601 string such as "2026-11-01" or "2026-11-01T10:00:00", or a Date');
}

function bytes(type: PrimitiveType, lit: LiteralValue, column: string): Uint8Array {
  if (lit instanceof Uint8Array) return lit;
  if (typeof lit === 'string' && /^(?:[0-9a-fA-F]{2})*$/.test(lit)) {
    const out = new Uint8Array(lit.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(lit.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  return fail(type, lit, column, 'use a Uint8Array or a hex string');
}

/**
 * Convert `lit` to a value of `type` (see the module comment). Throws
 * ValidationError, naming `column`, when the literal cannot stand for a value
 * of the type at all (a string for an int column, a malformed date, NaN).
 */
export function convertLiteral(type: PrimitiveType, lit: LiteralValue, column = 'column'): ConvertedLiteral {
  if (typeof lit === 'number' && Number.isNaN(lit)) fail(type, lit, column, 'NaN equals nothing; use isNaN / notNaN');
  switch (type.type) {
    case 'boolean':
      if (typeof lit === 'boolean') return exact(lit);
      if (typeof lit === 'string' && /^(true|false)$/i.test(lit.trim())) return exact(lit.trim().toLowerCase() === 'true');
      return fail(type, lit, column, 'use true or false');
    case 'int':
      return asNumber(integral(type, lit, column, INT_MIN, INT_MAX));
    case 'long':
      return integral(type, lit, column, LONG_MIN, LONG_MAX);
    case 'float':
    case 'double':
      return floating(type, lit, column);
    case 'decimal': {
      const d = typeof lit === 'number' && !Number.isFinite(lit) ? undefined : numeric(lit);
      const max = 10n ** BigInt(type.precision) - 1n;
      if (d === undefined) {
        if (typeof lit === 'number' && !Number.isNaN(lit)) return lit > 0 ? between(max, null) : between(null, -max);
        return fail(type, lit, column, 'write the number, such as 14.20 or "14.20"');
      }
      return toScale(d, type.scale, -max, max);
    }
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return temporal(type, lit, column);
    case 'string':
      if (typeof lit === 'string') return exact(lit);
      return fail(type, lit, column, 'quote the value as a string');
    case 'uuid':
      if (typeof lit === 'string' && isUuid(lit.trim())) return exact(lit.trim().toLowerCase());
      if (lit instanceof Uint8Array && lit.length === 16) return exact(uuidFromBytes(lit));
      return fail(type, lit, column, 'write the UUID as 8-4-4-4-12 hex digits');
    case 'binary':
      return exact(bytes(type, lit, column));
    case 'fixed': {
      const b = bytes(type, lit, column);
      if (b.length !== type.length) fail(type, lit, column, `a fixed[${type.length}] literal needs exactly ${type.length} bytes`);
      return exact(b);
    }
    default:
      return fail(type, lit, column, `filters on ${typeToString(type)} columns are not supported`);
  }
}
