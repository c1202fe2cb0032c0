/**
 * Iceberg data types (table spec, "Schemas and Data Types").
 *
 * Types are plain, immutable objects discriminated by `type`, named as the
 * spec names them: primitives (`{ type: 'int' }`, `{ type: 'decimal',
 * precision: 9, scale: 2 }`, `{ type: 'fixed', length: 16 }` …), the
 * semi-structured `variant`, and the nested `struct`, `list` and `map`, whose
 * fields carry ids. Build them with {@link Types}, {@link requiredField} and
 * {@link optionalField}; serialize them with `type-json.ts`; look fields up
 * with `type-index.ts`.
 *
 * Treat every object here as immutable: lookups are memoized per object.
 *
 * @example
 * ```ts
 * const t = Types.struct([
 *   requiredField(1, 'id', Types.long),
 *   optionalField(2, 'price', Types.decimal(9, 2)),
 *   optionalField(3, 'tags', Types.list(4, Types.string)),
 * ]);
 * ```
 */
import { ValidationError } from '../../errors.js';
import type { Value } from './values.js';

/** Names of the primitive types that take no parameters. */
export type SimplePrimitiveTypeName =
  | 'unknown'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'timestamp_ns'
  | 'timestamptz_ns'
  | 'string'
  | 'uuid'
  | 'binary';

/** The parameterless primitive types, in spec order. */
export const SIMPLE_PRIMITIVE_TYPE_NAMES: readonly SimplePrimitiveTypeName[] = [
  'unknown', 'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz',
  'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary',
];

/** A primitive type without parameters, such as `int` or `timestamptz`. */
export interface SimplePrimitiveType {
  readonly type: SimplePrimitiveTypeName;
}

/** `decimal(P,S)`: fixed-point decimal, precision P ≤ 38, scale S. */
export interface DecimalType {
  readonly type: 'decimal';
  readonly precision: number;
  readonly scale: number;
}

/** `fixed[L]`: a byte array of exactly L bytes. */
export interface FixedType {
  readonly type: 'fixed';
  readonly length: number;
}

/** v3 `geometry(C)`; `crs` undefined means the default `OGC:CRS84`. Read-only support. */
export interface GeometryType {
  readonly type: 'geometry';
  readonly crs?: string;
}

/** v3 `geography(C, A)`; undefined parameters mean `OGC:CRS84` and `spherical`. Read-only support. */
export interface GeographyType {
  readonly type: 'geography';
  readonly crs?: string;
  readonly algorithm?: string;
}

/** A primitive type. */
export type PrimitiveType = SimplePrimitiveType | DecimalType | FixedType | GeometryType | GeographyType;

/** v3 `variant`: semi-structured, neither primitive nor nested. Values are not supported yet. */
export interface VariantType {
  readonly type: 'variant';
}

/** A field of a struct: id, name, nullability, type, doc and (v3) default values. */
export interface NestedField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
  /** Value for rows written before the field existed (v3), in the in-memory form of `values.ts`. */
  readonly initialDefault?: Value;
  /** Value a writer uses when it does not supply one (v3). */
  readonly writeDefault?: Value;
}

/** A tuple of named, typed fields. */
export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly NestedField[];
}

/** A list; the element has its own field id. */
export interface ListType {
  readonly type: 'list';
  readonly elementId: number;
  readonly elementRequired: boolean;
  readonly element: IcebergType;
}

/** A map; keys are always required, key and value have their own field ids. */
export interface MapType {
  readonly type: 'map';
  readonly keyId: number;
  readonly key: IcebergType;
  readonly valueId: number;
  readonly valueRequired: boolean;
  readonly value: IcebergType;
}

/** A nested type. */
export type NestedType = StructType | ListType | MapType;

/** Any Iceberg type. */
export type IcebergType = PrimitiveType | VariantType | NestedType;

const simple = <N extends SimplePrimitiveTypeName>(type: N) => Object.freeze({ type }) as { readonly type: N };

/** Maximum precision of a decimal. */
export const MAX_DECIMAL_PRECISION = 38;

/** Constructors for every type. Parameterless types are shared constants. */
export const Types = Object.freeze({
  unknown: simple('unknown'),
  boolean: simple('boolean'),
  int: simple('int'),
  long: simple('long'),
  float: simple('float'),
  double: simple('double'),
  date: simple('date'),
  time: simple('time'),
  timestamp: simple('timestamp'),
  timestamptz: simple('timestamptz'),
  timestamp_ns: simple('timestamp_ns'),
  timestamptz_ns: simple('timestamptz_ns'),
  string: simple('string'),
  uuid: simple('uuid'),
  binary: simple('binary'),
  variant: Object.freeze({ type: 'variant' }) as VariantType,
  /** `decimal(P,S)`; throws ValidationError unless 1 ≤ P ≤ 38. */
  decimal(precision: number, scale: number): DecimalType {
    if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION || !Number.isInteger(scale)) {
      throw new ValidationError(`decimal(${precision},${scale}) is invalid: precision must be an integer from 1 to 38 and scale an integer`);
    }
    return Object.freeze({ type: 'decimal', precision, scale });
  },
  /** `fixed[L]`; throws ValidationError unless L is a non-negative integer. */
  fixed(length: number): FixedType {
    if (!Number.isInteger(length) || length < 0 || length > 2147483647) {
      throw new ValidationError(`fixed[${length}] is invalid: the length must be a non-negative 32-bit integer`);
    }
    return Object.freeze({ type: 'fixed', length });
  },
  /** `geometry(C)` (v3, read-only). */
  geometry(crs?: string): GeometryType {
    return Object.freeze(crs === undefined ? { type: 'geometry' } : { type: 'geometry', crs });
  },
  /** `geography(C, A)` (v3, read-only). */
  geography(crs?: string, algorithm?: string): GeographyType {
    const t: { type: 'geography'; crs?: string; algorithm?: string } = { type: 'geography' };
    if (crs !== undefined) t.crs = crs;
    if (algorithm !== undefined) t.algorithm = algorithm;
    return Object.freeze(t);
  },
  /** A struct of the given fields. */
  struct(fields: readonly NestedField[]): StructType {
    return Object.freeze({ type: 'struct', fields: Object.freeze([...fields]) });
  },
  /** A list whose element has field id `elementId`; elements are optional unless `elementRequired`. */
  list(elementId: number, element: IcebergType, elementRequired = false): ListType {
    return Object.freeze({ type: 'list', elementId, elementRequired, element });
  },
  /** A map with key id `keyId` and value id `valueId`; values are optional unless `valueRequired`. */
  map(keyId: number, key: IcebergType, valueId: number, value: IcebergType, valueRequired = false): MapType {
    return Object.freeze({ type: 'map', keyId, key, valueId, valueRequired, value });
  },
});

/** Optional parts of a field. */
export interface FieldOptions {
  doc?: string;
  initialDefault?: Value;
  writeDefault?: Value;
}

function makeField(id: number, name: string, required: boolean, type: IcebergType, opts: FieldOptions): NestedField {
  const f: { -readonly [K in keyof NestedField]: NestedField[K] } = { id, name, required, type };
  if (opts.doc !== undefined) f.doc = opts.doc;
  if (opts.initialDefault !== undefined && opts.initialDefault !== null) f.initialDefault = opts.initialDefault;
  if (opts.writeDefault !== undefined && opts.writeDefault !== null) f.writeDefault = opts.writeDefault;
  return Object.freeze(f);
}

/** A required (non-null) field. */
export function requiredField(id: number, name: string, type: IcebergType, opts: FieldOptions = {}): NestedField {
  return makeField(id, name, true, type, opts);
}

/** An optional (nullable) field. */
export function optionalField(id: number, name: string, type: IcebergType, opts: FieldOptions = {}): NestedField {
  return makeField(id, name, false, type, opts);
}

/** Whether `t` is a primitive type (not variant, not nested). */
export function isPrimitive(t: IcebergType): t is PrimitiveType {
  return t.type !== 'struct' && t.type !== 'list' && t.type !== 'map' && t.type !== 'variant';
}

/** Whether `t` is struct, list or map. */
export function isNested(t: IcebergType): t is NestedType {
  return t.type === 'struct' || t.type === 'list' || t.type === 'map';
}

/** The spec's string form of a type (`"decimal(9,2)"`, `"fixed[16]"`, `"struct<…>"` for nested ones). */
export function typeToString(t: IcebergType): string {
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'fixed':
      return `fixed[${t.length}]`;
    case 'geometry':
      return t.crs === undefined ? 'geometry' : `geometry(${t.crs})`;
    case 'geography':
      if (t.crs === undefined && t.algorithm === undefined) return 'geography';
      return t.algorithm === undefined ? `geography(${t.crs ?? 'OGC:CRS84'})` : `geography(${t.crs ?? 'OGC:CRS84'}, ${t.algorithm})`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.id}: ${f.name}: ${f.required ? 'required' : 'optional'} ${typeToString(f.type)}`).join(', ')}>`;
    case 'list':
      return `list<${typeToString(t.element)}>`;
    case 'map':
      return `map<${typeToString(t.key)}, ${typeToString(t.value)}>`;
    default:
      return t.type;
  }
}

