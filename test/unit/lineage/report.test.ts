import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryFileIO } from '../../../src/io/index.js';
import * as L from '../../../src/lineage/index.js';

/** A small lake: landing CSV → bronze → silver (quality checked, classified) → gold; a failed run on the way. */
async function lake() {
  const store = new L.LineageStore();
  let t = Date.UTC(2026, 10, 20, 6, 0, 0);
  const recorder = new L.Recorder({ namespace: 'lakekit', transport: store.transport(), now: () => new Date((t += 1000)) });
  const landing = L.s3Dataset('landing', 'orders/2026-11-20.csv');
  const bronze = L.s3Dataset('lake-bronze', 'orders/2026-11-20.csv');
  const silver = L.icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'orders' }, { ownership: L.ownershipFacet([{ name: 'team:sales-data', type: 'TEAM' }]) });
  const gold = L.icebergTableDataset({ catalog: 'lake', namespace: ['gold'], table: 'revenue<by>"day"' });
  await recorder.run('bronze.ingest', (ctx) => (ctx.addInput(landing), ctx.addOutput(bronze)));
  await recorder.run('silver.promote', (ctx) => {
    ctx.addInput(bronze);
    ctx.addOutput(silver);
    ctx.addOutputFacets(silver, { outputStatistics: L.outputStatisticsFacet({ rowCount: 1200 }) });
    ctx.addDatasetFacets(silver, {
      dataQualityAssertions: L.dataQualityAssertionsFacet([
        { assertion: 'not_null', column: 'order_id', success: true },
        { assertion: 'unique', column: 'order_id', success: false, expected: '0 duplicates', actual: '3 duplicates', name: 'order_id is unique' },
      ]),
      tags: L.tagsFacet([{ key: 'classification', value: 'PII.EMAIL', field: 'email', source: 'CLASSIFICATION' }, { key: 'zone', value: 'silver' }]),
    });
  });
  await recorder.run('gold.revenue', () => Promise.reject(new Error('executor lost'))).catch(() => undefined);
  await recorder.run('gold.revenue', (ctx) => (ctx.addInput(silver), ctx.addOutput(gold)));
  return { store, landing, bronze, silver, gold };
}

describe('compliance report', () => {
  it('is the same for a store loaded from NDJSON files (events kept as JSON lines) as for the live store', async () => {
    const { store, gold } = await lake();
    const io = new MemoryFileIO();
    await io.write('memory://lake/ol/events.ndjson', store.toNdjson());
    const loaded = await L.LineageStore.fromFileIO(io, 'memory://lake/ol/');
    const now = new Date('2026-11-22T00:00:00Z');
    const a = L.complianceReport(store.graph, gold, { now });
    const b = L.complianceReport(loaded.graph, gold, { now });
    expect(b).toEqual(a);
    expect(a.summary.checks).toBe(2);
    expect(L.renderMarkdown(b)).toBe(L.renderMarkdown(a));
  });

  it('gathers the provenance chain with runs, outcomes, quality results and tags', async () => {
    const { store, gold } = await lake();
    const r = L.complianceReport(store.graph, gold, { now: new Date('2026-11-22T00:00:00Z') });
    expect(r.chain.map((c) => [c.dataset.name, c.depth])).toEqual([
      ['silver.revenue<by>"day"'.replace('silver', 'gold'), 0],
      ['silver.orders', 1],
      ['orders/2026-11-20.csv', 2],
      ['orders/2026-11-20.csv', 3],
    ]);
    const silver = r.chain[1]!;
    expect(silver.runs.map((x) => [x.job.name, x.state])).toEqual([['silver.promote', 'COMPLETE']]);
    expect(silver.quality.map((q) => [q.assertion, q.success])).toEqual([['not_null', true], ['unique', false]]);
    expect(silver.quality[0]!.runId).toBe(silver.runs[0]!.runId);
    expect(silver.tags.find((t) => t.field === 'email')?.value).toBe('PII.EMAIL');
    expect(silver.owners).toEqual(['team:sales-data (TEAM)']);
    expect(silver.rowCount).toBe(1200);
    expect(r.chain[0]!.runs.map((x) => x.state)).toEqual(['COMPLETE']);
    expect(r.summary).toEqual({ datasets: 4, runs: 3, failedRuns: 0, checks: 2, failedChecks: 1, taggedColumns: 1 });
    expect(r.chain[3]!.runs).toEqual([]);
  });

  it('shows failed runs of a dataset with their error', async () => {
    const { store, gold } = await lake();
    const failed = store.graph.jobRuns({ namespace: 'lakekit', name: 'gold.revenue' }).find((x) => x.state === 'FAIL')!;
    expect(failed.facets.errorMessage).toMatchObject({ message: 'Error: executor lost' });
    // The failed run declared no outputs, so it does not appear on gold; a run that wrote and failed does.
    const store2 = new L.LineageStore();
    const rec = new L.Recorder({ namespace: 'n', transport: store2.transport() });
    await rec.run('w', (ctx) => {
      ctx.addOutput(gold);
      throw new Error('disk <full>');
    }).catch(() => undefined);
    const r = L.complianceReport(store2.graph, gold);
    expect(r.chain[0]!.runs[0]).toMatchObject({ state: 'FAIL', error: 'Error: disk <full>' });
    expect(r.summary.failedRuns).toBe(1);
    expect(L.renderMarkdown(r)).toContain('FAIL: Error: disk &lt;full&gt;');
    expect(L.renderHtml(r)).toContain('FAIL: Error: disk &lt;full&gt;');
  });

  it('renders Markdown with a Mermaid diagram of every edge', async () => {
    const { store, gold } = await lake();
    const report = L.complianceReport(store.graph, gold);
    const md = L.renderMarkdown(report);
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(md)![1]!;
    expect(mermaid.startsWith('flowchart LR')).toBe(true);
    expect(mermaid.match(/-->/g)).toHaveLength(report.edges.length);
    expect(mermaid).toContain('#quot;day#quot;');
    expect(mermaid).not.toMatch(/"[^"\n]*<[^"\n]*"/);
    expect(md).toContain('| order_id is unique | order_id | **failed** | 0 duplicates | 3 duplicates |');
    expect(md).toContain('| classification | PII.EMAIL | email | CLASSIFICATION |');
    expect(md).toContain('No recorded run wrote this dataset (a source).');
  });

  it('renders one self-contained HTML page with an inline SVG and everything escaped', async () => {
    const { store, gold } = await lake();
    const html = L.renderHtml(L.complianceReport(store.graph, gold));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html.match(/<rect /g)).toHaveLength(4);
    expect(html.match(/marker-end="url\(#arrow\)"/g)).toHaveLength(3);
    // Nothing is fetched: no external src/href, scripts or stylesheets.
    expect(html).not.toMatch(/\b(?:src|href)=|<script|<link|@import|url\((?!#)/i);
    expect(html).not.toContain('<by>');
    expect(html).toContain('revenue&lt;by&gt;&quot;day&quot;');
  });
});

describe('layered layout (property)', () => {
  it('on a DAG every edge points right; nodes in a layer never overlap; all fit the canvas', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 60 }))),
        ([n, pairs]) => {
          // Orient every pair from lower to higher id: a DAG.
          const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
          const l = L.layeredLayout(n, edges);
          expect(l.nodes.map((x) => x.id)).toEqual([...Array(n).keys()]);
          expect(l.backEdges.size).toBe(0);
          for (const [a, b] of edges) expect(l.nodes[a]!.layer).toBeLessThan(l.nodes[b]!.layer);
          const { nodeWidth, nodeHeight } = L.LAYOUT_DEFAULTS;
          for (const p of l.nodes) {
            expect(p.x + nodeWidth).toBeLessThanOrEqual(l.width);
            expect(p.y + nodeHeight).toBeLessThanOrEqual(l.height);
            for (const q of l.nodes) if (p !== q && p.layer === q.layer) expect(Math.abs(p.y - q.y)).toBeGreaterThanOrEqual(nodeHeight);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lays out cycles too, marking the edges that close them', () => {
    const l = L.layeredLayout(3, [[0, 1], [1, 2], [2, 0]]);
    expect(l.backEdges.size).toBe(1);
    expect(new Set(l.nodes.map((x) => x.layer)).size).toBe(3);
  });
});
