/**
 * rowsToArrow / arrowToRows: round trips on random schemas and rows, the
 * accepted input forms of each type, and errors that name row and column.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrowToRows, rowsToArrow } from '../../../../src/formats/arrow/index.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { arbRows, arbSchema, canon } from './arbitraries.js';

describe('rowsToArrow then arrowToRows', { timeout: 30_000 }, () => {
  it('returns the same rows for random schemas (nested, nulls, every primitive)', () => {
    fc.assert(
      fc.property(arbSchema.chain((s) => fc.tuple(fc.constant(s), arbRows(s))), ([schema, rows]) => {
        const table = rowsToArrow(rows, schema);
        expect(table.numRows).toBe(rows.length);
        expect(arrowToRows(table).map(canon)).toEqual(rows.map(canon));
      }),
      { numRuns: 150 },
    );
  });

  it('reads slices of a table exactly (offsets into bitmaps and buffers)', () => {
    fc.assert(
      fc.property(
        arbSchema.chain((s) => fc.tuple(fc.constant(s), arbRows(s).filter((r) => r.length > 1))).chain(([s, rows]) => fc.tuple(fc.constant(s), fc.constant(rows), fc.integer({ min: 1, max: rows.length - 1 }))),
        ([schema, rows, cut]) => {
          const table = rowsToArrow(rows, schema);
          expect(arrowToRows(table.slice(cut)).map(canon)).toEqual(rows.slice(cut).map(canon));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('decimals come out as exact text, or as unscaled bigints on request', () => {
    const schema = newSchema([optionalField(1, 'd', Types.decimal(38, 10))]);
    const big = '-1234567890123456789012345678.0123456789';
    const t = rowsToArrow([{ d: big }, { d: 0.1 }, { d: 5n }], schema);
    expect(arrowToRows(t).map((r) => r.d)).toEqual([big, '0.1000000000', '0.0000000005']);
    expect(arrowToRows(t, { decimals: 'bigint' }).map((r) => r.d)).toEqual([-12345678901234567890123456780123456789n, 1000000000n, 5n]);
  });
});

describe('accepted input forms', () => {
  const schema = newSchema([
    optionalField(1, 'l', Types.long),
    optionalField(2, 'dt', Types.date),
    optionalField(3, 'ts', Types.timestamp),
    optionalField(4, 'tz', Types.timestamptz),
    optionalField(5, 'ns', Types.timestamptz_ns),
    optionalField(6, 'tm', Types.time),
    optionalField(7, 'u', Types.uuid),
    optionalField(8, 'st', Types.struct([optionalField(9, 'x', Types.int)])),
    optionalField(10, 'm', Types.map(11, Types.string, 12, Types.long)),
  ]);

  it('takes numbers, bigints, text, Dates, Maps by id and plain objects', () => {
    const [r] = arrowToRows(
      rowsToArrow(
        [
          {
            l: '9007199254740993',
            dt: '2024-02-29',
            ts: '2024-02-29T12:00:00.000001',
            tz: new Date('2024-02-29T12:00:00.123Z'),
            ns: '2024-02-29T12:00:00.123456789+01:00',
            tm: '23:59:59.999999',
            u: '6BA7B810-9DAD-11D1-80B4-00C04FD430C8',
            st: new Map([[9, 42]]),
            m: { a: 1, b: 2n },
          },
        ],
        schema,
      ),
    );
    expect(r).toStrictEqual({
      l: 9007199254740993n,
      dt: 19782,
      ts: 1709208000000001n,
      tz: 1709208000123000n,
      ns: 1709204400123456789n,
      tm: 86399999999n,
      u: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      st: { x: 42 },
      m: new Map([['a', 1n], ['b', 2n]]),
    });
  });

  it.each([
    [{ l: 1.5 }, /row 0, column "l"/],
    [{ dt: new Date('2024-01-01T10:00:00Z') }, /not midnight UTC/],
    [{ ts: 1_700_000_000_000 }, /numbers are ambiguous/],
    [{ ts: '2024-01-01T00:00:00+02:00' }, /has a UTC offset/],
    [{ u: 'not-a-uuid' }, /UUID/],
    [{ st: [1] }, /row 0, column "st"/],
    [{ st: { x: 'one' } }, /column "st.x"/],
    [{ m: new Map([['a', 'b']]) }, /column "m.value"/],
    [{ m: new Map([[null, 1]]) }, /column "m.key".*required/],
  ])('refuses %o', (row, message) => {
    expect(() => rowsToArrow([row], schema)).toThrow(message);
  });

  it('names the row inside lists and refuses missing required values and lossy decimals', () => {
    const s = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'xs', Types.list(3, Types.decimal(5, 2), true))]);
    expect(() => rowsToArrow([{ id: 1, xs: ['1.00'] }, { id: 2, xs: ['1.00', '2.005'] }], s)).toThrow(/row 1, column "xs.element".*decimal/);
    expect(() => rowsToArrow([{ id: 1, xs: [null] }], s)).toThrow(/row 0, column "xs.element".*required/);
    expect(() => rowsToArrow([{ id: 1 }, { xs: [] }], s)).toThrow(/row 1, column "id".*required/);
    expect(() => rowsToArrow([{ id: 1, xs: ['1234.5'] }], s)).toThrow(/does not fit decimal\(5,2\)/);
    expect(() => rowsToArrow([null as never], s)).toThrow(/row 0 is not an object/);
  });
});
