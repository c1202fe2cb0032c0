import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decimalRequiredBytes,
  decimalToJavaString,
  formatDecimal,
  fromBytes,
  fromJsonValue,
  isValidValue,
  JsonNumber,
  parseDecimal,
  toBytes,
  toJsonValue,
  Types,
  unscaledFromBytes,
  unscaledToBytes,
  valueEquals,
  writeJson,
} from '../../../../src/iceberg/spec/index.js';
import type { IcebergType, Value } from '../../../../src/iceberg/spec/index.js';
import { UnsupportedError, ValidationError } from '../../../../src/errors.js';
import { parseJson } from '../../../../src/internal/json.js';
import { primitiveType, primitiveTypeAndValue, structType } from './arbitraries.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('binary single-value serialization (Appendix D)', () => {
  it.each([
    [Types.boolean, false, '00'],
    [Types.boolean, true, '01'],
    [Types.int, 34, '22 00 00 00'],
    [Types.int, -1, 'ff ff ff ff'],
    [Types.date, 17486, '4e 44 00 00'],
    [Types.long, 34n, '22 00 00 00 00 00 00 00'],
    [Types.time, 81068000000n, '00 83 07 e0 12 00 00 00'],
    [Types.timestamp, -1n, 'ff ff ff ff ff ff ff ff'],
    [Types.float, 1, '00 00 80 3f'],
    [Types.double, -2, '00 00 00 00 00 00 00 c0'],
    [Types.string, 'iceberg', '69 63 65 62 65 72 67'],
    [Types.string, 'é', 'c3 a9'],
    [Types.uuid, 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f7 9c 3e 09 67 7c 4b bd a4 79 3f 34 9c b7 85 e7'],
    [Types.fixed(3), Uint8Array.of(1, 2, 3), '01 02 03'],
    [Types.binary, Uint8Array.of(), ''],
    [Types.decimal(9, 2), 1420n, '05 8c'],
    [Types.decimal(9, 2), 0n, '00'],
    [Types.decimal(9, 2), 127n, '7f'],
    [Types.decimal(9, 2), 128n, '00 80'],
    [Types.decimal(9, 2), -1n, 'ff'],
    [Types.decimal(9, 2), -128n, '80'],
    [Types.decimal(9, 2), -129n, 'ff 7f'],
  ] as [IcebergType, Value, string][])('%o %s → %s', (type, value, expected) => {
    const bytes = toBytes(type, value);
    expect(hex(bytes)).toBe(expected);
    expect(valueEquals(fromBytes(type, bytes), value)).toBe(true);
  });

  it('property: every primitive type round-trips', () => {
    fc.assert(
      fc.property(primitiveTypeAndValue, ({ type, value }) => {
        fc.pre(value !== null);
        expect(valueEquals(fromBytes(type, toBytes(type, value)), value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes bounds written before a promotion by their length', () => {
    expect(fromBytes(Types.long, toBytes(Types.int, -5))).toBe(-5n);
    expect(fromBytes(Types.double, toBytes(Types.float, 1.5))).toBe(1.5);
    expect(fromBytes(Types.timestamp, toBytes(Types.date, 1))).toBe(86_400_000_000n);
    expect(fromBytes(Types.timestamp_ns, toBytes(Types.date, -1))).toBe(-86_400_000_000_000n);
    expect(fromBytes(Types.boolean, Uint8Array.of(7))).toBe(true);
  });

  it('rejects wrong lengths, invalid UTF-8 and wrong representations', () => {
    expect(() => fromBytes(Types.int, Uint8Array.of(1, 2))).toThrow(ValidationError);
    expect(() => fromBytes(Types.uuid, new Uint8Array(15))).toThrow(ValidationError);
    expect(() => fromBytes(Types.string, Uint8Array.of(0xc3))).toThrow(ValidationError);
    expect(() => toBytes(Types.long, 34)).toThrow(ValidationError);
    expect(() => toBytes(Types.float, 0.1)).toThrow(/Math.fround/);
    expect(() => toBytes(Types.decimal(2, 0), 100n)).toThrow(ValidationError);
    expect(() => toBytes(Types.fixed(2), Uint8Array.of(1))).toThrow(ValidationError);
    expect(() => toBytes(Types.string, '\ud800')).toThrow(ValidationError);
    expect(() => toBytes(Types.uuid, 'not-a-uuid')).toThrow(ValidationError);
    expect(() => toBytes(Types.int, null)).toThrow(ValidationError);
    expect(() => toBytes(Types.list(1, Types.int), [1])).toThrow(UnsupportedError);
  });
});

describe('decimal helpers', () => {
  it('writes minimal two’s complement like BigInteger.toByteArray', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }), (v) => {
        const b = unscaledToBytes(v);
        const minimal = b.length === 1 || !((b[0] === 0 && (b[1]! & 0x80) === 0) || (b[0] === 0xff && (b[1]! & 0x80) !== 0));
        return unscaledFromBytes(b) === v && minimal;
      }),
    );
  });

  it('formats and parses decimal text', () => {
    expect(formatDecimal(1420n, 2)).toBe('14.20');
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(2n, -20)).toBe('2E+20');
    expect(parseDecimal('2E+20')).toEqual({ unscaled: 2n, scale: -20 });
    expect(parseDecimal('-0.50')).toEqual({ unscaled: -50n, scale: 2 });
    expect(() => parseDecimal('1,5')).toThrow(ValidationError);
    expect(decimalToJavaString(1n, 7)).toBe('1E-7');
    expect(decimalToJavaString(123n, 2)).toBe('1.23');
    expect(decimalRequiredBytes(9)).toBe(4);
    expect(decimalRequiredBytes(38)).toBe(16);
  });
});

describe('JSON single-value serialization', () => {
  it.each([
    [Types.boolean, true, true],
    [Types.int, 34, 34],
    [Types.long, 34n, 34n],
    [Types.decimal(9, 2), 1420n, '14.20'],
    [Types.decimal(9, -20), 2n, '2E+20'],
    [Types.date, 17486, '2017-11-16'],
    [Types.time, 81068123456n, '22:31:08.123456'],
    [Types.timestamp, 1510871468123456n, '2017-11-16T22:31:08.123456'],
    [Types.timestamptz, 1510871468123456n, '2017-11-16T22:31:08.123456+00:00'],
    [Types.timestamp_ns, 1510871468123456789n, '2017-11-16T22:31:08.123456789'],
    [Types.timestamptz_ns, 1510871468123456789n, '2017-11-16T22:31:08.123456789+00:00'],
    [Types.timestamp, -1n, '1969-12-31T23:59:59.999999'],
    [Types.string, 'iceberg', 'iceberg'],
    [Types.uuid, 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'],
    [Types.fixed(4), Uint8Array.of(0, 1, 2, 255), '000102ff'],
    [Types.binary, Uint8Array.of(0, 1, 2, 255), '000102ff'],
  ] as [IcebergType, Value, unknown][])('%o', (type, value, json) => {
    expect(toJsonValue(type, value)).toEqual(json);
    expect(valueEquals(fromJsonValue(type, json), value)).toBe(true);
  });

  it('writes nested values by field id, arrays, and key/value arrays', () => {
    const struct = Types.struct([{ id: 1, name: 'a', required: true, type: Types.int }, { id: 2, name: 'b', required: false, type: Types.string }]);
    expect(toJsonValue(struct, new Map<number, Value>([[1, 1], [2, 'bar']]))).toEqual({ 1: 1, 2: 'bar' });
    expect(toJsonValue(Types.list(1, Types.int), [1, 2, 3])).toEqual([1, 2, 3]);
    const map = Types.map(1, Types.string, 2, Types.int);
    expect(toJsonValue(map, new Map<Value, Value>([['a', 1], ['b', 2]]))).toEqual({ keys: ['a', 'b'], values: [1, 2] });
    expect(fromJsonValue(map, { keys: ['a', 'b'], values: [1, 2] })).toEqual(new Map([['a', 1], ['b', 2]]));
    expect(fromJsonValue(struct, {})).toEqual(new Map());
  });

  it('writes whole floating values with a fraction so Java reads them as floating point', () => {
    expect(writeJson({ d: toJsonValue(Types.double, 1), f: toJsonValue(Types.float, -0), g: toJsonValue(Types.double, 0.5) })).toBe('{"d":1.0,"f":-0.0,"g":0.5}');
    expect(toJsonValue(Types.double, NaN)).toBe('NaN');
    expect(fromJsonValue(Types.double, new JsonNumber('1.0'))).toBe(1);
  });

  it('property: every primitive type round-trips through JSON text', () => {
    fc.assert(
      fc.property(primitiveTypeAndValue, ({ type, value }) => {
        const text = writeJson({ v: toJsonValue(type, value) });
        const back = fromJsonValue(type, (parseJson(text) as { v: unknown }).v);
        expect(valueEquals(back, value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects values of the wrong shape with ValidationError', () => {
    const bad: [IcebergType, unknown][] = [
      [Types.int, 1.5],
      [Types.int, '1'],
      [Types.long, 2 ** 64],
      [Types.boolean, 'true'],
      [Types.decimal(9, 2), 14.2],
      [Types.decimal(9, 2), '14.201'],
      [Types.decimal(3, 2), '14.20'],
      [Types.date, '2017-02-30'],
      [Types.time, '24:00:00'],
      [Types.timestamp, '2017-11-16T22:31:08+00:00'],
      [Types.timestamptz, '2017-11-16T22:31:08'],
      [Types.timestamptz, '2017-11-16T22:31:08-08:00'],
      [Types.uuid, 'f79c3e09677c4bbda4793f349cb785e7'],
      [Types.fixed(2), '000102'],
      [Types.binary, 'xyz'],
      [Types.map(1, Types.int, 2, Types.int), { keys: [1], values: [] }],
      [Types.map(1, Types.int, 2, Types.int), { keys: [null], values: [1] }],
      [Types.unknown, 1],
    ];
    for (const [type, json] of bad) expect(() => fromJsonValue(type, json), JSON.stringify(json)).toThrow(ValidationError);
  });

  it('accepts Z as a UTC offset for timestamptz', () => {
    expect(fromJsonValue(Types.timestamptz, '1970-01-01T00:00:00.000001Z')).toBe(1n);
  });

  it('isValidValue reports representation mismatches without throwing', () => {
    expect(isValidValue(Types.long, 1n)).toBe(true);
    expect(isValidValue(Types.long, 1)).toBe(false);
    expect(isValidValue(Types.time, 86_400_000_000n)).toBe(false);
  });
});

describe('JSON single-value parsing robustness', () => {
  it('random JSON into any type gives a value or ValidationError, never another error', () => {
    const anyType = fc.oneof(primitiveType, structType, structType.map((s) => Types.list(1, s)), primitiveType.map((k) => Types.map(1, k, 2, Types.string)));
    const json = fc.oneof(fc.jsonValue(), fc.constantFrom('2017-11-16', '22:31:08', 'NaN', '14.20', '1E+999999999', '-999999999-01-01', '+999999999-12-31T23:59:59', 'ff'));
    fc.assert(
      fc.property(anyType, json, (type, j) => {
        try {
          fromJsonValue(type, j);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
