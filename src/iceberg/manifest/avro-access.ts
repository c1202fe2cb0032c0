/**
 * Typed access to decoded Avro records of manifests and manifest lists, by
 * Iceberg field id: the writer's schema maps each id to the name it used,
 * so files whose record or field names differ from ours still read the same,
 * as the spec's "column projection" by id requires. Every getter checks the
 * stored type and throws ValidationError naming the field when it is wrong.
 */
import { ValidationError } from '../../errors.js';
import type { AvroRecord, AvroRecordSchema, AvroSchema, AvroValue } from '../../formats/avro/index.js';
import { nonNullBranch } from '../../formats/avro/index.js';

/** Reads the fields of one record type by field id. */
export class FieldAccess {
  private readonly names = new Map<number, string>();
  private readonly schemas = new Map<number, AvroSchema>();

  /**
   * `fallback` gives the spec's name for each id, used for fields the writer
   * stored without a `field-id` attribute.
   */
  constructor(
    schema: AvroRecordSchema,
    private readonly where: string,
    fallback: Readonly<Record<number, string>> = {},
  ) {
    for (const f of schema.fields) {
      if (f.fieldId !== undefined) {
        this.names.set(f.fieldId, f.name);
        this.schemas.set(f.fieldId, f.type);
      }
    }
    for (const [id, name] of Object.entries(fallback)) {
      const f = schema.fields.find((x) => x.fieldId === undefined && x.name === name);
      if (f !== undefined && !this.names.has(Number(id))) {
        this.names.set(Number(id), f.name);
        this.schemas.set(Number(id), f.type);
      }
    }
  }

  /** The writer's schema of field `id` with null unions unwrapped, if the file has the field. */
  schema(id: number): AvroSchema | undefined {
    const s = this.schemas.get(id);
    return s === undefined ? undefined : nonNullBranch(s);
  }

  /** Whether the file has field `id`. */
  has(id: number): boolean {
    return this.names.has(id);
  }

  /** The raw value of field `id` (null when the file lacks the field). */
  raw(rec: AvroRecord, id: number): AvroValue {
    const name = this.names.get(id);
    return name === undefined ? null : (rec[name] ?? null);
  }

  private fail(id: number, expected: string, at: string): never {
    throw new ValidationError(`${at}: field ${this.names.get(id) ?? id} (id ${id}) of ${this.where} must be ${expected}; the file is corrupt`, { context: { fieldId: id } });
  }

  /** A string, or undefined when null. */
  optString(rec: AvroRecord, id: number, at: string): string | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    return typeof v === 'string' ? v : this.fail(id, 'a string', at);
  }

  /** A required string. */
  string(rec: AvroRecord, id: number, at: string): string {
    return this.optString(rec, id, at) ?? this.fail(id, 'a string', at);
  }

  /** A long (an int is widened), or undefined when null. */
  optLong(rec: AvroRecord, id: number, at: string): bigint | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    if (typeof v === 'bigint') return v;
    return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : this.fail(id, 'a long', at);
  }

  /** A required long. */
  long(rec: AvroRecord, id: number, at: string): bigint {
    return this.optLong(rec, id, at) ?? this.fail(id, 'a long', at);
  }

  /** An int, or undefined when null. */
  optInt(rec: AvroRecord, id: number, at: string): number | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    return typeof v === 'number' && Number.isInteger(v) ? v : this.fail(id, 'an int', at);
  }

  /** A required int. */
  int(rec: AvroRecord, id: number, at: string): number {
    return this.optInt(rec, id, at) ?? this.fail(id, 'an int', at);
  }

  /** A boolean, or undefined when null. */
  optBoolean(rec: AvroRecord, id: number, at: string): boolean | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    return typeof v === 'boolean' ? v : this.fail(id, 'a boolean', at);
  }

  /** Bytes, or undefined when null. */
  optBytes(rec: AvroRecord, id: number, at: string): Uint8Array | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    return v instanceof Uint8Array ? v : this.fail(id, 'bytes', at);
  }

  /** A nested record, or undefined when null. */
  optRecord(rec: AvroRecord, id: number, at: string): AvroRecord | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    return isRecord(v) ? v : this.fail(id, 'a record', at);
  }

  /** An array, or undefined when null. */
  optArray(rec: AvroRecord, id: number, at: string): readonly AvroValue[] | undefined {
    const v = this.raw(rec, id);
    if (v === null) return undefined;
    return Array.isArray(v) ? (v as readonly AvroValue[]) : this.fail(id, 'an array', at);
  }

  /** A list of longs (empty when null). */
  longList(rec: AvroRecord, id: number, at: string): bigint[] {
    return (this.optArray(rec, id, at) ?? []).map((v) => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : this.fail(id, 'a list of longs', at)));
  }

  /** A list of ints, or undefined when null. */
  optIntList(rec: AvroRecord, id: number, at: string): number[] | undefined {
    const list = this.optArray(rec, id, at);
    if (list === undefined) return undefined;
    return list.map((v) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'bigint' && v >= -(2n ** 31n) && v < 2n ** 31n ? Number(v) : this.fail(id, 'a list of ints', at)));
  }

  /**
   * An int-keyed map (Iceberg's array of key/value records, or an Avro map
   * with numeric string keys), empty when null. `value` checks each value.
   */
  intMap<V>(rec: AvroRecord, id: number, at: string, value: (v: AvroValue) => V | undefined, expected: string): Map<number, V> {
    const raw = this.raw(rec, id);
    const out = new Map<number, V>();
    if (raw === null) return out;
    const put = (k: unknown, v: AvroValue) => {
      const key = typeof k === 'string' && /^-?\d+$/.test(k) ? Number(k) : k;
      const val = value(v);
      if (typeof key !== 'number' || !Number.isInteger(key) || val === undefined) this.fail(id, `a map from int to ${expected}`, at);
      out.set(key, val);
    };
    if (raw instanceof Map) {
      for (const [k, v] of raw) put(k, v);
    } else if (Array.isArray(raw)) {
      for (const item of raw as readonly AvroValue[]) {
        if (!isRecord(item)) this.fail(id, `a map from int to ${expected}`, at);
        const [k, v] = 'key' in item && 'value' in item ? [item.key, item.value] : Object.values(item);
        put(k, v ?? null);
      }
    } else this.fail(id, `a map from int to ${expected}`, at);
    return out;
  }
}

/** Whether a decoded Avro value is a record. */
export function isRecord(v: AvroValue | undefined): v is AvroRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}

/** A long value as bigint (int widened), or undefined if it is not one. */
export function longValue(v: AvroValue): bigint | undefined {
  return typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
}

/** A bytes value, or undefined if it is not one. */
export function bytesValue(v: AvroValue): Uint8Array | undefined {
  return v instanceof Uint8Array ? v : undefined;
}
