import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkSchemaCompatibility,
  newSchema,
  optionalField,
  requiredField,
  sameSchema,
  schemaFromJson,
  schemaToJson,
  Types,
  withSchemaId,
  writeJson,
} from '../../../../src/iceberg/spec/index.js';
import { ValidationError } from '../../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';
import { primitiveTypeAndValue, schema as schemaArb } from './arbitraries.js';

describe('schema JSON', () => {
  it('reads the shape the spec describes, including identifier fields', () => {
    const s = schemaFromJson({
      type: 'struct',
      'schema-id': 3,
      'identifier-field-ids': [1],
      fields: [
        { id: 1, name: 'id', required: true, type: 'long' },
        { id: 2, name: 'data', required: false, type: 'string', doc: 'payload' },
      ],
    });
    expect(s.schemaId).toBe(3);
    expect(s.identifierFieldIds).toEqual([1]);
    expect(s.fields[1]).toEqual({ id: 2, name: 'data', required: false, type: Types.string, doc: 'payload' });
  });

  it('defaults a missing schema-id (v1) to 0 and omits empty identifier lists when writing', () => {
    const s = schemaFromJson({ type: 'struct', fields: [{ id: 1, name: 'a', required: false, type: 'int' }] });
    expect(s.schemaId).toBe(0);
    expect(schemaToJson(s)).toEqual({ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] });
  });

  it('property: serialize → parse gives an equal schema', () => {
    fc.assert(
      fc.property(schemaArb, (s) => {
        const back = schemaFromJson(parseJson(stringifyJson(schemaToJson(s))));
        expect(back).toEqual(s);
        expect(sameSchema(back, s)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('default values (v3)', () => {
  it('property: initial-default and write-default of every primitive type survive JSON text', () => {
    fc.assert(
      fc.property(fc.array(primitiveTypeAndValue, { minLength: 1, maxLength: 6 }), (defs) => {
        const fields = defs.map(({ type, value }, i) => optionalField(i + 1, `c${i}`, type, { initialDefault: value, writeDefault: value }));
        const s = newSchema(fields);
        const back = schemaFromJson(parseJson(writeJson(schemaToJson(s))));
        expect(sameSchema(back, s)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('allows a struct default of {} and keeps field defaults separate', () => {
    const point = Types.struct([optionalField(2, 'x', Types.int, { writeDefault: 0 }), optionalField(3, 'y', Types.int, { writeDefault: 0 })]);
    const s = newSchema([optionalField(1, 'point', point, { initialDefault: new Map(), writeDefault: new Map() })]);
    const json = schemaToJson(s);
    expect((json.fields as Record<string, unknown>[])[0]).toMatchObject({ 'initial-default': {}, 'write-default': {} });
    expect(sameSchema(schemaFromJson(parseJson(writeJson(json))), s)).toBe(true);
  });
});

describe('schema validation', () => {
  const nested = optionalField(3, 'loc', Types.struct([requiredField(4, 'lat', Types.double), requiredField(5, 'code', Types.string)]));

  it('rejects duplicate ids anywhere in the tree', () => {
    expect(() => newSchema([requiredField(1, 'a', Types.int), optionalField(2, 'b', Types.list(1, Types.int))])).toThrow(/field id 1 is used more than once/);
  });

  it('rejects duplicate sibling names', () => {
    expect(() => newSchema([requiredField(1, 'a', Types.int), optionalField(2, 'a', Types.int)])).toThrow(ValidationError);
  });

  it.each([
    ['missing', [99], /not a field/],
    ['optional', [2], /is optional/],
    ['float or double', [6], /is a double/],
    ['nested in an optional struct', [5], /optional struct loc/],
    ['in a list', [8], /inside a list or map/],
    ['not primitive', [7], /has type list/],
  ])('rejects identifier fields that are %s', (_label, ids, message) => {
    const fields = [
      requiredField(1, 'id', Types.long),
      optionalField(2, 'name', Types.string),
      nested,
      requiredField(6, 'score', Types.double),
      requiredField(7, 'tags', Types.list(8, Types.string, true)),
    ];
    expect(() => newSchema(fields, { identifierFieldIds: ids })).toThrow(ValidationError);
    expect(() => newSchema(fields, { identifierFieldIds: ids })).toThrow(message);
  });

  it('accepts required primitives, also inside required structs', () => {
    const s = newSchema(
      [requiredField(1, 'id', Types.long), requiredField(2, 'key', Types.struct([requiredField(3, 'region', Types.string)]))],
      { identifierFieldIds: [1, 3] },
    );
    expect(s.identifierFieldIds).toEqual([1, 3]);
  });

  it('rejects bad JSON with ValidationError that names the field', () => {
    expect(() => schemaFromJson({ type: 'struct', fields: [{ id: 'x', name: 'a', required: true, type: 'int' }] })).toThrow(/field "id"/);
    expect(() => schemaFromJson({ type: 'struct', fields: [{ id: 1, name: 'a', type: 'int' }] })).toThrow(/"required"/);
    expect(() => schemaFromJson({ type: 'list', fields: [] })).toThrow(ValidationError);
    expect(() => schemaFromJson([])).toThrow(ValidationError);
  });

  it('checks v3-only types against the format version', () => {
    const s = newSchema([optionalField(1, 'ts', Types.timestamp_ns)]);
    expect(() => checkSchemaCompatibility(s, 2)).toThrow(/needs format v3/);
    expect(() => checkSchemaCompatibility(s, 3)).not.toThrow();
    const withDefault = newSchema([optionalField(1, 'n', Types.int, { initialDefault: 0 })]);
    expect(() => checkSchemaCompatibility(withDefault, 2)).toThrow(ValidationError);
  });

  it('sameSchema ignores the schema id', () => {
    const s = newSchema([requiredField(1, 'a', Types.int)]);
    expect(sameSchema(s, withSchemaId(s, 7))).toBe(true);
    expect(sameSchema(s, newSchema([requiredField(1, 'a', Types.long)]))).toBe(false);
  });
});
