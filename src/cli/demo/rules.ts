/**
 * The demo's quality rule sets and protection policy. They are written into
 * the demo lake as files (`rules/*.yaml`, `policy.yaml`) so `lakekit check`
 * and `lakekit protect` reuse exactly what the demo ran.
 */
import type { Table as ArrowTable } from 'apache-arrow';
import { DataType, DateUnit, Utf8, vectorFromArray } from 'apache-arrow';
import { arrowToRows } from '../../iceberg/index.js';
import { stringify } from 'yaml';
import type { ProtectionPolicy } from '../../classification/index.js';
import type { QualityRule, RuleSet } from '../../quality/index.js';

/** Currencies the demo bank accepts (ISO 4217). */
export const ACCEPTED_CURRENCIES = ['USD', 'GBP', 'THB', 'SGD', 'EUR', 'JPY'] as const;

const ISO_TIMESTAMP = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$';

/** Rule sets per demo dataset; they check the extract as received (before standardization). */
export const DEMO_RULES: Record<'customers' | 'accounts' | 'transactions', RuleSet> = {
  customers: {
    dataset: 'core.customers',
    rules: [
      { type: 'isComplete', column: 'customer_id', description: 'every customer has an id' },
      { type: 'isUnique', columns: ['customer_id'] },
      { type: 'inSet', column: 'country', values: ['US', 'UK', 'TH', 'SG'] },
      { type: 'completeness', column: 'email', min: 0.95, severity: 'warn' },
    ],
  },
  accounts: {
    dataset: 'core.accounts',
    rules: [
      { type: 'primaryKey', columns: ['account_id'] },
      { type: 'isComplete', column: 'customer_id' },
      { type: 'inSet', column: 'currency', values: [...ACCEPTED_CURRENCIES] },
    ],
  },
  transactions: {
    dataset: 'core.transactions',
    rules: [
      { type: 'isComplete', column: 'transaction_id', description: 'every transaction has an id' },
      { type: 'isUnique', columns: ['transaction_id'] },
      { type: 'between', column: 'amount', min: 0, description: 'card purchases are never negative' },
      { type: 'inSet', column: 'currency', values: [...ACCEPTED_CURRENCIES] },
      { type: 'matches', column: 'ts', pattern: ISO_TIMESTAMP, description: 'ISO-8601 timestamps with a zone' },
      { type: 'isComplete', column: 'account_id' },
      { type: 'rowCount', min: 1, severity: 'warn' },
    ],
  },
};

/** A rule set as the YAML rule file `lakekit check --rules` reads. */
export function ruleFileText(rules: RuleSet): string {
  return stringify(rules);
}

/**
 * The same rules for the cleaned table the silver gate sees: a text-format
 * rule (`matches`, `dateFormat`, `length`) on a column standardization typed
 * (text → timestamp) becomes "is complete", because a value that did not
 * parse is null there.
 */
export function gateRules(rules: RuleSet, cleaned: ArrowTable): RuleSet {
  const typed = (column: string) => {
    const f = cleaned.schema.fields.find((x) => x.name === column);
    return f !== undefined && !DataType.isUtf8(f.type);
  };
  const out: QualityRule[] = rules.rules.map((r) =>
    (r.type === 'matches' || r.type === 'dateFormat' || r.type === 'length') && typed(r.column) ? { type: 'isComplete', column: r.column, name: `${r.type}(${r.column})` } : r,
  );
  return { ...rules, rules: out };
}

/**
 * The rule sets for the cleaned data in silver and gold, where `ts` is a
 * timestamp: the format rule becomes "is complete" (see {@link gateRules}).
 */
export const DEMO_SILVER_RULES: Record<keyof typeof DEMO_RULES, RuleSet> = Object.fromEntries(
  Object.entries(DEMO_RULES).map(([k, r]) => [k, { ...r, rules: r.rules.map((x) => (x.type === 'matches' && x.column === 'ts' ? { type: 'isComplete' as const, column: 'ts', name: 'matches(ts)' } : x)) }]),
) as Record<keyof typeof DEMO_RULES, RuleSet>;

/**
 * Date columns among `columns` as ISO text (`YYYY-MM-DD`): protection
 * rewrites text, so a date to be masked becomes text first.
 */
export function datesAsText(table: ArrowTable, columns: readonly string[]): ArrowTable {
  let out = table;
  for (const c of columns) {
    const i = out.schema.fields.findIndex((f) => f.name === c);
    const f = out.schema.fields[i];
    if (f === undefined || !DataType.isDate(f.type)) continue;
    // arrowToRows gives date32 as days since the epoch, date64 as milliseconds.
    const isDay = DataType.isDate(f.type) && f.type.unit === DateUnit.DAY;
    const values = arrowToRows(out).map((r) => {
      const v = r[c];
      if (v === null || v === undefined) return null;
      return new Date(Number(v) * (isDay ? 86_400_000 : 1)).toISOString().slice(0, 10);
    });
    out = out.setChildAt(i, vectorFromArray(values, new Utf8()));
  }
  return out;
}

/** The protection policy the demo applies (keys come from the demo keyring). */
export const DEMO_POLICY: Omit<ProtectionPolicy, 'keys'> = {
  columns: {
    last_name: { action: 'mask', keepFirst: 1, keepLast: 0 },
    date_of_birth: { action: 'mask', keepFirst: 4, keepLast: 0 },
    memo: { action: 'mask', scope: 'matches' },
  },
  types: {
    CREDIT_CARD: { action: 'tokenize', key: 'pan', luhn: true, keepLast: 4 },
    US_SSN: { action: 'hash', key: 'pii' },
    EMAIL: { action: 'hash', key: 'pii' },
    TH_NATIONAL_ID: { action: 'hash', key: 'pii' },
    SG_NRIC_FIN: { action: 'hash', key: 'pii' },
    PHONE: { action: 'mask' },
    IBAN: { action: 'mask' },
    BANK_ACCOUNT: { action: 'tokenize', key: 'account' },
  },
  levels: { restricted: { action: 'redact' } },
};

/** The policy file `lakekit protect --policy` reads: the policy plus where its keyring lives. */
export function policyFileText(keyring: string): string {
  return stringify({ keyring, ...DEMO_POLICY });
}

/**
 * `policy` without the column rules for columns `table` does not have, so
 * one policy serves every dataset (`applyPolicy` refuses unknown columns).
 */
export function fitPolicy<P extends Pick<ProtectionPolicy, 'columns'>>(policy: P, table: ArrowTable): P {
  if (policy.columns === undefined) return policy;
  const names = new Set(table.schema.fields.map((f) => f.name));
  return { ...policy, columns: Object.fromEntries(Object.entries(policy.columns).filter(([c]) => names.has(c))) };
}
