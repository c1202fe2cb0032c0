/**
 * The one error hierarchy of lakekit (ARCHITECTURE.md, boundary 6).
 *
 * Every failure a caller can cause ends as a {@link LakeError} with a stable
 * `code`, a `retryable` flag that retry loops act on, a `context` record for
 * diagnostics, and the original `cause`. Messages say what to do next.
 *
 * Errors are recognised by a brand registered with `Symbol.for`, not by
 * `instanceof`, so {@link isLakeError} works even when two copies of lakekit
 * are loaded (an ESM and a CJS copy in one notebook, or two versions in one
 * service).
 *
 * @module
 */

import { isSecret } from './secret.js';

/** Stable, machine-readable error codes. */
export const ErrorCode = {
  Unknown: 'UNKNOWN',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  CommitConflict: 'COMMIT_CONFLICT',
  CommitStateUnknown: 'COMMIT_STATE_UNKNOWN',
  Validation: 'VALIDATION',
  Auth: 'AUTH',
  Rest: 'REST',
  Io: 'IO',
  Timeout: 'TIMEOUT',
  Unsupported: 'UNSUPPORTED',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options accepted by every {@link LakeError} constructor. */
export interface LakeErrorOptions {
  /** The underlying error, kept for diagnostics. */
  cause?: unknown;
  /** Whether repeating the same operation may succeed. Defaults per subclass. */
  retryable?: boolean;
  /** Structured details (paths, ids, HTTP status). Secrets here print redacted. */
  context?: Record<string, unknown>;
}

const BRAND = Symbol.for('lakekit.LakeError');

/**
 * Base class of every error lakekit throws on purpose.
 *
 * @example
 * ```ts
 * try { await io.read('s3://bucket/missing') }
 * catch (e) { if (isLakeError(e, 'NOT_FOUND')) { ... } }
 * ```
 */
export class LakeError extends Error {
  /** Machine-readable code, stable across versions. */
  readonly code: ErrorCode;
  /** Whether repeating the same operation may succeed. */
  readonly retryable: boolean;
  /** Structured details for diagnostics; never holds a revealed secret. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, options: LakeErrorOptions & { code?: ErrorCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LakeError';
    this.code = options.code ?? ErrorCode.Unknown;
    this.retryable = options.retryable ?? false;
    this.context = Object.freeze(redactContext(options.context ?? {}));
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** A plain, JSON-safe view of the error for logs and `--json` output. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, context: this.context };
  }
}

function redactContext(context: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    out[key] = isSecret(value) ? String(value) : value;
  }
  return out;
}

function subclass<C extends ErrorCode>(name: string, code: C, retryableByDefault: boolean) {
  const Cls = class extends LakeError {
    constructor(message: string, options: LakeErrorOptions = {}) {
      super(message, { ...options, code, retryable: options.retryable ?? retryableByDefault });
      this.name = name;
    }
  };
  Object.defineProperty(Cls, 'name', { value: name });
  return Cls;
}

/** A table, namespace, object or other named thing does not exist. */
export class NotFoundError extends subclass('NotFoundError', ErrorCode.NotFound, false) {}
/** Something with that name already exists (create-if-absent lost, or a name clash). */
export class AlreadyExistsError extends subclass('AlreadyExistsError', ErrorCode.AlreadyExists, false) {}
/** A commit's requirements no longer hold: someone else committed first. Refresh and retry. */
export class CommitConflictError extends subclass('CommitConflictError', ErrorCode.CommitConflict, true) {}
/** A commit may or may not have been applied (5xx or timeout). Never resend blindly: reload and check. */
export class CommitStateUnknownError extends subclass('CommitStateUnknownError', ErrorCode.CommitStateUnknown, false) {}
/** Input (arguments, files, metadata, configuration) is invalid. */
export class ValidationError extends subclass('ValidationError', ErrorCode.Validation, false) {}
/** Credentials are missing, wrong or expired, or access is denied. */
export class AuthError extends subclass('AuthError', ErrorCode.Auth, false) {}
/** A REST service answered with an error that has no more specific class. */
export class RestError extends subclass('RestError', ErrorCode.Rest, false) {}
/** Reading or writing storage failed. */
export class IoError extends subclass('IoError', ErrorCode.Io, false) {}
/** An operation did not finish within its deadline. */
export class TimeoutError extends subclass('TimeoutError', ErrorCode.Timeout, true) {}
/** The feature, format version or server capability is not supported. */
export class UnsupportedError extends subclass('UnsupportedError', ErrorCode.Unsupported, false) {}

/**
 * Whether `e` is a lakekit error (optionally with the given code).
 *
 * Works across copies of the package: it checks a `Symbol.for` brand, not the
 * class identity.
 */
export function isLakeError(e: unknown, code?: ErrorCode): e is LakeError {
  if (typeof e !== 'object' || e === null) return false;
  if ((e as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (e as LakeError).code === code;
}

/** Whether `e` is marked retryable (a lakekit error with `retryable: true`). */
export function isRetryable(e: unknown): boolean {
  return isLakeError(e) && e.retryable;
}
