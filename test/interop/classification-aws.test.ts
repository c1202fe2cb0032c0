/**
 * lakekit/classification/aws against moto: data keys under KMS (envelope
 * encryption, stored beside the dataset on S3), key rotation and re-wrapping,
 * protection round trips with KMS keys, Lake Formation LF-tags and Glue column
 * parameters.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDatabaseCommand, CreateTableCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetLFTagCommand, GetResourceLFTagsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { Table, Utf8, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPolicy, classifyTable, detokenizeValue, gcmDecrypt, hmacHex } from '../../src/classification/index.js';
import { applyGlueColumnParameters, applyLfTags, KmsKeyring } from '../../src/classification/aws/index.js';
import { isLakeError } from '../../src/errors.js';
import { S3FileIO } from '../../src/io/s3.js';
import { Secret } from '../../src/secret.js';
import { startMoto, type MotoServer } from '../helpers/peers.js';

let moto: MotoServer;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const client = <T>(C: new (o: object) => T): T => new C({ endpoint: moto.endpoint, region: 'us-east-1', credentials });

beforeAll(async () => {
  moto = await startMoto();
  await client(S3Client).send(new CreateBucketCommand({ Bucket: 'lake' }));
});
afterAll(async () => {
  await moto?.stop();
});

const io = () => new S3FileIO({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: new Secret('testing') } });

function customers(): Table {
  return new Table({
    name: vectorFromArray(['Somchai Jaidee', 'Olivia Smith', 'Tan Wei Ming'], new Utf8()),
    card_number: vectorFromArray(['4539 1488 0343 6467', '5425233430109903', '378282246310005'], new Utf8()),
    email: vectorFromArray(['somchai@bank.co.th', 'olivia@corp.co.uk', 'tan@mail.sg'], new Utf8()),
    thai_id: vectorFromArray(['1101700230708', '3101700123450', null], new Utf8()),
  });
}

describe('KmsKeyring (moto KMS + S3)', () => {
  it('generates, stores, reloads, rotates and re-wraps envelope-encrypted data keys', async () => {
    const kms = client(KMSClient);
    const cmk = (await kms.send(new CreateKeyCommand({ Description: 'lake pii' }))).KeyMetadata!.KeyId!;
    const location = 's3://lake/silver/customers/_keys';
    const keys = new KmsKeyring({ client: kms, kmsKeyId: cmk, io: io(), location, encryptionContext: { dataset: 'silver.customers' } });
    const v1 = await keys.current('pii');
    expect(v1.version).toBe(1);
    expect(v1.key.reveal()).toHaveLength(32);

    // The key file holds only the KMS ciphertext.
    const stored = JSON.parse(new TextDecoder().decode(await io().read(`${location}/pii/v000001.json`))) as { ciphertext: string; kmsKeyId: string };
    expect(stored.kmsKeyId).toContain(cmk);
    expect(stored.ciphertext).not.toContain(btoa(String.fromCharCode(...v1.key.reveal())));

    // A fresh keyring (another process) decrypts the same key through KMS.
    const other = new KmsKeyring({ client: kms, kmsKeyId: cmk, io: io(), location, encryptionContext: { dataset: 'silver.customers' } });
    expect((await other.current('pii')).key.reveal()).toEqual(v1.key.reveal());

    // The wrong encryption context is refused by KMS.
    const wrong = new KmsKeyring({ client: kms, kmsKeyId: cmk, io: io(), location, encryptionContext: { dataset: 'gold.other' } });
    await expect(wrong.version('pii', 1)).rejects.toSatisfy((e) => isLakeError(e) && ['AUTH', 'VALIDATION', 'REST'].includes(e.code));

    // Rotation: new data uses v2, v1 still decrypts.
    const v2 = await keys.rotate('pii');
    expect(v2.version).toBe(2);
    expect((await other.current('pii')).version).toBe(2);
    expect(await keys.versions('pii')).toEqual([1, 2]);

    // Re-wrap under a new KMS key: the plaintext keys are unchanged.
    const cmk2 = (await kms.send(new CreateKeyCommand({ Description: 'lake pii 2026' }))).KeyMetadata!.KeyId!;
    expect(await keys.rewrap('pii', cmk2)).toBe(2);
    const after = new KmsKeyring({ client: kms, kmsKeyId: cmk2, io: io(), location, encryptionContext: { dataset: 'silver.customers' } });
    expect((await after.version('pii', 1)).key.reveal()).toEqual(v1.key.reveal());
    expect((await after.version('pii', 2)).key.reveal()).toEqual(v2.key.reveal());
    await expect(after.version('pii', 3)).rejects.toSatisfy((e) => isLakeError(e, 'NOT_FOUND'));
  });

  it('protects a table with KMS keys: tokens detokenize, hashes are stable, ciphertexts decrypt', async () => {
    const kms = client(KMSClient);
    const cmk = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const keys = new KmsKeyring({ client: kms, kmsKeyId: cmk, io: io(), location: 's3://lake/silver/cards/_keys' });
    const { table, report } = await applyPolicy(customers(), {
      keys,
      types: { CREDIT_CARD: { action: 'tokenize', key: 'pan', luhn: true }, EMAIL: { action: 'hash', key: 'pii' }, TH_NATIONAL_ID: { action: 'encrypt', key: 'pii' } },
    });
    const card = table.getChild('card_number')!.get(1) as string;
    expect(card).toMatch(/^\d{16}$/);
    expect(card).not.toBe('5425233430109903');
    const pan = report.columns.find((c) => c.column === 'card_number')!.key!;
    expect(await detokenizeValue(keys, pan.name, pan.version, card, { luhn: true })).toBe('5425233430109903');
    const again = await applyPolicy(customers(), { keys: new KmsKeyring({ client: kms, kmsKeyId: cmk, io: io(), location: 's3://lake/silver/cards/_keys' }), columns: { email: { action: 'hash', key: 'pii' } } });
    expect(again.table.getChild('email')!.get(0)).toBe(table.getChild('email')!.get(0));
    expect(table.getChild('email')!.get(0)).toBe(await hmacHex(await keys.current('pii'), 'somchai@bank.co.th'));
    expect(await gcmDecrypt(keys, 'pii', table.getChild('thai_id')!.get(0) as string, 'thai_id')).toBe('1101700230708');
    expect(table.getChild('thai_id')!.get(2)).toBeNull();
  });

  it('a missing KMS key is a typed error', async () => {
    const keys = new KmsKeyring({ client: client(KMSClient), kmsKeyId: 'alias/does-not-exist', io: io(), location: 's3://lake/x/_keys' });
    await expect(keys.current('pii')).rejects.toSatisfy((e) => isLakeError(e) && ['NOT_FOUND', 'AUTH', 'VALIDATION'].includes(e.code));
  });
});

describe('Lake Formation LF-tags and Glue column parameters (moto)', () => {
  it('creates tag keys and values and assigns them to columns; Glue columns carry the classification', async () => {
    const glue = client(GlueClient);
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'silver' } }));
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'silver',
        TableInput: {
          Name: 'customers',
          TableType: 'EXTERNAL_TABLE',
          StorageDescriptor: {
            Location: 's3://lake/silver/customers',
            Columns: ['name', 'card_number', 'email', 'thai_id'].map((Name) => ({ Name, Type: 'string', Parameters: Name === 'email' ? { owner: 'crm' } : undefined })),
          },
          Parameters: { table_type: 'EXTERNAL' },
        },
      }),
    );
    const cls = classifyTable(customers());
    const lf = client(LakeFormationClient);
    const report = await applyLfTags(cls, { client: lf, database: 'silver', table: 'customers' });
    expect(report.keysUpdated.sensitivity!.sort()).toEqual(['confidential', 'internal', 'public', 'restricted']);
    expect(report.keysUpdated.pii_type!.sort()).toEqual(['CREDIT_CARD', 'EMAIL', 'TH_NATIONAL_ID']);
    expect((await lf.send(new GetLFTagCommand({ TagKey: 'pii_type' }))).TagValues!.sort()).toEqual(['CREDIT_CARD', 'EMAIL', 'TH_NATIONAL_ID']);

    const tags = await lf.send(new GetResourceLFTagsCommand({ Resource: { TableWithColumns: { DatabaseName: 'silver', Name: 'customers', ColumnNames: ['name', 'card_number', 'email', 'thai_id'] } }, ShowAssignedLFTags: true }));
    const byColumn = Object.fromEntries((tags.LFTagsOnColumns ?? []).map((c) => [c.Name, Object.fromEntries((c.LFTags ?? []).map((t) => [t.TagKey, t.TagValues?.[0]]))]));
    expect(byColumn.card_number).toEqual({ sensitivity: 'restricted', pii_type: 'CREDIT_CARD' });
    expect(byColumn.email).toEqual({ sensitivity: 'confidential', pii_type: 'EMAIL' });
    expect(byColumn.name).toEqual({ sensitivity: 'public' });

    // A second run adds only what is new (idempotent).
    const second = await applyLfTags(cls, { client: lf, database: 'silver', table: 'customers' });
    expect(second.keysUpdated).toEqual({});

    const { columns } = await applyGlueColumnParameters(cls, { client: glue, database: 'silver', table: 'customers' });
    expect(columns.sort()).toEqual(['card_number', 'email', 'name', 'thai_id']);
    const t = (await glue.send(new GetTableCommand({ DatabaseName: 'silver', Name: 'customers' }))).Table!;
    const params = Object.fromEntries(t.StorageDescriptor!.Columns!.map((c) => [c.Name, c.Parameters]));
    expect(params.card_number).toEqual({ 'lakekit.classification.types': 'CREDIT_CARD', 'lakekit.classification.sensitivity': 'restricted' });
    expect(params.email).toEqual({ owner: 'crm', 'lakekit.classification.types': 'EMAIL', 'lakekit.classification.sensitivity': 'confidential' });
    expect(params.name).toEqual({ 'lakekit.classification.sensitivity': 'public' });
    expect(t.Parameters).toMatchObject({ table_type: 'EXTERNAL', 'lakekit.classification.sensitivity': 'restricted' });
  });

  it('a missing Glue table is NotFoundError', async () => {
    const cls = classifyTable(customers());
    await expect(applyGlueColumnParameters(cls, { client: client(GlueClient), database: 'silver', table: 'nope' })).rejects.toSatisfy((e) => isLakeError(e, 'NOT_FOUND'));
  });
});
