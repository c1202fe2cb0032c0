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
