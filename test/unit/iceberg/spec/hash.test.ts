import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bucketValue,
  hashValue,
  murmur3Bytes,
  murmur3Int,
  murmur3Long,
  parseDate,
  parseTime,
  parseTimestamp,
  Types,
} from '../../../../src/iceberg/spec/index.js';
import { ValidationError, UnsupportedError } from '../../../../src/errors.js';

// Every test value of the Iceberg table spec, Appendix B ("32-bit Hash Requirements"),
// checked against format/spec.md in apache/iceberg.
describe('Appendix B hash test vectors', () => {
  const ts = (text: string, unit: 'us' | 'ns' = 'us') => parseTimestamp(text, unit).value;
  const vectors: [string, Parameters<typeof hashValue>[0], Parameters<typeof hashValue>[1], number][] = [
    ['int 34', Types.int, 34, 2017239379],
    ['long 34L', Types.long, 34n, 2017239379],
    ['decimal(9,2) 14.20', Types.decimal(9, 2), 1420n, -500754589],
    ['date 2017-11-16', Types.date, parseDate('2017-11-16'), -653330422],
    ['time 22:31:08', Types.time, parseTime('22:31:08'), -662762989],
    ['timestamp 2017-11-16T22:31:08', Types.timestamp, ts('2017-11-16T22:31:08'), -2047944441],
    ['timestamp 2017-11-16T22:31:08.000001', Types.timestamp, ts('2017-11-16T22:31:08.000001'), -1207196810],
    ['timestamptz 2017-11-16T14:31:08-08:00', Types.timestamptz, ts('2017-11-16T14:31:08-08:00'), -2047944441],
    ['timestamptz 2017-11-16T14:31:08.000001-08:00', Types.timestamptz, ts('2017-11-16T14:31:08.000001-08:00'), -1207196810],
    ['timestamp_ns 2017-11-16T22:31:08', Types.timestamp_ns, ts('2017-11-16T22:31:08', 'ns'), -2047944441],
    ['timestamp_ns 2017-11-16T22:31:08.000001001', Types.timestamp_ns, ts('2017-11-16T22:31:08.000001001', 'ns'), -1207196810],
    ['timestamptz_ns 2017-11-16T14:31:08-08:00', Types.timestamptz_ns, ts('2017-11-16T14:31:08-08:00', 'ns'), -2047944441],
    ['timestamptz_ns 2017-11-16T14:31:08.000001001-08:00', Types.timestamptz_ns, ts('2017-11-16T14:31:08.000001001-08:00', 'ns'), -1207196810],
    ['string iceberg', Types.string, 'iceberg', 1210000089],
    ['uuid f79c3e09-677c-4bbd-a479-3f349cb785e7', Types.uuid, 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed 00 01 02 03', Types.fixed(4), Uint8Array.of(0, 1, 2, 3), -188683207],
    ['binary 00 01 02 03', Types.binary, Uint8Array.of(0, 1, 2, 3), -188683207],
    // "not currently valid for bucketing" table
    ['boolean true', Types.boolean, true, 1392991556],
    ['float 1.0F', Types.float, 1, -142385009],
    ['float 0.0F', Types.float, 0, 1669671676],
    ['float -0.0F', Types.float, -0, 1669671676],
    ['double 1.0D', Types.double, 1, -142385009],
    ['double 0.0D', Types.double, 0, 1669671676],
    ['double -0.0D', Types.double, -0, 1669671676],
  ];
  it.each(vectors)('%s', (_label, type, value, expected) => {
    expect(hashValue(type, value)).toBe(expected);
  });

  it('the spec example string "34" hashes differently from int 34 (-427558391)', () => {
    expect(hashValue(Types.string, '34')).toBe(-427558391);
  });

  it('encodes the example UUID big-endian as the spec lists', () => {
    expect(murmur3Bytes(Uint8Array.from([0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd, 0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7]))).toBe(1488055340);
  });
});

describe('murmur3', () => {
  it('hashes every tail length (0-3 trailing bytes) like the reference vectors of Murmur3 x86_32', () => {
    // Reference values from the canonical SMHasher implementation, seed 0.
    expect(murmur3Bytes(new Uint8Array(0))).toBe(0);
    expect(murmur3Bytes(new TextEncoder().encode('a'))).toBe(0x3c2569b2 | 0);
    expect(murmur3Bytes(new TextEncoder().encode('ab'))).toBe(0x9bbfd75f | 0);
    expect(murmur3Bytes(new TextEncoder().encode('abc'))).toBe(0xb3dd93fa | 0);
    expect(murmur3Bytes(new TextEncoder().encode('abcd'))).toBe(0x43ed676a | 0);
    expect(murmur3Bytes(new TextEncoder().encode('Hello, world!'))).toBe(0xc0363e43 | 0);
  });

  it('hashes ints and longs identically for every int (promotion keeps buckets)', () => {
    fc.assert(fc.property(fc.integer(), (n) => murmur3Int(n) === murmur3Long(BigInt(n))));
  });

  it('hashLong is hashBytes of 8 little-endian bytes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigInt64(0, v, true);
        return murmur3Long(v) === murmur3Bytes(b);
      }),
    );
  });

  it('canonicalises every NaN bit pattern for doubles', () => {
    const weird = new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0]!;
    expect(hashValue(Types.double, weird)).toBe(hashValue(Types.double, NaN));
    expect(hashValue(Types.float, NaN)).toBe(hashValue(Types.double, NaN));
  });
});

describe('bucket', () => {
  it('drops the sign bit before the modulo', () => {
    // -500754589 & MAX_VALUE = 1646729059; 1646729059 % 16 = 3
    expect(bucketValue(Types.decimal(9, 2), 1420n, 16)).toBe(1646729059 % 16);
    expect(bucketValue(Types.int, 34, 100)).toBe(2017239379 % 100);
  });

  it('is always within [0, N)', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 10_000 }), (s, n) => {
      const b = bucketValue(Types.string, s, n);
      return b >= 0 && b < n;
    }));
  });

  it('hashes nanosecond timestamps after flooring to microseconds', () => {
    expect(hashValue(Types.timestamp_ns, -1n)).toBe(hashValue(Types.timestamp, -1n));
    expect(hashValue(Types.timestamp_ns, -1000n)).toBe(hashValue(Types.timestamp, -1n));
  });

  it('rejects values of the wrong representation and unhashable types', () => {
    expect(() => hashValue(Types.long, 34)).toThrow(ValidationError);
    expect(() => hashValue(Types.int, 2 ** 31)).toThrow(ValidationError);
    expect(() => hashValue(Types.string, null)).toThrow(ValidationError);
    expect(() => hashValue(Types.struct([]), new Map())).toThrow(UnsupportedError);
  });
});
