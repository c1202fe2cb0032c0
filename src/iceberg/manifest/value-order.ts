/**
 * The order of non-null primitive values that bounds follow (spec "Column
 * Metrics", "Manifest Lists" notes): numbers numerically with `-0.0` before
 * `+0.0`, strings by Unicode code point (UTF-8 byte order), binary, fixed and
 * UUIDs by unsigned bytes, booleans false before true. NaN is never ordered:
 * callers keep it out of bounds.
 */
import { UnsupportedError } from '../../errors.js';
import { compareUtf8 } from '../../internal/bytes.js';
import type { IcebergType } from '../spec/types.js';
import { typeToString } from '../spec/types.js';
import type { Value } from '../spec/values.js';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === 0 && b === 0) return Object.is(a, -0) === Object.is(b, -0) ? 0 : Object.is(a, -0) ? -1 : 1;
  return 0;
}

/**
 * Compare two non-null, non-NaN values of the primitive type `type`
 * (negative, zero or positive). Throws UnsupportedError for types without an
 * order (nested types, variant, unknown).
 */
export function compareValues(type: IcebergType, a: Value, b: Value): number {
  switch (type.type) {
    case 'boolean':
      return Number(a as boolean) - Number(b as boolean);
    case 'int':
    case 'date':
    case 'float':
    case 'double':
      return compareNumbers(a as number, b as number);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
    case 'decimal': {
      const x = a as bigint;
      const y = b as bigint;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
      return compareUtf8(a as string, b as string);
    case 'uuid': {
      // Lower-case 8-4-4-4-12 hex has fixed width, so text order is unsigned byte order.
      const x = (a as string).toLowerCase();
      const y = (b as string).toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'fixed':
    case 'binary':
    case 'geometry':
    case 'geography':
      return compareBytes(a as Uint8Array, b as Uint8Array);
    default:
      throw new UnsupportedError(`values of type ${typeToString(type)} have no order for bounds`);
  }
}
