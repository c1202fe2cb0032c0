/**
 * GlueCatalog on moto: the shared catalog contract, plus Glue specifics (the Glue table layout
 * that Iceberg's Java GlueCatalog and pyiceberg expect, VersionId-guarded commits, concurrent
 * appends, rename, register, purge).
 *
 * moto ignores UpdateTable's VersionId (AWS enforces it), so this file starts its own moto with
 * test/contracts/moto-glue-versionid/sitecustomize.py on PYTHONPATH, which makes moto enforce
 * it. A test below proves the patch is active. The S3 warehouse is on the same moto.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetTableCommand, GlueClient, UpdateTableCommand, GetTableVersionsCommand, CreateTableCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog, METADATA_LOCATION, PREVIOUS_METADATA_LOCATION } from '../../src/catalog/glue/index.js';
import { Table } from '../../src/iceberg/index.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { codeOf } from '../helpers/errors.js';
import { startMoto, type MotoServer } from '../helpers/peers.js';
import { catalogContract } from './catalog-contract.js';

const PATCH_DIR = join(dirname(fileURLToPath(import.meta.url)), 'moto-glue-versionid');
const BUCKET = 'glue-warehouse';
/** Each catalog under test gets its own region, so each sees an empty Glue catalog. */
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1', 'eu-south-1', 'eu-central-2', 'ap-northeast-3', 'ap-southeast-3', 'ap-south-2', 'me-south-1', 'af-south-1', 'ap-east-1', 'il-central-1', 'eu-south-2'];
let moto: MotoServer;
let next = 0;

beforeAll(async () => {
  const saved = process.env.PYTHONPATH;
  process.env.PYTHONPATH = saved === undefined ? PATCH_DIR : `${PATCH_DIR}:${saved}`;
  try {
    moto = await startMoto();
  } finally {
    if (saved === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = saved;
  }
  await io().client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  await moto?.stop();
});

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const io = () => new S3FileIO({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: new Secret('testing') } });

function fresh(): { catalog: GlueCatalog; client: GlueClient; warehouse: string } {
  const n = next++;
  const region = REGIONS[n % REGIONS.length]!;
  if (n >= REGIONS.length) throw new Error('out of fresh moto regions; add regions or clean up Glue between tests');
  const client = new GlueClient({ endpoint: moto.endpoint, region, credentials });
  const warehouse = `s3://${BUCKET}/run-${n}`;
  return { catalog: new GlueCatalog({ client, io: io(), warehouse }), client, warehouse };
}

catalogContract('GlueCatalog on moto (S3 warehouse on moto)', async () => ({ catalog: fresh().catalog, supportsRename: true, nestedNamespaces: false }));

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'account', Types.string, { doc: 'IBAN' }), optionalField(3, 'amount', Types.decimal(18, 2))]);
const id = { namespace: ['gold'], name: 'tx' };

describe('GlueCatalog specifics', () => {
  it('runs on a moto that enforces VersionId (the patch is active)', async () => {
    const { catalog, client } = fresh();
    await catalog.createNamespace(['gold']);
    await catalog.createTable(id, { schema });
    const t = (await client.send(new GetTableCommand({ DatabaseName: 'gold', Name: 'tx' }))).Table!;
    const stale = client.send(new UpdateTableCommand({ DatabaseName: 'gold', TableInput: { Name: 'tx', Parameters: t.Parameters }, VersionId: 'not-the-version' }));
    await expect(stale).rejects.toMatchObject({ name: 'ConcurrentModificationException' });
  });

  it('lays the Glue table out as the Java GlueCatalog and pyiceberg do', async () => {
    const { catalog, client, warehouse } = fresh();
    await catalog.createNamespace(['gold'], { comment: 'curated', owner: 'finance' });
    expect(await catalog.loadNamespaceProperties(['gold'])).toEqual({ comment: 'curated', owner: 'finance' });
    const created = await catalog.createTable(id, { schema, properties: { comment: 'transactions' } });
    expect(created.metadata.location).toBe(`${warehouse}/gold.db/tx`);
    expect(created.metadataLocation).toMatch(new RegExp(`^${warehouse}/gold\\.db/tx/metadata/00000-[0-9a-f-]{36}\\.metadata\\.json$`));
    const committed = await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: '1' } }]);
    expect(committed.metadataLocation).toMatch(/\/metadata\/00001-[0-9a-f-]{36}\.metadata\.json$/);
    const t = (await client.send(new GetTableCommand({ DatabaseName: 'gold', Name: 'tx' }))).Table!;
    expect(t.TableType).toBe('EXTERNAL_TABLE');
    expect(t.Description).toBe('transactions');
    expect(t.Parameters).toMatchObject({ table_type: 'ICEBERG', [METADATA_LOCATION]: committed.metadataLocation, [PREVIOUS_METADATA_LOCATION]: created.metadataLocation });
    expect(t.StorageDescriptor?.Location).toBe(`${warehouse}/gold.db/tx`);
    expect(t.StorageDescriptor?.Columns).toEqual([
      { Name: 'id', Type: 'bigint', Parameters: { 'iceberg.field.id': '1', 'iceberg.field.optional': 'false', 'iceberg.field.current': 'true' } },
      { Name: 'account', Type: 'string', Comment: 'IBAN', Parameters: { 'iceberg.field.id': '2', 'iceberg.field.optional': 'true', 'iceberg.field.current': 'true' } },
      { Name: 'amount', Type: 'decimal(18,2)', Parameters: { 'iceberg.field.id': '3', 'iceberg.field.optional': 'true', 'iceberg.field.current': 'true' } },
    ]);
  });

  it('turns a lost VersionId race into CommitConflictError and removes the orphan metadata file', async () => {
    const { catalog, client } = fresh();
    await catalog.createNamespace(['gold']);
    await catalog.createTable(id, { schema });
    // Another writer moves the table on between our read and our UpdateTable.
    let raced = false;
    const racing = new GlueCatalog({
      client: new Proxy(client, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
          return async (command: unknown) => {
            if (command instanceof UpdateTableCommand && !raced) {
              raced = true;
              await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { other: 'writer' } }]);
            }
            return target.send(command as never);
          };
        },
      }),
      io: catalog.io,
      warehouse: 's3://unused',
    });
    const before = new Set<string>();
    for await (const f of catalog.io.list(`s3://${BUCKET}/`)) before.add(f.location);
    expect(await codeOf(racing.commitTable(id, [], [{ action: 'set-properties', updates: { mine: 'lost' } }]))).toBe('COMMIT_CONFLICT');
    const after: string[] = [];
    for await (const f of catalog.io.list(`s3://${BUCKET}/`)) if (!before.has(f.location)) after.push(f.location);
    const current = await catalog.loadTable(id);
    expect(after).toEqual([current.metadataLocation]); // only the winner's file is new
    expect(current.metadata.properties).toMatchObject({ other: 'writer' });
    expect(current.metadata.properties.mine).toBeUndefined();
  });

  it('lands every one of 8 concurrent appends (no lost update)', async () => {
    const { catalog, client } = fresh();
    await catalog.createNamespace(['gold']);
    await catalog.createTable(id, { schema, properties: { 'commit.retry.num-retries': '30', 'commit.retry.min-wait-ms': '10', 'commit.retry.max-wait-ms': '200' } });
    const writers = 8;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const table = await Table.load(catalog, 'gold.tx');
        await table.append([{ id: BigInt(w * 10), account: `w${w}`, amount: '1.00' }, { id: BigInt(w * 10 + 1), account: `w${w}`, amount: '2.00' }]);
      }),
    );
    const table = await Table.load(catalog, 'gold.tx');
    const rows = await table.scan().toRows();
    expect(rows).toHaveLength(writers * 2);
    expect(new Set(rows.map((r) => r.account)).size).toBe(writers);
    expect(table.metadata.snapshots).toHaveLength(writers);
    // Every commit moved Glue's version exactly once (create + 8 updates).
    const versions = (await client.send(new GetTableVersionsCommand({ DatabaseName: 'gold', TableName: 'tx' }))).TableVersions ?? [];
    expect(versions).toHaveLength(writers + 1);
  });

  it('renames by re-creating the Glue entry, keeping the metadata', async () => {
    const { catalog } = fresh();
    await catalog.createNamespace(['gold']);
    await catalog.createNamespace(['archive']);
    const made = await catalog.createTable(id, { schema });
    await catalog.renameTable(id, { namespace: ['archive'], name: 'tx_2025' });
    expect(await catalog.tableExists(id)).toBe(false);
    const moved = await catalog.loadTable({ namespace: ['archive'], name: 'tx_2025' });
    expect(moved.metadata.tableUuid).toBe(made.metadata.tableUuid);
    expect(moved.metadataLocation).toBe(made.metadataLocation);
    expect(await codeOf(catalog.renameTable({ namespace: ['gold'], name: 'nope' }, { namespace: ['gold'], name: 'x' }))).toBe('NOT_FOUND');
    await catalog.createTable(id, { schema });
    expect(await codeOf(catalog.renameTable(id, { namespace: ['archive'], name: 'tx_2025' }))).toBe('ALREADY_EXISTS');
    expect(await catalog.tableExists(id)).toBe(true); // nothing half-done
    expect(await codeOf(catalog.renameTable(id, { namespace: ['missing'], name: 'tx' }))).toBe('NOT_FOUND');
  });

  it('registers an existing metadata file, and refuses to overwrite', async () => {
    const { catalog } = fresh();
    await catalog.createNamespace(['gold']);
    const made = await catalog.createTable(id, { schema });
    const reg = await catalog.registerTable({ namespace: ['gold'], name: 'tx_copy' }, made.metadataLocation!);
    expect(reg.metadata.tableUuid).toBe(made.metadata.tableUuid);
    expect(await codeOf(catalog.registerTable(id, made.metadataLocation!))).toBe('ALREADY_EXISTS');
    expect(await codeOf(catalog.registerTable({ namespace: ['gold'], name: 'bad' }, 's3://glue-warehouse/nope.metadata.json'))).toBe('NOT_FOUND');
  });

  it('purges a dropped table\'s files only when asked, and leaves non-Iceberg Glue tables alone', async () => {
    const { catalog, client } = fresh();
    await catalog.createNamespace(['gold']);
    const table = await catalog.createTable(id, { schema });
    const t = await Table.load(catalog, 'gold.tx');
    await t.append([{ id: 1n, account: 'a', amount: '1.00' }]);
    const files: string[] = [];
    for await (const f of catalog.io.list(`${table.metadata.location}/`)) files.push(f.location);
    expect(files.some((f) => f.includes('/data/'))).toBe(true);
    await catalog.dropTable(id, { purge: true });
    for (const f of files) expect(await catalog.io.exists(f), f).toBe(false);

    await client.send(new CreateTableCommand({ DatabaseName: 'gold', TableInput: { Name: 'hive_t', TableType: 'EXTERNAL_TABLE', Parameters: { classification: 'parquet' } } }));
    expect(await catalog.tableExists({ namespace: ['gold'], name: 'hive_t' })).toBe(false);
    expect(await codeOf(catalog.loadTable({ namespace: ['gold'], name: 'hive_t' }))).toBe('VALIDATION');
    const listed: string[] = [];
    for await (const x of catalog.listTables(['gold'])) listed.push(x.name);
    expect(listed).toEqual([]);
    expect(await codeOf(catalog.dropNamespace(['gold']))).toBe('VALIDATION'); // the Hive table still lives there
  });
});
