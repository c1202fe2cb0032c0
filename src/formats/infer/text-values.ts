/**
 * Byte-level recognisers and parsers for the text forms of typed values
 * (`42`, `-1.50`, `2.5e3`, `true`, `2024-02-29`, `2024-02-29 10:00:00.5+01:00`),
 * shared by inference and conversion so the two can never disagree.
 *
 * They read UTF-8 bytes in place (`b[s..e)`) without building strings: the
 * CSV reader calls them once per field, so they are written as plain loops.
 * Results that do not fit a JS number exactly take a BigInt path.
 */
import { daysFromCivil } from '../../iceberg/spec/temporal.js';

/** The value can be a boolean (`true`/`false`, any case). */
export const T_BOOL = 1;
/** An integer in the 32-bit range. */
export const T_INT = 2;
/** An integer in the 64-bit range. */
export const T_LONG = 4;
/** A fixed-point number (`-12.50`) of at most 38 digits; see {@link Shape}. */
export const T_DEC = 8;
/** A floating-point number in decimal notation (`NaN`, `inf` and `Infinity` convert but are not inferred). */
export const T_DBL = 16;
/** A calendar date `YYYY-MM-DD`. */
export const T_DATE = 32;
/** A timestamp without zone (a date alone counts as midnight). */
export const T_TS = 64;
/** A timestamp with a zone designator (`Z`, `+01:00`, `-0530`). */
export const T_TSTZ = 128;
/** Every flag: what an all-null column starts from. */
export const T_ALL = 255;

/** Digits of a fixed-point value, filled by {@link classify}. */
export interface Shape {
  intDigits: number;
  scale: number;
}

const TWO32 = 4294967296;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchWord(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(b[s + i]!) !== word.charCodeAt(i)) return false;
  return true;
}

/** `true` → 1, `false` → 0, anything else → -1 (case-insensitive). */
export function parseBool(b: Uint8Array, s: number, e: number): number {
  if (matchWord(b, s, e, 'true')) return 1;
  if (matchWord(b, s, e, 'false')) return 0;
  return -1;
}

/** An optionally signed run of digits as a 32-bit integer, or NaN. */
export function parseInt32(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 45 || b[i] === 43)) neg = b[i++] === 45;
  if (i === e || e - i > 10) return NaN;
  let n = 0;
  for (; i < e; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  if (neg) n = -n;
  return n > 2147483647 || n < -2147483648 ? NaN : n;
}

/** Store a safe integer as the two little-endian 32-bit words of an int64. */
export function writeLong(out: Int32Array, i: number, n: number): void {
  const hi = Math.floor(n / TWO32);
  out[2 * i] = (n - hi * TWO32) | 0;
  out[2 * i + 1] = hi | 0;
}

/** Store a bigint (already in range) as the two words of an int64. */
export function writeLongBig(out: Int32Array, i: number, v: bigint): void {
  out[2 * i] = Number(BigInt.asIntN(32, v));
  out[2 * i + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

function asciiText(b: Uint8Array, s: number, e: number): string {
  let t = '';
  for (let i = s; i < e; i++) t += String.fromCharCode(b[i]!);
  return t;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** Parse a 64-bit integer into `out` at row `i`; false when the text is not one. */
export function parseInt64Into(b: Uint8Array, s: number, e: number, out: Int32Array, i: number): boolean {
  let j = s;
  let neg = false;
  if (j < e && (b[j] === 45 || b[j] === 43)) neg = b[j++] === 45;
  const digits = e - j;
  if (digits === 0 || digits > 19) return false;
  if (digits <= 15) {
    let n = 0;
    for (; j < e; j++) {
      const d = b[j]! - 48;
      if (d < 0 || d > 9) return false;
      n = n * 10 + d;
    }
    writeLong(out, i, neg ? -n : n);
    return true;
  }
  for (let k = j; k < e; k++) if (!isDigit(b[k]!)) return false;
  let v = BigInt(asciiText(b, j, e));
  if (neg) v = -v;
  if (v < I64_MIN || v > I64_MAX) return false;
  writeLongBig(out, i, v);
  return true;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A floating-point number, or undefined. Plain decimals of up to 15
 * significant digits are computed exactly (an exact integer divided by an
 * exact power of ten rounds once, correctly); the rest go through `Number`
 * after a strict character check (no hex, no blanks, no empty text).
 */
export function parseDouble(b: Uint8Array, s: number, e: number): number | undefined {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 45 || b[i] === 43)) neg = b[i++] === 45;
  let m = 0;
  let digits = 0;
  let frac = 0;
  let seenDot = false;
  let simple = true;
  const start = i;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (seenDot) frac++;
    } else if (c === 46 && !seenDot) seenDot = true;
    else {
      simple = false;
      break;
    }
  }
  if (simple && digits > 0 && digits <= 15) {
    const v = frac === 0 ? m : m / POW10[frac]!;
    return neg ? -v : v;
  }
  if (simple && digits === 0) return undefined;
  // Exponents, long mantissas and the special words.
  let mant = 0;
  let expDigits = 0;
  let state = 0; // 0 mantissa, 1 after e, 2 exponent digits
  for (let k = start; k < e; k++) {
    const c = b[k]!;
    if (isDigit(c)) {
      if (state === 0) mant++;
      else {
        state = 2;
        expDigits++;
      }
    } else if (c === 46 && state === 0) continue;
    else if ((c === 101 || c === 69) && state === 0 && mant > 0) state = 1;
    else if ((c === 43 || c === 45) && state === 1 && expDigits === 0 && (b[k - 1] === 101 || b[k - 1] === 69)) continue;
    else {
      if (matchWord(b, start, e, 'nan')) return NaN;
      if (matchWord(b, start, e, 'inf') || matchWord(b, start, e, 'infinity')) return neg ? -Infinity : Infinity;
      return undefined;
    }
  }
  if (mant === 0 || state === 1) return undefined;
  const v = Number(asciiText(b, start, e));
  return neg ? -v : v;
}

/**
 * Shape of a plain fixed-point number (`-0012.340`, `7`, `.5`): fills
 * `shape` and returns true, or false for anything else (exponents, blanks).
 */
export function decimalShape(b: Uint8Array, s: number, e: number, shape: Shape): boolean {
  let i = s;
  if (i < e && (b[i] === 45 || b[i] === 43)) i++;
  let intDigits = 0;
  let scale = 0;
  let seenDot = false;
  let leading = true;
  let any = false;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      any = true;
      if (seenDot) scale++;
      else if (!(leading && c === 48)) {
        leading = false;
        intDigits++;
      }
    } else if (c === 46 && !seenDot) seenDot = true;
    else return false;
  }
  if (!any || intDigits + scale > 38) return false;
  shape.intDigits = intDigits;
  shape.scale = scale;
  return true;
}

const DEC_SCRATCH: Shape = { intDigits: 0, scale: 0 };

/**
 * Parse fixed-point text as the unscaled value of `decimal(precision, scale)`
 * into four little-endian words of `out` at row `i`. False when the text is
 * not a plain number, has more fraction digits than `scale` (other than
 * trailing zeros), or needs more than `precision` digits.
 */
export function parseDecimalInto(b: Uint8Array, s: number, e: number, precision: number, scale: number, out: Int32Array, i: number): boolean {
  if (!decimalShape(b, s, e, DEC_SCRATCH)) return false;
  if (DEC_SCRATCH.intDigits + scale > precision) return false;
  let j = s;
  let neg = false;
  if (b[j] === 45 || b[j] === 43) neg = b[j++] === 45;
  // Unscaled digits: integer part, then exactly `scale` fraction digits.
  let n = 0;
  let big: bigint | undefined;
  let count = 0;
  let frac = -1;
  for (; j < e; j++) {
    const c = b[j]!;
    if (c === 46) {
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (frac >= 0) {
      if (frac >= scale) {
        if (d !== 0) return false;
        continue;
      }
      frac++;
    }
    if (count < 15) n = n * 10 + d;
    else big = (big ?? BigInt(n)) * 10n + BigInt(d);
    count++;
  }
  for (let k = Math.max(frac, 0); k < scale; k++) {
    if (count < 15) n *= 10;
    else big = (big ?? BigInt(n)) * 10n;
    count++;
  }
  const w = 4 * i;
  if (big === undefined) {
    const v = neg ? -n : n;
    const hi = Math.floor(v / TWO32);
    out[w] = (v - hi * TWO32) | 0;
    out[w + 1] = hi | 0;
    out[w + 2] = out[w + 3] = v < 0 ? -1 : 0;
  } else {
    const v = neg ? -big : big;
    out[w] = Number(BigInt.asIntN(32, v));
    out[w + 1] = Number(BigInt.asIntN(32, v >> 32n));
    out[w + 2] = Number(BigInt.asIntN(32, v >> 64n));
    out[w + 3] = Number(BigInt.asIntN(32, v >> 96n));
  }
  return true;
}

function two(b: Uint8Array, i: number): number {
  const a = b[i]! - 48;
  const c = b[i + 1]! - 48;
  return a < 0 || a > 9 || c < 0 || c > 9 ? -1 : a * 10 + c;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` starting at `s` as days since 1970-01-01, or NaN. Reads exactly 10 bytes. */
export function dateAt(b: Uint8Array, s: number, e: number): number {
  if (e - s < 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
  const y1 = two(b, s);
  const y2 = two(b, s + 2);
  const m = two(b, s + 5);
  const d = two(b, s + 8);
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return NaN;
  const year = y1 * 100 + y2;
  const leap = m === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (d > MONTH_DAYS[m - 1]! + (leap ? 1 : 0)) return NaN;
  return daysFromCivil(year, m, d);
}

/** A whole field `YYYY-MM-DD` as days since the epoch, or NaN. */
export function parseDate(b: Uint8Array, s: number, e: number): number {
  return e - s === 10 ? dateAt(b, s, e) : NaN;
}

/** Result of {@link timestampParts}: microseconds of the day and the zone offset in minutes. */
interface TsParts {
  days: number;
  micros: number;
  offsetMinutes: number;
  zoned: boolean;
}

const TS: TsParts = { days: 0, micros: 0, offsetMinutes: 0, zoned: false };

/**
 * `YYYY-MM-DD[(T| )HH:MM[:SS[.fffffffff]]][Z|±HH[:MM]|±HHMM]` into {@link TS};
 * false if malformed. A date alone is midnight. Fraction digits beyond the
 * sixth must be zeros (microsecond precision, exactly).
 */
function timestampParts(b: Uint8Array, s: number, e: number): boolean {
  const days = dateAt(b, s, e);
  if (Number.isNaN(days)) return false;
  TS.days = days;
  TS.micros = 0;
  TS.offsetMinutes = 0;
  TS.zoned = false;
  let i = s + 10;
  if (i === e) return true;
  const sep = b[i];
  if (sep === 84 || sep === 116 || sep === 32) {
    if (e - i < 6 || b[i + 3] !== 58) return false;
    const hh = two(b, i + 1);
    const mi = two(b, i + 4);
    if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return false;
    let micros = (hh * 60 + mi) * 60_000_000;
    i += 6;
    if (i < e && b[i] === 58) {
      if (e - i < 3) return false;
      const ss = two(b, i + 1);
      if (ss < 0 || ss > 59) return false;
      micros += ss * 1_000_000;
      i += 3;
      if (i < e && b[i] === 46) {
        i++;
        let f = 0;
        let n = 0;
        for (; i < e && isDigit(b[i]!); i++, n++) {
          if (n < 6) f = f * 10 + (b[i]! - 48);
          else if (b[i] !== 48 || n >= 9) return false;
        }
        if (n === 0) return false;
        for (let k = n; k < 6; k++) f *= 10;
        micros += f;
      }
    }
    TS.micros = micros;
  }
  if (i === e) return true;
  const z = b[i];
  if ((z === 90 || z === 122) && i + 1 === e) {
    TS.zoned = true;
    return true;
  }
  if (z !== 43 && z !== 45) return false;
  const oh = e - i >= 3 ? two(b, i + 1) : -1;
  if (oh < 0 || oh > 18) return false;
  let om = 0;
  let j = i + 3;
  if (j < e) {
    if (b[j] === 58) j++;
    if (e - j !== 2) return false;
    om = two(b, j);
    if (om < 0 || om > 59) return false;
  }
  TS.offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
  TS.zoned = true;
  return true;
}

/** Whether the text is a timestamp (or date): 0 = no, 1 = without zone, 2 = with zone. */
export function timestampKind(b: Uint8Array, s: number, e: number): number {
  if (!timestampParts(b, s, e)) return 0;
  return TS.zoned ? 2 : 1;
}

/**
 * Parse a timestamp into µs since the epoch (UTC when zoned) at row `i` of
 * `out`. `zoned` selects which texts are accepted: zoned texts only for
 * `timestamptz`, zone-less ones only for `timestamp`.
 */
export function parseTimestampInto(b: Uint8Array, s: number, e: number, zoned: boolean, out: Int32Array, i: number): boolean {
  if (!timestampParts(b, s, e) || TS.zoned !== zoned) return false;
  const micros = TS.micros - TS.offsetMinutes * 60_000_000;
  if (TS.days > -100_000 && TS.days < 100_000) writeLong(out, i, TS.days * 86_400_000_000 + micros);
  else writeLongBig(out, i, BigInt(TS.days) * 86_400_000_000n + BigInt(micros));
  return true;
}

/**
 * Every {@link T_BOOL}…{@link T_TSTZ} flag the text satisfies; fills `shape`
 * when {@link T_DEC} is set.
 */
export function classify(b: Uint8Array, s: number, e: number, shape: Shape): number {
  if (s === e) return 0;
  const c = b[s]!;
  let flags = 0;
  if (isDigit(c) || c === 45 || c === 43 || c === 46) {
    if (!Number.isNaN(parseInt32(b, s, e))) flags |= T_INT | T_LONG;
    else if (decimalShape(b, s, e, shape) && shape.scale === 0 && e - s <= 20 && parseInt64Into(b, s, e, LONG_SCRATCH, 0)) flags |= T_LONG;
    if (decimalShape(b, s, e, shape)) flags |= T_DEC;
    if (parseDouble(b, s, e) !== undefined) flags |= T_DBL;
    if (flags === 0 && isDigit(c)) {
      const k = timestampKind(b, s, e);
      if (k === 1) flags |= T_TS | (e - s === 10 ? T_DATE : 0);
      else if (k === 2) flags |= T_TSTZ;
    }
    return flags;
  }
  // `NaN` and `Infinity` parse as doubles but are not inferred as such: a column of names may hold "Nan".
  return parseBool(b, s, e) >= 0 ? T_BOOL : 0;
}

const LONG_SCRATCH = new Int32Array(2);
