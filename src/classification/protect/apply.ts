/**
 * Apply a protection policy to an Arrow table: pick an action per column
 * (explicit column rules, then rules per detected entity type, then per
 * sensitivity level), run it over every value, and report what was done.
 *
 * @module
 */
import { Field, RecordBatch, Schema, Struct, Table, Utf8, makeData, vectorFromArray, type Data, type DataType } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { forEachText } from '../cells.js';
import { classifyTable, type ClassifyOptions, type TableClassification } from '../classifier.js';
import { SENSITIVITY_LEVELS, sensitivityPolicy, type Sensitivity } from '../policy.js';
import { Scanner } from '../scanner.js';
import { ff1Tokenizer, gcmEncryptor, hmacSigner, type TokenizeOptions } from './crypto.js';
import type { KeyProvider } from './keyring.js';
import { maskValue, redactValue, type MaskOptions } from './mask.js';

/** What to do to a column's values. */
export type Protection =
  | ({ action: 'mask'; scope?: 'value' | 'matches' } & MaskOptions)
  | { action: 'redact'; scope?: 'value' | 'matches'; replacement?: string }
  | { action: 'hash'; key: string }
  | ({ action: 'tokenize'; key: string } & TokenizeOptions)
  | { action: 'encrypt'; key: string }
  | { action: 'keep' };

/**
 * A protection policy. A column's action is the first that applies:
 * `columns[name]`, else the rule of its most sensitive detected type in
 * `types`, else the rule of its sensitivity level in `levels`; otherwise it
 * is kept as it is.
 */
export interface ProtectionPolicy {
  columns?: Readonly<Record<string, Protection>>;
  types?: Readonly<Record<string, Protection>>;
  levels?: Partial<Readonly<Record<Sensitivity, Protection>>>;
  /** Where keyed actions get their keys. Required when any rule hashes, tokenizes or encrypts. */
  keys?: KeyProvider;
  /** How columns are classified for `types` and `levels` rules (and for `scope: 'matches'`). */
  classify?: ClassifyOptions;
  /** A classification already made (skips classifying again). */
  classification?: TableClassification;
}

/** What was done to one column. */
export interface ColumnProtection {
  column: string;
  action: Protection['action'];
  /** Which rule chose the action. */
  rule: 'column' | 'type' | 'level';
  /** Detected types and level (when classified). */
  types: string[];
  sensitivity?: Sensitivity;
  /** Key name and version used (keyed actions); detokenizing needs both. */
  key?: { name: string; version: number };
  /** Non-null values rewritten. */
  values: number;
  /** The options the action ran with (no key material). */
  options: Record<string, unknown>;
}

/** The report of {@link applyPolicy}. */
export interface ProtectionReport {
  columns: ColumnProtection[];
  classification?: TableClassification;
  rows: number;
}

/** Values processed concurrently by the async (Web Crypto) actions. */
const CONCURRENCY = 64;

/**
 * Protect `table` under `policy`. Protected columns become UTF-8 columns
 * (tokens, digests and ciphertexts are text); other columns are passed
 * through untouched; nulls stay null.
 *
 * @example
 * ```ts
 * const { table: safe, report } = await applyPolicy(table, {
 *   keys: new LocalKeyring(),
 *   types: { CREDIT_CARD: { action: 'tokenize', key: 'pan', luhn: true }, EMAIL: { action: 'hash', key: 'pii' } },
 *   levels: { restricted: { action: 'redact' } },
 * });
 * ```
 */
export async function applyPolicy(table: Table, policy: ProtectionPolicy): Promise<{ table: Table; report: ProtectionReport }> {
  const names = new Set(table.schema.fields.map((f) => f.name));
  for (const c of Object.keys(policy.columns ?? {})) {
    if (!names.has(c)) throw new ValidationError(`protection policy names column ${c}, which the table does not have (columns: ${[...names].join(', ')})`);
  }
  const needsClassification =
    Object.keys(policy.types ?? {}).length > 0 ||
    Object.keys(policy.levels ?? {}).length > 0 ||
    Object.values(policy.columns ?? {}).some((p) => 'scope' in p && p.scope === 'matches');
  const classification = policy.classification ?? (needsClassification ? classifyTable(table, policy.classify) : undefined);
  const levels = sensitivityPolicy(policy.classify?.sensitivity);
  const plans: { index: number; column: string; protection: Protection; report: ColumnProtection }[] = [];
  table.schema.fields.forEach((field, index) => {
    const cls = classification?.columns.find((c) => c.column === field.name);
    const chosen = choose(field.name, cls?.types ?? [], cls?.sensitivity, policy, levels);
    if (chosen === undefined || chosen.protection.action === 'keep') return;
    const { action, ...options } = chosen.protection;
    const report: ColumnProtection = { column: field.name, action, rule: chosen.rule, types: cls?.types ?? [], values: 0, options };
    if (cls) report.sensitivity = cls.sensitivity;
    plans.push({ index, column: field.name, protection: chosen.protection, report });
  });
  if (plans.length === 0) return { table, report: { columns: [], rows: table.numRows, ...(classification ? { classification } : {}) } };

  const transforms = new Map<number, (v: string) => string | Promise<string>>();
  const scanner = new Scanner(policy.classify);
  for (const plan of plans) transforms.set(plan.index, await transformFor(plan.protection, plan.column, policy.keys, plan.report, scanner));

  const outFields = table.schema.fields.map((f, i) => (transforms.has(i) ? new Field(f.name, new Utf8(), f.nullable, f.metadata) : f));
  const schema = new Schema(outFields, table.schema.metadata);
  const batches: RecordBatch[] = [];
  for (const batch of table.batches) {
    const children: Data[] = [];
    for (let i = 0; i < outFields.length; i++) {
      const child = batch.getChildAt(i)!;
      const fn = transforms.get(i);
      if (fn === undefined) {
        children.push(child.data[0]!);
        continue;
      }
      const values: (string | null)[] = new Array<string | null>(batch.numRows).fill(null);
      const pending: { row: number; text: string }[] = [];
      forEachText(child, undefined, (text, row) => pending.push({ row, text }));
      const plan = plans.find((p) => p.index === i)!;
      for (let k = 0; k < pending.length; k += CONCURRENCY) {
        const slice = pending.slice(k, k + CONCURRENCY);
        const out = await Promise.all(slice.map(async (p) => fn(p.text)));
        slice.forEach((p, j) => (values[p.row] = out[j]!));
      }
      plan.report.values += pending.length;
      children.push(vectorFromArray(values, new Utf8()).data[0]!);
    }
    const data = makeData({ type: new Struct(outFields) as DataType as Struct, length: batch.numRows, nullCount: 0, children });
    batches.push(new RecordBatch(schema, data));
  }
  const out = new Table(schema, batches);
  return { table: out, report: { columns: plans.map((p) => p.report), rows: table.numRows, ...(classification ? { classification } : {}) } };
}

function choose(
  column: string,
  types: readonly string[],
  level: Sensitivity | undefined,
  policy: ProtectionPolicy,
  levels: ReturnType<typeof sensitivityPolicy>,
): { protection: Protection; rule: ColumnProtection['rule'] } | undefined {
  const byColumn = policy.columns?.[column];
  if (byColumn) return { protection: byColumn, rule: 'column' };
  const ruled = types.filter((t) => policy.types?.[t] !== undefined);
  if (ruled.length > 0) {
    const rank = (t: string) => SENSITIVITY_LEVELS.indexOf(levels.levelOf(t));
    const top = [...ruled].sort((a, b) => rank(b) - rank(a))[0]!;
    return { protection: policy.types![top]!, rule: 'type' };
  }
  const byLevel = level === undefined ? undefined : policy.levels?.[level];
  if (byLevel && level !== 'public') return { protection: byLevel, rule: 'level' };
  return undefined;
}

async function transformFor(p: Protection, column: string, keys: KeyProvider | undefined, report: ColumnProtection, scanner: Scanner): Promise<(v: string) => string | Promise<string>> {
  const ctx = scanner.columnContext(column);
  switch (p.action) {
    case 'mask':
      if (p.scope === 'matches') return (v) => replaceMatches(v, scanner.scan(v, ctx), (m) => maskValue(m, p));
      return (v) => maskValue(v, p);
    case 'redact':
      if (p.scope === 'matches') return (v) => redactValue(v, scanner.scan(v, ctx), p.replacement);
      return () => p.replacement ?? '[REDACTED]';
    case 'keep':
      return (v) => v;
    default: {
      if (keys === undefined) throw new ValidationError(`column ${column}: action ${p.action} needs keys; pass policy.keys (a LocalKeyring or a KmsKeyring)`);
      const key = await keys.current(p.key);
      report.key = { name: key.name, version: key.version };
      if (p.action === 'hash') return hmacSigner(key);
      if (p.action === 'encrypt') return gcmEncryptor(key, column);
      const { action: _a, key: _k, ...options } = p;
      const t = await ff1Tokenizer(key, options);
      return (v) => t.tokenize(v);
    }
  }
}

function replaceMatches(value: string, found: readonly { start: number; end: number }[], fn: (m: string) => string): string {
  let out = '';
  let at = 0;
  for (const f of found) {
    out += value.slice(at, f.start) + fn(value.slice(f.start, f.end));
    at = f.end;
  }
  return out + value.slice(at);
}

/** What the zone writers pass to a protect hook (structurally `HookContext` of `lakekit/zones`). */
export interface ProtectContext {
  runId: string;
  zone: string;
  dataset: string;
  source?: string;
}

/**
 * A hook for the zone writers: `(table, ctx) => Promise<Table>` that applies
 * `policy` and hands each report to `onReport` (to log or keep beside the
 * dataset).
 *
 * @example
 * ```ts
 * const protect = protectHook({ keys, types: { CREDIT_CARD: { action: 'tokenize', key: 'pan' } } });
 * await silver.write(dataset, rows, { protect });
 * ```
 */
export function protectHook(policy: ProtectionPolicy, onReport?: (report: ProtectionReport, ctx: ProtectContext) => void | Promise<void>): (table: Table, ctx: ProtectContext) => Promise<Table> {
  return async (table, ctx) => {
    const { table: out, report } = await applyPolicy(table, policy);
    await onReport?.(report, ctx);
    return out;
  };
}
