/**
 * AWS Glue service errors mapped to lakekit's hierarchy.
 *
 * @module
 */
import { AlreadyExistsError, AuthError, CommitConflictError, LakeError, NotFoundError, RestError, ValidationError, isLakeError } from '../../errors.js';

/** Whether `e` is a Glue service exception of the given name (e.g. `ConcurrentModificationException`). */
export function isGlueError(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name;
}

/** A lakekit error for a failed Glue call about `subject` (e.g. `table gold.tx`). */
export function glueError(e: unknown, subject: string, catalog: string): LakeError {
  if (isLakeError(e)) return e;
  const name = (e as { name?: string } | null)?.name ?? 'Error';
  const message = (e as { message?: string } | null)?.message ?? String(e);
  const status = (e as { $metadata?: { httpStatusCode?: number; requestId?: string } } | null)?.$metadata;
  const context = { service: 'glue', error: name, ...(status?.httpStatusCode === undefined ? {} : { status: status.httpStatusCode }), ...(status?.requestId === undefined ? {} : { requestId: status.requestId }) };
  const said = `(Glue: ${name}: ${message})`;
  switch (name) {
    case 'EntityNotFoundException':
      return new NotFoundError(`${subject} does not exist in Glue catalog ${catalog} ${said}; create it or check the name`, { cause: e, context });
    case 'AlreadyExistsException':
      return new AlreadyExistsError(`${subject} already exists in Glue catalog ${catalog} ${said}`, { cause: e, context });
    case 'ConcurrentModificationException':
      return new CommitConflictError(`${subject} was changed by someone else ${said}; refresh and retry`, { cause: e, context });
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'ExpiredTokenException':
      return new AuthError(`Glue denied access to ${subject} ${said}; check the IAM permissions and credentials`, { cause: e, context });
    case 'InvalidInputException':
    case 'ValidationException':
      return new ValidationError(`Glue refused the request for ${subject} ${said}; fix the input`, { cause: e, context });
    default: {
      const fault = (e as { $fault?: string } | null)?.$fault;
      const retryable = fault === 'server' || name === 'ThrottlingException' || name === 'OperationTimeoutException' || name === 'InternalServiceException';
      return new RestError(`Glue failed on ${subject} ${said}${retryable ? '; retry later' : ''}`, { cause: e, context, retryable });
    }
  }
}
