/**
 * Comparing types and values: structural equality, the allowed type
 * promotions of schema evolution, and the format version a type needs.
 */
import type { IcebergType, NestedField } from './types.js';

/**
 * Structural type equality, including field ids, names, nullability, docs
 * and defaults of nested fields (like Java's `Type.equals`).
 */
export function typeEquals(a: IcebergType, b: IcebergType): boolean {
  if (a === b) return true;
  switch (a.type) {
    case 'decimal':
      return b.type === 'decimal' && a.precision === b.precision && a.scale === b.scale;
    case 'fixed':
      return b.type === 'fixed' && a.length === b.length;
    case 'geometry':
      return b.type === 'geometry' && (a.crs ?? 'OGC:CRS84') === (b.crs ?? 'OGC:CRS84');
    case 'geography':
      return (
        b.type === 'geography' && (a.crs ?? 'OGC:CRS84') === (b.crs ?? 'OGC:CRS84') && (a.algorithm ?? 'spherical') === (b.algorithm ?? 'spherical')
      );
    case 'struct':
      return b.type === 'struct' && a.fields.length === b.fields.length && a.fields.every((f, i) => fieldEquals(f, b.fields[i]!));
    case 'list':
      return b.type === 'list' && a.elementId === b.elementId && a.elementRequired === b.elementRequired && typeEquals(a.element, b.element);
    case 'map':
      return (
        b.type === 'map' &&
        a.keyId === b.keyId &&
        a.valueId === b.valueId &&
        a.valueRequired === b.valueRequired &&
        typeEquals(a.key, b.key) &&
        typeEquals(a.value, b.value)
      );
    default:
      return a.type === b.type;
  }
}

/** Field equality: id, name, nullability, type, doc and defaults. */
export function fieldEquals(a: NestedField, b: NestedField): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.required === b.required &&
    a.doc === b.doc &&
    valueEquals(a.initialDefault, b.initialDefault) &&
    valueEquals(a.writeDefault, b.writeDefault) &&
    typeEquals(a.type, b.type)
  );
}

/** Deep equality of in-memory values (bytes by content, maps by entries in order). */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    const ea = [...a.entries()];
    // Keys compared by identity (numbers, strings, bigints) are matched by lookup; byte keys in order.
    if (ea.every(([k]) => typeof k !== 'object')) return ea.every(([k, v]) => b.has(k) && valueEquals(v, b.get(k)));
    const eb = [...b.entries()];
    return ea.every(([k, v], i) => valueEquals(k, eb[i]![0]) && valueEquals(v, eb[i]![1]));
  }
  return false;
}

/**
 * Whether a column of type `from` may be promoted to `to` (spec, "Schema
 * Evolution"): `int`→`long`, `float`→`double`, `decimal(P,S)`→`decimal(P',S)`
 * with P' ≥ P, and from format v3 `date`→`timestamp`/`timestamp_ns` and
 * `unknown`→anything. Identical types are always allowed.
 */
export function isPromotionAllowed(from: IcebergType, to: IcebergType, formatVersion = 2): boolean {
  if (typeEquals(from, to)) return true;
  if (formatVersion >= 3 && from.type === 'unknown') return true;
  switch (from.type) {
    case 'int':
      return to.type === 'long';
    case 'float':
      return to.type === 'double';
    case 'decimal':
      return to.type === 'decimal' && to.scale === from.scale && to.precision >= from.precision;
    case 'date':
      return formatVersion >= 3 && (to.type === 'timestamp' || to.type === 'timestamp_ns');
    default:
      return false;
  }
}

/** The lowest format version that allows type `t` (v3 added unknown, variant, geo and nanosecond timestamps). */
export function minFormatVersion(t: IcebergType): number {
  switch (t.type) {
    case 'unknown':
    case 'variant':
    case 'geometry':
    case 'geography':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return 3;
    case 'struct':
      return Math.max(1, ...t.fields.map((f) => Math.max(minFormatVersion(f.type), f.initialDefault !== undefined ? 3 : 1)));
    case 'list':
      return minFormatVersion(t.element);
    case 'map':
      return Math.max(minFormatVersion(t.key), minFormatVersion(t.value));
    default:
      return 1;
  }
}
