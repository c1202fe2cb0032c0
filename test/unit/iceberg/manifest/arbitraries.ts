// fast-check generators for partition specs, data files and manifest entries.
import fc from 'fast-check';
import type { DataFile, ManifestEntry } from '../../../../src/iceberg/manifest/index.js';
import { FileContent } from '../../../../src/iceberg/manifest/index.js';
import type { PartitionSpec, PrimitiveType, Schema, StructType, Transform, Value } from '../../../../src/iceberg/spec/index.js';
import { buildPartitionSpec, canTransform, newSchema, optionalField, partitionType, Transforms } from '../../../../src/iceberg/spec/index.js';
import { primitiveType, primitiveValue } from '../spec/arbitraries.js';

const transform: fc.Arbitrary<Transform> = fc.oneof(
  fc.constantFrom<Transform>(Transforms.identity, Transforms.year, Transforms.month, Transforms.day, Transforms.hour, Transforms.void),
  fc.integer({ min: 1, max: 1000 }).map((n) => Transforms.bucket(n)),
  fc.integer({ min: 1, max: 50 }).map((n) => Transforms.truncate(n)),
);

/** A table schema of primitive columns c1, c2, … and a valid partition spec over it. */
export const schemaAndSpec: fc.Arbitrary<{ schema: Schema; spec: PartitionSpec }> = fc
  .array(primitiveType, { minLength: 1, maxLength: 6 })
  .chain((types) => {
    const schema = newSchema(types.map((t, i) => optionalField(i + 1, `c${i + 1}`, t)));
    return fc
      .tuple(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: types.length }), transform), { selector: ([id, t]) => `${id}|${t.type}`, maxLength: 4 }),
        fc.integer({ min: 0, max: 5 }),
      )
      .map(([fields, specId]) => ({
        schema,
        spec: buildPartitionSpec(
          schema,
          fields.filter(([id, t]) => canTransform(t, types[id - 1]!)).map(([id, t]) => ({ source: id, transform: t })),
          { specId },
        ),
      }));
  });

/** A partition tuple of the type: every field present, values or null. */
export function partitionValue(type: StructType): fc.Arbitrary<Map<number, Value>> {
  return fc
    .tuple(...type.fields.map((f) => fc.option(f.type.type === 'unknown' ? fc.constant(null) : primitiveValue(f.type as PrimitiveType), { nil: null, freq: 3 })))
    .map((values) => new Map(type.fields.map((f, i) => [f.id, values[i]!])));
}

const count = fc.bigInt({ min: 0n, max: 2n ** 50n }); // sums of 12 stay far below 2^63
const idMap = <V>(v: fc.Arbitrary<V>) => fc.array(fc.tuple(fc.integer({ min: 1, max: 2000 }), v), { maxLength: 5 }).map((e) => new Map(e));

/** A data file (or delete file of `content`) of a manifest with the given partition type and format version. */
export function dataFile(type: StructType, formatVersion: number, content: FileContent): fc.Arbitrary<DataFile> {
  return fc
    .record({
      filePath: fc.string({ minLength: 1, maxLength: 30 }).map((s) => `s3://lake/t/data/${s}.parquet`),
      fileFormat: fc.constantFrom('PARQUET', 'AVRO', 'ORC') as fc.Arbitrary<DataFile['fileFormat']>,
      partition: partitionValue(type),
      recordCount: count,
      fileSizeInBytes: count,
      columnSizes: idMap(count),
      valueCounts: idMap(count),
      nullValueCounts: idMap(count),
      nanValueCounts: idMap(count),
      lowerBounds: idMap(fc.uint8Array({ maxLength: 16 })),
      upperBounds: idMap(fc.uint8Array({ maxLength: 16 })),
      splitOffsets: fc.array(count, { maxLength: 4 }).map((a) => a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))),
      keyMetadata: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: undefined }),
      sortOrderId: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      equalityIds: fc.option(fc.array(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }), { nil: undefined }),
      referencedDataFile: fc.option(fc.constant('s3://lake/t/data/ref.parquet'), { nil: undefined }),
      firstRowId: fc.option(count, { nil: undefined }),
      contentOffset: fc.option(count, { nil: undefined }),
      contentSizeInBytes: fc.option(count, { nil: undefined }),
    })
    .map((r) => {
      const file: DataFile = { ...r, content };
      for (const k of Object.keys(file) as (keyof DataFile)[]) if (file[k] === undefined) delete file[k];
      // Fields the format version cannot store are left out, as a writer for that version would.
      if (formatVersion === 1) {
        delete file.equalityIds;
        delete file.referencedDataFile;
      }
      if (formatVersion < 3) {
        delete file.contentOffset;
        delete file.contentSizeInBytes;
        delete file.firstRowId;
      }
      if (content !== FileContent.EqualityDeletes) delete file.equalityIds;
      return file;
    });
}

/** Entries for one manifest: statuses, snapshot ids and sequence numbers as a writer may give them. */
export function entries(spec: PartitionSpec, schema: Schema, formatVersion: number, content: FileContent[]): fc.Arbitrary<ManifestEntry[]> {
  const type = partitionType(spec, schema);
  const entry = fc.constantFrom(...content).chain((c) =>
    fc.record({
      status: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
      snapshotId: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }),
      sequenceNumber: fc.bigInt({ min: 0n, max: 2n ** 40n }),
      fileSequenceNumber: fc.bigInt({ min: 0n, max: 2n ** 40n }),
      explicitSeq: fc.boolean(),
      dataFile: dataFile(type, formatVersion, c),
    }),
  );
  return fc.array(entry, { minLength: 1, maxLength: 12 }).map((list) =>
    list.map(({ explicitSeq, ...e }): ManifestEntry => {
      if (formatVersion === 1) return { status: e.status, snapshotId: e.snapshotId, dataFile: e.dataFile };
      // ADDED entries usually inherit their sequence numbers; carried entries always state them.
      if (e.status === 1 && !explicitSeq) return { status: e.status, dataFile: e.dataFile };
      return e;
    }),
  );
}
