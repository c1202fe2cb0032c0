/**
 * Vectorised evaluation of a row expression over typed column vectors, with
 * SQL's semantics: three-valued logic, NULL in → NULL out, division by zero
 * is NULL (as the compiled SQL's `NULLIF` makes it). Comparisons between
 * different kinds (a string with a number) are NULL, never an exception.
 *
 * @module
 */
import type { Expr } from './ast.js';
import type { BoolVec, NumVec, RawStrings, StrVec, Vec } from './vector.js';

/** Resolves a column name to its vector for the current batch. */
export type ColumnLookup = (name: string) => Vec | undefined;

function constVec(v: number | string | boolean | null, n: number): Vec {
  if (v === null) {
    const b = new Int8Array(n).fill(-1);
    return { t: 'bool', v: b };
  }
  if (typeof v === 'number') return { t: 'num', v: new Float64Array(n).fill(v), nul: new Uint8Array(n) };
  if (typeof v === 'boolean') return { t: 'bool', v: new Int8Array(n).fill(v ? 1 : 0) };
  return { t: 'str', v: new Array<string>(n).fill(v) };
}

function allNullNum(n: number): NumVec {
  return { t: 'num', v: new Float64Array(n), nul: new Uint8Array(n).fill(1) };
}
function allNullBool(n: number): BoolVec {
  return { t: 'bool', v: new Int8Array(n).fill(-1) };
}
function isNullAt(x: Vec, i: number): boolean {
  return x.t === 'num' ? x.nul[i] === 1 : x.t === 'str' ? x.v[i] === null : x.v[i] === -1;
}
/** A NULL literal evaluates to an all-null bool vector; treat it as null of any kind. */
function isNullConst(x: Vec): boolean {
  return x.t === 'bool' && x.v.every((b) => b === -1) && x.v.length > 0;
}

function asBool(x: Vec, n: number): BoolVec {
  return x.t === 'bool' ? x : allNullBool(n);
}

function compare(op: string, a: Vec, b: Vec, n: number): BoolVec {
  const out = new Int8Array(n);
  const test = (c: number): number => {
    switch (op) {
      case '=':
        return c === 0 ? 1 : 0;
      case '!=':
        return c !== 0 ? 1 : 0;
      case '<':
        return c < 0 ? 1 : 0;
      case '<=':
        return c <= 0 ? 1 : 0;
      case '>':
        return c > 0 ? 1 : 0;
      default:
        return c >= 0 ? 1 : 0;
    }
  };
  if (a.t === 'num' && b.t === 'num') {
    const av = a.v,
      bv = b.v,
      an = a.nul,
      bn = b.nul;
    for (let i = 0; i < n; i++) {
      if (an[i] || bn[i]) out[i] = -1;
      else {
        const x = av[i]!,
          y = bv[i]!;
        // NaN compares unequal and unordered (IEEE): every comparison but != is false.
        out[i] = x !== x || y !== y ? (op === '!=' ? 1 : 0) : test(x < y ? -1 : x > y ? 1 : 0);
      }
    }
    return { t: 'bool', v: out };
  }
  if (a.t === 'str' && b.t === 'str') {
    for (let i = 0; i < n; i++) {
      const x = a.v[i],
        y = b.v[i];
      out[i] = x === null || y === null || x === undefined || y === undefined ? -1 : test(x < y ? -1 : x > y ? 1 : 0);
    }
    return { t: 'bool', v: out };
  }
  if (a.t === 'bool' && b.t === 'bool') {
    for (let i = 0; i < n; i++) {
      const x = a.v[i]!,
        y = b.v[i]!;
      out[i] = x < 0 || y < 0 ? -1 : test(x - y);
    }
    return { t: 'bool', v: out };
  }
  return allNullBool(n);
}

function arith(op: string, a: Vec, b: Vec, n: number): NumVec {
  if (a.t !== 'num' || b.t !== 'num') return allNullNum(n);
  const v = new Float64Array(n);
  const nul = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (a.nul[i] || b.nul[i]) {
      nul[i] = 1;
      continue;
    }
    const x = a.v[i]!,
      y = b.v[i]!;
    switch (op) {
      case '+':
        v[i] = x + y;
        break;
      case '-':
        v[i] = x - y;
        break;
      case '*':
        v[i] = x * y;
        break;
      case '/':
        if (y === 0) nul[i] = 1;
        else v[i] = x / y;
        break;
      default:
        if (y === 0) nul[i] = 1;
        else v[i] = x % y;
    }
  }
  return { t: 'num', v, nul };
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${re}$`, 'su');
}

function mapStr(x: Vec, n: number, f: (s: string) => string): StrVec {
  if (x.t !== 'str') return { t: 'str', v: new Array<null>(n).fill(null) };
  return { t: 'str', v: x.v.map((s) => (s === null ? null : f(s))) };
}


/** The literal value of a node, when it is one (numbers, strings, TIMESTAMP/DATE literals). */
function scalarOf(e: Expr): number | string | undefined {
  if (e.k === 'lit' && (typeof e.v === 'number' || typeof e.v === 'string')) return e.v;
  if (e.k === 'time') return e.micros;
  return undefined;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '!=': '!=' };

/** `a op c` for a vector and a scalar, without broadcasting the scalar. */
function compareScalar(op: string, a: Vec, c: number | string, n: number): BoolVec {
  const out = new Int8Array(n);
  const lt = op === '<' || op === '<=' || op === '!=';
  const eq = op === '=' || op === '<=' || op === '>=';
  const gt = op === '>' || op === '>=' || op === '!=';
  if (a.t === 'num' && typeof c === 'number') {
    const v = a.v,
      nul = a.nul;
    if (c !== c) {
      for (let i = 0; i < n; i++) out[i] = nul[i] ? -1 : op === '!=' ? 1 : 0;
      return { t: 'bool', v: out };
    }
    for (let i = 0; i < n; i++) {
      if (nul[i]) out[i] = -1;
      else {
        const x = v[i]!;
        out[i] = x < c ? (lt ? 1 : 0) : x > c ? (gt ? 1 : 0) : x === c ? (eq ? 1 : 0) : op === '!=' ? 1 : 0;
      }
    }
    return { t: 'bool', v: out };
  }
  if (a.t === 'str' && typeof c === 'string') {
    const v = a.v;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      out[i] = x === null || x === undefined ? -1 : x < c ? (lt ? 1 : 0) : x > c ? (gt ? 1 : 0) : eq ? 1 : 0;
    }
    return { t: 'bool', v: out };
  }
  return allNullBool(n);
}

const encoder = new TextEncoder();

/** Set membership over raw UTF-8 bytes (no decoding): 1 member, 0 not, -1 null. */
function inRaw(raw: RawStrings, values: string[], n: number): Int8Array {
  const byLen = new Map<number, Uint8Array[]>();
  for (const s of values) {
    const b = encoder.encode(s);
    const l = byLen.get(b.length);
    if (l) l.push(b);
    else byLen.set(b.length, [b]);
  }
  const { bytes, offsets, nul } = raw;
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    if (nul[i]) {
      out[i] = -1;
      continue;
    }
    const start = offsets[i]!;
    const cands = byLen.get(offsets[i + 1]! - start);
    let hit = 0;
    if (cands) {
      for (const c of cands) {
        let k = 0;
        while (k < c.length && bytes[start + k] === c[k]) k++;
        if (k === c.length) {
          hit = 1;
          break;
        }
      }
    }
    out[i] = hit;
  }
  return out;
}

/** Character (code point) lengths straight from UTF-8 offsets: bytes minus continuation bytes. */
function lengthsRaw(raw: RawStrings, n: number): NumVec {
  const { bytes, offsets, nul } = raw;
  const v = new Float64Array(n);
  let ascii = true;
  for (let k = offsets[0]!, end = offsets[n]!; k < end; k++)
    if (bytes[k]! >= 0x80) {
      ascii = false;
      break;
    }
  for (let i = 0; i < n; i++) {
    if (nul[i]) continue;
    const a = offsets[i]!,
      b = offsets[i + 1]!;
    if (ascii) v[i] = b - a;
    else {
      let c = 0;
      for (let k = a; k < b; k++) if ((bytes[k]! & 0xc0) !== 0x80) c++;
      v[i] = c;
    }
  }
  return { t: 'num', v, nul };
}

/** Code-point length, as SQL engines count characters. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      n++;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

const regexCache = new Map<string, RegExp>();
/** The compiled RegExp of a pattern (cached); `u` flag, partial match as SQL engines do. */
export function regexOf(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** Evaluates `e` over `n` rows whose columns `cols` resolves. */
export function evaluate(e: Expr, cols: ColumnLookup, n: number): Vec {
  switch (e.k) {
    case 'col': {
      const v = cols(e.name);
      return v ?? allNullBool(n);
    }
    case 'lit':
      return constVec(e.v, n);
    case 'time':
      return constVec(e.micros, n);
    case 'neg': {
      const x = evaluate(e.e, cols, n);
      if (x.t !== 'num') return allNullNum(n);
      return { t: 'num', v: x.v.map((y) => -y), nul: x.nul };
    }
    case 'not': {
      const x = asBool(evaluate(e.e, cols, n), n);
      return { t: 'bool', v: x.v.map((b) => (b < 0 ? -1 : 1 - b)) };
    }
    case 'isnull': {
      const x = evaluate(e.e, cols, n);
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) out[i] = isNullAt(x, i) !== e.not ? 1 : 0;
      return { t: 'bool', v: out };
    }
    case 'bin': {
      if (e.op === 'AND' || e.op === 'OR') {
        const a = asBool(evaluate(e.l, cols, n), n);
        const b = asBool(evaluate(e.r, cols, n), n);
        const out = new Int8Array(n);
        for (let i = 0; i < n; i++) {
          const x = a.v[i]!,
            y = b.v[i]!;
          if (e.op === 'AND') out[i] = x === 0 || y === 0 ? 0 : x < 0 || y < 0 ? -1 : 1;
          else out[i] = x === 1 || y === 1 ? 1 : x < 0 || y < 0 ? -1 : 0;
        }
        return { t: 'bool', v: out };
      }
      if (!['+', '-', '*', '/', '%'].includes(e.op)) {
        const rc = scalarOf(e.r);
        if (rc !== undefined && e.l.k !== 'lit') return compareScalar(e.op, evaluate(e.l, cols, n), rc, n);
        const lc = scalarOf(e.l);
        if (lc !== undefined && e.r.k !== 'lit') return compareScalar(FLIP[e.op]!, evaluate(e.r, cols, n), lc, n);
      }
      const a = evaluate(e.l, cols, n);
      const b = evaluate(e.r, cols, n);
      if (isNullConst(a) || isNullConst(b)) return ['+', '-', '*', '/', '%'].includes(e.op) ? allNullNum(n) : allNullBool(n);
      if (['+', '-', '*', '/', '%'].includes(e.op)) return arith(e.op, a, b, n);
      return compare(e.op, a, b, n);
    }
    case 'in': {
      const x = evaluate(e.e, cols, n);
      if (x.t === 'str' && x.raw && e.list.every((l) => l.k === 'lit' && typeof l.v === 'string')) {
        const out = inRaw(x.raw, e.list.map((l) => (l as { v: string }).v), n);
        if (e.not) for (let i = 0; i < n; i++) out[i] = out[i]! < 0 ? -1 : 1 - out[i]!;
        return { t: 'bool', v: out };
      }
      const out = new Int8Array(n).fill(0);
      const items = e.list.map((l) => evaluate(l, cols, n));
      for (const item of items) {
        const c = isNullConst(item) ? allNullBool(n) : compare('=', x, item, n);
        for (let i = 0; i < n; i++) {
          const r = c.v[i]!;
          if (r === 1) out[i] = 1;
          else if (r === -1 && out[i] === 0) out[i] = -1;
        }
      }
      for (let i = 0; i < n; i++) if (isNullAt(x, i)) out[i] = -1;
      if (e.not) for (let i = 0; i < n; i++) out[i] = out[i]! < 0 ? -1 : 1 - out[i]!;
      return { t: 'bool', v: out };
    }
    case 'between': {
      const x = evaluate(e.e, cols, n);
      const los = scalarOf(e.lo);
      const his = scalarOf(e.hi);
      const lo = los !== undefined ? compareScalar('>=', x, los, n) : compare('>=', x, evaluate(e.lo, cols, n), n);
      const hi = his !== undefined ? compareScalar('<=', x, his, n) : compare('<=', x, evaluate(e.hi, cols, n), n);
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) {
        const a = lo.v[i]!,
          b = hi.v[i]!;
        const r = a === 0 || b === 0 ? 0 : a < 0 || b < 0 ? -1 : 1;
        out[i] = e.not && r >= 0 ? 1 - r : r;
      }
      return { t: 'bool', v: out };
    }
    case 'like': {
      const x = evaluate(e.e, cols, n);
      const re = likeRegex(e.pattern);
      const out = new Int8Array(n);
      for (let i = 0; i < n; i++) {
        const s = x.t === 'str' ? x.v[i] : null;
        out[i] = s === null || s === undefined ? -1 : re.test(s) !== e.not ? 1 : 0;
      }
      return { t: 'bool', v: out };
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, cols, n));
      const x = args[0]!;
      switch (e.fn) {
        case 'length': {
          if (x.t !== 'str') return allNullNum(n);
          if (x.raw) return lengthsRaw(x.raw, n);
          const v = new Float64Array(n);
          const nul = new Uint8Array(n);
          for (let i = 0; i < n; i++) {
            const s = x.v[i];
            if (s === null || s === undefined) nul[i] = 1;
            else v[i] = codePointLength(s);
          }
          return { t: 'num', v, nul };
        }
        case 'lower':
          return mapStr(x, n, (s) => s.toLowerCase());
        case 'upper':
          return mapStr(x, n, (s) => s.toUpperCase());
        case 'abs':
          return x.t === 'num' ? { t: 'num', v: x.v.map(Math.abs), nul: x.nul } : allNullNum(n);
        case 'coalesce': {
          const kinds = args.filter((a) => !isNullConst(a));
          const first = kinds[0];
          if (first === undefined) return allNullBool(n);
          if (!kinds.every((k) => k.t === first.t)) return allNullBool(n);
          if (first.t === 'num') {
            const v = new Float64Array(n);
            const nul = new Uint8Array(n).fill(1);
            for (let i = 0; i < n; i++)
              for (const a of kinds as NumVec[])
                if (!a.nul[i]) {
                  v[i] = a.v[i]!;
                  nul[i] = 0;
                  break;
                }
            return { t: 'num', v, nul };
          }
          if (first.t === 'str') {
            const v: (string | null)[] = new Array<string | null>(n).fill(null);
            for (let i = 0; i < n; i++)
              for (const a of kinds as StrVec[])
                if (a.v[i] !== null) {
                  v[i] = a.v[i]!;
                  break;
                }
            return { t: 'str', v };
          }
          const v = new Int8Array(n).fill(-1);
          for (let i = 0; i < n; i++)
            for (const a of kinds as BoolVec[])
              if (a.v[i]! >= 0) {
                v[i] = a.v[i]!;
                break;
              }
          return { t: 'bool', v };
        }
        case 'regexp_matches': {
          const p = e.args[1]!;
          const re = regexOf(p.k === 'lit' && typeof p.v === 'string' ? p.v : '');
          const out = new Int8Array(n);
          if (x.t === 'str' && x.raw && x.raw.lowCardinality()) {
            // Test each distinct value once.
            const { ids, values } = x.raw.dictionary();
            const hit = Int8Array.from(values, (s) => (re.test(s) ? 1 : 0));
            for (let i = 0; i < n; i++) {
              const d = ids[i]!;
              out[i] = d < 0 ? -1 : hit[d]!;
            }
            return { t: 'bool', v: out };
          }
          for (let i = 0; i < n; i++) {
            const s = x.t === 'str' ? x.v[i] : null;
            out[i] = s === null || s === undefined ? -1 : re.test(s) ? 1 : 0;
          }
          return { t: 'bool', v: out };
        }
      }
    }
  }
}
