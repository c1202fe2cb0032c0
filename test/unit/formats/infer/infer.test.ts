import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, Field, Float32, Float64, Int32, Int64, Schema, Struct, Utf8 } from 'apache-arrow';
import { ValidationError } from '../../../../src/errors.js';
import { evolveSchema, inferSchema, readCsv } from '../../../../src/formats/index.js';
import type { ColumnConflict } from '../../../../src/formats/index.js';
import { Utf8Validator } from '../../../../src/formats/utf8-check.js';
import { bytes, collect, typesOf } from '../csv/helpers.js';

describe('inferSchema', () => {
  it('infers text columns: int, long, decimal with precision and scale, double, date, timestamps, boolean, string, nullability', () => {
    const schema = inferSchema({
      columns: ['i', 'l', 'dec', 'dbl', 'd', 'ts', 'tz', 'b', 's'],
      rows: [
        ['1', '9000000000', '12.5', '1e-3', '2024-01-01', '2024-01-01 00:00:00', '2024-01-01T00:00:00Z', 'TRUE', 'a'],
        [null, '-1', '-100.25', '2', '2024-12-31', '2024-01-01', '2024-01-01T00:00:00-05:30', 'false', '1'],
      ],
    });
    expect(typesOf(schema)).toEqual([
      'i:Int32?',
      'l:Int64',
      'dec:Decimal[5e+2]',
      'dbl:Float64',
      'd:Date32<DAY>',
      'ts:Timestamp<MICROSECOND>',
      'tz:Timestamp<MICROSECOND, UTC>',
      'b:Bool',
      's:Utf8',
    ]);
  });

  it('widens when the samples are not the whole data', () => {
    const schema = inferSchema({ columns: ['i', 'dec', 'big'], rows: [['1', '1.5', '12345678901234567890.5']] }, { complete: false });
    expect(typesOf(schema)).toEqual(['i:Int64?', 'dec:Decimal[18e+1]?', 'big:Decimal[38e+1]?']);
  });

  it('infers records: nested structs, lists, fields missing in some records are nullable', () => {
    const schema = inferSchema([{ a: 1, o: { x: 'u' } }, { a: 2, l: [1.5], o: { x: 'v', y: true } }]);
    expect(typesOf(schema)).toEqual(['a:Int32', 'o:Struct<{x:Utf8, y:Bool}>', 'l:List<Float64>?']);
    expect(() => inferSchema([1 as never])).toThrow(ValidationError);
  });

  const typedValue = fc.oneof(
    fc.integer().map(String),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
    fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${String(b).padStart(3, '0')}`),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('true', 'false'),
    fc.string({ maxLength: 6 }),
  );

  it('infers a type every sampled value converts to (no sampled row is ever malformed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(typedValue, typedValue), { minLength: 1, maxLength: 12 }), async (rows) => {
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = `a,b\n${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;
        const r = await collect(readCsv(bytes(text), { header: true }));
        expect(r.malformed).toEqual([]);
        expect(r.rows).toHaveLength(rows.length);
      }),
      { numRuns: 300 },
    );
  });

  it('infers the narrowest type: adding a value never narrows the inferred type', () => {
    const rank = (t: string): number => ['Bool', 'Int32', 'Int64', 'Decimal', 'Float64', 'Date32', 'Timestamp', 'Utf8'].findIndex((k) => t.startsWith(k));
    fc.assert(
      fc.property(fc.array(typedValue, { minLength: 1, maxLength: 8 }), typedValue, (values, extra) => {
        const before = String(inferSchema({ columns: ['x'], rows: values.map((v) => [v]) }).fields[0]!.type);
        const after = String(inferSchema({ columns: ['x'], rows: [...values, extra].map((v) => [v]) }).fields[0]!.type);
        // Either everything becomes text, or the type only moves up the lattice.
        if (after !== 'Utf8') expect(rank(after)).toBeGreaterThanOrEqual(rank(before));
      }),
      { numRuns: 300 },
    );
  });
});

describe('evolveSchema', () => {
  const f = (name: string, type: ConstructorParameters<typeof Field>[1], nullable = true) => new Field(name, type, nullable);

  it('adds new columns as optional, widens int→long, float→double and decimal precision', () => {
    const current = new Schema([f('id', new Int32(), false), f('x', new Float32()), f('amount', new Decimal(2, 9, 128))]);
    const incoming = new Schema([f('id', new Int64(), false), f('x', new Float64()), f('amount', new Decimal(2, 18, 128)), f('note', new Utf8(), false)]);
    const { schema, changes } = evolveSchema(current, incoming);
    expect(typesOf(schema)).toEqual(['id:Int64', 'x:Float64?', 'amount:Decimal[18e+2]?', 'note:Utf8?']);
    expect(changes).toEqual([
      { column: 'id', kind: 'widened', from: 'int', to: 'long' },
      { column: 'x', kind: 'widened', from: 'float', to: 'double' },
      { column: 'amount', kind: 'widened', from: 'decimal(9,2)', to: 'decimal(18,2)' },
      { column: 'note', kind: 'added', to: 'string' },
    ]);
    expect(schema.fields.map((x) => x.metadata.get('PARQUET:field_id'))).toEqual(['1', '2', '3', '4']);
  });

  it('keeps the wider current type for narrower incoming data and relaxes required columns', () => {
    const current = new Schema([f('id', new Int64(), false), f('gone', new Utf8(), false)]);
    const { schema, changes } = evolveSchema(current, new Schema([f('id', new Int32(), true)]));
    expect(typesOf(schema)).toEqual(['id:Int64?', 'gone:Utf8?']);
    expect(changes.map((c) => [c.column, c.kind])).toEqual([
      ['id', 'made-optional'],
      ['gone', 'made-optional'],
    ]);
  });

  it('evolves nested structs by name', () => {
    const cur = new Schema([f('o', new Struct([f('a', new Int32())]))]);
    const inc = new Schema([f('o', new Struct([f('a', new Int64()), f('b', new Utf8())]))]);
    expect(evolveSchema(cur, inc).changes.map((c) => `${c.kind} ${c.column}`)).toEqual(['widened o.a', 'added o.b']);
  });

  it('refuses incompatible changes with one ValidationError listing every column', () => {
    const current = new Schema([f('id', new Int64()), f('amount', new Decimal(2, 9, 128)), f('name', new Utf8()), f('ok', new Int32())]);
    const incoming = new Schema([f('id', new Utf8()), f('amount', new Decimal(3, 9, 128)), f('name', new Utf8()), f('ok', new Float64())]);
    let error: unknown;
    try {
      evolveSchema(current, incoming);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const columns = (error as ValidationError).context.columns as ColumnConflict[];
    expect(columns.map((c) => [c.column, c.current, c.incoming])).toEqual([
      ['id', 'long', 'string'],
      ['amount', 'decimal(9,2)', 'decimal(9,3)'],
      ['ok', 'int', 'double'],
    ]);
    expect((error as Error).message).toMatch(/3 column\(s\): id .*amount .*scale.*ok/);
  });

  it('is idempotent: evolving a schema with itself changes nothing', () => {
    const arb = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom<() => ConstructorParameters<typeof Field>[1]>(() => new Int32(), () => new Int64(), () => new Utf8(), () => new Float64())), { maxLength: 4 });
    fc.assert(
      fc.property(arb, (cols) => {
        const unique = [...new Map(cols).entries()];
        const s = new Schema(unique.map(([n, t]) => f(n, t())));
        const once = evolveSchema(s, s);
        expect(once.changes).toEqual([]);
        expect(typesOf(once.schema)).toEqual(typesOf(s));
      }),
    );
  });
});

describe('Utf8Validator', () => {
  it('agrees with a fatal TextDecoder on any bytes, however they are chunked', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 20 }).map((s) => new TextEncoder().encode(s))), fc.nat({ max: 64 }), (data, cut) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(data);
        } catch {
          valid = false;
        }
        const v = new Utf8Validator();
        const ok = v.check(data.subarray(0, cut)) < 0 && v.check(data.subarray(cut)) < 0 && !v.incomplete;
        expect(ok).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});
