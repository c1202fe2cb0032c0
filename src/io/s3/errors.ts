/** Maps AWS SDK S3 failures to lakekit's typed errors. */
import { AlreadyExistsError, AuthError, IoError, NotFoundError, isLakeError } from '../../errors.js';

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** The HTTP status of an SDK error, if it has one. */
export function statusOf(e: unknown): number | undefined {
  return (e as SdkErrorLike | undefined)?.$metadata?.httpStatusCode;
}

/**
 * Translate an error from an S3 call into a LakeError.
 * @param op what was being done ('read', 'write', …)
 * @param location the s3:// URI concerned
 * @param conditional whether the request carried `If-None-Match: *`
 */
export function mapS3Error(e: unknown, op: string, location: string, conditional = false): unknown {
  if (isLakeError(e)) return e;
  const err = (e ?? {}) as SdkErrorLike;
  const name = err.name ?? err.code ?? '';
  const status = statusOf(e);
  const context = { location, operation: op, status, requestId: err.$metadata?.requestId, s3Code: name || undefined };
  const server = err.message ? ` (S3 said: ${err.message.slice(0, 300)})` : '';

  if (conditional && (status === 412 || name === 'PreconditionFailed')) {
    return new AlreadyExistsError(`an object already exists at ${location}; it was left unchanged`, { cause: e, context });
  }
  if (name === 'NoSuchBucket') {
    return new NotFoundError(`bucket of ${location} does not exist; create it or fix the location`, { cause: e, context });
  }
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
    return new NotFoundError(`no object at ${location}; check the location or write it first`, { cause: e, context });
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return new AuthError(`the S3 credentials expired during ${op} on ${location}; refresh them (vended credentials are refreshed by the catalog)`, {
      cause: e,
      context,
    });
  }
  if (status === 401 || status === 403 || name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new AuthError(`S3 denied ${op} on ${location}${server}; check the credentials, the bucket policy and the KMS key policy`, {
      cause: e,
      context,
    });
  }
  if (status === 409 && name === 'ConditionalRequestConflict') {
    return new IoError(`a concurrent conditional write to ${location} is in progress; retry`, { cause: e, retryable: true, context });
  }
  const throttled = status === 429 || status === 503 || THROTTLING.has(name) || err.$retryable?.throttling === true;
  const serverFault = status !== undefined && status >= 500;
  const network = NETWORK.has(name) || NETWORK.has(err.code ?? '') || name === 'TimeoutError' || name === 'AbortError' || (status === undefined && err.$fault !== 'client' && name !== '');
  if (throttled || serverFault || network) {
    const why = throttled ? 'S3 throttled the request' : serverFault ? `S3 answered ${status}` : `the connection failed (${name || 'network error'})`;
    return new IoError(`${op} on ${location} failed: ${why}${server}; it is safe to retry`, { cause: e, retryable: true, context });
  }
  return new IoError(`${op} on ${location} failed${status ? ` with HTTP ${status}` : ''}: ${name || 'error'}${server}`, { cause: e, context });
}
