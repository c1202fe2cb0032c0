/**
 * A reader for AWS Glue Data Quality's DQDL (Data Quality Definition
 * Language), so teams can bring their Glue rulesets:
 *
 * ```
 * Rules = [
 *   RowCount between 1000 and 2000000,
 *   IsPrimaryKey "id",
 *   ColumnValues "currency" in ["USD", "EUR"] with threshold > 0.99,
 *   (Mean "amount" > 0) and (StandardDeviation "amount" < 5000),
 *   IsComplete "merchant" where "currency = 'USD'"
 * ]
 * ```
 *
 * Supported rule types: RowCount, RowCountMatch, ColumnCount is not (lakekit
 * checks schemas with ColumnExists / ColumnDataType / SchemaMatch rules),
 * IsComplete, Completeness, IsUnique, Uniqueness, IsPrimaryKey, ColumnValues
 * (`in`, `not in`, `between`, `matches`, `not matches`, comparisons), ColumnLength,
 * ColumnExists, ColumnDataType, Mean, Sum, StandardDeviation,
 * DistinctValuesCount, ReferentialIntegrity, CustomSql, DataFreshness,
 * ColumnCorrelation; `and` / `or` composites; `where "…"` filters;
 * `with threshold` on row-level rules. `between` is read as inclusive.
 * Strict bounds (`>`, `<`) on measured values become the adjacent double, so
 * they stay strict.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { suggest } from './config.js';
import type { LogicalType, QualityRule, RuleSet } from './rules.js';

type Tok = { t: 'str' | 'num' | 'id' | 'op'; v: string; at: number } | { t: 'end'; v: ''; at: number };

/** The DQDL rule types this reader understands. */
export const DQDL_RULE_TYPES = [
  'RowCount',
  'RowCountMatch',
  'IsComplete',
  'Completeness',
  'IsUnique',
  'Uniqueness',
  'IsPrimaryKey',
  'ColumnValues',
  'ColumnLength',
  'ColumnExists',
  'ColumnDataType',
  'Mean',
  'Sum',
  'StandardDeviation',
  'DistinctValuesCount',
  'ReferentialIntegrity',
  'CustomSql',
  'DataFreshness',
  'ColumnCorrelation',
] as const;

const DQDL_TYPES: Record<string, LogicalType> = {
  STRING: 'string',
  VARCHAR: 'string',
  INTEGER: 'integer',
  INT: 'integer',
  LONG: 'integer',
  BIGINT: 'integer',
  SHORT: 'integer',
  BYTE: 'integer',
  DOUBLE: 'float',
  FLOAT: 'float',
  DECIMAL: 'decimal',
  BOOLEAN: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  BINARY: 'binary',
};

/** The next double above / below `x` (strict bounds as inclusive ones). */
function nextAfter(x: number, up: boolean): number {
  if (Number.isNaN(x) || !Number.isFinite(x)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  b[0] = b[0]! + ((x > 0) === up ? 1n : -1n);
  return f[0]!;
}

interface Cmp {
  min?: number;
  max?: number;
  /** For `=` / `!=` / `in` on column values. */
  eq?: (string | number)[];
  ne?: (string | number)[];
  matches?: string;
  notMatches?: boolean;
  strict?: { min: boolean; max: boolean };
  raw: { op: string; values: (string | number)[] };
}

class DqdlParser {
  private toks: Tok[] = [];
  private p = 0;
  constructor(private readonly src: string) {
    this.tokenize();
  }

  private lineOf(at: number): number {
    return this.src.slice(0, at).split('\n').length;
  }
  fail(at: number, msg: string, suggestion?: string): never {
    const line = this.lineOf(at);
    throw new ValidationError(`DQDL line ${line}: ${msg}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`, { context: { line, offset: at, ...(suggestion ? { suggestion } : {}) } });
  }

  private tokenize(): void {
    const s = this.src;
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < s.length && s[i] !== '\n') i++;
        continue;
      }
      const at = i;
      if (c === '"') {
        let v = '';
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) {
            v += s[i + 1];
            i += 2;
          } else v += s[i++];
        }
        if (i >= s.length) this.fail(at, 'unterminated string');
        i++;
        this.toks.push({ t: 'str', v, at });
        continue;
      }
      const num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s.slice(i, i + 64));
      if (num && (c !== '-' || /[\d.]/.test(s[i + 1] ?? ''))) {
        this.toks.push({ t: 'num', v: num[0], at });
        i += num[0].length;
        continue;
      }
      const id = /^[A-Za-z_][A-Za-z0-9_]*(?:\(\))?/.exec(s.slice(i, i + 200));
      if (id) {
        this.toks.push({ t: 'id', v: id[0], at });
        i += id[0].length;
        continue;
      }
      const two = s.slice(i, i + 2);
      if (['>=', '<=', '!=', '<>'].includes(two)) {
        this.toks.push({ t: 'op', v: two === '<>' ? '!=' : two, at });
        i += 2;
        continue;
      }
      if ('=<>[](),'.includes(c)) {
        this.toks.push({ t: 'op', v: c, at });
        i++;
        continue;
      }
      this.fail(at, `unexpected character ${JSON.stringify(c)}`);
    }
    this.toks.push({ t: 'end', v: '', at: s.length });
  }

  private peek(o = 0): Tok {
    return this.toks[Math.min(this.p + o, this.toks.length - 1)]!;
  }
  private next(): Tok {
    const t = this.peek();
    if (this.p < this.toks.length - 1) this.p++;
    return t;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.t === 'id' && t.v.toLowerCase() === v;
  }
  private expectOp(v: string): void {
    const t = this.next();
    if (t.t !== 'op' || t.v !== v) this.fail(t.at, `expected '${v}'${t.t === 'end' ? ' before the end' : `, found '${t.v}'`}`);
  }
  private str(what: string): string {
    const t = this.next();
    if (t.t !== 'str') this.fail(t.at, `expected ${what} as a "quoted string"`);
    return t.v;
  }
  private number(): number {
    const t = this.next();
    if (t.t !== 'num') this.fail(t.at, `expected a number${t.t === 'end' ? '' : `, found '${t.v}'`}`);
    return Number(t.v);
  }
  private value(): string | number {
    const t = this.next();
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'str') return t.v;
    return this.fail(t.at, `expected a number or a "string"`);
  }

  parseRuleset(): RuleSet {
    const head = this.next();
    if (head.t !== 'id' || head.v !== 'Rules') this.fail(head.at, "a DQDL document starts with 'Rules = ['", head.t === 'id' ? suggest(head.v, ['Rules']) : undefined);
    this.expectOp('=');
    this.expectOp('[');
    const rules: QualityRule[] = [];
    if (!this.isOp(']')) {
      do rules.push(this.composite());
      while (this.isOp(',') && this.next());
    }
    this.expectOp(']');
    const end = this.peek();
    if (end.t !== 'end') this.fail(end.at, `unexpected '${end.v}' after the rule list`);
    return { rules };
  }

  private composite(): QualityRule {
    const first = this.term();
    const op = this.isWord('and') ? 'and' : this.isWord('or') ? 'or' : undefined;
    if (!op) return first;
    const rules = [first];
    while (this.isWord(op)) {
      this.next();
      rules.push(this.term());
    }
    if (this.isWord(op === 'and' ? 'or' : 'and')) this.fail(this.peek().at, "mixing 'and' and 'or' needs parentheses");
    return { type: op, rules };
  }

  private term(): QualityRule {
    if (this.isOp('(')) {
      this.next();
      const r = this.composite();
      this.expectOp(')');
      return r;
    }
    return this.rule();
  }

  private cmp(): Cmp {
    const t = this.next();
    if (t.t === 'id' && t.v.toLowerCase() === 'between') {
      const lo = this.value();
      if (!this.isWord('and')) this.fail(this.peek().at, "expected 'and' in 'between … and …'");
      this.next();
      const hi = this.value();
      return { ...(typeof lo === 'number' ? { min: lo } : {}), ...(typeof hi === 'number' ? { max: hi } : {}), raw: { op: 'between', values: [lo, hi] } };
    }
    if (t.t === 'id' && t.v.toLowerCase() === 'not') {
      const u = this.next();
      if (u.t === 'id' && u.v.toLowerCase() === 'in') return { ne: this.list(), raw: { op: 'not in', values: [] } };
      if (u.t === 'id' && u.v.toLowerCase() === 'matches') return { matches: this.str('a regular expression'), notMatches: true, raw: { op: 'not matches', values: [] } };
      return this.fail(u.at, "expected 'in' or 'matches' after 'not'");
    }
    if (t.t === 'id' && t.v.toLowerCase() === 'in') return { eq: this.list(), raw: { op: 'in', values: [] } };
    if (t.t === 'id' && t.v.toLowerCase() === 'matches') return { matches: this.str('a regular expression'), raw: { op: 'matches', values: [] } };
    if (t.t === 'op' && ['=', '!=', '>', '>=', '<', '<='].includes(t.v)) {
      const v = this.value();
      const raw = { op: t.v, values: [v] };
      if (t.v === '=') return { eq: [v], ...(typeof v === 'number' ? { min: v, max: v } : {}), raw };
      if (t.v === '!=') return { ne: [v], raw };
      if (typeof v !== 'number') return { raw };
      if (t.v === '>') return { min: v, strict: { min: true, max: false }, raw };
      if (t.v === '>=') return { min: v, raw };
      if (t.v === '<') return { max: v, strict: { min: false, max: true }, raw };
      return { max: v, raw };
    }
    return this.fail(t.at, `expected an expression (=, !=, >, >=, <, <=, between, in, matches)${t.t === 'end' ? '' : `, found '${t.v}'`}`);
  }

  private list(): (string | number)[] {
    this.expectOp('[');
    const out: (string | number)[] = [];
    if (!this.isOp(']')) {
      do out.push(this.value());
      while (this.isOp(',') && this.next());
    }
    this.expectOp(']');
    return out;
  }

  /** Bounds of a measured (real-valued) quantity; strict bounds become the adjacent double. */
  private bounds(c: Cmp, at: number, integer = false): { min?: number; max?: number } {
    if (c.ne || c.matches !== undefined || (c.eq && c.min === undefined)) this.fail(at, `'${c.raw.op}' cannot bound a measured value; use =, >, >=, <, <= or between`);
    const out: { min?: number; max?: number } = {};
    if (c.min !== undefined) out.min = c.strict?.min ? (integer && Number.isInteger(c.min) ? c.min + 1 : nextAfter(c.min, true)) : c.min;
    if (c.max !== undefined) out.max = c.strict?.max ? (integer && Number.isInteger(c.max) ? c.max - 1 : nextAfter(c.max, false)) : c.max;
    return out;
  }

  /** A fraction threshold (`= 1.0`, `>= 0.95`) as an allowed failure fraction. */
  private fraction(c: Cmp, at: number): number {
    this.bounds(c, at);
    if (c.min === undefined) this.fail(at, 'a fraction threshold needs a lower bound (e.g. > 0.95 or = 1.0)');
    return Math.min(1, Math.max(0, +(1 - c.min).toFixed(12)));
  }

  private tail(rule: QualityRule): QualityRule {
    const out = { ...rule } as QualityRule;
    if (this.isWord('with')) {
      const at = this.next().at;
      if (!this.isWord('threshold')) this.fail(this.peek().at, "expected 'threshold' after 'with'");
      this.next();
      const c = this.cmp();
      if (!['inSet', 'notInSet', 'between', 'matches', 'predicate', 'length'].includes(rule.type)) this.fail(at, `'with threshold' applies to ColumnValues and ColumnLength rules`);
      out.maxFailureFraction = this.fraction(c, at);
    }
    if (this.isWord('where')) {
      this.next();
      out.where = this.str('the where clause');
    }
    return out;
  }

  private rule(): QualityRule {
    const t = this.next();
    if (t.t !== 'id') return this.fail(t.at, `expected a rule type${t.t === 'end' ? '' : `, found '${t.v}'`}`);
    const at = t.at;
    switch (t.v) {
      case 'RowCount':
        return this.tail({ type: 'rowCount', ...this.bounds(this.cmp(), at, true) });
      case 'RowCountMatch': {
        const reference = this.str('the reference dataset');
        const b = this.bounds(this.cmp(), at);
        return this.tail({ type: 'rowCountMatch', reference, ...(b.min !== undefined ? { minRatio: b.min } : { minRatio: 0 }), ...(b.max !== undefined ? { maxRatio: b.max } : { maxRatio: Number.MAX_VALUE }) });
      }
      case 'IsComplete':
        return this.tail({ type: 'isComplete', column: this.str('the column') });
      case 'Completeness': {
        const column = this.str('the column');
        const b = this.bounds(this.cmp(), at);
        return this.tail({ type: 'completeness', column, min: b.min ?? 0 });
      }
      case 'IsUnique':
        return this.tail({ type: 'isUnique', columns: [this.str('the column')] });
      case 'Uniqueness': {
        const column = this.str('the column');
        const b = this.bounds(this.cmp(), at);
        return this.tail({ type: 'uniqueness', columns: [column], min: b.min ?? 0 });
      }
      case 'IsPrimaryKey': {
        const columns = [this.str('the column')];
        while (this.peek().t === 'str') columns.push(this.str('a column'));
        return this.tail({ type: 'primaryKey', columns });
      }
      case 'ColumnValues': {
        const column = this.str('the column');
        const c = this.cmp();
        if (c.matches !== undefined) {
          const pattern = `^(?:${c.matches})$`;
          return this.tail(c.notMatches ? { type: 'predicate', expression: `NOT regexp_matches(${quoteCol(column)}, ${sqlString(pattern)})`, name: `ColumnValues(${column}) not matches` } : { type: 'matches', column, pattern });
        }
        if (c.ne) return this.tail({ type: 'notInSet', column, values: c.ne });
        if (c.eq && c.raw.op !== '=') return this.tail({ type: 'inSet', column, values: c.eq });
        if (c.eq && typeof c.eq[0] === 'string') return this.tail({ type: 'inSet', column, values: c.eq });
        if (c.raw.op === 'between' && c.raw.values.some((v) => typeof v === 'string')) return this.tail({ type: 'between', column, min: c.raw.values[0]!, max: c.raw.values[1]! });
        if (c.raw.op !== 'between' && c.raw.values.some((v) => typeof v === 'string')) {
          const v = c.raw.values[0] as string;
          return this.tail({ type: 'predicate', expression: `${quoteCol(column)} ${c.raw.op} TIMESTAMP ${sqlString(v)}`, name: `ColumnValues(${column}) ${c.raw.op} ${v}` });
        }
        if (c.strict) return this.tail({ type: 'between', column, ...(c.min !== undefined ? { min: c.min } : { max: c.max! }), exclusive: true });
        return this.tail({ type: 'between', column, ...(c.min !== undefined ? { min: c.min } : {}), ...(c.max !== undefined ? { max: c.max } : {}) });
      }
      case 'ColumnLength': {
        const column = this.str('the column');
        return this.tail({ type: 'length', column, ...this.bounds(this.cmp(), at, true) });
      }
      case 'ColumnExists':
        return this.tail({ type: 'columnExists', column: this.str('the column') });
      case 'ColumnDataType': {
        const column = this.str('the column');
        const c = this.cmp();
        const name = String(c.eq?.[0] ?? '').toUpperCase();
        const dataType = DQDL_TYPES[name];
        if (c.raw.op !== '=' || dataType === undefined) this.fail(at, `ColumnDataType needs = "<type>" with a type among ${Object.keys(DQDL_TYPES).join(', ')}`, suggest(name, Object.keys(DQDL_TYPES)));
        return this.tail({ type: 'columnType', column, dataType });
      }
      case 'Mean':
      case 'Sum':
      case 'StandardDeviation':
      case 'DistinctValuesCount': {
        const column = this.str('the column');
        const type = ({ Mean: 'mean', Sum: 'sum', StandardDeviation: 'stddev', DistinctValuesCount: 'distinctCount' } as const)[t.v];
        return this.tail({ type, column, ...this.bounds(this.cmp(), at, type === 'distinctCount') });
      }
      case 'ColumnCorrelation': {
        const column = this.str('the first column');
        const other = this.str('the second column');
        return this.tail({ type: 'correlation', column, other, ...this.bounds(this.cmp(), at) });
      }
      case 'ReferentialIntegrity': {
        const columns = splitCols(this.str('the primary columns'));
        const refAt = this.peek().at;
        const ref = this.str('the reference as "dataset.column" or "dataset.{a,b}"');
        const m = /^([^.]+)\.(?:\{([^}]*)\}|(.+))$/.exec(ref);
        if (!m) this.fail(refAt, `reference '${ref}' is not "dataset.column" or "dataset.{a,b}"`);
        const referenceColumns = splitCols(m[2] ?? m[3]!);
        return this.tail({ type: 'referentialIntegrity', columns, reference: m[1]!, referenceColumns, maxFailureFraction: this.fraction(this.cmp(), at) });
      }
      case 'CustomSql': {
        const sql = this.str('the SQL statement');
        return this.tail({ type: 'customSql', sql, ...this.bounds(this.cmp(), at) });
      }
      case 'DataFreshness': {
        const column = this.str('the column');
        const c = this.cmp();
        if (!(c.raw.op === '<=' || c.raw.op === '<') || c.max === undefined) this.fail(at, 'DataFreshness needs "<= <n> hours|days|minutes"');
        const unit = this.next();
        const mult = unit.t === 'id' ? { hours: 3600, hour: 3600, days: 86400, day: 86400, minutes: 60, minute: 60 }[unit.v.toLowerCase()] : undefined;
        if (mult === undefined) this.fail(unit.at, `expected hours, days or minutes after the number`, unit.t === 'id' ? suggest(unit.v.toLowerCase(), ['hours', 'days', 'minutes']) : undefined);
        return this.tail({ type: 'freshness', column, maxAgeSeconds: c.max * mult });
      }
      default:
        return this.fail(at, `unknown or unsupported DQDL rule type '${t.v}'`, suggest(t.v, DQDL_RULE_TYPES));
    }
  }
}

function splitCols(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}
function quoteCol(c: string): string {
  return `"${c.replace(/"/g, '')}"`;
}
function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Reads a DQDL ruleset into a lakekit {@link RuleSet}. Throws ValidationError
 * with the line (and a suggestion for misspelt rule types) on anything it
 * cannot read.
 *
 * @example
 * ```ts
 * const ruleSet = parseDqdl('Rules = [ IsPrimaryKey "id", Completeness "email" > 0.95 ]');
 * ```
 */
export function parseDqdl(text: string): RuleSet {
  if (typeof text !== 'string') throw new ValidationError('a DQDL document must be a string');
  if (text.length > 1_000_000) throw new ValidationError('a DQDL document may be at most 1,000,000 characters long');
  return new DqdlParser(text).parseRuleset();
}
