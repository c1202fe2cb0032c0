/**
 * AWS DMS Parquet output, as DMS writes it to S3 (DataFormat=parquet,
 * ParquetVersion 1.0 by default, TimestampColumnName set): generated with
 * pyarrow, then read by readDmsFiles and applied to a gold table by
 * applyDmsBatch. Shape (AWS DMS user guide, "Using Amazon S3 as a target"):
 * CDC files start with `Op` (I/U/D), then the STRING timestamp column
 * (`yyyy-MM-dd HH:mm:ss.SSSSSS`), then the table's columns with DMS's type
 * mapping (INT4 → int32, NUMERIC → decimal, TIMESTAMP → timestamp in µs, or ms
 * with ParquetTimestampInMillisecond); full-load files (LOAD00000001.parquet)
 * have no `Op` unless IncludeOpForFullLoad is set.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { newSchema, optionalField, requiredField, Types } from '../../src/iceberg/index.js';
import { MemoryFileIO } from '../../src/io/memory.js';
import { applyDmsBatch, ensureGoldTable, readDmsFiles } from '../../src/zones/index.js';
import { runPython } from '../helpers/peers.js';

const TS = '_dms_ingestion_timestamp';

const WRITE_DMS_PARQUET = `
import sys, decimal, datetime
import pyarrow as pa, pyarrow.parquet as pq
out, unit, compression = sys.argv[1], sys.argv[2], sys.argv[3]
D = decimal.Decimal
def ts(s): return datetime.datetime.fromisoformat(s)
table_cols = [
  pa.field("id", pa.int32(), nullable=False),
  pa.field("name", pa.string()),
  pa.field("balance", pa.decimal128(12, 2)),
  pa.field("updated_at", pa.timestamp(unit)),
  pa.field("birth", pa.date32()),
]
def write(path, rows, with_op, with_ts):
  fields = ([pa.field("Op", pa.string())] if with_op else []) + ([pa.field("${TS}", pa.string())] if with_ts else []) + table_cols
  schema = pa.schema(fields)
  cols = {f.name: [r.get(f.name) for r in rows] for f in fields}
  t = pa.Table.from_pydict(cols, schema=schema)
  pq.write_table(t, path, version="1.0", data_page_version="1.0", compression=compression, use_dictionary=True)
# Full load: no Op; DMS still adds the timestamp column (the load time).
write(out + "/LOAD00000001.parquet", [
  {"${TS}": "2026-11-22 09:00:00.000000", "id": 1, "name": "Ada", "balance": D("10.00"), "updated_at": ts("2026-11-01T08:00:00"), "birth": datetime.date(1990, 1, 2)},
  {"${TS}": "2026-11-22 09:00:00.000000", "id": 2, "name": "Bo", "balance": D("20.50"), "updated_at": ts("2026-11-02T08:00:00"), "birth": None},
  {"${TS}": "2026-11-22 09:00:00.000000", "id": 3, "name": "Cy", "balance": None, "updated_at": None, "birth": datetime.date(2001, 12, 31)},
], False, True)
# CDC: rows are in file order, but the commit timestamps say otherwise for id 2 (the U at .000002 precedes the D at .000009).
write(out + "/20261122-100000123.parquet", [
  {"Op": "D", "${TS}": "2026-11-22 10:00:00.000009", "id": 2, "name": "Bo", "balance": D("20.50"), "updated_at": ts("2026-11-02T08:00:00"), "birth": None},
  {"Op": "U", "${TS}": "2026-11-22 10:00:00.000002", "id": 2, "name": "Bob", "balance": D("21.00"), "updated_at": ts("2026-11-22T10:00:00.000002"), "birth": None},
  {"Op": "U", "${TS}": "2026-11-22 10:00:00.000001", "id": 1, "name": "Ada L.", "balance": D("11.25"), "updated_at": ts("2026-11-22T10:00:00.000001"), "birth": datetime.date(1990, 1, 2)},
  {"Op": "I", "${TS}": "2026-11-22 10:00:00.000003", "id": 4, "name": "Dee", "balance": D("0.01"), "updated_at": ts("2026-11-22T10:00:00.123456"), "birth": None},
  {"Op": "D", "${TS}": "2026-11-22 10:00:00.000004", "id": 3, "name": None, "balance": None, "updated_at": None, "birth": None},
], True, True)
print("ok")
`;

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'name', Types.string),
  optionalField(3, 'balance', Types.decimal(12, 2)),
  optionalField(4, 'updated_at', Types.timestamp),
  optionalField(5, 'birth', Types.date),
]);

describe('DMS Parquet change files (generated with pyarrow as DMS writes them)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-dms-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [unit, compression] of [
    ['us', 'NONE'],
    ['ms', 'GZIP'],
    ['us', 'SNAPPY'],
  ] as const) {
    it(`full load then CDC, timestamps in ${unit}, ${compression}: applied in commit-timestamp order, exactly once`, async () => {
      const out = join(dir, `${unit}-${compression}`);
      await import('node:fs/promises').then((fs) => fs.mkdir(out, { recursive: true }));
      const py = await runPython(WRITE_DMS_PARQUET, [out, unit, compression]);
      expect(py.code, py.stderr).toBe(0);
      const io = new MemoryFileIO();
      const table = await ensureGoldTable(new FileSystemCatalog({ warehouse: `memory://dms-${unit}-${compression}/`, io }), 'gold.accounts', schema);
      const load = { name: 'LOAD00000001.parquet', bytes: new Uint8Array(await readFile(join(out, 'LOAD00000001.parquet'))) };
      const cdc = { name: '20261122-100000123.parquet', bytes: new Uint8Array(await readFile(join(out, '20261122-100000123.parquet'))) };

      const full = await readDmsFiles(table, [load], { timestampColumn: TS });
      const r1 = await applyDmsBatch(table, { id: '20261122-090000000', changes: full.rows, sha256: full.sha256 }, { key: ['id'], timestampColumn: TS });
      expect([r1.status, r1.inserted]).toEqual(['applied', 3]);

      const changes = await readDmsFiles(table, [cdc], { timestampColumn: TS });
      expect(changes.rows.map((r) => [r['Op'], String(r['id'])])).toEqual([
        ['D', '2'],
        ['U', '2'],
        ['U', '1'],
        ['I', '4'],
        ['D', '3'],
      ]);
      const r2 = await applyDmsBatch(table, { id: '20261122-100000123', changes: changes.rows, sha256: changes.sha256 }, { key: ['id'], timestampColumn: TS });
      expect(r2.status).toBe('applied');
      const again = await applyDmsBatch(table, { id: '20261122-100000123', changes: changes.rows, sha256: changes.sha256 }, { key: ['id'], timestampColumn: TS });
      expect(again.status).toBe('duplicate');

      const rows = (await table.scan().toRows()).sort((a, b) => Number(a['id']) - Number(b['id']));
      // id 2: the D has the later commit timestamp, so it wins although it comes first in the file.
      expect(rows.map((r) => [r['id'], r['name'], r['balance'], r['birth']])).toEqual([
        [1n, 'Ada L.', '11.25', 7306], // dates as days since the epoch (1990-01-02)
        [4n, 'Dee', '0.01', null],
      ]);
      const updated = rows.map((r) => r['updated_at']);
      const micros = (iso: string) => BigInt(Date.parse(`${iso}Z`)) * 1000n;
      expect(updated).toEqual([micros('2026-11-22T10:00:00') + (unit === 'us' ? 1n : 0n), micros('2026-11-22T10:00:00.123') + (unit === 'us' ? 456n : 0n)]);
      // The DMS timestamp column is not a table column: it was used for ordering and dropped.
      expect(Object.keys(rows[0]!)).toEqual(['id', 'name', 'balance', 'updated_at', 'birth']);
    });
  }

  it('a batch mixing a full-load file and a CDC file keeps each file\'s own semantics', async () => {
    const out = join(dir, 'us-NONE');
    const io = new MemoryFileIO();
    const table = await ensureGoldTable(new FileSystemCatalog({ warehouse: 'memory://dms-mixed/', io }), 'gold.accounts', schema);
    const files = ['LOAD00000001.parquet', '20261122-100000123.parquet'];
    const read = await readDmsFiles(table, await Promise.all(files.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(out, name))) }))), { timestampColumn: TS });
    await applyDmsBatch(table, { id: '20261122-100000123', changes: read.rows, sha256: read.sha256 }, { key: ['id'], timestampColumn: TS });
    const ids = (await table.scan({ select: ['id'] }).toRows()).map((r) => r['id']).sort();
    expect(ids).toEqual([1n, 4n]);
  });
});
