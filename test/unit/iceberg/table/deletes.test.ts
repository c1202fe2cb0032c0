import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { rowsToArrow } from '../../../../src/formats/arrow/rows-to-arrow.js';
import { writeParquet } from '../../../../src/formats/parquet/write/writer.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { FileContent, type DataFile } from '../../../../src/iceberg/manifest/types.js';
import { newSchema, type Schema } from '../../../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { Table } from '../../../../src/iceberg/table/table.js';

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string)]);

async function deleteFile(io: MemoryFileIO, path: string, fileSchema: Schema, rows: Record<string, unknown>[], extra: Partial<DataFile>): Promise<DataFile> {
  const { bytes, metrics } = await writeParquet(rowsToArrow(rows, fileSchema), fileSchema);
  await io.write(path, bytes);
  return { ...metrics, content: FileContent.EqualityDeletes, filePath: path, fileFormat: 'PARQUET', partition: new Map(), fileSizeInBytes: BigInt(bytes.byteLength), ...extra };
}

describe('merge-on-read', () => {
  it('applies equality deletes to older data only, and position deletes by file and row', async () => {
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    await catalog.createTable({ namespace: ['db'], name: 't' }, { schema });
    const t = await Table.load(catalog, 'db.t');
    await t.append(Array.from({ length: 10 }, (_, i) => ({ id: BigInt(i), name: i % 2 ? `n${i}` : null })));
    const dataFile = (await t.scan().planFiles()[Symbol.asyncIterator]().next()).value!.file.filePath;

    // Equality delete on id (field 1) for ids 2 and 5.
    const byId = await deleteFile(io, 'memory://wh/db/t/data/eq-id.parquet', newSchema([requiredField(1, 'id', Types.long)]), [{ id: 2n }, { id: 5n }], { equalityIds: [1] });
    await t.commitSnapshot({ operation: 'delete', addedDeleteFiles: [byId] });
    expect((await t.scan().toRows()).map((r) => r.id)).toEqual([0n, 1n, 3n, 4n, 6n, 7n, 8n, 9n]);

    // Rows appended after the delete are not affected by it, even with the same key.
    await t.append([{ id: 5n, name: 'again' }]);
    expect((await t.scan({ filter: 'id = 5' }).toRows()).map((r) => r.name)).toEqual(['again']);

    // Position deletes: rows 0 and 9 of the first data file (and a position in another file, which must not matter).
    const posSchema = newSchema([requiredField(2147483546, 'file_path', Types.string), requiredField(2147483545, 'pos', Types.long)]);
    const pos = await deleteFile(io, 'memory://wh/db/t/data/pos.parquet', posSchema, [{ file_path: dataFile, pos: 0n }, { file_path: dataFile, pos: 9n }, { file_path: 'memory://wh/db/t/data/other.parquet', pos: 1n }], {
      content: FileContent.PositionDeletes,
    });
    await t.commitSnapshot({ operation: 'delete', addedDeleteFiles: [pos] });
    expect((await t.scan().toRows()).map((r) => r.id).sort((a, b) => Number(a) - Number(b))).toEqual([1n, 3n, 4n, 5n, 6n, 7n, 8n]);
    const tasks = [];
    for await (const x of t.scan().planFiles()) tasks.push(x);
    const older = tasks.find((x) => x.file.filePath === dataFile)!;
    const newer = tasks.find((x) => x.file.filePath !== dataFile)!;
    // The older file gets both delete files; the newer one only the position deletes (equality deletes apply to older data).
    expect(older.deletes.map((d) => d.content).sort()).toEqual([FileContent.PositionDeletes, FileContent.EqualityDeletes].sort());
    expect(newer.deletes.map((d) => d.content)).toEqual([FileContent.PositionDeletes]);
    expect(t.currentSnapshot()?.summary).toMatchObject({ operation: 'delete', 'added-position-delete-files': '1', 'total-delete-files': '2', 'total-position-deletes': '3' });
  });
});
