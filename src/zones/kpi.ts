/**
 * KPI aggregate tables for the gold zone: daily, weekly (ISO weeks, from
 * Monday) or monthly rollups of measures by dimensions, computed over Arrow
 * columns, and written to a gold table by replacing exactly the periods
 * recomputed (dynamic partition overwrite), so a rerun is idempotent.
 */
import { DataType, DateDay, Field, makeData, RecordBatch, Schema as ArrowSchema, Struct, Table as ArrowTable, tableFromArrays, type Decimal } from 'apache-arrow';
import type { Catalog } from '../catalog/catalog.js';
import type { TableIdentifier } from '../catalog/identifier.js';
import { ValidationError } from '../errors.js';
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

interface Acc {
  period: number;
  dims: unknown[];
  values: { sum: number; count: number; min: number; max: number; distinct?: Set<string> }[];
}

/**
 * Roll `table` up by period and dimensions. The result has a `period`
 * column (date: the first day of the period), the dimension columns, and one
 * column per measure (`count`/`count_distinct` as int64, others as double;
 * nulls are skipped as SQL does).
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
  // Arrow decimals read back as their unscaled integers: divide by 10^scale.
  const divisors = measureCols.map((c) => (c !== undefined && DataType.isDecimal(c.type) ? 10 ** (c.type as Decimal).scale : 1));
  const groups = new Map<string, Acc>();
  for (let i = 0; i < table.numRows; i++) {
    const t = time.get(i) as unknown;
    if (t === null || t === undefined) continue;
    const period = periodStart(toMs(t, spec.time), spec.grain);
    const key = `${period}\u0000${rowKey(dimCols, i)}`;
    let found = groups.get(key);
    if (found === undefined) {
      found = { period, dims: dimCols.map((c) => c.get(i) as unknown), values: measures.map(([, m]) => ({ sum: 0, count: 0, min: Infinity, max: -Infinity, ...(m.agg === 'count_distinct' ? { distinct: new Set<string>() } : {}) })) };
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
      const v = c.get(i) as unknown;
      if (v === null || v === undefined) return;
      a.count++;
      if (a.distinct !== undefined) {
        a.distinct.add(typeof v === 'bigint' ? `${v}` : String(v));
        return;
      }
      if (m.agg === 'count') return;
      const x = toNumber(v, m.column!) / divisors[j]!;
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
  measures.forEach(([name, m], j) => {
    const vals = rows.map((r) => r.values[j]!);
    if (m.agg === 'count') columns[name] = BigInt64Array.from(vals.map((v) => BigInt(v.count)));
    else if (m.agg === 'count_distinct') columns[name] = BigInt64Array.from(vals.map((v) => BigInt(v.distinct!.size)));
    else {
      // Sums of decimals come back at the decimal's scale (no binary-fraction tails like .58999999997).
      const d = divisors[j]!;
      const atScale = (x: number) => (d === 1 ? x : Math.round(x * d) / d);
      columns[name] = vals.map((v) => (v.count === 0 ? null : m.agg === 'sum' ? atScale(v.sum) : m.agg === 'avg' ? v.sum / v.count : m.agg === 'min' ? v.min : v.max));
    }
  });
  const out = tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]) as unknown as ArrowTable;
  // `period` is a date: rebuild the column with the date type.
  return withDatePeriod(out);
}

function withDatePeriod(table: ArrowTable): ArrowTable {
  const fields = table.schema.fields.map((f) => (f.name === 'period' ? new Field('period', new DateDay(), false) : f));
  const schema = new ArrowSchema(fields);
  const batches = table.batches.map((b) => {
    const children = b.data.children.map((c, i) => (table.schema.fields[i]!.name === 'period' ? makeData({ type: new DateDay(), length: c.length, data: c.values as Int32Array }) : c));
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
