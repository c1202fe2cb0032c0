/**
 * fast-check arbitraries for Iceberg schemas and rows in the form
 * `arrowToRows` returns (which `rowsToArrow` also accepts), plus a canonical
 * text form for comparing such rows.
 */
import fc from 'fast-check';
import { formatDecimal } from '../../../../src/iceberg/spec/decimal.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import type { Schema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import type { IcebergType, NestedField, PrimitiveType } from '../../../../src/iceberg/spec/types.js';

const PRIMITIVES: fc.Arbitrary<PrimitiveType> = fc.oneof(
  fc.constantFrom<PrimitiveType>(
    Types.boolean, Types.int, Types.long, Types.float, Types.double, Types.date, Types.time,
    Types.timestamp, Types.timestamptz, Types.timestamp_ns, Types.timestamptz_ns, Types.string, Types.uuid, Types.binary,
  ),
  fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => Types.decimal(p, s))),
  fc.integer({ min: 1, max: 20 }).map((l) => Types.fixed(l)),
);

const KEY_TYPES = fc.constantFrom<PrimitiveType>(Types.int, Types.long, Types.string, Types.date, Types.uuid);

/** A type shape; ids are placeholders (0) until {@link withIds}. */
type Shape = PrimitiveType | { type: 'struct'; fields: { name: string; required: boolean; type: Shape }[] } | { type: 'list'; required: boolean; element: Shape } | { type: 'map'; required: boolean; key: PrimitiveType; value: Shape };

const shape: (depth: number) => fc.Arbitrary<Shape> = (depth) =>
  depth <= 0
    ? PRIMITIVES
    : fc.oneof(
        { weight: 3, arbitrary: PRIMITIVES },
        { weight: 1, arbitrary: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), required: fc.boolean(), type: shape(depth - 1) }), { minLength: 1, maxLength: 3, selector: (f) => f.name }).map((fields) => ({ type: 'struct' as const, fields })) },
        { weight: 1, arbitrary: fc.record({ required: fc.boolean(), element: shape(depth - 1) }).map((r) => ({ type: 'list' as const, ...r })) },
        { weight: 1, arbitrary: fc.record({ required: fc.boolean(), key: KEY_TYPES, value: shape(depth - 1) }).map((r) => ({ type: 'map' as const, ...r })) },
      );

function withIds(s: Shape, next: { id: number }): IcebergType {
  switch (s.type) {
    case 'struct':
      return Types.struct(s.fields.map((f) => field(f.name, f.required, f.type, next)));
    case 'list': {
      const id = next.id++;
      return Types.list(id, withIds(s.element, next), s.required);
    }
    case 'map': {
      const k = next.id++;
      const v = next.id++;
      return Types.map(k, s.key, v, withIds(s.value, next), s.required);
    }
    default:
      return s;
  }
}

function field(name: string, required: boolean, s: Shape, next: { id: number }): NestedField {
  const id = next.id++;
  const type = withIds(s, next);
  return required ? requiredField(id, name, type) : optionalField(id, name, type);
}

/** Random schemas up to depth 3. */
export const arbSchema: fc.Arbitrary<Schema> = fc
  .uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), required: fc.boolean(), type: shape(2) }), { minLength: 1, maxLength: 6, selector: (f) => f.name })
  .map((fields) => {
    const next = { id: 1 };
    return newSchema(fields.map((f) => field(f.name, f.required, f.type, next)));
  });

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** A value of `type` in the form `arrowToRows` gives. */
export function arbValue(type: IcebergType, required: boolean): fc.Arbitrary<unknown> {
  const v = nonNull(type);
  return required ? v : fc.option(v, { nil: null, freq: 4 });
}

function nonNull(type: IcebergType): fc.Arbitrary<unknown> {
  switch (type.type) {
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer();
    case 'long':
      return fc.bigInt(INT64);
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'decimal': {
      const lim = 10n ** BigInt(type.precision) - 1n;
      return fc.bigInt({ min: -lim, max: lim }).map((u) => formatDecimal(u, type.scale));
    }
    case 'date':
      return fc.integer({ min: -2_000_000, max: 2_000_000 });
    case 'time':
      return fc.bigInt({ min: 0n, max: 86_399_999_999n });
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return fc.bigInt(INT64);
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 12 });
    case 'uuid':
      return fc.uuid().map((u) => u.toLowerCase());
    case 'fixed':
      return fc.uint8Array({ minLength: type.length, maxLength: type.length });
    case 'binary':
      return fc.uint8Array({ maxLength: 12 });
    case 'struct':
      return fc.record(Object.fromEntries(type.fields.map((f) => [f.name, arbValue(f.type, f.required)])));
    case 'list':
      return fc.array(arbValue(type.element, type.elementRequired), { maxLength: 4 });
    case 'map':
      return fc
        .uniqueArray(fc.tuple(nonNull(type.key), arbValue(type.value, type.valueRequired)), { maxLength: 4, selector: ([k]) => canon(k) })
        .map((entries) => new Map(entries));
    default:
      return fc.constant(null);
  }
}

/** Rows for a schema. */
export function arbRows(schema: Schema): fc.Arbitrary<Record<string, unknown>[]> {
  return fc.array(fc.record(Object.fromEntries(schema.fields.map((f) => [f.name, arbValue(f.type, f.required)]))), { maxLength: 8 });
}

/** A canonical text of a row value: bigint, bytes, -0, NaN, maps and key order all distinguished. */
export function canon(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `<${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('')}>`;
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v instanceof Map) return `map{${[...v].map(([k, x]) => `${canon(k)}=>${canon(x)}`).join(',')}}`;
  return `{${Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${k}:${canon(x)}`).join(',')}}`;
}
