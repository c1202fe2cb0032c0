/**
 * `lakekit lineage show|graph|report` over NDJSON events a FileTransport wrote
 * to a local lake's `_lineage/` directory: runs per dataset, upstream and
 * downstream walks as text and Mermaid, compliance reports, and usage errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDataset, lineagePrefix, subgraphToMermaid } from '../../../src/cli/commands/lineage.js';
import { LocalFileIO } from '../../../src/io/local.js';
import * as L from '../../../src/lineage/index.js';
import { resolveLakeConfig } from '../../../src/zones/index.js';
import { cli } from '../../helpers/cli.js';

let dir: string;

/** landing CSV → bronze → silver (checked, classified) → gold.kpis and gold.customers; one failed run. */
async function record(prefix: string): Promise<void> {
  const transport = new L.FileTransport({ io: new LocalFileIO({ fsync: false }), prefix });
  let t = Date.UTC(2026, 10, 20, 6, 0, 0);
  const recorder = new L.Recorder({ namespace: 'lakekit', transport, now: () => new Date((t += 1000)) });
  const landing = L.s3Dataset('landing', 'core/customers-2026-11-20.csv');
  const bronze = L.s3Dataset('lake-bronze', 'core/customers.csv');
  const silver = L.icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'customers' });
  const kpis = L.icebergTableDataset({ catalog: 'lake', namespace: ['gold'], table: 'daily_kpis' });
  const customers = L.icebergTableDataset({ catalog: 'lake', namespace: ['gold'], table: 'customers' });
  await recorder.run('bronze.ingest', (ctx) => (ctx.addInput(landing), ctx.addOutput(bronze)));
  await recorder.run('silver.promote', (ctx) => {
    ctx.addInput(bronze);
    ctx.addOutput(silver);
    ctx.addDatasetFacets(silver, {
      dataQualityAssertions: L.dataQualityAssertionsFacet([
        { assertion: 'not_null', column: 'customer_id', success: true },
        { assertion: 'unique', column: 'customer_id', success: false, expected: '0 duplicates', actual: '2 duplicates' },
      ]),
      tags: L.tagsFacet([{ key: 'classification', value: 'PII.EMAIL', field: 'email', source: 'CLASSIFICATION' }]),
    });
  });
  await recorder.run('gold.kpis', () => Promise.reject(new Error('executor lost'))).catch(() => undefined);
  await recorder.run('gold.kpis', (ctx) => (ctx.addInput(silver), ctx.addOutput(kpis)));
  await recorder.run('gold.customers', (ctx) => (ctx.addInput(silver), ctx.addOutput(customers)));
  await recorder.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-cli-lineage-'));
  // Where the CLI looks without configuration: <lake root>/_lineage/ with the default root ./lake.
  await record(`file://${dir}/lake/_lineage/`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lakekit lineage show', () => {
  it('lists the runs that read or wrote a dataset, with their role and state', async () => {
    const r = await cli(dir, '--json', 'lineage', 'show', 'silver.customers');
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<{ dataset: string; jobs: string[]; runs: { job: string; role: string; state: string }[] }>();
    expect(doc.dataset).toBe('iceberg://lake/silver.customers');
    expect(doc.runs.map((x) => [x.job, x.role, x.state])).toEqual([
      ['lakekit/silver.promote', 'output', 'COMPLETE'],
      ['lakekit/gold.kpis', 'input', 'COMPLETE'],
      ['lakekit/gold.customers', 'input', 'COMPLETE'],
    ]);
    expect(doc.jobs).toHaveLength(3);
  });

  it('prints a table for people, and filters by time', async () => {
    const r = await cli(dir, 'lineage', 'show', 'daily_kpis');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/iceberg:\/\/lake\/gold\.daily_kpis: 1 run\(s\) of 1 job\(s\)/);
    const later = await cli(dir, '--json', 'lineage', 'show', 'silver.customers', '--from', '2026-11-20T06:00:05Z');
    expect(later.json<{ runs: unknown[] }>().runs).toHaveLength(2);
  });
});

describe('lakekit lineage graph', () => {
  it('walks upstream and downstream with depths', async () => {
    const r = await cli(dir, '--json', 'lineage', 'graph', 'silver.customers');
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json<{ nodes: { name: string; depth: number }[]; edges: { from: string; to: string; jobs: string[] }[] }>();
    expect(Object.fromEntries(doc.nodes.map((n) => [n.name, n.depth]))).toEqual({ 'silver.customers': 0, 'core/customers.csv': 1, 'core/customers-2026-11-20.csv': 2, 'gold.daily_kpis': -1, 'gold.customers': -1 });
    expect(doc.edges).toContainEqual({ from: 'iceberg://lake/silver.customers', to: 'iceberg://lake/gold.daily_kpis', jobs: ['lakekit/gold.kpis'], runIds: expect.any(Array) as unknown });
  });

  it('limits the walk with --depth and --direction', async () => {
    const up = await cli(dir, '--json', 'lineage', 'graph', 'gold.daily_kpis', '--direction', 'upstream', '--depth', '1');
    expect(up.json<{ nodes: { name: string }[] }>().nodes.map((n) => n.name)).toEqual(['gold.daily_kpis', 'silver.customers']);
    const all = await cli(dir, '--json', 'lineage', 'graph', 'gold.daily_kpis', '--direction', 'upstream');
    expect(all.json<{ nodes: unknown[] }>().nodes).toHaveLength(4);
    expect(up.json<{ nodes: unknown[] }>().nodes.length).toBeLessThan(4);
    const down = await cli(dir, '--json', 'lineage', 'graph', 's3://landing/core/customers-2026-11-20.csv', '--direction', 'downstream');
    expect(down.json<{ nodes: unknown[] }>().nodes).toHaveLength(5);
  });

  it('draws Mermaid and text', async () => {
    const m = await cli(dir, 'lineage', 'graph', 'gold.daily_kpis', '--direction', 'upstream', '--format', 'mermaid');
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout.split('\n')[0]).toBe('flowchart LR');
    expect(m.stdout.match(/-->/g)).toHaveLength(3);
    const t = await cli(dir, 'lineage', 'graph', 'gold.daily_kpis');
    expect(t.stdout).toMatch(/upstream:\n {2}← iceberg:\/\/lake\/silver\.customers {2}\(1\)/);
  });
});

describe('lakekit lineage report', () => {
  it('writes HTML with the SVG diagram and Markdown with Mermaid', async () => {
    const html = await cli(dir, '--json', 'lineage', 'report', 'gold.daily_kpis', '--out', 'out/report.html');
    expect(html.code, html.stderr).toBe(0);
    expect(html.json<{ summary: { datasets: number; failedChecks: number; taggedColumns: number } }>().summary).toMatchObject({ datasets: 4, failedChecks: 1, taggedColumns: 1 });
    const text = readFileSync(join(dir, 'out/report.html'), 'utf8');
    expect(text).toMatch(/<svg/);
    expect(text).toContain('gold.daily_kpis');
    const md = await cli(dir, 'lineage', 'report', 'gold.daily_kpis', '--out', 'out/report.md');
    expect(md.stdout).toMatch(/wrote out\/report\.md/);
    expect(readFileSync(join(dir, 'out/report.md'), 'utf8')).toContain('```mermaid');
  });

  it('exits 1 with --strict when the chain has failures', async () => {
    const strict = await cli(dir, 'lineage', 'report', 'gold.daily_kpis', '--out', 'out/r.md', '--strict');
    expect(strict.code).toBe(1);
    const clean = await cli(dir, 'lineage', 'report', 'bronze', '--out', 'out/b.md', '--strict', '--events', 'lake/_lineage');
    expect(clean.code).toBe(2); // 'bronze' is not a dataset name
    const ok = await cli(dir, 'lineage', 'report', 's3://lake-bronze/core/customers.csv', '--out', 'out/b.md', '--strict');
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('where the events are', () => {
  it('falls back to the demo lake, and takes --events', async () => {
    const other = await mkdtemp(join(tmpdir(), 'lakekit-cli-lineage-demo-'));
    try {
      expect((await cli(other, 'lineage', 'show', 'gold.customers')).stderr).toMatch(/no lineage recorded at .*\/lake\/_lineage\/; run `lakekit demo`/);
      await cp(join(dir, 'lake/_lineage'), join(other, 'lakekit-demo/_lineage'), { recursive: true });
      expect((await cli(other, 'lineage', 'show', 'gold.customers')).code).toBe(0);
      expect((await cli(other, 'lineage', 'show', 'gold.customers', '--events', join(dir, 'lake/_lineage'))).code).toBe(0);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('is <lake root>/_lineage/ for the configured lake', () => {
    expect(lineagePrefix(resolveLakeConfig({}), '/srv')).toBe('file:///srv/lake/_lineage/');
    expect(lineagePrefix(resolveLakeConfig({ root: 's3://acme-lake/prod' }), '/srv')).toBe('s3://acme-lake/prod/_lineage/');
  });
});

describe('usage errors', () => {
  it.each([
    [['lineage', 'show', 'nope'], /no dataset 'nope' in the lineage; known datasets: /],
    [['lineage', 'show', 'customers'], /'customers' names 2 datasets .*; pass the full namespace\/name/],
    [['lineage', 'show', 'x', '--events', 'missing'], /--events directory missing does not exist/],
    [['lineage', 'graph', 'gold.customers', '--direction', 'sideways'], /--direction must be upstream, downstream or both/],
    [['lineage', 'graph', 'gold.customers', '--format', 'dot'], /--format must be text or mermaid/],
    [['lineage', 'graph', 'gold.customers', '--depth', '0'], /--depth must be a positive whole number, got '0'/],
    [['lineage', 'show', 'gold.customers', '--from', 'yesterday'], /--from must be an ISO time or a duration/],
    [['lineage', 'report', 'gold.customers', '--out', 'r.pdf'], /--out must end in \.html or \.md/],
    [['lineage', 'report', 'gold.customers'], /required option '-o, --out <file>' not specified/],
  ])('%j → exit 2, one line', async (argv, message) => {
    const r = await cli(dir, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'r.pdf'))).toBe(false);
  });
});

describe('properties', () => {
  /** A random DAG of datasets d0..dn: each edge i→j (i<j) is one job run. */
  const dags = fc.integer({ min: 2, max: 8 }).chain((n) =>
    fc.tuple(fc.constant(n), fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a < b), { minLength: 1, maxLength: 16, selector: ([a, b]) => `${a}-${b}` })),
  );
  async function graphOf(n: number, edges: [number, number][]): Promise<L.LineageGraph> {
    const store = new L.LineageStore();
    const recorder = new L.Recorder({ namespace: 'p', transport: store.transport() });
    for (const [a, b] of edges) await recorder.run(`job.${a}.${b}`, (ctx) => (ctx.addInput(L.s3Dataset('b', `d${a}`)), ctx.addOutput(L.s3Dataset('b', `d${b}`))));
    expect(n).toBeGreaterThan(0);
    return store.graph;
  }

  it('every dataset is found by its full label and by its name', async () => {
    await fc.assert(
      fc.asyncProperty(dags, async ([n, edges]) => {
        const g = await graphOf(n, edges);
        for (const d of g.datasets()) {
          expect(findDataset(g, L.label(d))).toEqual(d);
          expect(findDataset(g, d.name)).toEqual(d);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('Mermaid declares every node once and draws every edge between declared nodes', async () => {
    await fc.assert(
      fc.asyncProperty(dags, fc.constantFrom('upstream', 'downstream', 'both') as fc.Arbitrary<'upstream' | 'downstream' | 'both'>, async ([n, edges], direction) => {
        const g = await graphOf(n, edges);
        const root = L.s3Dataset('b', `d${edges[0]![1]}`);
        const sub = g.subgraph(root, { direction });
        const lines = subgraphToMermaid(sub).split('\n');
        const declared = lines.filter((l) => /^ {2}n\d+\["/.test(l)).map((l) => l.trim().split('[')[0]);
        expect(new Set(declared).size).toBe(sub.nodes.length);
        const drawn = lines.filter((l) => l.includes('-->'));
        expect(drawn).toHaveLength(sub.edges.length);
        for (const l of drawn) for (const id of [l.trim().split(' ')[0], l.trim().split(' ').at(-1)]) expect(declared).toContain(id);
      }),
      { numRuns: 30 },
    );
  });
});
