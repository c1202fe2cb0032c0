/** Name mappings: parsing, the mapping of a schema, and its JSON form. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameMappingOf, nameMappingToJson, parseNameMapping } from '../../../../src/formats/parquet/read/index.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { arbSchema } from '../arrow/arbitraries.js';

describe('name mappings', () => {
  it('maps a schema by name, with element/key/value for collections', () => {
    const schema = newSchema([
      requiredField(1, 'id', Types.long),
      optionalField(2, 'tags', Types.list(3, Types.struct([optionalField(4, 'k', Types.string)]))),
      optionalField(5, 'attrs', Types.map(6, Types.string, 7, Types.int)),
    ]);
    expect(nameMappingToJson(nameMappingOf(schema))).toEqual([
      { 'field-id': 1, names: ['id'] },
      { 'field-id': 2, names: ['tags'], fields: [{ 'field-id': 3, names: ['element'], fields: [{ 'field-id': 4, names: ['k'] }] }] },
      { 'field-id': 5, names: ['attrs'], fields: [{ 'field-id': 6, names: ['key'] }, { 'field-id': 7, names: ['value'] }] },
    ]);
  });

  it('parses its own JSON text back to the same mapping', () => {
    fc.assert(
      fc.property(arbSchema, (schema) => {
        const mapping = nameMappingOf(schema);
        expect(parseNameMapping(JSON.stringify(nameMappingToJson(mapping)))).toEqual(mapping);
      }),
      { numRuns: 100 },
    );
  });

  it('accepts aliases and fields without ids, and refuses malformed mappings with ValidationError', () => {
    expect(parseNameMapping('[{"names": ["a", "A"], "fields": null}, {"field-id": 2, "names": []}]')).toEqual([
      { names: ['a', 'A'], fields: [] },
      { fieldId: 2, names: [], fields: [] },
    ]);
    for (const bad of ['{', '{}', '[1]', '[{"names": "a"}]', '[{"names": ["a"], "field-id": "1"}]', '[{"names": ["a"], "fields": {}}]']) {
      expect(() => parseNameMapping(bad), bad).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });
});
