/**
 * The in-process engine: checks a rule set over an Arrow table or a stream of
 * record batches in one pass, column by column (typed arrays, no row
 * objects), and returns the result document plus, on request, the
 * quarantined rows.
 *
 * Memory is bounded by the batch size plus these per-rule structures:
 * uniqueness / primary-key rules hold one hash-map entry per distinct key
 * (≈ 60–100 bytes each), referential-integrity rules a hash set of the
 * reference keys, `distinctCount` a set of distinct values, `quantile` the
 * column's non-null values (8 bytes each); per-row outcomes and quarantined
 * rows are capped by `maxFailingRows`. Nothing else grows with the data.
 *
 * Rules never throw on data: a missing column or a column of the wrong kind
 * makes that rule's status `error` with a message; nulls, NaN and empty
 * datasets are measured like any other value.
 *
 * @module
 */
import { RecordBatch, Table, type Schema } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { columnsOf, type Expr } from './expr/ast.js';
import { evaluate } from './expr/eval.js';
import { fastPass } from './expr/fast.js';
import { decimal128At, int64At, nullFree, validAt, vecOfData, type NumVec, type Vec } from './expr/vector.js';
import { leaves, planRules, type PlannedRule } from './plan.js';
import { NumMap } from './num-map.js';
import { quarantineBatch, quarantineSchema } from './quarantine.js';
import { buildResult, type FailingRow, type QualityResult, type RawMeasurements, type RuleRaw } from './results.js';
import { ruleColumns, type LogicalType, type QualityRule, type RuleSet } from './rules.js';
import { logicalTypeOf } from './schema.js';

/** Tabular input: an Arrow table, one batch, or a (possibly async) stream of batches. */
export type DataInput = Table | RecordBatch | Iterable<RecordBatch> | AsyncIterable<RecordBatch>;

/** Default cap on per-row outcomes and quarantined rows kept by a check. */
export const DEFAULT_MAX_FAILING_ROWS = 10_000;

/** Options of {@link checkQuality}. */
export interface CheckOptions {
  /** Dataset name in results (default: the rule set's). */
  dataset?: string;
  /** Key columns identifying rows in per-row outcomes (default: the rule set's; else `_row`, the row's position). */
  keys?: string[];
  /** Other datasets by name, for `referentialIntegrity` and `rowCountMatch`. */
  references?: Record<string, DataInput>;
  /** "Now" for freshness rules (default: the current time). */
  now?: Date;
  /** Keep at most this many failing rows (outcomes and quarantine). Default {@link DEFAULT_MAX_FAILING_ROWS}. */
  maxFailingRows?: number;
  /** Collect the failing rows with their reasons as an Arrow table (`quarantine` in the output). */
  quarantine?: boolean;
  /** Runs a `customSql` rule's query and returns its single number; without it those rules report `error`. */
  runSql?: (sql: string) => Promise<number | null>;
}

/** What {@link checkQuality} returns. */
export interface QualityCheck {
  result: QualityResult;
  /** Failing rows plus `_dq_failed_rules`, when `quarantine: true` (capped by `maxFailingRows`). */
  quarantine?: Table;
}

const KIND: Record<string, 'num' | 'str' | 'time' | 'any'> = {
  between: 'any',
  matches: 'str',
  dateFormat: 'str',
  length: 'str',
  mean: 'num',
  sum: 'num',
  stddev: 'num',
  min: 'num',
  max: 'num',
  quantile: 'num',
  correlation: 'num',
  freshness: 'time',
};

function kindOk(t: LogicalType, need: 'num' | 'str' | 'time' | 'any'): boolean {
  if (need === 'any') return true;
  if (need === 'str') return t === 'string';
  if (need === 'time') return t === 'timestamp' || t === 'date';
  return t === 'integer' || t === 'float' || t === 'decimal';
}

function exprColumns(p: PlannedRule): string[] {
  const out = [...ruleColumns(p.rule)];
  if (p.plan.kind === 'row') columnsOf(p.plan.pass, out);
  if (p.where) columnsOf(p.where, out);
  return [...new Set(out)];
}

/** Why a leaf rule cannot run on a dataset with these columns, or undefined. */
export function ruleProblem(p: PlannedRule, columns: Record<string, LogicalType>): string | undefined {
  if (p.plan.kind === 'schema') return undefined;
  for (const c of exprColumns(p)) if (!(c in columns)) return `column '${c}' does not exist (columns: ${Object.keys(columns).join(', ') || 'none'})`;
  const need = KIND[p.rule.type];
  if (need) for (const c of ruleColumns(p.rule)) if (!kindOk(columns[c]!, need)) return `rule ${p.rule.type} needs a ${need === 'num' ? 'numeric' : need === 'str' ? 'string' : 'timestamp or date'} column; '${c}' is ${columns[c]}`;
  if (p.rule.type === 'between') {
    const t = columns[p.rule.column]!;
    const bounds = [p.rule.min, p.rule.max].filter((b) => b !== undefined);
    if (bounds.some((b) => typeof b === 'string') ? t !== 'timestamp' && t !== 'date' : !kindOk(t, 'num'))
      return `rule between('${p.rule.column}') compares a ${t} column with ${bounds.some((b) => typeof b === 'string') ? 'timestamps' : 'numbers'}`;
  }
  return undefined;
}

/** What uniqueness rules need of a map: a Map, or a NumMap for one numeric column (its keys are numbers). */
interface KeyMap {
  get(key: string | number): number | undefined;
  set(key: string | number, value: number): unknown;
}

function isTable(x: DataInput): x is Table {
  return x instanceof Table;
}

async function* batchesOf(data: DataInput): AsyncGenerator<RecordBatch> {
  if (data instanceof Table) {
    for (const b of data.batches) yield b;
  } else if (data instanceof RecordBatch) yield data;
  else if (Symbol.asyncIterator in data) {
    for await (const b of data) yield b;
  } else for (const b of data as Iterable<RecordBatch>) yield b;
}

function columnTypes(schema: Schema): Record<string, LogicalType> {
  const out: Record<string, LogicalType> = {};
  for (const f of schema.fields) out[f.name] = logicalTypeOf(f.type);
  return out;
}

/** Rows in scope (`w[i] === 1`). */
function countScope(w: Int8Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (w[i] === 1) c++;
  return c;
}

/** Rows in scope whose pass value is FALSE (0), in order. */
function failingOf(pass: Int8Array, w: Int8Array | undefined, n: number): Int32Array {
  const c = w ? countFailingIn(pass, w, n) : countFailing(pass, n);
  const rows = new Int32Array(c);
  if (c > 0) collectFailing(pass, w, n, rows);
  return rows;
}

/**
 * Zeros in `pass`, four rows a word: only words holding a zero byte are
 * looked into (pass values are -1, 0, 1). The tail goes first so the loop
 * is the last thing the function does.
 */
function countFailing(pass: Int8Array, n: number): number {
  let c = 0;
  const aligned = pass.byteOffset % 4 === 0;
  const nw = aligned ? n >> 2 : 0;
  for (let i = nw << 2; i < n; i++) if (pass[i] === 0) c++;
  const words = aligned ? new Int32Array(pass.buffer, pass.byteOffset, nw) : new Int32Array(0);
  for (let j = 0; j < nw; j++) {
    const x = words[j]!;
    if (((x - 0x01010101) & ~x & 0x80808080) !== 0) c += zerosAt(pass, j << 2);
  }
  return c;
}

function zerosAt(pass: Int8Array, i: number): number {
  return (pass[i] === 0 ? 1 : 0) + (pass[i + 1] === 0 ? 1 : 0) + (pass[i + 2] === 0 ? 1 : 0) + (pass[i + 3] === 0 ? 1 : 0);
}

function countFailingIn(pass: Int8Array, w: Int8Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (pass[i] === 0 && w[i] === 1) c++;
  return c;
}

function collectFailing(pass: Int8Array, w: Int8Array | undefined, n: number, rows: Int32Array): void {
  let k = 0;
  for (let i = 0; i < n; i++) if (pass[i] === 0 && (!w || w[i] === 1)) rows[k++] = i;
}

/** Key of one row over `vecs` (undefined when a component is null). */
function tupleKey(vecs: Vec[], i: number): string | number | undefined {
  if (vecs.length === 1) {
    // One column has one kind, so its strings need no type tag.
    const v = vecs[0]!;
    if (v.t === 'str') return v.v[i] ?? undefined;
    return scalarKey(v, i);
  }
  let s = '';
  for (const v of vecs) {
    const k = scalarKey(v, i);
    if (k === undefined) return undefined;
    s += typeof k === 'number' ? `n${k}\u0001` : `${k}\u0001`;
  }
  return s;
}
function scalarKey(v: Vec, i: number): string | number | undefined {
  if (v.t === 'num') return v.nul[i] ? undefined : v.v[i]!;
  if (v.t === 'str') {
    const s = v.v[i];
    return s === null || s === undefined ? undefined : `s${s}`;
  }
  const b = v.v[i]!;
  return b < 0 ? undefined : `b${b}`;
}

/** When the unique columns are the key columns, a duplicate's key is also its first occurrence's key. */
function sameColumnsOf(keys: string[], columns: string[]): boolean {
  return keys.length === columns.length && keys.every((k, j) => columns[j] === k);
}

/**
 * The last value when `v` has no nulls and is strictly increasing from above
 * `last` (so holds no value twice, nor one ≤ `last`), else undefined. 64-bit
 * columns are read from their words (the same numbers `v` holds).
 */
export function increasingAbove(v: NumVec, n: number, last: number): number | undefined {
  const nul = v.nul;
  // Any null makes the answer undefined: look for one first, so the loops need not.
  if (!nullFree(nul)) for (let i = 0; i < n; i++) if (nul[i] === 1) return undefined;
  return v.i64 ? int64IncreasingAbove(v.i64.words, v.i64.factor, n, last) : doublesIncreasingAbove(v.v, n, last);
}

function int64IncreasingAbove(w: Int32Array, factor: number, n: number, last: number): number | undefined {
  let prev = last * 1; // a float64 from the start (see sumDecimal)
  for (let i = 0; i < n; i++) {
    const x = factor === 1 ? w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0) : int64At(w, factor, i);
    if (!(x > prev)) return undefined;
    prev = x;
  }
  return prev;
}

function doublesIncreasingAbove(vals: Float64Array, n: number, last: number): number | undefined {
  let prev = last * 1;
  for (let i = 0; i < n; i++) {
    const x = vals[i]!;
    if (!(x > prev)) return undefined;
    prev = x;
  }
  return prev;
}

/** Uniqueness over one numeric column: one probe of a typed hash map per row, no key strings. */
function uniqueNum(
  map: NumMap,
  v: NumVec,
  w: Int8Array | undefined,
  n: number,
  start: number,
  nullsFail: boolean,
  raw: RuleRaw,
  id: string,
  mark: (i: number, id: string) => void,
  lateFirst: { row: number; key?: FailingRow['key'] | undefined; rule: string }[],
  noKeyNeeded: boolean,
  keys: string[],
  sameColumns: boolean,
  batch: RecordBatch,
  indexOf: Map<string, number>,
  firstKeys: Map<number, FailingRow['key']>,
): void {
  const vals = v.v,
    nul = v.nul;
  let scanned = 0,
    failed = 0;
  let keyVecs: { get(i: number): unknown }[] | undefined;
  const keyVecsOf = () => (keyVecs ??= keys.map((k) => batch.getChildAt(indexOf.get(k)!)!));
  for (let i = 0; i < n; i++) {
    if (w && w[i] !== 1) continue;
    scanned++;
    if (nul[i] === 1) {
      if (nullsFail) {
        failed++;
        mark(i, id);
      }
      continue;
    }
    const seen = map.getOrInsert(vals[i]!, start + i);
    if (seen === undefined) {
      if (!noKeyNeeded && !sameColumns) firstKeys.set(start + i, rowKey(keys, keyVecsOf(), i, start));
      continue;
    }
    if (seen >= 0) {
      failed++;
      if (seen >= start) mark(seen - start, id);
      else if (noKeyNeeded) lateFirst.push({ row: seen, rule: id });
      else lateFirst.push({ row: seen, rule: id, key: sameColumns ? rowKey(keys, keyVecsOf(), i, start) : firstKeys.get(seen) });
      firstKeys.delete(seen);
      map.set(vals[i]!, -1);
    }
    failed++;
    mark(i, id);
  }
  raw.scanned! += scanned;
  raw.failed! += failed;
}

function keyValue(x: unknown): string | number | boolean | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'bigint') return Number.isSafeInteger(Number(x)) ? Number(x) : x.toString();
  if (typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return x;
  if (x instanceof Date) return x.toISOString();
  return String(x);
}

interface Acc {
  n: number;
  sum: number;
  mean: number;
  m2: number;
  min: number;
  max: number;
  distinct?: Set<string | number>;
  values?: Float64Array;
  // correlation
  sx: number;
  sy: number;
  sxx: number;
  syy: number;
  sxy: number;
}
const newAcc = (): Acc => ({ n: 0, sum: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0 });

/** Continuous quantile with linear interpolation (DuckDB `quantile_cont`, Spark `percentile`). */
export function quantileCont(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

async function referenceKeys(data: DataInput, columns: string[]): Promise<{ keys: Set<string | number>; error?: string }> {
  const keys = new Set<string | number>();
  for await (const b of batchesOf(data)) {
    const vecs: Vec[] = [];
    for (const c of columns) {
      const idx = b.schema.fields.findIndex((f) => f.name === c);
      if (idx < 0) return { keys, error: `reference column '${c}' does not exist` };
      vecs.push(vecOfData(b.data.children[idx]!));
    }
    for (let i = 0; i < b.numRows; i++) {
      const k = tupleKey(vecs, i);
      if (k !== undefined) keys.add(k);
    }
  }
  return { keys };
}

async function countRows(data: DataInput): Promise<number> {
  let n = 0;
  for await (const b of batchesOf(data)) n += b.numRows;
  return n;
}

/**
 * Checks `rules` over `data` in one pass and returns the result document
 * (and the quarantined rows with `quarantine: true`). Throws ValidationError
 * only for malformed rules (bad expressions, empty column lists); problems
 * with the data are reported in the results.
 *
 * @example
 * ```ts
 * const { result } = await checkQuality(table, {
 *   dataset: 'transactions', keys: ['id'],
 *   rules: [{ type: 'isComplete', column: 'id' }, { type: 'between', column: 'amount', min: 0, max: 10_000 }],
 * });
 * result.passed; // false when an error-severity rule failed
 * ```
 */
export async function checkQuality(data: DataInput, rules: RuleSet | QualityRule[], options: CheckOptions = {}): Promise<QualityCheck> {
  const ruleSet: RuleSet = Array.isArray(rules) ? { rules } : rules;
  const planned = planRules(ruleSet.rules);
  const leafs = leaves(planned);
  const now = options.now ?? new Date();
  const maxRows = options.maxFailingRows ?? DEFAULT_MAX_FAILING_ROWS;
  if (!(maxRows >= 0)) throw new ValidationError('maxFailingRows must be ≥ 0');
  const keys = options.keys ?? ruleSet.keys ?? [];
  const raws: Record<string, RuleRaw> = {};
  for (const p of leafs) raws[p.id] = p.plan.kind === 'row' || p.plan.kind === 'unique' || p.plan.kind === 'ref' ? { scanned: 0, failed: 0 } : {};

  // References first (their sets must be complete before the pass).
  const refSets = new Map<string, Set<string | number>>();
  for (const p of leafs) {
    if (p.plan.kind === 'ref') {
      const ref = options.references?.[p.plan.reference];
      if (ref === undefined) raws[p.id] = { error: `reference dataset '${p.plan.reference}' was not provided (options.references)` };
      else {
        const { keys: set, error } = await referenceKeys(ref, p.plan.referenceColumns);
        if (error) raws[p.id] = { error };
        else refSets.set(p.id, set);
      }
    }
    if (p.plan.kind === 'rowCountMatch') {
      const ref = options.references?.[p.plan.reference];
      raws[p.id] = { reference: ref === undefined ? null : await countRows(ref) };
    }
  }

  let columns: Record<string, LogicalType> | undefined = isTable(data) ? columnTypes(data.schema) : undefined;
  const columnNulls: Record<string, number> = {};
  let rowCount = 0;
  let active: PlannedRule[] = [];
  const accs = new Map<string, Acc>();
  /** Per uniqueness rule: key → global row of its first occurrence, or -1 once duplicated. NumMap for one numeric column. */
  const uniq = new Map<string, KeyMap>();
  /** Uniqueness over one numeric column: its map, and the batches not yet in it (while every batch was increasing). */
  const numUniq = new Map<string, { map: NumMap | undefined; skipped: number[] | undefined; last: number }>();
  const lateFirst: { row: number; key?: FailingRow['key'] | undefined; rule: string }[] = [];
  /** Stream input (earlier batches are gone): keys of first occurrences, for when a duplicate turns up later. */
  const firstKeys = new Map<number, FailingRow['key']>();
  const retain = isTable(data) && data.batches.length > 0 ? data.batches : undefined;
  const batchStarts: number[] = [];
  const failingRows: FailingRow[] = [];
  /** Kept failing rows by position, so a late-found duplicate joins its row's entry. */
  const byRow = new Map<number, FailingRow>();
  let failingTotal = 0;
  const quarantine: RecordBatch[] = [];

  const init = (cols: Record<string, LogicalType>) => {
    columns = cols;
    for (const c of Object.keys(cols)) columnNulls[c] = 0;
    active = [];
    for (const p of leafs) {
      if (raws[p.id]!.error !== undefined || p.plan.kind === 'schema' || p.plan.kind === 'rowCount' || p.plan.kind === 'rowCountMatch') continue;
      if (p.plan.kind === 'customSql') continue;
      const problem = ruleProblem(p, cols);
      if (problem) raws[p.id] = { error: problem };
      else active.push(p);
    }
    for (const k of keys) if (!(k in cols)) throw new ValidationError(`key column '${k}' does not exist in the dataset (columns: ${Object.keys(cols).join(', ')})`);
  };
  if (columns) init(columns);

  for await (const batch of batchesOf(data)) {
    if (!columns) init(columnTypes(batch.schema));
    const n = batch.numRows;
    const start = rowCount;
    batchStarts.push(start);
    rowCount += n;
    const fields = batch.schema.fields;
    const indexOf = new Map(fields.map((f, i) => [f.name, i]));
    fields.forEach((_f, i) => {
      const d = batch.data.children[i]!;
      columnNulls[fields[i]!.name] = (columnNulls[fields[i]!.name] ?? 0) + (d.nullCount > 0 ? d.nullCount : 0);
    });
    if (n === 0) continue;
    const cache = new Map<string, Vec>();
    const col = (name: string): Vec | undefined => {
      let v = cache.get(name);
      if (!v) {
        const i = indexOf.get(name);
        if (i === undefined) return undefined;
        v = vecOfData(batch.data.children[i]!);
        cache.set(name, v);
      }
      return v;
    };
    const whereCache = new Map<Expr, Int8Array>();
    const scope = (w: Expr | undefined): Int8Array | undefined => {
      if (!w) return undefined;
      let s = whereCache.get(w);
      if (!s) {
        const r = evaluate(w, col, n);
        s = r.t === 'bool' ? r.v : new Int8Array(n).fill(-1);
        whereCache.set(w, s);
      }
      return s;
    };
    /** One pass vector reused by the fused row rules of this batch (each is consumed before the next). */
    let scratch: Int8Array | undefined;
    const fails = new Map<number, string[]>();
    const mark = (i: number, id: string) => {
      const l = fails.get(i);
      if (l) l.push(id);
      else fails.set(i, [id]);
    };

    for (const p of active) {
      const raw = raws[p.id]!;
      const w = scope(p.where);
      const plan = p.plan;
      if (plan.kind === 'row') {
        let scanned = 0;
        let failed = 0;
        const pe = plan.pass;
        if (pe.k === 'isnull' && pe.e.k === 'col' && pe.not) {
          const d = batch.data.children[indexOf.get(pe.e.name)!]!;
          if (!w && d.nullCount === 0) scanned = n;
          else for (let i = 0; i < n; i++) {
            if (w && w[i] !== 1) continue;
            scanned++;
            if (!validAt(d, i)) {
              failed++;
              mark(i, p.id);
            }
          }
        } else {
          let pass = fastPass(pe, col, n, (scratch ??= new Int8Array(n)));
          if (!pass) {
            const r = evaluate(pe, col, n);
            pass = r.t === 'bool' ? r.v : undefined;
          }
          scanned = w ? countScope(w, n) : n;
          if (pass) {
            const rows = failingOf(pass, w, n);
            failed = rows.length;
            for (let j = 0; j < rows.length; j++) mark(rows[j]!, p.id);
          }
        }
        raw.scanned! += scanned;
        raw.failed! += failed;
      } else if (plan.kind === 'unique') {
        const vecs = plan.columns.map((c) => col(c)!);
        const v0 = vecs[0]!;
        if (vecs.length === 1 && v0.t === 'num') {
          let st = numUniq.get(p.id);
          if (!st) numUniq.set(p.id, (st = { map: undefined, skipped: [], last: -Infinity }));
          // Table input whose batches are each strictly increasing and above every earlier
          // batch (ids, sequences) has no duplicates: skip the hash map until that breaks.
          const top = retain && !w && st.skipped !== undefined ? increasingAbove(v0, n, st.last) : undefined;
          if (top !== undefined) {
            st.skipped!.push(batchStarts.length - 1);
            st.last = top;
            raw.scanned! += n;
            continue;
          }
          // Built only now: sorted batches never need it.
          const map = (st.map ??= new NumMap(rowCount));
          if (st.skipped !== undefined) {
            // Put the skipped batches' values (all distinct) in the map before this batch.
            for (const b of st.skipped) {
              const d = retain![b]!.data.children[indexOf.get(plan.columns[0]!)!]!;
              const sv = vecOfData(d) as NumVec;
              for (let i = 0; i < sv.v.length; i++) map.getOrInsert(sv.v[i]!, batchStarts[b]! + i);
            }
            st.skipped = undefined;
          }
          uniqueNum(map, v0, w, n, start, plan.nullsFail, raw, p.id, mark, lateFirst, retain !== undefined || keys.length === 0, keys, sameColumnsOf(keys, plan.columns), batch, indexOf, firstKeys);
          continue;
        }
        let map = uniq.get(p.id);
        if (!map) uniq.set(p.id, (map = vecs.length === 1 && vecs[0]!.t === 'num' ? (new NumMap(n) as KeyMap) : new Map<string | number, number>()));
        const sameColumns = sameColumnsOf(keys, plan.columns);
        const keyVecs = keys.map((k) => batch.getChildAt(indexOf.get(k)!)!);
        for (let i = 0; i < n; i++) {
          if (w && w[i] !== 1) continue;
          raw.scanned!++;
          const k = tupleKey(vecs, i);
          if (k === undefined) {
            if (plan.nullsFail) {
              raw.failed!++;
              mark(i, p.id);
            }
            continue;
          }
          const seen = map.get(k);
          if (seen === undefined) {
            map.set(k, start + i);
            if (!retain && keys.length > 0 && !sameColumns) firstKeys.set(start + i, rowKey(keys, keyVecs, i, start));
          } else {
            if (seen >= 0) {
              // The first occurrence fails too; it may lie in an earlier batch.
              raw.failed!++;
              if (seen >= start) mark(seen - start, p.id);
              else if (retain || keys.length === 0) lateFirst.push({ row: seen, rule: p.id });
              else lateFirst.push({ row: seen, rule: p.id, key: sameColumns ? rowKey(keys, keyVecs, i, start) : firstKeys.get(seen) });
              firstKeys.delete(seen);
              map.set(k, -1);
            }
            raw.failed!++;
            mark(i, p.id);
          }
        }
      } else if (plan.kind === 'ref') {
        const set = refSets.get(p.id)!;
        const vecs = plan.columns.map((c) => col(c)!);
        for (let i = 0; i < n; i++) {
          if (w && w[i] !== 1) continue;
          raw.scanned!++;
          const k = tupleKey(vecs, i);
          if (k !== undefined && !set.has(k)) {
            raw.failed!++;
            mark(i, p.id);
          }
        }
      } else if (plan.kind === 'agg') {
        let acc = accs.get(p.id);
        if (!acc) accs.set(p.id, (acc = newAcc()));
        accumulate(acc, plan.fn, col(plan.column)!, plan.other === undefined ? undefined : col(plan.other), w, n);
      }
    }

    if (fails.size > 0) {
      const rows = [...fails.keys()].sort((a, b) => a - b);
      failingTotal += rows.length;
      const room = Math.max(0, maxRows - failingRows.length);
      const kept = rows.slice(0, room);
      const keyVecs = keys.map((k) => batch.getChildAt(indexOf.get(k)!)!);
      for (const i of kept) {
        const row = { key: rowKey(keys, keyVecs, i, start), rules: fails.get(i)! };
        failingRows.push(row);
        byRow.set(start + i, row);
      }
      if (options.quarantine && !retain && kept.length > 0) {
        quarantine.push(quarantineBatch(batch, kept, kept.map((i) => fails.get(i)!.join(','))));
      }
    }
  }

  // First occurrences of duplicates that lay in earlier batches.
  for (const lf of lateFirst) {
    const existing = byRow.get(lf.row);
    if (existing) {
      existing.rules.push(lf.rule);
      continue;
    }
    failingTotal++;
    if (failingRows.length >= maxRows) continue;
    let key: FailingRow['key'];
    if (retain) {
      const b = batchIndex(batchStarts, lf.row);
      const batch = retain[b]!;
      key = rowKey(keys, keys.map((k) => batch.getChildAt(batch.schema.fields.findIndex((f) => f.name === k))!), lf.row - batchStarts[b]!, batchStarts[b]!);
    } else key = lf.key ?? { _row: lf.row };
    const row = { key, rules: [lf.rule] };
    failingRows.push(row);
    byRow.set(lf.row, row);
  }

  // Table input: quarantine from the retained batches, once every row's reasons are known.
  if (options.quarantine && retain) {
    const rows = [...byRow.keys()].sort((a, b) => a - b);
    let k = 0;
    while (k < rows.length) {
      const b = batchIndex(batchStarts, rows[k]!);
      const end = b + 1 < batchStarts.length ? batchStarts[b + 1]! : Infinity;
      const idx: number[] = [];
      while (k < rows.length && rows[k]! < end) idx.push(rows[k++]!);
      quarantine.push(quarantineBatch(retain[b]!, idx.map((r) => r - batchStarts[b]!), idx.map((r) => byRow.get(r)!.rules.join(','))));
    }
  }

  for (const [id, acc] of accs) {
    const p = leafs.find((x) => x.id === id)!;
    const plan = p.plan as Extract<PlannedRule['plan'], { kind: 'agg' }>;
    raws[id] = { value: finishAcc(acc, plan.fn, plan.q) };
  }
  for (const p of leafs) {
    if (p.plan.kind === 'agg' && raws[p.id]!.value === undefined && raws[p.id]!.error === undefined) raws[p.id] = { value: finishAcc(newAcc(), p.plan.fn, p.plan.q) };
    if (p.plan.kind === 'customSql') {
      if (!options.runSql) raws[p.id] = { error: 'customSql rules need a SQL engine: pass options.runSql, or compile the rules to SQL (compileRules)' };
      else {
        try {
          raws[p.id] = { value: await options.runSql(p.plan.sql) };
        } catch (e) {
          raws[p.id] = { error: `the query failed: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
    }
  }

  const m: RawMeasurements = { rowCount, columnNulls, columns: columns ?? {}, rules: raws };
  const result = buildResult(planned, m, {
    dataset: options.dataset ?? ruleSet.dataset ?? null,
    engine: 'lakekit',
    now,
    failingRows,
    failingRowsTruncated: failingTotal > failingRows.length,
  });
  const out: QualityCheck = { result };
  if (options.quarantine) out.quarantine = quarantine.length > 0 ? new Table(quarantine) : emptyQuarantine(data);
  return out;
}

function emptyQuarantine(data: DataInput): Table | undefined {
  if (!isTable(data)) return undefined;
  return new Table(quarantineSchema(data.schema));
}

function batchIndex(starts: number[], row: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function rowKey(keys: string[], vecs: { get(i: number): unknown }[], i: number, start: number): FailingRow['key'] {
  if (keys.length === 0) return { _row: start + i };
  const out: FailingRow['key'] = {};
  keys.forEach((k, j) => (out[k] = keyValue(vecs[j]!.get(i))));
  return out;
}

function accumulate(acc: Acc, fn: string, v: Vec, other: Vec | undefined, w: Int8Array | undefined, n: number): void {
  if (fn === 'distinctCount') {
    const set = (acc.distinct ??= new Set());
    if (v.t === 'str' && v.raw && v.raw.lowCardinality()) {
      const { ids, values } = v.raw.dictionary();
      if (!w) {
        for (const s of values) set.add(s);
        return;
      }
      for (let i = 0; i < n; i++) if (w[i] === 1 && ids[i]! >= 0) set.add(values[ids[i]!]!);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (w && w[i] !== 1) continue;
      const k = scalarKey(v, i);
      if (k !== undefined) set.add(k);
    }
    return;
  }
  if (v.t !== 'num') return;
  if (fn === 'correlation') {
    if (!other || other.t !== 'num') return;
    for (let i = 0; i < n; i++) {
      if ((w && w[i] !== 1) || v.nul[i] || other.nul[i]) continue;
      const x = v.v[i]!,
        y = other.v[i]!;
      acc.n++;
      acc.sx += x;
      acc.sy += y;
      acc.sxx += x * x;
      acc.syy += y * y;
      acc.sxy += x * y;
    }
    return;
  }
  if (fn === 'mean' || fn === 'sum') {
    sumInto(acc, v, w, n);
    return;
  }
  const vals = v.v,
    nul = v.nul;
  if (fn === 'quantile') {
    let buf = acc.values ?? new Float64Array(1024);
    for (let i = 0; i < n; i++) {
      if ((w && w[i] !== 1) || nul[i]) continue;
      if (acc.n === buf.length) {
        const nb = new Float64Array(buf.length * 2);
        nb.set(buf);
        buf = nb;
      }
      buf[acc.n++] = vals[i]!;
    }
    acc.values = buf;
    return;
  }
  for (let i = 0; i < n; i++) {
    if ((w && w[i] !== 1) || nul[i]) continue;
    const x = vals[i]!;
    acc.n++;
    acc.sum += x;
    const d = x - acc.mean;
    acc.mean += d / acc.n;
    acc.m2 += d * (x - acc.mean);
    if (x < acc.min) acc.min = x;
    if (x > acc.max) acc.max = x;
  }
}

/**
 * Count and sum only (what mean and sum need), adding the same numbers in the
 * same order as the other aggregates; decimals and 64-bit integers are read
 * from their words.
 */
function sumInto(acc: Acc, v: NumVec, w: Int8Array | undefined, n: number): void {
  // A range kernel over this decimal column already added every value from 0 (see Decimal128Words.sum):
  // from a zero running sum, the same additions in the same order.
  if (v.dec?.sum !== undefined && !w && acc.sum === 0 && nullFree(v.nul)) {
    acc.n += n;
    acc.sum = v.dec.sum;
    return;
  }
  // One small function per source keeps each loop's running sum an unboxed double.
  acc.n += countValid(v.nul, w, n);
  acc.sum = v.dec && !w ? sumDecimal(v.dec.words, v.dec.scale, v.nul, n, acc.sum) : v.i64 && !w ? sumInt64(v.i64.words, v.i64.factor, v.nul, n, acc.sum) : sumDoubles(v.v, v.nul, w, n, acc.sum);
}

function countValid(nul: Uint8Array, w: Int8Array | undefined, n: number): number {
  if (!w && nullFree(nul)) return n;
  let c = 0;
  for (let i = 0; i < n; i++) if (nul[i] !== 1 && (!w || w[i] === 1)) c++;
  return c;
}

function sumDoubles(vals: Float64Array, nul: Uint8Array, w: Int8Array | undefined, n: number, sum: number): number {
  let s = sum * 1; // a float64 from the start: see sumDecimal
  for (let i = 0; i < n; i++) if (nul[i] !== 1 && (!w || w[i] === 1)) s += vals[i]!;
  return s;
}

function sumInt64(words: Int32Array, factor: number, nul: Uint8Array, n: number, sum: number): number {
  let s = sum * 1; // see sumDecimal
  for (let i = 0; i < n; i++) if (nul[i] !== 1) s += factor === 1 ? words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0) : int64At(words, factor, i);
  return s;
}

/**
 * Sum of 128-bit decimals as doubles ({@link decimal128At}). The first loop
 * inlines the common case (values within 0..2^64) and has no call in it, so
 * the running sum stays an unboxed double; from the first other value on,
 * the second loop goes through decimal128At. Same additions, same order.
 */
function sumDecimal(words: Uint32Array, scale: number, nul: Uint8Array, n: number, sum: number): number {
  if (nullFree(nul)) return sumDecimalAll(words, scale, nul, n, sum);
  let i = 0;
  // `* 1` makes the running sum a float64 from the start (a tagged parameter would keep it boxed).
  let s = sum * 1;
  for (; i < n; i++) {
    if (nul[i] === 1) continue;
    const b = i * 4;
    if ((words[b + 3]! | words[b + 2]!) !== 0) break;
    s += (words[b]! + words[b + 1]! * 4294967296) / scale;
  }
  return i < n ? sumDecimalFrom(words, scale, nul, n, s, i) : s;
}

/** {@link sumDecimal} over a column without nulls. */
function sumDecimalAll(words: Uint32Array, scale: number, nul: Uint8Array, n: number, sum: number): number {
  let i = 0;
  let s = sum * 1;
  for (; i < n; i++) {
    const b = i * 4;
    if ((words[b + 3]! | words[b + 2]!) !== 0) break;
    s += (words[b]! + words[b + 1]! * 4294967296) / scale;
  }
  return i < n ? sumDecimalFrom(words, scale, nul, n, s, i) : s;
}

function sumDecimalFrom(words: Uint32Array, scale: number, nul: Uint8Array, n: number, sum: number, from: number): number {
  for (let i = from; i < n; i++) if (nul[i] !== 1) sum += decimal128At(words, scale, i);
  return sum;
}

function finishAcc(acc: Acc, fn: string, q: number | undefined): number | null {
  switch (fn) {
    case 'distinctCount':
      return acc.distinct?.size ?? 0;
    case 'quantile': {
      const vals = (acc.values ?? new Float64Array(0)).subarray(0, acc.n).sort();
      return quantileCont(vals, q ?? 0.5);
    }
    case 'correlation': {
      if (acc.n < 2) return null;
      const cov = acc.sxy - (acc.sx * acc.sy) / acc.n;
      const vx = acc.sxx - (acc.sx * acc.sx) / acc.n;
      const vy = acc.syy - (acc.sy * acc.sy) / acc.n;
      return vx <= 0 || vy <= 0 ? null : cov / Math.sqrt(vx * vy);
    }
  }
  if (acc.n === 0) return null;
  switch (fn) {
    case 'mean':
      return acc.sum / acc.n;
    case 'sum':
      return acc.sum;
    case 'stddev':
      return acc.n < 2 ? null : Math.sqrt(acc.m2 / (acc.n - 1));
    case 'min':
      return acc.min;
    case 'max':
    case 'maxTime':
      return acc.max;
    default:
      return null;
  }
}
