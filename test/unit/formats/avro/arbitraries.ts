// fast-check generators for Avro schemas and values that conform to them.
import fc from 'fast-check';
import { isWellFormed } from '../../../../src/iceberg/spec/value-check.js';

/** A schema shape; names are assigned when it is turned into JSON. */
export type Shape =
  | { k: 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string' }
  | { k: 'fixed'; size: number }
  | { k: 'enum'; symbols: string[] }
  | { k: 'array'; items: Shape }
  | { k: 'map'; values: Shape }
  | { k: 'optional'; inner: Shape }
  | { k: 'record'; fields: Shape[] };

const symbolName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);

const leaf: fc.Arbitrary<Shape> = fc.oneof(
  fc.constantFrom<Shape>({ k: 'null' }, { k: 'boolean' }, { k: 'int' }, { k: 'long' }, { k: 'float' }, { k: 'double' }, { k: 'bytes' }, { k: 'string' }),
  fc.integer({ min: 0, max: 20 }).map((size): Shape => ({ k: 'fixed', size })),
  fc.uniqueArray(symbolName, { minLength: 1, maxLength: 5 }).map((symbols): Shape => ({ k: 'enum', symbols })),
);

/** Random schema shapes, nested a few levels. */
export const shape: fc.Arbitrary<Shape> = fc.letrec<{ s: Shape }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('s').map((items): Shape => ({ k: 'array', items })),
    tie('s').map((values): Shape => ({ k: 'map', values })),
    tie('s').filter((s) => s.k !== 'null' && s.k !== 'optional').map((inner): Shape => ({ k: 'optional', inner })),
    fc.array(tie('s'), { maxLength: 4 }).map((fields): Shape => ({ k: 'record', fields })),
  ),
})).s;

/** The Avro JSON of a shape; named types get fresh names, record fields carry `field-id`s. */
export function toJson(s: Shape, counter = { n: 0 }): unknown {
  switch (s.k) {
    case 'fixed':
      return { type: 'fixed', name: `fx${++counter.n}`, size: s.size };
    case 'enum':
      return { type: 'enum', name: `en${++counter.n}`, symbols: s.symbols };
    case 'array':
      return { type: 'array', items: toJson(s.items, counter), 'element-id': ++counter.n };
    case 'map':
      return { type: 'map', values: toJson(s.values, counter) };
    case 'optional':
      return ['null', toJson(s.inner, counter)];
    case 'record':
      return { type: 'record', name: `rec${++counter.n}`, fields: s.fields.map((f, i) => ({ name: `f${i}`, type: toJson(f, counter), 'field-id': ++counter.n })) };
    default:
      return s.k;
  }
}

const LONG = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** Values conforming to a shape, in the in-memory form the codec returns. */
export function valueOf(s: Shape): fc.Arbitrary<unknown> {
  switch (s.k) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer();
    case 'long':
      return fc.bigInt(LONG);
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'bytes':
      return fc.uint8Array({ maxLength: 20 });
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 20 }).filter(isWellFormed);
    case 'fixed':
      return fc.uint8Array({ minLength: s.size, maxLength: s.size });
    case 'enum':
      return fc.constantFrom(...s.symbols);
    case 'array':
      return fc.array(valueOf(s.items), { maxLength: 4 });
    case 'map':
      return fc.dictionary(fc.string({ maxLength: 6 }), valueOf(s.values), { maxKeys: 4 }).map((o) => new Map(Object.entries(o)));
    case 'optional':
      return fc.option(valueOf(s.inner), { nil: null });
    case 'record':
      return fc.tuple(...s.fields.map(valueOf)).map((vs) => Object.fromEntries(vs.map((v, i) => [`f${i}`, v])));
  }
}

/** A record schema (JSON) with a list of conforming records. */
export const schemaAndRecords = fc
  .array(shape, { minLength: 1, maxLength: 5 })
  .chain((fields) => {
    const s: Shape = { k: 'record', fields };
    return fc.tuple(fc.constant(toJson(s)), fc.array(valueOf(s), { maxLength: 30 }));
  });
