/**
 * lakekit's Parquet reader against the files real engines write:
 * - pyarrow, with `PARQUET:field_id` on every field (nested ones too), every
 *   Iceberg type, nulls, several row groups, zstd / snappy / gzip and v2 data
 *   pages; values must equal what pyarrow was given, exactly;
 * - Spark with the Iceberg runtime (hadoop catalog): the data files of a
 *   table that went through a column add and a rename must read (through
 *   the table's current schema, by field id) to exactly Spark's `collect()`;
 * - Spark's plain Parquet with legacy INT96 timestamps and no field ids,
 *   read through a name mapping.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrowToIcebergSchema, arrowToRows } from '../../src/formats/arrow/index.js';
import { nameMappingOf, readParquet, readParquetFooter } from '../../src/formats/parquet/read/index.js';
import type { ReadParquetOptions } from '../../src/formats/parquet/read/index.js';
import { parseTableMetadata } from '../../src/iceberg/spec/metadata-json.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import type { IcebergType, StructType } from '../../src/iceberg/spec/types.js';
import { Types, optionalField } from '../../src/iceberg/spec/types.js';
import { LocalFileIO } from '../../src/io/local.js';
import { runPython, sparkSessionPython, lastJson } from '../helpers/peers.js';

/** The pyarrow side: writes the files into argv[1] and prints what it wrote. */
const PYARROW_SCRIPT = String.raw`import json, sys, random, struct, uuid, decimal, os, time
import pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
def f(name, typ, fid, nullable=True):
    return pa.field(name, typ, nullable=nullable, metadata={b'PARQUET:field_id': str(fid).encode()})
schema = pa.schema([
  f('id', pa.int64(), 1, False),
  f('i32', pa.int32(), 2),
  f('b', pa.bool_(), 3),
  f('f32', pa.float32(), 4),
  f('f64', pa.float64(), 5),
  f('dec9', pa.decimal128(9, 2), 6),
  f('dec18', pa.decimal128(18, 4), 7),
  f('dec38', pa.decimal128(38, 10), 8),
  f('dt', pa.date32(), 9),
  f('tm', pa.time64('us'), 10),
  f('ts', pa.timestamp('us'), 11),
  f('tstz', pa.timestamp('us', tz='UTC'), 12),
  f('tsns', pa.timestamp('ns'), 13),
  f('s', pa.string(), 14),
  f('bin', pa.binary(), 15),
  f('u', pa.uuid(), 16),
  f('fx', pa.binary(5), 17),
  f('l', pa.list_(f('element', pa.int32(), 18)), 19),
  f('ls', pa.list_(f('element', pa.struct([f('x', pa.int64(), 20), f('y', pa.string(), 21)]), 22)), 23),
  f('m', pa.map_(f('key', pa.string(), 24, False), f('value', pa.int64(), 25)), 26),
  f('st', pa.struct([f('a', pa.decimal128(20, 3), 27), f('b', pa.list_(f('element', pa.timestamp('us', tz='UTC'), 28)), 29)]), 30),
])
rnd = random.Random(7)
def maybe(v, p=0.15):
    return None if rnd.random() < p else v
def dec(digits, scale):
    u = rnd.randrange(-10**digits + 1, 10**digits)
    # exact: the default context would round to 28 digits
    return decimal.Decimal(u).scaleb(-scale, context=decimal.Context(prec=100))
def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]
rows = []
N = 3000
for i in range(N):
    rows.append({
      'id': i,
      'i32': maybe(rnd.randrange(-2**31, 2**31)),
      'b': maybe(rnd.random() < 0.5),
      'f32': maybe(f32(rnd.uniform(-1e6, 1e6))),
      'f64': maybe(rnd.uniform(-1e300, 1e300)),
      'dec9': maybe(dec(9, 2)),
      'dec18': maybe(dec(18, 4)),
      'dec38': maybe(dec(38, 10)),
      'dt': maybe(rnd.randrange(-800000, 2900000)),
      'tm': maybe(rnd.randrange(0, 86400 * 10**6)),
      'ts': maybe(rnd.randrange(-2**62, 2**62) // 1000),
      'tstz': maybe(rnd.randrange(-2**60, 2**60)),
      'tsns': maybe(rnd.randrange(-2**63, 2**63)),
      's': maybe(''.join(rnd.choice('abcé✓𝄞 ') for _ in range(rnd.randrange(0, 12)))),
      'bin': maybe(bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 9)))),
      'u': maybe(uuid.UUID(int=rnd.getrandbits(128)).bytes),
      'fx': maybe(bytes(rnd.randrange(256) for _ in range(5))),
      'l': maybe([maybe(rnd.randrange(-100, 100)) for _ in range(rnd.randrange(0, 4))]),
      'ls': maybe([maybe({'x': maybe(rnd.randrange(-2**63, 2**63)), 'y': maybe('y%d' % i)}) for _ in range(rnd.randrange(0, 3))]),
      'm': maybe([('k%d' % j, maybe(rnd.randrange(-2**63, 2**63))) for j in range(rnd.randrange(0, 3))]),
      'st': maybe({'a': maybe(dec(20, 3)), 'b': maybe([maybe(rnd.randrange(-2**60, 2**60)) for _ in range(rnd.randrange(0, 3))])}),
    })
table = pa.Table.from_pylist(rows, schema=schema)
files = {}
for name, kw in {
  'zstd': dict(compression='zstd', row_group_size=1000),
  'snappy': dict(compression='snappy', row_group_size=1200),
  'gzip': dict(compression='gzip'),
  'v2': dict(compression='snappy', data_page_version='2.0', use_dictionary=False, row_group_size=700),
}.items():
    p = os.path.join(out, name + '.parquet')
    pq.write_table(table, p, **kw)
    files[name] = p
def j(v):
    if v is None or isinstance(v, bool): return v
    if isinstance(v, int): return str(v)
    if isinstance(v, float): return v
    if isinstance(v, decimal.Decimal): return format(v, 'f')
    if isinstance(v, bytes): return v.hex()
    if isinstance(v, str): return v
    if isinstance(v, list): return [j(x) for x in v]
    if isinstance(v, tuple): return [j(x) for x in v]
    if isinstance(v, dict): return {k: j(x) for k, x in v.items()}
    raise TypeError(type(v))
expected = []
for r in rows:
    e = j(r)
    e['u'] = None if r['u'] is None else str(uuid.UUID(bytes=r['u']))
    expected.append(e)
sink = pa.BufferOutputStream()
with pa.ipc.new_stream(sink, schema) as w: pass
# a 1M-row flat file for throughput
M = 1_000_000
import pyarrow.compute as pc
big = pa.table({
  'id': pa.array(range(M), pa.int64()),
  'v': pa.array([i * 0.5 for i in range(M)], pa.float64()),
  'dec': pa.array([decimal.Decimal(i).scaleb(-2) for i in range(M)], pa.decimal128(18, 2)),
  'ts': pa.array(range(0, M * 1000, 1000), pa.int64()).cast(pa.timestamp('us', tz='UTC')),
  's': pa.array(['s%d' % (i % 1000) for i in range(M)], pa.string()),
})
big = big.cast(pa.schema([pa.field(n, big.schema.field(n).type, metadata={b'PARQUET:field_id': str(k + 1).encode()}) for k, n in enumerate(big.column_names)]))
pq.write_table(big, os.path.join(out, 'big.parquet'), compression='zstd')
print(json.dumps({'files': files, 'big': os.path.join(out, 'big.parquet'), 'schemaIpc': sink.getvalue().to_pybytes().hex(), 'rows': expected}))
`;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** A row value in the JSON form the Python side prints: integers as text, decimals as exact text, bytes as hex, maps as pairs. */
function jsonLike(type: IcebergType, v: unknown): unknown {
  if (v === null) return null;
  switch (type.type) {
    case 'int':
    case 'date':
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return String(v);
    case 'binary':
    case 'fixed':
      return hex(v as Uint8Array);
    case 'list':
      return (v as unknown[]).map((x) => jsonLike(type.element, x));
    case 'map':
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [jsonLike(type.key, k), jsonLike(type.value, x)]);
    case 'struct':
      return Object.fromEntries(type.fields.map((f) => [f.name, jsonLike(f.type, (v as Record<string, unknown>)[f.name])]));
    default:
      return v;
  }
}

async function readRows(io: LocalFileIO, path: string, schema: StructType, opts: Partial<ReadParquetOptions> = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of readParquet(io, path, { schema, ...opts })) rows.push(...arrowToRows(batch));
  return rows;
}

describe('Parquet files written by pyarrow', () => {
  let dir: string;
  let out: { files: Record<string, string>; big: string; schemaIpc: string; rows: Record<string, unknown>[] };
  const io = new LocalFileIO();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-pq-read-'));
    out = lastJson(await runPython(PYARROW_SCRIPT, [dir]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives exactly the values pyarrow wrote, for every type and codec, by field id', async () => {
    const arrowSchema = tableFromIPC(Uint8Array.from(Buffer.from(out.schemaIpc, 'hex'))).schema;
    const schema = arrowToIcebergSchema(arrowSchema);
    expect(schema.fields.map((f) => `${f.id}:${f.name}:${f.type.type}`)).toEqual([
      '1:id:long', '2:i32:int', '3:b:boolean', '4:f32:float', '5:f64:double', '6:dec9:decimal', '7:dec18:decimal', '8:dec38:decimal',
      '9:dt:date', '10:tm:time', '11:ts:timestamp', '12:tstz:timestamptz', '13:tsns:timestamp_ns', '14:s:string', '15:bin:binary',
      '16:u:uuid', '17:fx:fixed', '19:l:list', '23:ls:list', '26:m:map', '30:st:struct',
    ]);
    expect(Object.keys(out.files)).toEqual(['zstd', 'snappy', 'gzip', 'v2']);
    for (const [codec, path] of Object.entries(out.files)) {
      const footer = await readParquetFooter(io, path);
      if (codec !== 'gzip') expect(footer.rowGroups.length, codec).toBeGreaterThan(1);
      const rows = await readRows(io, path, schema, { footer, batchSize: 500 });
      expect(rows.length, codec).toBe(out.rows.length);
      const mismatches = rows.map((r, i) => [i, JSON.stringify(jsonLike(schema, r)), JSON.stringify(out.rows[i])] as const).filter(([, a, b]) => a !== b);
      expect(mismatches.slice(0, 3), codec).toEqual([]);
    }
  });

  it('reads a 1M-row file and reports throughput', async () => {
    const schema = newSchema([optionalField(1, 'id', Types.long), optionalField(2, 'v', Types.double), optionalField(3, 'dec', Types.decimal(18, 2)), optionalField(4, 'ts', Types.timestamptz), optionalField(5, 's', Types.string)]);
    const t0 = performance.now();
    let n = 0;
    let sum = 0n;
    let last: unknown;
    for await (const b of readParquet(io, out.big, { schema })) {
      n += b.numRows;
      const ids = b.getChildAt(0)!.data[0]!.values as BigInt64Array;
      for (const id of ids) sum += id;
      last = b;
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`lakekit read 1M rows x 5 columns (zstd) in ${seconds.toFixed(2)} s: ${Math.round(n / seconds).toLocaleString('en')} rows/s`);
    expect(n).toBe(1_000_000);
    expect(sum).toBe(499_999_500_000n);
    const tail = arrowToRows(last as never).pop();
    expect(tail).toStrictEqual({ id: 999_999n, v: 499_999.5, dec: '9999.99', ts: 999_999_000n, s: 's999' });
  });
});

describe('an Iceberg table written by Spark', () => {
  let dir: string;
  const io = new LocalFileIO();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-pq-spark-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads Spark data files to exactly what Spark collects, across schema evolution, and INT96 files through a name mapping', async () => {
    const script = `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: join(dir, 'wh') } } })}
import json, sys
spark.sql("""CREATE TABLE wh.db.t (id BIGINT NOT NULL, i INT, f FLOAT, d DOUBLE, dec DECIMAL(10,2), dec38 DECIMAL(38,9), dt DATE,
  ts TIMESTAMP, ntz TIMESTAMP_NTZ, s STRING, bin BINARY, b BOOLEAN, arr ARRAY<INT>, st STRUCT<a: INT, b: STRING>, m MAP<STRING, BIGINT>)
  USING iceberg TBLPROPERTIES ('format-version'='2')""")
spark.sql("""INSERT INTO wh.db.t VALUES
  (1, 7, 1.5, 2.25, 10.50, 12345678901234567890123456789.123456789, DATE '2024-02-29', TIMESTAMP '2024-02-29 12:34:56.123456', TIMESTAMP_NTZ '1900-01-01 00:00:00.000001',
   'héllo', X'00FF10', true, array(1, NULL, 3), named_struct('a', 1, 'b', 'x'), map('k', 9223372036854775807)),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, -2147483648, -0.0, 1e300, -99999999.99, -0.000000001, DATE '1583-10-15', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP_NTZ '9999-12-31 23:59:59.999999',
   '', X'', false, array(), named_struct('a', NULL, 'b', NULL), map())""")
spark.sql("ALTER TABLE wh.db.t ADD COLUMN added STRING")
spark.sql("ALTER TABLE wh.db.t RENAME COLUMN s TO s2")
spark.sql("ALTER TABLE wh.db.t SET TBLPROPERTIES ('write.parquet.compression-codec'='snappy')")
spark.sql("INSERT INTO wh.db.t SELECT 4, 4, 4.0, 4.0, 4.00, 4, DATE '2000-01-01', TIMESTAMP '2000-01-01 00:00:00', TIMESTAMP_NTZ '2000-01-01 00:00:00', 's4', X'04', true, array(4), named_struct('a', 4, 'b', '4'), map('four', 4), 'new'")
q = """SELECT id, CAST(i AS STRING) i, f, d, CAST(dec AS STRING) dec, CAST(dec38 AS STRING) dec38, CAST(datediff(dt, DATE '1970-01-01') AS STRING) dt,
  CAST(unix_micros(ts) AS STRING) ts, CAST(unix_micros(CAST(ntz AS TIMESTAMP)) AS STRING) ntz, s2, hex(bin) bin, b,
  transform(arr, x -> CAST(x AS STRING)) arr, st, transform(map_entries(m), e -> array(e.key, CAST(e.value AS STRING))) m, added FROM wh.db.t ORDER BY id"""
rows = [r.asDict(recursive=True) for r in spark.sql(q).collect()]
import decimal
for r in rows:
    r['id'] = str(r['id'])
    for k in ('dec', 'dec38'):
        # Java prints BigDecimal in scientific notation when small ("-1E-9"); compare plain digits
        if r[k] is not None: r[k] = format(decimal.Decimal(r[k]), 'f')
    if r['st'] is not None and r['st']['a'] is not None: r['st']['a'] = str(r['st']['a'])
    if r['bin'] is not None: r['bin'] = r['bin'].lower()
files = [r.file_path for r in spark.sql("SELECT file_path FROM wh.db.t.files").collect()]
meta = spark.sql("SELECT file FROM wh.db.t.metadata_log_entries ORDER BY timestamp DESC LIMIT 1").collect()[0].file
spark.conf.set("spark.sql.parquet.outputTimestampType", "INT96")
spark.sql("SELECT id, ts, s2 FROM wh.db.t").coalesce(1).write.parquet(sys.argv[1])
legacy = spark.sql("SELECT CAST(id AS STRING) id, CAST(unix_micros(ts) AS STRING) ts, s2 FROM wh.db.t ORDER BY id").collect()
print(json.dumps({"rows": rows, "files": files, "metadata": meta, "legacy": [r.asDict() for r in legacy]}))
`;
    const legacyDir = join(dir, 'legacy');
    const spark = lastJson<{ rows: Record<string, unknown>[]; files: string[]; metadata: string; legacy: Record<string, unknown>[] }>(await runPython(script, [legacyDir]));
    expect(spark.rows).toHaveLength(4);

    const metadata = parseTableMetadata(await readFile(spark.metadata.replace(/^file:/, ''), 'utf8'));
    const schema = metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId)!;
    const rows: Record<string, unknown>[] = [];
    for (const file of spark.files) rows.push(...(await readRows(io, file.replace(/^file:/, ''), schema)));
    rows.sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));
    expect(rows.map((r) => JSON.stringify(jsonLike(schema, r)))).toEqual(spark.rows.map((r) => JSON.stringify(r)));

    // INT96 timestamps and no field ids: read through a name mapping of a matching schema.
    const parts = (await readdir(legacyDir)).filter((f) => f.endsWith('.parquet'));
    const legacySchema = newSchema([optionalField(1, 'id', Types.long), optionalField(2, 'ts', Types.timestamptz), optionalField(3, 's2', Types.string)]);
    const legacyRows: Record<string, unknown>[] = [];
    for (const p of parts) {
      const path = join(legacyDir, p);
      const footer = await readParquetFooter(io, path);
      expect(footer.schema.leaves.find((l) => l.element.name === 'ts')?.element.type).toBe('INT96');
      legacyRows.push(...(await readRows(io, path, legacySchema, { nameMapping: nameMappingOf(legacySchema) })));
    }
    legacyRows.sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));
    expect(legacyRows.map((r) => JSON.stringify(jsonLike(legacySchema, r)))).toEqual(spark.legacy.map((r) => JSON.stringify(r)));
  });
});
