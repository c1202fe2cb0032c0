/**
 * Masking and redaction: irreversible, format-keeping replacements.
 *
 * @module
 */

/** Options of {@link maskValue}. */
export interface MaskOptions {
  /** Letters and digits left visible at the end. @default 4 */
  keepLast?: number;
  /** Letters and digits left visible at the start (a card's BIN). @default 0 */
  keepFirst?: number;
  /** The masking character. @default '*' */
  char?: string;
}

/** Default masking: keep the last 4 letters/digits, mask with `*`. */
export const DEFAULT_MASK: Required<MaskOptions> = { keepLast: 4, keepFirst: 0, char: '*' };

/**
 * Mask the letters and digits of `value` except the first `keepFirst` and
 * last `keepLast`; separators stay, so `4111-1111-1111-1111` becomes
 * `****-****-****-1111`. A value with no more than `keepFirst + keepLast`
 * letters/digits is masked whole: nothing short is left readable.
 *
 * @example
 * ```ts
 * maskValue('4111 1111 1111 1111'); // '**** **** **** 1111'
 * ```
 */
export function maskValue(value: string, options: MaskOptions = {}): string {
  const keepLast = options.keepLast ?? DEFAULT_MASK.keepLast;
  const keepFirst = options.keepFirst ?? DEFAULT_MASK.keepFirst;
  const ch = options.char ?? DEFAULT_MASK.char;
  let total = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) total++;
  const whole = total <= keepFirst + keepLast;
  let seen = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!isAlnum(c)) {
      out += value[i];
      continue;
    }
    const visible = !whole && (seen < keepFirst || seen >= total - keepLast);
    out += visible ? value[i] : ch;
    seen++;
  }
  return out;
}

/** The text that replaces a redacted value (or a redacted match in free text). */
export const DEFAULT_REDACTION = '[REDACTED]';

/** Replace a value (or each `[start, end)` range of it) with a redaction marker. */
export function redactValue(value: string, ranges?: readonly { start: number; end: number; type?: string }[], marker = DEFAULT_REDACTION): string {
  if (ranges === undefined) return marker;
  let out = '';
  let at = 0;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start < at) continue;
    out += value.slice(at, r.start) + (marker === DEFAULT_REDACTION && r.type ? `[${r.type}]` : marker);
    at = r.end;
  }
  return out + value.slice(at);
}

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
