/**
 * Decimal helpers. A `decimal(P,S)` value is held as its unscaled `bigint`
 * (14.20 in `decimal(9,2)` is `1420n`); the scale comes from the type.
 */
import { ValidationError } from '../../errors.js';

/**
 * Minimum-length two's-complement big-endian bytes of `unscaled` (Java's
 * `BigInteger.toByteArray`): `0n` → `[00]`, `127n` → `[7f]`, `128n` → `[00 80]`,
 * `-1n` → `[ff]`. Used for bucket hashing and bound serialization.
 */
export function unscaledToBytes(unscaled: bigint): Uint8Array {
  // Number of bytes: smallest n with -2^(8n-1) <= v < 2^(8n-1).
  let n = 1;
  let bound = 128n;
  while (unscaled >= bound || unscaled < -bound) {
    n += 1;
    bound <<= 8n;
  }
  const out = new Uint8Array(n);
  let v = BigInt.asUintN(n * 8, unscaled);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The unscaled value of two's-complement big-endian bytes (any length; empty is 0). */
export function unscaledFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(bytes.length * 8, v);
}

/** Bytes a fixed-length array needs to hold any value of the given precision (Java `decimalRequiredBytes`). */
export function decimalRequiredBytes(precision: number): number {
  if (precision < 1 || precision > 38) throw new ValidationError(`decimal precision ${precision} is out of range; use 1 to 38`);
  const limit = 10n ** BigInt(precision);
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) < limit) bytes += 1;
  return bytes;
}

/** Whether an unscaled value fits `precision` digits. */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const abs = unscaled < 0n ? -unscaled : unscaled;
  return abs < 10n ** BigInt(precision);
}

function plain(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString();
  if (scale <= 0) return (neg ? '-' : '') + digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

function scientific(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString();
  const adjusted = -scale + (digits.length - 1);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${neg ? '-' : ''}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/**
 * Java's `BigDecimal.toString()`: plain notation when the scale is ≥ 0 and
 * the adjusted exponent ≥ -6, otherwise scientific (`1E-7`, `2E+20`). This is
 * the text Java writes for decimal partition values in paths.
 */
export function decimalToJavaString(unscaled: bigint, scale: number): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
  if (scale === 0) return unscaled.toString();
  if (scale > 0 && -scale + (digits - 1) >= -6) return plain(unscaled, scale);
  return scientific(unscaled, scale);
}

/**
 * The JSON single-value text of a decimal: plain with exactly `scale` digits
 * after the point (`"14.20"`), or scientific with exponent = -scale when the
 * scale is negative (`"2E+20"`).
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  return scale >= 0 ? plain(unscaled, scale) : scientific(unscaled, scale);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/;

/** Parse decimal text (`"14.20"`, `"-0.5"`, `"2E+20"`) into unscaled value and scale. Throws ValidationError. */
export function parseDecimal(text: string): { unscaled: bigint; scale: number } {
  const m = DECIMAL.exec(text);
  const int = m?.[2] ?? '';
  const frac = m?.[3] ?? '';
  if (!m || int.length + frac.length === 0 || int.length + frac.length > 400) {
    throw new ValidationError(`${JSON.stringify(text.slice(0, 80))} is not a decimal number; write it like "14.20" or "2E+20"`);
  }
  const unscaled = BigInt(`${m[1] === '-' ? '-' : ''}${int}${frac}` || '0');
  return { unscaled, scale: frac.length - Number(m[4] ?? '0') };
}

/**
 * Rescale an unscaled value to a new scale; throws ValidationError if digits
 * would be lost (only exact rescaling is allowed).
 */
export function rescale(unscaled: bigint, fromScale: number, toScale: number): bigint {
  if (Math.abs(toScale - fromScale) > 2 * 38) {
    throw new ValidationError(`cannot rescale a decimal from scale ${fromScale} to ${toScale}; write the value with ${toScale} decimal places`);
  }
  if (toScale >= fromScale) return unscaled * 10n ** BigInt(toScale - fromScale);
  const f = 10n ** BigInt(fromScale - toScale);
  if (unscaled % f !== 0n) throw new ValidationError(`cannot reduce the scale of a decimal from ${fromScale} to ${toScale} without losing digits; write the value with ${toScale} decimal places`);
  return unscaled / f;
}
