/**
 * The row-expression language shared by `where` filters, custom row
 * predicates and most row-level rules: parsed once into this tree, evaluated
 * over Arrow columns in-process, and compiled to DuckDB, Spark and Trino SQL.
 *
 * It is a small SQL subset with SQL's three-valued logic: literals (numbers,
 * 'strings', TRUE/FALSE/NULL, TIMESTAMP '…', DATE '…'), columns (bare or
 * "quoted"), `+ - * / %`, comparisons, AND/OR/NOT, IS [NOT] NULL, [NOT] IN,
 * [NOT] BETWEEN, [NOT] LIKE, and the functions in {@link FUNCTIONS}.
 *
 * @module
 */

/** A binary operator of the expression language. */
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

/** The functions the language knows, with their arity (min, max). */
export const FUNCTIONS = {
  length: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  abs: [1, 1],
  coalesce: [1, 16],
  regexp_matches: [2, 2],
} as const satisfies Record<string, readonly [number, number]>;

/** A function name of the language. */
export type FunctionName = keyof typeof FUNCTIONS;

/** A node of a parsed expression. */
export type Expr =
  | { k: 'col'; name: string }
  | { k: 'lit'; v: number | string | boolean | null }
  /** A TIMESTAMP or DATE literal; `micros` is microseconds since the epoch (UTC). */
  | { k: 'time'; micros: number; date: boolean }
  | { k: 'bin'; op: BinaryOp; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'isnull'; e: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'like'; e: Expr; pattern: string; not: boolean }
  | { k: 'call'; fn: FunctionName; args: Expr[] };

/** Column names an expression reads, in first-use order. */
export function columnsOf(e: Expr, out: string[] = []): string[] {
  switch (e.k) {
    case 'col':
      if (!out.includes(e.name)) out.push(e.name);
      break;
    case 'lit':
    case 'time':
      break;
    case 'bin':
      columnsOf(e.l, out);
      columnsOf(e.r, out);
      break;
    case 'not':
    case 'neg':
    case 'isnull':
    case 'like':
      columnsOf(e.e, out);
      break;
    case 'in':
      columnsOf(e.e, out);
      for (const x of e.list) columnsOf(x, out);
      break;
    case 'between':
      columnsOf(e.e, out);
      columnsOf(e.lo, out);
      columnsOf(e.hi, out);
      break;
    case 'call':
      for (const x of e.args) columnsOf(x, out);
      break;
  }
  return out;
}

/** Shorthand constructors, used by rules to build their row predicates. */
export const E = {
  col: (name: string): Expr => ({ k: 'col', name }),
  lit: (v: number | string | boolean | null): Expr => ({ k: 'lit', v }),
  bin: (op: BinaryOp, l: Expr, r: Expr): Expr => ({ k: 'bin', op, l, r }),
  and: (l: Expr, r: Expr): Expr => ({ k: 'bin', op: 'AND', l, r }),
  notNull: (e: Expr): Expr => ({ k: 'isnull', e, not: true }),
  call: (fn: FunctionName, ...args: Expr[]): Expr => ({ k: 'call', fn, args }),
};
