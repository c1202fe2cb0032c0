import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { bronzePrefix, escapeSegment, hiveSegment, MAX_SEGMENT_BYTES, parseHivePath, unescapeSegment } from '../../../src/zones/index.js';

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', '.', '..', '../x', 'a/b', '/', '=', '%2F', 'null', '\u0000', '\n\r\t', 'a=b/c=d', ' spaced ', 'ü/ß', '🙂'),
);

describe('zone layout', () => {
  it('escapes every value into exactly one segment that decodes back exactly', () => {
    fc.assert(
      fc.property(hostile, (v) => {
        const seg = escapeSegment(v);
        expect(seg).not.toContain('/');
        expect(seg).not.toMatch(/^\.{1,2}$/);
        expect(unescapeSegment(seg)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('Hive paths of hostile source names round-trip', () => {
    fc.assert(
      fc.property(hostile, fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), (source, d) => {
        const date = d.toISOString().slice(0, 10);
        const prefix = bronzePrefix(source, date);
        expect(prefix.split('/').length).toBe(3);
        expect(parseHivePath(prefix)).toEqual([
          ['source', source],
          ['ingest_date', date],
        ]);
      }),
    );
  });

  it('keeps long values up to the segment limit and refuses longer ones', () => {
    const longest = 'x'.repeat(MAX_SEGMENT_BYTES - 'source='.length);
    expect(parseHivePath(hiveSegment('source', longest))).toEqual([['source', longest]]);
    expect(() => hiveSegment('source', `${longest}x`)).toThrow(ValidationError);
    // Escaping counts: 100 slashes take 300 bytes.
    expect(() => hiveSegment('source', '/'.repeat(100))).toThrow(/too long/);
  });
});
