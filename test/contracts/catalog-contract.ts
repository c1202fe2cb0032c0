/**
 * One behaviour suite for every Catalog. The file-system catalog runs it on
 * every FileIO; the REST and Glue catalogs reuse it when they land.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { Namespace, TableIdentifier } from '../../src/catalog/identifier.js';
import { isLakeError } from '../../src/errors.js';
import { codeOf } from '../helpers/errors.js';
import { buildPartitionSpec } from '../../src/iceberg/spec/partition.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Transforms } from '../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';

export interface CatalogTarget {
  catalog: Catalog;
  cleanup?: () => Promise<void>;
  /** Capabilities that differ between catalogs. */
  supportsRename: boolean;
  /** Namespace properties the server adds on its own (e.g. `location`), ignored when comparing. */
  serverNamespaceProperties?: readonly string[];
  /** Whether namespaces nest; single-level catalogs (Glue databases) refuse nested ones with VALIDATION. @default true */
  nestedNamespaces?: boolean;
}

const schema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'account', Types.string),
  optionalField(3, 'ts', Types.timestamptz),
]);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const t = (ns: Namespace, name: string): TableIdentifier => ({ namespace: ns, name });

export function catalogContract(name: string, make: () => Promise<CatalogTarget>): void {
  describe(`Catalog contract: ${name}`, () => {
    const withCatalog = (fn: (t: CatalogTarget) => Promise<void>) => async () => {
      const target = await make();
      try {
        await fn(target);
      } finally {
        await target.cleanup?.();
      }
    };

    it('creates, lists, describes and drops namespaces', withCatalog(async ({ catalog, serverNamespaceProperties = [], nestedNamespaces = true }) => {
      const own = async (ns: Namespace) =>
        Object.fromEntries(Object.entries(await catalog.loadNamespaceProperties(ns)).filter(([k]) => !serverNamespaceProperties.includes(k)));
      await catalog.createNamespace(['bronze'], { owner: 'ingest' });
      await catalog.createNamespace(['gold']);
      if (nestedNamespaces) await catalog.createNamespace(['gold', 'kpi']);
      else expect(await codeOf(catalog.createNamespace(['gold', 'kpi']))).toBe('VALIDATION');
      expect(await codeOf(catalog.createNamespace(['gold']))).toBe('ALREADY_EXISTS');
      expect(await codeOf(catalog.createNamespace(['nope', 'child']))).toBe(nestedNamespaces ? 'NOT_FOUND' : 'VALIDATION');
      expect(await collect(catalog.listNamespaces())).toEqual([['bronze'], ['gold']]);
      expect(await collect(catalog.listNamespaces(['gold']))).toEqual(nestedNamespaces ? [['gold', 'kpi']] : []);
      if (!nestedNamespaces) {
        // Without child namespaces, a table is what keeps a namespace from being dropped.
        await catalog.createTable(t(['gold'], 'holder'), { schema });
        expect(await codeOf(catalog.dropNamespace(['gold']))).toBe('VALIDATION');
        await catalog.dropTable(t(['gold'], 'holder'));
      }
      expect(await catalog.namespaceExists(nestedNamespaces ? ['gold', 'kpi'] : ['gold'])).toBe(true);
      expect(await catalog.namespaceExists(['silver'])).toBe(false);
      expect(await own(['bronze'])).toEqual({ owner: 'ingest' });
      const upd = await catalog.updateNamespaceProperties(['bronze'], ['owner', 'absent'], { retention: '7y' });
      expect(upd).toEqual({ updated: ['retention'], removed: ['owner'], missing: ['absent'] });
      expect(await own(['bronze'])).toEqual({ retention: '7y' });
      expect(await codeOf(catalog.loadNamespaceProperties(['silver']))).toBe('NOT_FOUND');
      if (nestedNamespaces) {
        expect(await codeOf(catalog.dropNamespace(['gold']))).toBe('VALIDATION'); // not empty
        await catalog.dropNamespace(['gold', 'kpi']);
      }
      await catalog.dropNamespace(['gold']);
      expect(await collect(catalog.listNamespaces())).toEqual([['bronze']]);
      expect(await codeOf(catalog.dropNamespace(['gold']))).toBe('NOT_FOUND');
    }));

    it('refuses unsafe names before they touch a path', withCatalog(async ({ catalog }) => {
      for (const bad of ['..', '.', 'a/b', '', 'x\u0000y', '.hidden', 'a\\b', 'x'.repeat(300)]) {
        expect(await codeOf(catalog.createNamespace([bad])), JSON.stringify(bad)).toBe('VALIDATION');
      }
      await catalog.createNamespace(['ok']);
      for (const bad of ['../escape', 'a/b', '..']) {
        expect(await codeOf(catalog.createTable(t(['ok'], bad), { schema })), bad).toBe('VALIDATION');
      }
    }));

    it('creates, loads, lists and drops tables', withCatalog(async ({ catalog }) => {
      await catalog.createNamespace(['gold']);
      const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
      const created = await catalog.createTable(t(['gold'], 'tx'), { schema, partitionSpec: spec, properties: { owner: 'finance' } });
      expect(created.metadata.formatVersion).toBe(2);
      expect(created.metadata.properties.owner).toBe('finance');
      expect(created.metadataLocation).toBeDefined();
      expect(await codeOf(catalog.createTable(t(['gold'], 'tx'), { schema }))).toBe('ALREADY_EXISTS');
      expect(await codeOf(catalog.createTable(t(['missing'], 'tx'), { schema }))).toBe('NOT_FOUND');
      await catalog.createTable(t(['gold'], 'accounts'), { schema });
      const loaded = await catalog.loadTable(t(['gold'], 'tx'));
      expect(loaded.metadata.tableUuid).toBe(created.metadata.tableUuid);
      expect(loaded.metadataLocation).toBe(created.metadataLocation);
      expect(loaded.metadata.partitionSpecs[0]!.fields[0]!.name).toBe('ts_day');
      expect((await collect(catalog.listTables(['gold']))).map((x) => x.name)).toEqual(['accounts', 'tx']);
      expect(await collect(catalog.listNamespaces())).toEqual([['gold']]); // tables are not namespaces
      expect(await catalog.tableExists(t(['gold'], 'tx'))).toBe(true);
      await catalog.dropTable(t(['gold'], 'tx'), { purge: true });
      expect(await catalog.tableExists(t(['gold'], 'tx'))).toBe(false);
      expect(await codeOf(catalog.loadTable(t(['gold'], 'tx')))).toBe('NOT_FOUND');
      expect(await codeOf(catalog.dropTable(t(['gold'], 'tx')))).toBe('NOT_FOUND');
      expect((await collect(catalog.listTables(['gold']))).map((x) => x.name)).toEqual(['accounts']);
      expect(await codeOf(collect(catalog.listTables(['nowhere'])))).toBe('NOT_FOUND');
    }));

    it('commits updates guarded by requirements', withCatalog(async ({ catalog }) => {
      await catalog.createNamespace(['gold']);
      const id = t(['gold'], 'tx');
      const base = await catalog.createTable(id, { schema });
      const next = await catalog.commitTable(id, [{ type: 'assert-table-uuid', uuid: base.metadata.tableUuid! }], [{ action: 'set-properties', updates: { a: '1' } }]);
      expect(next.metadata.properties.a).toBe('1');
      expect(next.metadataLocation).not.toBe(base.metadataLocation);
      expect(next.metadata.metadataLog.map((e) => e.metadataFile)).toEqual([base.metadataLocation]);
      const reloaded = await catalog.loadTable(id);
      expect(reloaded.metadata.properties.a).toBe('1');
      // A stale requirement is a conflict and changes nothing.
      const stale = catalog.commitTable(id, [{ type: 'assert-table-uuid', uuid: '00000000-0000-4000-8000-000000000000' }], [{ action: 'set-properties', updates: { b: '2' } }]);
      expect(await codeOf(stale)).toBe('COMMIT_CONFLICT');
      expect((await catalog.loadTable(id)).metadata.properties.b).toBeUndefined();
      expect(await codeOf(catalog.commitTable(t(['gold'], 'absent'), [], [{ action: 'set-properties', updates: { x: 'y' } }]))).toBe('NOT_FOUND');
    }));

    it('serialises concurrent commits: every writer lands exactly once after retries', withCatalog(async ({ catalog }) => {
      await catalog.createNamespace(['gold']);
      const id = t(['gold'], 'busy');
      await catalog.createTable(id, { schema });
      const writers = 8;
      const commitsEach = 5;
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let c = 0; c < commitsEach; c++) {
            for (;;) {
              const base = await catalog.loadTable(id);
              try {
                await catalog.commitTable(id, [{ type: 'assert-table-uuid', uuid: base.metadata.tableUuid! }], [{ action: 'set-properties', updates: { [`w${w}-c${c}`]: 'x' } }]);
                break;
              } catch (e) {
                if (!isLakeError(e, 'COMMIT_CONFLICT')) throw e;
                conflicts++;
              }
            }
          }
        }),
      );
      const final = await catalog.loadTable(id);
      const keys = Object.keys(final.metadata.properties).filter((k) => /^w\d+-c\d+$/.test(k));
      expect(keys).toHaveLength(writers * commitsEach);
      expect(final.metadata.metadataLog).toHaveLength(writers * commitsEach);
      expect(conflicts).toBeGreaterThanOrEqual(0);
    }));

    it('renames tables, or says it cannot', withCatalog(async ({ catalog, supportsRename }) => {
      await catalog.createNamespace(['gold']);
      await catalog.createTable(t(['gold'], 'old'), { schema });
      const r = await codeOf(catalog.renameTable(t(['gold'], 'old'), t(['gold'], 'new')));
      if (supportsRename) {
        expect(r).toBe('OK');
        expect(await catalog.tableExists(t(['gold'], 'new'))).toBe(true);
      } else {
        expect(r).toBe('UNSUPPORTED');
        expect(await catalog.tableExists(t(['gold'], 'old'))).toBe(true);
      }
    }));

  });
}
