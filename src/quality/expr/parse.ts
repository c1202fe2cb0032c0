/**
 * Parser of the row-expression language (see ./ast.ts). Recursive descent,
 * linear in the input, depth-limited so hostile input cannot overflow the
 * stack; every error is a ValidationError naming the offset.
 *
 * @module
 */
import { ValidationError } from '../../errors.js';
import { FUNCTIONS, type BinaryOp, type Expr, type FunctionName } from './ast.js';

type Tok =
  | { t: 'num'; v: number; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'id'; v: string; quoted: boolean; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; at: number };

const MAX_DEPTH = 200;
const MAX_LENGTH = 100_000;

function fail(src: string, at: number, what: string): never {
  throw new ValidationError(`invalid expression at offset ${at}: ${what} in ${JSON.stringify(src.length > 200 ? `${src.slice(0, 200)}…` : src)}`, {
    context: { expression: src.slice(0, 500), offset: at },
  });
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 400))!;
      out.push({ t: 'num', v: Number(m[0]), at });
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) fail(src, at, 'unterminated string');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i];
        i++;
      }
      out.push({ t: 'str', v: s, at });
      continue;
    }
    if (c === '"' || c === '`') {
      const end = src.indexOf(c, i + 1);
      if (end < 0) fail(src, at, 'unterminated quoted column name');
      out.push({ t: 'id', v: src.slice(i + 1, end), quoted: true, at });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 300))!;
      out.push({ t: 'id', v: m[0], quoted: false, at });
      i += m[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['<=', '>=', '!=', '<>', '=='].includes(two)) {
      out.push({ t: 'op', v: two === '<>' ? '!=' : two === '==' ? '=' : two, at });
      i += 2;
      continue;
    }
    if ('+-*/%=<>(),'.includes(c)) {
      out.push({ t: 'op', v: c, at });
      i++;
      continue;
    }
    fail(src, at, `unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ t: 'end', at: src.length });
  return out;
}

/** Microseconds since the epoch of a `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` UTC literal, or undefined. */
export function parseTimeLiteral(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(?:Z|\+00:?00)?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, f] = m.slice(1).map((x) => x ?? '0');
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return ms * 1000 + Number((f ?? '0').padEnd(6, '0'));
}

class Parser {
  private p = 0;
  private depth = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Tok[],
  ) {}

  private peek(): Tok {
    return this.toks[this.p]!;
  }
  private next(): Tok {
    return this.toks[this.p++]!;
  }
  private kw(word: string): boolean {
    const t = this.peek();
    if (t.t === 'id' && !t.quoted && t.v.toUpperCase() === word) {
      this.p++;
      return true;
    }
    return false;
  }
  private isKw(word: string, offset = 0): boolean {
    const t = this.toks[this.p + offset];
    return t !== undefined && t.t === 'id' && !t.quoted && t.v.toUpperCase() === word;
  }
  private op(v: string): boolean {
    const t = this.peek();
    if (t.t === 'op' && t.v === v) {
      this.p++;
      return true;
    }
    return false;
  }
  private expect(v: string): void {
    if (!this.op(v)) fail(this.src, this.peek().at, `expected '${v}'`);
  }

  parse(): Expr {
    const e = this.or();
    const t = this.peek();
    if (t.t !== 'end') fail(this.src, t.at, 'unexpected text after the expression');
    return e;
  }

  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) fail(this.src, this.peek().at, `nesting deeper than ${MAX_DEPTH}`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    return this.nest(() => {
      let l = this.and();
      while (this.kw('OR')) l = { k: 'bin', op: 'OR', l, r: this.and() };
      return l;
    });
  }
  private and(): Expr {
    let l = this.notExpr();
    while (this.kw('AND')) l = { k: 'bin', op: 'AND', l, r: this.notExpr() };
    return l;
  }
  private notExpr(): Expr {
    if (this.kw('NOT')) return this.nest(() => ({ k: 'not', e: this.notExpr() }));
    return this.comparison();
  }
  private comparison(): Expr {
    const l = this.additive();
    const t = this.peek();
    if (t.t === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.p++;
      return { k: 'bin', op: t.v as BinaryOp, l, r: this.additive() };
    }
    if (this.kw('IS')) {
      const not = this.kw('NOT');
      if (!this.kw('NULL')) fail(this.src, this.peek().at, 'expected NULL after IS');
      return { k: 'isnull', e: l, not };
    }
    const not = this.isKw('NOT') && (this.isKw('IN', 1) || this.isKw('BETWEEN', 1) || this.isKw('LIKE', 1)) ? this.kw('NOT') : false;
    if (this.kw('IN')) {
      this.expect('(');
      const list: Expr[] = [];
      do list.push(this.additive());
      while (this.op(','));
      this.expect(')');
      return { k: 'in', e: l, list, not };
    }
    if (this.kw('BETWEEN')) {
      const lo = this.additive();
      if (!this.kw('AND')) fail(this.src, this.peek().at, 'expected AND in BETWEEN');
      return { k: 'between', e: l, lo, hi: this.additive(), not };
    }
    if (this.kw('LIKE')) {
      const p = this.next();
      if (p.t !== 'str') fail(this.src, p.at, 'LIKE needs a string pattern');
      return { k: 'like', e: l, pattern: p.v, not };
    }
    if (not) fail(this.src, this.peek().at, 'expected IN, BETWEEN or LIKE after NOT');
    return l;
  }
  private additive(): Expr {
    let l = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '+' || t.v === '-')) {
        this.p++;
        l = { k: 'bin', op: t.v, l, r: this.multiplicative() };
      } else return l;
    }
  }
  private multiplicative(): Expr {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '*' || t.v === '/' || t.v === '%')) {
        this.p++;
        l = { k: 'bin', op: t.v, l, r: this.unary() };
      } else return l;
    }
  }
  private unary(): Expr {
    if (this.op('-')) return this.nest(() => {
      const e = this.unary();
      return e.k === 'lit' && typeof e.v === 'number' ? { k: 'lit', v: -e.v } : { k: 'neg', e };
    });
    return this.primary();
  }
  private primary(): Expr {
    const t = this.next();
    switch (t.t) {
      case 'num':
        return { k: 'lit', v: t.v };
      case 'str':
        return { k: 'lit', v: t.v };
      case 'op':
        if (t.v === '(') {
          const e = this.or();
          this.expect(')');
          return e;
        }
        return fail(this.src, t.at, `unexpected '${t.v}'`);
      case 'end':
        return fail(this.src, t.at, 'unexpected end of expression');
      case 'id': {
        if (!t.quoted) {
          const up = t.v.toUpperCase();
          if (up === 'TRUE' || up === 'FALSE') return { k: 'lit', v: up === 'TRUE' };
          if (up === 'NULL') return { k: 'lit', v: null };
          if ((up === 'TIMESTAMP' || up === 'DATE') && this.peek().t === 'str') {
            const s = this.next() as { v: string; at: number };
            const micros = parseTimeLiteral(s.v);
            if (micros === undefined || (up === 'DATE' && !/^\d{4}-\d{2}-\d{2}$/.test(s.v.trim()))) fail(this.src, s.at, `invalid ${up} literal '${s.v}' (use 'YYYY-MM-DD${up === 'DATE' ? '' : ' HH:MM:SS[.ffffff]'}', UTC)`);
            return { k: 'time', micros, date: up === 'DATE' };
          }
          if (this.op('(')) {
            const fn = t.v.toLowerCase();
            if (!(fn in FUNCTIONS)) fail(this.src, t.at, `unknown function ${t.v} (known: ${Object.keys(FUNCTIONS).join(', ')})`);
            const args: Expr[] = [];
            if (!this.op(')')) {
              do args.push(this.or());
              while (this.op(','));
              this.expect(')');
            }
            const [min, max] = FUNCTIONS[fn as FunctionName];
            if (args.length < min || args.length > max) fail(this.src, t.at, `${fn} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
            if (fn === 'regexp_matches') {
              const p = args[1]!;
              if (p.k !== 'lit' || typeof p.v !== 'string') fail(this.src, t.at, 'regexp_matches needs a string literal pattern');
              try {
                new RegExp(p.v, 'u');
              } catch (e) {
                fail(this.src, t.at, `invalid regular expression: ${(e as Error).message}`);
              }
            }
            return { k: 'call', fn: fn as FunctionName, args };
          }
        }
        return { k: 'col', name: t.v };
      }
    }
  }
}

/**
 * Parses a row expression such as `amount > 0 AND currency IN ('USD', 'EUR')`.
 * Throws ValidationError (with the offset) on malformed input.
 */
export function parseExpr(src: string): Expr {
  if (typeof src !== 'string' || src.trim() === '') throw new ValidationError('an expression must be a non-empty string');
  if (src.length > MAX_LENGTH) throw new ValidationError(`an expression may be at most ${MAX_LENGTH} characters long`);
  return new Parser(src, tokenize(src)).parse();
}
