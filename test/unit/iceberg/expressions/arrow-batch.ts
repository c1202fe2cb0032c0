// Builds Arrow record batches from rows for the row-filter tests, straight from buffers
// (independent of lakekit's own Arrow conversion).
import type { DataType } from 'apache-arrow';
import {
  Bool, DateDay, Decimal, Dictionary, Field, Float32, Float64, Int32, Int64, makeData, makeVector, RecordBatch, Schema as ArrowSchema, Struct, TimestampMicrosecond, Utf8,
} from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { PrimitiveType, Schema, Value } from '../../../../src/iceberg/spec/index.js';
import type { Row } from './arbitraries.js';

const encoder = new TextEncoder();

function arrowType(t: PrimitiveType): DataType {
  switch (t.type) {
    case 'int':
      return new Int32();
    case 'long':
      return new Int64();
    case 'string':
      return new Utf8();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMicrosecond();
    case 'timestamptz':
      return new TimestampMicrosecond('UTC');
    case 'decimal':
      return new Decimal(t.scale, t.precision, 128);
    case 'double':
      return new Float64();
    case 'float':
      return new Float32();
    case 'boolean':
      return new Bool();
    default:
      throw new Error(`no Arrow type for ${t.type}`);
  }
}

/** Column data for values (null = null), optionally dictionary-encoded (strings). */
export function columnData(t: PrimitiveType, values: readonly Value[], dictionary = false): Data {
  const n = values.length;
  const nullBitmap = new Uint8Array(Math.max(1, (n + 7) >> 3));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  const type = arrowType(t);
  const base = { type, length: n, nullCount, nullBitmap };
  if (t.type === 'string' && dictionary) {
    const distinct = [...new Set(values.filter((v): v is string => v !== null))];
    const dict = columnData(t, distinct);
    const indices = Int32Array.from(values, (v) => (v === null ? 0 : distinct.indexOf(v as string)));
    return makeData({ type: new Dictionary(new Utf8(), new Int32()), length: n, nullCount, nullBitmap, data: indices, dictionary: makeVector(dict) as never });
  }
  switch (t.type) {
    case 'int':
    case 'date':
      return makeData({ ...base, type: type as Int32, data: Int32Array.from(values, (v) => (v as number | null) ?? 0) });
    case 'long':
    case 'timestamp':
    case 'timestamptz':
      return makeData({ ...base, type: type as Int64, data: BigInt64Array.from(values, (v) => (v as bigint | null) ?? 0n) });
    case 'double':
      return makeData({ ...base, type: type as Float64, data: Float64Array.from(values, (v) => (v as number | null) ?? 0) });
    case 'float':
      return makeData({ ...base, type: type as Float32, data: Float32Array.from(values, (v) => (v as number | null) ?? 0) });
    case 'boolean': {
      const bits = new Uint8Array(Math.max(1, (n + 7) >> 3));
      values.forEach((v, i) => {
        if (v === true) bits[i >> 3]! |= 1 << (i & 7);
      });
      return makeData({ ...base, type: type as Bool, data: bits });
    }
    case 'decimal': {
      const words = new Uint32Array(n * 4);
      values.forEach((v, i) => {
        const u = BigInt.asUintN(128, (v as bigint | null) ?? 0n);
        for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
      });
      return makeData({ ...base, type: type as Decimal, data: words });
    }
    case 'string': {
      const parts = values.map((v) => (v === null ? new Uint8Array(0) : encoder.encode(v as string)));
      const offsets = new Int32Array(n + 1);
      parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
      const data = new Uint8Array(offsets[n]!);
      parts.forEach((p, i) => data.set(p, offsets[i]!));
      return makeData({ ...base, type: type as Utf8, data, valueOffsets: offsets });
    }
    default:
      throw new Error(`no Arrow data for ${t.type}`);
  }
}

/** A record batch with one column per schema field (top-level fields only). */
export function batchOf(schema: Schema, rows: readonly Row[], opts: { dictionary?: boolean; fieldIds?: boolean } = {}): RecordBatch {
  const fields = schema.fields.map(
    (f) => new Field(f.name, arrowType(f.type as PrimitiveType), !f.required, opts.fieldIds ? new Map([['PARQUET:field_id', String(f.id)]]) : undefined),
  );
  const children = schema.fields.map((f) => columnData(f.type as PrimitiveType, rows.map((r) => r.get(f.id) ?? null), opts.dictionary === true));
  const struct = new Struct(fields.map((f, i) => new Field(f.name, children[i]!.type, f.nullable, f.metadata)));
  const data = makeData({ type: struct, length: rows.length, nullCount: 0, children });
  return new RecordBatch(new ArrowSchema(struct.children), data);
}
