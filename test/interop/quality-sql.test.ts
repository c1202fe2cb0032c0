/**
 * The same rules give the same results in-process, in DuckDB and in Spark SQL:
 * random datasets and random rule sets (fast-check) are checked by lakekit's
 * engine, and their compiled SQL runs in DuckDB (@duckdb/node-api) and in a
 * local PySpark session (all cases batched into one JVM); the three result
 * documents must agree (numbers to 9 significant digits, failing keys as a
 * multiset). Trino cannot run here: its SQL is tested for structure in the
 * unit tests (test/unit/quality/sql.test.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrowToIcebergSchema } from '../../src/formats/arrow/from-arrow-schema.js';
import { writeParquet } from '../../src/formats/parquet/write/index.js';
import { checkQuality, compileRules, logicalSchemaOf, resultFromSql, type CompiledRules, type QualityResult, type RuleSet } from '../../src/quality/index.js';
import { lastJson, runPython, sparkSessionPython } from '../helpers/peers.js';
import { canonical, NOW, referenceArb, referenceTableOf, ruleSetArb, rowsArb, tableOf } from '../unit/quality/gen.js';

/** Cases also run through Spark (all run through DuckDB). */
const SPARK_CASES = 30;

interface Case {
  dir: string;
  lakekit: QualityResult;
  duckdb: CompiledRules;
  spark: CompiledRules;
}

async function parquet(path: string, t: Table): Promise<void> {
  const { bytes } = await writeParquet(t, arrowToIcebergSchema(t.schema));
  await writeFile(path, bytes);
}

async function runDuck(duck: DuckDBConnection, c: CompiledRules): Promise<QualityResult> {
  const metrics = (await duck.runAndReadAll(c.metricsSql)).getRowObjects()[0]!;
  const failingRows = c.failingRowsSql ? (await duck.runAndReadAll(c.failingRowsSql)).getRowObjects() : [];
  return resultFromSql(c, { metrics, failingRows, engine: 'duckdb', now: NOW });
}

const SPARK_RUNNER = `
import json, sys, decimal, datetime
cases = json.load(open(sys.argv[1]))
def plain(v):
    if isinstance(v, decimal.Decimal): return float(v)
    if isinstance(v, (datetime.date, datetime.datetime)): return v.isoformat()
    return v
out = []
for c in cases:
    spark.read.parquet(c["dir"] + "/t.parquet").createOrReplaceTempView("t")
    spark.read.parquet(c["dir"] + "/ccy.parquet").createOrReplaceTempView("ccy")
    m = spark.sql(c["metrics"]).collect()[0].asDict()
    f = [ {k: plain(v) for k, v in r.asDict().items()} for r in spark.sql(c["failing"]).collect() ] if c["failing"] else []
    out.append({"metrics": {k: plain(v) for k, v in m.items()}, "failing": f})
print(json.dumps(out))
`;

describe('quality rules: in-process = DuckDB = Spark SQL', () => {
  let scratch: string;
  let duck: DuckDBConnection;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'lakekit-quality-sql-'));
    duck = await (await DuckDBInstance.create(':memory:')).connect();
    await duck.run(`SET TimeZone = 'UTC'`);
  });
  afterAll(async () => {
    duck?.closeSync();
    await rm(scratch, { recursive: true, force: true });
  });

  it('random datasets and rule sets agree across the three engines', { timeout: 600_000 }, async () => {
    const samples = fc.sample(fc.tuple(rowsArb, referenceArb, ruleSetArb), { numRuns: 80, seed: 20261122 });
    const cases: Case[] = [];
    let n = 0;
    for (const [rows, codes, ruleSet] of samples) {
      const dir = join(scratch, `case-${n++}`);
      const table = tableOf(rows);
      const ref = referenceTableOf(codes);
      await import('node:fs/promises').then((fs) => fs.mkdir(dir));
      await parquet(join(dir, 't.parquet'), table);
      await parquet(join(dir, 'ccy.parquet'), ref);
      const { result } = await checkQuality(table, ruleSet as RuleSet, { references: { ccy: ref }, now: NOW });
      const compile = (dialect: 'duckdb' | 'spark') =>
        compileRules(ruleSet, { dialect, table: 't', columns: logicalSchemaOf(table.schema), references: { ccy: 'ccy' } });
      cases.push({ dir, lakekit: result, duckdb: compile('duckdb'), spark: compile('spark') });
    }

    // DuckDB, case by case.
    for (const c of cases) {
      await duck.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('${c.dir}/t.parquet'); CREATE OR REPLACE TABLE ccy AS SELECT * FROM read_parquet('${c.dir}/ccy.parquet')`);
      const viaDuck = await runDuck(duck, c.duckdb);
      expect(canonical(viaDuck), `DuckDB disagrees on ${c.dir}:\n${c.duckdb.metricsSql}`).toEqual(canonical(c.lakekit));
    }

    // Spark, one session for a subset (each case costs the JVM a few seconds of small jobs).
    const sparkCases = cases.slice(0, SPARK_CASES);
    const input = join(scratch, 'cases.json');
    await writeFile(input, JSON.stringify(sparkCases.map((c) => ({ dir: c.dir, metrics: c.spark.metricsSql, failing: c.spark.failingRowsSql ?? null }))));
    const r = await runPython(sparkSessionPython({ catalogs: {} }) + SPARK_RUNNER, [input], {}, { timeoutMs: 600_000 });
    const outputs = lastJson<{ metrics: Record<string, unknown>; failing: Record<string, unknown>[] }[]>(r);
    expect(outputs).toHaveLength(sparkCases.length);
    sparkCases.forEach((c, i) => {
      const viaSpark = resultFromSql(c.spark, { metrics: outputs[i]!.metrics, failingRows: outputs[i]!.failing, engine: 'spark', now: NOW });
      expect(canonical(viaSpark), `Spark disagrees on ${c.dir}:\n${c.spark.metricsSql}`).toEqual(canonical(c.lakekit));
    });
    // The sample is not degenerate: rules failed and passed, rows were flagged.
    const all = cases.flatMap((c) => c.lakekit.rules);
    expect(all.some((x) => x.status === 'fail')).toBe(true);
    expect(all.some((x) => x.status === 'pass')).toBe(true);
    expect(cases.some((c) => c.lakekit.failingRows.length > 0)).toBe(true);
  });
});
