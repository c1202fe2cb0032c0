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
    this.gate = prefilter(detectors, this.minToken);
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

  /** Every reported match in `text`, non-overlapping, in order of position. Never throws. */
  scan(text: string, column?: ColumnContext): readonly Finding[] {
    const n = text.length;
    if (n === 0 || (this.gate !== undefined && !this.gate.test(text))) return EMPTY;
    const state: ScanState = { text, lower: undefined, column, found: [] };
    let hasAt = false;
    let hasColon = false;
    let hasDigit = false;
    // Longest run of base64 characters (letters, digits, '+', '/'), for text detectors with a minRun.
    let run = 0;
    let maxRun = 0;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? CLASS[c]! : 0;
      if (cls === DIGIT || cls === LETTER) {
        let j = i + 1;
        let digits = cls === DIGIT ? 1 : 0;
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
        run += j - i;
        if (run > maxRun) maxRun = run;
        if (digits === j - i) {
          const resume = this.digitSpan(state, i, j, digits);
          if (resume !== j) run = 0;
          i = resume;
          continue;
        }
        // Tokens worth a look hold a digit or are all capitals (BIC, AWS key ids); lowercase words are skipped.
        if ((digits > 0 || upper === j - i) && (j - i >= this.minToken || (this.joinTokens && j - i <= 4))) {
          // A match joined over following groups (`GB82 WEST 1234 …`) consumes them.
          i = this.token(state, i, j);
          continue;
        }
        i = j;
        continue;
      }
      if (c === 64) hasAt = true;
      else if (c === 58) hasColon = true;
      if (c === 43 || c === 47) {
        if (++run > maxRun) maxRun = run;
      } else run = 0;
      i++;
    }
    for (const di of this.textDetectors) {
      const d = this.detectors[di]!;
      if (n < d.minLength || (d.minRun !== undefined && maxRun < d.minRun)) continue;
      if (d.requires !== undefined && !requiresMet(d.requires, text, hasAt, hasColon, hasDigit)) continue;
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
    return state.found.length === 0 ? EMPTY : this.resolve(state);
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
    const cand = state.text.slice(start, end);
    let any = false;
    for (const di of this.digitDetectors) {
      const d = this.detectors[di]!;
      if (digits < d.minLength || digits > d.maxLength || !d.pattern.test(cand)) continue;
      if (this.evaluate(state, di, cand, start, end)) any = true;
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
    const context = state.column?.[di] === 1 || this.keywordNear(state, d, start, end);
    const score = base + (context ? d.contextBoost : 0);
    if (score < this.threshold) return true;
    const f: Finding = { type: d.type, start, end, text: shown, score: Math.min(1, score), context };
    if (validated !== undefined) f.validated = validated;
    if (flags !== undefined) f.flags = flags;
    state.found.push(f);
    return true;
  }

  /** Keep the best of overlapping findings (score, then detector order); return them by position. */
  private resolve(state: ScanState): readonly Finding[] {
    const found = state.found;
    if (found.length === 1) return found;
    const order = found.map((f, i) => ({ f, i })).sort((a, b) => b.f.score - a.f.score || a.i - b.i);
    const kept: Finding[] = [];
    for (const { f } of order) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
    return kept.sort((a, b) => a.start - b.start);
  }

  private keywordNear(state: ScanState, d: Detector, start: number, end: number): boolean {
    if (d.keywords.length === 0 || this.contextWindow === 0) return false;
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
  lower: string | undefined;
  column: ColumnContext | undefined;
  found: Finding[];
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
function prefilter(detectors: readonly Detector[], minToken: number): RegExp | undefined {
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
  return new RegExp(alternatives.length === 0 ? '(?!)' : alternatives.join('|'));
}

function requiresMet(requires: string, text: string, hasAt: boolean, hasColon: boolean, hasDigit: boolean): boolean {
  for (let k = 0; k < requires.length; k++) {
    const c = requires.charCodeAt(k);
    if (c === 64 ? hasAt : c === 58 ? hasColon : c >= 48 && c <= 57 ? hasDigit : text.includes(requires[k]!)) return true;
  }
  return false;
}

function countDigits(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) k++;
  }
  return k;
}

