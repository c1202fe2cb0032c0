import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  findColumnName,
  findFieldById,
  findFieldByName,
  highestFieldId,
  indexById,
  isPromotionAllowed,
  optionalField,
  parsePrimitiveType,
  requiredField,
  typeEquals,
  typeFromJson,
  typeToJson,
  typeToString,
  Types,
} from '../../../../src/iceberg/spec/index.js';
import type { IcebergType } from '../../../../src/iceberg/spec/index.js';
import { ValidationError } from '../../../../src/errors.js';
import { primitiveType, structType } from './arbitraries.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';

describe('primitive type strings (Appendix C)', () => {
  it.each([
    'unknown', 'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns',
    'timestamptz_ns', 'string', 'uuid', 'binary', 'variant', 'decimal(9,2)', 'fixed[16]', 'geometry', 'geometry(srid:4326)',
    'geography', 'geography(srid:4326, spherical)',
  ])('%s round-trips', (text) => {
    const t = parsePrimitiveType(text);
    expect(typeToString(t)).toBe(text);
    expect(typeFromJson(typeToJson(t))).toEqual(t);
  });

  it('accepts whitespace around parameters and any case', () => {
    expect(parsePrimitiveType('decimal(9, 2)')).toEqual(Types.decimal(9, 2));
    expect(parsePrimitiveType(' DECIMAL( 38 ,0 ) ')).toEqual(Types.decimal(38, 0));
    expect(parsePrimitiveType('fixed[ 3 ]')).toEqual(Types.fixed(3));
    expect(parsePrimitiveType('Long')).toEqual(Types.long);
  });

  it('rejects unknown and out-of-range types with ValidationError', () => {
    for (const bad of ['integer', 'decimal(39,2)', 'decimal(0,0)', 'fixed[-1]', 'decimal(9)', '', 'list<int>']) {
      expect(() => parsePrimitiveType(bad)).toThrow(ValidationError);
    }
    expect(() => typeFromJson({ type: 'tuple' })).toThrow(ValidationError);
    expect(() => typeFromJson(42)).toThrow(ValidationError);
  });
});

describe('nested types JSON', () => {
  it('writes list and map objects with element/key/value ids exactly as the spec shows', () => {
    const t = Types.struct([
      requiredField(1, 'id', Types.uuid),
      optionalField(2, 'data', Types.list(3, Types.string, true)),
      optionalField(4, 'm', Types.map(5, Types.string, 6, Types.double, false), { doc: 'a map' }),
    ]);
    expect(typeToJson(t)).toEqual({
      type: 'struct',
      fields: [
        { id: 1, name: 'id', required: true, type: 'uuid' },
        { id: 2, name: 'data', required: false, type: { type: 'list', 'element-id': 3, element: 'string', 'element-required': true } },
        {
          id: 4,
          name: 'm',
          required: false,
          type: { type: 'map', 'key-id': 5, key: 'string', 'value-id': 6, value: 'double', 'value-required': false },
          doc: 'a map',
        },
      ],
    });
  });

  it('reads defaults with the JSON single-value format', () => {
    const t = typeFromJson({
      type: 'struct',
      fields: [
        { id: 1, name: 'id', required: true, type: 'uuid', 'initial-default': '0db3e2a8-9d1d-42b9-aa7b-74ebe558dceb', 'write-default': 'EC5911BE-B0A7-458C-8438-C9A3E53CFFAE' },
        { id: 2, name: 'price', required: false, type: 'decimal(9,2)', 'write-default': '14.20' },
        { id: 3, name: 'v', required: false, type: 'variant', 'initial-default': null },
      ],
    });
    expect(t.type === 'struct' && t.fields[0]).toMatchObject({ initialDefault: '0db3e2a8-9d1d-42b9-aa7b-74ebe558dceb', writeDefault: 'ec5911be-b0a7-458c-8438-c9a3e53cffae' });
    expect(t.type === 'struct' && t.fields[1]?.writeDefault).toBe(1420n);
    expect(() => typeFromJson({ type: 'struct', fields: [{ id: 3, name: 'v', required: false, type: 'variant', 'initial-default': 1 }] })).toThrow(ValidationError);
    expect(() => typeFromJson({ type: 'struct', fields: [{ id: 1, name: 'x', required: true, type: 'int', 'write-default': 'one' }] })).toThrow(ValidationError);
  });

  it('property: any struct type survives JSON text and back', () => {
    fc.assert(
      fc.property(structType, (t) => {
        const back = typeFromJson(parseJson(stringifyJson(typeToJson(t))));
        expect(back).toEqual(t);
        expect(typeEquals(back, t)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses absurdly deep nesting with ValidationError, not a stack overflow', () => {
    let json: unknown = 'int';
    for (let i = 0; i < 5000; i++) json = { type: 'list', 'element-id': i + 1, 'element-required': false, element: json };
    expect(() => typeFromJson(json)).toThrow(ValidationError);
  });
});

describe('field lookups', () => {
  const t = Types.struct([
    requiredField(1, 'id', Types.long),
    optionalField(2, 'Location', Types.struct([requiredField(3, 'lat', Types.double), requiredField(4, 'lon', Types.double)])),
    optionalField(5, 'points', Types.list(6, Types.struct([requiredField(7, 'x', Types.int)]))),
    optionalField(8, 'props', Types.map(9, Types.string, 10, Types.struct([optionalField(11, 'v', Types.string)]))),
  ]);

  it('finds by id anywhere, including elements, keys and values', () => {
    expect(findFieldById(t, 4)?.name).toBe('lon');
    expect(findFieldById(t, 6)?.name).toBe('element');
    expect(findFieldById(t, 9)).toMatchObject({ name: 'key', required: true });
    expect(findFieldById(t, 99)).toBeUndefined();
    expect([...indexById(t).keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('finds by dotted name, full or short, case-insensitively on request', () => {
    expect(findFieldByName(t, 'Location.lat')?.id).toBe(3);
    expect(findFieldByName(t, 'location.lat')).toBeUndefined();
    expect(findFieldByName(t, 'location.LAT', { caseSensitive: false })?.id).toBe(3);
    expect(findFieldByName(t, 'points.element.x')?.id).toBe(7);
    expect(findFieldByName(t, 'points.x')?.id).toBe(7);
    expect(findFieldByName(t, 'props.value.v')?.id).toBe(11);
    expect(findFieldByName(t, 'props.v')?.id).toBe(11);
    expect(findFieldByName(t, 'props.key')?.id).toBe(9);
    expect(findColumnName(t, 7)).toBe('points.element.x');
  });

  it('knows the highest id', () => {
    expect(highestFieldId(t)).toBe(11);
    expect(highestFieldId(Types.struct([]))).toBe(0);
  });
});

describe('equality and promotion', () => {
  it('compares structurally', () => {
    expect(typeEquals(Types.decimal(9, 2), Types.decimal(9, 2))).toBe(true);
    expect(typeEquals(Types.decimal(9, 2), Types.decimal(10, 2))).toBe(false);
    expect(typeEquals(Types.list(1, Types.int), Types.list(2, Types.int))).toBe(false);
    expect(typeEquals(Types.geometry(), Types.geometry('OGC:CRS84'))).toBe(true);
    fc.assert(fc.property(primitiveType, primitiveType, (a, b) => typeEquals(a, b) === (typeToString(a) === typeToString(b))));
  });

  it('allows exactly the spec promotions', () => {
    const cases: [IcebergType, IcebergType, number, boolean][] = [
      [Types.int, Types.long, 2, true],
      [Types.float, Types.double, 2, true],
      [Types.decimal(9, 2), Types.decimal(18, 2), 2, true],
      [Types.decimal(9, 2), Types.decimal(18, 3), 2, false],
      [Types.decimal(18, 2), Types.decimal(9, 2), 2, false],
      [Types.long, Types.int, 2, false],
      [Types.int, Types.string, 2, false],
      [Types.date, Types.timestamp, 2, false],
      [Types.date, Types.timestamp, 3, true],
      [Types.date, Types.timestamp_ns, 3, true],
      [Types.date, Types.timestamptz, 3, false],
      [Types.unknown, Types.string, 3, true],
      [Types.unknown, Types.string, 2, false],
    ];
    for (const [from, to, v, ok] of cases) expect(isPromotionAllowed(from, to, v), `${typeToString(from)}→${typeToString(to)} v${v}`).toBe(ok);
  });
});
