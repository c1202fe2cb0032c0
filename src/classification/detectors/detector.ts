/**
 * The vocabulary of detection: a {@link Detector} finds candidates of one
 * entity type, validates them and says how much a match is worth; a
 * {@link Finding} is one scored match.
 *
 * @module
 */
import type { Sensitivity } from '../policy.js';

/**
 * Where a detector's candidates come from. The scanner extracts each kind
 * once per value and hands the candidates to every detector of that kind,
 * so adding a detector does not add a pass over the text.
 *
 * - `digits`: runs of digits with the separators people type (space, `-`,
 *   `.`, `/`, `(`, `)`, a leading `+`), matched against `pattern` as a whole;
 * - `token`: runs of letters and digits (and `+/=`), matched as a whole;
 * - `text`: the detector's own global `pattern` over the whole value, run only
 *   when the value contains one of `requires` (a cheap gate, e.g. `'@'`).
 */
export type CandidateSource = 'digits' | 'token' | 'text';

/**
 * What validation says about a candidate: `true`/`false`, or a verdict with
 * flags and, optionally, a base score that replaces the detector's (a
 * formatted `123-45-6789` is worth more than nine bare digits).
 */
export type Verdict = boolean | { valid: boolean; flags?: readonly string[]; baseScore?: number };

/**
 * One detector: a prefilter (its candidate source and sizes), a pattern, an
 * optional validator and the context words that make a match more likely.
 *
 * @example
 * ```ts
 * const employeeId: Detector = defineDetector({
 *   type: 'EMPLOYEE_ID', source: 'token', pattern: /^EMP\d{6}$/, keywords: ['employee'],
 *   baseScore: 0.6, sensitivity: 'internal',
 * });
 * ```
 */
export interface Detector {
  /** Entity type reported for matches, e.g. `CREDIT_CARD`. */
  readonly type: string;
  /** One line for docs and reports. */
  readonly description: string;
  readonly source: CandidateSource;
  /**
   * `digits`/`token`: an anchored regex the candidate must match.
   * `text`: a global (`g`) regex run over the value.
   */
  readonly pattern: RegExp;
  /** `digits`: inclusive bounds on the number of digits; `token`/`text`: on the candidate's length. */
  readonly minLength: number;
  readonly maxLength: number;
  /** `text` only: run the pattern only if the value contains one of these characters. */
  readonly requires?: string;
  /** `text` only: run the pattern only if the value has a run of letters, digits, `+` and `/` at least this long. */
  readonly minRun?: number;
  /** Validation of a candidate (checksum, issuance rules, ranges). */
  readonly validate?: (candidate: string) => Verdict;
  /** Whether `validate` is a checksum (a pass raises the score more). */
  readonly checksum: boolean;
  /** Context words (lowercase); a hit near the match or in the column name raises the score. */
  readonly keywords: readonly string[];
  /** Score of a bare pattern match. */
  readonly baseScore: number;
  /** Added when a keyword is in context; keyword-gated detectors set it high and `baseScore` low. */
  readonly contextBoost: number;
  /** Default sensitivity of this entity type (the policy table may override it). */
  readonly sensitivity: Sensitivity;
  /**
   * `token` only: also try the token joined with the short space-separated
   * groups that follow it (`GB82 WEST 1234 …`, `AB 12 34 56 C`), compacted.
   */
  readonly joinGroups?: boolean;
  /** Values that are never reported (exact match on the candidate). */
  readonly denylist?: ReadonlySet<string>;
}

/** The fields a user gives to {@link defineDetector}; the rest default. */
export type DetectorSpec = Pick<Detector, 'type' | 'pattern'> & Partial<Omit<Detector, 'type' | 'pattern'>>;

/** One scored match in a value. */
export interface Finding {
  type: string;
  /** UTF-16 offsets into the value. */
  start: number;
  end: number;
  /** The matched text. */
  text: string;
  /** 0–1 after validation, context and denylist. */
  score: number;
  /** Whether validation passed (`undefined` when the detector has none). */
  validated?: boolean;
  /** Whether a context keyword (near the match or in the column name) raised the score. */
  context: boolean;
  /** Validator flags, e.g. `test-number` for published test card numbers. */
  flags?: readonly string[];
}
