import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bool, DateDay, Decimal, Field, Float64, Int32, Int64, Schema, TimestampMicrosecond, Utf8 } from 'apache-arrow';
import { isLakeError } from '../../../../src/errors.js';
import { readCsv } from '../../../../src/formats/index.js';
import type { CsvReadOptions } from '../../../../src/formats/index.js';
import { bytes, collect, split, typesOf } from './helpers.js';

/** CSV-ish text: fields, delimiters, quotes, line breaks and debris, in any order. */
const csvText = fc
  .array(fc.constantFrom('a', 'b7', '12', '-3.50', '2024-02-29', 'true', '"', '""', '","', ',', ',', ';', '\n', '\n', '\r\n', '\r', ' ', 'é', '€', '\\', "'", 'NA', '1e5', '2024-01-01 10:00:00'), {
    maxLength: 120,
  })
  .map((parts) => parts.join(''));

const options = fc.record(
  {
    header: fc.constantFrom<CsvReadOptions['header']>('auto', true, false),
    inferRows: fc.integer({ min: 1, max: 6 }),
    batchSize: fc.integer({ min: 1, max: 7 }),
    escape: fc.constantFrom<string | undefined>(undefined, '\\'),
    maxRowBytes: fc.constantFrom(8, 40, 1 << 20),
  },
  { requiredKeys: ['inferRows', 'batchSize'] },
);

/** Outcome of a read: everything it produced, or the code of the LakeError it threw. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    const r = (await run()) as Awaited<ReturnType<typeof collect>>;
    return { types: typesOf(r.schema), rows: r.rows, malformed: r.malformed };
  } catch (e) {
    if (isLakeError(e)) return { error: e.code, message: e.message };
    throw e;
  }
}

describe('readCsv properties', () => {
  it('gives the same schema, rows and malformed records however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, options, fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), async (text, opts, cuts) => {
        const data = bytes(text);
        const whole = await outcome(() => collect(readCsv(data, opts)));
        const chunked = await outcome(() => collect(readCsv(split(data, cuts), opts)));
        expect(chunked).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });

  it('splits into batches of batchSize without changing the rows', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, fc.integer({ min: 1, max: 5 }), async (text, batchSize) => {
        const one = await outcome(() => collect(readCsv(bytes(text), { batchSize: 1_000_000, inferRows: 3 })));
        const many = await outcome(() => collect(readCsv(bytes(text), { batchSize, inferRows: 3 })));
        expect(many).toEqual(one);
      }),
      { numRuns: 200 },
    );
  });

  const cell = {
    int: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    long: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    dbl: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    dec: fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }),
    day: fc.integer({ min: -719162, max: 2932896 }),
    micros: fc.bigInt({ min: -62135596800000000n, max: 253402300799999999n }),
    bool: fc.boolean(),
    text: fc.string({ unit: 'grapheme', maxLength: 12 }),
  };
  const row = fc.record({
    int: fc.option(cell.int),
    long: fc.option(cell.long),
    dbl: fc.option(cell.dbl),
    dec: fc.option(cell.dec),
    day: fc.option(cell.day),
    ts: fc.option(cell.micros),
    tz: fc.option(cell.micros),
    bool: fc.option(cell.bool),
    text: fc.option(cell.text),
  });
  const schema = new Schema([
    new Field('int', new Int32(), true),
    new Field('long', new Int64(), true),
    new Field('dbl', new Float64(), true),
    new Field('dec', new Decimal(4, 22, 128), true),
    new Field('day', new DateDay(), true),
    new Field('ts', new TimestampMicrosecond(), true),
    new Field('tz', new TimestampMicrosecond('UTC'), true),
    new Field('bool', new Bool(), true),
    new Field('text', new Utf8(), true),
  ]);
  const decText = (v: bigint): string => {
    const s = (v < 0n ? -v : v).toString().padStart(5, '0');
    return `${v < 0n ? '-' : ''}${s.slice(0, -4)}.${s.slice(-4)}`;
  };
  const iso = (micros: bigint, zone: boolean): string => {
    const ms = Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n));
    const frac = ((micros % 1000000n) + 1000000n) % 1000000n;
    return `${new Date(ms).toISOString().slice(0, 19).replace('T', zone ? 'T' : ' ')}.${frac.toString().padStart(6, '0')}${zone ? '+00:00' : ''}`;
  };
  const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  type TypedRow = typeof row extends fc.Arbitrary<infer T> ? T : never;
  const toCsv = (rows: TypedRow[], crlf: boolean): string => {
    const lines = rows.map((r) =>
      [
        r.int ?? '',
        r.long ?? '',
        r.dbl === null ? '' : String(r.dbl),
        r.dec === null ? '' : decText(r.dec),
        r.day === null ? '' : new Date(r.day * 86400000).toISOString().slice(0, 10),
        r.ts === null ? '' : iso(r.ts, false),
        r.tz === null ? '' : iso(r.tz, true),
        r.bool ?? '',
        r.text === null ? '' : quote(r.text),
      ].join(','),
    );
    return `${schema.fields.map((f) => f.name).join(',')}${crlf ? '\r\n' : '\n'}${lines.join(crlf ? '\r\n' : '\n')}`;
  };

  it('round-trips typed rows through CSV text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 20 }), fc.boolean(), async (rows, crlf) => {
        const r = await collect(readCsv(bytes(toCsv(rows, crlf)), { schema, header: true, batchSize: 7 }));
        expect(r.malformed).toEqual([]);
        expect(r.rows).toEqual(
          rows.map((x) => ({
            ...x,
            dec: x.dec === null ? null : decText(x.dec),
            // a quoted empty string stays an empty string
            text: x.text,
          })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('infers the written types back from the text', async () => {
    const nonNull = fc.record({ int: cell.int, long: cell.long.filter((v) => v > 2n ** 31n || v < -(2n ** 31n) - 1n), day: cell.day, ts: cell.micros, bool: cell.bool });
    await fc.assert(
      fc.asyncProperty(fc.array(nonNull, { minLength: 1, maxLength: 15 }), async (rows) => {
        const text = `int,long,day,ts,bool\n${rows.map((r) => `${r.int},${r.long},${new Date(r.day * 86400000).toISOString().slice(0, 10)},${iso(r.ts, true)},${r.bool}`).join('\n')}\n`;
        const r = await collect(readCsv(bytes(text)));
        expect(typesOf(r.schema)).toEqual(['int:Int32', 'long:Int64', 'day:Date32<DAY>', 'ts:Timestamp<MICROSECOND, UTC>', 'bool:Bool']);
        expect(r.rows).toEqual(rows.map((x) => ({ ...x, ts: x.ts })));
      }),
      { numRuns: 200 },
    );
  });

  it('never crashes or hangs on random bytes: batches and malformed records, or a LakeError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), options, async (data, opts) => {
        try {
          const r = await collect(readCsv(data, opts));
          for (const m of r.malformed) expect(m.line).toBeGreaterThanOrEqual(1);
        } catch (e) {
          expect(isLakeError(e)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.asyncProperty(csvText, options, async (text, opts) => {
        const r = await collect(readCsv(bytes(text), { ...opts, maxMalformed: 1000 }));
        const lines = text.split('\n').length;
        for (const m of r.malformed) expect(m.line).toBeLessThanOrEqual(lines);
      }),
      { numRuns: 500 },
    );
  });
});
