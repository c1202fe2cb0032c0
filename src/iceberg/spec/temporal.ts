/**
 * Dates, times and timestamps as the spec counts them: `date` = days since
 * 1970-01-01, `time` = microseconds since midnight, `timestamp[tz]` =
 * microseconds since 1970-01-01T00:00:00 (UTC for tz), `timestamp[tz]_ns` =
 * nanoseconds. All calendar maths is proleptic Gregorian and uses floor
 * division, so values before 1970 are correct (no `Date`, no time zones).
 */
import { ValidationError } from '../../errors.js';

/** Microseconds in one day. */
export const MICROS_PER_DAY = 86_400_000_000n;
/** Microseconds in one hour. */
export const MICROS_PER_HOUR = 3_600_000_000n;
/** Nanoseconds in one day. */
export const NANOS_PER_DAY = 86_400_000_000_000n;

/** Floor division for bigints (rounds towards negative infinity). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Floor modulo for bigints (result has the sign of `b`). */
export function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

/** A calendar date. */
export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

/** Calendar date of a day ordinal (days since 1970-01-01). */
export function civilFromDays(days: number): CivilDate {
  // Howard Hinnant's days_from_civil inverse; exact for the whole int range.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Day ordinal (days since 1970-01-01) of a calendar date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0');

/** A year as ISO-8601 prints it (`0099`, `-0001`, `+10000`), like Java's ISO formatters. */
export function isoYear(year: number): string {
  if (year > 9999) return `+${year}`;
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

/** A year as Java's `%04d` prints it (`0099`, `-001`, `10000`), used by partition human strings. */
export function javaYear(year: number): string {
  return year < 0 ? `-${pad(-year, 3)}` : pad(year, 4);
}

/** ISO date (`2017-11-16`) of a day ordinal. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${isoYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function bad(what: string, text: string, example: string): never {
  throw new ValidationError(`${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)} is not a valid ${what}; use the ISO-8601 form, for example ${example}`);
}

const DATE = /^([+-]?\d{4,9})-(\d{2})-(\d{2})$/;

function dateParts(y: string, m: string, d: string, what: string, text: string, example: string): number {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) bad(what, text, example);
  return daysFromCivil(year, month, day);
}

/** Day ordinal of an ISO date such as `2017-11-16`. Throws ValidationError. */
export function parseDate(text: string): number {
  const m = DATE.exec(text);
  if (!m) bad('date', text, '"2017-11-16"');
  const days = dateParts(m[1]!, m[2]!, m[3]!, 'date', text, '"2017-11-16"');
  if (days < -2147483648 || days > 2147483647) bad('date', text, 'a year within ±5 million years of 1970');
  return days;
}

/** How to print the fraction of a second. */
export type FractionStyle =
  /** exactly this many digits */
  | 6
  | 9
  /** ISO_LOCAL_TIME: seconds always, fraction digits only as needed */
  | 'iso'
  /** Java `LocalTime.toString()`: seconds only if non-zero, fraction in groups of 3 digits */
  | 'java';

/** Time of day from nanoseconds since midnight (0 ≤ nanos < one day). */
export function formatNanosOfDay(nanos: bigint, style: FractionStyle): string {
  const h = nanos / 3_600_000_000_000n;
  const min = (nanos / 60_000_000_000n) % 60n;
  const s = (nanos / 1_000_000_000n) % 60n;
  const frac = nanos % 1_000_000_000n;
  const hm = `${pad(h, 2)}:${pad(min, 2)}`;
  if (style === 6) return `${hm}:${pad(s, 2)}.${pad(frac / 1000n, 6)}`;
  if (style === 9) return `${hm}:${pad(s, 2)}.${pad(frac, 9)}`;
  if (style === 'iso') return frac === 0n ? `${hm}:${pad(s, 2)}` : `${hm}:${pad(s, 2)}.${pad(frac, 9).replace(/0+$/, '')}`;
  if (s === 0n && frac === 0n) return hm;
  if (frac === 0n) return `${hm}:${pad(s, 2)}`;
  const digits = frac % 1_000_000n === 0n ? 3 : frac % 1000n === 0n ? 6 : 9;
  return `${hm}:${pad(s, 2)}.${pad(frac, 9).slice(0, digits)}`;
}

/** `time` (microseconds since midnight) as ISO text, `22:31:08.000001` by default. */
export function formatTime(micros: bigint, style: FractionStyle = 6): string {
  return formatNanosOfDay(micros * 1000n, style);
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?/;

function nanosOfDay(m: RegExpExecArray, offset: number, what: string, text: string, example: string): bigint {
  const h = Number(m[offset]);
  const min = Number(m[offset + 1]);
  const s = Number(m[offset + 2] ?? '0');
  if (h > 23 || min > 59 || s > 59) bad(what, text, example);
  const frac = BigInt((m[offset + 3] ?? '').padEnd(9, '0'));
  return BigInt(h * 3600 + min * 60 + s) * 1_000_000_000n + frac;
}

/** `time` value (microseconds since midnight) of ISO text such as `22:31:08.123456`. */
export function parseTime(text: string): bigint {
  const m = new RegExp(`${TIME.source}$`).exec(text);
  if (!m) bad('time', text, '"22:31:08.123456"');
  return nanosOfDay(m, 1, 'time', text, '"22:31:08.123456"') / 1000n;
}

/** Precision of a timestamp value: microseconds or nanoseconds. */
export type TimestampUnit = 'us' | 'ns';

const PER_DAY: Record<TimestampUnit, bigint> = { us: MICROS_PER_DAY, ns: NANOS_PER_DAY };

/**
 * ISO text of a timestamp value. `zone` appends `+00:00` (timestamptz).
 * The fraction style defaults to full precision of the unit (6 or 9 digits).
 */
export function formatTimestamp(value: bigint, unit: TimestampUnit, zone: boolean, style?: FractionStyle): string {
  const days = floorDiv(value, PER_DAY[unit]);
  const rest = floorMod(value, PER_DAY[unit]);
  const nanos = unit === 'us' ? rest * 1000n : rest;
  const time = formatNanosOfDay(nanos, style ?? (unit === 'us' ? 6 : 9));
  return `${formatDate(Number(days))}T${time}${zone ? '+00:00' : ''}`;
}

const TIMESTAMP = new RegExp(`^([+-]?\\d{4,9})-(\\d{2})-(\\d{2})T${TIME.source.slice(1)}(Z|z|[+-]\\d{2}:\\d{2})?$`);

/** A parsed timestamp: its value in the unit asked for, and the offset it was written with (if any). */
export interface ParsedTimestamp {
  value: bigint;
  /** Minutes east of UTC, or undefined when the text had no offset. */
  offsetMinutes?: number;
}

/**
 * Parse ISO text such as `2017-11-16T22:31:08.000001` or
 * `2017-11-16T14:31:08-08:00` into micros or nanos since the epoch (UTC when
 * an offset is present). Extra fraction digits are floored to the unit.
 */
export function parseTimestamp(text: string, unit: TimestampUnit): ParsedTimestamp {
  const example = unit === 'us' ? '"2017-11-16T22:31:08.123456"' : '"2017-11-16T22:31:08.123456789"';
  const m = TIMESTAMP.exec(text);
  if (!m) bad('timestamp', text, example);
  const days = dateParts(m[1]!, m[2]!, m[3]!, 'timestamp', text, example);
  let nanos = BigInt(days) * NANOS_PER_DAY + nanosOfDay(m, 4, 'timestamp', text, example);
  const off = m[8];
  let offsetMinutes: number | undefined;
  if (off !== undefined) {
    const oh = off.length > 1 ? Number(off.slice(1, 3)) : 0;
    const om = off.length > 1 ? Number(off.slice(4, 6)) : 0;
    if (oh > 18 || om > 59) bad('timestamp', text, example);
    offsetMinutes = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
    nanos -= BigInt(offsetMinutes) * 60_000_000_000n;
  }
  const value = unit === 'us' ? floorDiv(nanos, 1000n) : nanos;
  if (value < -(2n ** 63n) || value >= 2n ** 63n) bad('timestamp', text, `a value that fits a 64-bit count of ${unit === 'us' ? 'micro' : 'nano'}seconds`);
  return offsetMinutes === undefined ? { value } : { value, offsetMinutes };
}
