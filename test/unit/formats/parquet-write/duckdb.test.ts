// DuckDB as the oracle: it reads lakekit's files and must see exactly the data written.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsToArrow } from '../../../../src/formats/arrow/index.js';
import { writeParquet } from '../../../../src/formats/parquet/write/index.js';
import { newSchema, optionalField, requiredField, Types } from '../../../../src/iceberg/spec/index.js';

let dir: string;
let duck: Awaited<ReturnType<DuckDBInstance['connect']>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-pqw-'));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function query(sql: string): Promise<unknown[][]> {
  return (await duck.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

const transactions = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'account', Types.string),
  optionalField(3, 'amount', Types.decimal(18, 2)),
  optionalField(4, 'currency', Types.string),
  optionalField(5, 'ts', Types.timestamptz),
  optionalField(6, 'merchant', Types.string),
  optionalField(7, 'is_fraud', Types.boolean),
]);

function rows(n: number) {
  const currencies = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];
  return Array.from({ length: n }, (_, i) => ({
    id: BigInt(i),
    account: i % 97 === 5 ? null : `ACCT${String((i * 7919) % 20011).padStart(10, '0')}`,
    amount: i % 89 === 3 ? null : BigInt(((i * 104729) % 1_000_000) - 20_000),
    currency: currencies[(i * 31) % 5]!,
    ts: 1_735_689_600_000_000n + BigInt(i) * 2_592_000_000n + BigInt(i % 1000),
    merchant: `merchant_${String(i % 1000).padStart(4, '0')}`,
    is_fraud: i % 101 === 0 ? null : i % 100 === 0,
  }));
}

describe('DuckDB reads what lakekit writes', () => {
  it.each(['zstd', 'snappy', 'gzip', 'uncompressed'] as const)('transactions, %s, several row groups: counts, sums and exact values', async (codec) => {
    const data = rows(30_000);
    const { bytes, metrics } = await writeParquet(rowsToArrow(data, transactions), transactions, { codec, rowGroupSizeBytes: 64 * 1024, pageSizeBytes: 16 * 1024 });
    const path = join(dir, `tx-${codec}.parquet`);
    await writeFile(path, bytes);
    const f = `read_parquet('${path}')`;
    const [agg] = await query(`select count(*), sum(id), sum(amount)::varchar, count(amount), count(distinct account), count(account), sum(is_fraud::int), count(is_fraud), min(ts)::varchar, max(ts)::varchar, count(distinct merchant) from ${f}`);
    const nonNullAmounts = data.filter((r) => r.amount !== null);
    const sumCents = nonNullAmounts.reduce((s, r) => s + r.amount!, 0n);
    const sign = sumCents < 0n ? '-' : '';
    const abs = sumCents < 0n ? -sumCents : sumCents;
    expect(agg).toEqual([
      30_000n,
      BigInt((30_000 * 29_999) / 2),
      `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`,
      BigInt(nonNullAmounts.length),
      BigInt(new Set(data.map((r) => r.account).filter((a) => a !== null)).size),
      BigInt(data.filter((r) => r.account !== null).length),
      BigInt(data.filter((r) => r.is_fraud === true).length),
      BigInt(data.filter((r) => r.is_fraud !== null).length),
      '2025-01-01 00:00:00+00',
      (await query(`select make_timestamptz(${data[29_999]!.ts})::varchar`))[0]![0],
      1000n,
    ]);
    const picked = await query(`select id, account, amount::varchar, currency, epoch_us(ts), merchant, is_fraud from ${f} where id in (0, 5, 3, 12345, 29999) order by id`);
    expect(picked).toEqual([0, 3, 5, 12345, 29999].map((i) => {
      const r = data[i]!;
      const amt = r.amount === null ? null : `${r.amount < 0n ? '-' : ''}${(r.amount < 0n ? -r.amount : r.amount) / 100n}.${String((r.amount < 0n ? -r.amount : r.amount) % 100n).padStart(2, '0')}`;
      return [r.id, r.account, amt, r.currency, r.ts, r.merchant, r.is_fraud];
    }));
    const ids = await query(`select name, field_id from parquet_schema('${path}') where field_id is not null order by field_id`);
    expect(ids).toEqual(transactions.fields.map((x) => [x.name, BigInt(x.id)]));
    const groups = await query(`select count(distinct row_group_id) from parquet_metadata('${path}')`);
    expect(Number(groups[0]![0])).toBeGreaterThan(1);
    expect(metrics.splitOffsets.length).toBe(Number(groups[0]![0]));
  });

  it('nested lists, structs and maps with nulls at every level', async () => {
    const schema = newSchema([
      requiredField(1, 'id', Types.int),
      optionalField(2, 'tags', Types.list(3, Types.string)),
      optionalField(4, 'pts', Types.list(5, Types.struct([optionalField(6, 'x', Types.long), requiredField(7, 'name', Types.string)]))),
      optionalField(8, 'attrs', Types.map(9, Types.string, 10, Types.list(11, Types.int, true))),
    ]);
    const data = [
      { id: 1, tags: ['a', null, 'b'], pts: [{ x: 1n, name: 'p' }, null, { x: null, name: 'q' }], attrs: new Map([['k', [1, 2]], ['n', null], ['e', []]]) },
      { id: 2, tags: [], pts: [], attrs: new Map() },
      { id: 3, tags: null, pts: null, attrs: null },
      { id: 4, tags: [null], pts: [null], attrs: new Map([['only', [7]]]) },
    ];
    const { bytes } = await writeParquet(rowsToArrow(data, schema), schema, { codec: 'zstd', pageSizeBytes: 32 });
    const path = join(dir, 'nested.parquet');
    await writeFile(path, bytes);
    const back = await query(`select id, tags, to_json(pts)::varchar, to_json(map_entries(attrs))::varchar from read_parquet('${path}') order by id`);
    expect(back).toEqual([
      [1, ['a', null, 'b'], '[{"x":1,"name":"p"},null,{"x":null,"name":"q"}]', '[{"key":"k","value":[1,2]},{"key":"n","value":null},{"key":"e","value":[]}]'],
      [2, [], '[]', '[]'],
      [3, null, null, null],
      [4, [null], '[null]', '[{"key":"only","value":[7]}]'],
    ]);
  });
});
