import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../src/internal/json.js';

describe('BigInt-safe JSON', () => {
  it('keeps integers above 2^53 exactly', () => {
     
    const text = '{"snapshot-id": 9223372036854775807, "small": 42, "neg": -9007199254740993, "f": 1.5e300}';
    const v = parseJson(text) as Record<string, unknown>;
    expect(v['snapshot-id']).toBe(9223372036854775807n);
    expect(v.neg).toBe(-9007199254740993n);
    expect(v.small).toBe(42);
    expect(v.f).toBe(1.5e300);
    expect(stringifyJson(v)).toBe('{"snapshot-id":9223372036854775807,"small":42,"neg":-9007199254740993,"f":1.5e+300}');
  });

  it('leaves digits inside strings alone, including escaped quotes', () => {
    const text = '{"a":"12345678901234567890","b":"x\\"99999999999999999999\\"","c":[12345678901234567890]}';
    const v = parseJson(text) as Record<string, unknown>;
    expect(v.a).toBe('12345678901234567890');
    expect(v.b).toBe('x"99999999999999999999"');
    expect(v.c).toEqual([12345678901234567890n]);
  });

  it('keeps safe 16-digit integers as numbers and floats as floats', () => {
    // eslint-disable-next-line no-loss-of-precision -- parseJson must give exactly what JSON.parse gives for these
    expect(parseJson('[1234567890123456, 12345678901234567.5, 1234567890123456789e2]')).toEqual([1234567890123456, 12345678901234567.5, 1234567890123456789e2]);
  });

  it('writes bigint values as bare numbers with indentation too', () => {
    expect(stringifyJson({ a: 1n, b: [-(2n ** 63n)] }, 2)).toBe('{\n  "a": 1,\n  "b": [\n    -9223372036854775808\n  ]\n}');
  });

  it('round-trips arbitrary JSON values with 64-bit integers (property)', () => {
    const big = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b) => (Number.isSafeInteger(Number(b)) ? Number(b) : b));
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        big,
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d)),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const normalised = JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `B${x}` : Object.is(x, -0) ? 0 : x)));
        const back = parseJson(stringifyJson(v));
        expect(JSON.parse(JSON.stringify(back, (_k, x) => (typeof x === 'bigint' ? `B${x}` : x)))).toEqual(normalised);
      }),
      { numRuns: 300 },
    );
  });

  it('gives ValidationError on invalid or truncated JSON (fuzz)', () => {
    expect(() => parseJson('{"a": 1', 'metadata file')).toThrow(ValidationError);
    expect(() => parseJson('{"a": 1', 'metadata file')).toThrow(/metadata file is not valid JSON/);
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          parseJson(s);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.json(), fc.nat(), (j, cut) => {
        const t = j.slice(0, cut % (j.length + 1));
        try {
          parseJson(t);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
