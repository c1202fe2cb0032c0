/**
 * Manifests and manifest lists against the real peers: lakekit reads what
 * Spark (Iceberg 1.10 Java) writes, and pyiceberg reads what lakekit writes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataFile, ManifestEntry } from '../../src/iceberg/manifest/index.js';
import { FileContent, ManifestWriter, readManifest, readManifestList, writeManifestList } from '../../src/iceberg/manifest/index.js';
import type { Value } from '../../src/iceberg/spec/index.js';
import {
  buildPartitionSpec,
  currentSnapshot,
  formatDate,
  formatDecimal,
  newSchema,
  optionalField,
  parseTableMetadata,
  requiredField,
  toBytes,
  Transforms,
  Types,
} from '../../src/iceberg/spec/index.js';
import { toHex } from '../../src/internal/bytes.js';
import { LocalFileIO } from '../../src/io/local.js';
import { runPython, sparkSessionPython, lastJson } from '../helpers/peers.js';

/** Python's json.dumps default for the values Spark and pyiceberg return. */
const PY_JSON = `
import json, datetime, decimal, uuid
def enc(o):
    if isinstance(o, (datetime.date, datetime.datetime)): return o.isoformat()
    if isinstance(o, (decimal.Decimal, uuid.UUID)): return str(o)
    if isinstance(o, (bytes, bytearray)): return o.hex()
    if hasattr(o, 'value'): return o.value
    raise TypeError(repr(o))
`;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('manifests shared with Spark and pyiceberg', () => {
  let dir: string;
  let io: LocalFileIO;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-manifest-interop-'));
    io = new LocalFileIO({ root: dir });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lakekit reads the manifest list and manifests of a partitioned table Spark wrote in two appends', async () => {
    const spark = await runPython(
      `${sparkSessionPython({ catalogs: { wh: { type: 'hadoop', warehouse: dir } } })}
${PY_JSON}
spark.sql("CREATE TABLE wh.db.t (id bigint, name string, amount decimal(9,2), d date) USING iceberg PARTITIONED BY (d, bucket(4, id), truncate(3, name), amount) TBLPROPERTIES ('format-version'='2')")
spark.sql("INSERT INTO wh.db.t VALUES (1, 'alpha', 1.50, DATE '2024-01-01'), (2, NULL, NULL, NULL), (3, 'gamma', -3.25, DATE '1969-12-31')")
spark.sql("INSERT INTO wh.db.t VALUES (4, 'delta', 99.99, DATE '2026-11-02')")
files = [dict(path=r.file_path, count=r.record_count, partition=r.partition.asDict()) for r in spark.sql("SELECT file_path, record_count, partition FROM wh.db.t.files").collect()]
entries = [dict(status=r.status, snapshot=str(r.snapshot_id), seq=r.sequence_number, file_seq=r.file_sequence_number, path=r.path) for r in spark.sql("SELECT status, snapshot_id, sequence_number, file_sequence_number, data_file.file_path AS path FROM wh.db.t.entries").collect()]
print(json.dumps({"files": files, "entries": entries}, default=enc))
`,
    );
    const fromSpark = lastJson<{
      files: { path: string; count: number; partition: Record<string, string | number | null> }[];
      entries: { status: number; snapshot: string; seq: number; file_seq: number; path: string }[];
    }>(spark);
    expect(fromSpark.files).toHaveLength(4);

    const metadataDir = join(dir, 'db', 't', 'metadata');
    const version = (await readFile(join(metadataDir, 'version-hint.text'), 'utf8')).trim();
    const metadata = parseTableMetadata(await readFile(join(metadataDir, `v${version}.metadata.json`), 'utf8'));
    const snapshot = currentSnapshot(metadata)!;
    const manifests = await readManifestList(io, snapshot.manifestList!);
    expect(manifests.map((m) => m.sequenceNumber).sort()).toEqual([1n, 2n]);
    const specsById = new Map(metadata.partitionSpecs.map((s) => [s.specId, s]));
    const entries: ManifestEntry[] = [];
    for (const m of manifests) entries.push(...(await collect(readManifest(io, m, { specsById }))));

    // Spark's view of the partition: dates as ISO text, decimals as text.
    const human = (v: Value, id: number): string | number | null =>
      v === null ? null : id === 1000 ? formatDate(v as number) : id === 1003 ? formatDecimal(v as bigint, 2) : (v as string | number);
    const ours = entries.map((e) => ({
      path: e.dataFile.filePath,
      count: Number(e.dataFile.recordCount),
      partition: Object.fromEntries([...e.dataFile.partition].map(([id, v]) => [['d', 'id_bucket', 'name_trunc', 'amount'][id - 1000]!, human(v, id)])),
    }));
    const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
    expect(ours.sort(byPath)).toEqual(fromSpark.files.sort(byPath));
    expect(
      entries.map((e) => ({ status: e.status, snapshot: String(e.snapshotId), seq: Number(e.sequenceNumber), file_seq: Number(e.fileSequenceNumber), path: e.dataFile.filePath })).sort(byPath),
    ).toEqual(fromSpark.entries.sort(byPath));
  });

  it('pyiceberg reads a manifest list and manifest lakekit wrote: paths, counts, partitions, bounds and sequence numbers', async () => {
    const schema = newSchema([
      requiredField(1, 'id', Types.long),
      optionalField(2, 'ts', Types.timestamptz),
      optionalField(3, 'amount', Types.decimal(18, 2)),
      optionalField(4, 'region', Types.string),
    ]);
    const spec = buildPartitionSpec(schema, [
      { source: 'ts', transform: Transforms.day },
      { source: 'amount', transform: Transforms.identity },
      { source: 'region', transform: Transforms.identity },
      { source: 'id', transform: Transforms.bucket(16) },
    ]);
    const snapshotId = 2n ** 62n + 7n;
    const parentId = 2n ** 61n + 3n;
    const file = (n: number, partition: [number | null, bigint | null, string | null, number]): DataFile => ({
      content: FileContent.Data,
      filePath: join(dir, 'lk', 'data', `f${n}.parquet`),
      fileFormat: 'PARQUET',
      partition: new Map<number, Value>(partition.map((v, i) => [1000 + i, v])),
      recordCount: BigInt(100 * n),
      fileSizeInBytes: BigInt(4096 * n),
      columnSizes: new Map([[1, 800n], [4, 300n]]),
      valueCounts: new Map([[1, BigInt(100 * n)]]),
      nullValueCounts: new Map([[1, 0n], [4, 7n]]),
      nanValueCounts: new Map(),
      lowerBounds: new Map([[1, toBytes(Types.long, BigInt(n))], [4, toBytes(Types.string, 'eu')]]),
      upperBounds: new Map([[1, toBytes(Types.long, BigInt(n) * 1000n)], [4, toBytes(Types.string, 'us')]]),
      splitOffsets: [4n, 1024n],
      sortOrderId: 0,
    });
    const w = new ManifestWriter(io, join(dir, 'lk', 'metadata', 'm0.avro'), { formatVersion: 2, spec, schema, snapshotId });
    await w.add(file(1, [19723, 150n, 'eu', 3]));
    await w.add(file(2, [null, -99n, null, 0]));
    await w.existing(file(3, [-1, null, 'us', 15]), parentId, 4n, 5n);
    await w.delete(file(4, [20000, 12345678901234n, 'ap', 9]), 2n, 2n);
    const manifest = await w.close();
    const listPath = join(dir, 'lk', 'metadata', `snap-${snapshotId}.avro`);
    const { manifests } = await writeManifestList(io, listPath, { snapshotId, parentSnapshotId: parentId, sequenceNumber: 6n, formatVersion: 2 }, [manifest]);
    const ours = await collect(readManifest(io, manifests[0]!));

    const py = await runPython(
      `${PY_JSON}
import sys
from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.manifest import read_manifest_list
io = PyArrowFileIO()
out = []
for m in read_manifest_list(io.new_input(sys.argv[1])):
    entries = []
    for e in m.fetch_manifest_entry(io, discard_deleted=False):
        f = e.data_file
        entries.append(dict(status=int(e.status), snapshot=str(e.snapshot_id), seq=e.sequence_number, file_seq=e.file_sequence_number,
            path=f.file_path, format=str(f.file_format.value), count=f.record_count, size=f.file_size_in_bytes, partition=list(f.partition),
            column_sizes=dict(f.column_sizes), value_counts=dict(f.value_counts), null_counts=dict(f.null_value_counts),
            lower={k: v.hex() for k, v in f.lower_bounds.items()}, upper={k: v.hex() for k, v in f.upper_bounds.items()},
            split_offsets=f.split_offsets, sort_order_id=f.sort_order_id))
    out.append(dict(path=m.manifest_path, length=m.manifest_length, spec=m.partition_spec_id, content=int(m.content), seq=m.sequence_number,
        min_seq=m.min_sequence_number, added_snapshot=str(m.added_snapshot_id), counts=[m.added_files_count, m.existing_files_count, m.deleted_files_count,
        m.added_rows_count, m.existing_rows_count, m.deleted_rows_count],
        partitions=[[s.contains_null, s.contains_nan, s.lower_bound.hex() if s.lower_bound else None, s.upper_bound.hex() if s.upper_bound else None] for s in m.partitions],
        entries=entries))
print(json.dumps(out, default=enc))
`,
      [listPath],
    );
    type PyEntry = Record<string, unknown> & { partition: unknown[] };
    const fromPy = lastJson<(Record<string, unknown> & { entries: PyEntry[] })[]>(py);
    expect(fromPy).toHaveLength(1);
    const m = manifests[0]!;
    const hex = (b: Uint8Array | undefined) => (b === undefined ? null : toHex(b));
    const { entries: pyEntries, ...pyManifest } = fromPy[0]!;
    expect(pyManifest).toEqual({
      path: m.manifestPath,
      length: Number(m.manifestLength),
      spec: 0,
      content: 0,
      seq: 6,
      min_seq: 4, // the lowest live data sequence number: the EXISTING file's 4 (the ADDED ones inherit 6)
      added_snapshot: String(snapshotId),
      counts: [2, 1, 1, 300, 300, 400],
      partitions: m.partitions!.map((s) => [s.containsNull, s.containsNan, hex(s.lowerBound), hex(s.upperBound)]),
    });
    // pyiceberg's view of a partition: dates as days, decimals as text.
    const pyValue = (v: Value, i: number) => (v === null ? null : i === 1 ? formatDecimal(v as bigint, 2) : (v as number | string));
    const mapOf = (x: Map<number, bigint>) => Object.fromEntries([...x].map(([k, v]) => [String(k), Number(v)]));
    const hexMap = (x: Map<number, Uint8Array>) => Object.fromEntries([...x].map(([k, v]) => [String(k), toHex(v)]));
    expect(pyEntries).toEqual(
      ours.map((e) => ({
        status: e.status,
        snapshot: String(e.snapshotId),
        seq: Number(e.sequenceNumber),
        file_seq: Number(e.fileSequenceNumber),
        path: e.dataFile.filePath,
        format: 'PARQUET',
        count: Number(e.dataFile.recordCount),
        size: Number(e.dataFile.fileSizeInBytes),
        partition: [...e.dataFile.partition.values()].map(pyValue),
        column_sizes: mapOf(e.dataFile.columnSizes),
        value_counts: mapOf(e.dataFile.valueCounts),
        null_counts: mapOf(e.dataFile.nullValueCounts),
        lower: hexMap(e.dataFile.lowerBounds),
        upper: hexMap(e.dataFile.upperBounds),
        split_offsets: e.dataFile.splitOffsets.map(Number),
        sort_order_id: 0,
      })),
    );
    // The inherited and carried values themselves, as pyiceberg reports them.
    expect(pyEntries.map((e) => [e.status, e.snapshot, e.seq, e.file_seq])).toEqual([
      [1, String(snapshotId), 6, 6],
      [1, String(snapshotId), 6, 6],
      [0, String(parentId), 4, 5],
      [2, String(snapshotId), 2, 2],
    ]);
    expect(pyEntries.map((e) => e.partition)).toEqual([
      [19723, '1.50', 'eu', 3],
      [null, '-0.99', null, 0],
      [-1, null, 'us', 15],
      [20000, '123456789012.34', 'ap', 9],
    ]);
  });
});
