import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildPartitionSpec,
  escapePartitionPathPart,
  formatTransform,
  javaDoubleToString,
  javaFloatToString,
  lastAssignedFieldId,
  newSchema,
  optionalField,
  parseDate,
  parsePartitionPath,
  parseTimestamp,
  parseTransform,
  partitionFieldsFromJson,
  partitionSpecFromJson,
  partitionSpecToJson,
  partitionToPath,
  partitionTuple,
  partitionType,
  partitionValueToHumanString,
  requiredField,
  specCompatible,
  Transforms,
  Types,
  unescapePartitionPathPart,
  UNPARTITIONED_SPEC,
} from '../../../../src/iceberg/spec/index.js';
import type { IcebergType, PartitionSpec, Transform, Value } from '../../../../src/iceberg/spec/index.js';
import { UnsupportedError, ValidationError } from '../../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'data', Types.string),
  optionalField(3, 'ts', Types.timestamptz),
  optionalField(4, 'loc', Types.struct([optionalField(5, 'region', Types.string)])),
  optionalField(6, 'tags', Types.list(7, Types.string)),
  optionalField(8, 'amount', Types.decimal(9, 2)),
]);

describe('partition spec JSON', () => {
  it('reads and writes the spec example', () => {
    const json = {
      'spec-id': 0,
      fields: [
        { 'source-id': 4, 'field-id': 1000, name: 'ts_day', transform: 'day' },
        { 'source-id': 1, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[16]' },
      ],
    };
    const spec = partitionSpecFromJson(json);
    expect(spec.fields[1]).toEqual({ sourceId: 1, fieldId: 1001, name: 'id_bucket', transform: Transforms.bucket(16) });
    expect(partitionSpecToJson(spec)).toEqual(json);
  });

  it('assigns v1 field ids from 1000 and reads v3 source-ids', () => {
    const v1 = partitionFieldsFromJson([{ 'source-id': 1, name: 'a', transform: 'identity' }, { 'source-id': 2, name: 'b', transform: 'identity' }], 0);
    expect(v1.fields.map((f) => f.fieldId)).toEqual([1000, 1001]);
    const v3 = partitionSpecFromJson({ 'spec-id': 1, fields: [{ 'source-ids': [1, 2], 'field-id': 1000, name: 'z', transform: 'zorder' }] });
    expect(v3.fields[0]).toMatchObject({ sourceId: 1, sourceIds: [1, 2], transform: { type: 'unknown', name: 'zorder' } });
    expect(partitionSpecToJson(v3)).toEqual({ 'spec-id': 1, fields: [{ 'source-ids': [1, 2], 'field-id': 1000, name: 'z', transform: 'zorder' }] });
  });

  it('property: serialize → parse gives an equal spec', () => {
    const transform = fc.oneof(
      fc.constantFrom<Transform>(Transforms.identity, Transforms.year, Transforms.month, Transforms.day, Transforms.hour, Transforms.void),
      fc.integer({ min: 1, max: 1 << 20 }).map(Transforms.bucket),
      fc.integer({ min: 1, max: 1 << 20 }).map(Transforms.truncate),
    );
    const specArb = fc.record({
      specId: fc.nat(100),
      fields: fc.array(fc.record({ sourceId: fc.nat(1000), fieldId: fc.integer({ min: 1000, max: 100000 }), name: fc.string({ unit: 'binary' }), transform })),
    });
    fc.assert(
      fc.property(specArb, (spec: PartitionSpec) => {
        expect(partitionSpecFromJson(parseJson(stringifyJson(partitionSpecToJson(spec))))).toEqual(spec);
      }),
    );
  });

  it('rejects malformed specs with ValidationError', () => {
    expect(() => partitionSpecFromJson({ fields: [] })).toThrow(ValidationError);
    expect(() => partitionSpecFromJson({ 'spec-id': 0, fields: [{ 'field-id': 1000, name: 'x', transform: 'identity' }] })).toThrow(/source-id/);
    expect(() => partitionSpecFromJson({ 'spec-id': 0, fields: [{ 'source-id': 1, name: 'x', transform: 'bucket[0]' }] })).toThrow(ValidationError);
  });
});

describe('building and validating specs', () => {
  it('names fields like Java and assigns ids from 1000', () => {
    const spec = buildPartitionSpec(schema, [
      { source: 'ts', transform: Transforms.day },
      { source: 'id', transform: 'bucket[16]' },
      { source: 'data', transform: Transforms.truncate(4) },
      { source: 'loc.region', transform: Transforms.identity },
      { source: 3, transform: Transforms.hour, name: 'hr' },
    ]);
    expect(spec.fields.map((f) => [f.name, f.fieldId, f.sourceId, formatTransform(f.transform)])).toEqual([
      ['ts_day', 1000, 3, 'day'],
      ['id_bucket', 1001, 1, 'bucket[16]'],
      ['data_trunc', 1002, 2, 'truncate[4]'],
      ['loc.region', 1003, 5, 'identity'],
      ['hr', 1004, 3, 'hour'],
    ]);
    expect(lastAssignedFieldId(spec)).toBe(1004);
    expect(lastAssignedFieldId(UNPARTITIONED_SPEC)).toBe(999);
  });

  it.each([
    ['an unknown column', [{ source: 'nope', transform: Transforms.identity }], /no such column/],
    ['a list element', [{ source: 7, transform: Transforms.identity }], /outside lists and maps/],
    ['a transform the type does not support', [{ source: 'data', transform: Transforms.hour }], /cannot apply/],
    ['a duplicate name', [{ source: 'id', transform: Transforms.bucket(2), name: 'p' }, { source: 'ts', transform: Transforms.day, name: 'p' }], /used twice/],
    ['a duplicate source+transform', [{ source: 'ts', transform: Transforms.day }, { source: 'ts', transform: Transforms.day, name: 'd2' }], /already partitions/],
    ['a column name for a non-identity field', [{ source: 'id', transform: Transforms.bucket(2), name: 'data' }], /also a column name/],
  ])('rejects %s', (_label, fields, message) => {
    expect(() => buildPartitionSpec(schema, fields)).toThrow(ValidationError);
    expect(() => buildPartitionSpec(schema, fields)).toThrow(message);
  });

  it('compares specs ignoring ids', () => {
    const a = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
    const b = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }], { specId: 4, lastAssignedFieldId: 1010 });
    expect(specCompatible(a, b)).toBe(true);
    expect(specCompatible(a, buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.hour }]))).toBe(false);
  });
});

describe('partition type and tuple', () => {
  const spec = buildPartitionSpec(schema, [
    { source: 'ts', transform: Transforms.day },
    { source: 'id', transform: Transforms.bucket(16) },
    { source: 'loc.region', transform: Transforms.identity },
    { source: 'amount', transform: Transforms.truncate(50) },
  ]);

  it('is a struct of optional result-type fields keyed by partition field id', () => {
    expect(partitionType(spec, schema)).toEqual(
      Types.struct([
        optionalField(1000, 'ts_day', Types.date),
        optionalField(1001, 'id_bucket', Types.int),
        optionalField(1002, 'loc.region', Types.string),
        optionalField(1003, 'amount_trunc', Types.decimal(9, 2)),
      ]),
    );
  });

  it('computes a row’s tuple from nested objects or an accessor', () => {
    const ts = parseTimestamp('2024-01-05T13:45:00+00:00', 'us').value;
    const row = { id: 34n, ts, loc: { region: 'eu' }, amount: 1065n };
    expect(partitionTuple(spec, schema, row)).toEqual([parseDate('2024-01-05'), 2017239379 % 16, 'eu', 1050n]);
    expect(partitionTuple(spec, schema, { id: 34n })).toEqual([null, 2017239379 % 16, null, null]);
    const byId = new Map<number, Value>([[1, 34n], [3, ts]]);
    expect(partitionTuple(spec, schema, (id) => byId.get(id) ?? null)).toEqual([parseDate('2024-01-05'), 2017239379 % 16, null, null]);
  });

  it('refuses values of the wrong representation and unknown transforms', () => {
    expect(() => partitionTuple(spec, schema, { id: 34 })).toThrow(ValidationError);
    const unknown = partitionSpecFromJson({ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'z', transform: 'zorder' }] });
    expect(() => partitionTuple(unknown, schema, { id: 1n })).toThrow(UnsupportedError);
  });
});

describe('human strings', () => {
  const h = (t: Transform, type: IcebergType, v: Value) => partitionValueToHumanString(t, type, v);
  it('formats time transforms like Java (negative ordinals included)', () => {
    expect(h(Transforms.year, Types.int, 54)).toBe('2024');
    expect(h(Transforms.year, Types.int, -1)).toBe('1969');
    expect(h(Transforms.month, Types.int, 54 * 12)).toBe('2024-01');
    expect(h(Transforms.month, Types.int, -1)).toBe('1969-12');
    expect(h(Transforms.day, Types.date, parseDate('2024-01-05'))).toBe('2024-01-05');
    expect(h(Transforms.day, Types.date, -1)).toBe('1969-12-31');
    expect(h(Transforms.hour, Types.int, parseDate('2024-01-05') * 24 + 13)).toBe('2024-01-05-13');
    expect(h(Transforms.hour, Types.int, -1)).toBe('1969-12-31-23');
  });

  it('formats identity values per type', () => {
    expect(h(Transforms.identity, Types.timestamp, 1510871468000000n)).toBe('2017-11-16T22:31:08');
    expect(h(Transforms.identity, Types.timestamp, 1510871468100000n)).toBe('2017-11-16T22:31:08.1');
    expect(h(Transforms.identity, Types.timestamptz, 1510871468000001n)).toBe('2017-11-16T22:31:08.000001+00:00');
    expect(h(Transforms.identity, Types.time, 81060000000n)).toBe('22:31');
    expect(h(Transforms.identity, Types.time, 81068500000n)).toBe('22:31:08.500');
    expect(h(Transforms.identity, Types.binary, Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
    expect(h(Transforms.identity, Types.decimal(9, 2), -5n)).toBe('-0.05');
    expect(h(Transforms.identity, Types.boolean, true)).toBe('true');
    expect(h(Transforms.identity, Types.long, -(2n ** 63n))).toBe('-9223372036854775808');
    expect(h(Transforms.bucket(4), Types.int, 3)).toBe('3');
    expect(h(Transforms.identity, Types.string, null)).toBe('null');
  });

  it('prints floating point like Java', () => {
    expect([1, 0.1, 1e7, 1.5e-4, 123456.789, -0, NaN, Infinity].map(javaDoubleToString)).toEqual(['1.0', '0.1', '1.0E7', '1.5E-4', '123456.789', '-0.0', 'NaN', 'Infinity']);
    expect([Math.fround(0.1), Math.fround(3.4e38), 1].map(javaFloatToString)).toEqual(['0.1', '3.4E38', '1.0']);
  });
});

describe('partition paths', () => {
  const spec = buildPartitionSpec(schema, [
    { source: 'ts', transform: Transforms.hour },
    { source: 'data', transform: Transforms.identity },
  ]);
  const hour = parseDate('2024-01-05') * 24 + 13;

  it('writes Hive-style name=value segments with URLEncoder escaping', () => {
    expect(partitionToPath(spec, schema, [hour, 'a b/c=d%'])).toBe('ts_hour=2024-01-05-13/data=a+b%2Fc%3Dd%25');
    expect(partitionToPath(spec, schema, [null, 'é'])).toBe('ts_hour=null/data=%C3%A9');
    expect(partitionToPath(spec, schema, [hour, 'null'])).toBe('ts_hour=2024-01-05-13/data=%6Eull');
    expect(partitionToPath(spec, schema, [hour, ''])).toBe('ts_hour=2024-01-05-13/data=');
    expect(() => partitionToPath(spec, schema, [hour])).toThrow(ValidationError);
  });

  it('parses paths back, keeping null distinct from the string "null"', () => {
    expect(parsePartitionPath('ts_hour=null/data=%6Eull')).toEqual([{ name: 'ts_hour', value: null }, { name: 'data', value: 'null' }]);
    expect(() => parsePartitionPath('data')).toThrow(ValidationError);
    expect(() => unescapePartitionPathPart('a/b')).toThrow(ValidationError);
    expect(() => unescapePartitionPathPart('%G0')).toThrow(ValidationError);
    expect(() => unescapePartitionPathPart('%C3')).toThrow(ValidationError);
  });

  const special = fc.constantFrom('../x', 'a/b', '\u0000', '', '.', '..', 'null', ' ', '+', '%', '=', '\\', 'x'.repeat(10_000), '🧊/../🧊');
  const anyString = fc.oneof(special, fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }));

  it('property: any string value escapes to one safe segment and round-trips exactly', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const escaped = escapePartitionPathPart(s);
        expect(escaped).toMatch(/^[A-Za-z0-9.\-*_+%]*$/);
        expect(unescapePartitionPathPart(escaped)).toBe(s);
        const path = partitionToPath(spec, schema, [hour, s]);
        const segments = path.split('/');
        expect(segments).toHaveLength(2);
        expect(segments.some((seg) => seg === '..' || seg === '.')).toBe(false);
        expect(parsePartitionPath(path)[1]).toEqual({ name: 'data', value: s });
      }),
      { numRuns: 500 },
    );
  });

  it('rejects strings with lone surrogates, which have no UTF-8 form', () => {
    expect(() => escapePartitionPathPart('\ud800')).toThrow(ValidationError);
  });

  it('escapes field names too', () => {
    const odd = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'a/b', transform: parseTransform('identity') }] };
    expect(partitionToPath(odd, schema, ['x'])).toBe('a%2Fb=x');
  });
});
