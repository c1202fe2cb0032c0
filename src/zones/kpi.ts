/**
 * KPI aggregate tables for the gold zone: daily, weekly (ISO weeks, from
 * Monday) or monthly rollups of measures by dimensions, computed over Arrow
 * columns, and written to a gold table by replacing exactly the periods
 * recomputed (dynamic partition overwrite), so a rerun is idempotent.
 */
import { DataType, DateDay, Field, makeData, RecordBatch, Schema as ArrowSchema, Struct, Table as ArrowTable, tableFromArrays, type Data, type Decimal } from 'apache-arrow';
import type { Catalog } from '../catalog/catalog.js';
import type { TableIdentifier } from '../catalog/identifier.js';
import { ValidationError } from '../errors.js';
import { columnReader } from '../formats/arrow/arrow-to-rows.js';
import { buildData } from '../formats/arrow/build-data.js';
import { arrowToIcebergSchema } from '../formats/arrow/from-arrow-schema.js';
import type { RowChangeResult } from '../iceberg/operations/delete-where.js';
import { buildPartitionSpec } from '../iceberg/spec/partition.js';
import { Transforms } from '../iceberg/spec/transforms.js';
import { ensureGoldTable } from './gold.js';
import { parseIsoTimestamp, rowKey } from './standardize.js';

/** Rollup period. */
export type KpiGrain = 'day' | 'week' | 'month';

/** One measure: an aggregate of a column (or of rows, for `count`). */
export interface KpiMeasure {
  agg: 'sum' | 'count' | 'min' | 'max' | 'avg' | 'count_distinct';
  /** Source column; optional for `count` (counts rows). */
  column?: string;
}

/** What {@link aggregateKpis} computes. */
export interface KpiSpec {
  /** Date or timestamp column (or ISO text) the period comes from. */
  time: string;
  grain: KpiGrain;
  dimensions?: readonly string[];
  /** Output column name → measure. */
  measures: Readonly<Record<string, KpiMeasure>>;
}

const DAY_MS = 86_400_000;

/** Days since the epoch of the start of the period holding `ms` (UTC). */
export function periodStart(ms: number, grain: KpiGrain): number {
  const day = Math.floor(ms / DAY_MS);
  if (grain === 'day') return day;
  if (grain === 'week') return day - ((day + 3) % 7 + 7) % 7; // 1970-01-01 was a Thursday; weeks start on Monday
  const d = new Date(day * DAY_MS);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS);
}

function toMs(v: unknown, column: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v / 1000n);
  const micros = parseIsoTimestamp(v);
  if (micros === undefined) throw new ValidationError(`column ${column} holds ${JSON.stringify(v)}, which is not a date or timestamp`, { context: { column } });
  return Number(micros / 1000n);
}

function toNumber(v: unknown, column: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'object' && v !== null) {
    const n = Number(String(v));
    if (Number.isFinite(n)) return n;
  }
  throw new ValidationError(`column ${column} holds ${JSON.stringify(String(v))}, which is not a number`, { context: { column } });
}

interface MeasureAcc {
  sum: number;
  count: number;
  min: number;
  max: number;
  distinct?: Set<string>;
  /** Exact sum, min and max of a decimal column, as unscaled integers. */
  exact?: { sum: bigint; min: bigint | null; max: bigint | null };
}

interface Acc {
  period: number;
  dims: unknown[];
  values: MeasureAcc[];
}

/** Widest decimal precision (Iceberg and Arrow decimal128). */
const MAX_PRECISION = 38;

/** Every value of a decimal column as its unscaled integer (null for null). */
function unscaledValues(column: { data: readonly import('apache-arrow').Data[] }): (bigint | null)[] {
  const out: (bigint | null)[] = [];
  for (const d of column.data) {
    const read = columnReader(d, undefined, { decimals: 'bigint' });
    for (let k = 0; k < d.length; k++) out.push(read(k) as bigint | null);
  }
  return out;
}

/** `round(n / d)`, halves away from zero, for d > 0. */
function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Roll `table` up by period and dimensions. The result has a `period`
 * column (date: the first day of the period), the dimension columns, and one
 * column per measure: `count`/`count_distinct` as int64; over a decimal
 * column, exact decimals as SQL engines type them (`sum` → decimal(P+10,S),
 * `avg` → decimal(P+4,S+4) rounded half away from zero, `min`/`max` →
 * decimal(P,S), precision capped at 38), so money never passes through a
 * float; over other numeric columns, double. Nulls are skipped as SQL does.
 *
 * @example
 * ```ts
 * const weekly = aggregateKpis(orders, { time: 'order_ts', grain: 'week', dimensions: ['country'], measures: { revenue: { agg: 'sum', column: 'amount' }, orders: { agg: 'count' } } });
 * ```
 */
export function aggregateKpis(table: ArrowTable, spec: KpiSpec): ArrowTable {
  const dims = spec.dimensions ?? [];
  const measures = Object.entries(spec.measures);
  if (measures.length === 0) throw new ValidationError('give at least one measure');
  const col = (name: string) => {
    const c = table.getChild(name);
    if (c === null) throw new ValidationError(`column ${name} is not in the table (columns: ${table.schema.fields.map((f) => f.name).join(', ')})`, { context: { column: name } });
    return c;
  };
  const time = col(spec.time);
  const dimCols = dims.map(col);
  const measureCols = measures.map(([name, m]) => {
    if (m.agg !== 'count' && m.column === undefined) throw new ValidationError(`measure ${name} (${m.agg}) needs a column`);
    return m.column === undefined ? undefined : col(m.column);
  });
  // Decimal measures are aggregated exactly, on their unscaled integers.
  const decimalTypes = measures.map(([, m], j) => {
    const c = measureCols[j];
    return c !== undefined && m.agg !== 'count' && m.agg !== 'count_distinct' && DataType.isDecimal(c.type) ? (c.type as Decimal) : undefined;
  });
  const unscaled = measureCols.map((c, j) => (decimalTypes[j] !== undefined ? unscaledValues(c!) : undefined));
  const groups = new Map<string, Acc>();
  for (let i = 0; i < table.numRows; i++) {
    const t = time.get(i) as unknown;
    if (t === null || t === undefined) continue;
    const period = periodStart(toMs(t, spec.time), spec.grain);
    const key = `${period}\u0000${rowKey(dimCols, i)}`;
    let found = groups.get(key);
    if (found === undefined) {
      found = {
        period,
        dims: dimCols.map((c) => c.get(i) as unknown),
        values: measures.map(([, m], j) => ({
          sum: 0,
          count: 0,
          min: Infinity,
          max: -Infinity,
          ...(m.agg === 'count_distinct' ? { distinct: new Set<string>() } : {}),
          ...(decimalTypes[j] !== undefined ? { exact: { sum: 0n, min: null, max: null } } : {}),
        })),
      };
      groups.set(key, found);
    }
    const acc = found;
    measures.forEach(([, m], j) => {
      const a = acc.values[j]!;
      const c = measureCols[j];
      if (c === undefined) {
        a.count++;
        return;
      }
      const exactValues = unscaled[j];
      if (exactValues !== undefined) {
        const u = exactValues[i];
        if (u === null || u === undefined) return;
        a.count++;
        const e = a.exact!;
        e.sum += u;
        if (e.min === null || u < e.min) e.min = u;
        if (e.max === null || u > e.max) e.max = u;
        return;
      }
      const v = c.get(i) as unknown;
      if (v === null || v === undefined) return;
      a.count++;
      if (a.distinct !== undefined) {
        a.distinct.add(typeof v === 'bigint' ? `${v}` : String(v));
        return;
      }
      if (m.agg === 'count') return;
      const x = toNumber(v, m.column!);
      a.sum += x;
      if (x < a.min) a.min = x;
      if (x > a.max) a.max = x;
    });
  }
  const rows = [...groups.values()].sort((a, b) => a.period - b.period);
  const columns: Record<string, unknown> = { period: Int32Array.from(rows.map((r) => r.period)) };
  dims.forEach((d, j) => {
    columns[d] = rows.map((r) => {
      const v = r.dims[j];
      return v === null || v === undefined ? null : typeof v === 'bigint' ? Number(v) : v;
    });
  });
  const decimalColumns: { name: string; precision: number; scale: number; values: (bigint | null)[] }[] = [];
  measures.forEach(([name, m], j) => {
    const vals = rows.map((r) => r.values[j]!);
    const dec = decimalTypes[j];
    if (m.agg === 'count') columns[name] = BigInt64Array.from(vals.map((v) => BigInt(v.count)));
    else if (m.agg === 'count_distinct') columns[name] = BigInt64Array.from(vals.map((v) => BigInt(v.distinct!.size)));
    else if (dec !== undefined) {
      // Exact, as SQL engines do: sum → decimal(p+10, s), avg → decimal(p+4, s+4), min/max keep the type.
      const { precision, scale } = dec;
      const out = (p: number, s: number, f: (e: NonNullable<MeasureAcc['exact']>, count: number) => bigint | null) =>
        decimalColumns.push({ name, precision: Math.min(MAX_PRECISION, p), scale: s, values: vals.map((v) => (v.count === 0 ? null : f(v.exact!, v.count))) });
      if (m.agg === 'sum') out(precision + 10, scale, (e) => e.sum);
      else if (m.agg === 'avg') {
        const s = Math.min(scale + 4, MAX_PRECISION);
        out(precision + 4, s, (e, count) => divRound(e.sum * 10n ** BigInt(s - scale), BigInt(count)));
      } else out(precision, scale, (e) => (m.agg === 'min' ? e.min : e.max));
      columns[name] = new Int8Array(rows.length); // placeholder, replaced below with the decimal column
    } else {
      columns[name] = vals.map((v) => (v.count === 0 ? null : m.agg === 'sum' ? v.sum : m.agg === 'avg' ? v.sum / v.count : m.agg === 'min' ? v.min : v.max));
    }
  });
  const out = tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]) as unknown as ArrowTable;
  const replaced = new Map<string, Data>();
  // `period` is a date; decimal measures get their exact decimal columns.
  const period = out.getChild('period')!.data[0]!;
  replaced.set('period', makeData({ type: new DateDay(), length: period.length, data: period.values as Int32Array }));
  for (const d of decimalColumns) replaced.set(d.name, buildData({ type: 'decimal', precision: d.precision, scale: d.scale }, false, d.values, { path: d.name }));
  return withColumns(out, replaced);
}

/** `table` (one batch, as `tableFromArrays` builds it) with some columns' data replaced, their fields retyped. */
function withColumns(table: ArrowTable, replaced: ReadonlyMap<string, Data>): ArrowTable {
  const fields = table.schema.fields.map((f) => {
    const d = replaced.get(f.name);
    return d === undefined ? f : new Field(f.name, d.type, f.name !== 'period');
  });
  const schema = new ArrowSchema(fields);
  const batches = table.batches.map((b) => {
    const children = b.data.children.map((c, i) => replaced.get(fields[i]!.name) ?? c);
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children }));
  });
  return new ArrowTable(schema, batches);
}

/**
 * Write a KPI table to gold, creating it partitioned by `period` if
 * needed, and replacing exactly the periods present in `aggregates` (a rerun
 * of the same periods is idempotent; other periods are untouched).
 *
 * @example
 * ```ts
 * await writeKpiTable(lake.catalog, 'gold.weekly_revenue', weekly);
 * ```
 */
export async function writeKpiTable(catalog: Catalog, id: string | TableIdentifier, aggregates: ArrowTable): Promise<RowChangeResult> {
  const schema = arrowToIcebergSchema(aggregates.schema);
  const table = await ensureGoldTable(catalog, id, schema, buildPartitionSpec(schema, [{ source: 'period', transform: Transforms.identity }]));
  return table.overwritePartitions(aggregates);
}
