/**
 * Rule files: YAML or JSON documents validated with zod at load time. Every
 * problem (unknown rule type, unknown key, wrong value type, unknown column,
 * malformed expression) is reported together in one ValidationError, each
 * with its line, its key path and, where one is close, a "did you mean"
 * suggestion.
 *
 * ```yaml
 * dataset: transactions
 * keys: [id]
 * rules:
 *   - type: primaryKey
 *     columns: [id]
 *   - type: inSet
 *     column: currency
 *     values: [USD, EUR, GBP]
 *     severity: warn
 * ```
 *
 * @module
 */
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { columnsOf } from './expr/ast.js';
import { parseExpr } from './expr/parse.js';
import { LOGICAL_TYPES, RULE_TYPES, ruleColumns, type QualityRule, type RuleSet } from './rules.js';

/** Levenshtein edit distance (for suggestions). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate to `word` (within a third of its length, at least 2 edits), or undefined. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const base = {
  name: z.string().min(1).optional(),
  severity: z.enum(['error', 'warn']).optional(),
  description: z.string().optional(),
  where: z.string().min(1).optional(),
  maxFailureFraction: z.number().min(0).max(1).optional(),
};
const col = z.string().min(1);
const cols = z.array(col).min(1);
const bnd = z.union([z.number(), z.string()]);
const minMax = { min: z.number().optional(), max: z.number().optional() };
const setValues = z.array(z.union([z.string(), z.number(), z.boolean()])).min(1);
const logical = z.enum(LOGICAL_TYPES as unknown as [string, ...string[]]);

const ruleSchema: z.ZodType<QualityRule> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ ...base, type: z.literal('rowCount'), ...minMax }),
    z.strictObject({ ...base, type: z.literal('rowCountMatch'), reference: col, minRatio: z.number().optional(), maxRatio: z.number().optional() }),
    z.strictObject({ ...base, type: z.literal('columnExists'), column: col }),
    z.strictObject({ ...base, type: z.literal('columnType'), column: col, dataType: logical }),
    z.strictObject({ ...base, type: z.literal('schemaMatch'), columns: z.record(z.string(), logical), allowExtra: z.boolean().optional() }),
    z.strictObject({ ...base, type: z.literal('isComplete'), column: col }),
    z.strictObject({ ...base, type: z.literal('completeness'), column: col, min: z.number().min(0).max(1) }),
    z.strictObject({ ...base, type: z.literal('isUnique'), columns: cols }),
    z.strictObject({ ...base, type: z.literal('uniqueness'), columns: cols, min: z.number().min(0).max(1) }),
    z.strictObject({ ...base, type: z.literal('primaryKey'), columns: cols }),
    z.strictObject({ ...base, type: z.literal('inSet'), column: col, values: setValues }),
    z.strictObject({ ...base, type: z.literal('notInSet'), column: col, values: setValues }),
    z.strictObject({ ...base, type: z.literal('between'), column: col, min: bnd.optional(), max: bnd.optional(), exclusive: z.boolean().optional() }),
    z.strictObject({ ...base, type: z.literal('matches'), column: col, pattern: z.string() }),
    z.strictObject({ ...base, type: z.literal('length'), column: col, min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }),
    z.strictObject({ ...base, type: z.literal('dateFormat'), column: col, format: z.string().min(1) }),
    z.strictObject({ ...base, type: z.literal('freshness'), column: col, maxAgeSeconds: z.number().positive() }),
    z.strictObject({ ...base, type: z.literal('referentialIntegrity'), columns: cols, reference: col, referenceColumns: cols }),
    z.strictObject({ ...base, type: z.literal('columnPair'), left: col, op: z.enum(['=', '!=', '<', '<=', '>', '>=']), right: col }),
    ...(['mean', 'sum', 'stddev', 'min', 'max', 'distinctCount'] as const).map((t) => z.strictObject({ ...base, type: z.literal(t), column: col, ...minMax })),
    z.strictObject({ ...base, type: z.literal('quantile'), column: col, q: z.number().min(0).max(1), ...minMax }),
    z.strictObject({ ...base, type: z.literal('correlation'), column: col, other: col, ...minMax }),
    z.strictObject({ ...base, type: z.literal('predicate'), expression: z.string().min(1) }),
    z.strictObject({ ...base, type: z.literal('customSql'), sql: z.string().min(1), ...minMax }),
    z.strictObject({ ...base, type: z.literal('and'), rules: z.array(ruleSchema).min(1) }),
    z.strictObject({ ...base, type: z.literal('or'), rules: z.array(ruleSchema).min(1) }),
  ]),
) as z.ZodType<QualityRule>;

/** The zod schema of a rule file. */
export const ruleSetSchema = z.strictObject({
  dataset: z.string().min(1).optional(),
  keys: z.array(col).optional(),
  rules: z.array(ruleSchema),
});

/** Options of {@link loadRuleFile}. */
export interface LoadRuleFileOptions {
  /** Shown in messages (a path or URI). */
  source?: string;
  /** The dataset's column names: rules naming other columns fail to load, with a suggestion. */
  columns?: Iterable<string>;
}

function keysOf(type: string): string[] {
  return [...Object.keys(base), ...(ALLOWED[type] ?? [])];
}
const ALLOWED: Record<string, string[]> = {
  rowCount: ['type', 'min', 'max'],
  rowCountMatch: ['type', 'reference', 'minRatio', 'maxRatio'],
  columnExists: ['type', 'column'],
  columnType: ['type', 'column', 'dataType'],
  schemaMatch: ['type', 'columns', 'allowExtra'],
  isComplete: ['type', 'column'],
  completeness: ['type', 'column', 'min'],
  isUnique: ['type', 'columns'],
  uniqueness: ['type', 'columns', 'min'],
  primaryKey: ['type', 'columns'],
  inSet: ['type', 'column', 'values'],
  notInSet: ['type', 'column', 'values'],
  between: ['type', 'column', 'min', 'max', 'exclusive'],
  matches: ['type', 'column', 'pattern'],
  length: ['type', 'column', 'min', 'max'],
  dateFormat: ['type', 'column', 'format'],
  freshness: ['type', 'column', 'maxAgeSeconds'],
  referentialIntegrity: ['type', 'columns', 'reference', 'referenceColumns'],
  columnPair: ['type', 'left', 'op', 'right'],
  mean: ['type', 'column', 'min', 'max'],
  sum: ['type', 'column', 'min', 'max'],
  stddev: ['type', 'column', 'min', 'max'],
  min: ['type', 'column', 'min', 'max'],
  max: ['type', 'column', 'min', 'max'],
  distinctCount: ['type', 'column', 'min', 'max'],
  quantile: ['type', 'column', 'q', 'min', 'max'],
  correlation: ['type', 'column', 'other', 'min', 'max'],
  predicate: ['type', 'expression'],
  customSql: ['type', 'sql', 'min', 'max'],
  and: ['type', 'rules'],
  or: ['type', 'rules'],
};

/** One problem found in a rule file. */
export interface RuleFileProblem {
  line: number | undefined;
  path: string;
  message: string;
  suggestion?: string;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(top level)';
}

/**
 * Loads a YAML or JSON rule file (JSON is YAML) into a {@link RuleSet}.
 * Throws one ValidationError listing every problem as
 * `<source>:<line>: <key path>: <message> (did you mean '<x>'?)`; the
 * problems are also in `error.context.problems`.
 *
 * @example
 * ```ts
 * const ruleSet = loadRuleFile(await readText('rules/transactions.yaml'), { columns: ['id', 'amount'] });
 * ```
 */
export function loadRuleFile(text: string, options: LoadRuleFileOptions = {}): RuleSet {
  const source = options.source ?? 'rules';
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lc.linePos(offset).line);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({ line: lineAt(e.pos[0]), path: '', message: e.message.split('\n')[0]! }));
    throw report(source, problems);
  }
  const nodeAt = (path: readonly PropertyKey[]): Node | undefined => {
    let node: unknown = doc.contents;
    for (const p of path) {
      if (isMap(node)) node = node.get(p as string, true);
      else if (isSeq(node)) node = node.get(p as number, true);
      else return undefined;
    }
    return node as Node | undefined;
  };
  const keyLine = (path: readonly PropertyKey[], key: string): number | undefined => {
    const n = nodeAt(path);
    if (isMap(n)) for (const pair of n.items) if ((pair.key as { value?: unknown })?.value === key) return lineAt((pair.key as Node).range?.[0]);
    return lineAt(n?.range?.[0]);
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw report(source, [{ line: undefined, path: '', message: e instanceof Error ? e.message : String(e) }]);
  }
  const parsed = ruleSetSchema.safeParse(value);
  const problems: RuleFileProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const obj = (function get(v: unknown, p: readonly PropertyKey[]): unknown {
          return p.reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as Record<PropertyKey, unknown>)[k] : undefined), v);
        })(value, issue.path);
        const type = obj && typeof obj === 'object' ? (obj as { type?: unknown }).type : undefined;
        const allowed = issue.path.length === 0 ? ['dataset', 'keys', 'rules'] : typeof type === 'string' && type in ALLOWED ? keysOf(type) : [];
        for (const key of issue.keys) {
          const s = suggest(key, allowed);
          problems.push({ line: keyLine(issue.path, key), path: pathText([...issue.path, key]), message: `unknown key '${key}'${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`, ...(s ? { suggestion: s } : {}) });
        }
      } else if (issue.code === 'invalid_union' && (issue as { note?: string }).note === 'No matching discriminator') {
        const n = nodeAt(issue.path);
        const got = (n as { value?: unknown } | undefined)?.value;
        const s = typeof got === 'string' ? suggest(got, RULE_TYPES) : undefined;
        problems.push({ line: lineAt(n?.range?.[0]) ?? lineAt(nodeAt(issue.path.slice(0, -1))?.range?.[0]), path: pathText(issue.path), message: got === undefined ? 'a rule needs a type' : `unknown rule type ${JSON.stringify(got)}`, ...(s ? { suggestion: s } : {}) });
      } else {
        const n = nodeAt(issue.path) ?? nodeAt(issue.path.slice(0, -1));
        const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
        problems.push({ line: lineAt(n?.range?.[0]), path: pathText(issue.path), message: missing ? `missing key '${String(issue.path.at(-1))}'` : issue.message });
      }
    }
    throw report(source, problems);
  }
  const ruleSet = parsed.data as RuleSet;
  // Expressions and columns.
  const known = options.columns === undefined ? undefined : [...options.columns];
  const check = (rules: QualityRule[], path: (string | number)[]) =>
    rules.forEach((r, i) => {
      const at = [...path, i];
      const used: { name: string; key: string }[] = ruleColumns(r).map((c) => ({ name: c, key: r.type === 'columnPair' ? (c === r.left ? 'left' : 'right') : 'columns' in r ? 'columns' : 'column' }));
      for (const [key, src] of [
        ['where', r.where],
        ['expression', r.type === 'predicate' ? r.expression : undefined],
      ] as const) {
        if (src === undefined) continue;
        try {
          for (const c of columnsOf(parseExpr(src))) used.push({ name: c, key });
        } catch (e) {
          problems.push({ line: keyLine(at, key), path: pathText([...at, key]), message: (e as Error).message });
        }
      }
      if (known) {
        for (const u of used) {
          if (u.key === 'columnExists' || r.type === 'columnExists' || r.type === 'columnType') continue;
          if (!known.includes(u.name)) {
            const s = suggest(u.name, known);
            problems.push({ line: keyLine(at, u.key), path: pathText([...at, u.key]), message: `unknown column '${u.name}'`, ...(s ? { suggestion: s } : {}) });
          }
        }
      }
      if (r.type === 'and' || r.type === 'or') check(r.rules, [...at, 'rules']);
    });
  check(ruleSet.rules, ['rules']);
  if (known) for (const [i, k] of (ruleSet.keys ?? []).entries()) if (!known.includes(k)) {
    const s = suggest(k, known);
    problems.push({ line: keyLine(['keys'], String(i)) ?? lineAt(nodeAt(['keys', i])?.range?.[0]), path: `keys[${i}]`, message: `unknown column '${k}'`, ...(s ? { suggestion: s } : {}) });
  }
  if (problems.length > 0) throw report(source, problems);
  return ruleSet;
}

function report(source: string, problems: RuleFileProblem[]): ValidationError {
  const lines = problems.map((p) => `${source}:${p.line ?? '?'}: ${p.path}: ${p.message}${p.suggestion ? ` (did you mean '${p.suggestion}'?)` : ''}`);
  return new ValidationError(`invalid rule file:\n  ${lines.join('\n  ')}`, { context: { source, problems } });
}
