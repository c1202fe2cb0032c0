import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { bytesEqual, compareUtf8, concatBytes, fromHex, toHex, utf8 } from '../../../src/internal/bytes.js';
import { sha256Hex } from '../../../src/internal/hash.js';
import { formatLocation, joinPath, parseLocation, printable, schemeOf } from '../../../src/internal/uri.js';

describe('bytes and hashing', () => {
  it('hex round-trips (property) and matches Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(toHex(b)).toBe(Buffer.from(b).toString('hex'));
        expect(bytesEqual(fromHex(toHex(b)), b)).toBe(true);
      }),
    );
    expect(() => fromHex('abc')).toThrow();
    expect(() => fromHex('zz')).toThrow();
  });

  it('computes SHA-256 through Web Crypto like node:crypto does', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (b) => {
        expect(await sha256Hex(b)).toBe(createHash('sha256').update(b).digest('hex'));
      }),
      { numRuns: 50 },
    );
  });

  it('orders strings by UTF-8 bytes (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(utf8(a)), Buffer.from(utf8(b)))));
      }),
      { numRuns: 2000 },
    );
  });

  it('concatenates chunks', () => {
    expect([...concatBytes([new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3])])]).toEqual([1, 2, 3]);
  });
});

describe('locations', () => {
  it('parses the three schemes and Hadoop spellings', () => {
    expect(parseLocation('s3://bucket/a/b.parquet')).toEqual({ scheme: 's3', bucket: 'bucket', key: 'a/b.parquet' });
    expect(parseLocation('s3a://bucket/a')).toEqual({ scheme: 's3', bucket: 'bucket', key: 'a' });
    expect(parseLocation('S3N://bucket')).toEqual({ scheme: 's3', bucket: 'bucket', key: '' });
    expect(parseLocation('memory://m/x/')).toEqual({ scheme: 'memory', bucket: 'm', key: 'x/' });
    expect(parseLocation('file:///tmp/w/t')).toEqual({ scheme: 'file', bucket: '', key: '/tmp/w/t' });
    expect(parseLocation('file:/tmp/w/t')).toEqual({ scheme: 'file', bucket: '', key: '/tmp/w/t' });
    expect(parseLocation('file://localhost/tmp')).toEqual({ scheme: 'file', bucket: '', key: '/tmp' });
    expect(formatLocation(parseLocation('s3a://b/k'))).toBe('s3://b/k');
    expect(formatLocation(parseLocation('file:/x'))).toBe('file:///x');
    expect(schemeOf('C:/windows')).toBeUndefined();
    expect(schemeOf('/abs')).toBeUndefined();
  });

  it('refuses traversal, hosts, missing buckets and unknown schemes with a ValidationError', () => {
    for (const bad of ['s3://b/../x', 's3://b/a/./x', 'memory://b/..', 'file:///a/../b', 'file://host/x', 'file:rel', 's3:///key', 's3:bucket', 'gs://b/k', 'plain/path', 's3://b/a\u0000b']) {
      expect(() => parseLocation(bad), bad).toThrow(ValidationError);
    }
    expect(() => parseLocation('s3://b/..')).toThrow(/'\.\.' segment/);
  });

  it('never accepts a location with a .. segment (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '..', '.', 'b c', '%2e%2e', 'é'), { maxLength: 6 }), (segments) => {
        const uri = `s3://bucket/${segments.join('/')}`;
        const traverses = segments.some((s) => s === '..' || s === '.');
        if (traverses) expect(() => parseLocation(uri)).toThrow(ValidationError);
        else expect(parseLocation(uri).key).toBe(segments.join('/'));
      }),
    );
  });

  it('joins paths and makes text printable', () => {
    expect(joinPath('s3://b/w/', 'db', '/t')).toBe('s3://b/w/db/t');
    expect(joinPath('s3://b/w', 'x')).toBe('s3://b/w/x');
    expect(printable('a\u0000b\nc')).toBe('a\\x00b\\x0ac');
    expect(printable('x'.repeat(1000)).length).toBeLessThan(400);
  });
});

describe('ensureCapacity', () => {
  it('keeps the buffer when it fits, otherwise grows by doubling and keeps the used bytes', async () => {
    const { ensureCapacity } = await import('../../../src/internal/bytes.js');
    const buf = new Uint8Array([1, 2, 3, 4]);
    expect(ensureCapacity(buf, 2, 2)).toBe(buf);
    const grown = ensureCapacity(buf, 3, 30);
    expect(grown.length).toBe(64);
    expect([...grown.subarray(0, 4)]).toEqual([1, 2, 3, 0]);
  });
});
