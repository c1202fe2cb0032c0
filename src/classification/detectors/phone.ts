/**
 * Phone-number validation: E.164 with per-country national lengths for the
 * countries lakekit's users bank in (US/CA, UK, TH, SG), a generic E.164 rule
 * for the rest, and the national formats of those four countries. Formatted
 * numbers score higher than bare digit runs, which need context.
 *
 * @module
 */
import type { Verdict } from './detector.js';

/** National significant number rules per calling code. */
const NATIONAL: Readonly<Record<string, (nsn: string) => boolean>> = {
  '1': nanp,
  '44': (n) => n.length === 10 && /^[1-37]/.test(n),
  '66': (n) => (n.length === 8 && /^[2-57]/.test(n)) || (n.length === 9 && /^[689]/.test(n)),
  '65': (n) => n.length === 8 && /^[3689]/.test(n),
};

/** Country calling codes recognised generically (E.164, 8–15 digits in total). */
const OTHER_CODES = new Set(
  '7 20 27 30 31 32 33 34 36 39 40 41 43 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 81 82 84 86 90 91 92 93 94 95 98 212 213 234 254 351 352 353 354 358 359 370 371 372 380 420 421 852 853 855 856 880 886 960 961 962 963 964 965 966 971 972 973 974 975 976 977'.split(' '),
);

/** North American Numbering Plan: area and exchange start 2–9, area not N11. */
function nanp(n: string): boolean {
  return n.length === 10 && /^[2-9]\d{2}[2-9]\d{6}$/.test(n) && !/^\d11/.test(n);
}

/** Whether `candidate` is a phone number, and how much its format says. */
export function phoneVerdict(candidate: string): Verdict {
  const digits = candidate.replace(/\D/g, '');
  const formatted = /[ ().-]/.test(candidate);
  if (candidate.startsWith('+')) {
    for (const len of [1, 2, 3]) {
      const cc = digits.slice(0, len);
      const rule = NATIONAL[cc];
      if (rule) return rule(digits.slice(len)) ? { valid: true, baseScore: 0.4 } : false;
      if (OTHER_CODES.has(cc)) return digits.length >= 8 && digits.length <= 15 ? { valid: true, baseScore: 0.3 } : false;
    }
    return false;
  }
  if (!/^[(\d]/.test(candidate)) return false;
  const score = formatted ? 0.4 : 0.1;
  if (digits.length === 10 && nanp(digits) && (!formatted || /^(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}$/.test(candidate))) return { valid: true, baseScore: score };
  if (digits.length === 11 && digits[0] === '1' && nanp(digits.slice(1))) return { valid: true, baseScore: score - 0.05 };
  if (digits[0] === '0') {
    const nsn = digits.slice(1);
    if (NATIONAL['44']!(nsn)) return { valid: true, baseScore: score };
    if (NATIONAL['66']!(nsn)) return { valid: true, baseScore: score };
    return false;
  }
  if (digits.length === 8 && NATIONAL['65']!(digits)) return { valid: true, baseScore: formatted && /^\d{4} \d{4}$/.test(candidate) ? 0.4 : 0.1 };
  return false;
}
