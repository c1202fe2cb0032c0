/**
 * Split a record batch into one batch per partition by scattering: each
 * column is read once, in order, and every row is appended to its group's
 * output. The reads are sequential and each group's writes are sequential,
 * so the split is bound by memory bandwidth rather than latency. Gathering a
 * group's rows instead ("take" with each group's row indexes) reads every
 * column at scattered positions once per group, which is what made splitting
 * a batch of many partitions slow.
 *
 * Covers flat columns: fixed-width numbers, temporals and decimals,
 * fixed-size binary, booleans, strings and binaries with 32-bit offsets, and
 * dictionary-encoded columns (their keys are scattered; the dictionary is
 * shared). A batch with any other column (nested, 64-bit offsets) gives
 * `undefined`, and the caller splits it another way.
 */
import { Data, RecordBatch, Struct, Type, makeData, type DataType } from 'apache-arrow';

/**
 * One batch per group: `group[i]` is the group of row `i` (0 ≤ group < counts.length)
 * and `counts[g]` the number of rows of group `g`. Rows keep their order within a group.
 * Returns undefined when a column's type is not covered (see the module comment).
 */
export function scatterBatch(batch: RecordBatch, group: Int32Array, counts: Int32Array): RecordBatch[] | undefined {
  const columns = batch.data.children;
  if (!columns.every(scatterable)) return undefined;
  const groups = counts.length;
  const scattered = columns.map((c) => scatterData(c, group, counts));
  const out: RecordBatch[] = [];
  for (let g = 0; g < groups; g++) {
    const children = scattered.map((parts) => parts[g]!);
    const struct = makeData({ type: new Struct(batch.schema.fields), length: counts[g]!, nullCount: 0, children });
    out.push(new RecordBatch(batch.schema, struct));
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

function scatterData(d: Data, group: Int32Array, counts: Int32Array): Data[] {
  const t = d.type as DataType;
  const { bitmaps, nullCounts } = scatterValidity(d, group, counts);
  const base = (g: number) => ({ type: t, length: counts[g]!, nullCount: nullCounts[g]!, ...(bitmaps === undefined ? {} : { nullBitmap: bitmaps[g] }) });
  switch (t.typeId) {
    case Type.Bool: {
      const bits = scatterBits(d.values as Uint8Array, d.offset, group, counts);
      return bits.map((b, g) => makeData({ ...base(g), data: b } as never) as Data);
    }
    case Type.Utf8:
    case Type.Binary: {
      const parts = scatterVarBinary(d.valueOffsets as Int32Array, d.values as Uint8Array, group, counts);
      return parts.map((p, g) => makeData({ ...base(g), valueOffsets: p.offsets, data: p.data } as never) as Data);
    }
    case Type.Dictionary: {
      const keys = d.values as ArrayBufferView & { length: number; constructor: new (n: number) => ArrayBufferView };
      const out = scatterFixed(keys, keys.byteLength / Math.max(1, keys.length), group, counts);
      return out.map((o, g) => makeData({ ...base(g), data: o, dictionary: d.dictionary } as never) as Data);
    }
    default: {
      const values = d.values as ArrayBufferView & { length: number; constructor: new (n: number) => ArrayBufferView };
      const rowBytes = (values.byteLength / Math.max(1, values.length)) * d.stride;
      const out = scatterFixed(values, rowBytes, group, counts);
      return out.map((o, g) => makeData({ ...base(g), data: o } as never) as Data);
    }
  }
}

/** Each group's validity bitmap and null count (no bitmaps when the column has no nulls). */
function scatterValidity(d: Data, group: Int32Array, counts: Int32Array): { bitmaps: Uint8Array[] | undefined; nullCounts: Int32Array } {
  const nullCounts = new Int32Array(counts.length);
  const bitmap = d.nullBitmap;
  if (d.nullCount === 0 || bitmap === undefined || bitmap === null || bitmap.length === 0) return { bitmaps: undefined, nullCounts };
  const bitmaps = scatterBits(bitmap, d.offset, group, counts);
  for (let i = 0; i < group.length; i++) {
    const j = d.offset + i;
    if (((bitmap[j >> 3]! >> (j & 7)) & 1) === 0) nullCounts[group[i]!]!++;
  }
  return { bitmaps, nullCounts };
}

function scatterBits(bits: Uint8Array, offset: number, group: Int32Array, counts: Int32Array): Uint8Array[] {
  const out = Array.from(counts, (c) => new Uint8Array((c + 7) >> 3));
  const pos = new Int32Array(counts.length);
  for (let i = 0; i < group.length; i++) {
    const g = group[i]!;
    const j = offset + i;
    const k = pos[g]!++;
    if ((bits[j >> 3]! >> (j & 7)) & 1) out[g]![k >> 3]! |= 1 << (k & 7);
  }
  return out;
}

/**
 * Fixed-width rows of `rowBytes` bytes each. Whole 32-bit words where the
 * layout allows (so 64-bit and decimal values never become BigInts or
 * doubles, whose NaN payloads could change); bytes otherwise.
 */
function scatterFixed(values: ArrayBufferView & { constructor: new (n: number) => ArrayBufferView }, rowBytes: number, group: Int32Array, counts: Int32Array): ArrayBufferView[] {
  const perElement = (values as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  const out = Array.from(counts, (c) => new values.constructor((c * rowBytes) / perElement));
  const n = group.length;
  if (rowBytes % 4 === 0 && values.byteOffset % 4 === 0) {
    const src = new Uint32Array(values.buffer, values.byteOffset, (n * rowBytes) >> 2);
    const dst = out.map((o) => new Uint32Array(o.buffer, o.byteOffset, o.byteLength >> 2));
    scatterWords(src, dst, rowBytes >> 2, group, counts.length);
  } else {
    const src = new Uint8Array(values.buffer, values.byteOffset, n * rowBytes);
    const dst = out.map((o) => new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
    const pos = new Int32Array(counts.length);
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      const o = pos[g]!;
      const d = dst[g]!;
      for (let b = 0; b < rowBytes; b++) d[o + b] = src[i * rowBytes + b]!;
      pos[g] = o + rowBytes;
    }
  }
  return out;
}

/** The usual widths (1, 2 and 4 words) get straight-line loops. */
function scatterWords(src: Uint32Array, dst: Uint32Array[], unit: number, group: Int32Array, groups: number): void {
  const pos = new Int32Array(groups);
  const n = group.length;
  if (unit === 1) {
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      dst[g]![pos[g]!++] = src[i]!;
    }
  } else if (unit === 2) {
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      const o = pos[g]!;
      const d = dst[g]!;
      d[o] = src[2 * i]!;
      d[o + 1] = src[2 * i + 1]!;
      pos[g] = o + 2;
    }
  } else if (unit === 4) {
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      const o = pos[g]!;
      const d = dst[g]!;
      const s = 4 * i;
      d[o] = src[s]!;
      d[o + 1] = src[s + 1]!;
      d[o + 2] = src[s + 2]!;
      d[o + 3] = src[s + 3]!;
      pos[g] = o + 4;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      const o = pos[g]!;
      const d = dst[g]!;
      for (let w = 0; w < unit; w++) d[o + w] = src[i * unit + w]!;
      pos[g] = o + unit;
    }
  }
}

/** Strings and binaries: per-group offsets (from 0) and bytes. */
function scatterVarBinary(offsets: Int32Array, data: Uint8Array, group: Int32Array, counts: Int32Array): { offsets: Int32Array; data: Uint8Array }[] {
  const groups = counts.length;
  const n = group.length;
  const bytes = new Float64Array(groups);
  for (let i = 0; i < n; i++) bytes[group[i]!]! += offsets[i + 1]! - offsets[i]!;
  const outOffsets = Array.from(counts, (c) => new Int32Array(c + 1));
  const outData = Array.from(bytes, (b) => new Uint8Array(b));
  const row = new Int32Array(groups);
  const at = new Int32Array(groups);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    const a = offsets[i]!;
    const b = offsets[i + 1]!;
    let p = at[g]!;
    const d = outData[g]!;
    // Short values byte by byte: a subarray per row would make garbage for every string.
    if (b - a <= 32) for (let j = a; j < b; j++) d[p++] = data[j]!;
    else {
      d.set(data.subarray(a, b), p);
      p += b - a;
    }
    at[g] = p;
    outOffsets[g]![++row[g]!] = p;
  }
  return outOffsets.map((o, g) => ({ offsets: o, data: outData[g]! }));
}
