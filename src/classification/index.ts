/**
 * Sensitive-data classification and protection.
 *
 * - **Detectors** with checksums and issuance rules (cards, SSN, ABA, IBAN,
 *   BIC, Thai ID, NRIC/FIN, NINO, phone, email, IP, AWS keys, and keyword-gated
 *   bank accounts, passports and dates of birth), plus your own
 *   ({@link defineDetector}).
 * - A **scanner** that scores matches (base, checksum, context keywords,
 *   column name; denylist) and **column classification** of Arrow tables with
 *   a sensitivity level per column from an overridable policy table.
 * - **Protection**: mask, redact, HMAC-SHA-256 hashing, FF1 format-preserving
 *   tokenization (NIST SP 800-38G), AES-GCM encryption, with keys from a
 *   {@link LocalKeyring} or AWS KMS (`lakekit/classification/aws`);
 *   {@link applyPolicy} and a zone-writer hook ({@link protectHook}).
 * - **Tags** for Iceberg (column docs, table properties); Glue and Lake
 *   Formation in `lakekit/classification/aws`.
 * - **Evaluation**: a labelled benchmark generator and precision / recall / F2.
 *
 * @example
 * ```ts
 * import { classifyTable, applyPolicy, LocalKeyring } from 'lakekit/classification';
 * const cls = classifyTable(arrowTable);
 * const { table, report } = await applyPolicy(arrowTable, { keys: new LocalKeyring(), levels: { restricted: { action: 'redact' } } });
 * ```
 *
 * @module
 */
export type { CandidateSource, Detector, DetectorSpec, Finding, Verdict } from './detectors/detector.js';
export { BUILTIN_DETECTORS, BUILTIN_TYPES, DEFAULT_CONTEXT_BOOST, defineDetector, ipv6Valid } from './detectors/builtin.js';
export {
  abaValid, bicValid, CARD_ISSUERS, cardIssuer, IBAN_LENGTHS, ibanValid, ISO_COUNTRIES, luhnCheckDigit, luhnValid, mod97, ninoValid, nricCheckLetter, nricValid,
  ssnValid, TEST_CARD_NUMBERS, thaiIdCheckDigit, thaiIdValid, type CardIssuer,
} from './detectors/checksums.js';
export { phoneVerdict } from './detectors/phone.js';
export { columnWords, DEFAULT_SCANNER_OPTIONS, hasKeyword, SCORING, Scanner, type ColumnContext, type ScannerOptions } from './scanner.js';
export { DEFAULT_SENSITIVITY, DEFAULT_UNKNOWN_SENSITIVITY, SENSITIVITY_LEVELS, sensitivityPolicy, type Sensitivity, type SensitivityPolicy } from './policy.js';
export {
  classifyTable, DEFAULT_CLASSIFY_OPTIONS, sampleRows, type ClassifyOptions, type ColumnClassification, type ColumnFinding, type TableClassification,
} from './classifier.js';
export { DEFAULT_MASK, DEFAULT_REDACTION, maskValue, redactValue, type MaskOptions } from './protect/mask.js';
export { FF1, FF1_MAX_LENGTH, FF1_MIN_DOMAIN, fromNumerals, toNumerals } from './protect/fpe.js';
export { DATA_KEY_BYTES, fromBase64, LocalKeyring, toBase64, type KeyMaterial, type KeyProvider } from './protect/keyring.js';
export {
  ALPHANUMERIC, DIGITS, detokenizeValue, ENCRYPTED_PREFIX, ff1Tokenizer, gcmDecrypt, gcmEncryptor, hmacHex, hmacSigner, tokenizeValue, type TokenizeOptions, type Tokenizer,
} from './protect/crypto.js';
export {
  applyPolicy, protectHook, type ColumnProtection, type ProtectContext, type Protection, type ProtectionPolicy, type ProtectionReport,
} from './protect/apply.js';
export { CLASSIFICATION_PROPERTY_PREFIX, classificationProperties, columnTags, icebergClassificationUpdates, tagIcebergTable, taggedDoc } from './tags.js';
export { BENCHMARK_TYPES, evaluate, f2, generateBenchmark, type BenchmarkCell, type BenchmarkOptions, type EvaluationReport, type TypeScore } from './evaluation.js';
