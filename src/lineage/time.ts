/**
 * Event times, parsed fast. Loading a store parses one `eventTime` per
 * event; the common shape (`2026-11-22T06:42:14.123Z`, or with a numeric
 * offset and micro- or nanoseconds as Python and Java clients write) is
 * read digit by digit, anything else goes to `Date.parse`, which gives the
 * same answer for every string both accept.
 *
 * @module
 */

const ZERO = 48;

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date-time, as `Date.parse`
 * reads it (fractions beyond milliseconds are truncated); `NaN` when it is not one.
 */
export function parseIsoTime(s: string): number {
  // YYYY-MM-DDTHH:MM:SS then optional .fraction, then Z or ±HH:MM.
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Date.parse(s);
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  // Out-of-range or unusual fields (day 29–31, hour 24, years < 100 that Date.UTC would shift) are left to Date.parse.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Date.parse(s);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < s.length && s.charCodeAt(i) >= ZERO && s.charCodeAt(i) <= ZERO + 9) i++;
    const n = i - start;
    if (n === 0) return Date.parse(s);
    ms = digits(s, start, Math.min(3, n)) * (n === 1 ? 100 : n === 2 ? 10 : 1);
  }
  let offset: number;
  const c = s.charCodeAt(i);
  if (c === 90 && i + 1 === s.length) offset = 0;
  else if ((c === 43 || c === 45) && i + 6 === s.length && s.charCodeAt(i + 3) === 58) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return Date.parse(s);
    offset = (c === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
  } else return Date.parse(s);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}
