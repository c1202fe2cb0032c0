// Manifests and manifest lists that Spark 3.5 with Iceberg 1.10 wrote (see fixtures/README.md):
// lakekit reads the values Spark reported for them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ManifestEntry } from '../../../../src/iceberg/manifest/index.js';
import { readManifest, readManifestList } from '../../../../src/iceberg/manifest/index.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';

async function load(version: number): Promise<{ list: Awaited<ReturnType<typeof readManifestList>>; entries: ManifestEntry[] }> {
  const io = new MemoryFileIO({ root: 'memory://fixtures/' });
  const bytes = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures', name)));
  await io.write('list.avro', bytes(`spark-v${version}-manifest-list.avro`));
  await io.write('manifest.avro', bytes(`spark-v${version}-manifest.avro`));
  const list = await readManifestList(io, 'list.avro');
  const entries: ManifestEntry[] = [];
  // The list names Spark's path; the manifest itself is served from memory. No specsById: the manifest's own spec is used.
  for await (const e of readManifest(io, { ...list[0]!, manifestPath: 'manifest.avro' })) entries.push(e);
  return { list, entries };
}

const names = (entries: ManifestEntry[]) => entries.map((e) => e.dataFile.filePath.replace(/^.*\/data\//, '').replace(/\/[^/]*$/, ''));

describe('Spark-written manifests', () => {
  it('v2: decimal, date, bucket and truncate partitions, inherited sequence numbers, metrics', async () => {
    const { list, entries } = await load(2);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ content: 0, sequenceNumber: 1n, minSequenceNumber: 1n, addedSnapshotId: 178340394299215578n, addedFilesCount: 3, addedRowsCount: 3n, partitionSpecId: 0 });
    expect(names(entries)).toEqual(['d=2024-02-01/id_bucket=3/name_trunc=gam/amount=3.25', 'd=2024-01-01/id_bucket=0/name_trunc=alp/amount=1.50', 'd=null/id_bucket=0/name_trunc=null/amount=null']);
    expect(entries.map((e) => e.dataFile.partition)).toEqual([
      new Map<number, unknown>([[1000, 19754], [1001, 3], [1002, 'gam'], [1003, 325n]]),
      new Map<number, unknown>([[1000, 19723], [1001, 0], [1002, 'alp'], [1003, 150n]]),
      new Map<number, unknown>([[1000, null], [1001, 0], [1002, null], [1003, null]]),
    ]);
    for (const e of entries) {
      // Spark left sequence numbers null (inherit): they become the manifest's.
      expect(e).toMatchObject({ status: 1, snapshotId: 178340394299215578n, sequenceNumber: 1n, fileSequenceNumber: 1n });
      expect(e.dataFile).toMatchObject({ content: 0, fileFormat: 'PARQUET', recordCount: 1n, specId: 0, sortOrderId: 0, splitOffsets: [4n] });
      expect([...e.dataFile.columnSizes.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect(entries[0]!.dataFile.lowerBounds.get(2)).toEqual(new TextEncoder().encode('gamma'));
    expect(list[0]!.partitions![3]).toEqual({ containsNull: true, containsNan: false, lowerBound: new Uint8Array([0, 150]), upperBound: new Uint8Array([1, 69]) });
  });

  it('v1: no sequence numbers (all 0), no content, block_size_in_bytes ignored', async () => {
    const { list, entries } = await load(1);
    expect(list[0]).toMatchObject({ content: 0, sequenceNumber: 0n, minSequenceNumber: 0n, addedSnapshotId: 7685393732624472606n, addedFilesCount: 2 });
    expect(entries.map((e) => [e.status, e.sequenceNumber, e.fileSequenceNumber, e.dataFile.partition])).toEqual([
      [1, 0n, 0n, new Map([[1000, 19723], [1001, 0]])],
      [1, 0n, 0n, new Map([[1000, null], [1001, 0]])],
    ]);
  });

  it('v3: first row ids from the manifest list, inherited by data files in order', async () => {
    const { list, entries } = await load(3);
    expect(list[0]).toMatchObject({ firstRowId: 0n, sequenceNumber: 1n, addedRowsCount: 2n });
    expect(entries.map((e) => e.dataFile.firstRowId)).toEqual([0n, 1n]);
  });
});
