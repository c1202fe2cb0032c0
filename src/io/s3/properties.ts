/** Reading the Iceberg `s3.*` FileIO properties (as vended by a REST catalog). */
import { ValidationError } from '../../errors.js';
import { Secret } from '../../secret.js';

/** Server-side encryption applied to every write. */
export type S3Encryption =
  | { type: 'aws:kms'; kmsKeyId?: string; bucketKeyEnabled?: boolean }
  | { type: 'AES256' }
  | { type: 'none' };

/** Static credentials; the secret parts are {@link Secret}s so they never print. */
export interface S3StaticCredentials {
  accessKeyId: string;
  secretAccessKey: Secret;
  sessionToken?: Secret;
  /** When the credentials stop working (vended credentials carry one). */
  expiration?: Date;
}

/** The client settings derived from Iceberg properties. */
export interface S3PropertySettings {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: S3StaticCredentials;
  encryption?: S3Encryption;
  multipartThreshold?: number;
  partSize?: number;
}

/**
 * Iceberg property names understood by `S3FileIO.fromProperties`, the ones
 * Java's S3FileIO and pyiceberg use.
 */
export const S3_PROPERTY = Object.freeze({
  endpoint: 's3.endpoint',
  accessKeyId: 's3.access-key-id',
  secretAccessKey: 's3.secret-access-key',
  sessionToken: 's3.session-token',
  sessionTokenExpiresAtMs: 's3.session-token-expires-at-ms',
  region: 's3.region',
  clientRegion: 'client.region',
  pathStyle: 's3.path-style-access',
  sseType: 's3.sse.type',
  sseKey: 's3.sse.key',
  multipartThreshold: 's3.multipart.threshold-bytes',
  partSize: 's3.multipart.part-size-bytes',
});

function bool(v: string | undefined, key: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw new ValidationError(`property ${key} must be 'true' or 'false', got '${v}'`, { context: { key } });
}

function int(v: string | undefined, key: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ValidationError(`property ${key} must be a positive integer, got '${v}'`, { context: { key } });
  return n;
}

/** Parse Iceberg `s3.*` properties into client settings. Unknown keys are ignored. */
export function parseS3Properties(props: Readonly<Record<string, string>>): S3PropertySettings {
  const p = S3_PROPERTY;
  const out: S3PropertySettings = {};
  const endpoint = props[p.endpoint];
  if (endpoint !== undefined) out.endpoint = endpoint;
  const region = props[p.region] ?? props[p.clientRegion];
  if (region !== undefined) out.region = region;
  const pathStyle = bool(props[p.pathStyle], p.pathStyle);
  if (pathStyle !== undefined) out.forcePathStyle = pathStyle;
  const keyId = props[p.accessKeyId];
  const secret = props[p.secretAccessKey];
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new ValidationError(`set both ${p.accessKeyId} and ${p.secretAccessKey}, or neither to use the default credential chain`);
  }
  if (keyId !== undefined && secret !== undefined) {
    const creds: S3StaticCredentials = { accessKeyId: keyId, secretAccessKey: new Secret(secret) };
    const token = props[p.sessionToken];
    if (token !== undefined) creds.sessionToken = new Secret(token);
    const expires = int(props[p.sessionTokenExpiresAtMs], p.sessionTokenExpiresAtMs);
    if (expires !== undefined) creds.expiration = new Date(expires);
    out.credentials = creds;
  }
  const sse = props[p.sseType]?.toLowerCase();
  if (sse === 'kms') {
    const key = props[p.sseKey];
    out.encryption = key === undefined ? { type: 'aws:kms' } : { type: 'aws:kms', kmsKeyId: key };
  } else if (sse === 's3') out.encryption = { type: 'AES256' };
  else if (sse === 'none') out.encryption = { type: 'none' };
  else if (sse !== undefined) throw new ValidationError(`property ${p.sseType} must be kms, s3 or none, got '${sse}'`);
  const threshold = int(props[p.multipartThreshold], p.multipartThreshold);
  if (threshold !== undefined) out.multipartThreshold = threshold;
  const part = int(props[p.partSize], p.partSize);
  if (part !== undefined) out.partSize = part;
  return out;
}
