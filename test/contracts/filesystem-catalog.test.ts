import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { MemoryFileIO } from '../../src/io/memory.js';
import { LocalFileIO } from '../../src/io/local.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, requiredField } from '../../src/iceberg/spec/types.js';
import { catalogContract } from './catalog-contract.js';

let n = 0;
catalogContract('FileSystemCatalog on MemoryFileIO', async () => ({
  catalog: new FileSystemCatalog({ warehouse: `memory://wh/run-${++n}/`, io: new MemoryFileIO() }),
  supportsRename: false,
}));

catalogContract('FileSystemCatalog on LocalFileIO', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lakekit-fscat-'));
  return {
    catalog: new FileSystemCatalog({ warehouse: dir, io: new LocalFileIO({ root: dir }) }),
    supportsRename: false,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

const endpoint = inject('motoEndpoint');
const s3 = () =>
  new S3FileIO({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: new Secret('testing') } });
beforeAll(async () => {
  await s3().client.send(new CreateBucketCommand({ Bucket: 'fscatalog' }));
});
catalogContract('FileSystemCatalog on S3FileIO (moto)', async () => ({
  catalog: new FileSystemCatalog({ warehouse: `s3://fscatalog/run-${Date.now()}-${++n}/`, io: s3() }),
  supportsRename: false,
}));

describe('FileSystemCatalog specifics', () => {
  const schema = newSchema([requiredField(1, 'id', Types.long)]);

  it('lays tables out as Spark\'s hadoop catalog does, and probes past a lagging version hint', async () => {
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    const id = { namespace: ['db'], name: 't' };
    const created = await catalog.createTable(id, { schema });
    expect(created.metadataLocation).toBe('memory://wh/db/t/metadata/v1.metadata.json');
    expect(created.metadata.location).toBe('memory://wh/db/t');
    expect(new TextDecoder().decode(await io.read('memory://wh/db/t/metadata/version-hint.text'))).toBe('1');
    await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: '1' } }]);
    // Simulate a writer that died between the metadata file and the hint.
    await io.write('memory://wh/db/t/metadata/version-hint.text', '1');
    expect((await catalog.loadTable(id)).metadataLocation).toBe('memory://wh/db/t/metadata/v2.metadata.json');
    // And one with no hint at all.
    await io.delete('memory://wh/db/t/metadata/version-hint.text');
    expect((await catalog.loadTable(id)).metadata.properties.a).toBe('1');
    const next = await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { b: '2' } }]);
    expect(next.metadataLocation).toBe('memory://wh/db/t/metadata/v3.metadata.json');
  });

  it('registers a metadata file kept elsewhere, only under the name that matches its location', async () => {
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    const id = { namespace: ['db'], name: 't' };
    const made = await catalog.createTable(id, { schema, properties: { k: 'v' } });
    await io.write('memory://wh/backup/t.metadata.json', await io.read(made.metadataLocation!));
    await expect(catalog.registerTable(id, 'memory://wh/backup/t.metadata.json')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await catalog.dropTable(id);
    await expect(catalog.registerTable({ namespace: ['db'], name: 'other' }, 'memory://wh/backup/t.metadata.json')).rejects.toMatchObject({ code: 'VALIDATION' });
    const reg = await catalog.registerTable(id, 'memory://wh/backup/t.metadata.json');
    expect(reg.metadata.tableUuid).toBe(made.metadata.tableUuid);
    expect((await catalog.loadTable(id)).metadata.properties.k).toBe('v');
  });

  it('keeps data files when a table is dropped without purge', async () => {
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    const id = { namespace: ['db'], name: 't' };
    await catalog.createTable(id, { schema });
    await io.write('memory://wh/db/t/data/part-0.parquet', 'data');
    await catalog.dropTable(id);
    expect(await io.exists('memory://wh/db/t/data/part-0.parquet')).toBe(true);
    await catalog.createTable(id, { schema });
    await catalog.dropTable(id, { purge: true });
    expect(await io.exists('memory://wh/db/t/data/part-0.parquet')).toBe(false);
  });

  it('refuses a custom table location', async () => {
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io: new MemoryFileIO() });
    await catalog.createNamespace(['db']);
    await expect(catalog.createTable({ namespace: ['db'], name: 't' }, { schema, location: 'memory://elsewhere/t' })).rejects.toThrow(/omit the location/);
  });
});
