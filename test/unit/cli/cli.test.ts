/**
 * The CLI's contract: exit codes (0 ok, 1 checks failed, 2 usage/config/runtime
 * error), one line on stderr without a stack unless --verbose, --json output,
 * --help with an example on every command, and the table/catalog commands on
 * a real local lake.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import { LocalFileIO } from '../../../src/io/local.js';
import { buildPartitionSpec } from '../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../src/iceberg/spec/types.js';
import { Table } from '../../../src/iceberg/table/table.js';
import { cli } from '../../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-cli-'));
  // A lake made with the library, where the CLI's default configuration looks: ./lake/gold/warehouse.
  const catalog = new FileSystemCatalog({ warehouse: `file://${dir}/lake/gold/warehouse`, io: new LocalFileIO({ fsync: false }) });
  await catalog.createNamespace(['gold']);
  const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'currency', Types.string), optionalField(3, 'day', Types.date)]);
  await catalog.createTable({ namespace: ['gold'], name: 'tx' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'day', transform: Transforms.identity }]) });
  const t = await Table.load(catalog, 'gold.tx');
  await t.append([
    { id: 1n, currency: 'EUR', day: 20_400 },
    { id: 2n, currency: 'USD', day: 20_400 },
  ]);
  await t.append([{ id: 3n, currency: 'EUR', day: 20_401 }]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('usage errors', () => {
  it.each([
    [['frob'], /unknown command 'frob'/],
    [['table', 'scan', '--limt', '3', 'gold.tx'], /unknown option '--limt' \(Did you mean --limit\?\)/],
    [['table', 'scan'], /missing required argument 'table'/],
    [['table', 'scan', 'gold.tx', '--limit', 'lots'], /--limit must be a positive whole number, got 'lots'/],
    [['table', 'scan', 'gold.nope'], /gold\.nope does not exist/],
    [['--config', 'missing.yaml', 'catalog', 'ls'], /configuration file missing\.yaml does not exist; create it with `lakekit init`/],
  ])('%j → exit 2 and one line on stderr', async (argv, message) => {
    const r = await cli(dir, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the stack with --verbose', async () => {
    const r = await cli(dir, '--verbose', 'table', 'scan', 'gold.nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('names the line and key of an invalid configuration file', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'lakekit-cli-bad-'));
    await writeFile(join(bad, 'lakekit.config.yaml'), 'name: x\ncatalog:\n  type: filesystem\n  wharehouse: ./w\n');
    const r = await cli(bad, 'catalog', 'ls');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 4/);
    expect(r.stderr).toMatch(/wharehouse/);
    await rm(bad, { recursive: true, force: true });
  });
});

describe('help', () => {
  it('every command has --help with an example', async () => {
    for (const argv of [['init'], ['catalog', 'ls'], ['catalog', 'describe'], ['table', 'scan'], ['table', 'history'], ['table', 'snapshots'], ['table', 'expire'], ['table', 'compact']]) {
      const r = await cli(dir, ...argv, '--help');
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout, argv.join(' ')).toMatch(/Example:\n\s+\$ lakekit /);
    }
  });
});

describe('catalog and table commands on a local lake', () => {
  it('lists and describes', async () => {
    const ls = await cli(dir, '--json', 'catalog', 'ls');
    expect(ls.code).toBe(0);
    expect(ls.json()).toEqual([{ namespace: 'gold', tables: ['gold.tx'] }]);
    const d = await cli(dir, '--json', 'catalog', 'describe', 'gold.tx');
    expect(d.json<{ partitionSpec: { transform: string }[]; schema: { name: string; type: string }[] }>()).toMatchObject({
      partitionSpec: [{ transform: 'identity' }],
      schema: [{ name: 'id', type: 'long' }, { name: 'currency', type: 'string' }, { name: 'day', type: 'date' }],
    });
    const human = await cli(dir, 'catalog', 'describe', 'gold.tx');
    expect(human.stdout).toMatch(/partitioned by: identity\(day\)/);
    expect(human.stdout.includes('\u001b[')).toBe(false); // no colours when not a TTY
  });

  it('scans with a filter, projection and time travel', async () => {
    const all = await cli(dir, '--json', 'table', 'scan', 'gold.tx');
    expect(all.json<{ matched: number }>().matched).toBe(3);
    const eur = await cli(dir, '--json', 'table', 'scan', 'gold.tx', '--filter', "currency = 'EUR'", '--select', 'id');
    expect(eur.json<{ rows: { id: string }[] }>().rows.map((r) => r.id).sort()).toEqual(['1', '3']);
    expect(eur.json<{ matched: number }>().matched).toBe(2);
    const snaps = (await cli(dir, '--json', 'table', 'snapshots', 'gold.tx')).json<{ snapshotId: string }[]>();
    expect(snaps).toHaveLength(2);
    const first = await cli(dir, '--json', 'table', 'scan', 'gold.tx', '--snapshot', snaps[0]!.snapshotId);
    expect(first.json<{ matched: number }>().matched).toBe(2);
    const history = (await cli(dir, '--json', 'table', 'history', 'gold.tx')).json<{ isCurrent: boolean }[]>();
    expect(history.map((h) => h.isCurrent)).toEqual([false, true]);
  });

  it('compacts and expires', async () => {
    const c = await cli(dir, '--json', 'table', 'compact', 'gold.tx');
    expect(c.code).toBe(0);
    const e = await cli(dir, '--json', 'table', 'expire', 'gold.tx', '--older-than', '0s', '--retain-last', '1');
    expect(e.code).toBe(0);
    expect(e.json<{ expiredSnapshotIds: string[] }>().expiredSnapshotIds.length).toBeGreaterThan(0);
    const after = await cli(dir, '--json', 'table', 'scan', 'gold.tx');
    expect(after.json<{ matched: number }>().matched).toBe(3);
  });
});

describe('init', () => {
  it('writes a configuration the CLI then reads, and refuses to overwrite it', async () => {
    const d = await mkdtemp(join(tmpdir(), 'lakekit-cli-init-'));
    expect((await cli(d, 'init')).code).toBe(0);
    const again = await cli(d, 'init');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect((await cli(d, '--json', 'catalog', 'ls')).code).toBe(0);
    await rm(d, { recursive: true, force: true });
  });
});
