/**
 * Project an Arrow batch onto a target Iceberg schema by field id: select and
 * reorder columns (at every nesting level), fill columns the batch lacks
 * with nulls or the field's `initial-default`, and apply the type promotions
 * schema evolution allows, for data written with an older schema.
 */
import { DateUnit, RecordBatch, Struct, TimeUnit, Type, makeData } from 'apache-arrow';
import type { Data, DataType, Date_, Decimal, Field, FixedSizeBinary, Float, Int, Schema as ArrowSchema, Timestamp } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { IcebergType, NestedField, PrimitiveType, StructType } from '../../iceberg/spec/types.js';
import { isPrimitive, typeToString } from '../../iceberg/spec/types.js';
import { missingFieldData } from './fill.js';
import { arrowFieldId, icebergToArrowSchema, icebergToArrowType } from './schema.js';

const MICROS_PER_DAY = 86_400_000_000n;

function cannot(path: string, from: DataType, to: IcebergType): never {
  throw new ValidationError(`column ${JSON.stringify(path)} holds Arrow ${String(from)}, which cannot be read as ${typeToString(to)} (allowed promotions: int→long, float→double, decimal(P,S)→decimal(P',S) with P'≥P, date→timestamp)`, {
    context: { column: path, from: String(from), to: typeToString(to) },
  });
}

/** Same buffers, new (canonical) type. */
function retype(data: Data, type: DataType): Data {
  return data.clone(type as never);
}

function withValues(data: Data, type: DataType, values: ArrayBufferView): Data {
  return makeData({ type, offset: data.offset, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: values } as never);
}

function mapValues<T extends BigInt64Array | Int32Array | Float64Array>(data: Data, out: T, f: (v: unknown) => T[number]): T {
  const values = data.values as ArrayLike<unknown>;
  for (let i = 0; i < data.length; i++) out[i] = f(values[i]);
  return out;
}

function primitive(data: Data, to: PrimitiveType, path: string): Data {
  const from = data.type as DataType;
  const arrow = icebergToArrowType(to);
  const id = from.typeId;
  const bad = () => cannot(path, from, to);
  switch (to.type) {
    case 'boolean':
    case 'string':
    case 'binary':
      return id === arrow.typeId ? retype(data, arrow) : bad();
    case 'int': {
      const t = from as Int;
      if (id !== Type.Int || t.bitWidth > 32 || (t.bitWidth === 32 && !t.isSigned)) return bad();
      return t.bitWidth === 32 ? retype(data, arrow) : withValues(data, arrow, mapValues(data, new Int32Array(data.length), Number));
    }
    case 'long': {
      const t = from as Int;
      if (id !== Type.Int || (t.bitWidth === 64 && !t.isSigned)) return bad();
      return t.bitWidth === 64 ? retype(data, arrow) : withValues(data, arrow, mapValues(data, new BigInt64Array(data.length), (v) => BigInt(v as number)));
    }
    case 'float':
      return id === Type.Float && (from as Float).precision === 1 ? retype(data, arrow) : bad();
    case 'double': {
      if (id !== Type.Float || (from as Float).precision === 0) return bad();
      return (from as Float).precision === 2 ? retype(data, arrow) : withValues(data, arrow, Float64Array.from(data.values as Float32Array));
    }
    case 'decimal': {
      const t = from as Decimal;
      return id === Type.Decimal && t.bitWidth === 128 && t.scale === to.scale && t.precision <= to.precision ? retype(data, arrow) : bad();
    }
    case 'date':
      return id === Type.Date && (from as Date_).unit === DateUnit.DAY ? retype(data, arrow) : bad();
    case 'time':
      return id === Type.Time && (from as Timestamp).unit === TimeUnit.MICROSECOND ? retype(data, arrow) : bad();
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const ns = to.type.endsWith('_ns');
      if (id === Type.Date && (from as Date_).unit === DateUnit.DAY && (to.type === 'timestamp' || to.type === 'timestamp_ns')) {
        const f = ns ? MICROS_PER_DAY * 1000n : MICROS_PER_DAY;
        return withValues(data, arrow, mapValues(data, new BigInt64Array(data.length), (v) => BigInt(v as number) * f));
      }
      const t = from as Timestamp;
      const zoned = t.timezone !== null && t.timezone !== undefined && t.timezone !== '';
      if (id !== Type.Timestamp || zoned !== to.type.startsWith('timestamptz')) return bad();
      if (t.unit === (ns ? TimeUnit.NANOSECOND : TimeUnit.MICROSECOND)) return retype(data, arrow);
      if (ns || t.unit === TimeUnit.NANOSECOND) return bad();
      const f = t.unit === TimeUnit.SECOND ? 1_000_000n : 1000n;
      return withValues(data, arrow, mapValues(data, new BigInt64Array(data.length), (v) => (v as bigint) * f));
    }
    case 'uuid':
    case 'fixed':
      return id === Type.FixedSizeBinary && (from as FixedSizeBinary).byteWidth === (to.type === 'fixed' ? to.length : 16) ? retype(data, arrow) : bad();
    default:
      return id === arrow.typeId ? retype(data, arrow) : bad();
  }
}

function byId(fields: readonly Field[], useNames: boolean): Map<number | string, number> {
  const m = new Map<number | string, number>();
  fields.forEach((f, i) => {
    const id = arrowFieldId(f);
    m.set(useNames ? f.name : (id ?? `#${i}`), i);
  });
  return m;
}

function hasIds(fields: readonly Field[]): boolean {
  return fields.some((f) => arrowFieldId(f) !== undefined);
}

function structChildren(data: Data, sourceFields: readonly Field[], target: readonly NestedField[], path: string): Data[] {
  const useNames = !hasIds(sourceFields);
  const index = byId(sourceFields, useNames);
  return target.map((f) => {
    const at = index.get(useNames ? f.name : f.id);
    const childPath = path === '' ? f.name : `${path}.${f.name}`;
    if (at === undefined) return missingFieldData(f, data.length, `the data at ${JSON.stringify(path === '' ? '(top level)' : path)}`);
    return project(data.children[at]!, sourceFields[at]!, f.type, childPath);
  });
}

function project(data: Data, field: Field, to: IcebergType, path: string): Data {
  const from = data.type as DataType;
  if (isPrimitive(to)) return primitive(data, to, path);
  const arrow = icebergToArrowType(to);
  if (to.type === 'struct') {
    if (from.typeId !== Type.Struct) cannot(path, from, to);
    return data.clone(arrow as never, data.offset, data.length, data.nullCount, undefined, structChildren(data, from.children, to.fields, path));
  }
  if (to.type === 'list') {
    if (from.typeId !== Type.List) cannot(path, from, to);
    const child = project(data.children[0]!, from.children[0]!, to.element, `${path}.element`);
    return data.clone(arrow as never, data.offset, data.length, data.nullCount, undefined, [child]);
  }
  if (to.type === 'map') {
    if (from.typeId !== Type.Map) cannot(path, from, to);
    const entries = data.children[0]!;
    const [k, v] = from.children[0]!.type.children as Field[];
    const key = project(entries.children[0]!, k!, to.key, `${path}.key`);
    const value = project(entries.children[1]!, v!, to.value, `${path}.value`);
    const entriesData = entries.clone((arrow.children[0] as Field).type, entries.offset, entries.length, entries.nullCount, undefined, [key, value]);
    return data.clone(arrow as never, data.offset, data.length, data.nullCount, undefined, [entriesData]);
  }
  return cannot(path, from, to);
}

/**
 * The batch rewritten to `target`: columns matched by Iceberg field id
 * (`PARQUET:field_id` metadata; by name only when the batch carries no ids at
 * a level), in the target's order and with its names, missing columns filled
 * with the field's initial default or nulls, and allowed promotions applied
 * (`int`→`long`, `float`→`double`, decimal precision widening, `date`→`timestamp`).
 * Buffers are shared where no conversion is needed. Throws ValidationError
 * for incompatible types and for missing required fields without a default.
 *
 * @example
 * ```ts
 * const current = projectBatch(batchWrittenWithSchema1, table.schema());
 * ```
 */
export function projectBatch(batch: RecordBatch, target: StructType): RecordBatch {
  const schema: ArrowSchema = icebergToArrowSchema(target);
  const children = structChildren(batch.data, batch.schema.fields, target.fields, '');
  const data = makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
