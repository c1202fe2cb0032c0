/**
 * GlueCatalog logic that moto cannot show: paging, the outcome of an UpdateTable that failed in
 * different ways, error mapping, and the Glue column types. The Glue client is a small in-memory
 * stand-in; behaviour against a Glue API is in test/contracts/glue-catalog.test.ts (moto).
 */
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetDatabaseCommand,
  GetDatabasesCommand,
  GetTableCommand,
  GetTablesCommand,
  UpdateTableCommand,
  type GlueClient,
  type Table as GlueTable,
} from '@aws-sdk/client-glue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GlueCatalog, glueColumns, glueError, glueTypeOf } from '../../../../src/catalog/glue/index.js';
import { applyUpdates } from '../../../../src/iceberg/spec/apply-updates.js';
import { newTableMetadata } from '../../../../src/iceberg/spec/new-table.js';
import { UNPARTITIONED_SPEC } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { UNSORTED_ORDER } from '../../../../src/iceberg/spec/sort-order.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { codeOf } from '../../../helpers/errors.js';

const awsError = (name: string, fault: 'client' | 'server', status: number) => Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: { httpStatusCode: status, requestId: 'rid-1' } });

/** An in-memory Glue with pages of `pageSize`, and a hook to fail or intercept UpdateTable. */
function fakeGlue(pageSize = 2) {
  const dbs = new Map<string, Map<string, GlueTable & { VersionId: string }>>();
  const calls: string[] = [];
  const hooks: { onUpdate?: (apply: () => void) => void } = {};
  const page = <T>(items: T[], token: string | undefined) => {
    const start = Number(token ?? 0);
    const next = start + pageSize < items.length ? String(start + pageSize) : undefined;
    return { items: items.slice(start, start + pageSize), next };
  };
  const missing = () => awsError('EntityNotFoundException', 'client', 400);
  const client = {
    send: async (cmd: { input: Record<string, unknown> }) => {
      const i = cmd.input as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a stand-in for many command shapes
      calls.push(cmd.constructor.name);
      if (cmd instanceof CreateDatabaseCommand) {
        const name = (i.DatabaseInput as { Name: string }).Name;
        if (dbs.has(name)) throw awsError('AlreadyExistsException', 'client', 400);
        dbs.set(name, new Map());
        return {};
      }
      if (cmd instanceof GetDatabaseCommand) {
        if (!dbs.has(i.Name)) throw missing();
        return { Database: { Name: i.Name } };
      }
      if (cmd instanceof GetDatabasesCommand) {
        const p = page([...dbs.keys()].reverse(), i.NextToken);
        return { DatabaseList: p.items.map((Name) => ({ Name })), NextToken: p.next };
      }
      const db = dbs.get(i.DatabaseName);
      if (db === undefined) throw missing();
      if (cmd instanceof GetTablesCommand) {
        const p = page([...db.values()], i.NextToken);
        return { TableList: p.items, NextToken: p.next };
      }
      if (cmd instanceof GetTableCommand) {
        const t = db.get(i.Name);
        if (t === undefined) throw missing();
        return { Table: structuredClone(t) };
      }
      if (cmd instanceof CreateTableCommand) {
        const input = i.TableInput as GlueTable;
        if (db.has(input.Name!)) throw awsError('AlreadyExistsException', 'client', 400);
        db.set(input.Name!, { ...input, VersionId: '1' });
        return {};
      }
      if (cmd instanceof UpdateTableCommand) {
        const input = i.TableInput as GlueTable;
        const apply = () => {
          const t = db.get(input.Name!);
          if (t === undefined) throw missing();
          if (i.VersionId !== undefined && i.VersionId !== t.VersionId) throw awsError('ConcurrentModificationException', 'client', 400);
          db.set(input.Name!, { ...input, VersionId: String(Number(t.VersionId) + 1) });
        };
        if (hooks.onUpdate) hooks.onUpdate(apply);
        else apply();
        return {};
      }
      if (cmd instanceof DeleteTableCommand) {
        if (!db.delete(i.Name)) throw missing();
        return {};
      }
      throw new Error(`fake Glue does not do ${cmd.constructor.name}`);
    },
  };
  return { client: client as unknown as GlueClient, dbs, calls, hooks };
}

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'v', Types.string)]);
const id = { namespace: ['db'], name: 't' };

async function setup(pageSize = 2) {
  const glue = fakeGlue(pageSize);
  const io = new MemoryFileIO();
  const catalog = new GlueCatalog({ client: glue.client, io, warehouse: 'memory://wh/' });
  await catalog.createNamespace(['db']);
  await catalog.createTable(id, { schema });
  return { glue, io, catalog };
}

async function metadataFiles(io: MemoryFileIO): Promise<string[]> {
  const out: string[] = [];
  for await (const f of io.list('memory://wh/db.db/t/metadata/')) out.push(f.location);
  return out;
}

describe('GlueCatalog (in-memory Glue)', () => {
  it('follows NextToken through every page of databases and tables', async () => {
    const { catalog } = await setup(2);
    for (const n of ['b', 'c', 'd', 'e']) await catalog.createNamespace([n]);
    for (const n of ['t1', 't2', 't3', 't4']) await catalog.createTable({ namespace: ['db'], name: n }, { schema });
    const namespaces: string[] = [];
    for await (const ns of catalog.listNamespaces()) namespaces.push(ns[0]!);
    expect(namespaces.sort()).toEqual(['b', 'c', 'd', 'db', 'e']);
    const tables: string[] = [];
    for await (const t of catalog.listTables(['db'])) tables.push(t.name);
    expect(tables.sort()).toEqual(['t', 't1', 't2', 't3', 't4']);
  });

  it('refuses nested namespaces with a ValidationError that says why', async () => {
    const { catalog } = await setup();
    await expect(catalog.createNamespace(['finance', 'gold'])).rejects.toThrow(/single level/);
    expect(await codeOf(catalog.loadTable({ namespace: ['a', 'b'], name: 't' }))).toBe('VALIDATION');
  });

  it('counts an UpdateTable that landed but reported an error as committed', async () => {
    const { glue, catalog } = await setup();
    glue.hooks.onUpdate = (apply) => {
      apply();
      throw awsError('InternalServiceException', 'server', 500);
    };
    const r = await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: '1' } }]);
    glue.hooks.onUpdate = undefined;
    expect((await catalog.loadTable(id)).metadataLocation).toBe(r.metadataLocation);
  });

  it('reports an unknown outcome (and keeps the file) when UpdateTable fails on the server side', async () => {
    const { glue, io, catalog } = await setup();
    glue.hooks.onUpdate = () => {
      throw awsError('InternalServiceException', 'server', 500);
    };
    const before = await metadataFiles(io);
    expect(await codeOf(catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: '1' } }]))).toBe('COMMIT_STATE_UNKNOWN');
    expect((await metadataFiles(io)).length).toBe(before.length + 1);
  });

  it('removes its metadata file when Glue refuses the update for good', async () => {
    const { glue, io, catalog } = await setup();
    const before = await metadataFiles(io);
    glue.hooks.onUpdate = () => {
      throw awsError('AccessDeniedException', 'client', 403);
    };
    expect(await codeOf(catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: '1' } }]))).toBe('AUTH');
    expect(await metadataFiles(io)).toEqual(before);
    // A lost VersionId race (another writer moved the table on) is a conflict, and cleaned up too.
    glue.hooks.onUpdate = (apply) => {
      const t = glue.dbs.get('db')!.get('t')!;
      glue.dbs.get('db')!.set('t', { ...t, VersionId: String(Number(t.VersionId) + 1) });
      apply();
    };
    expect(await codeOf(catalog.commitTable(id, [], [{ action: 'set-properties', updates: { b: '1' } }]))).toBe('COMMIT_CONFLICT');
    expect(await metadataFiles(io)).toEqual(before);
  });

  it('a failed rename leaves the original in place', async () => {
    const { glue, catalog } = await setup();
    await catalog.createNamespace(['other']);
    const send = glue.client.send.bind(glue.client);
    (glue.client as unknown as { send: unknown }).send = async (cmd: unknown) => {
      if (cmd instanceof DeleteTableCommand && (cmd.input.DatabaseName === 'db')) throw awsError('AccessDeniedException', 'client', 403);
      return send(cmd as never);
    };
    expect(await codeOf(catalog.renameTable(id, { namespace: ['other'], name: 't2' }))).toBe('AUTH');
    expect(await catalog.tableExists(id)).toBe(true);
    expect(await catalog.tableExists({ namespace: ['other'], name: 't2' })).toBe(false);
  });
});

describe('Glue errors', () => {
  it('maps Glue exceptions to the lakekit hierarchy, keeping Glue\'s message and request id', () => {
    const cases: [string, 'client' | 'server', number, string, boolean][] = [
      ['EntityNotFoundException', 'client', 400, 'NOT_FOUND', false],
      ['AlreadyExistsException', 'client', 400, 'ALREADY_EXISTS', false],
      ['ConcurrentModificationException', 'client', 400, 'COMMIT_CONFLICT', true],
      ['AccessDeniedException', 'client', 403, 'AUTH', false],
      ['InvalidInputException', 'client', 400, 'VALIDATION', false],
      ['ThrottlingException', 'client', 400, 'REST', true],
      ['InternalServiceException', 'server', 500, 'REST', true],
    ];
    for (const [name, fault, status, code, retryable] of cases) {
      const e = glueError(awsError(name, fault, status), 'table db.t', 'glue');
      expect([e.code, e.retryable], name).toEqual([code, retryable]);
      expect(e.message).toContain(`${name} happened`);
      expect(e.context).toMatchObject({ requestId: 'rid-1', error: name });
    }
  });
});

describe('Glue columns', () => {
  it('writes Hive types as the Java GlueCatalog does', () => {
    expect(glueTypeOf(Types.long)).toBe('bigint');
    expect(glueTypeOf(Types.timestamptz)).toBe('timestamp');
    expect(glueTypeOf(Types.uuid)).toBe('string');
    expect(glueTypeOf(Types.decimal(9, 2))).toBe('decimal(9,2)');
    expect(glueTypeOf(Types.fixed(16))).toBe('binary');
    expect(glueTypeOf(Types.list(4, Types.string, true))).toBe('array<string>');
    expect(glueTypeOf(Types.map(5, Types.string, 6, Types.int, false))).toBe('map<string,int>');
    expect(glueTypeOf(Types.struct([requiredField(7, 'x', Types.double), optionalField(8, 'y', Types.date)]))).toBe('struct<x:double,y:date>');
  });

  it('lists current fields first and dropped fields as not current, each name once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), { minLength: 2, maxLength: 8 }), fc.nat(), (names, k) => {
        const s = newSchema(names.map((n, i) => optionalField(i + 1, n, Types.string)));
        const base = newTableMetadata(s, UNPARTITIONED_SPEC, UNSORTED_ORDER, 'memory://t');
        const keep = base.schemas[0]!.fields.filter((_, i) => i !== k % names.length);
        const next = applyUpdates(base, [{ action: 'add-schema', schema: { ...base.schemas[0]!, schemaId: 1, fields: keep } }, { action: 'set-current-schema', schemaId: -1 }]);
        const cols = glueColumns(next);
        expect(cols.map((c) => c.Name).sort()).toEqual([...names].sort());
        expect(cols.filter((c) => c.Parameters!['iceberg.field.current'] === 'true').map((c) => c.Name)).toEqual(keep.map((f) => f.name));
        expect(cols.at(-1)!.Parameters!['iceberg.field.current']).toBe('false');
      }),
    );
  });
});
