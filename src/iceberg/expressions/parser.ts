/**
 * A small SQL-like text syntax for filters, for the CLI and notebooks.
 *
 * ```text
 * ts >= '2026-11-01' and currency in ('EUR', 'USD') and not merchant is null
 * amount between 10 and 20.5 or name like 'Jo%' or name starts with 'Ann'
 * "order"."total" <> 0 and payload = X'00ff' and score is not nan
 * ```
 *
 * Operators: `= == != <> < <= > >=`, `is [not] null`, `is [not] nan`,
 * `[not] in (…)`, `[not] starts with '…'`, `[not] like 'prefix%'` (only a
 * trailing `%`), `[not] between a and b`; `and`, `or`, `not`, parentheses,
 * `true`, `false`. Keywords are case-insensitive. Strings use single quotes
 * (`''` inside); column names may be dotted and double-quoted or
 * backquoted; `X'…'` is a byte literal; a literal may stand on the left
 * (`5 < x`). Errors are ValidationErrors that point at the offending text.
 *
 * @example
 * ```ts
 * const filter = parseFilter("ts >= '2026-11-01' and not merchant is null");
 * ```
 */
import { ValidationError } from '../../errors.js';
import { parseDecimal } from '../spec/decimal.js';
import { and, literalPredicate, not, or, setPredicate, unaryPredicate, ALWAYS_FALSE, ALWAYS_TRUE } from './builders.js';
import type { Expression, LiteralOp, LiteralValue } from './expression.js';

/** Deepest nesting of parentheses and `not` accepted. */
export const MAX_FILTER_DEPTH = 200;
/** Longest filter text accepted, in characters. */
export const MAX_FILTER_LENGTH = 1_000_000;

type Kind = 'ident' | 'quoted' | 'string' | 'bytes' | 'number' | 'symbol' | 'end';
interface Token {
  kind: Kind;
  text: string;
  pos: number;
}

const SYMBOLS = ['<=', '>=', '<>', '!=', '==', '=', '<', '>', '(', ')', ',', '.', '-', '+'];
const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'nan', 'in', 'like', 'starts', 'with', 'between', 'true', 'false']);
const COMPARISONS: Record<string, LiteralOp> = { '=': 'eq', '==': 'eq', '!=': 'not-eq', '<>': 'not-eq', '<': 'lt', '<=': 'lt-eq', '>': 'gt', '>=': 'gt-eq' };
const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Whether `word` is a keyword of the filter syntax (column names that are keywords must be quoted). */
export function isFilterKeyword(word: string): boolean {
  return KEYWORDS.has(word.toLowerCase());
}

function fail(text: string, pos: number, problem: string): never {
  const from = Math.max(0, pos - 30);
  const snippet = text.slice(from, pos + 30).replace(/\s/g, ' ');
  throw new ValidationError(`cannot parse filter at character ${pos + 1}: ${problem}\n  ${snippet}\n  ${' '.repeat(pos - from)}^`, { context: { position: pos } });
}

function quotedRun(text: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const j = text.indexOf(quote, i);
    if (j < 0) fail(text, start, `the ${quote}…${quote} starting here is never closed`);
    value += text.slice(i, j);
    if (text[j + 1] === quote) {
      value += quote;
      i = j + 2;
    } else {
      return { value, end: j + 1 };
    }
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    if ((c === 'x' || c === 'X') && text[i + 1] === "'") {
      const q = quotedRun(text, i + 1, "'");
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(q.value)) fail(text, i, "a byte literal X'…' needs pairs of hex digits");
      tokens.push({ kind: 'bytes', text: q.value, pos: i });
      i = q.end;
    } else if (c === "'" || c === '"' || c === '`') {
      const q = quotedRun(text, i, c);
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text: q.value, pos: i });
      i = q.end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? '') && prev?.kind !== 'ident' && prev?.kind !== 'quoted')) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400))!;
      if (/[A-Za-z_]/.test(text[i + m[0].length] ?? '')) fail(text, i, 'a number runs into letters; put a space after it or quote the name');
      tokens.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i, i + 10_000))!;
      tokens.push({ kind: 'ident', text: m[0], pos: i });
      i += m[0].length;
    } else {
      const s = SYMBOLS.find((sym) => text.startsWith(sym, i));
      if (s === undefined) fail(text, i, `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'symbol', text: s, pos: i });
      i += s.length;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: text.length });
  return tokens;
}

function numberValue(text: string, negative: boolean): LiteralValue {
  const signed = negative ? `-${text}` : text;
  if (/^\d+$/.test(text)) {
    const n = Number(signed);
    return Number.isSafeInteger(n) ? n : BigInt(signed);
  }
  const n = Number(signed);
  if (!Number.isFinite(n)) return signed;
  // a number only when the double is exactly the decimal written; else keep the text, which binding converts exactly
  const a = parseDecimal(signed);
  if (Math.abs(a.scale) > 400) return signed;
  const b = parseDecimal(String(n));
  const scale = Math.max(a.scale, b.scale);
  const same = a.unscaled * 10n ** BigInt(scale - a.scale) === b.unscaled * 10n ** BigInt(scale - b.scale);
  return same ? n : signed;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }
  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }
  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) this.fail(`expected ${word.toUpperCase()}`);
  }
  private isSymbol(s: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'symbol' && t.text === s;
  }
  private expectSymbol(s: string): void {
    if (!this.isSymbol(s)) this.fail(`expected "${s}"`);
    this.i++;
  }
  private fail(problem: string): never {
    const t = this.peek();
    return fail(this.text, t.pos, `${problem}, found ${t.kind === 'end' ? 'the end of the filter' : JSON.stringify(t.text)}`);
  }
  private enter(): void {
    if (++this.depth > MAX_FILTER_DEPTH) this.fail(`the filter nests more than ${MAX_FILTER_DEPTH} levels deep`);
  }

  parse(): Expression {
    const e = this.orExpr();
    if (this.peek().kind !== 'end') this.fail('expected AND, OR or the end of the filter');
    return e;
  }

  private orExpr(): Expression {
    const parts = [this.andExpr()];
    while (this.acceptKeyword('or')) parts.push(this.andExpr());
    return or(...parts);
  }

  private andExpr(): Expression {
    const parts = [this.notExpr()];
    while (this.acceptKeyword('and')) parts.push(this.notExpr());
    return and(...parts);
  }

  private notExpr(): Expression {
    if (this.acceptKeyword('not')) {
      this.enter();
      const e = not(this.notExpr());
      this.depth--;
      return e;
    }
    return this.primary();
  }

  private primary(): Expression {
    if (this.isSymbol('(')) {
      this.next();
      this.enter();
      const e = this.orExpr();
      this.depth--;
      this.expectSymbol(')');
      return e;
    }
    const t = this.peek();
    const keywordValue = (this.isKeyword('true') || this.isKeyword('false')) && !this.startsComparison(1);
    if (keywordValue) {
      this.next();
      return t.text.toLowerCase() === 'true' ? ALWAYS_TRUE : ALWAYS_FALSE;
    }
    if (this.startsLiteral()) {
      // literal on the left: `5 < x`
      const value = this.literal();
      const op = this.next();
      if (op.kind !== 'symbol' || COMPARISONS[op.text] === undefined) fail(this.text, op.pos, 'expected a comparison operator after the literal');
      const column = this.column();
      return literalPredicate(COMPARISONS[FLIPPED[op.text] ?? op.text]!, column, value);
    }
    return this.predicate(this.column());
  }

  private startsComparison(offset: number): boolean {
    const t = this.peek(offset);
    return t.kind === 'symbol' && COMPARISONS[t.text] !== undefined;
  }

  private startsLiteral(): boolean {
    const t = this.peek();
    return t.kind === 'string' || t.kind === 'bytes' || t.kind === 'number' || this.isSymbol('-') || this.isSymbol('+');
  }

  private column(): string {
    const parts: string[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'quoted') parts.push(t.text);
      else if (t.kind === 'ident' && !KEYWORDS.has(t.text.toLowerCase())) parts.push(t.text);
      else {
        this.i--;
        this.fail(t.kind === 'ident' ? `expected a column name (quote ${JSON.stringify(t.text)} to use it as one)` : 'expected a column name');
      }
      if (!this.isSymbol('.')) return parts.join('.');
      this.next();
    }
  }

  private literal(): LiteralValue {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'bytes') return Uint8Array.from(t.text.match(/../g) ?? [], (h) => parseInt(h, 16));
    if (t.kind === 'ident' && (t.text.toLowerCase() === 'true' || t.text.toLowerCase() === 'false')) return t.text.toLowerCase() === 'true';
    if (t.kind === 'symbol' && (t.text === '-' || t.text === '+')) {
      const n = this.next();
      if (n.kind !== 'number') fail(this.text, n.pos, `expected a number after "${t.text}"`);
      return numberValue(n.text, t.text === '-');
    }
    if (t.kind === 'number') return numberValue(t.text, false);
    this.i--;
    return this.fail('expected a literal (a quoted string, a number, true or false)');
  }

  private predicate(column: string): Expression {
    if (this.acceptKeyword('is')) {
      const negated = this.acceptKeyword('not');
      if (this.acceptKeyword('null')) return unaryPredicate(negated ? 'not-null' : 'is-null', column);
      if (this.acceptKeyword('nan')) return unaryPredicate(negated ? 'not-nan' : 'is-nan', column);
      return this.fail('expected NULL or NAN');
    }
    const t = this.peek();
    if (t.kind === 'symbol' && COMPARISONS[t.text] !== undefined) {
      this.next();
      return literalPredicate(COMPARISONS[t.text]!, column, this.literal());
    }
    const negated = this.acceptKeyword('not');
    if (this.acceptKeyword('in')) {
      this.expectSymbol('(');
      const values: LiteralValue[] = [];
      if (!this.isSymbol(')')) {
        values.push(this.literal());
        while (this.isSymbol(',')) {
          this.next();
          values.push(this.literal());
        }
      }
      this.expectSymbol(')');
      return setPredicate(negated ? 'not-in' : 'in', column, values);
    }
    if (this.acceptKeyword('starts')) {
      this.expectKeyword('with');
      return literalPredicate(negated ? 'not-starts-with' : 'starts-with', column, this.stringLiteral());
    }
    if (this.acceptKeyword('like')) {
      const pos = this.peek().pos;
      const pattern = this.stringLiteral();
      if (!pattern.endsWith('%') || /[%_]/.test(pattern.slice(0, -1))) {
        fail(this.text, pos, "LIKE supports only a prefix followed by one trailing % (such as 'Jo%'); use STARTS WITH or a comparison");
      }
      return literalPredicate(negated ? 'not-starts-with' : 'starts-with', column, pattern.slice(0, -1));
    }
    if (this.acceptKeyword('between')) {
      const low = this.literal();
      this.expectKeyword('and');
      const high = this.literal();
      const range = and(literalPredicate('gt-eq', column, low), literalPredicate('lt-eq', column, high));
      return negated ? not(range) : range;
    }
    return this.fail(negated ? 'expected IN, STARTS WITH, LIKE or BETWEEN after NOT' : 'expected a comparison, IS, IN, STARTS WITH, LIKE or BETWEEN');
  }

  private stringLiteral(): string {
    const t = this.next();
    if (t.kind !== 'string') {
      this.i--;
      this.fail("expected a quoted string such as 'abc'");
    }
    return t.text;
  }
}

/**
 * Parse a filter written in the text syntax above into an (unbound)
 * expression. Throws ValidationError pointing at the problem.
 */
export function parseFilter(text: string): Expression {
  if (typeof text !== 'string') throw new ValidationError('a filter must be a string');
  if (text.length > MAX_FILTER_LENGTH) throw new ValidationError(`the filter is ${text.length} characters long; the limit is ${MAX_FILTER_LENGTH}`);
  if (text.trim() === '') throw new ValidationError("the filter is empty; write a condition such as \"id = 7\", or 'true' to match every row");
  return new Parser(text, tokenize(text)).parse();
}
