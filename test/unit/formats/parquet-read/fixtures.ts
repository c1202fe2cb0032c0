/**
 * Parquet fixtures written at test time by DuckDB (the test oracle; no
 * Python needed): one query over `range(n)` whose values the tests can also
 * compute, with Iceberg field ids, any codec and row-group size.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import type { Schema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField } from '../../../../src/iceberg/spec/types.js';

/** Every column type DuckDB writes that Iceberg has, nested ones included. */
export const SELECT_ALL = `
SELECT
  i::BIGINT AS id,
  CASE WHEN i % 5 = 0 THEN NULL ELSE (i * 7 - 100)::INTEGER END AS i32,
  (i % 2 = 0) AS b,
  (i / 4)::FLOAT AS f,
  (i * 1.5)::DOUBLE AS d,
  ((i * 123 - 5000)::DECIMAL(18,0) / 100)::DECIMAL(9,2) AS dec9,
  (((i - 50) * 1234567890123)::DECIMAL(18,0) / 1000)::DECIMAL(18,3) AS dec18,
  (((i - 50) * 1234567890123)::VARCHAR || '.0123456789')::DECIMAL(38,10) AS dec38,
  DATE '2020-01-01' + i::INTEGER AS dt,
  TIME '00:00:00' + INTERVAL (i * 1000001) MICROSECOND AS tm,
  make_timestamp(1704067200000000 + i * 1234567) AS ts,
  make_timestamp(-86400000000 * 400 + i * 1234567)::TIMESTAMPTZ AS tstz,
  make_timestamp_ns(1704067200000000000 + i * 1234567891) AS tsns,
  CASE WHEN i % 7 = 3 THEN NULL ELSE 'str-' || i || '-é✓' END AS s,
  encode('b' || i) AS bin,
  ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u,
  CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN []::INTEGER[] ELSE [i::INTEGER, NULL, (i + 1)::INTEGER] END AS l,
  CASE WHEN i % 6 = 0 THEN NULL ELSE {'a': i::BIGINT, 'b': CASE WHEN i % 3 = 0 THEN NULL ELSE 'v' || i END} END AS st,
  CASE WHEN i % 5 = 1 THEN NULL ELSE MAP([i::INTEGER, (i + 1)::INTEGER], ['x', NULL]) END AS m,
  CASE WHEN i % 3 = 0 THEN NULL ELSE [[i::INTEGER], []::INTEGER[], NULL] END AS ll,
  [{'x': i::INTEGER}, NULL] AS ls
FROM range(N) t(i)`;

/** DuckDB's FIELD_IDS clause for {@link SELECT_ALL}. */
export const FIELD_IDS_ALL = `{id: 1, i32: 2, b: 3, f: 4, d: 5, dec9: 6, dec18: 7, dec38: 8, dt: 9, tm: 10, ts: 11, tstz: 12, tsns: 13, s: 14, bin: 15, u: 16,
  l: {__duckdb_field_id: 20, element: 21}, st: {__duckdb_field_id: 22, a: 23, b: 24}, m: {__duckdb_field_id: 25, key: 26, value: 27},
  ll: {__duckdb_field_id: 28, element: {__duckdb_field_id: 29, element: 30}}, ls: {__duckdb_field_id: 31, element: {__duckdb_field_id: 32, x: 33}}}`;

/** The Iceberg schema of {@link SELECT_ALL} (DuckDB writes every column optional). */
export const SCHEMA_ALL: Schema = newSchema([
  optionalField(1, 'id', Types.long),
  optionalField(2, 'i32', Types.int),
  optionalField(3, 'b', Types.boolean),
  optionalField(4, 'f', Types.float),
  optionalField(5, 'd', Types.double),
  optionalField(6, 'dec9', Types.decimal(9, 2)),
  optionalField(7, 'dec18', Types.decimal(18, 3)),
  optionalField(8, 'dec38', Types.decimal(38, 10)),
  optionalField(9, 'dt', Types.date),
  optionalField(10, 'tm', Types.time),
  optionalField(11, 'ts', Types.timestamp),
  optionalField(12, 'tstz', Types.timestamptz),
  optionalField(13, 'tsns', Types.timestamp_ns),
  optionalField(14, 's', Types.string),
  optionalField(15, 'bin', Types.binary),
  optionalField(16, 'u', Types.uuid),
  optionalField(20, 'l', Types.list(21, Types.int)),
  optionalField(22, 'st', Types.struct([optionalField(23, 'a', Types.long), optionalField(24, 'b', Types.string)])),
  optionalField(25, 'm', Types.map(26, Types.int, 27, Types.string)),
  optionalField(28, 'll', Types.list(29, Types.list(30, Types.int))),
  optionalField(31, 'ls', Types.list(32, Types.struct([optionalField(33, 'x', Types.int)]))),
]);

function fmtDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** The row `arrowToRows` must give for row i of {@link SELECT_ALL}. */
export function expectedRow(i: number): Record<string, unknown> {
  const I = BigInt(i);
  const enc = new TextEncoder();
  return {
    id: I,
    i32: i % 5 === 0 ? null : i * 7 - 100,
    b: i % 2 === 0,
    f: i / 4,
    d: i * 1.5,
    dec9: fmtDecimal(I * 123n - 5000n, 2),
    dec18: fmtDecimal((I - 50n) * 1234567890123n, 3),
    dec38: `${i - 50 < 0 ? '-' : ''}${(BigInt(Math.abs(i - 50)) * 1234567890123n).toString()}.0123456789`,
    dt: 18262 + i,
    tm: I * 1000001n,
    ts: 1704067200000000n + I * 1234567n,
    tstz: -86400000000n * 400n + I * 1234567n,
    tsns: 1704067200000000000n + I * 1234567891n,
    s: i % 7 === 3 ? null : `str-${i}-é✓`,
    bin: enc.encode(`b${i}`),
    u: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    l: i % 4 === 0 ? null : i % 4 === 1 ? [] : [i, null, i + 1],
    st: i % 6 === 0 ? null : { a: I, b: i % 3 === 0 ? null : `v${i}` },
    m: i % 5 === 1 ? null : new Map<number, string | null>([[i, 'x'], [i + 1, null]]),
    ll: i % 3 === 0 ? null : [[i], [], null],
    ls: [{ x: i }, null],
  };
}

/** Options for {@link duckParquet}. */
export interface DuckOptions {
  rows?: number;
  codec?: string;
  rowGroupSize?: number;
  fieldIds?: string | null;
  select?: string;
}

let instance: Promise<DuckDBInstance> | undefined;

/** Write a Parquet file with DuckDB and return its bytes. */
export async function duckParquet(opts: DuckOptions = {}): Promise<Uint8Array> {
  instance ??= DuckDBInstance.create(':memory:');
  const conn = await (await instance).connect();
  const dir = await mkdtemp(join(tmpdir(), 'lakekit-pq-'));
  try {
    const file = join(dir, 'f.parquet');
    const select = (opts.select ?? SELECT_ALL).replace('range(N)', `range(${opts.rows ?? 100})`);
    const ids = opts.fieldIds === null ? '' : `, FIELD_IDS ${opts.fieldIds ?? FIELD_IDS_ALL}`;
    await conn.run(`COPY (${select}) TO '${file}' (FORMAT parquet, COMPRESSION ${opts.codec ?? 'zstd'}, ROW_GROUP_SIZE ${opts.rowGroupSize ?? 122880}${ids})`);
    return new Uint8Array(await readFile(file));
  } finally {
    conn.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
