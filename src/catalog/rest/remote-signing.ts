/**
 * Remote signing (`POST …/tables/{table}/sign`): with
 * `X-Iceberg-Access-Delegation: remote-signing` the catalog keeps the storage
 * keys and signs each object-store request the client is about to send.
 */
import { checkIdentifier, identifierToString, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import * as S from './schemas.js';

/** An object-store request to have signed. */
export interface RemoteSignRequest {
  /** Storage region, e.g. `eu-west-1`. */
  region: string;
  /** The full object-store URL the request goes to. */
  uri: string;
  method: 'PUT' | 'GET' | 'HEAD' | 'POST' | 'DELETE' | 'PATCH' | 'OPTIONS';
  /** The request's headers (a header may repeat). */
  headers: Readonly<Record<string, readonly string[]>>;
  /** The static properties of the table's `remote-signing-config`, passed through unchanged. */
  properties?: Readonly<Record<string, string>>;
  /** The body, only where its content is signed (S3 DeleteObjects). */
  body?: string;
  /** Storage provider (URI scheme). @default 's3' on the server */
  provider?: string;
}

/** A signed request: send it to `uri` with exactly these headers. */
export interface RemoteSignResult {
  uri: string;
  headers: Record<string, string[]>;
}

/** `POST …/tables/{table}/sign`. Idempotent: signing twice only yields two signatures. */
export async function signRequest(ctx: RestContext, id: TableIdentifier, request: RemoteSignRequest, signerHeaders: Readonly<Record<string, string>> = {}): Promise<RemoteSignResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.signRequest, 'remote signing');
  const body = S.RemoteSignRequestSchema.parse({
    region: request.region,
    uri: request.uri,
    method: request.method,
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [...v]])),
    ...(request.properties === undefined ? {} : { properties: { ...request.properties } }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.provider === undefined ? {} : { provider: request.provider }),
  });
  const res = await ctx.http.json(
    {
      method: 'POST',
      path: `${ctx.objectPath(c, id)}/sign`,
      body: { json: body },
      headers: { ...signerHeaders },
      call: { what: `sign a ${request.method} request for table ${identifierToString(id)}`, target: 'table', subject: identifierToString(id) },
      idempotent: true,
    },
    S.RemoteSignResultSchema,
  );
  return { uri: res.uri, headers: res.headers };
}
