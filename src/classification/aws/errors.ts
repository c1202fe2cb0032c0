/**
 * AWS service errors (KMS, Lake Formation, Glue) mapped to lakekit's hierarchy.
 *
 * @module
 */
import { AlreadyExistsError, AuthError, isLakeError, NotFoundError, RestError, ValidationError, type LakeError } from '../../errors.js';

/** A lakekit error for a failed call to `service` about `subject`. */
export function awsError(e: unknown, service: 'kms' | 'lakeformation' | 'glue', subject: string): LakeError {
  if (isLakeError(e)) return e;
  const name = (e as { name?: string } | null)?.name ?? 'Error';
  const message = (e as { message?: string } | null)?.message ?? String(e);
  const meta = (e as { $metadata?: { httpStatusCode?: number; requestId?: string } } | null)?.$metadata;
  const context = { service, error: name, ...(meta?.httpStatusCode === undefined ? {} : { status: meta.httpStatusCode }), ...(meta?.requestId === undefined ? {} : { requestId: meta.requestId }) };
  const said = `(${service}: ${name}: ${message})`;
  switch (name) {
    case 'NotFoundException':
    case 'EntityNotFoundException':
      return new NotFoundError(`${subject} does not exist ${said}; create it or check the name`, { cause: e, context });
    case 'AlreadyExistsException':
      return new AlreadyExistsError(`${subject} already exists ${said}`, { cause: e, context });
    case 'AccessDeniedException':
    case 'UnrecognizedClientException':
    case 'ExpiredTokenException':
    case 'IncorrectKeyException':
    case 'InvalidCiphertextException':
    case 'DisabledException':
    case 'KMSInvalidStateException':
      return new AuthError(`${service} refused ${subject} ${said}; check the key state, the key policy and IAM permissions`, { cause: e, context });
    case 'InvalidInputException':
    case 'ValidationException':
    case 'InvalidParameterException':
      return new ValidationError(`${service} refused the request for ${subject} ${said}; fix the input`, { cause: e, context });
    default: {
      const fault = (e as { $fault?: string } | null)?.$fault;
      const retryable = fault === 'server' || /Throttl|Timeout|InternalService|DependencyTimeout|KMSInternal/.test(name);
      return new RestError(`${service} failed on ${subject} ${said}${retryable ? '; retry later' : ''}`, { cause: e, context, retryable });
    }
  }
}
