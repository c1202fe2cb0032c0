/**
 * Checks on the arguments users hand to the evolution builders (types,
 * transforms, options), so that a wrong value from untyped JavaScript or a
 * notebook fails at the call with a ValidationError instead of producing a
 * corrupt schema or a TypeError deep inside `build`.
 */
import { ValidationError } from '../../errors.js';
import { MAX_NESTING_DEPTH } from '../spec/json-read.js';
import type { Transform } from '../spec/transforms.js';
import { formatTransform, parseTransform } from '../spec/transforms.js';
import type { IcebergType } from '../spec/types.js';
import { MAX_DECIMAL_PRECISION, SIMPLE_PRIMITIVE_TYPE_NAMES } from '../spec/types.js';

function bad(where: string, problem: string): never {
  throw new ValidationError(`${where}: ${problem}; build types with Types.* and fields with requiredField/optionalField`);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Throw ValidationError unless `t` is a well-formed Iceberg type object. */
export function checkTypeArgument(t: unknown, where: string, depth = 0): asserts t is IcebergType {
  if (depth > MAX_NESTING_DEPTH) bad(where, `the type is nested more than ${MAX_NESTING_DEPTH} levels deep`);
  if (typeof t !== 'object' || t === null || typeof (t as { type?: unknown }).type !== 'string') bad(where, `expected an Iceberg type, got ${t === null ? 'null' : typeof t}`);
  const o = t as Record<string, unknown>;
  switch (o.type) {
    case 'decimal':
      if (!isInt(o.precision) || o.precision < 1 || o.precision > MAX_DECIMAL_PRECISION || !isInt(o.scale)) bad(where, 'decimal needs an integer precision from 1 to 38 and an integer scale');
      return;
    case 'fixed':
      if (!isInt(o.length) || o.length < 0) bad(where, 'fixed needs a non-negative integer length');
      return;
    case 'geometry':
    case 'geography':
    case 'variant':
      return;
    case 'struct':
      if (!Array.isArray(o.fields)) bad(where, 'a struct needs a fields array');
      for (const f of o.fields as unknown[]) {
        if (typeof f !== 'object' || f === null) bad(where, 'struct fields must be objects');
        const field = f as Record<string, unknown>;
        if (!isInt(field.id) || typeof field.name !== 'string' || field.name === '' || typeof field.required !== 'boolean') {
          bad(where, 'every struct field needs an integer id, a non-empty name and a boolean required');
        }
        if (field.doc !== undefined && typeof field.doc !== 'string') bad(`${where}.${field.name}`, 'doc must be a string');
        checkTypeArgument(field.type, `${where}.${field.name}`, depth + 1);
      }
      return;
    case 'list':
      if (!isInt(o.elementId) || typeof o.elementRequired !== 'boolean') bad(where, 'a list needs an integer elementId and a boolean elementRequired');
      return checkTypeArgument(o.element, `${where}.element`, depth + 1);
    case 'map':
      if (!isInt(o.keyId) || !isInt(o.valueId) || typeof o.valueRequired !== 'boolean') bad(where, 'a map needs integer keyId and valueId and a boolean valueRequired');
      checkTypeArgument(o.key, `${where}.key`, depth + 1);
      return checkTypeArgument(o.value, `${where}.value`, depth + 1);
    default:
      if (!(SIMPLE_PRIMITIVE_TYPE_NAMES as readonly string[]).includes(o.type as string)) bad(where, `unknown type ${JSON.stringify(String(o.type).slice(0, 40))}`);
  }
}

/**
 * A transform from a string (`'bucket[16]'`) or a transform object, in its
 * canonical form. Throws ValidationError for malformed or unknown transforms.
 */
export function transformArgument(t: unknown, what: string): Transform {
  let parsed: Transform;
  if (typeof t === 'string') parsed = parseTransform(t);
  else if (typeof t === 'object' && t !== null && typeof (t as { type?: unknown }).type === 'string') {
    const text: unknown = formatTransform(t as Transform);
    if (typeof text !== 'string') throw new ValidationError(`${what}: malformed transform object; use a string such as 'day' or Transforms.*`);
    parsed = parseTransform(text);
  } else throw new ValidationError(`${what}: expected a transform such as 'day' or Transforms.bucket(16), got ${t === null ? 'null' : typeof t}`);
  if (parsed.type === 'unknown') {
    throw new ValidationError(`${what}: unknown transform ${JSON.stringify(parsed.name.slice(0, 40))}; use identity, bucket[N], truncate[W], year, month, day, hour or void`);
  }
  return parsed;
}

/** Throw ValidationError unless `v` is undefined or a string. */
export function checkOptionalString(v: unknown, what: string): asserts v is string | undefined {
  if (v !== undefined && typeof v !== 'string') throw new ValidationError(`${what} must be a string, got ${v === null ? 'null' : typeof v}`);
}

/** Throw ValidationError unless `v` is undefined or a plain options object. */
export function checkOptions(v: unknown, what: string): void {
  if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new ValidationError(`${what} must be an options object`);
}

/** A short, never-throwing description of any argument, for error messages. */
export function describeArg(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(v);
    case 'bigint':
      return `${v.toString()}n`;
    default:
      if (v === null) return 'null';
      if (Array.isArray(v) && v.length <= 8 && v.every((p) => typeof p === 'string')) return describeArg(v.join('.'));
      return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
  }
}
