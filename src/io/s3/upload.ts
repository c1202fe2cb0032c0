/** Streaming upload: one PUT for small objects, a multipart upload (aborted on failure) for large ones. */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { concatBytes } from '../../internal/bytes.js';
import type { ObjectLockRetention, WriteInput } from '../file-io.js';
import { chunksOf } from '../streams.js';
import type { S3Encryption } from './properties.js';

/** What an upload needs to know. */
export interface UploadPlan {
  client: S3Client;
  bucket: string;
  key: string;
  encryption: S3Encryption;
  contentType: string | undefined;
  /** Object Lock retention to set on the new object. */
  objectLock: ObjectLockRetention | undefined;
  /** Send `If-None-Match: *` so an existing object is never replaced. */
  ifNoneMatch: boolean;
  threshold: number;
  partSize: number;
  concurrency: number;
  signal: AbortSignal | undefined;
  /** Runs one S3 call with the FileIO's retry policy. */
  call: <T>(what: string, fn: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

function sseParams(enc: S3Encryption): Record<string, unknown> {
  if (enc.type === 'aws:kms') {
    return {
      ServerSideEncryption: 'aws:kms',
      ...(enc.kmsKeyId === undefined ? {} : { SSEKMSKeyId: enc.kmsKeyId }),
      ...(enc.bucketKeyEnabled === undefined ? {} : { BucketKeyEnabled: enc.bucketKeyEnabled }),
    };
  }
  if (enc.type === 'AES256') return { ServerSideEncryption: 'AES256' };
  return {};
}

/** Upload `data`; returns the byte count and ETag. Throws the raw SDK error for the caller to map. */
export async function upload(plan: UploadPlan, data: WriteInput): Promise<{ size: number; etag: string | undefined }> {
  const { client, bucket, key } = plan;
  const common = {
    Bucket: bucket,
    Key: key,
    ...(plan.contentType === undefined ? {} : { ContentType: plan.contentType }),
    ...(plan.objectLock === undefined ? {} : { ObjectLockMode: plan.objectLock.mode, ObjectLockRetainUntilDate: plan.objectLock.retainUntil }),
  };
  const sse = sseParams(plan.encryption);
  const condition = plan.ifNoneMatch ? { IfNoneMatch: '*' } : {};

  const iterator = chunksOf(typeof data === 'string' ? new TextEncoder().encode(data) : data)[Symbol.asyncIterator]();
  // Buffer up to the threshold; a small object goes out in one PUT.
  let pending: Uint8Array[] = [];
  let pendingSize = 0;
  let exhausted = false;
  while (pendingSize < plan.threshold) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    pending.push(next.value);
    pendingSize += next.value.byteLength;
  }
  plan.signal?.throwIfAborted();
  if (exhausted) {
    const body = concatBytes(pending, pendingSize);
    const out = await plan.call('write', (signal) =>
      client.send(new PutObjectCommand({ ...common, ...sse, ...condition, Body: body, ContentLength: body.byteLength }), { abortSignal: signal }),
    );
    return { size: body.byteLength, etag: out.ETag };
  }

  const created = await plan.call('write', (signal) =>
    client.send(new CreateMultipartUploadCommand({ ...common, ...sse }), { abortSignal: signal }),
  );
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error('S3 returned no UploadId for CreateMultipartUpload');
  const parts: { PartNumber: number; ETag: string | undefined }[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let total = 0;
  let partNumber = 0;

  const sendPart = (body: Uint8Array) => {
    const number = ++partNumber;
    total += body.byteLength;
    const p = plan
      .call('write', (signal) =>
        client.send(
          new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: number, Body: body, ContentLength: body.byteLength }),
          { abortSignal: signal },
        ),
      )
      .then((r) => {
        parts.push({ PartNumber: number, ETag: r.ETag });
      })
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  try {
    let buffered = concatBytes(pending, pendingSize);
    pending = [];
    for (;;) {
      while (buffered.byteLength >= plan.partSize) {
        sendPart(buffered.slice(0, plan.partSize));
        buffered = buffered.subarray(plan.partSize);
        while (inFlight.size >= plan.concurrency) await Promise.race(inFlight);
        if (failure !== undefined) throw failure;
      }
      plan.signal?.throwIfAborted();
      const next = await iterator.next();
      if (next.done) break;
      buffered = buffered.byteLength === 0 ? next.value : concatBytes([buffered, next.value]);
    }
    if (buffered.byteLength > 0 || partNumber === 0) sendPart(buffered.slice());
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    plan.signal?.throwIfAborted();
    parts.sort((a, b) => a.PartNumber - b.PartNumber);
    const done = await plan.call('write', (signal) =>
      client.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...condition }),
        { abortSignal: signal },
      ),
    );
    return { size: total, etag: done.ETag };
  } catch (e) {
    await Promise.allSettled(inFlight);
    // Abort so no parts linger (and are billed); an incomplete upload is never a visible object.
    await plan
      .call('abort upload', (signal) => client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }), { abortSignal: signal }))
      .catch(() => undefined);
    await iterator.return?.(undefined).catch(() => undefined);
    throw e;
  }
}
