/**
 * Sensitivity levels and the policy table that maps entity types to them.
 *
 * @module
 */

/** Sensitivity levels, least to most sensitive. */
export const SENSITIVITY_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;

/** One of {@link SENSITIVITY_LEVELS}. */
export type Sensitivity = (typeof SENSITIVITY_LEVELS)[number];

/**
 * Default sensitivity per entity type: card numbers, national IDs and bank
 * accounts are restricted; email, phone and date of birth confidential.
 * Pass overrides to {@link sensitivityPolicy}.
 */
export const DEFAULT_SENSITIVITY: Readonly<Record<string, Sensitivity>> = {
  CREDIT_CARD: 'restricted',
  US_SSN: 'restricted',
  TH_NATIONAL_ID: 'restricted',
  SG_NRIC_FIN: 'restricted',
  UK_NINO: 'restricted',
  PASSPORT: 'restricted',
  IBAN: 'restricted',
  BANK_ACCOUNT: 'restricted',
  ABA_ROUTING: 'confidential',
  SWIFT_BIC: 'internal',
  AWS_ACCESS_KEY_ID: 'restricted',
  AWS_SECRET_KEY: 'restricted',
  EMAIL: 'confidential',
  PHONE: 'confidential',
  DATE_OF_BIRTH: 'confidential',
  IP_ADDRESS: 'internal',
};

/** Level of a type not in the table (user-defined detectors default to their own `sensitivity`). */
export const DEFAULT_UNKNOWN_SENSITIVITY: Sensitivity = 'confidential';

/** Entity type → sensitivity, with a fallback for unlisted types. */
export interface SensitivityPolicy {
  levels: Readonly<Record<string, Sensitivity>>;
  /** Level of a type: its table entry, else `fallback`. */
  levelOf(type: string, fallback?: Sensitivity): Sensitivity;
  /** The most sensitive of `types` (`public` for none). */
  highest(types: Iterable<string>, fallback?: (type: string) => Sensitivity | undefined): Sensitivity;
}

/** A policy table: {@link DEFAULT_SENSITIVITY} with `overrides` on top. */
export function sensitivityPolicy(overrides: Readonly<Record<string, Sensitivity>> = {}): SensitivityPolicy {
  const levels = { ...DEFAULT_SENSITIVITY, ...overrides };
  const levelOf = (type: string, fallback?: Sensitivity): Sensitivity => levels[type] ?? fallback ?? DEFAULT_UNKNOWN_SENSITIVITY;
  return {
    levels,
    levelOf,
    highest(types, fallback) {
      let best = 0;
      for (const t of types) best = Math.max(best, SENSITIVITY_LEVELS.indexOf(levelOf(t, fallback?.(t))));
      return SENSITIVITY_LEVELS[best]!;
    },
  };
}
