/**
 * The scanner: one pass over a value extracts every candidate (digit spans,
 * alphanumeric tokens), hands each to the detectors of its kind whose length
 * bounds fit, and scores what validates. Detectors with their own regex run
 * only when the value holds a character they require. This is what keeps
 * scanning cheap when most values hold nothing: a value of letters and spaces
 * costs one loop over its characters.
 *
 * Scoring (Presidio's and Macie's scheme): a detector's base score (or the
 * one its validator gives for the candidate's format), plus
 * {@link SCORING}`.checksumBoost` for a passing checksum or `validBoost` for
 * other validation, plus the detector's `contextBoost` when one of its
 * keywords is within `contextWindow` characters of the match or in the
 * column's name; a failed validation or a denylisted value drops the match.
 * Matches scoring at least `threshold` are reported; overlapping matches keep
 * the highest score.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { BUILTIN_DETECTORS } from './detectors/builtin.js';
import type { Detector, Finding } from './detectors/detector.js';

/** The scoring constants. */
export const SCORING = {
  /** Added when a checksum validates. */
  checksumBoost: 0.4,
  /** Added when a non-checksum validator passes (issuance rules, ranges). */
  validBoost: 0.1,
} as const;

/** Scanner defaults. */
export const DEFAULT_SCANNER_OPTIONS = {
  /** Minimum score a match needs to be reported. */
  threshold: 0.5,
  /** Characters either side of a match searched for context keywords. */
  contextWindow: 48,
} as const;

/** Options of {@link Scanner}. */
export interface ScannerOptions {
  /** Detectors to run. @default BUILTIN_DETECTORS */
  detectors?: readonly Detector[];
  /** Extra detectors added to `detectors` (user-defined ones). */
  extraDetectors?: readonly Detector[];
  /** Minimum reported score. @default 0.5 */
  threshold?: number;
  /** Characters either side of a match searched for keywords. @default 48 */
  contextWindow?: number;
  /** Values never reported, whatever the detector (compared on the matched text and its compact form). */
  denylist?: Iterable<string>;
  /** Report only these types (others are not run). */
  types?: readonly string[];
}

/** Which detectors a column's name counts as a keyword for (from {@link Scanner.columnContext}). */
export type ColumnContext = Uint8Array;

const DIGIT = 1;
const LETTER = 2;
const SEP = 3;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER;
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
for (const ch of ' -./()') CLASS[ch.charCodeAt(0)] = SEP;

const EMPTY: readonly Finding[] = Object.freeze([]);
const SPACES = / /g;
const HAS_LETTER = /[A-Za-z\u00C0-\uFFFF]/;
const NON_ASCII = /[\u0080-\uFFFF]/;

/** Lowercase words of an identifier: `creditCardNo` and `credit_card_no` both give `credit card no`. */
export function columnWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9\u0E00-\u0E7F/#]+/g, ' ')
    .trim();
}

/** Whether `kw` occurs in `lower` as whole words (not inside a longer word). */
export function hasKeyword(lower: string, kw: string): boolean {
  let at = lower.indexOf(kw);
  while (at >= 0) {
    const before = at === 0 ? 32 : lower.charCodeAt(at - 1);
    const after = at + kw.length >= lower.length ? 32 : lower.charCodeAt(at + kw.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
    at = lower.indexOf(kw, at + 1);
  }
  return false;
}

const isUpper = (c: number) => c >= 65 && c <= 90;
const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/**
 * A compiled set of detectors that scans values.
 *
 * @example
 * ```ts
 * const scanner = new Scanner();
 * scanner.scan('card 4539 1488 0343 6467, call +44 20 7946 0958').map((f) => f.type); // ['CREDIT_CARD', 'PHONE']
 * ```
 */
export class Scanner {
  readonly detectors: readonly Detector[];
  readonly threshold: number;
  readonly contextWindow: number;
  private readonly digitDetectors: number[];
  private readonly tokenDetectors: number[];
  private readonly textDetectors: number[];
  private readonly denylist: ReadonlySet<string>;
  private readonly minDigits: number;
  private readonly minToken: number;
  private readonly maxToken: number;
  private readonly joinTokens: boolean;
  private readonly gate: RegExp | undefined;
  /** Per detector, a case-insensitive search for any of its keywords. */
  private readonly keywordSearch: readonly RegExp[];
  /** Per `digits` detector whose pattern treats every digit alike: whether it matches n bare digits, by n. */
  private readonly pureDigits: readonly (Uint8Array | undefined)[];
  /** The gate on UTF-8 bytes: per byte, 1 = a character some detector requires, 2 = a capital; undefined = everything passes. */
  private readonly byteGate: Uint8Array | undefined;
  /** Capitals in a row that pass the gate (0: capitals never do). */
  private readonly capitalRun: number;
  constructor(options: ScannerOptions = {}) {
    let detectors = [...(options.detectors ?? BUILTIN_DETECTORS), ...(options.extraDetectors ?? [])];
    if (options.types) {
      const keep = new Set(options.types);
      detectors = detectors.filter((d) => keep.has(d.type));
    }
    this.detectors = detectors;
    this.threshold = options.threshold ?? DEFAULT_SCANNER_OPTIONS.threshold;
    this.contextWindow = options.contextWindow ?? DEFAULT_SCANNER_OPTIONS.contextWindow;
    if (!(this.threshold >= 0 && this.threshold <= 1)) throw new ValidationError(`scanner threshold must be between 0 and 1, got ${this.threshold}`);
    if (!(this.contextWindow >= 0)) throw new ValidationError(`scanner contextWindow must be ≥ 0, got ${this.contextWindow}`);
    this.denylist = new Set(options.denylist ?? []);
    const idx = (s: Detector['source']) => detectors.flatMap((d, i) => (d.source === s ? [i] : []));
    this.digitDetectors = idx('digits');
    this.tokenDetectors = idx('token');
    this.textDetectors = idx('text');
    this.minDigits = Math.min(99, ...this.digitDetectors.map((i) => detectors[i]!.minLength));
    this.minToken = Math.min(99, ...this.tokenDetectors.map((i) => detectors[i]!.minLength));
    this.maxToken = Math.max(0, ...this.tokenDetectors.map((i) => detectors[i]!.maxLength));
    this.joinTokens = this.tokenDetectors.some((i) => detectors[i]!.joinGroups === true);
    this.pureDigits = detectors.map((d) => (d.source === 'digits' && digitUniform(d.pattern) ? byLength(d.pattern, d.maxLength) : undefined));
    this.keywordSearch = detectors.map((d) => new RegExp(d.keywords.length === 0 ? '(?!)' : d.keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'i'));
    const gate = prefilter(detectors, this.minToken);
    this.gate = gate?.regex;
    this.byteGate = gate?.bytes;
    this.capitalRun = gate?.capitalRun ?? 0;
  }

  /** Flags the detectors whose keywords occur in a column's name (the name counts as context for every cell). */
  columnContext(columnName: string): ColumnContext {
    const words = columnWords(columnName);
    const ctx = new Uint8Array(this.detectors.length);
    this.detectors.forEach((d, i) => {
      if (d.keywords.some((k) => hasKeyword(words, k) || hasKeyword(words.replace(/ /g, ''), k.replace(/ /g, '')))) ctx[i] = 1;
    });
    return ctx;
  }

  /**
   * Whether some detector could match `text`: `false` means {@link scan}
   * returns no finding for it, whatever the column. A single native regex
   * test (a digit, two capitals in a row, or a character a `text` detector
   * requires), much cheaper than a scan; always `true` when a `text` detector
   * has no `requires`.
   */
  couldMatch(text: string): boolean {
    return text.length > 0 && (this.gate === undefined || this.gate.test(text));
  }

  /**
   * {@link couldMatch} on the UTF-8 encoding of a value, `bytes[start, end)`,
   * without decoding it: the same answer, from one loop over the bytes (the
   * gate's characters are ASCII, and in UTF-8 an ASCII byte is always an
   * ASCII character).
   */
  couldMatchUtf8(bytes: Uint8Array, start: number, end: number): boolean {
    if (end <= start) return false;
    const table = this.byteGate;
    if (table === undefined) return true;
    const need = this.capitalRun;
    let caps = 0;
    for (let i = start; i < end; i++) {
      const f = table[bytes[i]!]!;
      if (f === 0) caps = 0;
      else if (f === 1 || ++caps === need) return true;
    }
    return false;
  }

  /** Every reported match in `text`, non-overlapping, in order of position. Never throws. */
  scan(text: string, column?: ColumnContext): readonly Finding[] {
    if (text.length === 0 || (this.gate !== undefined && !this.gate.test(text))) return EMPTY;
    return this.scanAccepted(text, column);
  }

  /**
   * {@link scan} of a value that {@link couldMatch} (or {@link couldMatchUtf8})
   * has already accepted: the same findings, without testing the gate again.
   */
  scanAccepted(text: string, column?: ColumnContext): readonly Finding[] {
    const n = text.length;
    const state: ScanState = { text, ascii: undefined, lower: undefined, column, found: undefined };
    let hasDigit = false;
    // Tokens start only where there is a digit or a capital: a native search skips lowercase words,
    // spaces and punctuation, and the token is the run of letters and digits around the hit.
    const next = NEXT_TOKEN;
    let i = 0;
    while (i < n) {
      next.lastIndex = i;
      if (!next.test(text)) break;
      let p = next.lastIndex - 1;
      // The letters before the hit (lowercase: a capital or digit would have been the hit) belong to its token.
      while (p > i && isLetter(text.charCodeAt(p - 1))) p--;
      i = p;
      const c = text.charCodeAt(i);
      let j = i + 1;
      let digits = c <= 57 ? 1 : 0;
      let upper = c >= 65 && c <= 90 ? 1 : 0;
      while (j < n) {
        const cj = text.charCodeAt(j);
        const k = cj < 128 ? CLASS[cj]! : 0;
        if (k === DIGIT) digits++;
        else if (k !== LETTER) break;
        else if (cj <= 90) upper++;
        j++;
      }
      if (digits > 0) hasDigit = true;
      if (digits === j - i) {
        i = this.digitSpan(state, i, j, digits);
        continue;
      }
      // Tokens worth a look hold a digit or are all capitals (BIC, AWS key ids); lowercase words are skipped.
      if ((digits > 0 || upper === j - i) && (j - i >= this.minToken || (this.joinTokens && j - i <= 4))) {
        // A match joined over following groups (`GB82 WEST 1234 …`) consumes them.
        i = this.token(state, i, j);
        continue;
      }
      i = j;
    }
    for (const di of this.textDetectors) {
      const d = this.detectors[di]!;
      if (n < d.minLength) continue;
      if (d.requires !== undefined && !requiresMet(d.requires, text, hasDigit)) continue;
      if (d.minRun !== undefined && d.minRun > 1 && !hasRun(text, d.minRun)) continue;
      const re = d.pattern;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        if (m[0].length < d.minLength || m[0].length > d.maxLength) continue;
        this.evaluate(state, di, m[0], m.index, m.index + m[0].length);
      }
    }
    return state.found === undefined ? EMPTY : this.resolve(state.found);
  }

  /** The digit span starting with the run [i, j): extends over separators and further digit runs. Returns where scanning resumes. */
  private digitSpan(state: ScanState, i: number, j: number, digits: number): number {
    const text = state.text;
    const n = text.length;
    let start = i;
    if (i > 0) {
      const p = text.charCodeAt(i - 1);
      if ((p === 43 || p === 40) && (i < 2 || !isWordChar(text.charCodeAt(i - 2)))) start = i - 1;
    }
    let end = j;
    let count = digits;
    let hasSpace = false;
    while (end < n) {
      let k = end;
      let seps = 0;
      while (k < n && seps < 3) {
        const c = text.charCodeAt(k);
        if (c >= 128 || CLASS[c] !== SEP) break;
        seps++;
        k++;
      }
      if (seps === 0 || k >= n) break;
      const c = text.charCodeAt(k);
      if (c >= 128 || CLASS[c] !== DIGIT) break;
      let m = k + 1;
      while (m < n && text.charCodeAt(m) >= 48 && text.charCodeAt(m) <= 57) m++;
      if (m < n && text.charCodeAt(m) < 128 && CLASS[text.charCodeAt(m)] === LETTER) break;
      for (let q = end; q < k; q++) if (text.charCodeAt(q) === 32) hasSpace = true;
      count += m - k;
      end = m;
      if (count > 40) break;
    }
    // A closing parenthesis that belongs to the number stays out of it unless it closes an area code.
    if (count >= this.minDigits && !this.digitCandidates(state, start, end, count) && hasSpace) {
      // The span may be two identifiers side by side: try its space-separated parts.
      let p = start;
      while (p < end) {
        let q = text.indexOf(' ', p);
        if (q < 0 || q > end) q = end;
        const part = text.slice(p, q);
        const pd = countDigits(part);
        if (pd >= this.minDigits && part.length > 0) this.digitCandidates(state, p, q, pd);
        p = q + 1;
      }
    }
    return end;
  }

  private digitCandidates(state: ScanState, start: number, end: number, digits: number): boolean {
    // A candidate of digits only is matched by length against patterns that treat every digit alike.
    const pure = end - start === digits;
    let cand: string | undefined;
    let any = false;
    for (const di of this.digitDetectors) {
      const d = this.detectors[di]!;
      if (digits < d.minLength || digits > d.maxLength) continue;
      const byLength = pure ? this.pureDigits[di] : undefined;
      if (byLength !== undefined ? byLength[digits] !== 1 : !d.pattern.test((cand ??= state.text.slice(start, end)))) continue;
      if (this.evaluate(state, di, (cand ??= state.text.slice(start, end)), start, end)) any = true;
    }
    return any;
  }

  /** Candidates from the token [i, j); returns where scanning resumes. */
  private token(state: ScanState, i: number, j: number): number {
    const text = state.text;
    const len = j - i;
    if (len >= this.minToken && len <= this.maxToken) {
      const cand = text.slice(i, j);
      for (const di of this.tokenDetectors) {
        const d = this.detectors[di]!;
        if (len >= d.minLength && len <= d.maxLength && d.pattern.test(cand)) this.evaluate(state, di, cand, i, j);
      }
    }
    if (this.joinTokens && len <= 4 && len >= 2 && isUpper(text.charCodeAt(i)) && isUpper(text.charCodeAt(i + 1))) return this.joined(state, i, j);
    return j;
  }

  /** `GB82 WEST 1234 5698 7654 32`, `AB 12 34 56 C`: the token plus following short groups, compacted, longest first. */
  private joined(state: ScanState, i: number, j: number): number {
    const text = state.text;
    // Where each joined candidate ends, and its compacted length (the groups are separated by single spaces).
    const ends: number[] = [];
    const lengths: number[] = [];
    let length = j - i;
    let e = j;
    while (e + 1 < text.length && text.charCodeAt(e) === 32 && length < this.maxToken) {
      let k = e + 1;
      while (k < text.length && k - e - 1 < 5 && isWordChar(text.charCodeAt(k))) k++;
      if (k === e + 1 || k - e - 1 > 4 || (k < text.length && isWordChar(text.charCodeAt(k)))) break;
      length += k - e - 1;
      ends.push(k);
      lengths.push(length);
      e = k;
    }
    for (let p = ends.length - 1; p >= 0; p--) {
      const len = lengths[p]!;
      let cand: string | undefined;
      let hit = false;
      for (const di of this.tokenDetectors) {
        const d = this.detectors[di]!;
        if (d.joinGroups !== true || len < d.minLength || len > d.maxLength) continue;
        cand ??= text.slice(i, ends[p]!).replace(SPACES, '');
        if (!d.pattern.test(cand)) continue;
        if (this.evaluate(state, di, cand, i, ends[p]!, text.slice(i, ends[p]!))) hit = true;
      }
      if (hit) return ends[p]!;
    }
    return j;
  }

  /** Score one candidate; record it if it reaches the threshold. Returns whether validation passed. */
  private evaluate(state: ScanState, di: number, cand: string, start: number, end: number, shown = cand): boolean {
    const d = this.detectors[di]!;
    let base = d.baseScore;
    let validated: boolean | undefined;
    let flags: readonly string[] | undefined;
    if (d.validate) {
      let v;
      try {
        v = d.validate(cand);
      } catch {
        v = false;
      }
      validated = typeof v === 'boolean' ? v : v.valid;
      if (!validated) return false;
      if (typeof v === 'object') {
        flags = v.flags;
        base = v.baseScore ?? base;
      }
      base += d.checksum ? SCORING.checksumBoost : SCORING.validBoost;
    }
    if (this.denylist.size > 0 && (this.denylist.has(cand) || this.denylist.has(shown))) return false;
    if (d.denylist?.has(cand)) return false;
    if (base + d.contextBoost < this.threshold) return true;
    const context = state.column?.[di] === 1 || this.keywordNear(state, di, start, end);
    const score = base + (context ? d.contextBoost : 0);
    if (score < this.threshold) return true;
    const f: Finding = { type: d.type, start, end, text: shown, score: Math.min(1, score), context };
    if (validated !== undefined) f.validated = validated;
    if (flags !== undefined) f.flags = flags;
    (state.found ??= []).push(f);
    return true;
  }

  /** Keep the best of overlapping findings (score, then detector order); return them by position. */
  private resolve(found: Finding[]): readonly Finding[] {
    if (found.length === 1) return found;
    const order = found.map((f, i) => ({ f, i })).sort((a, b) => b.f.score - a.f.score || a.i - b.i);
    const kept: Finding[] = [];
    for (const { f } of order) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
    return kept.sort((a, b) => a.start - b.start);
  }

  /** Whether one of detector `di`'s keywords occurs, as whole words, within the context window of [start, end) and outside it. */
  private keywordNear(state: ScanState, di: number, start: number, end: number): boolean {
    const d = this.detectors[di]!;
    if (d.keywords.length === 0 || this.contextWindow === 0) return false;
    // ASCII text lowercases letter for letter, so a case-insensitive search for any keyword is an exact quick "none".
    state.ascii ??= !NON_ASCII.test(state.text);
    if (state.ascii && !this.keywordSearch[di]!.test(state.text)) return false;
    // Keywords are words: a value without letters (a bare number) has none.
    if (state.lower === undefined) {
      if (!HAS_LETTER.test(state.text)) return false;
      state.lower = state.text.toLowerCase();
    }
    const lower = state.lower;
    const from = Math.max(0, start - this.contextWindow);
    const to = Math.min(lower.length, end + this.contextWindow);
    for (const k of d.keywords) {
      let at = lower.indexOf(k, from);
      while (at >= 0 && at + k.length <= to) {
        const outside = at + k.length <= start || at >= end;
        const before = at === 0 ? 32 : lower.charCodeAt(at - 1);
        const after = at + k.length >= lower.length ? 32 : lower.charCodeAt(at + k.length);
        if (outside && !isWordChar(before) && !isWordChar(after)) return true;
        at = lower.indexOf(k, at + 1);
      }
    }
    return false;
  }
}

interface ScanState {
  text: string;
  /** Whether `text` is ASCII, once asked. */
  ascii: boolean | undefined;
  lower: string | undefined;
  column: ColumnContext | undefined;
  /** Reported matches, once there is one. */
  found: Finding[] | undefined;
}

/**
 * One regex that every value some detector could match contains, built from
 * the detector set: a digit (digit spans, tokens holding digits), two capitals
 * in a row (all-capital tokens, joined groups; one capital when a token
 * detector accepts one-character tokens), or a character a `text` detector
 * requires. A value it does not match cannot yield a candidate, so `scan`
 * returns at once — a native regex pass instead of the character loop.
 * `undefined` when a `text` detector has no `requires` (it may match anything).
 */
function prefilter(detectors: readonly Detector[], minToken: number): { regex: RegExp; bytes: Uint8Array | undefined; capitalRun: number } | undefined {
  const chars = new Set<string>();
  let capitals = false;
  for (const d of detectors) {
    if (d.source === 'digits') chars.add('0-9');
    else if (d.source === 'token') {
      chars.add('0-9');
      capitals = true;
    } else {
      if (d.requires === undefined || d.requires.length === 0) return undefined;
      for (const ch of d.requires) chars.add(ch >= '0' && ch <= '9' ? '0-9' : ch.replace(/[\\\]^-]/g, '\\$&'));
    }
  }
  const alternatives: string[] = [];
  if (chars.size > 0) alternatives.push(`[${[...chars].join('')}]`);
  if (capitals) alternatives.push(minToken <= 1 ? '[A-Z]' : '[A-Z]{2}');
  const regex = new RegExp(alternatives.length === 0 ? '(?!)' : alternatives.join('|'));
  // The same gate on UTF-8 bytes, when every required character is ASCII.
  let bytes: Uint8Array | undefined = new Uint8Array(256);
  if (capitals) for (let c = 65; c <= 90; c++) bytes[c] = 2;
  for (const d of detectors) {
    if (d.source === 'text') {
      for (const ch of d.requires!) {
        const c = ch.charCodeAt(0);
        if (ch.length !== 1 || c >= 128) bytes = undefined;
        else if (bytes !== undefined) bytes[c] = 1;
      }
    } else for (let c = 48; c <= 57; c++) bytes![c] = 1;
  }
  return { regex, bytes, capitalRun: capitals ? (minToken <= 1 ? 1 : 2) : 0 };
}

function requiresMet(requires: string, text: string, hasDigit: boolean): boolean {
  for (let k = 0; k < requires.length; k++) {
    const c = requires.charCodeAt(k);
    if (c >= 48 && c <= 57 ? hasDigit : text.includes(requires[k]!)) return true;
  }
  return false;
}

/**
 * Whether `pattern` never tells one digit from another — replacing a digit
 * of the input by another never changes whether it matches — judged from its
 * source, conservatively: no digit outside `{m,n}` quantifiers and
 * backreferences, and, when there are backreferences, no capturing group
 * that can capture a digit.
 */
export function digitUniform(pattern: RegExp): boolean {
  const src = pattern.source.replace(/\\d/g, 'D').replace(/\{\d+(?:,\d*)?\}/g, 'Q');
  if (src.includes('\\k<')) return false;
  const backrefs = /\\[1-9]/.test(src);
  const rest = src.replace(/\\[1-9]/g, 'B');
  if (/[0-9]/.test(rest) || /\\[ux0c]/.test(rest)) return false;
  if (!backrefs) return true;
  // Every capturing group's body: nothing that matches a digit.
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '\\') {
      i++;
      continue;
    }
    if (rest[i] !== '(' || rest[i + 1] === '?') continue;
    let depth = 1;
    let j = i + 1;
    for (; j < rest.length && depth > 0; j++) {
      if (rest[j] === '\\') j++;
      else if (rest[j] === '(') depth++;
      else if (rest[j] === ')') depth--;
    }
    if (mayMatchDigit(rest.slice(i + 1, j - 1))) return false;
  }
  return true;
}

/** Whether a piece of pattern source (digits already replaced by `D`) can match a digit: `D`, `.`, `\w`, `\D`-like escapes, negated classes. */
function mayMatchDigit(body: string): boolean {
  // Classes: a negated one may match a digit; another only if it holds `D` (any digit literal was rejected before).
  const noClasses = body.replace(/\[(\^?)((?:\\.|[^\]\\])*)\]/g, (_m, neg: string, inner: string) => (neg === '^' || inner.includes('D') || /\\[wWSDpP]/.test(inner) ? 'D' : ''));
  return /D|\\[wWSpP]|\./.test(noClasses.replace(/\\[^wWSpP]/g, ''));
}

/** `[n] = 1` when `pattern` matches n digits, for n up to `max`. */
function byLength(pattern: RegExp, max: number): Uint8Array {
  const out = new Uint8Array(max + 1);
  for (let n = 0; n <= max; n++) {
    pattern.lastIndex = 0;
    out[n] = pattern.test('5'.repeat(n)) ? 1 : 0;
  }
  pattern.lastIndex = 0;
  return out;
}

/** Where {@link Scanner.scanAccepted} looks for the next token: a digit or a capital. */
const NEXT_TOKEN = /[0-9A-Z]/g;

/** Native searches for a run of at least `length` base64 characters (letters, digits, '+', '/'), by length. */
const RUNS = new Map<number, RegExp>();

/** Whether `text` has a run of at least `length` base64 characters. */
function hasRun(text: string, length: number): boolean {
  let re = RUNS.get(length);
  if (re === undefined) RUNS.set(length, (re = new RegExp(`[A-Za-z0-9+/]{${length}}`)));
  return re.test(text);
}

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

function countDigits(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) k++;
  }
  return k;
}

