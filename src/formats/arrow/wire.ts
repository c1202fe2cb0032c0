/**
 * A record batch as plain data for `postMessage`: column types as small
 * descriptors, buffers as typed arrays. Whole buffers the caller owns move
 * without a copy (they go in the transfer list); anything else is copied to
 * exactly its view, so a slice of a large buffer never drags the rest along.
 *
 * Covers flat columns (what a partitioned write hands to worker threads):
 * booleans, integers, floats, decimals, dates, times, timestamps, fixed-size
 * binary, strings and binaries with 32-bit offsets, and dictionary-encoded
 * strings or binaries. {@link batchToWire} returns undefined for anything else.
 */
import {
  Binary,
  Bool,
  DataType,
  Date_,
  Decimal,
  Dictionary,
  Field,
  FixedSizeBinary,
  Float,
  Int,
  RecordBatch,
  Schema,
  Struct,
  Time,
  Timestamp,
  Type,
  Utf8,
  makeData,
  makeVector,
  type Data,
} from 'apache-arrow';
import { ValidationError } from '../../errors.js';

/** A column type that crosses the wire. */
export type WireType =
  | { readonly id: 'bool' }
  | { readonly id: 'int'; readonly signed: boolean; readonly bits: number }
  | { readonly id: 'float'; readonly precision: number }
  | { readonly id: 'decimal'; readonly precision: number; readonly scale: number; readonly bits: number }
  | { readonly id: 'date'; readonly unit: number }
  | { readonly id: 'time'; readonly unit: number; readonly bits: number }
  | { readonly id: 'timestamp'; readonly unit: number; readonly timezone: string | null }
  | { readonly id: 'fixed'; readonly width: number }
  | { readonly id: 'utf8' }
  | { readonly id: 'binary' }
  | { readonly id: 'dict'; readonly keys: WireType; readonly value: WireType };

/** One column: its type, rows, validity (bit 0 = row 0) and buffers. */
export interface WireColumn {
  readonly name: string;
  readonly nullable: boolean;
  readonly type: WireType;
  readonly length: number;
  readonly nullCount: number;
  readonly validity: Uint8Array | null;
  /** Fixed-width values, bits for booleans, bytes for strings, keys for dictionaries. */
  readonly values: ArrayBufferView;
  readonly offsets: Int32Array | null;
  /** The dictionary of a dictionary-encoded column (its own `values`/`offsets`). */
  readonly dictionary: { readonly values: Uint8Array; readonly offsets: Int32Array } | null;
}

/** A record batch on the wire. */
export interface WireBatch {
  readonly rows: number;
  readonly columns: readonly WireColumn[];
}

function typeOf(t: DataType): WireType | undefined {
  switch (t.typeId) {
    case Type.Bool:
      return { id: 'bool' };
    case Type.Int: {
      const i = t as Int;
      return { id: 'int', signed: i.isSigned, bits: i.bitWidth };
    }
    case Type.Float:
      return { id: 'float', precision: (t as Float).precision };
    case Type.Decimal: {
      const d = t as Decimal;
      return { id: 'decimal', precision: d.precision, scale: d.scale, bits: d.bitWidth };
    }
    case Type.Date:
      return { id: 'date', unit: (t as Date_).unit };
    case Type.Time: {
      const x = t as Time;
      return { id: 'time', unit: x.unit, bits: x.bitWidth };
    }
    case Type.Timestamp: {
      const x = t as Timestamp;
      return { id: 'timestamp', unit: x.unit, timezone: x.timezone ?? null };
    }
    case Type.FixedSizeBinary:
      return { id: 'fixed', width: (t as FixedSizeBinary).byteWidth };
    case Type.Utf8:
      return { id: 'utf8' };
    case Type.Binary:
      return { id: 'binary' };
    case Type.Dictionary: {
      const d = t as Dictionary;
      const keys = typeOf(d.indices);
      const value = typeOf(d.dictionary);
      if (keys?.id !== 'int' || keys.bits > 32 || (value?.id !== 'utf8' && value?.id !== 'binary')) return undefined;
      return { id: 'dict', keys, value };
    }
    default:
      return undefined;
  }
}

function arrowType(w: WireType): DataType {
  switch (w.id) {
    case 'bool':
      return new Bool();
    case 'int':
      return new Int(w.signed, w.bits as 8 | 16 | 32 | 64);
    case 'float':
      return new Float(w.precision);
    case 'decimal':
      return new Decimal(w.scale, w.precision, w.bits);
    case 'date':
      return new Date_(w.unit);
    case 'time':
      return new Time(w.unit, w.bits as 32 | 64);
    case 'timestamp':
      return new Timestamp(w.unit, w.timezone);
    case 'fixed':
      return new FixedSizeBinary(w.width);
    case 'utf8':
      return new Utf8();
    case 'binary':
      return new Binary();
    case 'dict':
      return new Dictionary(arrowType(w.value), arrowType(w.keys) as never);
  }
}

/** Validity bits of `d` starting at bit 0 (repacked when the data is a slice), or null without nulls. */
function validityOf(d: Data): Uint8Array | null {
  const bm = d.nullBitmap;
  if (d.nullCount === 0 || bm === undefined || bm === null || bm.length === 0) return null;
  return bitsFrom(bm, d.offset, d.length);
}

function bitsFrom(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const bytes = (length + 7) >> 3;
  if (offset % 8 === 0) return bits.subarray(offset >> 3, (offset >> 3) + bytes);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < length; i++) {
    const j = offset + i;
    if ((bits[j >> 3]! >> (j & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** Rebase 32-bit offsets to start at 0 (a slice's offsets point into the whole buffer). */
function rebased(offsets: Int32Array, length: number): Int32Array {
  const view = offsets.subarray(0, length + 1);
  const base = view[0]!;
  if (base === 0) return view;
  const out = new Int32Array(length + 1);
  for (let i = 0; i <= length; i++) out[i] = view[i]! - base;
  return out;
}

/** Whether every column of `batch` can cross the wire (see the module comment). */
export function wireable(batch: RecordBatch): boolean {
  return batch.data.children.every((d) => {
    const t = typeOf(d.type as DataType);
    if (t === undefined) return false;
    if (t.id === 'utf8' || t.id === 'binary') return d.valueOffsets instanceof Int32Array;
    if (t.id === 'dict') {
      const dict = (d.dictionary as unknown as { data: Data[] } | undefined)?.data;
      return dict !== undefined && dict.length === 1 && dict[0]!.valueOffsets instanceof Int32Array;
    }
    return true;
  });
}

/**
 * The batch on the wire, and the buffers to transfer, or undefined when a
 * column is not covered (see the module comment). With `owned`, buffers that
 * are whole and not shared between columns are transferred (the batch must
 * not be used afterwards); otherwise, and always for dictionaries (shared
 * between batches), the bytes are copied. With `owned` and `views`, views of
 * larger buffers move with their whole buffer instead of being copied: for
 * a producer whose batches own all of their buffers (a reader's fresh
 * buffers, sized ahead), at the price of sending unused capacity.
 */
export function batchToWire(batch: RecordBatch, owned: boolean, options: { views?: boolean } = {}): { batch: WireBatch; transfer: ArrayBuffer[] } | undefined {
  const transfer = new Set<ArrayBuffer>();
  const seen = new Set<ArrayBufferLike>();
  const columns: WireColumn[] = [];
  // Each buffer either moves (whole, owned, used once) or is copied to its view.
  // With `views`, a view of a larger buffer moves too, buffer and all (postMessage keeps a view's offset and length).
  const pass = <T extends ArrayBufferView>(v: T, movable: boolean): T => {
    const buf = v.buffer;
    const whole = (options.views === true || (v.byteOffset === 0 && v.byteLength === buf.byteLength)) && buf instanceof ArrayBuffer;
    if (owned && movable && whole && !seen.has(buf)) {
      seen.add(buf);
      transfer.add(buf as ArrayBuffer);
      return v;
    }
    seen.add(buf);
    return (v as unknown as { slice(): T }).slice();
  };
  const fields = batch.schema.fields;
  for (let c = 0; c < fields.length; c++) {
    const d = batch.data.children[c]!;
    const type = typeOf(d.type as DataType);
    if (type === undefined) return undefined;
    const validity = validityOf(d);
    let values: ArrayBufferView;
    let offsets: Int32Array | null = null;
    let dictionary: WireColumn['dictionary'] = null;
    if (type.id === 'bool') values = bitsFrom(d.values as Uint8Array, d.offset, d.length);
    else if (type.id === 'utf8' || type.id === 'binary') {
      if (!(d.valueOffsets instanceof Int32Array)) return undefined;
      const raw = d.valueOffsets.subarray(0, d.length + 1);
      const start = raw[0] ?? 0;
      const end = raw[d.length] ?? 0;
      offsets = rebased(d.valueOffsets, d.length);
      values = (d.values as Uint8Array).subarray(start, end);
    } else if (type.id === 'dict') {
      const dict = (d.dictionary as unknown as { data: Data[] } | undefined)?.data;
      if (dict === undefined || dict.length !== 1 || !(dict[0]!.valueOffsets instanceof Int32Array)) return undefined;
      const dd = dict[0]!;
      const dOffsets = dd.valueOffsets as Int32Array;
      dictionary = {
        offsets: rebased(dOffsets, dd.length).slice(),
        values: (dd.values as Uint8Array).slice(dOffsets[0]!, dOffsets[dd.length]!),
      };
      values = (d.values as ArrayBufferView & { subarray(a: number, b: number): ArrayBufferView }).subarray(0, d.length);
    } else {
      const v = d.values as ArrayBufferView & { subarray(a: number, b: number): ArrayBufferView };
      values = v.subarray(0, d.length * d.stride);
    }
    columns.push({
      name: fields[c]!.name,
      nullable: fields[c]!.nullable,
      type,
      length: d.length,
      nullCount: validity === null ? 0 : d.nullCount,
      validity: validity === null ? null : pass(validity, true),
      values: pass(values, true),
      offsets: offsets === null ? null : pass(offsets, true),
      dictionary,
    });
  }
  return { batch: { rows: batch.numRows, columns }, transfer: [...transfer] };
}

/**
 * The batch with every buffer copied into one of its own, exactly its size:
 * a batch that shares buffers with others (slices of one larger batch) made
 * safe to move to another thread. Undefined when a column is not covered.
 */
export function batchWithOwnBuffers(batch: RecordBatch): RecordBatch | undefined {
  const wire = batchToWire(batch, false);
  return wire === undefined ? undefined : batchFromWire(wire.batch);
}

/** Rebuild a record batch from {@link batchToWire}'s output. Throws ValidationError when the buffers do not fit the types. */
export function batchFromWire(w: WireBatch): RecordBatch {
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const c of w.columns) {
    const type = arrowType(c.type);
    if (c.length !== w.rows) throw new ValidationError(`column ${c.name} has ${c.length} rows in a batch of ${w.rows}`);
    const base = { type, length: c.length, nullCount: c.nullCount, ...(c.validity === null ? {} : { nullBitmap: c.validity }) };
    let data: Data;
    if (c.type.id === 'utf8' || c.type.id === 'binary') data = makeData({ ...base, valueOffsets: c.offsets, data: c.values } as never);
    else if (c.type.id === 'dict') {
      const valueType = arrowType(c.type.value);
      const dict = c.dictionary;
      if (dict === null) throw new ValidationError(`dictionary column ${c.name} arrived without its dictionary`);
      const vector = makeVector(makeData({ type: valueType, length: dict.offsets.length - 1, nullCount: 0, valueOffsets: dict.offsets, data: dict.values } as never));
      data = makeData({ ...base, data: c.values, dictionary: vector } as never);
    } else data = makeData({ ...base, data: c.values } as never);
    fields.push(new Field(c.name, type, c.nullable));
    children.push(data);
  }
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: w.rows, nullCount: 0, children }));
}
