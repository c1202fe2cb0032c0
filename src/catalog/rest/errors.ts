/**
 * HTTP error responses of an Iceberg REST catalog mapped to lakekit's error
 * hierarchy, by status and by call, as pyiceberg's `response.py` and Java's
 * `ErrorHandlers` do: a 404 is a missing table on a table call and a missing
 * namespace on a namespace call; a 409 is a commit conflict on a commit and a
 * name clash on a create; a 5xx on a commit means the commit may or may not
 * have landed.
 */
import {
  AlreadyExistsError,
  AuthError,
  CommitConflictError,
  CommitStateUnknownError,
  type LakeError,
  NotFoundError,
  RestError,
  UnsupportedError,
  ValidationError,
} from '../../errors.js';
import { printable } from '../../internal/uri.js';
import { redact } from '../../secret.js';
import { IcebergErrorResponse, OAuthError } from './schemas.js';

/** What kind of object a call addresses; picks the error for a 404 or 409. */
export type RestCallTarget = 'config' | 'namespace' | 'table' | 'view' | 'function' | 'commit' | 'transaction' | 'plan' | 'token';

/** A call as the error mapper sees it. */
export interface RestCall {
  /** What the call does, for messages, e.g. `load table gold.tx`. */
  what: string;
  target: RestCallTarget;
  /** The namespace, table or view the call addresses, for context. */
  subject?: string;
  /** Drop-namespace calls turn a 409 into "not empty". */
  dropNamespace?: boolean;
}

/** HTTP statuses worth another attempt on an idempotent call. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Longest slice of a server's message kept in an error. */
const MAX_MESSAGE = 500;

/** The server's message and error type, from an Iceberg or OAuth2 error body, or a snippet of whatever it sent. */
export function serverMessage(body: string, secrets: readonly string[]): { message: string; type?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const iceberg = IcebergErrorResponse.safeParse(parsed);
  if (iceberg.success) return { message: clean(iceberg.data.error.message, secrets), type: clean(iceberg.data.error.type, secrets) };
  const oauth = OAuthError.safeParse(parsed);
  if (oauth.success) {
    const d = oauth.data;
    return { message: clean(d.error_description === undefined ? d.error : `${d.error}: ${d.error_description}`, secrets), type: clean(d.error, secrets) };
  }
  const text = body.trim();
  if (text === '') return { message: 'no error body' };
  const looksHtml = /^<(!doctype|html|head|body)/i.test(text);
  return { message: `${looksHtml ? 'an HTML page' : 'a non-JSON body'}: ${clean(text.replace(/\s+/g, ' '), secrets, 200)}` };
}

function clean(text: string, secrets: readonly string[], max = MAX_MESSAGE): string {
  const redacted = redact(text, secrets);
  const short = redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
  return printable(short);
}

/** The typed error for a non-2xx answer to `call`. */
export function restErrorFor(call: RestCall, status: number, body: string, requestId: string | undefined, secrets: readonly string[], retryAfterMs?: number): LakeError {
  const { message, type } = serverMessage(body, secrets);
  const context: Record<string, unknown> = { status, operation: call.what };
  if (retryAfterMs !== undefined) context.retryAfterMs = retryAfterMs;
  if (type !== undefined) context.errorType = type;
  if (requestId !== undefined) context.requestId = printable(requestId);
  if (call.subject !== undefined) context.subject = call.subject;
  const said = `${call.what} failed with HTTP ${status}${type === undefined ? '' : ` ${type}`}: ${message}${requestId === undefined ? '' : ` (request id ${printable(requestId)})`}`;
  const isCommit = call.target === 'commit' || call.target === 'transaction';

  if (status >= 500 && isCommit) {
    return new CommitStateUnknownError(`${said}; the commit may or may not have been applied — reload the table and check before retrying`, { context });
  }
  switch (status) {
    case 400:
      return new ValidationError(`${said}; the server rejected the request as malformed — check names, schema and properties`, { context });
    case 401:
      return new AuthError(`${said}; the credentials were rejected — check the client id/secret or token`, { context });
    case 403:
      return new AuthError(`${said}; the principal is not allowed to do this — ask an admin for the missing privilege`, { context });
    case 419:
      return new AuthError(`${said}; the session expired — authenticate again`, { context });
    case 404:
      return new NotFoundError(`${said}; ${notFoundHint(call, type)}`, { context });
    case 405:
    case 406:
    case 501:
      return new UnsupportedError(`${said}; this server does not support the operation`, { context });
    case 409:
      if (isCommit) return new CommitConflictError(`${said}; another writer committed first — refresh the table and retry`, { context });
      if (call.dropNamespace === true || type === 'NamespaceNotEmptyException') {
        return new ValidationError(`${said}; drop its tables, views and namespaces first`, { context: { ...context, reason: 'namespace-not-empty' } });
      }
      return new AlreadyExistsError(`${said}; pick another name or drop the existing one`, { context });
    case 422:
      return new ValidationError(`${said}; the server could not process the request`, { context });
    case 429:
      return new RestError(`${said}; the server is rate limiting — slow down and retry`, { context, retryable: true });
    default:
      if (status >= 500) {
        return new RestError(`${said}; the catalog server failed — retry later or check its health`, { context, retryable: RETRYABLE_STATUSES.has(status) });
      }
      return new RestError(`${said}`, { context });
  }
}

function notFoundHint(call: RestCall, type: string | undefined): string {
  switch (type) {
    case 'NoSuchNamespaceException':
      return 'create the namespace or check its name';
    case 'NoSuchTableException':
      return 'create the table or check its name';
    case 'NoSuchViewException':
      return 'create the view or check its name';
    case 'NoSuchFunctionException':
      return 'check the function name and namespace';
    case 'NoSuchWarehouseException':
      return 'check the warehouse name';
    case 'NoSuchPlanIdException':
    case 'NoSuchPlanTaskException':
      return 'the scan plan expired or was cancelled; plan the scan again';
    default:
      break;
  }
  switch (call.target) {
    case 'namespace':
      return 'create the namespace or check its name';
    case 'view':
      return 'create the view or check its name';
    case 'function':
      return 'check the function name and namespace';
    case 'config':
      return 'check the catalog URI and warehouse';
    case 'token':
      return 'check the OAuth2 token endpoint (oauth2ServerUri)';
    default:
      return 'create the table or check its name';
  }
}
