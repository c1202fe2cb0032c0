/**
 * AWS Signature Version 4 for Iceberg REST endpoints behind AWS IAM: AWS
 * Glue's Iceberg REST endpoint (service `glue`) and Amazon S3 Tables
 * (service `s3tables`). Signing is done by @smithy/signature-v4 with the
 * @aws-crypto SHA-256, the same code the AWS SDK uses.
 *
 * This file loads the AWS signer, so it has its own subpath
 * (`lakekit/catalog/sigv4`) and `lakekit/catalog` stays free of AWS code.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { AuthError } from '../../errors.js';
import { toSecret, type Secret } from '../../secret.js';
import type { AuthProvider, AuthRequest } from './auth-provider.js';

/** AWS credentials; the secret parts are Secrets. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string | Secret;
  sessionToken?: string | Secret;
  /** When temporary credentials expire. */
  expiration?: Date;
}

/** Options of {@link SigV4Auth}. */
export interface SigV4AuthOptions {
  /** AWS region of the endpoint, e.g. `eu-west-1`. */
  region: string;
  /** Signing name: `glue` for Glue's Iceberg REST endpoint, `s3tables` for S3 Tables. @default 'glue' */
  service?: 'glue' | 's3tables' | (string & {});
  /** Static credentials, or a provider called before each signature (it should cache). */
  credentials: SigV4Credentials | (() => Promise<SigV4Credentials>);
  /** Clock for the signature date, replaceable for tests. */
  now?: () => Date;
}

/**
 * Signs every catalog request with SigV4 (headers, query and body hash).
 *
 * @example
 * ```ts
 * import { SigV4Auth } from 'lakekit/catalog/sigv4';
 * const catalog = new RestCatalog({
 *   uri: 'https://glue.eu-west-1.amazonaws.com/iceberg',
 *   warehouse: '123456789012',
 *   auth: new SigV4Auth({
 *     region: 'eu-west-1',
 *     service: 'glue',
 *     credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: new Secret(process.env.AWS_SECRET_ACCESS_KEY ?? '') },
 *   }),
 * });
 * ```
 */
export class SigV4Auth implements AuthProvider {
  readonly #signer: SignatureV4;
  readonly #now: () => Date;

  constructor(options: SigV4AuthOptions) {
    const creds = options.credentials;
    const provide = typeof creds === 'function' ? creds : () => Promise.resolve(creds);
    this.#signer = new SignatureV4({
      service: options.service ?? 'glue',
      region: options.region,
      sha256: Sha256,
      credentials: async () => {
        const c = await provide();
        const sessionToken = c.sessionToken === undefined ? undefined : toSecret(c.sessionToken).reveal();
        return {
          accessKeyId: c.accessKeyId,
          secretAccessKey: toSecret(c.secretAccessKey).reveal(),
          ...(sessionToken === undefined ? {} : { sessionToken }),
          ...(c.expiration === undefined ? {} : { expiration: c.expiration }),
        };
      },
    });
    this.#now = options.now ?? (() => new Date());
  }

  async authorize(request: AuthRequest): Promise<Record<string, string>> {
    const { url } = request;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    const headers: Record<string, string> = { ...request.headers, host: url.host };
    try {
      const signed = await this.#signer.sign(
        {
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port === '' ? {} : { port: Number(url.port) }),
          path: url.pathname,
          query,
          headers,
          body: request.body,
        },
        { signingDate: this.#now() },
      );
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(signed.headers)) {
        const key = k.toLowerCase();
        if (key !== 'host' && !(key in request.headers)) out[key] = v;
      }
      return out;
    } catch (cause) {
      throw new AuthError('could not sign the request with SigV4; check the AWS credentials and region', { cause: cause instanceof Error ? new Error(cause.name) : undefined });
    }
  }

  /** SigV4 signatures do not expire between attempts; a 401/403 is final. */
  invalidate(): boolean {
    return false;
  }

  toString(): string {
    return 'SigV4Auth([REDACTED])';
  }
}
