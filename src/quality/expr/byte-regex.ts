/**
 * A matcher over UTF-8 bytes for the simple regular expressions validity
 * rules use most (`^ACCT[0-9]{10}$`, `[A-Z]{3}`, `^\d+-\d{2}$`): literals,
 * positive ASCII character classes, `\d` and `\w`, the quantifiers `?`, `*`,
 * `+` and `{n}`, `{n,}`, `{n,m}`, and the anchors `^` and `$` at the ends. It
 * runs a bit-parallel NFA over the column's bytes, so strings are never
 * decoded. Every atom matches ASCII only, so a byte ≥ 0x80 matches nothing,
 * exactly as the character it belongs to would: results equal
 * `new RegExp(pattern, 'u').test(string)`. Anything else (alternation, groups,
 * `.`, negated classes, other escapes, more than 30 positions) is declined.
 *
 * @module
 */
import { nullFree } from './vector.js';

/** A compiled pattern: per-byte position masks and the automaton's constants. */
export interface ByteRegex {
  /** For each byte, the positions whose atom accepts it. */
  accept: Int32Array;
  /** Positions that may be skipped (optional atoms). */
  optional: number;
  /** Positions that may repeat. */
  repeat: number;
  /** Number of positions; bit `size` is the accepting state. */
  size: number;
  anchoredStart: boolean;
  anchoredEnd: boolean;
}

const MAX_POSITIONS = 30;
const META = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}']);
const PUNCT = new Set([...META, '/', '-']);

function digits(set: Uint8Array): void {
  for (let c = 48; c <= 57; c++) set[c] = 1;
}
function word(set: Uint8Array): void {
  digits(set);
  for (let c = 65; c <= 90; c++) set[c] = 1;
  for (let c = 97; c <= 122; c++) set[c] = 1;
  set[95] = 1;
}

/** Compiles `pattern`, or returns undefined when it is outside the supported subset. */
export function compileByteRegex(pattern: string): ByteRegex | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  let i = 0;
  const n = pattern.length;
  let anchoredStart = false;
  let anchoredEnd = false;
  if (pattern[0] === '^') {
    anchoredStart = true;
    i = 1;
  }
  let end = n;
  if (n > i && pattern[n - 1] === '$' && pattern[n - 2] !== '\\') {
    anchoredEnd = true;
    end = n - 1;
  }
  const atoms: { set: Uint8Array; optional: boolean; repeat: boolean }[] = [];
  while (i < end) {
    const set = new Uint8Array(128);
    const ch = pattern[i]!;
    if (ch === '[') {
      i++;
      if (pattern[i] === '^') return undefined;
      let prev = -1;
      let closed = false;
      while (i < end) {
        let c = pattern[i]!;
        if (c === ']') {
          closed = true;
          i++;
          break;
        }
        let escaped = false;
        if (c === '\\') {
          const e = pattern[i + 1];
          if (e === 'd') {
            digits(set);
            prev = -1;
            i += 2;
            continue;
          }
          if (e === 'w') {
            word(set);
            prev = -1;
            i += 2;
            continue;
          }
          if (e === undefined || !PUNCT.has(e)) return undefined;
          c = e;
          escaped = true;
          i += 2;
        } else i++;
        const code = c.charCodeAt(0);
        if (code >= 128) return undefined;
        if (c === '-' && !escaped && prev >= 0 && pattern[i] !== ']' && i < end) {
          // A range prev-next.
          let hi = pattern[i]!;
          if (hi === '\\') {
            const e = pattern[i + 1];
            if (e === undefined || !PUNCT.has(e)) return undefined;
            hi = e;
            i += 2;
          } else i++;
          const h = hi.charCodeAt(0);
          if (h >= 128 || h < prev) return undefined;
          for (let x = prev; x <= h; x++) set[x] = 1;
          prev = -1;
          continue;
        }
        set[code] = 1;
        prev = code;
      }
      if (!closed) return undefined;
    } else if (ch === '\\') {
      const e = pattern[i + 1];
      if (e === 'd') digits(set);
      else if (e === 'w') word(set);
      else if (e !== undefined && PUNCT.has(e)) set[e.charCodeAt(0)] = 1;
      else return undefined;
      i += 2;
    } else {
      if (META.has(ch)) return undefined;
      const code = ch.charCodeAt(0);
      if (code >= 128) return undefined;
      set[code] = 1;
      i++;
    }
    // Quantifier.
    let min = 1;
    let max = 1;
    const q = pattern[i];
    if (i < end && q === '?') [min, max, i] = [0, 1, i + 1];
    else if (i < end && q === '*') [min, max, i] = [0, Infinity, i + 1];
    else if (i < end && q === '+') [min, max, i] = [1, Infinity, i + 1];
    else if (i < end && q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, end));
      if (!m) return undefined;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) return undefined;
      i += m[0].length;
    }
    if (i < end && pattern[i] === '?') i++; // lazy: the same strings match
    if (i < end && (pattern[i] === '?' || pattern[i] === '*' || pattern[i] === '+' || pattern[i] === '{')) return undefined;
    if (min > MAX_POSITIONS) return undefined;
    for (let k = 0; k < min; k++) atoms.push({ set, optional: false, repeat: false });
    if (max === Infinity) atoms.push({ set, optional: true, repeat: true });
    else {
      if (max - min > MAX_POSITIONS) return undefined;
      for (let k = min; k < max; k++) atoms.push({ set, optional: true, repeat: false });
    }
    if (atoms.length > MAX_POSITIONS) return undefined;
  }
  const accept = new Int32Array(256);
  let optional = 0;
  let repeat = 0;
  atoms.forEach((a, j) => {
    for (let c = 0; c < 128; c++) if (a.set[c]) accept[c]! |= 1 << j;
    if (a.optional) optional |= 1 << j;
    if (a.repeat) repeat |= 1 << j;
  });
  return { accept, optional, repeat, size: atoms.length, anchoredStart, anchoredEnd };
}

/** Adds the positions reachable by skipping optional atoms. */
function closure(d: number, optional: number): number {
  for (;;) {
    const next = d | ((d & optional) << 1);
    if (next === d) return d;
    d = next;
  }
}

/** Whether bytes `[a, b)` contain a match (1) or not (0). */
export function matchBytes(re: ByteRegex, bytes: Uint8Array, a: number, b: number): number {
  const { accept, optional, repeat, anchoredStart, anchoredEnd } = re;
  const done = 1 << re.size;
  const init = closure(1, optional);
  let d = init;
  if (!anchoredEnd && (d & done) !== 0) return 1;
  for (let k = a; k < b; k++) {
    const m = d & accept[bytes[k]!]!;
    d = closure((m << 1) | (m & repeat), optional);
    if (!anchoredStart) d |= init;
    if (!anchoredEnd && (d & done) !== 0) return 1;
    if (d === 0) return 0;
  }
  return (d & done) !== 0 ? 1 : 0;
}

/** Rows per call of the fixed-width kernels. */
const CHUNK = 1 << 16;

/** Most DFA states built lazily per pattern before falling back to the NFA (256 Int32 transitions each). */
const MAX_DFA_STATES = 512;

/**
 * The pattern's NFA determinised lazily: each state is an NFA position set,
 * and a byte moves between states by one table lookup. States and their
 * transitions are built on first use, so a column of similar strings visits
 * a handful of them; past {@link MAX_DFA_STATES} the rest of the column runs
 * on the NFA ({@link matchBytes}) with identical results.
 */
export class ByteDfa {
  /** `trans[(s << 8) | byte]`: next state, or -1 not built yet. */
  private trans = new Int32Array(64 << 8).fill(-1);
  /** Per state: 1 the string matches whatever follows, 0 it cannot match, -1 undecided. */
  private verdict = new Int8Array(64);
  /** Per state: whether it accepts at the end of the string. */
  private final = new Uint8Array(64);
  private masks: number[] = [];
  private ids = new Map<number, number>();
  private readonly init: number;
  readonly start: number;

  constructor(private readonly re: ByteRegex) {
    this.init = closure(1, re.optional);
    this.start = this.stateOf(this.init);
  }

  private stateOf(d: number): number {
    const known = this.ids.get(d);
    if (known !== undefined) return known;
    const s = this.masks.length;
    if (s === MAX_DFA_STATES) return -1;
    if (s === this.verdict.length) {
      const t = new Int32Array(this.trans.length * 2).fill(-1);
      t.set(this.trans);
      this.trans = t;
      const v = new Int8Array(s * 2);
      v.set(this.verdict);
      this.verdict = v;
      const f = new Uint8Array(s * 2);
      f.set(this.final);
      this.final = f;
    }
    this.masks.push(d);
    this.ids.set(d, s);
    const done = 1 << this.re.size;
    this.final[s] = (d & done) !== 0 ? 1 : 0;
    this.verdict[s] = !this.re.anchoredEnd && (d & done) !== 0 ? 1 : d === 0 ? 0 : -1;
    return s;
  }

  /** The state after `byte` from state `s` (building it), or -1 past the state cap. */
  private step(s: number, byte: number): number {
    const { accept, optional, repeat, anchoredStart } = this.re;
    const m = this.masks[s]! & accept[byte]!;
    let d = closure((m << 1) | (m & repeat), optional);
    if (!anchoredStart) d |= this.init;
    const t = this.stateOf(d);
    if (t >= 0) this.trans[(s << 8) | byte] = t;
    return t;
  }

  /**
   * Whether each non-null string matches: `out[i]` 1, 0, or -1 for a null
   * (`nul[i] === 1`), over Arrow's UTF-8 bytes and offsets.
   */
  matchAll(bytes: Uint8Array, offsets: Int32Array, nul: Uint8Array, n: number, out: Int8Array): void {
    const { re } = this;
    if (re.anchoredStart && re.anchoredEnd && re.optional === 0) {
      fixedMatchAll(re, bytes, offsets, n, out);
      // Null rows were tested like the others (their bytes are harmless); now they are null.
      if (!nullFree(nul)) for (let i = 0; i < n; i++) if (nul[i] === 1) out[i] = -1;
      return;
    }
    const start = this.start;
    let trans = this.trans;
    let verdict = this.verdict;
    for (let i = 0; i < n; i++) {
      if (nul[i] === 1) {
        out[i] = -1;
        continue;
      }
      const a = offsets[i]!,
        b = offsets[i + 1]!;
      let s = start;
      let v = verdict[s]!;
      for (let k = a; k < b && v < 0; k++) {
        const byte = bytes[k]!;
        let t = trans[(s << 8) | byte]!;
        if (t < 0) {
          t = this.step(s, byte);
          trans = this.trans;
          verdict = this.verdict;
        }
        if (t < 0) {
          // State cap reached: this string and the rest go through the NFA.
          for (let j = i; j < n; j++) out[j] = nul[j] === 1 ? -1 : (matchBytes(this.re, bytes, offsets[j]!, offsets[j + 1]!) as 0 | 1);
          return;
        }
        s = t;
        v = verdict[s]!;
      }
      out[i] = v >= 0 ? v : this.final[s]!;
    }
  }
}

/** The single ASCII range `[lo, hi]` position `k` accepts, or undefined (empty, or not one range). */
function rangeAt(re: ByteRegex, k: number): [number, number] | undefined {
  let lo = -1;
  let hi = -1;
  for (let c = 0; c < 128; c++)
    if ((re.accept[c]! >>> k) & 1) {
      if (lo < 0) lo = c;
      else if (hi !== c - 1) return undefined;
      hi = c;
    }
  return lo < 0 ? undefined : [lo, hi];
}

/** How {@link fixedMatchAll} tests a fixed-width pattern: four-position words by SWAR, the other positions by table. */
function fixedPlanOf(re: ByteRegex): { at: Uint8Array; words: Int32Array; lo: Int32Array; hi: Int32Array; single: Int32Array } {
  const size = re.size;
  const at = new Uint8Array(Math.max(1, size) << 8);
  for (let k = 0; k < size; k++) for (let c = 0; c < 256; c++) at[(k << 8) | c] = (re.accept[c]! >>> k) & 1;
  const wordAt: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  const byteAt: number[] = [];
  const ranges = Array.from({ length: size }, (_, k) => rangeAt(re, k));
  const word = (k: number) => {
    wordAt.push(k);
    // Little-endian: byte j of the word is position k + j.
    lows.push(ranges.slice(k, k + 4).reduceRight((w, x) => (w << 8) | x![0], 0));
    highs.push(ranges.slice(k, k + 4).reduceRight((w, x) => (w << 8) | x![1], 0) | 0x80808080);
  };
  if (size >= 4 && ranges.every((r) => r !== undefined)) {
    // Every position one range: words at 0, 4, … and one overlapping word for the tail.
    for (let k = 0; k + 4 <= size; k += 4) word(k);
    if (size % 4 !== 0) word(size - 4);
  } else
    for (let k = 0; k < size; k += 4) {
      if (k + 4 <= size && ranges.slice(k, k + 4).every((r) => r !== undefined)) word(k);
      else for (let j = k; j < Math.min(size, k + 4); j++) byteAt.push(j);
    }
  return { at, words: Int32Array.from(wordAt), lo: Int32Array.from(lows), hi: Int32Array.from(highs), single: Int32Array.from(byteAt) };
}

/**
 * `^…$` with no optional or repeated atom matches exactly the strings of
 * `size` bytes whose k-th byte is in the k-th atom's set: no state is carried
 * between bytes. Runs of four atoms that are each one ASCII range (`A`,
 * `[0-9]`, `[A-Z]`) are tested four bytes at a time (SWAR: one unaligned
 * 32-bit read, two subtractions whose per-byte high bits say `lo ≤ byte` and
 * `byte ≤ hi`); the other positions by a per-position byte table.
 */
function fixedMatchAll(re: ByteRegex, bytes: Uint8Array, offsets: Int32Array, n: number, out: Int8Array): void {
  const { at, words, lo, hi, single } = fixedPlanOf(re);
  const size = re.size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (single.length === 0) {
    // Four words per call, unrolled (a pattern of fewer repeats its last word); later calls recheck the rows still passing.
    const nw = words.length;
    if (nw === 0) for (let i = 0; i < n; i++) out[i] = offsets[i + 1]! - offsets[i]! === size ? 1 : 0; // `^$`
    for (let g = 0; g < nw; g += 4) {
      const [k0, k1, k2, k3] = [g, g + 1, g + 2, g + 3].map((k) => Math.min(k, nw - 1)) as [number, number, number, number];
      const o = [words[k0]!, words[k1]!, words[k2]!, words[k3]!] as const;
      const l = [lo[k0]!, lo[k1]!, lo[k2]!, lo[k3]!] as const;
      const h = [hi[k0]!, hi[k1]!, hi[k2]!, hi[k3]!] as const;
      // In chunks: many short calls get the kernel fully optimised early (a fresh process's first checks)
      // instead of leaning on on-stack replacement inside one long call.
      for (let from = 0; from < n; from += CHUNK) {
        const to = Math.min(n, from + CHUNK);
        if (g === 0) wordsMatchAll(view, ...o, ...l, ...h, size, offsets, from, to, out);
        else wordsRecheck(view, ...o, ...l, ...h, offsets, from, to, out);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const a = offsets[i]!;
    if (offsets[i + 1]! - a !== size) {
      out[i] = 0;
      continue;
    }
    let ok = 1;
    for (let g = 0; g < words.length; g++) {
      const x = view.getInt32(a + words[g]!, true);
      const geLo = ((x | 0x80808080) - lo[g]!) | 0;
      const leHi = (hi[g]! - (x & 0x7f7f7f7f)) | 0;
      if ((((geLo & leHi & 0x80808080) ^ 0x80808080) | (x & 0x80808080)) !== 0) {
        ok = 0;
        break;
      }
    }
    if (ok === 1)
      for (let j = 0; j < single.length; j++) {
        const k = single[j]!;
        if (at[(k << 8) | bytes[a + k]!] === 0) {
          ok = 0;
          break;
        }
      }
    out[i] = ok;
  }
}

/** Whether bit 7 of some byte says it fails `lo ≤ byte ≤ hi` for its position's bounds, or is not ASCII (see {@link fixedMatchAll}). */
function wordFails(x: number, lo: number, hi: number): number {
  return (x | ((((x | 0x80808080) - lo) & (hi - (x & 0x7f7f7f7f))) ^ 0x80808080)) & 0x80808080;
}

/**
 * {@link fixedMatchAll} when every position is tested by a word (the common
 * case: literals, `[0-9]`, `[A-Z]`): four words at byte offsets `o0`…`o3` with
 * their bounds, unrolled and without a branch between them (constants in
 * locals, not arrays, halve the time of a loop over the words).
 */
function wordsMatchAll(
  view: DataView,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  l0: number,
  l1: number,
  l2: number,
  l3: number,
  h0: number,
  h1: number,
  h2: number,
  h3: number,
  size: number,
  offsets: Int32Array,
  from: number,
  to: number,
  out: Int8Array,
): void {
  let a = offsets[from]!;
  for (let i = from; i < to; i++) {
    const b = offsets[i + 1]!;
    if (b - a !== size) out[i] = 0;
    else {
      const bad =
        wordFails(view.getInt32(a + o0, true), l0, h0) |
        wordFails(view.getInt32(a + o1, true), l1, h1) |
        wordFails(view.getInt32(a + o2, true), l2, h2) |
        wordFails(view.getInt32(a + o3, true), l3, h3);
      out[i] = bad === 0 ? 1 : 0;
    }
    a = b;
  }
}

/** {@link wordsMatchAll} for the next four words, over the rows still passing (`out[i] === 1`, so of the right size). */
function wordsRecheck(
  view: DataView,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  l0: number,
  l1: number,
  l2: number,
  l3: number,
  h0: number,
  h1: number,
  h2: number,
  h3: number,
  offsets: Int32Array,
  from: number,
  to: number,
  out: Int8Array,
): void {
  for (let i = from; i < to; i++) {
    if (out[i] !== 1) continue;
    const a = offsets[i]!;
    const bad =
      wordFails(view.getInt32(a + o0, true), l0, h0) |
      wordFails(view.getInt32(a + o1, true), l1, h1) |
      wordFails(view.getInt32(a + o2, true), l2, h2) |
      wordFails(view.getInt32(a + o3, true), l3, h3);
    if (bad !== 0) out[i] = 0;
  }
}
