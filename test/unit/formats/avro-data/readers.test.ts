import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError, UnsupportedError, ValidationError } from '../../../../src/errors.js';
import { rowsToArrow } from '../../../../src/formats/arrow/index.js';
import { AvroFileWriter } from '../../../../src/formats/avro/index.js';
import { detectFormat, readAvro, readParquet } from '../../../../src/formats/index.js';
import { writeParquet } from '../../../../src/formats/parquet/write/index.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { bytes, collect, split, typesOf } from '../csv/helpers.js';

const avroSchema = {
  type: 'record',
  name: 'event',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: ['null', 'string'], default: null },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    { name: 'kind', type: { type: 'enum', name: 'kind', symbols: ['A', 'B'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    { name: 'geo', type: ['null', { type: 'record', name: 'geo', fields: [{ name: 'lat', type: 'double' }] }], default: null },
  ],
};

function unscaledBytes(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  do {
    out.unshift(Number(x & 0xffn));
    x >>= 8n;
  } while (!((x === 0n && (out[0]! & 0x80) === 0) || (x === -1n && (out[0]! & 0x80) !== 0)));
  return Uint8Array.from(out);
}

const event = fc.record({
  id: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  name: fc.option(fc.string()),
  day: fc.integer({ min: -100000, max: 100000 }),
  at: fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
  price: fc.bigInt({ min: -(10n ** 9n) + 1n, max: 10n ** 9n - 1n }),
  kind: fc.constantFrom('A', 'B'),
  tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  attrs: fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 3 }),
  geo: fc.option(fc.record({ lat: fc.double({ noNaN: true }) })),
});

const decimalText = (v: bigint): string => {
  const s = (v < 0n ? -v : v).toString().padStart(3, '0');
  return `${v < 0n ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
};

describe('readAvro', () => {
  it('reads container files as batches, mapping logical types, unions, records, arrays, maps and enums; chunking does not matter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 20 }), fc.array(fc.nat({ max: 2000 }), { maxLength: 6 }), async (events, cuts) => {
        const w = new AvroFileWriter(avroSchema, { blockBytes: 200 });
        for (const e of events) await w.append({ ...e, price: unscaledBytes(e.price), attrs: new Map(Object.entries(e.attrs)) });
        const file = await w.finish();
        const r = await collect(readAvro(split(file, cuts), { batchSize: 7 }));
        expect(typesOf(r.schema)).toEqual([
          'id:Int64',
          'name:Utf8?',
          'day:Date32<DAY>',
          'at:Timestamp<MICROSECOND, UTC>',
          'price:Decimal[9e+2]',
          'kind:Utf8',
          'tags:List<Utf8>',
          'attrs:Map<{key:Utf8, value:Int32}>',
          'geo:Struct<{lat:Float64}>?',
        ]);
        expect(r.rows).toEqual(
          events.map((e) => ({ ...e, price: decimalText(e.price), attrs: new Map(Object.entries(e.attrs)) })),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('refuses files that are not Avro, or whose top level is not a record', async () => {
    await expect(collect(readAvro(bytes('id,name\n1,x\n')))).rejects.toThrow(ValidationError);
    const w = new AvroFileWriter('long');
    await w.append(1n);
    await expect(collect(readAvro(await w.finish()))).rejects.toThrow(UnsupportedError);
  });

  it('never crashes on corrupt files: a LakeError', async () => {
    const w = new AvroFileWriter(avroSchema);
    await w.append({ id: 1n, name: 'x', day: 1, at: 2n, price: unscaledBytes(5n), kind: 'A', tags: [], attrs: new Map(), geo: null });
    const good = await w.finish();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: good.length }), async (at, value, cutAt) => {
        const bad = good.slice(0, Math.max(cutAt, at + 1));
        bad[at] = value;
        try {
          await collect(readAvro(bad));
        } catch (e) {
          expect(isLakeError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('readParquet', () => {
  it('reads a Parquet file with its own schema, optionally projected', async () => {
    const io = new MemoryFileIO({ root: 'memory://t/' });
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string), optionalField(3, 'amount', Types.decimal(9, 2))]);
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: BigInt(i), name: i % 3 === 0 ? null : `n${i}`, amount: `${i}.25` }));
    const result = await writeParquet(rowsToArrow(rows, schema), schema, {});
    await io.write('a.parquet', result.bytes);
    const all = await collect(readParquet(io, 'a.parquet', { batchSize: 4 }));
    expect(typesOf(all.schema)).toEqual(['id:Int64', 'name:Utf8?', 'amount:Decimal[9e+2]?']);
    expect(all.rows).toEqual(rows);
    expect(all.batches).toEqual([4, 4, 2]);
    const some = await collect(readParquet(io, 'a.parquet', { columns: ['amount', 'id'] }));
    expect(some.rows[1]).toEqual({ amount: '1.25', id: 1n });
    await expect(collect(readParquet(io, 'a.parquet', { columns: ['nope'] }))).rejects.toThrow(/has no column "nope"/);
    await expect(collect(readParquet(io, 'missing.parquet'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('detectFormat', () => {
  it.each([
    ['x.bin', 'Obj\x01rest', 'avro'],
    ['x.bin', 'PAR1rest', 'parquet'],
    ['x.dat', 'id,name\n1,Ann\n', 'csv'],
    ['x.dat', 'a\tb\n1\t2\n', 'csv'],
    ['x.txt', '{"a":1}\n{"a":2}\n', 'jsonl'],
    ['x.json', '{\n  "a": 1,\n  "b": 2\n}\n', 'json'],
    ['x.json', '[{"a":1}]', 'json'],
    ['x.xml', '<?xml version="1.0"?><a/>', 'xml'],
    ['x.csv', 'just one column\nvalues\n', 'csv'],
    ['x.bin', '\x00\x01\x02\x03\x04\x05\x06', 'binary'],
    ['x.gz', '\x1f\x8b\x08\x00', 'binary'],
    ['notes', 'hello world', 'binary'],
  ])('%s %j → %s', (name, head, format) => {
    expect(detectFormat(name, Uint8Array.from(head, (c) => c.charCodeAt(0)))).toBe(format);
  });

  it('returns a known format for any bytes', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 200 }), (name, head) => {
        expect(['csv', 'json', 'jsonl', 'xml', 'avro', 'parquet', 'binary']).toContain(detectFormat(name, head));
      }),
    );
  });
});
