/**
 * pyarrow reads the Parquet files lakekit writes: every field carries its
 * Iceberg id (`PARQUET:field_id`), values come back identical (all primitive
 * types, nested structs/lists/maps, nulls), and footer statistics agree.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsToArrow } from '../../src/formats/arrow/index.js';
import { writeParquet } from '../../src/formats/parquet/write/index.js';
import { formatDecimal, newSchema, optionalField, requiredField, Types, uuidToBytes, type IcebergType } from '../../src/iceberg/spec/index.js';
import { toHex } from '../../src/internal/bytes.js';
import { parseJson } from '../../src/internal/json.js';
import { runPython } from '../helpers/peers.js';

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'flag', Types.boolean),
  optionalField(3, 'i', Types.int),
  optionalField(4, 'f', Types.float),
  optionalField(5, 'd', Types.double),
  optionalField(6, 'dec9', Types.decimal(9, 2)),
  optionalField(7, 'dec18', Types.decimal(18, 4)),
  optionalField(8, 'dec38', Types.decimal(38, 10)),
  optionalField(9, 'day', Types.date),
  optionalField(10, 'tod', Types.time),
  optionalField(11, 'ts', Types.timestamp),
  optionalField(12, 'tstz', Types.timestamptz),
  optionalField(13, 'tsns', Types.timestamptz_ns),
  optionalField(14, 's', Types.string),
  optionalField(15, 'u', Types.uuid),
  optionalField(16, 'fx', Types.fixed(3)),
  optionalField(17, 'bin', Types.binary),
  optionalField(18, 'st', Types.struct([optionalField(19, 'a', Types.int), requiredField(20, 'b', Types.string)])),
  optionalField(21, 'tags', Types.list(22, Types.string)),
  optionalField(23, 'm', Types.map(24, Types.string, 25, Types.list(26, Types.long, true))),
]);

const N = 200;
const rows = Array.from({ length: N }, (_, r) => {
  const nul = r % 5 === 4;
  const v = <T>(x: T): T | null => (nul ? null : x);
  return {
    id: BigInt(r) * 1_000_000_007n - 9_000_000_000_000_000n,
    flag: v(r % 3 === 0),
    i: v(r * 7 - 700),
    f: v(Math.fround(r / 8 - 3)),
    d: v(r * 1.5 - 100),
    dec9: v(BigInt(r * 1001 - 90_000)),
    dec18: v(BigInt(r) * 10_000_000_007n - 5n),
    dec38: v(BigInt(r) * 10n ** 30n - 12_345n),
    day: v(r * 100 - 10_000),
    tod: v(BigInt(r) * 400_000_000n),
    ts: v(1_700_000_000_000_000n + BigInt(r) * 3_600_000_000n),
    tstz: v(-BigInt(r) * 86_400_000_000n),
    tsns: v(1_700_000_000_000_000_001n + BigInt(r)),
    s: v(`row ${r} ${'é'.repeat(r % 4)}`),
    u: v(`${String(r).padStart(8, '0')}-0000-4000-8000-00000000abcd`),
    fx: v(Uint8Array.of(r & 255, 2, 3)),
    bin: v(Uint8Array.from({ length: r % 5 }, (_, k) => k * r)),
    st: r % 7 === 6 ? null : { a: r % 2 ? null : r, b: `b${r}` },
    tags: r % 6 === 5 ? null : Array.from({ length: r % 4 }, (_, k) => (k === 1 ? null : `t${k}`)),
    m: r % 8 === 7 ? null : new Map(Array.from({ length: r % 3 }, (_, k): [string, bigint[] | null] => [`k${k}`, k === 1 ? null : [BigInt(k), BigInt(r)]])),
  };
});

/** What pyarrow (after the script's casts) turns a value into, in JSON. */
function plain(type: IcebergType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type.type) {
    case 'decimal':
      return formatDecimal(v as bigint, type.scale);
    case 'uuid':
      return toHex(uuidToBytes(v as string));
    case 'fixed':
    case 'binary':
      return toHex(v as Uint8Array);
    case 'struct':
      return Object.fromEntries(type.fields.map((f) => [f.name, plain(f.type, (v as Record<string, unknown>)[f.name] ?? null)]));
    case 'list':
      return (v as unknown[]).map((x) => plain(type.element, x));
    case 'map':
      return [...(v as Map<string, unknown>)].map(([k, x]) => [k, plain(type.value, x)]);
    default:
      return typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
}

const script = String.raw`
import json, sys
import pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq

path = sys.argv[1]
table = pq.read_table(path)
missing = []
def check_ids(field, where):
    md = field.metadata or {}
    if b'PARQUET:field_id' not in md: missing.append(where)
    t = field.type
    if pa.types.is_struct(t):
        for i in range(t.num_fields): check_ids(t.field(i), where + '.' + t.field(i).name)
    elif pa.types.is_map(t):
        check_ids(t.key_field, where + '.key'); check_ids(t.item_field, where + '.value')
    elif pa.types.is_list(t):
        check_ids(t.value_field, where + '.element')
ids = {}
for f in table.schema:
    check_ids(f, f.name)
    ids[f.name] = int(f.metadata[b'PARQUET:field_id'])

def plain_type(t):
    if isinstance(t, pa.BaseExtensionType): return plain_type(t.storage_type)
    if pa.types.is_timestamp(t) or pa.types.is_time64(t): return pa.int64()
    if pa.types.is_date32(t): return pa.int32()
    if pa.types.is_decimal(t): return pa.string()
    if pa.types.is_struct(t): return pa.struct([pa.field(t.field(i).name, plain_type(t.field(i).type)) for i in range(t.num_fields)])
    if pa.types.is_map(t): return pa.map_(t.key_type, plain_type(t.item_type))
    if pa.types.is_list(t): return pa.list_(plain_type(t.value_type))
    return t

def to_plain(v):
    if isinstance(v, bytes): return v.hex()
    if hasattr(v, 'hex') and hasattr(v, 'int'): return v.hex  # uuid.UUID
    if isinstance(v, dict): return {k: to_plain(x) for k, x in v.items()}
    if isinstance(v, list): return [list(map(to_plain, x)) if isinstance(x, tuple) else to_plain(x) for x in v]
    return v

cols = {}
for name in table.column_names:
    col = table.column(name).combine_chunks()
    if isinstance(col.type, pa.BaseExtensionType): col = col.storage
    cols[name] = [to_plain(x) for x in pc.cast(col, plain_type(col.type)).to_pylist()]

md = pq.ParquetFile(path).metadata
rg = md.row_group(0)
stats = {}
for i in range(rg.num_columns):
    c = rg.column(i)
    s = c.statistics
    if c.path_in_schema in ('id', 'i', 's'):
        stats[c.path_in_schema] = [str(s.min), str(s.max), s.null_count, c.compression]
print(json.dumps({
    'missing': missing, 'ids': ids, 'rows': table.num_rows, 'cols': cols, 'stats': stats,
    'row_groups': md.num_row_groups, 'iceberg_schema': b'iceberg.schema' in (table.schema.metadata or {}),
    'uuid_type': str(table.schema.field('u').type),
}))
`;

describe('pyarrow reads lakekit Parquet files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-pqw-interop-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('field ids on every field, identical values for every type, matching statistics', async () => {
    const { bytes } = await writeParquet(rowsToArrow(rows, schema), schema, { rowGroupSizeBytes: 1 << 20, pageSizeBytes: 1024 });
    const path = join(dir, 'all.parquet');
    await writeFile(path, bytes);
    const r = await runPython(script, [path]);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr.slice(-3000)}`);
    const out = parseJson(line) as {
      missing: string[]; ids: Record<string, number>; rows: number; cols: Record<string, unknown[]>;
      stats: Record<string, [string, string, number, string]>; iceberg_schema: boolean; uuid_type: string;
    };
    expect(out.missing).toEqual([]);
    expect(out.ids).toEqual(Object.fromEntries(schema.fields.map((f) => [f.name, f.id])));
    expect(out.rows).toBe(N);
    expect(out.iceberg_schema).toBe(true);
    expect(out.uuid_type).toContain('uuid'); // the UUID logical type is recognised
    for (const f of schema.fields) {
      expect(out.cols[f.name], f.name).toEqual(rows.map((row) => plain(f.type, (row as Record<string, unknown>)[f.name])));
    }
    const ints = rows.map((x) => x.i).filter((x): x is number => x !== null);
    expect(out.stats.i).toEqual([String(Math.min(...ints)), String(Math.max(...ints)), rows.length - ints.length, 'ZSTD']);
    expect(out.stats.id![0]).toBe(String(rows[0]!.id));
    expect(out.stats.s![2]).toBe(rows.filter((x) => x.s === null).length);
  });
});
