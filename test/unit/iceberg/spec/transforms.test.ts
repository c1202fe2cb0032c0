import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyTransform,
  bindTransform,
  canTransform,
  formatTransform,
  parseDate,
  parseTimestamp,
  parseTransform,
  preservesOrder,
  transformResultType,
  Transforms,
  truncateString,
  Types,
} from '../../../../src/iceberg/spec/index.js';
import type { Transform } from '../../../../src/iceberg/spec/index.js';
import { UnsupportedError, ValidationError } from '../../../../src/errors.js';

const us = (text: string) => parseTimestamp(text, 'us').value;
const ns = (text: string) => parseTimestamp(text, 'ns').value;

describe('transform strings', () => {
  it.each([
    ['identity', Transforms.identity],
    ['bucket[16]', Transforms.bucket(16)],
    ['truncate[20]', Transforms.truncate(20)],
    ['year', Transforms.year],
    ['month', Transforms.month],
    ['day', Transforms.day],
    ['hour', Transforms.hour],
    ['void', Transforms.void],
  ] as [string, Transform][])('%s round-trips', (text, t) => {
    expect(parseTransform(text)).toEqual(t);
    expect(formatTransform(t)).toBe(text);
  });

  it('accepts any case and spaces inside brackets', () => {
    expect(parseTransform('BUCKET[ 8 ]')).toEqual(Transforms.bucket(8));
    expect(parseTransform(' Day ')).toEqual(Transforms.day);
  });

  it('keeps unknown transforms by name so v3 readers can ignore them', () => {
    expect(parseTransform('zorder')).toEqual({ type: 'unknown', name: 'zorder' });
    expect(formatTransform(parseTransform('geohash[3]'))).toBe('geohash[3]');
    expect(transformResultType(parseTransform('zorder'), Types.long)).toEqual(Types.string);
    expect(() => bindTransform(parseTransform('zorder'), Types.long)).toThrow(UnsupportedError);
  });

  it('rejects zero or negative widths', () => {
    expect(() => parseTransform('bucket[0]')).toThrow(ValidationError);
    expect(() => Transforms.truncate(-1)).toThrow(ValidationError);
    expect(() => Transforms.bucket(1.5)).toThrow(ValidationError);
  });
});

describe('result types and source types', () => {
  it('follow the spec table', () => {
    expect(transformResultType(Transforms.identity, Types.uuid)).toEqual(Types.uuid);
    expect(transformResultType(Transforms.bucket(4), Types.string)).toEqual(Types.int);
    expect(transformResultType(Transforms.truncate(4), Types.decimal(9, 2))).toEqual(Types.decimal(9, 2));
    expect(transformResultType(Transforms.year, Types.timestamptz_ns)).toEqual(Types.int);
    expect(transformResultType(Transforms.month, Types.date)).toEqual(Types.int);
    expect(transformResultType(Transforms.day, Types.timestamp)).toEqual(Types.date);
    expect(transformResultType(Transforms.hour, Types.timestamptz)).toEqual(Types.int);
    expect(transformResultType(Transforms.void, Types.double)).toEqual(Types.double);
  });

  it('refuse unsupported sources with a ValidationError', () => {
    expect(canTransform(Transforms.hour, Types.date)).toBe(false);
    expect(canTransform(Transforms.bucket(2), Types.float)).toBe(false);
    expect(canTransform(Transforms.truncate(2), Types.fixed(4))).toBe(false);
    expect(canTransform(Transforms.identity, Types.geometry())).toBe(false);
    expect(canTransform(Transforms.identity, Types.struct([]))).toBe(false);
    expect(() => transformResultType(Transforms.hour, Types.date)).toThrow(ValidationError);
  });

  it('know which transforms preserve order', () => {
    expect([Transforms.identity, Transforms.truncate(3), Transforms.year, Transforms.month, Transforms.day, Transforms.hour].every(preservesOrder)).toBe(true);
    expect(preservesOrder(Transforms.bucket(3))).toBe(false);
    expect(preservesOrder(Transforms.void)).toBe(false);
  });
});

describe('time transforms', () => {
  it.each([
    // [source type, value, year, month, day]
    [Types.date, parseDate('2017-11-16'), 47, 47 * 12 + 10, 17486],
    [Types.date, parseDate('1970-01-01'), 0, 0, 0],
    [Types.date, parseDate('1969-12-31'), -1, -1, -1],
    [Types.date, parseDate('1969-01-01'), -1, -12, -365],
    [Types.date, parseDate('1968-12-31'), -2, -13, -366],
    [Types.timestamp, us('1969-12-31T23:59:59.999999'), -1, -1, -1],
    [Types.timestamp, us('1970-01-01T00:00:00'), 0, 0, 0],
    [Types.timestamptz, us('1969-01-01T00:00:00+00:00'), -1, -12, -365],
    [Types.timestamp_ns, ns('1969-12-31T23:59:59.999999999'), -1, -1, -1],
    [Types.timestamptz_ns, ns('2024-01-05T13:45:00.000000001+00:00'), 54, 54 * 12, parseDate('2024-01-05')],
  ])('%o %s', (type, value, year, month, day) => {
    expect(applyTransform(Transforms.year, type, value)).toBe(year);
    expect(applyTransform(Transforms.month, type, value)).toBe(month);
    expect(applyTransform(Transforms.day, type, value)).toBe(day);
  });

  it('refuses ordinals that do not fit an int', () => {
    expect(() => applyTransform(Transforms.hour, Types.timestamp, -(2n ** 63n))).toThrow(ValidationError);
  });

  it('hour floors before the epoch', () => {
    expect(applyTransform(Transforms.hour, Types.timestamp, -1n)).toBe(-1);
    expect(applyTransform(Transforms.hour, Types.timestamp, -3_600_000_000n)).toBe(-1);
    expect(applyTransform(Transforms.hour, Types.timestamp, -3_600_000_001n)).toBe(-2);
    expect(applyTransform(Transforms.hour, Types.timestamp_ns, -1n)).toBe(-1);
    expect(applyTransform(Transforms.hour, Types.timestamptz, us('2024-01-05T13:59:59.999999+00:00'))).toBe(parseDate('2024-01-05') * 24 + 13);
  });

  it('agree with the JavaScript calendar for every millisecond timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: -7.7e15, max: 7.7e15 }) /* hours must fit an int */, (ms) => {
        const d = new Date(ms);
        const micros = BigInt(ms) * 1000n;
        return (
          applyTransform(Transforms.year, Types.timestamp, micros) === d.getUTCFullYear() - 1970 &&
          applyTransform(Transforms.month, Types.timestamp, micros) === (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth() &&
          applyTransform(Transforms.day, Types.timestamp, micros) === Math.floor(ms / 86_400_000) &&
          applyTransform(Transforms.hour, Types.timestamp, micros) === Math.floor(ms / 3_600_000)
        );
      }),
    );
  });

  it('gives the same ordinals for micro and nano timestamps of the same instant', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 62n) / 1000n, max: 2n ** 62n / 1000n }), (micros) =>
        [Transforms.year, Transforms.month, Transforms.day, Transforms.hour].every(
          (t) => applyTransform(t, Types.timestamp, micros) === applyTransform(t, Types.timestamp_ns, micros * 1000n + 999n),
        ),
      ),
    );
  });
});

describe('truncate', () => {
  it('uses the floor-mod formula for ints and longs', () => {
    const int = bindTransform(Transforms.truncate(10), Types.int);
    expect([int(1), int(-1), int(0), int(10), int(-10), int(-11), int(19)]).toEqual([0, -10, 0, 10, -10, -20, 10]);
    const long = bindTransform(Transforms.truncate(10), Types.long);
    expect([long(1n), long(-1n), long(-10n), long(-11n)]).toEqual([0n, -10n, -10n, -20n]);
  });

  it('wraps at the int range exactly like the reference implementation', () => {
    expect(applyTransform(Transforms.truncate(10), Types.int, -2147483648)).toBe(2147483646);
    expect(applyTransform(Transforms.truncate(10), Types.long, -(2n ** 63n))).toBe(2n ** 63n - 2n);
  });

  it('truncates decimals on the unscaled value (W=50, s=2: 10.65 → 10.50)', () => {
    expect(applyTransform(Transforms.truncate(50), Types.decimal(9, 2), 1065n)).toBe(1050n);
    expect(applyTransform(Transforms.truncate(10), Types.decimal(9, 2), -5n)).toBe(-10n);
  });

  it('truncates strings by code point, never splitting a surrogate pair', () => {
    expect(applyTransform(Transforms.truncate(3), Types.string, 'iceberg')).toBe('ice');
    expect(applyTransform(Transforms.truncate(2), Types.string, '😀😀😀')).toBe('😀😀');
    expect(applyTransform(Transforms.truncate(1), Types.string, 'é🧊')).toBe('é');
    expect(truncateString('ab', 5)).toBe('ab');
  });

  it('truncates binary by bytes', () => {
    expect(applyTransform(Transforms.truncate(3), Types.binary, Uint8Array.of(1, 2, 3, 4, 5))).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('properties: idempotent, never above the input, within one width', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), fc.integer({ min: 1, max: 1000 }), (v, w) => {
        const f = bindTransform(Transforms.truncate(w), Types.long);
        const t = f(v) as bigint;
        return f(t) === t && t <= v && v - t < BigInt(w) && t % BigInt(w) === 0n;
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 20 }), (s, w) => {
        const t = applyTransform(Transforms.truncate(w), Types.string, s) as string;
        return s.startsWith(t) && [...t].length === Math.min(w, [...s].length);
      }),
    );
  });
});

describe('identity, void and nulls', () => {
  it('passes values through, void gives null, null stays null', () => {
    expect(applyTransform(Transforms.identity, Types.string, 'x')).toBe('x');
    expect(applyTransform(Transforms.void, Types.string, 'x')).toBeNull();
    for (const t of [Transforms.identity, Transforms.bucket(3), Transforms.truncate(3), Transforms.void]) {
      expect(applyTransform(t, Types.int, null)).toBeNull();
    }
    for (const t of [Transforms.year, Transforms.month, Transforms.day, Transforms.hour]) {
      expect(applyTransform(t, Types.timestamptz, null)).toBeNull();
    }
  });

  it('checks the source representation', () => {
    expect(() => applyTransform(Transforms.day, Types.timestamp, 1700000000000)).toThrow(ValidationError);
    expect(() => applyTransform(Transforms.identity, Types.int, 1.5)).toThrow(ValidationError);
  });
});
