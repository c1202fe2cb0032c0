/**
 * lakekit: a TypeScript SDK for a governed data lake on AWS.
 *
 * The root entry holds what every module shares: the error hierarchy and the
 * {@link Secret} wrapper. Each capability has its own subpath
 * (`lakekit/io`, `lakekit/io/local`, `lakekit/io/s3`, …).
 *
 * @example
 * ```ts
 * import { isLakeError } from 'lakekit';
 * try { await io.read(location) } catch (e) { if (isLakeError(e, 'NOT_FOUND')) return null; throw e }
 * ```
 *
 * @module
 */
export {
  ErrorCode,
  LakeError,
  NotFoundError,
  AlreadyExistsError,
  CommitConflictError,
  CommitStateUnknownError,
  ValidationError,
  AuthError,
  RestError,
  IoError,
  TimeoutError,
  UnsupportedError,
  isLakeError,
  isRetryable,
  type LakeErrorOptions,
} from './errors.js';
export { Secret, isSecret, toSecret, redact } from './secret.js';
