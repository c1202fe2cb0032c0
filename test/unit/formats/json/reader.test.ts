import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Field, Int64, Schema, Utf8 } from 'apache-arrow';
import { isLakeError } from '../../../../src/errors.js';
import { readJson } from '../../../../src/formats/index.js';
import { bytes, collect, split, typesOf } from '../csv/helpers.js';

const read = (text: string, options: Parameters<typeof readJson>[1] = {}) => collect(readJson(bytes(text), options));

describe('readJson', () => {
  it('reads JSON Lines with nested objects and lists as structs and lists', async () => {
    const r = await read('{"id":1,"tags":["a","b"],"addr":{"zip":"75001","geo":{"lat":48.8}}}\n{"id":2,"tags":[],"addr":null}\n');
    expect(typesOf(r.schema)).toEqual(['id:Int32', 'tags:List<Utf8>', 'addr:Struct<{zip:Utf8, geo:Struct<{lat:Float64}>}>?']);
    expect(r.rows).toEqual([
      { id: 1, tags: ['a', 'b'], addr: { zip: '75001', geo: { lat: 48.8 } } },
      { id: 2, tags: [], addr: null },
    ]);
  });

  it('reads a JSON array of objects, with line numbers for bad elements', async () => {
    const r = await read('[\n  {"a": 1, "b": "x,]"},\n  {"a": 2},\n  {bad},\n  {"a": 3, "b": "}"}\n]\n');
    expect(r.rows).toEqual([
      { a: 1, b: 'x,]' },
      { a: 2, b: null },
      { a: 3, b: '}' },
    ]);
    expect(r.malformed.map((m) => [m.line, m.text])).toEqual([[4, '{bad}']]);
  });

  it('captures malformed lines with their numbers and keeps going', async () => {
    const r = await read('{"a":1}\nnot json\n\n[1,2]\n{"a":2}\n"text"\n');
    expect(r.rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(r.malformed.map((m) => [m.line, m.reason.split(':')[0]])).toEqual([
      [2, 'invalid JSON'],
      [4, 'expected a JSON object, found an array'],
      [6, 'expected a JSON object, found string'],
    ]);
  });

  it('reports an array that is never closed, and text after the array', async () => {
    expect((await read('[{"a":1},{"a":2')).malformed.map((m) => m.reason)).toEqual(['the JSON array is not closed: the input ends inside it']);
    expect((await read('[{"a":1}] {"a":2}')).malformed.map((m) => m.reason)).toEqual(['text after the end of the JSON array']);
  });

  it('infers dates, timestamps with and without zone, longs and doubles; mixed values become JSON text', async () => {
    const r = await read(
      '{"d":"2024-02-29","ts":"2024-02-29 10:00:00","tz":"2024-02-29T10:00:00+0100","n":5000000000,"x":1,"m":1}\n{"d":"2024-03-01","ts":"2024-03-01T11:00:00.5","tz":"2024-03-01T10:00:00Z","n":1,"x":2.5,"m":"one"}\n',
    );
    expect(typesOf(r.schema)).toEqual(['d:Date32<DAY>', 'ts:Timestamp<MICROSECOND>', 'tz:Timestamp<MICROSECOND, UTC>', 'n:Int64', 'x:Float64', 'm:Utf8']);
    expect(r.rows[0]).toEqual({ d: 19782, ts: 1709200800000000n, tz: 1709197200000000n, n: 5000000000n, x: 1, m: '1' });
    expect(r.rows[1]!.ts).toBe(1709290800500000n);
  });

  it('skips records whose values do not fit the inferred types after the sample', async () => {
    const r = await read('{"n":1}\n{"n":2}\n{"n":"three"}\n{"n":4}\n', { inferRows: 2 });
    expect(typesOf(r.schema)).toEqual(['n:Int64?']);
    expect(r.rows).toEqual([{ n: 1n }, { n: 2n }, { n: 4n }]);
    expect(r.malformed.map((m) => m.line)).toEqual([3]);
  });

  it('follows an explicit schema and ignores other keys', async () => {
    const schema = new Schema([new Field('id', new Int64(), true), new Field('name', new Utf8(), true)]);
    expect((await read('{"id":1,"name":"a","extra":true}\n', { schema })).rows).toEqual([{ id: 1n, name: 'a' }]);
  });

  it('cuts batches of batchSize rows', async () => {
    expect((await read(Array.from({ length: 12 }, (_, i) => `{"i":${i}}`).join('\n'), { batchSize: 5 })).batches).toEqual([5, 5, 2]);
  });

  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 3 })),
  })).v;
  const records = fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'c'), value, { maxKeys: 3 }), { maxLength: 8 });

  it('gives the same result however the bytes are chunked, as lines or as an array', async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.boolean(), fc.array(fc.nat({ max: 300 }), { maxLength: 8 }), async (recs, asArray, cuts) => {
        const text = asArray ? JSON.stringify(recs, null, 1) : recs.map((r) => JSON.stringify(r)).join('\n');
        const data = bytes(text);
        const whole = await collect(readJson(data, { inferRows: 3, batchSize: 2 }));
        const parts = await collect(readJson(split(data, cuts), { inferRows: 3, batchSize: 2 }));
        expect(parts).toEqual(whole);
        if (whole.schema.fields.length > 0) expect(whole.rows.length + whole.malformed.length).toBe(recs.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never crashes on random text: rows and malformed records, or a LakeError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', 'a', '\n', '\\', ' '), { maxLength: 200 }).map((a) => a.join(''))), async (text) => {
        try {
          await collect(readJson(bytes(text), { inferRows: 3 }));
        } catch (e) {
          expect(isLakeError(e)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
