/**
 * lakekit's readers against DuckDB: the same CSV files read by DuckDB's
 * `read_csv` (its own sniffing and inference; the dialect given for generated
 * files, whose quoted line breaks can defeat its sniffer) give the same values, and a
 * Parquet file DuckDB writes (no Iceberg field ids) reads back the same.
 */
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv, readParquet } from '../../src/formats/index.js';
import { LocalFileIO } from '../../src/io/local.js';
import { collect } from '../unit/formats/csv/helpers.js';

let dir: string;
let db: DuckDBInstance;
let con: DuckDBConnection;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-formats-interop-'));
  db = await DuckDBInstance.create(':memory:');
  con = await db.connect();
});

afterAll(async () => {
  con?.closeSync();
  db?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

/** Column kinds the generator writes, and how both sides' values are compared. */
type Kind = 'long' | 'amount' | 'day' | 'ts' | 'tstz' | 'flag' | 'text';

/** DuckDB SQL that brings a column to the compared form. */
const duckExpr: Record<Kind, (c: string) => string> = {
  long: (c) => `CAST("${c}" AS BIGINT)`,
  amount: (c) => `CAST("${c}" AS DOUBLE)`,
  day: (c) => `CAST(date_diff('day', DATE '1970-01-01', "${c}") AS BIGINT)`,
  ts: (c) => `epoch_us("${c}")`,
  tstz: (c) => `epoch_us("${c}")`,
  flag: (c) => `"${c}"`,
  text: (c) => `"${c}"`,
};

function lakekitValue(kind: Kind, v: unknown): unknown {
  if (v === null) return null;
  switch (kind) {
    case 'long':
    case 'ts':
    case 'tstz':
    case 'day':
      return BigInt(v as number | bigint);
    case 'amount':
      return Number(v);
    default:
      return v;
  }
}

async function compare(file: string, duckOptions = ''): Promise<void> {
  const lk = await collect(readCsv(new Uint8Array(await readFile(file))));
  expect(lk.malformed).toEqual([]);
  const names = lk.schema.fields.map((f) => f.name);
  const kinds = names.map((n) => n.split('_')[0] as Kind);
  const sql = `SELECT ${names.map((n, i) => `${duckExpr[kinds[i]!](n)} AS "${n}"`).join(', ')} FROM read_csv('${file}'${duckOptions})`;
  const duck = (await con.runAndReadAll(sql)).getRowObjectsJS();
  const ours = lk.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, lakekitValue(kinds[i]!, r[n])])));
  expect(ours).toEqual(duck);
}

const iso = (ms: number, sep: string) => new Date(ms).toISOString().slice(0, 23).replace('T', sep);

describe('readCsv agrees with DuckDB read_csv', () => {
  it('on a transactions file with quoting, nulls, CRLF and every inferred type', async () => {
    const file = join(dir, 'tx.csv');
    await writeFile(
      file,
      [
        'long_id,amount_eur,day_booked,ts_local,tstz_utc,flag_ok,text_note',
        '1,12.50,2024-02-29,2024-02-29 10:00:00.250,2024-02-29T10:00:00Z,true,"Smith, J"',
        '2,-0.75,1999-12-31,1999-12-31 23:59:59,1999-12-31 23:59:59+01:00,false,"said ""hi"""',
        '3,,2000-01-01,2000-01-01 00:00:00,2000-01-01T00:00:00-05:30,true,',
        '9000000000,1000000.01,2026-11-22,2026-11-22 04:40:00.123456,2026-11-22T04:40:00.5+00:00,false,"multi',
        'line"',
      ].join('\r\n'),
    );
    await compare(file);
  });

  it('on generated files', async () => {
    const row = fc.record({
      id: fc.integer({ min: -1e9, max: 1e9 }),
      amount: fc.option(fc.integer({ min: -1e8, max: 1e8 }).map((c) => (c / 100).toFixed(2)), { freq: 5 }),
      day: fc.integer({ min: -3e4, max: 3e4 }),
      ts: fc.integer({ min: -1e12, max: 4e12 }),
      flag: fc.boolean(),
      text: fc.option(fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', 'é', '\n', 'Z'), minLength: 1, maxLength: 8 }), { freq: 4 }),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 2, maxLength: 30 }), async (rows) => {
        const file = join(dir, `gen-${n++}.csv`);
        const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const lines = rows.map((r) =>
          [r.id, r.amount ?? '', iso(r.day * 86400000, 'T').slice(0, 10), iso(r.ts, ' '), `${iso(r.ts, 'T')}Z`, r.flag, r.text === null ? '' : q(r.text)].join(','),
        );
        // Text made only of letters would be sniffed as a header by both; keep a typed first column so neither guesses.
        await writeFile(file, `long_id,amount_x,day_d,ts_t,tstz_t,flag_f,text_s\n${lines.join('\n')}\n`);
        // DuckDB is told the dialect here: its sniffer can fail to find the header when the first
        // rows' quoted text holds line breaks (seed 2133423067). Types are still inferred by both.
        await compare(file, ", header = true, delim = ',', quote = '\"', escape = '\"'");
      }),
      { numRuns: 25 },
    );
  });
});

describe('readParquet reads what DuckDB writes', () => {
  it('gives DuckDB’s rows for a file without Iceberg field ids', async () => {
    const file = join(dir, 'duck.parquet');
    await con.run(
      `COPY (SELECT i::BIGINT AS id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN NULL ELSE (i * 1.25)::DECIMAL(9,2) END AS amount, DATE '2024-01-01' + i::INTEGER AS day FROM range(100) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    const io = new LocalFileIO({ root: dir });
    const r = await collect(readParquet(io, 'duck.parquet', { batchSize: 30 }));
    expect(r.batches).toEqual([30, 30, 30, 10]);
    const duck = (await con.runAndReadAll(`SELECT id, name, amount::VARCHAR AS amount, date_diff('day', DATE '1970-01-01', day) AS day FROM '${file}' ORDER BY id`)).getRowObjectsJS();
    expect(r.rows.map((x) => ({ ...x, day: BigInt(x.day as number) }))).toEqual(duck);
  });
});
