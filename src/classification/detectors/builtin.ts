/**
 * The built-in detectors. Each is a candidate source and pattern (the
 * prefilter), a validator and context keywords; their scores follow one
 * scheme (see `scanner.ts`): checksum-backed types are reported on a pattern
 * plus a passing checksum, weakly-shaped types (bank accounts, passports,
 * dates of birth, BIC, AWS secret keys) only with a context keyword.
 *
 * @module
 */
import { ValidationError } from '../../errors.js';
import { DEFAULT_SENSITIVITY, type Sensitivity } from '../policy.js';
import { abaValid, bicValid, ibanValid, isDigits, issuerOf, ninoValid, nricValid, ssnValid, TEST_CARD_NUMBERS, thaiIdValid } from './checksums.js';
import type { Detector, DetectorSpec, Verdict } from './detector.js';
import { phoneVerdict } from './phone.js';

/** Default score added when a context keyword is near a match or in the column name. */
export const DEFAULT_CONTEXT_BOOST = 0.35;

/**
 * Build a detector from the fields you care about; the rest default
 * (`source: 'text'`, no validator, base score 0.5, context boost
 * {@link DEFAULT_CONTEXT_BOOST}, sensitivity `confidential`).
 *
 * @throws ValidationError when a `text` pattern is not global or a score is outside 0–1.
 * @example
 * ```ts
 * const policyNo = defineDetector({ type: 'POLICY_NUMBER', pattern: /\bPOL-\d{8}\b/g, keywords: ['policy'], sensitivity: 'internal' });
 * ```
 */
export function defineDetector(spec: DetectorSpec): Detector {
  const source = spec.source ?? 'text';
  if (source === 'text' && !spec.pattern.global) {
    throw new ValidationError(`detector ${spec.type}: a 'text' pattern must be global; add the g flag (/${spec.pattern.source}/g)`);
  }
  const d: Detector = {
    description: spec.description ?? `user-defined ${spec.type}`,
    source,
    minLength: spec.minLength ?? 1,
    maxLength: spec.maxLength ?? 256,
    checksum: spec.checksum ?? false,
    keywords: (spec.keywords ?? []).map((k) => k.toLowerCase()),
    baseScore: spec.baseScore ?? 0.5,
    contextBoost: spec.contextBoost ?? DEFAULT_CONTEXT_BOOST,
    sensitivity: spec.sensitivity ?? DEFAULT_SENSITIVITY[spec.type] ?? 'confidential',
    ...spec,
    pattern: spec.pattern,
    type: spec.type,
  };
  for (const k of ['baseScore', 'contextBoost'] as const) {
    if (!(d[k] >= 0 && d[k] <= 1)) throw new ValidationError(`detector ${spec.type}: ${k} must be between 0 and 1, got ${d[k]}`);
  }
  return d;
}

/** `s` without the characters that are not ASCII letters or digits (`s` itself when it has none). */
function compact(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return s.replace(NON_ALNUM, '');
  }
  return s;
}

const NON_ALNUM = /[^0-9A-Za-z]/g;

/** The digits of `s` (separators dropped); returns `s` itself when it has no separators. */
function digitsOf(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return s.replace(NON_DIGIT, '');
  }
  return s;
}

const NON_DIGIT = /[^0-9]/g;

function card(candidate: string): Verdict {
  // Luhn, length and issuer prefix in one pass over the digits (separators skipped), before any string is built.
  let n = 0;
  let head = 0;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      if (n < 6) head = head * 10 + c;
      n++;
    }
  }
  if (n < 6 || issuerOf(head, n) === undefined || !luhnOver(candidate, n)) return false;
  // 13-digit numbers (retired Visa) collide with 13-digit national IDs: they need a keyword.
  const baseScore = n === 13 ? 0.05 : 0.3;
  return TEST_CARD_HEADS.has(head) && TEST_CARD_NUMBERS.has(digitsOf(candidate)) ? { valid: true, flags: ['test-number'], baseScore } : { valid: true, baseScore };
}

/** The first six digits of every published test number: only a card starting with one of them is looked up. */
const TEST_CARD_HEADS: ReadonlySet<number> = new Set([...TEST_CARD_NUMBERS].map((t) => Number(t.slice(0, 6))));

/** Luhn over the `n` digits of `s`, separators skipped. */
function luhnOver(s: string, n: number): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return n >= 2 && sum % 10 === 0;
}

function ssn(candidate: string): Verdict {
  if (!ssnValid(digitsOf(candidate))) return false;
  return { valid: true, baseScore: isDigits(candidate) ? 0.2 : 0.4 };
}

function ipv4(candidate: string): Verdict {
  const parts = candidate.split('.');
  return parts.length === 4 && parts.every((p) => p.length > 0 && p.length <= 3 && Number(p) <= 255 && (p.length === 1 || p[0] !== '0'));
}

/** IPv6 text form (RFC 4291 §2.2, including `::` and an embedded IPv4 tail). */
export function ipv6Valid(s: string): boolean {
  const double = s.indexOf('::');
  if (double !== s.lastIndexOf('::')) return false;
  let groups = s.split(':');
  let limit = 8;
  const last = groups[groups.length - 1]!;
  if (last.includes('.')) {
    if (ipv4(last) !== true) return false;
    groups = groups.slice(0, -1);
    groups.push('0');
    limit = 7;
    if (double < 0) return groups.length === 7 && groups.every(hexGroup);
  }
  if (double < 0) return groups.length === limit && groups.every(hexGroup);
  const [head, tail] = [s.slice(0, double), s.slice(double + 2)];
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  if (last.includes('.')) t.pop();
  return h.length + t.length < limit && h.every(hexGroup) && t.every(hexGroup);
}

const hexGroup = (g: string) => /^[0-9A-Fa-f]{1,4}$/.test(g);

/** Today's year, read once: dates of birth after it are not dates of birth. */
const THIS_YEAR = new Date().getUTCFullYear();

function dateOfBirth(candidate: string): Verdict {
  const parts = candidate.split(/[-/.]/).map(Number);
  const [a, b, c] = parts as [number, number, number];
  const tries: [number, number, number][] = a > 31 ? [[a, b, c]] : [[c, b, a], [c, a, b]];
  return tries.some(([y, m, d]) => y >= 1900 && y <= THIS_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m));
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function email(candidate: string): Verdict {
  const n = candidate.length;
  const at = candidate.lastIndexOf('@');
  // The local part is candidate[0, localEnd), the domain candidate[at + 1, n) (slice semantics when there is no '@').
  const localEnd = at < 0 ? Math.max(0, n - 1) : at;
  if (localEnd > 64) return false;
  if (localEnd > 0 && (candidate.charCodeAt(0) === 46 || candidate.charCodeAt(localEnd - 1) === 46)) return false;
  for (let i = 1; i < localEnd; i++) if (candidate.charCodeAt(i) === 46 && candidate.charCodeAt(i - 1) === 46) return false;
  // Every dot-separated label of the domain: 1–63 characters, no leading or trailing hyphen.
  let start = at + 1;
  for (let i = start; i <= n; i++) {
    if (i < n && candidate.charCodeAt(i) !== 46) continue;
    const len = i - start;
    if (len === 0 || len > 63 || candidate.charCodeAt(start) === 45 || candidate.charCodeAt(i - 1) === 45) return false;
    start = i + 1;
  }
  return true;
}

function secretKey(candidate: string): Verdict {
  // A real key is 40 random base64 characters: all three classes appear, and no long repeats.
  return /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate) && !/(.)\1{5}/.test(candidate);
}

function builtin(spec: DetectorSpec & { sensitivity?: Sensitivity }): Detector {
  return defineDetector({ sensitivity: DEFAULT_SENSITIVITY[spec.type], ...spec });
}

/** Every built-in detector, in the order ties are broken. */
export const BUILTIN_DETECTORS: readonly Detector[] = [
  builtin({
    type: 'CREDIT_CARD', description: 'Payment card number: issuer prefix and length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro), Luhn; published test numbers flagged',
    source: 'digits', pattern: /^\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}$|^\d{4}([ -]?)\d{6}\2\d{4,5}$|^\d{12,19}$/,
    minLength: 12, maxLength: 19, validate: card, checksum: true, baseScore: 0.3, contextBoost: 0.35,
    keywords: ['card', 'credit', 'debit', 'visa', 'mastercard', 'amex', 'pan', 'cc'],
  }),
  builtin({
    type: 'US_SSN', description: 'US Social Security number: area not 000/666/900–999, group not 00, serial not 0000, not a voided number; 9 bare digits need context',
    source: 'digits', pattern: /^\d{3}([- ]?)\d{2}\1\d{4}$/, minLength: 9, maxLength: 9, validate: ssn, baseScore: 0.4,
    keywords: ['ssn', 'social security', 'social', 'ssa', 'ss#', 'tin', 'taxpayer'],
  }),
  builtin({
    type: 'ABA_ROUTING', description: 'ABA routing transit number: Federal Reserve prefix, 3-7-1 weighted checksum',
    source: 'digits', pattern: /^\d{9}$|^\d{4}-\d{4}-\d$/, minLength: 9, maxLength: 9, validate: (c) => abaValid(digitsOf(c)), checksum: true, baseScore: 0.15,
    keywords: ['routing', 'aba', 'rtn', 'transit', 'fedwire', 'ach'],
  }),
  builtin({
    type: 'TH_NATIONAL_ID', description: 'Thai national ID (13 digits): first digit 1–8, mod-11 check digit',
    source: 'digits', pattern: /^\d{13}$|^\d([- ])\d{4}\1\d{5}\1\d{2}\1\d$/, minLength: 13, maxLength: 13, validate: (c) => thaiIdValid(digitsOf(c)), checksum: true, baseScore: 0.3,
    keywords: ['thai', 'national id', 'citizen', 'id card', 'บัตรประชาชน', 'เลขประจำตัว', 'tnin'],
  }),
  builtin({
    type: 'PHONE', description: 'Phone number: E.164 (+country code, per-country lengths for US/CA, UK, TH, SG) and national formats of the US, UK, Thailand and Singapore',
    source: 'digits', pattern: /^\+?[\d ().-]+$/, minLength: 8, maxLength: 15, validate: phoneVerdict, baseScore: 0.4,
    keywords: ['phone', 'tel', 'telephone', 'mobile', 'cell', 'call', 'fax', 'contact', 'whatsapp'],
  }),
  builtin({
    type: 'IP_ADDRESS', description: 'IPv4 dotted quad (octets 0–255, no leading zeros)',
    source: 'digits', pattern: /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, minLength: 4, maxLength: 12, validate: ipv4, baseScore: 0.4,
    keywords: ['ip', 'address', 'host', 'client', 'remote'],
  }),
  builtin({
    type: 'DATE_OF_BIRTH', description: 'Date of birth (keyword-gated): yyyy-mm-dd, dd/mm/yyyy, mm/dd/yyyy, dd.mm.yyyy; a real calendar date from 1900 to this year',
    source: 'digits', pattern: /^\d{4}([-/.])\d{1,2}\1\d{1,2}$|^\d{1,2}([-/.])\d{1,2}\2\d{4}$/, minLength: 6, maxLength: 8, validate: dateOfBirth, baseScore: 0.05, contextBoost: 0.6,
    keywords: ['dob', 'birth', 'born', 'birthday', 'birthdate', 'date of birth'],
  }),
  builtin({
    type: 'BANK_ACCOUNT', description: 'Bank account number (keyword-gated): 6–17 digits, optionally grouped by dashes',
    source: 'digits', pattern: /^\d{6,17}$|^\d{2,6}-\d{2,10}(?:-\d{1,6})?$/, minLength: 6, maxLength: 17, baseScore: 0.05, contextBoost: 0.7,
    keywords: ['account', 'acct', 'a/c', 'bank', 'beneficiary', 'deposit', 'savings', 'checking'],
  }),
  builtin({
    type: 'PASSPORT', description: 'Passport number (keyword-gated): 9 digits (US, UK) or 1–2 letters and 7–8 digits (TH, SG, EU styles)',
    source: 'digits', pattern: /^\d{9}$/, minLength: 9, maxLength: 9, baseScore: 0.05, contextBoost: 0.7,
    keywords: ['passport', 'travel document'],
  }),
  builtin({
    type: 'PASSPORT', description: 'Passport number (keyword-gated), alphanumeric forms',
    source: 'token', pattern: /^[A-Z]{1,2}\d{7,8}[A-Z]?$/, minLength: 8, maxLength: 11, baseScore: 0.05, contextBoost: 0.6,
    keywords: ['passport', 'travel document'],
  }),
  builtin({
    type: 'IBAN', description: 'IBAN: country code, per-country length from the SWIFT IBAN registry, ISO 7064 MOD 97-10',
    source: 'token', pattern: /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/, minLength: 15, maxLength: 34, validate: (c) => ibanValid(compact(c)), checksum: true, baseScore: 0.3,
    joinGroups: true, keywords: ['iban', 'account', 'bank', 'transfer', 'sepa'],
  }),
  builtin({
    type: 'SWIFT_BIC', description: 'SWIFT/BIC code (keyword-gated): 4-letter bank, ISO 3166 country, 2-character location, optional branch',
    source: 'token', pattern: /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/, minLength: 8, maxLength: 11, validate: bicValid, baseScore: 0.1, contextBoost: 0.5,
    keywords: ['swift', 'bic', 'bank code', 'bank identifier'],
  }),
  builtin({
    type: 'SG_NRIC_FIN', description: 'Singapore NRIC/FIN: S/T/F/G/M + 7 digits + check letter (weights 2-7-6-5-4-3-2, series offsets, M-series table)',
    source: 'token', pattern: /^[STFGM]\d{7}[A-Z]$/, minLength: 9, maxLength: 9, validate: nricValid, checksum: true, baseScore: 0.3,
    keywords: ['nric', 'fin', 'ic', 'identity', 'singapore'],
  }),
  builtin({
    type: 'UK_NINO', description: 'UK National Insurance number: HMRC prefix rules, 6 digits, suffix A–D',
    source: 'token', pattern: /^[A-Z]{2}\d{6}[A-D]$/, minLength: 9, maxLength: 9, validate: ninoValid, joinGroups: true, baseScore: 0.4,
    keywords: ['nino', 'national insurance', 'ni number', 'nin'],
  }),
  builtin({
    type: 'AWS_ACCESS_KEY_ID', description: 'AWS access key id: AKIA/ASIA/AIDA/AROA/… prefix and 16 base-32 characters',
    source: 'token', pattern: /^(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA)[A-Z2-7]{16}$/, minLength: 20, maxLength: 20, baseScore: 0.7,
    keywords: ['aws', 'access key', 'access_key', 'key id'],
  }),
  builtin({
    type: 'EMAIL', description: 'Email address (RFC 5321 shape, label and length rules)',
    source: 'text', requires: '@', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    minLength: 6, maxLength: 254, validate: email, baseScore: 0.5, keywords: ['email', 'e-mail', 'mail'],
  }),
  builtin({
    type: 'IP_ADDRESS', description: 'IPv6 address (RFC 4291 text forms)',
    source: 'text', requires: ':', pattern: /(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3}|\.\d{1,3}(?:\.\d{1,3}){2})?(?![0-9A-Za-z:])/g,
    minLength: 3, maxLength: 45, validate: ipv6Valid, baseScore: 0.4, keywords: ['ip', 'ipv6', 'address', 'host'],
  }),
  builtin({
    type: 'AWS_SECRET_KEY', description: 'AWS secret access key (keyword-gated): 40 base64 characters with upper, lower and digits',
    source: 'text', requires: '0123456789', minRun: 40, pattern: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g, minLength: 40, maxLength: 40,
    validate: secretKey, baseScore: 0.1, contextBoost: 0.6, keywords: ['secret', 'aws_secret', 'secret_access_key', 'secret key'],
  }),
];

/** The types the built-in detectors report. */
export const BUILTIN_TYPES: readonly string[] = [...new Set(BUILTIN_DETECTORS.map((d) => d.type))];
