import { describe, expect, it } from 'vitest';
import { Field, Float64, Int64, Schema, Utf8 } from 'apache-arrow';
import { ValidationError } from '../../../../src/errors.js';
import { readCsv } from '../../../../src/formats/index.js';
import { codeOf } from '../../../helpers/errors.js';
import { bytes, collect, typesOf } from './helpers.js';

const read = (text: string | Uint8Array, options: Parameters<typeof readCsv>[1] = {}) => collect(readCsv(typeof text === 'string' ? bytes(text) : text, options));

describe('readCsv: RFC 4180', () => {
  it('reads quoted fields holding delimiters, doubled quotes and line breaks', async () => {
    const r = await read('name,note\r\n"Smith, J","said ""hi"""\r\n"multi\nline","a\r\nb"\r\nplain,""\r\n');
    expect(r.rows).toEqual([
      { name: 'Smith, J', note: 'said "hi"' },
      { name: 'multi\nline', note: 'a\r\nb' },
      { name: 'plain', note: '' },
    ]);
    expect(r.malformed).toEqual([]);
  });

  it('reads a last record without a line break, and a trailing empty field', async () => {
    expect((await read('a,b\n1,\n2,x', { header: true })).rows).toEqual([
      { a: 1, b: null },
      { a: 2, b: 'x' },
    ]);
  });

  it('skips empty lines and counts them in line numbers', async () => {
    const r = await read('a,b\n\n1,2\n\n3\n4,5\n');
    expect(r.rows).toEqual([
      { a: 1, b: 2 },
      { a: 4, b: 5 },
    ]);
    expect(r.malformed).toEqual([{ line: 5, reason: 'expected 2 fields, found 1', text: '3' }]);
  });

  it('reports an unbalanced quote and resumes on the next line', async () => {
    const r = await read('id,name\n1,ok\n2,"open\n3,fine\n', { header: true, inferRows: 1 });
    expect(r.malformed.map((m) => [m.line, m.reason])).toEqual([[3, 'unbalanced quote: a quoted field is never closed']]);
    expect(r.rows).toEqual([
      { id: 1n, name: 'ok' },
      { id: 3n, name: 'fine' },
    ]);
  });

  it('reports text after a closing quote', async () => {
    const r = await read('a,b\n"x"y,1\nz,2\n');
    expect(r.malformed).toEqual([{ line: 2, reason: 'unexpected character "y" after a closing quote', text: '"x"y,1' }]);
    expect(r.rows).toEqual([{ a: 'z', b: 2 }]);
  });

  it('keeps line numbers right after records with embedded line breaks', async () => {
    const r = await read('a,b\n"1\n2\n3",x\nbad\n');
    expect(r.malformed).toEqual([{ line: 5, reason: 'expected 2 fields, found 1', text: 'bad' }]);
  });
});

describe('readCsv: header, delimiter, quote, escape', () => {
  it('detects a header when the first record does not fit the column types', async () => {
    const r = await read('id,amount\n1,2.5\n2,3.25\n');
    expect(typesOf(r.schema)).toEqual(['id:Int32', 'amount:Decimal[3e+2]']);
  });

  it('detects that there is no header when the first record fits', async () => {
    const r = await read('1,2.5\n2,3.25\n');
    expect(r.schema.fields.map((f) => f.name)).toEqual(['column0', 'column1']);
    expect(r.rows).toHaveLength(2);
  });

  it('treats a text-only first record of distinct names as a header', async () => {
    expect((await read('city,country\nParis,France\n')).rows).toEqual([{ city: 'Paris', country: 'France' }]);
    expect((await read('x,x\nParis,France\n')).rows).toHaveLength(2);
  });

  it('follows header: true / false, and names duplicate and empty columns', async () => {
    expect((await read('a,a,\n1,2,3\n', { header: true })).schema.fields.map((f) => f.name)).toEqual(['a', 'a_1', 'column2']);
    expect((await read('a,b\n1,2\n', { header: false })).rows).toEqual([
      { column0: 'a', column1: 'b' },
      { column0: '1', column1: '2' },
    ]);
  });

  it.each([
    [';', 'a;b\n1;"x;y"\n'],
    ['\t', 'a\tb\n1\tx y\n'],
    ['|', 'a|b\n1|x,y\n'],
  ])('sniffs the delimiter %j', async (_, text) => {
    const r = await read(text);
    expect(r.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(r.rows).toHaveLength(1);
  });

  it('takes an explicit delimiter, quote and escape', async () => {
    const r = await read("a;b\n1;'it''s; fine'\n", { delimiter: ';', quote: "'" });
    expect(r.rows).toEqual([{ a: 1, b: "it's; fine" }]);
    const e = await read('a,b\n1,"say \\"hi\\" \\\\ bye"\n', { escape: '\\' });
    expect(e.rows).toEqual([{ a: 1, b: 'say "hi" \\ bye' }]);
  });

  it('reads quotes literally when quoting is off', async () => {
    expect((await read('a,b\n1,"x\n', { quote: null })).rows).toEqual([{ a: 1, b: '"x' }]);
  });

  it('refuses invalid dialects with ValidationError', () => {
    expect(() => readCsv(bytes(''), { delimiter: ',,' })).toThrow(ValidationError);
    expect(() => readCsv(bytes(''), { delimiter: ',', quote: ',' })).toThrow(ValidationError);
    expect(() => readCsv(bytes(''), { batchSize: 0 })).toThrow(ValidationError);
    expect(() => readCsv(bytes(''), { header: 'yes' as never })).toThrow(ValidationError);
  });
});

describe('readCsv: encodings and nulls', () => {
  const utf16 = (text: string, be: boolean): Uint8Array => {
    const out = new Uint8Array(2 + text.length * 2);
    out.set(be ? [0xfe, 0xff] : [0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out[2 + 2 * i + (be ? 1 : 0)] = c & 0xff;
      out[2 + 2 * i + (be ? 0 : 1)] = c >> 8;
    }
    return out;
  };
  const text = 'name,city\nZoë,Zürich\n';

  it.each([
    ['utf-16le', utf16(text, false)],
    ['utf-16be', utf16(text, true)],
    ['utf-8 with BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(text)])],
  ])('reads %s by its byte-order mark', async (_, data) => {
    expect((await read(data)).rows).toEqual([{ name: 'Zoë', city: 'Zürich' }]);
  });

  it('reads latin1 / windows-1252 when told', async () => {
    const data = new Uint8Array([...bytes('name,price\ncaf'), 0xe9, ...bytes(',5'), 0x80, 0x0a]);
    expect((await read(data, { encoding: 'windows-1252' })).rows).toEqual([{ name: 'café', price: '5€' }]);
    expect((await read(data, { encoding: 'latin1' })).rows[0]!.name).toBe('café');
  });

  it('refuses invalid UTF-8 with ValidationError naming the fix', async () => {
    const data = new Uint8Array([...bytes('a\n'), 0xff, 0x0a]);
    await expect(read(data)).rejects.toThrow(/not valid UTF-8.*encoding/);
    expect(await codeOf(read(data, { encoding: 'no-such-encoding' }))).toBe('VALIDATION');
  });

  it('reads null tokens only when unquoted', async () => {
    const r = await read('a,b\nNA,"NA"\n,""\n', { nullValues: ['NA', ''] });
    expect(r.rows).toEqual([
      { a: null, b: 'NA' },
      { a: null, b: '' },
    ]);
  });
});

describe('readCsv: types, inference and conversion', () => {
  it('infers every type from the sample', async () => {
    const csv = [
      'i,l,dec,dbl,d,ts,tz,b,s,n',
      '1,5000000000,12.50,1e3,2024-02-29,2024-02-29 10:00:00,2024-02-29T10:00:00Z,true,x,',
      '-2,-1,-0.125,2.5E-1,1999-12-31,1999-12-31T23:59:59.123456,1999-12-31 23:59:59+01:00,FALSE,7,',
    ].join('\n');
    const r = await read(csv);
    expect(typesOf(r.schema)).toEqual([
      'i:Int32',
      'l:Int64',
      'dec:Decimal[5e+3]',
      'dbl:Float64',
      'd:Date32<DAY>',
      'ts:Timestamp<MICROSECOND>',
      'tz:Timestamp<MICROSECOND, UTC>',
      'b:Bool',
      's:Utf8',
      'n:Utf8?',
    ]);
    expect(r.rows[1]).toEqual({
      i: -2,
      l: -1n,
      dec: '-0.125',
      dbl: 0.25,
      d: 10956,
      ts: 946684799123456n,
      tz: 946681199000000n,
      b: false,
      s: '7',
      n: null,
    });
    expect(r.rows[0]!.dec).toBe('12.500');
  });

  it('widens types when the sample is not the whole input, and skips rows that still do not fit', async () => {
    const r = await read('n,x\n1,1.5\n2,2.25\n3000000000,3\n4,abc\n', { inferRows: 2 });
    expect(typesOf(r.schema)).toEqual(['n:Int64?', 'x:Decimal[18e+2]?']);
    expect(r.rows.map((x) => x.n)).toEqual([1n, 2n, 3000000000n]);
    expect(r.malformed).toEqual([{ line: 5, reason: 'column "x": "abc" is not a valid decimal(18,2)', text: '4,abc' }]);
  });

  it('types fixed-point text as double when asked', async () => {
    expect(typesOf((await read('x\n1.5\n', { decimals: 'double', header: true })).schema)).toEqual(['x:Float64']);
  });

  it('follows an explicit schema by position', async () => {
    const schema = new Schema([new Field('id', new Int64(), false), new Field('v', new Float64(), true), new Field('s', new Utf8(), true)]);
    const r = await read('a,b,c\n1,2,3\n,1,x\n', { schema, header: true });
    expect(r.rows).toEqual([{ id: 1n, v: 2, s: '3' }]);
    expect(r.malformed).toEqual([{ line: 3, reason: 'column "id" is required but the value is null', text: ',1,x' }]);
  });

  it('cuts batches of batchSize rows', async () => {
    const text = `n\n${Array.from({ length: 25 }, (_, i) => i).join('\n')}\n`;
    expect((await read(text, { batchSize: 10, header: true })).batches).toEqual([10, 10, 5]);
  });

  it('stops with ValidationError after maxMalformed records', async () => {
    await expect(read('a,b\n1\n2\n3\n', { maxMalformed: 2, header: true })).rejects.toThrow(/more than 2 malformed CSV records/);
  });

  it('reports records longer than maxRowBytes and resumes', async () => {
    const r = await read(`a,b\n1,"${'x'.repeat(100)}\n2,y\n`, { maxRowBytes: 50, header: true, inferRows: 1 });
    expect(r.malformed.map((m) => [m.line, m.reason])).toEqual([[2, 'the record is longer than maxRowBytes (50); is a quote never closed?']]);
    expect(r.rows).toEqual([{ a: 2, b: 'y' }]);
  });

  it('resolves the schema before iteration and keeps every batch', async () => {
    const s = readCsv(bytes('a\n1\n2\n'), { batchSize: 1, header: true });
    expect(typesOf(await s.schema)).toEqual(['a:Int32']);
    expect((await collect(s)).rows).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('gives an empty schema and no batches for empty input', async () => {
    const r = await read('');
    expect(r.schema.fields).toEqual([]);
    expect(r.rows).toEqual([]);
  });
});
