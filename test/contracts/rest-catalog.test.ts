import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestCatalog, stagedCreateUpdates } from '../../src/catalog/rest/catalog.js';
import { currentViewVersion } from '../../src/catalog/rest/views.js';
import { Endpoint } from '../../src/catalog/rest/endpoints.js';
import { LocalFileIO } from '../../src/io/local.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Types, requiredField, optionalField } from '../../src/iceberg/spec/types.js';
import { startIcebergRest, type IcebergRestServer } from '../helpers/peers.js';
import { codeOf } from '../helpers/errors.js';
import { catalogContract } from './catalog-contract.js';

// One reference server for the whole file (it takes seconds to start); every case drops
// everything it created, so the next one starts from an empty catalog.
let server: IcebergRestServer;
beforeAll(async () => {
  server = await startIcebergRest();
});
afterAll(async () => {
  await server?.stop();
});

async function collectAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function dropEverything(catalog: RestCatalog): Promise<void> {
  const walk = async (parent: string[]): Promise<void> => {
    const children: string[][] = [];
    for await (const ns of catalog.listNamespaces(parent)) children.push([...ns]);
    for (const ns of children) {
      await walk(ns);
      // Collect before dropping: dropping while paging would shift the pages.
      const tables = [];
      for await (const t of catalog.listTables(ns)) tables.push(t);
      for (const t of tables) await catalog.dropTable(t, { purge: true });
      const views = [];
      for await (const v of catalog.listViews(ns)) views.push(v);
      for (const v of views) await catalog.dropView(v);
      await catalog.dropNamespace(ns);
    }
  };
  await walk([]);
}

const make = () => new RestCatalog({ uri: server.uri, io: new LocalFileIO(), pageSize: 2 });

catalogContract('RestCatalog on the Iceberg REST reference server', async () => {
  const catalog = make();
  return { catalog, supportsRename: true, serverNamespaceProperties: ['location'], cleanup: () => dropEverything(catalog) };
});

describe('RestCatalog specifics on the reference server', () => {
  const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'name', Types.string)]);

  it('reads the server configuration and its advertised endpoints', async () => {
    const catalog = make();
    expect(await catalog.supports(Endpoint.loadTable)).toBe(true);
    expect(await catalog.properties()).toBeTypeOf('object');
  });

  it('lists more tables than one page holds, page by page', async () => {
    const paths: string[] = [];
    const catalog = new RestCatalog({ uri: server.uri, io: new LocalFileIO(), pageSize: 2, logger: (e) => paths.push(`${e.method} ${e.path}`) });
    try {
      await catalog.createNamespace(['paged']);
      for (let i = 0; i < 5; i++) await catalog.createTable({ namespace: ['paged'], name: `t${i}` }, { schema });
      paths.length = 0;
      const names: string[] = [];
      for await (const t of catalog.listTables(['paged'])) names.push(t.name);
      expect(names.sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
      const pageRequests = paths.filter((p) => p.startsWith('GET /v1/namespaces/paged/tables?'));
      expect(pageRequests.length).toBe(3);
      expect(pageRequests.every((p) => p.includes('pageSize=2'))).toBe(true);
    } finally {
      await dropEverything(catalog);
    }
  });

  it('names the missing thing: a table versus a namespace', async () => {
    const catalog = make();
    try {
      await catalog.createNamespace(['here']);
      const noTable = await catalog.loadTable({ namespace: ['here'], name: 'nope' }).catch((e: unknown) => e as Error);
      expect(noTable).toMatchObject({ code: 'NOT_FOUND', context: { status: 404, errorType: 'NoSuchTableException' } });
      expect(String((noTable as Error).message)).toMatch(/create the table or check its name/);
      const noNs = await collectAll(catalog.listTables(['gone'])).catch((e: unknown) => e as Error);
      expect(noNs).toMatchObject({ code: 'NOT_FOUND', context: { errorType: 'NoSuchNamespaceException', subject: 'gone' } });
      expect(String((noNs as Error).message)).toMatch(/create the namespace or check its name/);
    } finally {
      await dropEverything(catalog);
    }
  });

  it('stages a create and commits it with assert-create; loads with snapshots=refs', async () => {
    const catalog = make();
    try {
      await catalog.createNamespace(['stage']);
      const id = { namespace: ['stage'], name: 'ctas' };
      const staged = await catalog.stageCreateTable(id, { schema, properties: { owner: 'etl' } });
      expect(staged.metadataLocation).toBeUndefined();
      expect(await catalog.tableExists(id)).toBe(false);
      const created = await catalog.commitTable(id, [{ type: 'assert-create' }], stagedCreateUpdates(staged.metadata));
      expect(created.metadataLocation).toBeDefined();
      expect(await catalog.tableExists(id)).toBe(true);
      const loaded = await catalog.loadTable(id, { snapshots: 'refs' });
      expect(loaded.metadata.properties.owner).toBe('etl');
      expect(loaded.metadata.tableUuid).toBe(created.metadata.tableUuid);
      // A second staged create of the same name conflicts.
      expect(await codeOf(catalog.commitTable(id, [{ type: 'assert-create' }], stagedCreateUpdates(staged.metadata)))).toBe('COMMIT_CONFLICT');
    } finally {
      await dropEverything(catalog);
    }
  });

  it('registers a table from its metadata file', async () => {
    const catalog = make();
    try {
      await catalog.createNamespace(['reg']);
      const made = await catalog.createTable({ namespace: ['reg'], name: 'src' }, { schema });
      await catalog.dropTable({ namespace: ['reg'], name: 'src' }); // keeps the files
      const reg = await catalog.registerTable({ namespace: ['reg'], name: 'again' }, made.metadataLocation!);
      expect(reg.metadata.tableUuid).toBe(made.metadata.tableUuid);
      expect(await codeOf(catalog.registerTable({ namespace: ['reg'], name: 'again' }, made.metadataLocation!))).toBe('ALREADY_EXISTS');
    } finally {
      await dropEverything(catalog);
    }
  });

  it('commits two tables atomically, or neither', async () => {
    const catalog = make();
    try {
      await catalog.createNamespace(['tx']);
      const a = await catalog.createTable({ namespace: ['tx'], name: 'a' }, { schema });
      const b = await catalog.createTable({ namespace: ['tx'], name: 'b' }, { schema });
      await catalog.commitTransaction([
        { identifier: a.identifier, requirements: [{ type: 'assert-table-uuid', uuid: a.metadata.tableUuid! }], updates: [{ action: 'set-properties', updates: { batch: '1' } }] },
        { identifier: b.identifier, requirements: [{ type: 'assert-table-uuid', uuid: b.metadata.tableUuid! }], updates: [{ action: 'set-properties', updates: { batch: '1' } }] },
      ]);
      expect((await catalog.loadTable(a.identifier)).metadata.properties.batch).toBe('1');
      expect((await catalog.loadTable(b.identifier)).metadata.properties.batch).toBe('1');
      const stale = catalog.commitTransaction([
        { identifier: a.identifier, requirements: [{ type: 'assert-table-uuid', uuid: a.metadata.tableUuid! }], updates: [{ action: 'set-properties', updates: { batch: '2' } }] },
        { identifier: b.identifier, requirements: [{ type: 'assert-table-uuid', uuid: '00000000-0000-4000-8000-000000000000' }], updates: [{ action: 'set-properties', updates: { batch: '2' } }] },
      ]);
      expect(await codeOf(stale)).toBe('COMMIT_CONFLICT');
      expect((await catalog.loadTable(a.identifier)).metadata.properties.batch).toBe('1');
    } finally {
      await dropEverything(catalog);
    }
  });

  it('creates, loads, lists, replaces, renames and drops views', async () => {
    const catalog = make();
    try {
      await catalog.createNamespace(['v']);
      const id = { namespace: ['v'], name: 'kpis' };
      const created = await catalog.createView(id, { schema, representations: [{ type: 'sql', sql: 'SELECT id, name FROM v.t', dialect: 'spark' }], properties: { owner: 'bi' } });
      expect(currentViewVersion(created.metadata).representations[0]!.sql).toBe('SELECT id, name FROM v.t');
      expect(await catalog.viewExists(id)).toBe(true);
      expect(await codeOf(catalog.createView(id, { schema, representations: [{ type: 'sql', sql: 'SELECT 1', dialect: 'spark' }] }))).toBe('ALREADY_EXISTS');
      const replaced = await catalog.replaceView(id, { schema, representations: [{ type: 'sql', sql: 'SELECT id FROM v.t', dialect: 'spark' }, { type: 'sql', sql: 'SELECT id FROM v.t', dialect: 'trino' }] });
      expect(currentViewVersion(replaced.metadata).representations.map((r) => r.dialect)).toEqual(['spark', 'trino']);
      expect(replaced.metadata.versions.length).toBe(2);
      const names: string[] = [];
      for await (const v of catalog.listViews(['v'])) names.push(v.name);
      expect(names).toEqual(['kpis']);
      await catalog.renameView(id, { namespace: ['v'], name: 'kpis2' });
      expect(await catalog.viewExists(id)).toBe(false);
      expect((await catalog.loadView({ namespace: ['v'], name: 'kpis2' })).metadata.properties.owner).toBe('bi');
      await catalog.dropView({ namespace: ['v'], name: 'kpis2' });
      expect(await codeOf(catalog.loadView({ namespace: ['v'], name: 'kpis2' }))).toBe('NOT_FOUND');
    } finally {
      await dropEverything(catalog);
    }
  });

  it('says plainly when the server does not offer scan planning', async () => {
    const catalog = make();
    expect(await codeOf(catalog.planTableScan({ namespace: ['x'], name: 'y' }))).toBe('UNSUPPORTED');
  });
});
