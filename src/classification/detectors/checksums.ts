/**
 * Check-digit algorithms and issuance rules behind the checksum-backed
 * detectors. Every function takes the identifier's characters only (no
 * separators) and returns whether it is well formed; none throws.
 *
 * @module
 */

/** Whether every character of `s` is an ASCII digit (and `s` is not empty). */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Luhn (ISO/IEC 7812-1 mod 10) over a digit string: card numbers, IMEIs. */
export function luhnValid(digits: string): boolean {
  if (digits.length < 2 || !isDigits(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The Luhn check digit that completes `payload` (the digits before it). */
export function luhnCheckDigit(payload: string): number {
  return (10 - (luhnSum(payload, true) % 10)) % 10;
}

function luhnSum(digits: string, doubleLast: boolean): number {
  let sum = 0;
  let dbl = doubleLast;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum;
}

/** A card network: its name, the prefixes it issues from and the lengths it uses. */
export interface CardIssuer {
  name: string;
  /** Inclusive prefix ranges, compared on the first `String(lo).length` digits. */
  ranges: readonly (readonly [number, number])[];
  lengths: readonly number[];
}

/** Issuer prefix (IIN) ranges and lengths of the major networks. */
export const CARD_ISSUERS: readonly CardIssuer[] = [
  { name: 'visa', ranges: [[4, 4]], lengths: [13, 16, 19] },
  { name: 'mastercard', ranges: [[51, 55], [2221, 2720]], lengths: [16] },
  { name: 'amex', ranges: [[34, 34], [37, 37]], lengths: [15] },
  { name: 'discover', ranges: [[6011, 6011], [644, 649], [65, 65], [622126, 622925]], lengths: [16, 19] },
  { name: 'jcb', ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { name: 'diners', ranges: [[300, 305], [36, 36], [38, 39]], lengths: [14, 16, 19] },
  { name: 'unionpay', ranges: [[62, 62]], lengths: [16, 17, 18, 19] },
  { name: 'maestro', ranges: [[5018, 5018], [5020, 5020], [5038, 5038], [5893, 5893], [6304, 6304], [6759, 6759], [6761, 6763]], lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

/** The network whose prefix and length match `digits`, if any. */
export function cardIssuer(digits: string): string | undefined {
  if (digits.length < 6) return undefined;
  // The first six digits as a number; a range of k-digit prefixes compares against its leading k.
  let head = 0;
  for (let i = 0; i < 6; i++) {
    const c = digits.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return cardIssuerSlow(digits);
    head = head * 10 + c;
  }
  return issuerOf(head, digits.length);
}

/** The issuer of a number whose first six digits are `head` and whose length is `length` (see {@link cardIssuer}). */
export function issuerOf(head: number, length: number): string | undefined {
  const ranges = ISSUER_RANGES[length];
  if (ranges === undefined) return undefined;
  for (const r of ranges) {
    const n = Math.floor(head / r.scale);
    if (n >= r.lo && n <= r.hi) return r.name;
  }
  return undefined;
}

/** `cardIssuer` for a string whose first six characters are not all digits (Number() semantics kept). */
function cardIssuerSlow(digits: string): string | undefined {
  const head = Number(digits.slice(0, 6));
  for (const issuer of CARD_ISSUERS) {
    if (!issuer.lengths.includes(digits.length)) continue;
    for (const [lo, hi] of issuer.ranges) {
      const n = Math.floor(head / PREFIX_SCALE[String(lo).length]!);
      if (n >= lo && n <= hi) return issuer.name;
    }
  }
  return undefined;
}

const PREFIX_SCALE = [1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1];

/** The issuer ranges by card length, in {@link CARD_ISSUERS} order (the first match wins). */
const ISSUER_RANGES: readonly { name: string; lo: number; hi: number; scale: number }[][] = (() => {
  const out: { name: string; lo: number; hi: number; scale: number }[][] = [];
  for (const issuer of CARD_ISSUERS) {
    for (const len of issuer.lengths) {
      const list = (out[len] ??= []);
      for (const [lo, hi] of issuer.ranges) list.push({ name: issuer.name, lo, hi, scale: PREFIX_SCALE[String(lo).length]! });
    }
  }
  return out;
})();

/** Test card numbers the networks and processors publish; a hit is real-looking but not real. */
export const TEST_CARD_NUMBERS: ReadonlySet<string> = new Set([
  '4111111111111111', '4012888888881881', '4222222222222', '4242424242424242', '4000056655665556',
  '5555555555554444', '5105105105105100', '5200828282828210', '2223003122003222',
  '378282246310005', '371449635398431', '378734493671000',
  '6011111111111117', '6011000990139424', '3530111333300000', '3566002020360505',
  '30569309025904', '38520000023237', '6200000000000005',
]);

/**
 * US Social Security number issuance rules (SSA, after the 2011 randomization):
 * area not 000, 666 or 900–999; group not 00; serial not 0000; and not one of
 * the numbers the SSA voided after public misuse.
 */
export function ssnValid(digits: string): boolean {
  if (digits.length !== 9 || !isDigits(digits)) return false;
  const area = Number(digits.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return !VOIDED_SSNS.has(digits);
}

const VOIDED_SSNS = new Set(['078051120', '219099999', '123456789']);

/** ABA routing transit number: 3-7-1 weighted checksum and a Federal Reserve prefix (00–12, 21–32, 61–72, 80). */
export function abaValid(digits: string): boolean {
  if (digits.length !== 9 || !isDigits(digits)) return false;
  const p = Number(digits.slice(0, 2));
  if (!((p >= 0 && p <= 12) || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p === 80)) return false;
  if (digits === '000000000') return false;
  const w = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * w[i % 3]!;
  return sum % 10 === 0;
}

/** IBAN length per country, from the SWIFT IBAN registry. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23,
  GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28,
  LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24,
  SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 7064 MOD 97-10 remainder of an alphanumeric string (letters count A=10 … Z=35). */
export function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) r = (r * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) r = (r * 100 + (c - 55)) % 97;
    else return -1;
  }
  return r;
}

/** IBAN (ISO 13616): registry length for the country and MOD 97-10 over the rearranged string equal to 1. */
export function ibanValid(compact: string): boolean {
  const fast = ibanValidUpper(compact);
  if (fast !== undefined) return fast;
  const s = compact.toUpperCase();
  const len = IBAN_LENGTHS[s.slice(0, 2)];
  if (len === undefined || s.length !== len) return false;
  if (!isDigits(s.slice(2, 4))) return false;
  // MOD 97-10 of s[4..] + s[0..4], without building the rearranged string.
  const r = mod97From(s, 4, s.length, 0);
  return r >= 0 && mod97From(s, 0, 4, r) === 1;
}

/**
 * {@link ibanValid} for a string of digits and capitals only (no case
 * mapping needed), without building substrings; `undefined` for any other string.
 */
function ibanValidUpper(s: string): boolean | undefined {
  const n = s.length;
  if (n < 4) return undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return undefined;
  }
  const a = s.charCodeAt(0) - 65;
  const b = s.charCodeAt(1) - 65;
  if (a < 0 || b < 0 || IBAN_LENGTH_BY_CODE[a * 26 + b] !== n) return false;
  const c2 = s.charCodeAt(2);
  const c3 = s.charCodeAt(3);
  if (c2 < 48 || c2 > 57 || c3 < 48 || c3 > 57) return false;
  return mod97From(s, 0, 4, mod97From(s, 4, n, 0)) === 1;
}

/** {@link IBAN_LENGTHS} indexed by the country code's letters (A=0 … Z=25, first × 26 + second); 0 where there is none. */
const IBAN_LENGTH_BY_CODE: Uint8Array = (() => {
  const out = new Uint8Array(26 * 26);
  for (const [code, len] of Object.entries(IBAN_LENGTHS)) out[(code.charCodeAt(0) - 65) * 26 + code.charCodeAt(1) - 65] = len;
  return out;
})();

/** {@link mod97} over `s[from, to)`, continuing from remainder `r`; −1 on a character that is not 0–9 or A–Z. */
function mod97From(s: string, from: number, to: number, r: number): number {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) r = (r * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) r = (r * 100 + (c - 55)) % 97;
    else return -1;
  }
  return r;
}

/** ISO 3166-1 alpha-2 codes, for the country part of a SWIFT/BIC code. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
    'DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT ' +
    'JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ ' +
    'OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW').split(' '),
);

/** SWIFT/BIC (ISO 9362): 4-letter institution, ISO country, 2-character location (second not '0' test-only is allowed), optional 3-character branch. */
export function bicValid(s: string): boolean {
  if (s.length !== 8 && s.length !== 11) return false;
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(s)) return false;
  return ISO_COUNTRIES.has(s.slice(4, 6));
}

/** Thai national ID (13 digits): first digit 1–8, check digit = (11 − Σ dᵢ·(13−i) mod 11) mod 10. */
export function thaiIdValid(digits: string): boolean {
  if (digits.length !== 13 || !isDigits(digits)) return false;
  if (digits[0] === '0' || digits[0] === '9') return false;
  return thaiIdCheckDigit(digits.slice(0, 12)) === digits.charCodeAt(12) - 48;
}

/** The check digit that completes a 12-digit Thai ID payload. */
export function thaiIdCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (payload.charCodeAt(i) - 48) * (13 - i);
  return (11 - (sum % 11)) % 10;
}

const NRIC_WEIGHTS = [2, 7, 6, 5, 4, 3, 2];
const NRIC_ST = 'JZIHGFEDCBA';
const NRIC_FG = 'XWUTRQPNMLK';
const NRIC_M = 'KLJNPQRTUWX';

/** The check letter of a Singapore NRIC/FIN with prefix S, T, F, G or M and 7 digits. */
export function nricCheckLetter(prefix: string, digits: string): string | undefined {
  if (digits.length !== 7 || !isDigits(digits)) return undefined;
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (digits.charCodeAt(i) - 48) * NRIC_WEIGHTS[i]!;
  if (prefix === 'T' || prefix === 'G') sum += 4;
  else if (prefix === 'M') sum += 3;
  const r = sum % 11;
  switch (prefix) {
    case 'S':
    case 'T':
      return NRIC_ST[r];
    case 'F':
    case 'G':
      return NRIC_FG[r];
    case 'M':
      return NRIC_M[10 - r];
    default:
      return undefined;
  }
}

/** Singapore NRIC / FIN: [STFGM] + 7 digits + check letter (the M series, issued from 2022, included). */
export function nricValid(s: string): boolean {
  if (s.length !== 9) return false;
  const u = s.toUpperCase();
  return nricCheckLetter(u[0]!, u.slice(1, 8)) === u[8];
}

/**
 * UK National Insurance number: two prefix letters (not D, F, I, Q, U or V;
 * second not O; not BG, GB, KN, NK, NT, TN or ZZ), six digits, suffix A–D.
 */
export function ninoValid(s: string): boolean {
  const u = s.toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(u)) return false;
  return !NINO_BAD_PREFIXES.has(u.slice(0, 2));
}

const NINO_BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
