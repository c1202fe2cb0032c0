/**
 * Split a record batch into one batch per partition by a stable counting
 * sort: each column is read once, in order, and every row is written to its
 * place in one new buffer per column where each group's rows are contiguous;
 * each group's batch is then a zero-copy slice of the sorted columns. The
 * reads are sequential and each group's writes are sequential, so the split
 * is bound by memory bandwidth rather than latency. Gathering a group's rows
 * instead ("take" with each group's row indexes) reads every column at
 * scattered positions once per group, which is what made splitting a batch of
 * many partitions slow; and one buffer per column (not one per group and
 * column) keeps the allocations to a handful per batch.
 *
 * Covers flat columns: fixed-width numbers, temporals and decimals,
 * fixed-size binary, booleans, strings and binaries with 32-bit offsets, and
 * dictionary-encoded columns (their keys are sorted; the dictionary is
 * shared). A batch with any other column (nested, 64-bit offsets) gives
 * `undefined`, and the caller splits it another way.
 */
import { Data, RecordBatch, Struct, Type, makeData, type DataType } from 'apache-arrow';

/**
 * One batch per group: `group[i]` is the group of row `i` (0 ≤ group < counts.length)
 * and `counts[g]` the number of rows of group `g`. Rows keep their order within a group.
 * The groups' batches are slices of one sorted copy of the batch (they share its buffers).
 * Returns undefined when a column's type is not covered (see the module comment).
 */
export function scatterBatch(batch: RecordBatch, group: Int32Array, counts: Int32Array): RecordBatch[] | undefined {
  const columns = batch.data.children;
  if (!columns.every(scatterable)) return undefined;
  const groups = counts.length;
  const n = group.length;
  // dest[i]: the place of row i once the rows are sorted by group (stable).
  const starts = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) starts[g + 1] = starts[g]! + counts[g]!;
  const cursor = starts.slice(0, groups);
  const dest = new Int32Array(n);
  for (let i = 0; i < n; i++) dest[i] = cursor[group[i]!]!++;
  const sorted = columns.map((c) => sortData(c, dest));
  const type = new Struct(batch.schema.fields);
  const out: RecordBatch[] = [];
  for (let g = 0; g < groups; g++) {
    const children = sorted.map((d) => d.slice(starts[g]!, counts[g]!));
    out.push(new RecordBatch(batch.schema, makeData({ type, length: counts[g]!, nullCount: 0, children })));
  }
  return out;
}

/** Whether {@link scatterBatch} covers a column of this data's type. */
function scatterable(d: Data): boolean {
  const t = d.type as DataType;
  switch (t.typeId) {
    case Type.Bool:
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.FixedSizeBinary:
      return d.values !== undefined && d.values !== null;
    case Type.Utf8:
    case Type.Binary:
      return d.valueOffsets instanceof Int32Array;
    case Type.Dictionary:
      return ArrayBuffer.isView(d.values) && !(d.values instanceof BigInt64Array) && !(d.values instanceof BigUint64Array);
    default:
      return false;
  }
}

/** The column with its rows in `dest` order. */
function sortData(d: Data, dest: Int32Array): Data {
  const t = d.type as DataType;
  const n = dest.length;
  const nullCount = d.nullCount;
  const bitmap = d.nullBitmap;
  const validity = nullCount === 0 || bitmap === undefined || bitmap === null || bitmap.length === 0 ? undefined : sortBits(bitmap, d.offset, dest);
  const base = { type: t, length: n, nullCount, ...(validity === undefined ? {} : { nullBitmap: validity }) };
  switch (t.typeId) {
    case Type.Bool:
      return makeData({ ...base, data: sortBits(d.values as Uint8Array, d.offset, dest) } as never) as Data;
    case Type.Utf8:
    case Type.Binary: {
      const { offsets, data } = sortVarBinary(d.valueOffsets as Int32Array, d.values as Uint8Array, dest);
      return makeData({ ...base, valueOffsets: offsets, data } as never) as Data;
    }
    case Type.Dictionary: {
      const keys = d.values as ArrayBufferView & { length: number; constructor: new (n: number) => ArrayBufferView };
      return makeData({ ...base, data: sortFixed(keys, keys.byteLength / Math.max(1, keys.length), dest), dictionary: d.dictionary } as never) as Data;
    }
    default: {
      const values = d.values as ArrayBufferView & { length: number; constructor: new (n: number) => ArrayBufferView };
      const rowBytes = (values.byteLength / Math.max(1, values.length)) * d.stride;
      return makeData({ ...base, data: sortFixed(values, rowBytes, dest) } as never) as Data;
    }
  }
}

/** Bits `offset + i` of `bits`, moved to bit `dest[i]` of a new bitmap. */
function sortBits(bits: Uint8Array, offset: number, dest: Int32Array): Uint8Array {
  const out = new Uint8Array((dest.length + 7) >> 3);
  for (let i = 0; i < dest.length; i++) {
    const j = offset + i;
    if ((bits[j >> 3]! >> (j & 7)) & 1) {
      const k = dest[i]!;
      out[k >> 3] = out[k >> 3]! | (1 << (k & 7));
    }
  }
  return out;
}

/**
 * Fixed-width rows of `rowBytes` bytes each. Whole 32-bit words where the
 * layout allows (so 64-bit and decimal values never become BigInts or
 * doubles, whose NaN payloads could change); bytes otherwise.
 */
function sortFixed(values: ArrayBufferView & { constructor: new (n: number) => ArrayBufferView }, rowBytes: number, dest: Int32Array): ArrayBufferView {
  const n = dest.length;
  const perElement = (values as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const out = new values.constructor((n * rowBytes) / perElement);
  if (rowBytes % 4 === 0 && values.byteOffset % 4 === 0) {
    sortWords(new Uint32Array(values.buffer, values.byteOffset, (n * rowBytes) >> 2), new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2), rowBytes >> 2, dest);
  } else {
    const src = new Uint8Array(values.buffer, values.byteOffset, n * rowBytes);
    const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < n; i++) {
      const o = dest[i]! * rowBytes;
      for (let b = 0; b < rowBytes; b++) dst[o + b] = src[i * rowBytes + b]!;
    }
  }
  return out;
}

/** The usual widths (1, 2 and 4 words) get straight-line loops. */
function sortWords(src: Uint32Array, dst: Uint32Array, unit: number, dest: Int32Array): void {
  const n = dest.length;
  if (unit === 1) {
    for (let i = 0; i < n; i++) dst[dest[i]!] = src[i]!;
  } else if (unit === 2) {
    for (let i = 0; i < n; i++) {
      const o = 2 * dest[i]!;
      dst[o] = src[2 * i]!;
      dst[o + 1] = src[2 * i + 1]!;
    }
  } else if (unit === 4) {
    for (let i = 0; i < n; i++) {
      const o = 4 * dest[i]!;
      const s = 4 * i;
      dst[o] = src[s]!;
      dst[o + 1] = src[s + 1]!;
      dst[o + 2] = src[s + 2]!;
      dst[o + 3] = src[s + 3]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = unit * dest[i]!;
      for (let w = 0; w < unit; w++) dst[o + w] = src[i * unit + w]!;
    }
  }
}

/** Strings and binaries: offsets (from 0) and bytes with the rows in `dest` order. */
function sortVarBinary(offsets: Int32Array, data: Uint8Array, dest: Int32Array): { offsets: Int32Array; data: Uint8Array } {
  const n = dest.length;
  const out = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) out[dest[i]! + 1] = offsets[i + 1]! - offsets[i]!;
  for (let k = 0; k < n; k++) out[k + 1] = out[k + 1]! + out[k]!;
  const bytes = new Uint8Array(out[n]!);
  // Whole words through DataViews (unaligned), then the last 0–3 bytes one by one:
  // never past a value's end, since a group's last value is followed by another
  // group's first, which may be copied already.
  const src = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dst = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const a = offsets[i]!;
    const b = offsets[i + 1]!;
    let p = out[dest[i]!]!;
    let j = a;
    for (; j + 4 <= b; j += 4, p += 4) dst.setUint32(p, src.getUint32(j, true), true);
    for (; j < b; j++, p++) bytes[p] = data[j]!;
  }
  return { offsets: out, data: bytes };
}
