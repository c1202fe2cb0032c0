/**
 * JSON single-value serialization (spec Appendix D, "JSON single-value
 * serialization"), used for field defaults and by the REST protocol.
 *
 * | type | JSON | example |
 * |---|---|---|
 * | boolean | boolean | `true` |
 * | int, long | number (long may be a bigint, written bare) | `34` |
 * | float, double | number, always with a fraction or exponent; `"NaN"`, `"Infinity"`, `"-Infinity"` as strings | `1.0` |
 * | decimal(P,S) | string with exactly S fraction digits, or scientific when S < 0 | `"14.20"`, `"2E+20"` |
 * | date | ISO date | `"2017-11-16"` |
 * | time | ISO time, 6 fraction digits | `"22:31:08.123456"` |
 * | timestamp / timestamp_ns | ISO, 6 / 9 fraction digits, no offset | `"2017-11-16T22:31:08.123456"` |
 * | timestamptz / timestamptz_ns | as above plus `+00:00` | `"2017-11-16T22:31:08.123456+00:00"` |
 * | string | string | `"iceberg"` |
 * | uuid | lower-case string | `"f79c3e09-677c-4bbd-a479-3f349cb785e7"` |
 * | fixed, binary | lower-case hex string | `"000102ff"` |
 * | struct | object keyed by field id | `{"1": 1, "2": "bar"}` |
 * | list | array | `[1, 2, 3]` |
 * | map | `{"keys": [...], "values": [...]}` | |
 *
 * The JSON trees produced here may hold `bigint` and {@link JsonNumber}; write
 * them with `writeJson` from `json-write.ts`.
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import { stringifyJson } from '../../internal/json.js';
import { formatDecimal, parseDecimal, rescale, fitsPrecision } from './decimal.js';
import { JsonNumber } from './json-write.js';
import { asArray, asObject, has, MAX_NESTING_DEPTH, toInt, toLong } from './json-read.js';
import { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from './temporal.js';
import type { IcebergType } from './types.js';
import { typeToString } from './types.js';
import { checkValue } from './value-check.js';
import type { Value } from './values.js';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(text: string, where: string): Uint8Array {
  if (!HEX.test(text)) throw new ValidationError(`${where}: ${JSON.stringify(text.slice(0, 40))} is not a hex string; write bytes as pairs of hex digits`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function floatingJson(n: number): unknown {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Object.is(n, -0)) return new JsonNumber('-0.0');
  const text = String(n);
  return /[.e]/.test(text) ? n : new JsonNumber(`${text}.0`);
}

/**
 * The JSON single-value form of `value` (null gives null). Throws
 * ValidationError if `value` is not the in-memory form of `type`.
 */
export function toJsonValue(type: IcebergType, value: Value): unknown {
  checkValue(type, value);
  return toJson(type, value);
}

function toJson(type: IcebergType, value: Value): unknown {
  if (value === null) return null;
  switch (type.type) {
    case 'boolean':
    case 'int':
    case 'long':
    case 'string':
      return value;
    case 'float':
    case 'double':
      return floatingJson(value as number);
    case 'decimal':
      return formatDecimal(value as bigint, type.scale);
    case 'date':
      return formatDate(value as number);
    case 'time':
      return formatTime(value as bigint);
    case 'timestamp':
    case 'timestamptz':
      return formatTimestamp(value as bigint, 'us', type.type === 'timestamptz');
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return formatTimestamp(value as bigint, 'ns', type.type === 'timestamptz_ns');
    case 'uuid':
      return (value as string).toLowerCase();
    case 'fixed':
    case 'binary':
      return toHex(value as Uint8Array);
    case 'struct': {
      const m = value as ReadonlyMap<number, Value>;
      return Object.fromEntries(type.fields.filter((f) => m.has(f.id)).map((f) => [String(f.id), toJson(f.type, m.get(f.id)!)]));
    }
    case 'list':
      return (value as readonly Value[]).map((e) => toJson(type.element, e));
    case 'map': {
      const entries = [...(value as ReadonlyMap<Value, Value>)];
      return { keys: entries.map(([k]) => toJson(type.key, k)), values: entries.map(([, v]) => toJson(type.value, v)) };
    }
    default:
      throw new UnsupportedError(`JSON values of type ${typeToString(type)} are not supported yet; leave the value null`);
  }
}

/**
 * Parse a JSON single value of `type` into its in-memory form. Throws
 * ValidationError (never another error) when the JSON does not fit the type;
 * non-null geometry, geography and variant values are not supported and
 * also give ValidationError.
 */
export function fromJsonValue(type: IcebergType, json: unknown, where = 'value'): Value {
  return fromJson(type, json, where, 0);
}

function preview(json: unknown): string {
  try {
    return (stringifyJson(json) ?? String(json)).slice(0, 60);
  } catch {
    return typeof json; // e.g. a cyclic object handed in by a caller
  }
}

function wrong(where: string, type: IcebergType, json: unknown): never {
  const shown = preview(json);
  throw new ValidationError(`${where}: ${shown} is not a JSON ${typeToString(type)} value; see the Iceberg spec, Appendix D "JSON single-value serialization"`);
}

function str(type: IcebergType, json: unknown, where: string): string {
  if (typeof json !== 'string') wrong(where, type, json);
  return json;
}

function floating(type: IcebergType, json: unknown, where: string): number {
  let n: number;
  if (typeof json === 'number') n = json;
  else if (typeof json === 'bigint') n = Number(json);
  else if (json instanceof JsonNumber) n = Number(json.text);
  else if (json === 'NaN') n = NaN;
  else if (json === 'Infinity') n = Infinity;
  else if (json === '-Infinity') n = -Infinity;
  else wrong(where, type, json);
  return type.type === 'float' ? Math.fround(n) : n;
}

function fromJson(type: IcebergType, json: unknown, where: string, depth: number): Value {
  if (json === null || json === undefined) return null;
  if (depth > MAX_NESTING_DEPTH) throw new ValidationError(`${where}: value is nested too deeply`);
  switch (type.type) {
    case 'boolean':
      if (typeof json !== 'boolean') wrong(where, type, json);
      return json;
    case 'int':
      return toInt(json, where);
    case 'long':
      return toLong(json, where);
    case 'float':
    case 'double':
      return floating(type, json, where);
    case 'decimal': {
      const d = parseDecimal(str(type, json, where));
      const unscaled = rescale(d.unscaled, d.scale, type.scale);
      if (!fitsPrecision(unscaled, type.precision)) wrong(where, type, json);
      return unscaled;
    }
    case 'date':
      return parseDate(str(type, json, where));
    case 'time':
      return parseTime(str(type, json, where));
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const zoned = type.type === 'timestamptz' || type.type === 'timestamptz_ns';
      const parsed = parseTimestamp(str(type, json, where), type.type.endsWith('_ns') ? 'ns' : 'us');
      if (zoned ? parsed.offsetMinutes !== 0 : parsed.offsetMinutes !== undefined) {
        throw new ValidationError(`${where}: ${JSON.stringify(json)} ${zoned ? 'must end with the UTC offset +00:00' : 'must not have a zone offset'} for type ${type.type}`);
      }
      return parsed.value;
    }
    case 'string':
      return str(type, json, where);
    case 'uuid': {
      const s = str(type, json, where);
      if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s)) wrong(where, type, json);
      return s.toLowerCase();
    }
    case 'fixed': {
      const b = fromHex(str(type, json, where), where);
      if (b.length !== type.length) wrong(where, type, json);
      return b;
    }
    case 'binary':
      return fromHex(str(type, json, where), where);
    case 'unknown':
      return wrong(where, type, json);
    case 'struct': {
      const o = asObject(json, where);
      return new Map(type.fields.filter((f) => has(o, String(f.id))).map((f) => [f.id, fromJson(f.type, o[String(f.id)], `${where}.${f.name}`, depth + 1)]));
    }
    case 'list':
      return asArray(json, where).map((e, i) => fromJson(type.element, e, `${where}[${i}]`, depth + 1));
    case 'map': {
      const o = asObject(json, where);
      const keys = asArray(o.keys, `${where}.keys`);
      const values = asArray(o.values, `${where}.values`);
      if (keys.length !== values.length) throw new ValidationError(`${where}: a map needs as many "values" as "keys"`);
      return new Map(
        keys.map((k, i) => {
          if (k === null) throw new ValidationError(`${where}.keys[${i}]: map keys cannot be null`);
          return [fromJson(type.key, k, `${where}.keys[${i}]`, depth + 1), fromJson(type.value, values[i], `${where}.values[${i}]`, depth + 1)];
        }),
      );
    }
    default:
      // variant, geometry and geography defaults must be null (spec, "Default values")
      throw new ValidationError(`${where}: a ${typeToString(type)} value must be null here; non-null ${typeToString(type)} JSON values are not supported`);
  }
}
