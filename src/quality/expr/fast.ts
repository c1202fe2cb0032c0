/**
 * Fused evaluation of the row-rule shapes the planner emits most (ranges,
 * string lengths, set membership, simple regular expressions over bytes): one loop straight over the column's typed
 * arrays or UTF-8 offsets into the rule's pass vector, with no intermediate
 * vectors per comparison. Each returns exactly what {@link evaluate} would
 * (1 pass, 0 fail, -1 null), or undefined when the shape or the column's kind
 * is not one it handles, and the caller evaluates generically.
 *
 * @module
 */
import type { Expr } from './ast.js';
import { ByteDfa, compileByteRegex, type ByteRegex } from './byte-regex.js';
import type { ColumnLookup } from './eval.js';
import { decimal128At, int64At, nullFree, type Decimal128Words, type Int64Words, type RawStrings } from './vector.js';

type Op = '<' | '<=' | '>' | '>=' | '=' | '!=';
const OPS = new Set<string>(['<', '<=', '>', '>=', '=', '!=']);

/** The conjuncts of an AND chain. */
function conjuncts(e: Expr, out: Expr[]): Expr[] {
  if (e.k === 'bin' && e.op === 'AND') {
    conjuncts(e.l, out);
    conjuncts(e.r, out);
  } else out.push(e);
  return out;
}

/** What a comparison compares: a column, or the length of one. */
type Subject = { kind: 'col'; name: string } | { kind: 'length'; name: string };

function subjectOf(e: Expr): Subject | undefined {
  if (e.k === 'col') return { kind: 'col', name: e.name };
  if (e.k === 'call' && e.fn === 'length' && e.args.length === 1 && e.args[0]!.k === 'col') return { kind: 'length', name: e.args[0]!.name };
  return undefined;
}

function numberOf(e: Expr): number | undefined {
  if (e.k === 'lit' && typeof e.v === 'number' && e.v === e.v) return e.v;
  if (e.k === 'time') return e.micros;
  return undefined;
}

interface Bounds {
  subject: Subject;
  ops: Op[];
  values: number[];
}

/** `X op c AND X op c …` over one subject and number constants, or undefined. */
function boundsOf(e: Expr): Bounds | undefined {
  let subject: Subject | undefined;
  const ops: Op[] = [];
  const values: number[] = [];
  for (const c of conjuncts(e, [])) {
    if (c.k !== 'bin' || !OPS.has(c.op)) return undefined;
    const s = subjectOf(c.l);
    const v = numberOf(c.r);
    if (!s || v === undefined) return undefined;
    if (subject && (subject.kind !== s.kind || subject.name !== s.name)) return undefined;
    subject = s;
    ops.push(c.op as Op);
    values.push(v);
  }
  return subject ? { subject, ops, values } : undefined;
}

/** Folds the comparisons into `lo ≤/< x ≤/< hi`, plus equalities and exclusions, for one tight loop. */
interface Range {
  hasLo: boolean;
  hasHi: boolean;
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
  eq: number[];
  ne: number[];
}

function rangeOf(ops: Op[], values: number[]): Range {
  const r: Range = { hasLo: false, hasHi: false, lo: -Infinity, loOpen: false, hi: Infinity, hiOpen: false, eq: [], ne: [] };
  ops.forEach((op, j) => {
    const c = values[j]!;
    if (op === '>' || op === '>=') {
      const open = op === '>';
      r.hasLo = true;
      if (c > r.lo || (c === r.lo && open)) {
        r.lo = c;
        r.loOpen = open;
      }
    } else if (op === '<' || op === '<=') {
      const open = op === '<';
      r.hasHi = true;
      if (c < r.hi || (c === r.hi && open)) {
        r.hi = c;
        r.hiOpen = open;
      }
    } else if (op === '=') r.eq.push(c);
    else r.ne.push(c);
  });
  return r;
}

/** Whether non-null `x` satisfies every comparison (NaN satisfies only `!=`, as in the generic evaluator). */
function inRange(x: number, r: Range): boolean {
  if (r.hasLo && !(r.loOpen ? x > r.lo : x >= r.lo)) return false;
  if (r.hasHi && !(r.hiOpen ? x < r.hi : x <= r.hi)) return false;
  for (const c of r.eq) if (x !== c) return false;
  for (const c of r.ne) if (x === c) return false;
  return true;
}

/**
 * Writes -1 over the null rows of a pass vector. The kernels below test every
 * row, null or not (a null slot's value or bytes are harmless to test), then
 * call this unless the column is {@link nullFree}, so their hot loops carry
 * no null test.
 */
function markNulls(nul: Uint8Array, n: number, out: Int8Array): Int8Array {
  if (!nullFree(nul)) for (let i = 0; i < n; i++) if (nul[i] === 1) out[i] = -1;
  return out;
}

function rangePass(v: Float64Array, nul: Uint8Array, n: number, r: Range, out: Int8Array): Int8Array {
  const simple = r.eq.length === 0 && r.ne.length === 0;
  if (simple && r.hasLo && r.hasHi && !r.loOpen && !r.hiOpen) closedRange(v, n, r.lo, r.hi, out);
  else for (let i = 0; i < n; i++) out[i] = inRange(v[i]!, r) ? 1 : 0;
  return markNulls(nul, n, out);
}

function closedRange(v: Float64Array, n: number, lo: number, hi: number, out: Int8Array): void {
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    out[i] = x >= lo && x <= hi ? 1 : 0;
  }
}

/** {@link rangePass} over 64-bit integer words, converting each value as `NumVec.v` would. */
function rangePassInt64(src: Int64Words, nul: Uint8Array, n: number, r: Range, out: Int8Array): Int8Array {
  const { words: w, factor } = src;
  const simple = r.eq.length === 0 && r.ne.length === 0;
  if (simple && r.hasLo && r.hasHi && !r.loOpen && !r.hiOpen && factor === 1) closedRangeInt64(w, n, r.lo, r.hi, out);
  else for (let i = 0; i < n; i++) out[i] = inRange(int64At(w, factor, i), r) ? 1 : 0;
  return markNulls(nul, n, out);
}

function closedRangeInt64(w: Int32Array, n: number, lo: number, hi: number, out: Int8Array): void {
  for (let i = 0; i < n; i++) {
    const x = w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0);
    out[i] = x >= lo && x <= hi ? 1 : 0;
  }
}

/** {@link rangePass} over 128-bit decimal words, converting each value as `NumVec.v` would. */
function rangePassDecimal(src: Decimal128Words, nul: Uint8Array, n: number, r: Range, out: Int8Array): Int8Array {
  const { words: w, scale } = src;
  const simple = r.eq.length === 0 && r.ne.length === 0 && r.hasLo && r.hasHi && !r.loOpen && !r.hiOpen;
  if (!simple) {
    for (let i = 0; i < n; i++) out[i] = inRange(decimal128At(w, scale, i), r) ? 1 : 0;
    return markNulls(nul, n, out);
  }
  // The fast loop stops at each value outside 0..2^64 (or a null slot's odd words); that row goes through decimal128At.
  let s = 0;
  let i = 0;
  while (i < n) {
    s = decimalBetween(w, scale, i, n, r.lo, r.hi, out, s);
    i = decimalStop;
    if (i < n) {
      const x = decimal128At(w, scale, i);
      out[i] = x >= r.lo && x <= r.hi ? 1 : 0;
      s += x;
      i++;
    }
  }
  // Every value read, none null: the sum a mean or sum rule over this column needs (see Decimal128Words.sum).
  if (nullFree(nul)) src.sum = s;
  return markNulls(nul, n, out);
}

/** Where {@link decimalBetween} stopped: its second result, kept here so the kernel allocates nothing. */
let decimalStop = 0;

/**
 * `lo ≤ x ≤ hi` over decimals within 0..2^64 ({@link decimal128At} inlined, no
 * call in the loop, so `x` stays an unboxed double) from row `from`, and their
 * running sum from `sum` in row order (the additions the engine's mean makes);
 * stops at the first other value, leaving its row (or `n`) in {@link decimalStop}.
 */
function decimalBetween(w: Uint32Array, scale: number, from: number, n: number, lo: number, hi: number, out: Int8Array, sum: number): number {
  let s = sum * 1; // a float64 from the start (a tagged parameter would stay boxed)
  let i = from;
  for (; i < n; i++) {
    const b = i * 4;
    if ((w[b + 3]! | w[b + 2]!) !== 0) break;
    const x = (w[b]! + w[b + 1]! * 4294967296) / scale;
    out[i] = x >= lo && x <= hi ? 1 : 0;
    s += x;
  }
  decimalStop = i;
  return s;
}

/** Whether bytes `[a, b)` are all ASCII (checked a 32-bit word at a time where aligned). */
export function isAscii(bytes: Uint8Array, a: number, b: number): boolean {
  let k = a;
  while (k < b && ((bytes.byteOffset + k) & 3) !== 0) if (bytes[k++]! >= 0x80) return false;
  const words = (b - k) >> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + k, words);
    let acc = 0;
    for (let j = 0; j < words; j++) acc |= w[j]!;
    if ((acc & 0x80808080) !== 0) return false;
    k += words * 4;
  }
  while (k < b) if (bytes[k++]! >= 0x80) return false;
  return true;
}

/** UTF-8 characters in bytes `[a, b)`: the bytes that do not continue a sequence. */
function charCount(bytes: Uint8Array, a: number, b: number): number {
  let len = 0;
  for (let k = a; k < b; k++) if ((bytes[k]! & 0xc0) !== 0x80) len++;
  return len;
}

function lengthPass(raw: RawStrings, n: number, r: Range, out: Int8Array): Int8Array {
  const { bytes, offsets, nul } = raw;
  // Lengths are integers: open or fractional bounds become closed integer ones.
  const lo = !r.hasLo ? -Infinity : r.loOpen ? Math.floor(r.lo) + 1 : Math.ceil(r.lo);
  const hi = !r.hasHi ? Infinity : r.hiOpen ? Math.ceil(r.hi) - 1 : Math.floor(r.hi);
  if (r.eq.length === 0 && r.ne.length === 0) {
    if (byteLengthPass(offsets, n, lo, hi, out)) charLengthPass(bytes, offsets, n, lo, hi, out);
    return markNulls(nul, n, out);
  }
  const ascii = isAscii(bytes, offsets[0]!, offsets[n]!);
  for (let i = 0; i < n; i++) {
    const a = offsets[i]!,
      b = offsets[i + 1]!;
    const len = ascii ? b - a : charCount(bytes, a, b);
    out[i] = inRange(len, r) ? 1 : 0;
  }
  return markNulls(nul, n, out);
}

/**
 * `lo ≤ length ≤ hi` decided from byte lengths alone where they settle it: a
 * string of `b` UTF-8 bytes has between ⌈b/4⌉ and `b` characters. Rows they
 * do not settle get 2; returns whether there were any.
 */
function byteLengthPass(offsets: Int32Array, n: number, lo: number, hi: number, out: Int8Array): boolean {
  let unsure = 0;
  let a = offsets[0]!;
  for (let i = 0; i < n; i++) {
    const b = offsets[i + 1]!;
    const len = b - a;
    const least = (len + 3) >> 2;
    const v = len < lo || least > hi ? 0 : len <= hi && least >= lo ? 1 : 2;
    out[i] = v;
    unsure |= v;
    a = b;
  }
  return (unsure & 2) !== 0;
}

/** Settles the rows {@link byteLengthPass} left at 2 by their character counts. */
function charLengthPass(bytes: Uint8Array, offsets: Int32Array, n: number, lo: number, hi: number, out: Int8Array): void {
  const ascii = isAscii(bytes, offsets[0]!, offsets[n]!);
  for (let i = 0; i < n; i++) {
    if (out[i] !== 2) continue;
    const a = offsets[i]!,
      b = offsets[i + 1]!;
    const len = ascii ? b - a : charCount(bytes, a, b);
    out[i] = len >= lo && len <= hi ? 1 : 0;
  }
}

/** Set membership through the column's dictionary: each distinct value is tested once. */
function inDictionary(raw: RawStrings, values: string[], not: boolean, n: number, out: Int8Array): Int8Array {
  const { ids, values: distinct } = raw.dictionary();
  const set = new Set(values);
  const hit = Int8Array.from(distinct, (s) => (set.has(s) !== not ? 1 : 0));
  for (let i = 0; i < n; i++) {
    const d = ids[i]!;
    out[i] = d < 0 ? -1 : hit[d]!;
  }
  return out;
}

function regexPass(re: ByteRegex, raw: RawStrings, n: number, out: Int8Array): Int8Array {
  new ByteDfa(re).matchAll(raw.bytes, raw.offsets, raw.nul, n, out);
  return out;
}

/**
 * The pass vector of `e` over `n` rows by a fused loop, or undefined when `e`
 * is not a shape handled here (the caller then uses the generic evaluator).
 * The vector is written into `out` when given (a scratch buffer of ≥ `n`
 * slots the caller reuses between rules), else into a new array.
 */
export function fastPass(e: Expr, cols: ColumnLookup, n: number, out?: Int8Array): Int8Array | undefined {
  if (e.k === 'in') {
    if (e.e.k !== 'col' || !e.list.every((l) => l.k === 'lit' && typeof l.v === 'string')) return undefined;
    const x = cols(e.e.name);
    if (x?.t !== 'str' || !x.raw || !x.raw.lowCardinality()) return undefined;
    return inDictionary(
      x.raw,
      e.list.map((l) => (l as { v: string }).v),
      e.not,
      n,
      out ?? new Int8Array(n),
    );
  }
  if (e.k === 'call' && e.fn === 'regexp_matches' && e.args.length === 2 && e.args[0]!.k === 'col') {
    const p = e.args[1]!;
    if (p.k !== 'lit' || typeof p.v !== 'string') return undefined;
    const x = cols(e.args[0]!.name);
    // Few distinct values: the generic path tests each distinct string once.
    if (x?.t !== 'str' || !x.raw || x.raw.lowCardinality()) return undefined;
    const re = compileByteRegex(p.v);
    return re ? regexPass(re, x.raw, n, out ?? new Int8Array(n)) : undefined;
  }
  const b = boundsOf(e);
  if (!b) return undefined;
  const x = cols(b.subject.name);
  const r = rangeOf(b.ops, b.values);
  if (b.subject.kind === 'col') {
    if (x?.t !== 'num') return undefined;
    if (x.i64) return rangePassInt64(x.i64, x.nul, n, r, out ?? new Int8Array(n));
    if (x.dec) return rangePassDecimal(x.dec, x.nul, n, r, out ?? new Int8Array(n));
    return rangePass(x.v, x.nul, n, r, out ?? new Int8Array(n));
  }
  return x?.t === 'str' && x.raw ? lengthPass(x.raw, n, r, out ?? new Int8Array(n)) : undefined;
}
