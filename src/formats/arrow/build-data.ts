/**
 * One column of JS values → Arrow `Data` of the Arrow type lakekit uses for
 * an Iceberg type (see `schema.ts`). Values are checked and converted once
 * (`coerce.ts`) and written straight into typed arrays; nested values recurse
 * with their children's values gathered column by column.
 */
import { Data, makeData } from 'apache-arrow';
import type { DataType, Struct } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { IcebergType, ListType, MapType, NestedField, PrimitiveType, StructType } from '../../iceberg/spec/types.js';
import { isPrimitive, typeToString } from '../../iceberg/spec/types.js';
import { ByteSink, Validity, writeInt128 } from './buffers.js';
import { CoerceError, coercerFor } from './coerce.js';
import { icebergToArrowType } from './schema.js';

/** Where the values come from, for error messages. */
export interface BuildContext {
  /** Dotted column path (`address.zip`, `tags.element`). */
  readonly path: string;
  /** Row index of each value (for values inside lists and maps); identity when absent. */
  readonly rowOf?: Int32Array;
}

/** Placeholder for children of a null struct: null without a "required" check. */
export const ABSENT: unique symbol = Symbol('absent');

function rowAt(ctx: BuildContext, i: number): number {
  return ctx.rowOf ? ctx.rowOf[i]! : i;
}

function fail(ctx: BuildContext, i: number, message: string, cause?: unknown): never {
  const row = rowAt(ctx, i);
  throw new ValidationError(`row ${row}, column ${JSON.stringify(ctx.path)}: ${message}`, { cause, context: { row, column: ctx.path } });
}

function isNull(v: unknown): boolean {
  return v === null || v === undefined || v === ABSENT;
}

function checkNull(v: unknown, required: boolean, ctx: BuildContext, i: number, type: IcebergType): boolean {
  if (v === ABSENT) return true;
  if (v === null || v === undefined) {
    if (required) fail(ctx, i, `a ${typeToString(type).slice(0, 60)} value is required, got ${v === null ? 'null' : 'no value'}`);
    return true;
  }
  return false;
}

function buildPrimitive(type: PrimitiveType, required: boolean, values: ArrayLike<unknown>, ctx: BuildContext): Data {
  const n = values.length;
  const arrow = icebergToArrowType(type);
  const validity = new Validity(n);
  const coerce = coercerFor(type);
  const convert = (i: number): unknown => {
    const v = values[i];
    if (checkNull(v, required, ctx, i, type)) {
      validity.setNull(i);
      return null;
    }
    try {
      return coerce(v);
    } catch (e) {
      if (e instanceof CoerceError) fail(ctx, i, e.message);
      throw e;
    }
  };
  const finish = (extra: Record<string, unknown>): Data =>
    makeData({ type: arrow, length: n, nullCount: validity.nulls, nullBitmap: validity.bitmap(), ...extra } as never);
  switch (type.type) {
    case 'unknown': {
      for (let i = 0; i < n; i++) convert(i);
      return makeData({ type: arrow, length: n, nullCount: n } as never);
    }
    case 'boolean': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (convert(i) === true) bits[i >> 3]! |= 1 << (i & 7);
      return finish({ data: bits });
    }
    case 'int':
    case 'date': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = (convert(i) as number | null) ?? 0;
      return finish({ data: out });
    }
    case 'float':
    case 'double': {
      const out = type.type === 'float' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = (convert(i) as number | null) ?? 0;
      return finish({ data: out });
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = (convert(i) as bigint | null) ?? 0n;
      return finish({ data: out });
    }
    case 'decimal': {
      const out = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) {
        const v = convert(i) as bigint | null;
        if (v !== null) writeInt128(out, i, v);
      }
      return finish({ data: out });
    }
    case 'string':
    case 'binary':
    case 'geometry':
    case 'geography': {
      const offsets = new Int32Array(n + 1);
      const sink = new ByteSink(n * 8);
      for (let i = 0; i < n; i++) {
        const v = convert(i);
        if (typeof v === 'string') sink.pushText(v);
        else if (v instanceof Uint8Array) sink.push(v);
        if (sink.length > 0x7fffffff) fail(ctx, i, 'the column holds more than 2 GiB of bytes; write it in smaller batches');
        offsets[i + 1] = sink.length;
      }
      return finish({ valueOffsets: offsets, data: sink.bytes() });
    }
    case 'uuid':
    case 'fixed': {
      const width = type.type === 'fixed' ? type.length : 16;
      const out = new Uint8Array(n * width);
      for (let i = 0; i < n; i++) {
        const v = convert(i) as Uint8Array | null;
        if (v !== null) out.set(v, i * width);
      }
      return finish({ data: out });
    }
  }
}

function structChild(v: unknown, field: NestedField): unknown {
  if (v instanceof Map) return v.has(field.id) ? v.get(field.id) : v.get(field.name);
  return (v as Record<string, unknown>)[field.name];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  // Any record-like object (class instances from ORMs included), but not arrays, bytes, dates or maps.
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Date) && !(v instanceof Map);
}

function buildStruct(type: StructType, required: boolean, values: ArrayLike<unknown>, ctx: BuildContext, arrow?: DataType): Data {
  const n = values.length;
  const validity = new Validity(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (checkNull(v, required, ctx, i, type)) validity.setNull(i);
    else if (!(v instanceof Map) && !isPlainObject(v)) fail(ctx, i, `expected an object (or a Map of field id to value) for a struct, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  }
  const children = type.fields.map((f) => {
    const childValues = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      childValues[i] = isNull(v) ? ABSENT : structChild(v, f);
    }
    const childCtx: BuildContext = { path: ctx.path === '' ? f.name : `${ctx.path}.${f.name}`, ...(ctx.rowOf ? { rowOf: ctx.rowOf } : {}) };
    return buildData(f.type, f.required, childValues, childCtx);
  });
  const structType = (arrow ?? icebergToArrowType(type)) as Struct;
  return makeData({ type: structType, length: n, nullCount: validity.nulls, nullBitmap: validity.bitmap(), children });
}

function entriesOf(v: unknown): Iterable<[unknown, unknown]> | undefined {
  if (v instanceof Map) return v.entries() as Iterable<[unknown, unknown]>;
  if (isPlainObject(v)) return Object.entries(v);
  return undefined;
}

function buildCollection(type: ListType | MapType, required: boolean, values: ArrayLike<unknown>, ctx: BuildContext): Data {
  const n = values.length;
  const validity = new Validity(n);
  const offsets = new Int32Array(n + 1);
  const items: unknown[] = [];
  const keys: unknown[] = [];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (checkNull(v, required, ctx, i, type)) validity.setNull(i);
    else if (type.type === 'list') {
      if (!Array.isArray(v)) fail(ctx, i, `expected an array for ${typeToString(type).slice(0, 60)}, got ${typeof v}`);
      for (const x of v) {
        items.push(x);
        rows.push(rowAt(ctx, i));
      }
    } else {
      const entries = entriesOf(v);
      if (entries === undefined) fail(ctx, i, `expected a Map (or an object with string keys) for ${typeToString(type).slice(0, 60)}, got ${typeof v}`);
      for (const [k, x] of entries) {
        keys.push(k);
        items.push(x);
        rows.push(rowAt(ctx, i));
      }
    }
    if (items.length > 0x7fffffff) fail(ctx, i, 'more than 2^31 nested values; write smaller batches');
    offsets[i + 1] = items.length;
  }
  const rowOf = Int32Array.from(rows);
  const arrow = icebergToArrowType(type);
  let child: Data;
  if (type.type === 'list') {
    child = buildData(type.element, type.elementRequired, items, { path: `${ctx.path}.element`, rowOf });
  } else {
    const k = buildData(type.key, true, keys, { path: `${ctx.path}.key`, rowOf });
    const x = buildData(type.value, type.valueRequired, items, { path: `${ctx.path}.value`, rowOf });
    const entriesType = arrow.children[0]!.type as Struct;
    child = makeData({ type: entriesType, length: keys.length, nullCount: 0, children: [k, x] });
  }
  return makeData({ type: arrow, length: n, nullCount: validity.nulls, nullBitmap: validity.bitmap(), valueOffsets: offsets, child } as never);
}

/**
 * Build the Arrow `Data` of one column. Nulls (and `undefined`) are allowed
 * unless `required`. Throws ValidationError naming the row and column of the
 * first value of the wrong type.
 */
export function buildData(type: IcebergType, required: boolean, values: ArrayLike<unknown>, ctx: BuildContext): Data {
  if (isPrimitive(type)) return buildPrimitive(type, required, values, ctx);
  switch (type.type) {
    case 'struct':
      return buildStruct(type, required, values, ctx);
    case 'list':
    case 'map':
      return buildCollection(type, required, values, ctx);
    default:
      throw new ValidationError(`column ${JSON.stringify(ctx.path)}: ${typeToString(type)} values cannot be converted to Arrow yet; leave the column out`);
  }
}

/** The Arrow struct `Data` of whole rows for a struct type (the top level of a batch). */
export function buildRowsData(type: StructType, rows: ArrayLike<unknown>, arrow: Struct): Data<Struct> {
  return buildStruct(type, true, rows, { path: '' }, arrow) as Data<Struct>;
}
