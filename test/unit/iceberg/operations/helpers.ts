/** Shared setup for the table-operation tests: an in-memory warehouse and a few schemas. */
import type { Catalog } from '../../../../src/catalog/catalog.js';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { buildPartitionSpec } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { Table } from '../../../../src/iceberg/table/table.js';
import { reachableFiles } from '../../../../src/iceberg/operations/remove-orphan-files.js';

export const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'g', Types.int), optionalField(3, 'v', Types.int), optionalField(4, 's', Types.string)]);

export type Row = { id: bigint; g: number | null; v: number | null; s: string | null };

export type Layout = 'unpartitioned' | 'identity' | 'bucket';

/** Fast retries so conflict tests do not wait. */
export const FAST_RETRY = { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2' };

let counter = 0;

export async function makeTable(layout: Layout = 'identity', properties: Record<string, string> = {}) {
  const io = new MemoryFileIO();
  const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
  await catalog.createNamespace(['db']);
  const spec =
    layout === 'identity'
      ? buildPartitionSpec(schema, [{ source: 'g', transform: Transforms.identity }])
      : layout === 'bucket'
        ? buildPartitionSpec(schema, [{ source: 'g', transform: Transforms.bucket(3) }])
        : undefined;
  const name = `t${++counter}`;
  await catalog.createTable({ namespace: ['db'], name }, { schema, ...(spec === undefined ? {} : { partitionSpec: spec }), properties: { ...FAST_RETRY, ...properties } });
  const table = await Table.load(catalog, `db.${name}`);
  return { io, catalog, table, name };
}

/** Rows sorted by id, as plain comparable objects. */
export function normalize(rows: readonly Record<string, unknown>[]): Row[] {
  return rows
    .map((r) => ({ id: r.id as bigint, g: (r.g ?? null) as number | null, v: (r.v ?? null) as number | null, s: (r.s ?? null) as string | null }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function rowsOf(table: Table, snapshotId?: bigint): Promise<Row[]> {
  return normalize(await table.scan(snapshotId === undefined ? {} : { snapshotId }).toRows());
}

/**
 * A catalog whose next commit of `db.<name>` first runs `before` (another
 * writer committing in between), so the operation under test meets a real
 * conflict and must re-plan.
 */
export function racingCatalog(catalog: Catalog, before: () => Promise<unknown>): Catalog {
  let armed = true;
  const commitTable = async (...args: Parameters<Catalog['commitTable']>) => {
    if (armed) {
      armed = false;
      await before();
    }
    return catalog.commitTable(...args);
  };
  return new Proxy(catalog, {
    get(target, prop) {
      if (prop === 'commitTable') return commitTable;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** `table` seen through a catalog on which another writer commits right before this one's next commit. */
export function racing(table: Table, before: () => Promise<unknown>): Table {
  return new Table(racingCatalog(table.catalog, before), table.state, table.io);
}

/** Every file under the table location. */
export async function listAll(io: MemoryFileIO, table: Table): Promise<string[]> {
  const out: string[] = [];
  for await (const f of io.list(`${table.location}/`)) out.push(f.location);
  return out.sort();
}

/** Files under the table location that no metadata reaches (should be none after an operation). */
export async function unreachable(io: MemoryFileIO, table: Table): Promise<string[]> {
  await table.refresh();
  const reachable = await reachableFiles(table);
  return (await listAll(io, table)).filter((f) => !reachable.has(f));
}

/** A second, independent handle on the same table (another writer). */
export function otherWriter(table: Table): Promise<Table> {
  return Table.load(table.catalog, table.identifier);
}
