/** Iceberg ↔ Arrow schemas: types, field ids, nullability, reverse mapping and id assignment. */
import { Field, Int16, Interval, Schema as ArrowSchema, TimestampMillisecond, Uint64, Utf8 } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_ID_KEY, arrowToIcebergSchema, icebergToArrowSchema } from '../../../../src/formats/arrow/index.js';
import { newSchema, sameSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { arbSchema } from './arbitraries.js';

describe('icebergToArrowSchema', () => {
  it('maps every type and carries field ids and nullability', () => {
    const schema = newSchema([
      requiredField(1, 'l', Types.long),
      optionalField(2, 'i', Types.int),
      optionalField(3, 'd', Types.decimal(38, 9)),
      optionalField(4, 'dt', Types.date),
      optionalField(5, 'tm', Types.time),
      optionalField(6, 'ts', Types.timestamp),
      optionalField(7, 'tz', Types.timestamptz),
      optionalField(8, 'ns', Types.timestamptz_ns),
      optionalField(9, 's', Types.string),
      optionalField(10, 'u', Types.uuid),
      optionalField(11, 'f', Types.fixed(7)),
      optionalField(12, 'b', Types.binary),
      optionalField(13, 'lst', Types.list(14, Types.float, true)),
      optionalField(15, 'm', Types.map(16, Types.string, 17, Types.double)),
      optionalField(18, 'st', Types.struct([requiredField(19, 'x', Types.boolean)])),
    ]);
    const arrow = icebergToArrowSchema(schema);
    expect(arrow.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}:${f.metadata.get(FIELD_ID_KEY)}`)).toEqual([
      'l:Int64:false:1',
      'i:Int32:true:2',
      'd:Decimal[38e+9]:true:3',
      'dt:Date32<DAY>:true:4',
      'tm:Time64<MICROSECOND>:true:5',
      'ts:Timestamp<MICROSECOND>:true:6',
      'tz:Timestamp<MICROSECOND, UTC>:true:7',
      'ns:Timestamp<NANOSECOND, UTC>:true:8',
      's:Utf8:true:9',
      'u:FixedSizeBinary[16]:true:10',
      'f:FixedSizeBinary[7]:true:11',
      'b:Binary:true:12',
      'lst:List<Float32>:true:13',
      'm:Map<{key:Utf8, value:Float64}>:true:15',
      'st:Struct<{x:Bool}>:true:18',
    ]);
    const list = arrow.fields[12]!.type.children[0]!;
    expect([list.name, list.nullable, list.metadata.get(FIELD_ID_KEY)]).toEqual(['element', false, '14']);
    const [k, v] = arrow.fields[13]!.type.children[0]!.type.children as Field[];
    expect([k!.nullable, k!.metadata.get(FIELD_ID_KEY), v!.nullable, v!.metadata.get(FIELD_ID_KEY)]).toEqual([false, '16', true, '17']);
  });
});

describe('arrowToIcebergSchema', { timeout: 30_000 }, () => {
  it('inverts icebergToArrowSchema for random schemas', () => {
    fc.assert(
      fc.property(arbSchema, (schema) => {
        expect(sameSchema(arrowToIcebergSchema(icebergToArrowSchema(schema)), schema)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reuses ids of an existing schema by name and assigns fresh ids above every id in use', () => {
    const existing = newSchema([requiredField(5, 'id', Types.long), optionalField(9, 'tags', Types.list(10, Types.string))]);
    const arrow = new ArrowSchema([
      new Field('id', new Int16(), false),
      new Field('tags', icebergToArrowSchema(existing).fields[1]!.type, true),
      new Field('new', new Utf8(), true),
      new Field('explicit', new TimestampMillisecond('Europe/Paris'), true, new Map([[FIELD_ID_KEY, '40']])),
    ]);
    const out = arrowToIcebergSchema(arrow, { existing });
    expect(out.fields.map((f) => [f.id, f.name, f.type.type, f.required])).toEqual([
      [5, 'id', 'int', true],
      [9, 'tags', 'list', false],
      [41, 'new', 'string', false],
      [40, 'explicit', 'timestamptz', false],
    ]);
  });

  it.each([
    ['unsigned 64-bit', new Uint64()],
    ['interval', new Interval(0)],
  ])('refuses %s with ValidationError', (_, type) => {
    expect(() => arrowToIcebergSchema(new ArrowSchema([new Field('x', type, true)]))).toThrow(/Iceberg cannot hold/);
  });
});
