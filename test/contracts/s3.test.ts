import { CreateBucketCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { isLakeError } from '../../src/errors.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { fileIOContract } from './file-io-contract.js';

const endpoint = inject('motoEndpoint');
const BUCKET = 'contract';
const credentials = { accessKeyId: 'testing', secretAccessKey: new Secret('testing') };
// A low multipart threshold so the 12 MiB contract case really goes multipart.
const make = (root: string, extra = {}) =>
  new S3FileIO({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, root, multipartThreshold: 5 << 20, partSize: 5 << 20, ...extra });

beforeAll(async () => {
  await make(`s3://${BUCKET}/`).client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

let n = 0;
fileIOContract('S3FileIO (moto)', async () => {
  const root = `s3://${BUCKET}/run-${Date.now()}-${++n}/`;
  return { io: make(root), root };
}, { modelRuns: 25 });

describe('S3FileIO on moto', () => {
  it('encrypts every write with the configured KMS key, multipart included', async () => {
    const kms = new KMSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const key = await kms.send(new CreateKeyCommand({ Description: 'lakekit bronze' }));
    const keyId = key.KeyMetadata!.Arn!;
    const io = make(`s3://${BUCKET}/kms-${Date.now()}/`, { encryption: { type: 'aws:kms', kmsKeyId: keyId } });
    await io.write('small', 'x');
    await io.write('large', new Uint8Array(11 << 20));
    await io.createIfAbsent('created', 'y');
    for (const name of ['small', 'large', 'created']) {
      const loc = io.resolve(name).slice(`s3://${BUCKET}/`.length);
      const head = await io.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: loc }));
      expect(head.ServerSideEncryption, name).toBe('aws:kms');
      expect(head.SSEKMSKeyId, name).toBe(keyId);
    }
  });

  it('aborts a failed multipart upload: no object, no lingering upload', async () => {
    const root = `s3://${BUCKET}/abort-${Date.now()}/`;
    const io = make(root);
    async function* failing() {
      yield new Uint8Array(6 << 20);
      yield new Uint8Array(6 << 20);
      throw new Error('source broke');
    }
    await expect(io.write('half', failing())).rejects.toThrow('source broke');
    expect(await io.exists('half')).toBe(false);
    const uploads = await io.client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: root.slice(`s3://${BUCKET}/`.length) }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('gives NotFoundError for a missing bucket', async () => {
    const e = await make('s3://no-such-bucket/').read('x').catch((x: unknown) => x);
    expect(isLakeError(e, 'NOT_FOUND')).toBe(true);
    expect((e as Error).message).toMatch(/bucket/);
  });

  it('builds from Iceberg s3.* properties', async () => {
    const io = S3FileIO.fromProperties({
      's3.endpoint': endpoint,
      's3.access-key-id': 'testing',
      's3.secret-access-key': 'testing',
      's3.region': 'us-east-1',
      's3.path-style-access': 'true',
    });
    await io.write(`s3://${BUCKET}/props/x`, 'via properties');
    expect(new TextDecoder().decode(await io.read(`s3://${BUCKET}/props/x`))).toBe('via properties');
  });
});
