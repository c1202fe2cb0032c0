/**
 * Natural JavaScript values → the exact value of an Iceberg primitive type,
 * in the form Arrow stores it. This is where "row objects are accepted at the
 * edges" (ARCHITECTURE.md, boundary 4) decides what it accepts:
 *
 * | Iceberg type        | accepted                                                                 |
 * |---------------------|--------------------------------------------------------------------------|
 * | boolean             | `boolean`                                                                |
 * | int                 | integer `number` or `bigint` in the 32-bit range                         |
 * | long                | safe-integer `number`, `bigint`, or integer text (`"9007199254740993"`)  |
 * | float, double       | `number`                                                                 |
 * | decimal(P,S)        | text (`"14.20"`, exact), `number` (its shortest text), `bigint` = unscaled |
 * | date                | `Date` at UTC midnight, ISO text (`"2024-02-29"`), `number` of days      |
 * | time                | `bigint` µs since midnight, ISO text (`"22:31:08.123456"`)                |
 * | timestamp[tz][_ns]  | `Date`, ISO text, `bigint` µs (ns for `_ns`) since the epoch             |
 * | string              | `string` (well-formed Unicode)                                           |
 * | uuid                | `8-4-4-4-12` text or 16 bytes                                            |
 * | fixed[L], binary    | `Uint8Array` (length L for fixed)                                        |
 *
 * Decimals given as text never pass through a float; a value that would lose
 * digits at the type's scale, or does not fit its precision, is rejected.
 */
import { fitsPrecision, parseDecimal, rescale } from '../../iceberg/spec/decimal.js';
import { parseDate, parseTime, parseTimestamp } from '../../iceberg/spec/temporal.js';
import type { DecimalType, PrimitiveType } from '../../iceberg/spec/types.js';
import { typeToString } from '../../iceberg/spec/types.js';
import { isWellFormed } from '../../iceberg/spec/value-check.js';
import { uuidToBytes } from '../../iceberg/spec/values.js';

/** Why one value was refused; the row builder adds the row and column. */
export class CoerceError extends Error {}

/** A converter from an accepted JS value (never null) to the stored value. */
export type Coercer = (value: unknown) => unknown;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MS_PER_DAY = 86_400_000;

function describe(value: unknown): string {
  if (value instanceof Date) return 'a Date';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return `a ${value?.constructor?.name ?? 'object'}`;
  return `the ${typeof value} ${String(value)}`;
}

function refuse(type: PrimitiveType, want: string, value: unknown): never {
  throw new CoerceError(`expected ${want} for ${typeToString(type)}, got ${describe(value)}`);
}

function toLong(type: PrimitiveType, value: unknown, want: string): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^[+-]?\d{1,19}$/.test(value.trim())) v = BigInt(value.trim());
  else refuse(type, want, value);
  if (v < LONG_MIN || v > LONG_MAX) throw new CoerceError(`${v} does not fit a 64-bit ${typeToString(type)}`);
  return v;
}

function decimalOf(type: DecimalType, value: unknown): bigint {
  let unscaled: bigint;
  if (typeof value === 'bigint') unscaled = value;
  else {
    let text: string;
    if (typeof value === 'string') text = value.trim();
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else refuse(type, 'decimal text such as "14.20", a number, or a bigint unscaled value', value);
    try {
      const parsed = parseDecimal(text);
      unscaled = rescale(parsed.unscaled, parsed.scale, type.scale);
    } catch (e) {
      throw new CoerceError(`${JSON.stringify(text)} is not a ${typeToString(type)} value: ${(e as Error).message}`);
    }
  }
  if (!fitsPrecision(unscaled, type.precision)) throw new CoerceError(`${describe(value)} has more than ${type.precision} digits, so it does not fit ${typeToString(type)}`);
  return unscaled;
}

function dateOf(type: PrimitiveType, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX) return value;
  if (typeof value === 'string') {
    try {
      return parseDate(value.trim());
    } catch (e) {
      throw new CoerceError((e as Error).message);
    }
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new CoerceError('the Date is invalid');
    if (ms % MS_PER_DAY !== 0) throw new CoerceError(`the Date ${value.toISOString()} is not midnight UTC; pass the date as "YYYY-MM-DD" text`);
    return ms / MS_PER_DAY;
  }
  return refuse(type, 'ISO date text, a Date at midnight UTC, or a number of days since 1970-01-01', value);
}

function timestampOf(type: PrimitiveType, value: unknown, unit: 'us' | 'ns', zoned: boolean): bigint {
  if (typeof value === 'bigint') {
    if (value < LONG_MIN || value > LONG_MAX) throw new CoerceError(`${value} does not fit a 64-bit ${typeToString(type)}`);
    return value;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) throw new CoerceError('the Date is invalid');
    return BigInt(ms) * (unit === 'us' ? 1000n : 1_000_000n);
  }
  if (typeof value === 'string') {
    let parsed;
    try {
      parsed = parseTimestamp(value.trim().replace(' ', 'T'), unit);
    } catch (e) {
      throw new CoerceError((e as Error).message);
    }
    if (!zoned && parsed.offsetMinutes !== undefined && parsed.offsetMinutes !== 0) {
      throw new CoerceError(`${JSON.stringify(value)} has a UTC offset, but ${typeToString(type)} has no time zone; write the local date-time without an offset`);
    }
    return parsed.value;
  }
  const per = unit === 'us' ? 'micro' : 'nano';
  return refuse(type, `a Date, ISO text, or a bigint of ${per}seconds since the epoch (numbers are ambiguous)`, value);
}

/** The converter for a primitive type. */
export function coercerFor(type: PrimitiveType): Coercer {
  switch (type.type) {
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : refuse(type, 'a boolean', v));
    case 'int':
      return (v) => {
        const n = typeof v === 'bigint' && v >= INT_MIN && v <= INT_MAX ? Number(v) : v;
        if (typeof n === 'number' && Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX) return n;
        return refuse(type, 'an integer from -2^31 to 2^31-1', v);
      };
    case 'long':
      return (v) => toLong(type, v, 'a safe integer number, a bigint or integer text');
    case 'float':
    case 'double':
      return (v) => (typeof v === 'number' ? v : refuse(type, 'a number', v));
    case 'decimal':
      return (v) => decimalOf(type, v);
    case 'date':
      return (v) => dateOf(type, v);
    case 'time':
      return (v) => {
        let micros: bigint;
        if (typeof v === 'bigint') micros = v;
        else if (typeof v === 'string') {
          try {
            micros = parseTime(v.trim());
          } catch (e) {
            throw new CoerceError((e as Error).message);
          }
        } else refuse(type, 'a bigint of microseconds since midnight or "HH:MM:SS.ffffff" text', v);
        if (micros < 0n || micros >= 86_400_000_000n) throw new CoerceError(`${micros} µs is not a time of day`);
        return micros;
      };
    case 'timestamp':
    case 'timestamptz':
      return (v) => timestampOf(type, v, 'us', type.type === 'timestamptz');
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return (v) => timestampOf(type, v, 'ns', type.type === 'timestamptz_ns');
    case 'string':
      return (v) => {
        if (typeof v !== 'string') return refuse(type, 'a string', v);
        if (!isWellFormed(v)) throw new CoerceError('the string has an unpaired surrogate, which UTF-8 cannot store');
        return v;
      };
    case 'uuid':
      return (v) => {
        if (v instanceof Uint8Array && v.length === 16) return v;
        if (typeof v !== 'string') return refuse(type, '8-4-4-4-12 hex text or 16 bytes', v);
        try {
          return uuidToBytes(v.trim());
        } catch (e) {
          throw new CoerceError((e as Error).message);
        }
      };
    case 'fixed':
      return (v) => (v instanceof Uint8Array && v.length === type.length ? v : refuse(type, `a Uint8Array of ${type.length} bytes`, v));
    case 'binary':
    case 'geometry':
    case 'geography':
      return (v) => (v instanceof Uint8Array ? v : refuse(type, 'a Uint8Array', v));
    case 'unknown':
      return (v) => refuse(type, 'null (unknown columns hold only nulls)', v);
  }
}
