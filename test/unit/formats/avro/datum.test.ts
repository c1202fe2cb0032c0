import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { BinaryReader, BinaryWriter, decodeDatum, parseAvroSchema, readDatum, writeDatum } from '../../../../src/formats/avro/index.js';
import { shape, toJson, valueOf } from './arbitraries.js';

function encode(schemaJson: unknown, value: unknown): Uint8Array {
  const w = new BinaryWriter();
  writeDatum(parseAvroSchema(schemaJson), value, w);
  return w.toBytes();
}

describe('Avro binary primitives', () => {
  it('longs round-trip over the whole 64-bit range, as bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const w = new BinaryWriter();
        w.writeLong(v);
        const r = new BinaryReader(w.toBytes());
        expect(r.readLong()).toBe(v);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('safe-integer numbers encode exactly as the same bigint', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const a = new BinaryWriter();
        a.writeLong(v);
        const b = new BinaryWriter();
        b.writeLong(BigInt(v));
        expect(a.toBytes()).toEqual(b.toBytes());
      }),
    );
  });

  it('matches the zig-zag examples of the Avro specification', () => {
    const enc = (n: bigint) => {
      const w = new BinaryWriter();
      w.writeLong(n);
      return [...w.toBytes()];
    };
    expect(enc(0n)).toEqual([0x00]);
    expect(enc(-1n)).toEqual([0x01]);
    expect(enc(1n)).toEqual([0x02]);
    expect(enc(-64n)).toEqual([0x7f]);
    expect(enc(64n)).toEqual([0x80, 0x01]);
    expect(enc(2n ** 63n - 1n)).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('rejects varints longer than 10 bytes, longs beyond 64 bits and ints beyond 32 bits', () => {
    expect(() => new BinaryReader(new Uint8Array([...Array(10).fill(0xff), 0x01])).readLong()).toThrow(ValidationError);
    expect(() => new BinaryReader(new Uint8Array([...Array(9).fill(0xff), 0x7f])).readLong()).toThrow(/64 bits/);
    expect(() => new BinaryReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x10])).readInt()).toThrow(/32-bit/);
    expect(() => new BinaryWriter().writeLong(2n ** 63n)).toThrow(ValidationError);
  });

  it('reports truncation with a marked ValidationError', () => {
    for (const read of [(r: BinaryReader) => r.readLong(), (r: BinaryReader) => r.readDouble(), (r: BinaryReader) => r.readString()]) {
      try {
        read(new BinaryReader(new Uint8Array([0x80])));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).context.truncated).toBe(true);
      }
    }
  });
});

describe('Avro schemas', () => {
  it('keeps custom attributes and resolves named types across namespaces', () => {
    const s = parseAvroSchema({
      type: 'record',
      name: 'a.b.outer',
      fields: [
        { name: 'x', type: { type: 'fixed', name: 'f16', size: 16, logicalType: 'uuid' }, 'field-id': 7, doc: 'd' },
        { name: 'y', type: ['null', 'f16'], default: null, 'field-id': 8 },
        { name: 'z', type: ['null', 'a.b.f16'], default: null },
        { name: 'self', type: ['null', 'outer'], default: null },
        { name: 'l', type: { type: 'array', items: 'long', 'element-id': 9 } },
      ],
    });
    expect(s.type).toBe('record');
    if (s.type !== 'record') return;
    expect(s.name).toBe('a.b.outer');
    expect(s.fields.map((f) => f.fieldId)).toEqual([7, 8, undefined, undefined, undefined]);
    expect(s.fields[0]!.props).toEqual({ 'field-id': 7, doc: 'd' });
    const fixed = s.fields[0]!.type;
    expect(fixed).toMatchObject({ type: 'fixed', name: 'a.b.f16', size: 16, props: { logicalType: 'uuid' } });
    expect(s.fields[1]!.type).toMatchObject({ type: 'union', branches: [{ type: 'null' }, fixed] });
    const self = s.fields[3]!.type;
    expect(self.type === 'union' && self.branches[1]).toBe(s); // recursion by reference
    expect(s.fields[4]!.type.props).toEqual({ 'element-id': 9 });
    // a recursive value decodes (and bounded nesting ends it)
    const bytes = encode({ type: 'record', name: 'n', fields: [{ name: 'next', type: ['null', 'n'] }] }, { next: { next: null } });
    expect(decodeDatum(parseAvroSchema({ type: 'record', name: 'n', fields: [{ name: 'next', type: ['null', 'n'] }] }), bytes)).toEqual({ next: { next: null } });
  });

  it.each([
    ['an unknown type name', 'nope'],
    ['a record without fields', { type: 'record', name: 'r' }],
    ['an invalid name', { type: 'record', name: '1r', fields: [] }],
    ['a duplicate field', { type: 'record', name: 'r', fields: [{ name: 'a', type: 'int' }, { name: 'a', type: 'int' }] }],
    ['a redefined name', ['null', { type: 'fixed', name: 'f', size: 1 }, { type: 'enum', name: 'f', symbols: ['A'] }]],
    ['a nested union', ['null', ['int', 'long']]],
    ['a union with a duplicate', ['int', 'int']],
    ['a negative fixed size', { type: 'fixed', name: 'f', size: -1 }],
    ['an enum with duplicate symbols', { type: 'enum', name: 'e', symbols: ['A', 'A'] }],
    ['an array without items', { type: 'array' }],
    ['a number', 42],
    ['deep nesting', JSON.parse('{"type":"array","items":'.repeat(150) + '"int"' + '}'.repeat(150))],
  ])('rejects %s with ValidationError', (_what, json) => {
    expect(() => parseAvroSchema(json)).toThrow(ValidationError);
  });
});

describe('Avro values', () => {
  it('round-trip through the binary encoding for random schemas', () => {
    fc.assert(
      fc.property(
        shape.chain((s) => fc.tuple(fc.constant(toJson(s)), valueOf(s))),
        ([json, value]) => {
          expect(decodeDatum(parseAvroSchema(json), encode(json, value))).toEqual(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuse values that do not fit the schema, naming the field', () => {
    const schema = { type: 'record', name: 'r', fields: [{ name: 'n', type: 'long' }, { name: 'o', type: ['null', 'string'], default: null }] };
    expect(() => encode(schema, { n: 'x' })).toThrow(/value\.n.*expected long/);
    expect(() => encode(schema, { o: 'x' })).toThrow(/value\.n.*required/);
    expect(() => encode(schema, { n: 1n, o: 3 })).toThrow(ValidationError);
    expect(encode(schema, { n: 1n })).toEqual(encode(schema, { n: 1, o: null }));
  });

  it('fail fast on hostile counts instead of allocating (the 5-byte input that exhausts avsc)', () => {
    const schema = parseAvroSchema({ type: 'array', items: { type: 'record', name: 'q', fields: [{ name: 'x', type: 'long' }, { name: 'y', type: 'long' }] } });
    expect(() => decodeDatum(schema, new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0x0f]))).toThrow(ValidationError);
    const nulls = parseAvroSchema({ type: 'array', items: 'null' });
    expect(() => decodeDatum(nulls, new Uint8Array([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x00]))).toThrow(/claims/);
    const map = parseAvroSchema({ type: 'map', values: 'null' });
    expect(() => decodeDatum(map, new Uint8Array([0x80, 0x80, 0x04, 0x02, 0x61]))).toThrow(ValidationError);
  });

  it('decode random bytes to a value or a ValidationError, nothing else', () => {
    fc.assert(
      fc.property(shape, fc.uint8Array({ maxLength: 64 }), (s, bytes) => {
        const schema = parseAvroSchema(toJson(s));
        try {
          readDatum(schema, new BinaryReader(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
