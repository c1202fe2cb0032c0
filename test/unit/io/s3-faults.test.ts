/**
 * S3FileIO against a misbehaving S3 endpoint on 127.0.0.1: throttling, 5xx,
 * hangs, denials and a multipart upload that fails half-way. Each case checks
 * the typed error, how many requests were sent, and what was cleaned up.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { S3FileIO, type S3FileIOOptions } from '../../../src/io/s3.js';
import { Secret } from '../../../src/secret.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function fakeS3(handler: Handler): Promise<{ endpoint: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      handler(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
function io(endpoint: string, extra: S3FileIOOptions = {}): S3FileIO {
  return new S3FileIO({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: new Secret(SECRET), sessionToken: new Secret('session-token-value') },
    retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 10_000 },
    ...extra,
  });
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'req-123' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>req-123</RequestId></Error>`);
}

describe('S3FileIO under faults', () => {
  it('retries throttling a bounded number of times, then gives a retryable IoError', async () => {
    const { endpoint, seen } = await fakeS3((_q, res) => xmlError(res, 503, 'SlowDown', 'Please reduce your request rate.'));
    const e = await io(endpoint).read('s3://bucket/key').catch((x: unknown) => x);
    expect(isLakeError(e, 'IO')).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    expect((e as Error).message).toMatch(/throttled/);
    expect(seen).toHaveLength(4);
  });

  it('retries a 500 and succeeds when the server recovers', async () => {
    let n = 0;
    const { endpoint, seen } = await fakeS3((_q, res) => {
      if (++n < 3) return xmlError(res, 500, 'InternalError', 'We encountered an internal error.');
      res.writeHead(200, { 'content-length': '5', etag: '"abc"' });
      res.end('hello');
    });
    expect(new TextDecoder().decode(await io(endpoint).read('s3://bucket/key'))).toBe('hello');
    expect(seen).toHaveLength(3);
  });

  it('gives a TimeoutError when the endpoint hangs past the deadline', async () => {
    const { endpoint, seen } = await fakeS3(() => {
      /* never answers */
    });
    const e = await io(endpoint, { requestTimeoutMs: 100, retry: { retries: 50, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 600 } })
      .stat('s3://bucket/key')
      .catch((x: unknown) => x);
    expect(isLakeError(e, 'TIMEOUT')).toBe(true);
    // Bounded: the per-request timeout and the deadline together allow only a handful of attempts.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(7);
  });

  it('does not retry a denial, and keeps secrets out of the error', async () => {
    const { endpoint, seen } = await fakeS3((_q, res) => xmlError(res, 403, 'AccessDenied', 'Access Denied'));
    const s3 = io(endpoint);
    const e = await s3.write('s3://bucket/key', 'x').catch((x: unknown) => x);
    expect(isLakeError(e, 'AUTH')).toBe(true);
    expect(seen).toHaveLength(1);
    const printed = `${String(e)} ${JSON.stringify(e)} ${inspect(e, { depth: 6 })} ${inspect(s3, { depth: 6, showHidden: true })}`;
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain('session-token-value');
    // The request was signed with the secret, so it was used, just never shown.
    expect(String(seen[0]!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\//);
    expect(seen[0]!.headers['x-amz-security-token']).toBe('session-token-value');
  });

  it('maps 404 to NotFoundError, and 412 on a conditional write to AlreadyExistsError', async () => {
    const { endpoint, seen } = await fakeS3((req, res) => {
      if (req.method === 'PUT') return xmlError(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    });
    const s3 = io(endpoint);
    await expect(s3.read('s3://bucket/missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(s3.createIfAbsent('s3://bucket/exists', 'x')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(seen.at(-1)!.headers['if-none-match']).toBe('*');
  });

  it('sends SSE-KMS headers on every write, multipart included', async () => {
    const { endpoint, seen } = await fakeS3((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end('<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>');
      }
      if (req.method === 'PUT' && url.searchParams.has('partNumber')) {
        res.writeHead(200, { etag: `"p${url.searchParams.get('partNumber')}"` });
        return res.end();
      }
      if (req.method === 'POST' && url.searchParams.has('uploadId')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end('<CompleteMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key><ETag>"done-2"</ETag></CompleteMultipartUploadResult>');
      }
      res.writeHead(200, { etag: '"single"' });
      res.end();
    });
    const kms = { encryption: { type: 'aws:kms', kmsKeyId: 'alias/bronze', bucketKeyEnabled: true } } as const;
    const s3 = io(endpoint, { ...kms, multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
    await s3.write('s3://bucket/small', 'x');
    const big = await s3.write('s3://bucket/big', new Uint8Array(11 * 1024 * 1024));
    expect(big.size).toBe(11 * 1024 * 1024);
    const put = seen[0]!;
    expect(put.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(put.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/bronze');
    expect(put.headers['x-amz-server-side-encryption-bucket-key-enabled']).toBe('true');
    const create = seen.find((s) => s.url.includes('uploads'))!;
    expect(create.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/bronze');
    expect(seen.filter((s) => s.url.includes('partNumber'))).toHaveLength(3);
  });

  it('aborts a multipart upload that fails half-way and reports a retryable IoError', async () => {
    const { endpoint, seen } = await fakeS3((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end('<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key><UploadId>u-9</UploadId></InitiateMultipartUploadResult>');
      }
      if (req.method === 'PUT' && url.searchParams.get('partNumber') === '2') return xmlError(res, 500, 'InternalError', 'part failed');
      if (req.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(200, { etag: '"p"' });
      res.end();
    });
    const s3 = io(endpoint, { multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024, concurrency: 1, retry: { retries: 1, baseDelayMs: 1, deadlineMs: 10_000 } });
    const e = await s3.write('s3://bucket/k', new Uint8Array(16 * 1024 * 1024)).catch((x: unknown) => x);
    expect(isLakeError(e, 'IO')).toBe(true);
    expect((e as { retryable: boolean }).retryable).toBe(true);
    const abort = seen.filter((s) => s.method === 'DELETE');
    expect(abort).toHaveLength(1);
    expect(abort[0]!.url).toContain('uploadId=u-9');
    expect(seen.some((s) => s.method === 'POST' && s.url.includes('uploadId=') && !s.url.includes('uploads'))).toBe(false);
  });

  it('reads Iceberg s3.* properties, secrets wrapped', () => {
    const s3 = S3FileIO.fromProperties({
      's3.endpoint': 'http://127.0.0.1:1',
      's3.access-key-id': 'AKIA',
      's3.secret-access-key': SECRET,
      's3.session-token': 'tok',
      'client.region': 'eu-west-1',
      's3.path-style-access': 'true',
      's3.sse.type': 'kms',
      's3.sse.key': 'arn:aws:kms:eu-west-1:1:key/k',
    });
    expect(inspect(s3, { depth: 8, showHidden: true })).not.toContain(SECRET);
    expect(() => S3FileIO.fromProperties({ 's3.access-key-id': 'AKIA' })).toThrow(/set both/);
    expect(() => S3FileIO.fromProperties({ 's3.path-style-access': 'yes' })).toThrow(/'true' or 'false'/);
    expect(() => S3FileIO.fromProperties({ 's3.sse.type': 'rot13' })).toThrow(/kms, s3 or none/);
    expect(() => new S3FileIO({ partSize: 1024 })).toThrow(/5 MiB minimum/);
  });
});
