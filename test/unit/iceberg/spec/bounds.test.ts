import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  truncateBinaryLowerBound,
  truncateBinaryUpperBound,
  truncateStringLowerBound,
  truncateStringUpperBound,
} from '../../../../src/iceberg/spec/index.js';
import { compareUtf8 } from '../../../../src/internal/bytes.js';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('string bounds', () => {
  it('truncates lower bounds to N code points', () => {
    expect(truncateStringLowerBound('iceberg', 3)).toBe('ice');
    expect(truncateStringLowerBound('🧊🧊🧊', 2)).toBe('🧊🧊');
    expect(truncateStringLowerBound('ab', 16)).toBe('ab');
  });

  it('increments the last code point of upper bounds', () => {
    expect(truncateStringUpperBound('iceberg', 3)).toBe('icf');
    expect(truncateStringUpperBound('ab', 16)).toBe('ab');
    expect(truncateStringUpperBound('a\u{10FFFF}z', 2)).toBe('b');
    expect(truncateStringUpperBound('\u{10FFFF}\u{10FFFF}z', 2)).toBeNull();
    expect(truncateStringUpperBound('a\uD7FFz', 2)).toBe('a\uE000'); // skips the surrogate range
    expect(truncateStringUpperBound('a😀z', 2)).toBe('a😁');
  });

  it('property: lower ≤ value ≤ upper in UTF-8 order, both within N code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (s, n) => {
        const lo = truncateStringLowerBound(s, n);
        const hi = truncateStringUpperBound(s, n);
        expect(compareUtf8(lo, s)).toBeLessThanOrEqual(0);
        expect([...lo].length).toBeLessThanOrEqual(n);
        if (hi !== null) {
          expect(compareUtf8(s, hi)).toBeLessThanOrEqual(0);
          expect([...hi].length).toBeLessThanOrEqual(n);
        }
      }),
    );
  });
});

describe('binary bounds', () => {
  it('truncates and increments bytes', () => {
    expect(truncateBinaryLowerBound(Uint8Array.of(1, 2, 3), 2)).toEqual(Uint8Array.of(1, 2));
    expect(truncateBinaryUpperBound(Uint8Array.of(1, 2, 3), 2)).toEqual(Uint8Array.of(1, 3));
    expect(truncateBinaryUpperBound(Uint8Array.of(1, 0xff, 3), 2)).toEqual(Uint8Array.of(2));
    expect(truncateBinaryUpperBound(Uint8Array.of(0xff, 0xff, 3), 2)).toBeNull();
    expect(truncateBinaryUpperBound(Uint8Array.of(0xff), 2)).toEqual(Uint8Array.of(0xff));
  });

  it('property: lower ≤ value ≤ upper, both within N bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (b, n) => {
        const lo = truncateBinaryLowerBound(b, n);
        const hi = truncateBinaryUpperBound(b, n);
        expect(compareBytes(lo, b)).toBeLessThanOrEqual(0);
        expect(lo.length).toBeLessThanOrEqual(n);
        if (hi !== null) {
          expect(compareBytes(b, hi)).toBeLessThanOrEqual(0);
          expect(hi.length).toBeLessThanOrEqual(n);
        } else {
          expect(b.subarray(0, n).every((x) => x === 0xff)).toBe(true);
        }
      }),
    );
  });
});
