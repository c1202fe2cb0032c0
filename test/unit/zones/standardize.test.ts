import fc from 'fast-check';
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dedupByKey, ISO_4217, normalizeCurrency, normalizeIdentifier, parseIsoDate, parseIsoTimestamp, selectRows, standardize } from '../../../src/zones/index.js';

describe('standardization helpers', () => {
  it('parses ISO-8601 dates in the accepted layouts and refuses impossible ones', () => {
    expect(parseIsoDate('2026-11-22')).toBe(20779);
    expect(parseIsoDate('20261122')).toBe(20779);
    expect(parseIsoDate('22.11.2026', ['DD.MM.YYYY'])).toBe(20779);
    expect(parseIsoDate('11/22/2026', ['MM/DD/YYYY'])).toBe(20779);
    expect(parseIsoDate('2026-02-29')).toBeUndefined();
    expect(parseIsoDate('2024-02-29')).toBe(19782);
    expect(parseIsoDate('22.11.2026')).toBeUndefined();
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (d) => {
        expect(parseIsoDate(d.toISOString().slice(0, 10))).toBe(Math.floor(d.getTime() / 86_400_000));
      }),
    );
  });

  it('parses ISO-8601 timestamps with zones to UTC microseconds', () => {
    expect(parseIsoTimestamp('2026-11-22T10:00:00+07:00')).toBe(BigInt(Date.UTC(2026, 10, 22, 3)) * 1000n);
    expect(parseIsoTimestamp('2026-11-22 10:00:00.123456')).toBe(BigInt(Date.UTC(2026, 10, 22, 10)) * 1000n + 123456n);
    expect(parseIsoTimestamp('2026-11-22T10:00', 60)).toBe(BigInt(Date.UTC(2026, 10, 22, 9)) * 1000n);
    expect(parseIsoTimestamp('2026-11-22T25:00:00Z')).toBeUndefined();
    expect(parseIsoTimestamp('yesterday')).toBeUndefined();
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (d) => {
        expect(parseIsoTimestamp(d.toISOString())).toBe(BigInt(d.getTime()) * 1000n);
      }),
    );
  });

  it('normalizes currencies against the ISO 4217 table and identifiers to trimmed NFC', () => {
    expect(ISO_4217.get('JPY')).toBe(0);
    expect(ISO_4217.get('KWD')).toBe(3);
    expect(normalizeCurrency(' usd')).toBe('USD');
    expect(normalizeCurrency('€')).toBe('EUR');
    expect(normalizeCurrency('XYZ')).toBeUndefined();
    expect(normalizeIdentifier('  Cafe\u0301\u200B  Ltd ')).toBe('Café Ltd');
    expect(normalizeIdentifier(' AB 12 ', { removeSpaces: true, lowerCase: true })).toBe('ab12');
    expect(normalizeIdentifier('   ')).toBeUndefined();
  });

  it('standardizes columns to typed dates, UTC timestamps and codes, reporting what it could not', () => {
    const raw = tableFromArrays({ id: Int32Array.from([1, 2, 3]), d: ['2026-11-22', 'soon', null], ts: ['2026-11-22T10:00:00+01:00', '2026-11-22 09:00', 'x'], ccy: ['eur ', 'thb', 'ABC'], name: ['  Ada ', null, 'B  C'] });
    const { table, problems } = standardize(raw, { dates: ['d'], timestamps: ['ts'], currencies: ['ccy'], identifiers: ['name'] });
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Int32', 'Date32<DAY>', 'Timestamp<MICROSECOND, UTC>', 'Utf8', 'Utf8']);
    expect(table.getChild('d')!.toArray().length).toBe(3);
    expect(table.getChild('d')!.get(0)).toBe(Date.UTC(2026, 10, 22));
    expect(table.getChild('d')!.get(1)).toBeNull();
    expect(table.getChild('ts')!.get(0)).toBe(Date.UTC(2026, 10, 22, 9));
    expect([...table.getChild('ccy')!]).toEqual(['EUR', 'THB', null]);
    expect([...table.getChild('name')!]).toEqual(['Ada', null, 'B C']);
    expect(problems).toEqual([
      { column: 'd', row: 1, value: 'soon', reason: 'not a date in the accepted layouts' },
      { column: 'ts', row: 2, value: 'x', reason: 'not an ISO-8601 timestamp' },
      { column: 'ccy', row: 2, value: 'ABC', reason: 'not an ISO 4217 currency code' },
    ]);
    expect(() => standardize(raw, { dates: ['nope'] })).toThrow(/nope/);
  });

  it('de-duplicates by key keeping the last (or first) row, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.string()), { maxLength: 40 }), fc.boolean(), (rows, first) => {
        const t = tableFromArrays({ k: Int32Array.from(rows.map((r) => r[0])), v: rows.map((r) => r[1]) });
        const out = dedupByKey(t, ['k'], { keep: first ? 'first' : 'last' });
        const expected = new Map<number, [number, string]>();
        rows.forEach((r, i) => {
          if (!first || !expected.has(r[0])) expected.set(r[0], [i, r[1]]);
        });
        const exp = [...expected.values()].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
        expect([...out.getChild('v')!]).toEqual(exp);
      }),
    );
  });

  it('selects rows across batches in any order', () => {
    const t = tableFromArrays({ a: Int32Array.from([0, 1, 2]) });
    const two = new (t.constructor as typeof import('apache-arrow').Table)([...t.batches, ...tableFromArrays({ a: Int32Array.from([3, 4]) }).batches]);
    expect([...selectRows(two, Uint32Array.from([4, 0, 3, 2])).getChild('a')!]).toEqual([4, 0, 3, 2]);
  });
});
