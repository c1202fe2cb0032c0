/**
 * Indexing follows apache-arrow's slicing: a sliced Data keeps `offset` for
 * its null bitmap and boolean bits, while value, offset and dictionary-key
 * buffers (and struct / fixed-size-list children) are already sliced.
 *
 * Gather rows of Arrow data by index ("take"), for every Arrow type lakekit
 * writes: fixed-width numbers and temporals, decimals, booleans, strings and
 * binaries (32- and 64-bit offsets), fixed-size binary, dictionaries, lists,
 * fixed-size lists, maps and structs. apache-arrow has no take kernel; the
 * partitioned writer needs one to split a batch into one batch per partition
 * without going through JavaScript row objects.
 */
import { Data, RecordBatch, Type, makeData, type DataType } from 'apache-arrow';
import type { TypeMap } from 'apache-arrow';

function isValid(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return true;
  const j = data.offset + i;
  return ((bitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

function takeBitmap(data: Data, indices: Uint32Array): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (data.nullCount === 0) return { nullBitmap: undefined, nullCount: 0 };
  const out = new Uint8Array((indices.length + 7) >> 3);
  let nulls = 0;
  for (let k = 0; k < indices.length; k++) {
    if (isValid(data, indices[k]!)) out[k >> 3]! |= 1 << (k & 7);
    else nulls++;
  }
  return { nullBitmap: out, nullCount: nulls };
}

function takeBits(bits: Uint8Array, offset: number, indices: Uint32Array): Uint8Array {
  const out = new Uint8Array((indices.length + 7) >> 3);
  for (let k = 0; k < indices.length; k++) {
    const j = offset + indices[k]!;
    if ((bits[j >> 3]! >> (j & 7)) & 1) out[k >> 3]! |= 1 << (k & 7);
  }
  return out;
}

type Offsets = Int32Array | BigInt64Array;

/** Gather variable-length values (strings, binaries): new offsets plus the copied bytes. */
function takeVarBinary(data: Data, indices: Uint32Array): { valueOffsets: Offsets; data: Uint8Array } {
  const offsets = data.valueOffsets as Offsets;
  const values = data.values as Uint8Array;
  if (offsets instanceof Int32Array) return takeVarBinary32(offsets, values, indices);
  const start = (i: number) => Number(offsets[i]!);
  let total = 0;
  for (let k = 0; k < indices.length; k++) total += start(indices[k]! + 1) - start(indices[k]!);
  const outOffsets = new BigInt64Array(indices.length + 1);
  const out = new Uint8Array(total);
  let pos = 0;
  for (let k = 0; k < indices.length; k++) {
    const a = start(indices[k]!);
    const b = start(indices[k]! + 1);
    out.set(values.subarray(a, b), pos);
    pos += b - a;
    outOffsets[k + 1] = BigInt(pos);
  }
  return { valueOffsets: outOffsets, data: out };
}

/** The common case (32-bit offsets), kept monomorphic: no closures, no per-row objects. */
function takeVarBinary32(offsets: Int32Array, values: Uint8Array, indices: Uint32Array): { valueOffsets: Int32Array; data: Uint8Array } {
  const n = indices.length;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    total += offsets[i + 1]! - offsets[i]!;
  }
  const outOffsets = new Int32Array(n + 1);
  const out = new Uint8Array(total);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    const a = offsets[i]!;
    const b = offsets[i + 1]!;
    // Short values are copied byte by byte: a subarray per row would make garbage for every string.
    if (b - a <= 32) for (let j = a; j < b; j++) out[pos++] = values[j]!;
    else {
      out.set(values.subarray(a, b), pos);
      pos += b - a;
    }
    outOffsets[k + 1] = pos;
  }
  return { valueOffsets: outOffsets, data: out };
}

/** Gather list-like children: new offsets and the child indices to take. */
function takeListOffsets(data: Data, indices: Uint32Array): { valueOffsets: Offsets; childIndices: Uint32Array } {
  const offsets = data.valueOffsets as Offsets;
  const big = offsets instanceof BigInt64Array;
  const at = (i: number) => Number(offsets[i]!);
  let total = 0;
  for (let k = 0; k < indices.length; k++) total += at(indices[k]! + 1) - at(indices[k]!);
  const outOffsets = big ? new BigInt64Array(indices.length + 1) : new Int32Array(indices.length + 1);
  const childIndices = new Uint32Array(total);
  let pos = 0;
  for (let k = 0; k < indices.length; k++) {
    for (let c = at(indices[k]!); c < at(indices[k]! + 1); c++) childIndices[pos++] = c;
    if (big) (outOffsets as BigInt64Array)[k + 1] = BigInt(pos);
    else (outOffsets as Int32Array)[k + 1] = pos;
  }
  return { valueOffsets: outOffsets, childIndices };
}

/** A copy of `data` holding the rows at `indices`, in that order. */
export function takeData<T extends DataType>(data: Data<T>, indices: Uint32Array): Data<T> {
  checkIndices(data.length, indices);
  return takeChecked(data, indices);
}

function checkIndices(rows: number, indices: Uint32Array): void {
  let max = -1;
  for (let k = 0; k < indices.length; k++) if (indices[k]! > max) max = indices[k]!;
  if (max >= rows) throw new RangeError(`row index ${max} is out of range for ${rows} rows`);
}

/** {@link takeData} once the indices are known to be in range (struct children have the parent's length). */
function takeChecked<T extends DataType>(data: Data<T>, indices: Uint32Array): Data<T> {
  const type = data.type as DataType;
  const length = indices.length;
  const { nullBitmap, nullCount } = takeBitmap(data, indices);
  const base = { type, length, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }) };
  switch (type.typeId) {
    case Type.Null:
      return makeData({ type, length, nullCount: length } as never) as Data<T>;
    case Type.Bool:
      return makeData({ ...base, data: takeBits(data.values as Uint8Array, data.offset, indices) } as never) as Data<T>;
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary: {
      const taken = takeVarBinary(data, indices);
      return makeData({ ...base, valueOffsets: taken.valueOffsets, data: taken.data } as never) as Data<T>;
    }
    case Type.Dictionary: {
      const keys = data.values as ArrayLike<number> & { constructor: new (n: number) => ArrayLike<number> & Record<number, number> };
      const out = new keys.constructor(length);
      if (keys instanceof Int32Array || keys instanceof Uint32Array) {
        gatherWords(new Uint32Array(keys.buffer, keys.byteOffset, keys.length), new Uint32Array((out as Int32Array).buffer), indices, 1);
      } else for (let k = 0; k < length; k++) out[k] = keys[indices[k]!]!;
      return makeData({ ...base, data: out, dictionary: data.dictionary } as never) as Data<T>;
    }
    case Type.List:
    case Type.Map: {
      const { valueOffsets, childIndices } = takeListOffsets(data, indices);
      const child = takeChecked(data.children[0]!, childIndices);
      return makeData({ ...base, valueOffsets, child } as never) as Data<T>;
    }
    case Type.FixedSizeList: {
      const size = (type as unknown as { listSize: number }).listSize;
      const childIndices = new Uint32Array(length * size);
      for (let k = 0; k < length; k++) for (let c = 0; c < size; c++) childIndices[k * size + c] = indices[k]! * size + c;
      return makeData({ ...base, child: takeChecked(data.children[0]!, childIndices) } as never) as Data<T>;
    }
    case Type.Struct:
      return makeData({ ...base, children: data.children.map((c) => takeChecked(c, indices)) } as never) as Data<T>;
    default: {
      // Fixed-width: numbers, temporals, decimals, fixed-size binary, intervals.
      // Copied as 32-bit words where possible, so 64-bit values never become BigInt objects.
      const values = data.values as unknown as ArrayBufferView & { length: number; constructor: new (n: number) => ArrayBufferView };
      const stride = data.stride;
      const out = new values.constructor(length * stride);
      const rowBytes = (values.byteLength / Math.max(1, values.length)) * stride;
      const wordAligned = rowBytes % 4 === 0 && values.byteOffset % 4 === 0;
      const src = wordAligned ? new Uint32Array(values.buffer, values.byteOffset, values.byteLength / 4) : new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const dst = wordAligned ? new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4) : new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      const unit = wordAligned ? rowBytes / 4 : rowBytes;
      if (wordAligned) gatherWords(src as Uint32Array, dst as Uint32Array, indices, unit);
      else gatherBytes(src as Uint8Array, dst as Uint8Array, indices, unit);
      return makeData({ ...base, data: out } as never) as Data<T>;
    }
  }
}

/** The rows of a record batch at `indices`, in that order. */
export function takeRows<T extends TypeMap>(batch: RecordBatch<T>, indices: Uint32Array): RecordBatch<T> {
  const struct = takeData(batch.data, indices);
  return new RecordBatch(batch.schema, struct);
}

/** Copy `unit` 32-bit words per row; the usual widths get straight-line loops. */
function gatherWords(src: Uint32Array, dst: Uint32Array, indices: Uint32Array, unit: number): void {
  const n = indices.length;
  if (unit === 1) {
    for (let k = 0; k < n; k++) dst[k] = src[indices[k]!]!;
  } else if (unit === 2) {
    for (let k = 0; k < n; k++) {
      const f = indices[k]! * 2;
      dst[2 * k] = src[f]!;
      dst[2 * k + 1] = src[f + 1]!;
    }
  } else if (unit === 4) {
    for (let k = 0; k < n; k++) {
      const f = indices[k]! * 4;
      const t = 4 * k;
      dst[t] = src[f]!;
      dst[t + 1] = src[f + 1]!;
      dst[t + 2] = src[f + 2]!;
      dst[t + 3] = src[f + 3]!;
    }
  } else {
    for (let k = 0; k < n; k++) {
      const f = indices[k]! * unit;
      for (let j = 0; j < unit; j++) dst[k * unit + j] = src[f + j]!;
    }
  }
}

function gatherBytes(src: Uint8Array, dst: Uint8Array, indices: Uint32Array, unit: number): void {
  for (let k = 0; k < indices.length; k++) {
    const f = indices[k]! * unit;
    for (let j = 0; j < unit; j++) dst[k * unit + j] = src[f + j]!;
  }
}
