/**
 * Quality rules: what Great Expectations, Soda, Deequ and AWS Glue DQDL users
 * rely on, as plain data. Every rule has a `type`, an optional `name` (its id
 * in results; generated when absent), a `severity` (`error` blocks a gate,
 * `warn` only reports), an optional allowed failure fraction for row-level
 * rules, and an optional `where` row filter in the expression language.
 *
 * @module
 */

/** How bad a failing rule is: `error` blocks promotion, `warn` only reports. */
export type Severity = 'error' | 'warn';

/** Logical column types rules and schemas speak of (Arrow, Iceberg and SQL types map onto these). */
export type LogicalType = 'string' | 'integer' | 'float' | 'decimal' | 'boolean' | 'timestamp' | 'date' | 'binary' | 'other';

/** Every logical type. */
export const LOGICAL_TYPES: readonly LogicalType[] = ['string', 'integer', 'float', 'decimal', 'boolean', 'timestamp', 'date', 'binary', 'other'];

/** Fields every rule accepts. */
export interface RuleBase {
  /** The rule's id in results; default `<type>(<columns>)`, made unique by a suffix. */
  name?: string;
  /** Default `error`. */
  severity?: Severity;
  /** Free text shown in reports. */
  description?: string;
  /** Only rows where this expression is TRUE are checked, e.g. `currency = 'USD'`. */
  where?: string;
  /** Row-level rules: the fraction of checked rows allowed to fail (default 0). */
  maxFailureFraction?: number;
}

/** A bound that is a number or a `YYYY-MM-DD[ HH:MM:SS]` UTC timestamp string. */
export type Bound = number | string;

/** A scalar a set rule compares with. */
export type SetValue = string | number | boolean;

/** Comparison operators of column-pair rules. */
export type PairOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** Aggregate rule types and what they compute over the column's non-null values. */
export type AggregateType = 'mean' | 'sum' | 'stddev' | 'min' | 'max' | 'distinctCount' | 'quantile' | 'correlation';

/** A data-quality rule. */
export type QualityRule = RuleBase &
  (
    | { type: 'rowCount'; min?: number; max?: number }
    | { type: 'rowCountMatch'; reference: string; minRatio?: number; maxRatio?: number }
    | { type: 'columnExists'; column: string }
    | { type: 'columnType'; column: string; dataType: LogicalType }
    | { type: 'schemaMatch'; columns: Record<string, LogicalType>; allowExtra?: boolean }
    | { type: 'isComplete'; column: string }
    | { type: 'completeness'; column: string; min: number }
    | { type: 'isUnique'; columns: string[] }
    | { type: 'uniqueness'; columns: string[]; min: number }
    | { type: 'primaryKey'; columns: string[] }
    | { type: 'inSet'; column: string; values: SetValue[] }
    | { type: 'notInSet'; column: string; values: SetValue[] }
    | { type: 'between'; column: string; min?: Bound; max?: Bound; exclusive?: boolean }
    | { type: 'matches'; column: string; pattern: string }
    | { type: 'length'; column: string; min?: number; max?: number }
    | { type: 'dateFormat'; column: string; format: string }
    | { type: 'freshness'; column: string; maxAgeSeconds: number }
    | { type: 'referentialIntegrity'; columns: string[]; reference: string; referenceColumns: string[] }
    | { type: 'columnPair'; left: string; op: PairOp; right: string }
    | { type: Exclude<AggregateType, 'quantile' | 'correlation'>; column: string; min?: number; max?: number }
    | { type: 'quantile'; column: string; q: number; min?: number; max?: number }
    | { type: 'correlation'; column: string; other: string; min?: number; max?: number }
    | { type: 'predicate'; expression: string }
    | { type: 'customSql'; sql: string; min?: number; max?: number }
    | { type: 'and'; rules: QualityRule[] }
    | { type: 'or'; rules: QualityRule[] }
  );

/** The rule type names. */
export type RuleType = QualityRule['type'];

/** Every rule type, in documentation order. */
export const RULE_TYPES: readonly RuleType[] = [
  'rowCount',
  'rowCountMatch',
  'columnExists',
  'columnType',
  'schemaMatch',
  'isComplete',
  'completeness',
  'isUnique',
  'uniqueness',
  'primaryKey',
  'inSet',
  'notInSet',
  'between',
  'matches',
  'length',
  'dateFormat',
  'freshness',
  'referentialIntegrity',
  'columnPair',
  'mean',
  'sum',
  'stddev',
  'min',
  'max',
  'distinctCount',
  'quantile',
  'correlation',
  'predicate',
  'customSql',
  'and',
  'or',
];

/** A named set of rules for one dataset. */
export interface RuleSet {
  /** The dataset the rules are for (used in results, history and OpenLineage). */
  dataset?: string;
  /** Columns identifying a row in per-row outcomes and quarantine, e.g. `['id']`. */
  keys?: string[];
  rules: QualityRule[];
}

/** Platform quality dimension a rule contributes to (design doc: completeness, accuracy, consistency, timeliness). */
export type Dimension = 'completeness' | 'accuracy' | 'consistency' | 'timeliness' | 'volume' | 'schema' | 'distribution' | 'custom';

/** The dimension of each rule type. */
export const RULE_DIMENSION: Record<RuleType, Dimension> = {
  rowCount: 'volume',
  rowCountMatch: 'consistency',
  columnExists: 'schema',
  columnType: 'schema',
  schemaMatch: 'schema',
  isComplete: 'completeness',
  completeness: 'completeness',
  isUnique: 'consistency',
  uniqueness: 'consistency',
  primaryKey: 'consistency',
  inSet: 'accuracy',
  notInSet: 'accuracy',
  between: 'accuracy',
  matches: 'accuracy',
  length: 'accuracy',
  dateFormat: 'accuracy',
  freshness: 'timeliness',
  referentialIntegrity: 'consistency',
  columnPair: 'consistency',
  mean: 'distribution',
  sum: 'distribution',
  stddev: 'distribution',
  min: 'distribution',
  max: 'distribution',
  distinctCount: 'distribution',
  quantile: 'distribution',
  correlation: 'distribution',
  predicate: 'accuracy',
  customSql: 'custom',
  and: 'custom',
  or: 'custom',
};

/** Columns a rule reads from the checked dataset. */
export function ruleColumns(rule: QualityRule): string[] {
  switch (rule.type) {
    case 'rowCount':
    case 'rowCountMatch':
    case 'predicate':
    case 'customSql':
    case 'schemaMatch':
    case 'and':
    case 'or':
      return [];
    case 'isUnique':
    case 'uniqueness':
    case 'primaryKey':
    case 'referentialIntegrity':
      return rule.columns;
    case 'columnPair':
      return [rule.left, rule.right];
    case 'correlation':
      return [rule.column, rule.other];
    default:
      return [rule.column];
  }
}

/**
 * A regular expression for a date/time format made of the tokens `YYYY`,
 * `MM`, `DD`, `HH`, `mm`, `ss`, `SSS`, `SSSSSS` and literal characters, with
 * field ranges checked (month 01–12, day 01–31, hour 00–23…). Day-of-month
 * is not checked against the month (2024-02-30 matches).
 */
export function dateFormatPattern(format: string): string {
  const tokens: [string, string][] = [
    ['YYYY', '[0-9]{4}'],
    ['SSSSSS', '[0-9]{6}'],
    ['SSS', '[0-9]{3}'],
    ['MM', '(0[1-9]|1[0-2])'],
    ['DD', '(0[1-9]|[12][0-9]|3[01])'],
    ['HH', '([01][0-9]|2[0-3])'],
    ['mm', '[0-5][0-9]'],
    ['ss', '[0-5][0-9]'],
  ];
  let out = '';
  let i = 0;
  outer: while (i < format.length) {
    for (const [tok, re] of tokens) {
      if (format.startsWith(tok, i)) {
        out += re;
        i += tok.length;
        continue outer;
      }
    }
    out += format[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    i++;
  }
  return `^${out}$`;
}
