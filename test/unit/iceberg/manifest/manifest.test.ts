import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/errors.js';
import { AvroFileReader } from '../../../../src/formats/avro/index.js';
import type { DataFile, ManifestEntry, ManifestFile } from '../../../../src/iceberg/manifest/index.js';
import {
  FileContent,
  ManifestContent,
  ManifestWriter,
  readManifest,
  readManifestList,
  readManifestMetadata,
  UNASSIGNED_SEQUENCE_NUMBER,
  writeManifestList,
} from '../../../../src/iceberg/manifest/index.js';
import type { FormatVersion, IcebergType, PartitionSpec, Value } from '../../../../src/iceberg/spec/index.js';
import { buildPartitionSpec, fromBytes, newSchema, optionalField, partitionType, requiredField, Transforms, Types } from '../../../../src/iceberg/spec/index.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { entries, schemaAndSpec } from './arbitraries.js';

const BIG_SNAPSHOT = 2n ** 62n + 12345n; // far above 2^53: survives only if never a double

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** An order for bounds written independently of the library's comparator. */
function naiveCompare(type: IcebergType, a: Value, b: Value): number {
  if (typeof a === 'string' && type.type === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b as string, 'utf8'));
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (a instanceof Uint8Array) return Buffer.compare(a, b as Uint8Array);
  if (typeof a === 'number' && a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** What readManifest must return for an entry written as `e` (the spec's inheritance rules). */
function inherited(e: ManifestEntry, v: FormatVersion, writerSnapshot: bigint, seq: bigint, specId: number): ManifestEntry {
  const out: ManifestEntry = { status: e.status, snapshotId: e.snapshotId ?? writerSnapshot, dataFile: { ...e.dataFile, specId } };
  if (v === 1) return { ...out, sequenceNumber: 0n, fileSequenceNumber: 0n };
  const s = e.sequenceNumber ?? (e.status === 1 ? seq : undefined);
  const f = e.fileSequenceNumber ?? (e.status === 1 ? seq : undefined);
  return { ...out, ...(s === undefined ? {} : { sequenceNumber: s }), ...(f === undefined ? {} : { fileSequenceNumber: f }) };
}

describe('manifests and manifest lists', () => {
  it('round-trip random specs, partition values, metrics and statuses in formats v1–v3, with inheritance', async () => {
    const scenario = fc
      .tuple(schemaAndSpec, fc.constantFrom<FormatVersion>(1, 2, 3), fc.boolean())
      .chain(([{ schema, spec }, v, deletes]) => {
        const content = v > 1 && deletes ? [FileContent.PositionDeletes, FileContent.EqualityDeletes] : [FileContent.Data];
        return fc.record({
          schema: fc.constant(schema),
          spec: fc.constant(spec),
          v: fc.constant(v),
          manifestContent: fc.constant(content[0] === FileContent.Data ? ManifestContent.Data : ManifestContent.Deletes),
          list: entries(spec, schema, v, content),
          snapshotId: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }),
          seq: fc.bigInt({ min: 1n, max: 2n ** 40n }),
        });
      });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ schema, spec, v, manifestContent, list, snapshotId, seq }) => {
        const io = new MemoryFileIO({ root: 'memory://lake/' });
        const w = new ManifestWriter(io, 'memory://lake/t/metadata/m0.avro', { formatVersion: v, spec, schema, snapshotId, content: manifestContent });
        for (const e of list) await w.addEntry(e);
        const manifest = await w.close();

        // Counts and partition summaries, checked against the entries.
        const by = (s: number) => list.filter((e) => e.status === s);
        expect([manifest.addedFilesCount, manifest.existingFilesCount, manifest.deletedFilesCount]).toEqual([by(1).length, by(0).length, by(2).length]);
        const rows = (s: number) => by(s).reduce((n, e) => n + e.dataFile.recordCount, 0n);
        expect([manifest.addedRowsCount, manifest.existingRowsCount, manifest.deletedRowsCount]).toEqual([rows(1), rows(0), rows(2)]);
        expect(manifest.manifestLength).toBe(BigInt((await io.read('t/metadata/m0.avro')).length));
        expect(manifest.sequenceNumber).toBe(UNASSIGNED_SEQUENCE_NUMBER);
        const type = partitionType(spec, schema);
        type.fields.forEach((f, i) => {
          const values = list.map((e) => e.dataFile.partition.get(f.id) ?? null);
          const s = manifest.partitions![i]!;
          expect(s.containsNull).toBe(values.some((x) => x === null));
          expect(s.containsNan).toBe(values.some((x) => typeof x === 'number' && Number.isNaN(x)));
          const ordered = values.filter((x) => x !== null && !(typeof x === 'number' && Number.isNaN(x)));
          if (ordered.length === 0) return expect(s.lowerBound).toBeUndefined();
          const lower = fromBytes(f.type, s.lowerBound!);
          const upper = fromBytes(f.type, s.upperBound!);
          for (const x of ordered) {
            expect(naiveCompare(f.type, lower, x)).toBeLessThanOrEqual(0);
            expect(naiveCompare(f.type, upper, x)).toBeGreaterThanOrEqual(0);
          }
          expect(ordered.some((x) => naiveCompare(f.type, lower, x) === 0)).toBe(true);
        });

        const written = await writeManifestList(io, 't/metadata/snap.avro', { snapshotId, sequenceNumber: seq, formatVersion: v, ...(v === 3 ? { firstRowId: 1000n } : {}) }, [manifest]);
        const [read] = await readManifestList(io, 't/metadata/snap.avro');
        expect(read).toEqual(written.manifests[0]);
        const listSeq = v === 1 ? 0n : seq;
        expect(read!.sequenceNumber).toBe(listSeq);
        const liveSeqs = list.filter((e) => e.status !== 2 && e.sequenceNumber !== undefined).map((e) => e.sequenceNumber!);
        expect(read!.minSequenceNumber).toBe(v === 1 ? 0n : liveSeqs.length === 0 ? seq : liveSeqs.reduce((a, b) => (a < b ? a : b)));
        if (v === 3 && manifestContent === ManifestContent.Data) {
          expect(read!.firstRowId).toBe(1000n);
          expect(written.addedRows).toBe(rows(1) + rows(0));
        }

        const back = await collect(readManifest(io, read!, { specsById: new Map([[spec.specId, spec]]) }));
        const expected = list.map((e) => inherited(e, v, snapshotId, listSeq, spec.specId));
        if (v === 3 && manifestContent === ManifestContent.Data) {
          let next = 1000n;
          for (const e of expected) {
            if (e.status !== 2 && e.dataFile.firstRowId === undefined) {
              e.dataFile = { ...e.dataFile, firstRowId: next };
              next += e.dataFile.recordCount;
            }
          }
        }
        expect(back).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('keeps snapshot ids above 2^53 exact in entries, lists and list metadata', async () => {
    const io = new MemoryFileIO({ root: 'memory://lake/' });
    const schema = newSchema([requiredField(1, 'id', Types.long)]);
    const spec = buildPartitionSpec(schema, [{ source: 'id', transform: Transforms.identity }]);
    const w = new ManifestWriter(io, 'm.avro', { spec, schema, snapshotId: BIG_SNAPSHOT });
    await w.add(file(new Map([[1000, 2n ** 63n - 1n]])));
    await w.existing(file(new Map([[1000, -(2n ** 63n)]])), BIG_SNAPSHOT - 1n, 3n, 4n);
    const m = await w.close();
    await writeManifestList(io, 'l.avro', { snapshotId: BIG_SNAPSHOT, parentSnapshotId: BIG_SNAPSHOT - 1n, sequenceNumber: 7n, formatVersion: 2 }, [m]);
    const meta = await AvroFileReader.fromBytes(await io.read('l.avro'));
    expect(meta.metadataString('snapshot-id')).toBe(String(BIG_SNAPSHOT));
    expect(meta.metadataString('parent-snapshot-id')).toBe(String(BIG_SNAPSHOT - 1n));
    expect(meta.metadataString('sequence-number')).toBe('7');
    const [listed] = await readManifestList(io, 'l.avro');
    expect(listed!.addedSnapshotId).toBe(BIG_SNAPSHOT);
    const back = await collect(readManifest(io, listed!));
    expect(back.map((e) => [e.snapshotId, e.sequenceNumber, e.fileSequenceNumber, e.dataFile.partition.get(1000)])).toEqual([
      [BIG_SNAPSHOT, 7n, 7n, 2n ** 63n - 1n],
      [BIG_SNAPSHOT - 1n, 3n, 4n, -(2n ** 63n)],
    ]);
  });

  it('stores the metadata the spec requires, and reads it without the entries', async () => {
    const io = new MemoryFileIO({ root: 'memory://lake/' });
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'ts', Types.timestamptz)], { schemaId: 3 });
    const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }], { specId: 2 });
    const w = new ManifestWriter(io, 'd.avro', { spec, schema, snapshotId: 1n, content: ManifestContent.Deletes });
    await w.add({ ...file(new Map([[1000, 19000]])), content: FileContent.EqualityDeletes, equalityIds: [1] });
    await w.close();
    const r = await AvroFileReader.fromBytes(await io.read('d.avro'));
    expect(Object.fromEntries([...r.header.metadata.keys()].filter((k) => !k.startsWith('avro.')).map((k) => [k, r.metadataString(k)]))).toEqual({
      schema: '{"type":"struct","schema-id":3,"fields":[{"id":1,"name":"id","required":true,"type":"long"},{"id":2,"name":"ts","required":false,"type":"timestamptz"}]}',
      'schema-id': '3',
      'partition-spec': '[{"source-id":2,"field-id":1000,"name":"ts_day","transform":"day"}]',
      'partition-spec-id': '2',
      'format-version': '2',
      content: 'deletes',
    });
    const meta = await readManifestMetadata(io, 'd.avro');
    expect(meta).toEqual({ formatVersion: 2, schema, partitionSpec: spec, content: ManifestContent.Deletes });
  });

  it('refuses manifests and lists that break the spec', async () => {
    const io = new MemoryFileIO({ root: 'memory://lake/' });
    const schema = newSchema([requiredField(1, 'id', Types.long)]);
    const spec: PartitionSpec = buildPartitionSpec(schema, []);
    const data = file(new Map());
    const w = new ManifestWriter(io, 'x.avro', { spec, schema, snapshotId: 5n });
    await expect(w.add({ ...data, content: FileContent.PositionDeletes })).rejects.toThrow(/data manifest cannot hold a delete file/);
    await expect(w.addEntry({ status: 0, dataFile: data })).rejects.toThrow(/EXISTING entry needs/);
    await expect(w.addEntry({ status: 2, dataFile: data })).rejects.toThrow(/sequence numbers/);
    await expect(w.add({ ...data, partition: new Map([[1000, 1]]) })).rejects.toThrow(/partition field id 1000/);
    await expect(w.add({ ...data, contentOffset: 4n })).rejects.toThrow(/need format v3/);
    await expect(w.add({ ...data, recordCount: 1.5 as unknown as bigint })).rejects.toThrow(ValidationError);
    expect(w.entryCount).toBe(0);
    await expect(w.close()).rejects.toThrow(/no entries/);
    expect(() => new ManifestWriter(io, 'y.avro', { formatVersion: 1, spec, schema, snapshotId: 5n, content: ManifestContent.Deletes })).toThrow(/no delete manifests/);
    const ok = new ManifestWriter(io, 'z.avro', { spec, schema, snapshotId: 5n });
    await ok.add(data);
    const m = await ok.close();
    await expect(ok.add(data)).rejects.toThrow(/closed/);
    await expect(writeManifestList(io, 'l.avro', { snapshotId: 6n, sequenceNumber: 2n, formatVersion: 2 }, [m])).rejects.toThrow(/unassigned but it was added by snapshot 5/);
    const partial: ManifestFile = { ...m, sequenceNumber: 1n, minSequenceNumber: 1n, addedFilesCount: undefined } as ManifestFile;
    delete partial.addedFilesCount;
    await expect(writeManifestList(io, 'l.avro', { snapshotId: 6n, sequenceNumber: 2n, formatVersion: 2 }, [partial])).rejects.toThrow(/added_files_count is required/);
    await expect(writeManifestList(io, 'l.avro', { snapshotId: 5n, sequenceNumber: 2n, formatVersion: 3 }, [m])).rejects.toThrow(/firstRowId/);
    await expect(collect(readManifest(io, { ...m, partitionSpecId: 9 }, { specsById: new Map() }))).resolves.toHaveLength(1); // the manifest's own spec is the fallback
  });

  it('ends in ValidationError for mutated manifest and manifest list bytes', async () => {
    const io = new MemoryFileIO({ root: 'memory://lake/' });
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 's', Types.string), optionalField(3, 'd', Types.decimal(9, 2))]);
    const spec = buildPartitionSpec(schema, [{ source: 's', transform: Transforms.truncate(2) }, { source: 'd', transform: Transforms.identity }]);
    const w = new ManifestWriter(io, 'm.avro', { spec, schema, snapshotId: 9n, codec: 'null' });
    for (let i = 0; i < 6; i++) await w.add(file(new Map<number, Value>([[1000, `s${i}`], [1001, BigInt(i * 100 - 250)]])));
    const m = await w.close();
    await writeManifestList(io, 'l.avro', { snapshotId: 9n, sequenceNumber: 1n, formatVersion: 2, codec: 'null' }, [m]);
    const manifestBytes = await io.read('m.avro');
    const listBytes = await io.read('l.avro');
    const [listed] = await readManifestList(io, 'l.avro');
    const specsById = new Map([[spec.specId, spec]]);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), async (list, edits) => {
        const bytes = (list ? listBytes : manifestBytes).slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const fuzz = new MemoryFileIO({ root: 'memory://lake/' });
        await fuzz.write(list ? 'l.avro' : 'm.avro', bytes);
        try {
          if (list) await readManifestList(fuzz, 'l.avro');
          else await collect(readManifest(fuzz, listed!, { specsById }));
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 400 },
    );
  });
});

function file(partition: Map<number, Value>): DataFile {
  return {
    content: FileContent.Data,
    filePath: `s3://lake/t/data/${partition.size}-${[...partition.values()].join('_')}.parquet`,
    fileFormat: 'PARQUET',
    partition,
    recordCount: 10n,
    fileSizeInBytes: 1024n,
    columnSizes: new Map([[1, 100n]]),
    valueCounts: new Map([[1, 10n]]),
    nullValueCounts: new Map([[1, 0n]]),
    nanValueCounts: new Map(),
    lowerBounds: new Map([[1, new Uint8Array(8)]]),
    upperBounds: new Map([[1, new Uint8Array(8).fill(1)]]),
    splitOffsets: [4n],
  };
}
