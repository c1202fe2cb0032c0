/**
 * Typed column vectors the expression evaluator works on, and their
 * construction straight from Arrow buffers (no row objects).
 *
 * Numbers of every width, decimals, timestamps (as microseconds since the
 * epoch) and dates (as microseconds at midnight UTC) become `num` vectors;
 * strings `str`; booleans `bool`. Anything else (lists, structs, binaries)
 * becomes `str` of a JSON-ish rendering, so a rule over an odd column reports
 * instead of throwing.
 *
 * @module
 */
import { DataType, makeVector, Type, type Data, type Vector } from 'apache-arrow';

/** A numeric vector: `nul[i] === 1` marks a null. Vectors from Arrow share buffers: treat `v` and `nul` as read-only. */
export interface NumVec {
  t: 'num';
  v: Float64Array;
  nul: Uint8Array;
  /** The 64-bit integers `v` is made of, when it came from an Int64 or timestamp column: kernels read them without materialising `v`. */
  i64?: Int64Words;
  /** The 128-bit decimals `v` is made of, likewise. */
  dec?: Decimal128Words;
}

/** 128-bit decimals as four little-endian 32-bit words each; the value of slot `i` is {@link decimal128At}. */
export interface Decimal128Words {
  words: Uint32Array;
  scale: number;
  /**
   * The sum of every slot's value as a double, added in row order from 0,
   * once a kernel that read them all has it (set only for a column without
   * nulls whose values all lie within 0..2^64): a later mean or sum over the
   * same column takes it instead of a second pass.
   */
  sum?: number;
}

/** The number a 128-bit decimal slot holds, as `NumVec.v` has it: the words of values within ±2^64 directly, others through {@link int128At}. */
export function decimal128At(w: Uint32Array, scale: number, i: number): number {
  const b = i * 4;
  return ((w[b + 3]! | w[b + 2]!) === 0 ? w[b]! + w[b + 1]! * 4294967296 : int128At(w, i)) / scale;
}

/** 64-bit integers as (low, high) 32-bit word pairs; the value of slot `i` is `(hi * 2^32 + lo) * factor`. */
export interface Int64Words {
  words: Int32Array;
  factor: number;
}

/** The number {@link Int64Words} hold at slot `i` (exact up to 2^53, like Number()). */
export function int64At(words: Int32Array, factor: number, i: number): number {
  const x = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
  return factor === 1 ? x : x * factor;
}
/** A string vector: `null` marks a null. `raw` keeps the UTF-8 bytes when the vector came from Arrow, so lengths and set membership need no decoding. */
export interface StrVec {
  t: 'str';
  v: (string | null)[];
  raw?: RawStrings;
}

/** Arrow's UTF-8 layout of a string column, with its (lazily built, cached) dictionary. */
export interface RawStrings {
  bytes: Uint8Array;
  offsets: Int32Array;
  nul: Uint8Array;
  dictionary(): StringDictionary;
  /** Whether a sample suggests few distinct values (then per-distinct work beats per-row work). */
  lowCardinality(): boolean;
}

function rawStrings(bytes: Uint8Array, offsets: Int32Array, nul: Uint8Array): RawStrings {
  let dict: StringDictionary | undefined;
  let low: boolean | undefined;
  const raw: RawStrings = {
    bytes,
    offsets,
    nul,
    dictionary: () => (dict ??= dictionaryOf(raw)),
    lowCardinality: () => (low ??= sampleDistinct(raw) <= 64),
  };
  return raw;
}

/** Distinct strings of a column and each row's index into them (-1 for null). */
export interface StringDictionary {
  ids: Int32Array;
  values: string[];
}

/**
 * Dictionary-encodes UTF-8 strings by hashing their bytes (FNV-1a, open
 * addressing), so each distinct value is decoded once: rules over repetitive
 * columns (codes, currencies, merchants) test or count distinct values, not rows.
 */
export function dictionaryOf(raw: RawStrings): StringDictionary {
  const { bytes, offsets, nul } = raw;
  const n = nul.length;
  const t = new DistinctTable();
  const ids = new Int32Array(n);
  const checkNulls = !nullFree(nul);
  // In chunks: many short calls get the loop fully optimised early (a fresh process's first checks)
  // instead of leaning on on-stack replacement inside one long call.
  for (let from = 0; from < n; from += DICTIONARY_CHUNK) encodeRows(t, bytes, offsets, nul, checkNulls, from, Math.min(n, from + DICTIONARY_CHUNK), ids);
  const count = t.count;
  const firstRow = t.firstRow;
  const values: string[] = new Array<string>(count);
  for (let d = 0; d < count; d++) values[d] = utf8At(bytes, offsets[firstRow[d]!]!, offsets[firstRow[d]! + 1]!);
  return { ids, values };
}

/** Rows per call of {@link encodeRows}. */
const DICTIONARY_CHUNK = 1 << 16;

/** Gives rows `[from, to)` their distinct indices in `ids`, adding new values to `t`. */
function encodeRows(t: DistinctTable, bytes: Uint8Array, offsets: Int32Array, nul: Uint8Array, checkNulls: boolean, from: number, to: number, ids: Int32Array): void {
  // Strings of up to 3 bytes starting at or before `last3` are read as one 3-byte load.
  const last3 = bytes.length - 3;
  // Locals for the hot loop; refreshed after an insert (which may grow the arrays).
  let { slots, mask, firstRow } = t;
  let a = offsets[from]!;
  for (let i = from; i < to; i++) {
    const b = offsets[i + 1]!;
    if (checkNulls && nul[i] === 1) {
      ids[i] = -1;
      a = b;
      continue;
    }
    const len = b - a;
    // The tag identifies strings of up to 3 bytes exactly (bytes and length packed
    // under the sign bit); longer ones by an FNV-1a hash (sign bit clear), checked byte by byte.
    const tag = len <= 3 && a <= last3 ? 0x80000000 | (len << 24) | (((bytes[a]! << 16) | (bytes[a + 1]! << 8) | bytes[a + 2]!) >>> (24 - 8 * len)) : longTag(bytes, a, b);
    let slot = slotOf(tag) & mask;
    for (;;) {
      // A slot's tag and value index side by side: both come from one read of the slot.
      const d = slots[2 * slot + 1]! - 1;
      if (d < 0) {
        ids[i] = t.insert(i, tag, slot);
        ({ slots, mask, firstRow } = t);
        break;
      }
      if (slots[2 * slot] === tag && (tag < 0 || sameBytes(bytes, offsets, firstRow[d]!, a, len))) {
        ids[i] = d;
        break;
      }
      slot = (slot + 1) & mask;
    }
    a = b;
  }
}

/**
 * The tag of bytes `[a, b)` other than a string of ≤ 3 bytes read at once:
 * packed bytes when ≤ 3 (near the buffer's end), else an FNV-1a hash.
 */
function longTag(bytes: Uint8Array, a: number, b: number): number {
  const len = b - a;
  if (len <= 3) {
    let p = 0;
    for (let k = a; k < b; k++) p = (p << 8) | bytes[k]!;
    return 0x80000000 | (len << 24) | p;
  }
  let h = 0x811c9dc5;
  for (let k = a; k < b; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
  return h & 0x7fffffff;
}

/** Whether row `row`'s bytes equal the `len` bytes at `a`. */
function sameBytes(bytes: Uint8Array, offsets: Int32Array, row: number, a: number, len: number): boolean {
  const ra = offsets[row]!;
  if (offsets[row + 1]! - ra !== len) return false;
  let k = 0;
  while (k < len && bytes[ra + k] === bytes[a + k]) k++;
  return k === len;
}

/** Spreads a tag's bits over the low ones (murmur3-style), for the slot index. */
function slotOf(tag: number): number {
  let h = Math.imul(tag, 0x9e3779b1);
  h ^= h >>> 15;
  return h;
}

/**
 * The open-addressing table behind {@link dictionaryOf}: per slot its tag and
 * distinct index + 1 (0: empty), and per distinct value its tag and first
 * row. It grows with the distinct values (not the rows), so a repetitive
 * column's stays in cache.
 */
class DistinctTable {
  cap = 1024;
  mask = 1023;
  /** `[tag, index + 1]` per slot. */
  slots = new Int32Array(2 * 1024);
  firstRow = new Int32Array(256);
  hashes = new Int32Array(256);
  count = 0;

  /** Adds row `i` (tag `h`, free slot `slot`) as a new distinct value and returns its index. */
  insert(i: number, h: number, slot: number): number {
    const d = this.count++;
    if (d === this.firstRow.length) {
      const f = new Int32Array(d * 2);
      f.set(this.firstRow);
      this.firstRow = f;
      const hs = new Int32Array(d * 2);
      hs.set(this.hashes);
      this.hashes = hs;
    }
    this.slots[2 * slot] = h;
    this.slots[2 * slot + 1] = d + 1;
    this.firstRow[d] = i;
    this.hashes[d] = h;
    if (this.count * 2 > this.cap) {
      this.cap <<= 1;
      this.mask = this.cap - 1;
      const slots = new Int32Array(2 * this.cap);
      for (let j = 0; j < this.count; j++) {
        let s = slotOf(this.hashes[j]!) & this.mask;
        while (slots[2 * s + 1]! !== 0) s = (s + 1) & this.mask;
        slots[2 * s] = this.hashes[j]!;
        slots[2 * s + 1] = j + 1;
      }
      this.slots = slots;
    }
    return d;
  }
}

/** Distinct values among the first 256 rows (a cheap cardinality hint). */
function sampleDistinct(raw: RawStrings): number {
  const n = Math.min(256, raw.nul.length);
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) if (!raw.nul[i]) seen.add(utf8At(raw.bytes, raw.offsets[i]!, raw.offsets[i + 1]!));
  return seen.size;
}

/** A string vector over Arrow buffers that decodes its strings only when asked (each distinct value once). */
class LazyStrVec implements StrVec {
  readonly t = 'str' as const;
  readonly raw: RawStrings;
  #v: (string | null)[] | undefined;
  constructor(bytes: Uint8Array, offsets: Int32Array, nul: Uint8Array) {
    this.raw = rawStrings(bytes, offsets, nul);
  }
  get v(): (string | null)[] {
    if (this.#v === undefined) {
      const { bytes, offsets, nul } = this.raw;
      const n = nul.length;
      const base = offsets[0] ?? 0;
      const end = offsets[n] ?? base;
      let ascii = true;
      for (let k = base; k < end; k++)
        if (bytes[k]! >= 0x80) {
          ascii = false;
          break;
        }
      if (ascii) {
        // One native decode of the whole buffer; byte offsets are character offsets.
        const whole = decoder.decode(bytes.subarray(base, end));
        const v: (string | null)[] = new Array<string | null>(n);
        for (let i = 0; i < n; i++) v[i] = nul[i] ? null : whole.slice(offsets[i]! - base, offsets[i + 1]! - base);
        this.#v = v;
        return v;
      }
      const { ids, values } = this.raw.dictionary();
      const v: (string | null)[] = new Array<string | null>(n);
      for (let i = 0; i < n; i++) {
        const d = ids[i]!;
        v[i] = d < 0 ? null : values[d]!;
      }
      this.#v = v;
    }
    return this.#v;
  }
}

/** A boolean vector in three-valued logic: 1 true, 0 false, -1 null. */
export interface BoolVec {
  t: 'bool';
  v: Int8Array;
}
/** Any evaluated vector. */
export type Vec = NumVec | StrVec | BoolVec;

/** Whether the Arrow data's slot `i` is valid (not null). */
export function validAt(data: Data, i: number): boolean {
  const bm = data.nullBitmap;
  if (data.nullCount === 0 || bm === undefined || bm.length === 0) return true;
  const j = data.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
}

/** All-zero mask shared by the columns without nulls (grown on demand, never written). */
let noNulls = new Uint8Array(0);
/** The buffers {@link noNulls} has had: a mask over one of them is known to hold no null. */
const nullFreeBuffers = new WeakSet<ArrayBufferLike>();

/**
 * Whether `nul` is known to mark no null without reading it: it is the
 * shared mask of a column without nulls. (False says nothing: the mask may
 * still be all zeros.) Kernels use it to run a loop without the null test.
 */
export function nullFree(nul: Uint8Array): boolean {
  return nullFreeBuffers.has(nul.buffer);
}

function nullMask(data: Data): Uint8Array {
  const n = data.length;
  const bm = data.nullBitmap;
  if (data.nullCount === 0 || bm === undefined || bm.length === 0) {
    if (noNulls.length < n) {
      noNulls = new Uint8Array(Math.max(n, 2 * noNulls.length));
      nullFreeBuffers.add(noNulls.buffer);
    }
    return noNulls.subarray(0, n);
  }
  const out = new Uint8Array(n);
  const off = data.offset;
  for (let i = 0; i < n; i++) {
    const j = off + i;
    out[i] = ((bm[j >> 3]! >> (j & 7)) & 1) ^ 1;
  }
  return out;
}

const decoder = new TextDecoder();

/** Decodes UTF-8 with a fast path for short ASCII runs (most keys, codes and names). */
export function utf8At(bytes: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len <= 24) {
    let ascii = true;
    for (let k = start; k < end; k++) if (bytes[k]! >= 0x80) {
      ascii = false;
      break;
    }
    if (ascii) {
      let s = '';
      for (let k = start; k < end; k++) s += String.fromCharCode(bytes[k]!);
      return s;
    }
  }
  return decoder.decode(bytes.subarray(start, end));
}

const TIME_FACTOR: Record<number, number> = { 0: 1_000_000, 1: 1000, 2: 1, 3: 0.001 };

function numFrom(data: Data, get: (i: number) => number): NumVec {
  const n = data.length;
  const v = new Float64Array(n);
  const nul = nullMask(data);
  for (let i = 0; i < n; i++) if (nul[i] === 0) v[i] = get(i);
  return { t: 'num', v, nul };
}

/**
 * 64-bit integers (as two 32-bit words each, no BigInt) times `factor`; exact
 * up to 2^53, like Number(). `v` is built on first use: range and uniqueness
 * kernels read the words directly, so a column only they touch is never copied.
 */
class Int64Vec implements NumVec {
  readonly t = 'num' as const;
  readonly nul: Uint8Array;
  readonly i64: Int64Words;
  #v: Float64Array | undefined;
  constructor(
    data: Data,
    vals: BigInt64Array,
    factor: number,
  ) {
    this.nul = nullMask(data);
    this.i64 = { words: new Int32Array(vals.buffer, vals.byteOffset, data.length * 2), factor };
  }
  get v(): Float64Array {
    if (this.#v === undefined) {
      const { words: w, factor } = this.i64;
      const nul = this.nul;
      const n = nul.length;
      const v = new Float64Array(n);
      if (factor === 1) for (let i = 0; i < n; i++) v[i] = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
      else for (let i = 0; i < n; i++) v[i] = (w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0)) * factor;
      for (let i = 0; i < n; i++) if (nul[i] === 1) v[i] = 0;
      this.#v = v;
    }
    return this.#v;
  }
}

/** 128-bit decimals as doubles ({@link decimal128At}); `v` is built on first use, as for {@link Int64Vec}. */
class Decimal128Vec implements NumVec {
  readonly t = 'num' as const;
  readonly nul: Uint8Array;
  readonly dec: Decimal128Words;
  #v: Float64Array | undefined;
  constructor(data: Data, words: Uint32Array, scale: number) {
    this.nul = nullMask(data);
    this.dec = { words, scale };
  }
  get v(): Float64Array {
    if (this.#v === undefined) {
      const { words: w, scale } = this.dec;
      const nul = this.nul;
      const n = nul.length;
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) if (nul[i] !== 1) v[i] = decimal128At(w, scale, i);
      this.#v = v;
    }
    return this.#v;
  }
}

/** Signed 128-bit little-endian words at slot `i`, as a double. */
function int128At(w: Uint32Array, i: number): number {
  const b = i * 4;
  const w0 = w[b]!,
    w1 = w[b + 1]!,
    w2 = w[b + 2]!,
    w3 = w[b + 3]!;
  if ((w3 | w2) === 0) return w0 + w1 * 4294967296;
  if (w3 === 0xffffffff && w2 === 0xffffffff && w1 >= 0x80000000) return w0 + (w1 - 4294967296) * 4294967296;
  let x = (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(w0);
  if (w3 >= 0x80000000) x -= 1n << 128n;
  return Number(x);
}

/** The vector of one Arrow column chunk (`Data`). */
export function vecOfData(data: Data): Vec {
  const type = data.type as DataType;
  const n = data.length;
  switch (type.typeId) {
    case Type.Int: {
      const vals = data.values as ArrayLike<number | bigint>;
      if (vals instanceof BigInt64Array) {
        // Two 32-bit halves instead of a BigInt per value (exact up to 2^53, like Number()).
        return new Int64Vec(data, vals, 1);
      }
      if (vals instanceof BigUint64Array) return numFrom(data, (i) => Number(vals[i]!));
      return numFrom(data, (i) => vals[i] as number);
    }
    case Type.Float: {
      const vals = data.values as Float32Array | Float64Array | Uint16Array;
      if (vals instanceof Uint16Array) return numFrom(data, (i) => halfToFloat(vals[i]!));
      return numFrom(data, (i) => vals[i]!);
    }
    case Type.Decimal: {
      const w = data.values as Uint32Array;
      const scale = 10 ** (type as unknown as { scale: number }).scale;
      const bw = (type as unknown as { bitWidth: number }).bitWidth;
      if (bw === 64) return numFrom(data, (i) => (w[i * 2]! + (w[i * 2 + 1]! | 0) * 4294967296) / scale);
      if (bw === 32) return numFrom(data, (i) => (w[i]! | 0) / scale);
      const words = bw / 32;
      if (words === 4) return new Decimal128Vec(data, w, scale);
      return strFromVector(data);
    }
    case Type.Timestamp: {
      const vals = data.values as BigInt64Array;
      const f = TIME_FACTOR[(type as unknown as { unit: number }).unit] ?? 1;
      return new Int64Vec(data, vals, f);
    }
    case Type.Date: {
      const unit = (type as unknown as { unit: number }).unit; // 0 = DAY, 1 = MILLISECOND
      const vals = data.values as Int32Array | BigInt64Array;
      if (unit === 0) return numFrom(data, (i) => (vals[i] as number) * 86_400_000_000);
      return numFrom(data, (i) => Number(vals[i]!) * 1000);
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      const nul = nullMask(data);
      const v = new Int8Array(n);
      const off = data.offset;
      for (let i = 0; i < n; i++) {
        const j = off + i;
        v[i] = nul[i] ? -1 : (bits[j >> 3]! >> (j & 7)) & 1;
      }
      return { t: 'bool', v };
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const offs = data.valueOffsets as Int32Array | BigInt64Array;
      const bytes = data.values as Uint8Array;
      const nul = nullMask(data);
      if (offs instanceof BigInt64Array) {
        const v: (string | null)[] = new Array<string | null>(n);
        for (let i = 0; i < n; i++) v[i] = nul[i] ? null : utf8At(bytes, Number(offs[i]!), Number(offs[i + 1]!));
        return { t: 'str', v };
      }
      return new LazyStrVec(bytes, offs, nul);
    }
    case Type.Dictionary: {
      const dict = (data as unknown as { dictionary?: Vector }).dictionary;
      const idx = data.values as ArrayLike<number | bigint>;
      const nul = nullMask(data);
      const dv = dict === undefined ? undefined : vecOfVector(dict);
      if (dv === undefined) return strFromVector(data);
      const at = (i: number) => Number(idx[i]!);
      if (dv.t === 'num') {
        const v = new Float64Array(n);
        const nn = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          if (nul[i]) nn[i] = 1;
          else {
            v[i] = dv.v[at(i)]!;
            nn[i] = dv.nul[at(i)]!;
          }
        }
        return { t: 'num', v, nul: nn };
      }
      if (dv.t === 'str') return { t: 'str', v: Array.from({ length: n }, (_, i) => (nul[i] ? null : (dv.v[at(i)] ?? null))) };
      const v = new Int8Array(n);
      for (let i = 0; i < n; i++) v[i] = nul[i] ? -1 : dv.v[at(i)]!;
      return { t: 'bool', v };
    }
    default:
      return strFromVector(data);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function render(x: unknown): string {
  if (x instanceof Uint8Array) return Array.from(x, (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(x);
  } catch {
    return String(x);
  }
}

/** Fallback: render each value (via Arrow's own getter) as a string. */
function strFromVector(data: Data): StrVec {
  const vec = makeVectorOf(data);
  const v: (string | null)[] = new Array<string | null>(data.length);
  for (let i = 0; i < data.length; i++) {
    let x: unknown;
    try {
      x = vec.get(i);
    } catch {
      x = undefined;
    }
    v[i] = x === null || x === undefined ? null : typeof x === 'string' ? x : render(typeof (x as { toJSON?: unknown }).toJSON === 'function' ? (x as { toJSON(): unknown }).toJSON() : x);
  }
  return { t: 'str', v };
}

function makeVectorOf(data: Data): Vector {
  return makeVector(data);
}

/** The vector of a whole Arrow Vector (all chunks, concatenated). */
export function vecOfVector(vector: Vector): Vec {
  const parts = vector.data.map((d) => vecOfData(d));
  if (parts.length === 1) return parts[0]!;
  return concatVecs(parts, vector.length);
}

function concatVecs(parts: Vec[], n: number): Vec {
  const first = parts[0];
  if (first === undefined) return { t: 'str', v: [] };
  if (parts.every((p) => p.t === 'num')) {
    const v = new Float64Array(n);
    const nul = new Uint8Array(n);
    let o = 0;
    for (const p of parts as NumVec[]) {
      v.set(p.v, o);
      nul.set(p.nul, o);
      o += p.v.length;
    }
    return { t: 'num', v, nul };
  }
  if (parts.every((p) => p.t === 'bool')) {
    const v = new Int8Array(n);
    let o = 0;
    for (const p of parts as BoolVec[]) {
      v.set(p.v, o);
      o += p.v.length;
    }
    return { t: 'bool', v };
  }
  return { t: 'str', v: parts.flatMap((p) => (p.t === 'str' ? p.v : Array.from(p.v as ArrayLike<number>, String))) };
}
