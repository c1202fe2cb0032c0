// fast-check generators for Iceberg types, values, schemas and metadata pieces.
import fc from 'fast-check';
import type { IcebergType, NestedField, PrimitiveType, Schema, StructType, Value } from '../../../../src/iceberg/spec/index.js';
import { newSchema, Types } from '../../../../src/iceberg/spec/index.js';

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Every primitive type with a value form (v1–v3; geo excluded). */
export const primitiveType: fc.Arbitrary<PrimitiveType> = fc.oneof(
  fc.constantFrom<PrimitiveType>(
    Types.boolean, Types.int, Types.long, Types.float, Types.double, Types.date, Types.time, Types.timestamp, Types.timestamptz,
    Types.timestamp_ns, Types.timestamptz_ns, Types.string, Types.uuid, Types.binary,
  ),
  fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: -5, max: p }).map((s) => Types.decimal(p, s))),
  fc.integer({ min: 0, max: 40 }).map((l) => Types.fixed(l)),
);

/** A non-null value of a primitive type, in its in-memory form. */
export function primitiveValue(t: PrimitiveType): fc.Arbitrary<Value> {
  switch (t.type) {
    case 'boolean':
      return fc.boolean();
    case 'int':
    case 'date':
      return fc.integer();
    case 'long':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return fc.bigInt({ min: LONG_MIN, max: LONG_MAX });
    case 'time':
      return fc.bigInt({ min: 0n, max: 86_399_999_999n });
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'decimal': {
      const max = 10n ** BigInt(t.precision) - 1n;
      return fc.bigInt({ min: -max, max });
    }
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 40 });
    case 'uuid':
      return fc.uuid();
    case 'fixed':
      return fc.uint8Array({ minLength: t.length, maxLength: t.length });
    case 'binary':
      return fc.uint8Array({ maxLength: 40 });
    default:
      return fc.constant(null);
  }
}

/** A (type, value) pair for every primitive type. */
export const primitiveTypeAndValue = primitiveType.chain((t) => primitiveValue(t).map((v) => ({ type: t, value: v })));

const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });

/** Struct types with unique ids (assigned afterwards) and unique sibling names. */
export const structType: fc.Arbitrary<StructType> = fc
  .letrec<{ type: IcebergType; struct: StructType }>((tie) => ({
    type: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primitiveType, tie('struct'), fc.tuple(tie('type'), fc.boolean()).map(([e, r]) => Types.list(0, e, r)), fc.tuple(primitiveType, tie('type'), fc.boolean()).map(([k, v, r]) => Types.map(0, k, 0, v, r))),
    struct: fc
      .uniqueArray(fc.record({ name, required: fc.boolean(), type: tie('type'), doc: fc.option(fc.string(), { nil: undefined }) }), { selector: (f) => f.name, maxLength: 5 })
      .map((fields) => Types.struct(fields.map((f) => ({ id: 0, name: f.name, required: f.required, type: f.type, ...(f.doc !== undefined ? { doc: f.doc } : {}) })))),
  }))
  .struct.map((s) => renumber(s));

/** Give every field, element, key and value a fresh id, 1, 2, … depth-first. */
export function renumber(s: StructType): StructType {
  let next = 0;
  const visit = (t: IcebergType): IcebergType => {
    switch (t.type) {
      case 'struct':
        return Types.struct(t.fields.map((f): NestedField => ({ ...f, id: ++next, type: visit(f.type) })));
      case 'list': {
        const id = ++next;
        return Types.list(id, visit(t.element), t.elementRequired);
      }
      case 'map': {
        const k = ++next;
        const v = ++next;
        return Types.map(k, visit(t.key), v, visit(t.value), t.valueRequired);
      }
      default:
        return t;
    }
  };
  return visit(s) as StructType;
}

/** Valid schemas (no identifier fields). */
export const schema: fc.Arbitrary<Schema> = fc.tuple(structType, fc.nat(20)).map(([s, id]) => newSchema(s.fields, { schemaId: id }));
