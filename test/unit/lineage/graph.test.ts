import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../src/errors.js';
import { MemoryFileIO } from '../../../src/io/index.js';
import * as L from '../../../src/lineage/index.js';

const ds = (i: number): L.DatasetRef => ({ namespace: 's3://lake', name: `d${i}` });
const FIELDS = ['a', 'b', 'c'];

interface RunSpec {
  job: number;
  inputs: number[];
  outputs: number[];
  start: number;
  duration: number;
  fail: boolean;
  /** output column index → [input dataset position in inputs, field index] */
  columns: [number, number, number][];
}

const arbGraph = fc.integer({ min: 2, max: 25 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    runs: fc.array(
      fc.record({
        job: fc.nat(5),
        inputs: fc.uniqueArray(fc.nat(n - 1), { maxLength: 3 }),
        outputs: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 2 }),
        start: fc.integer({ min: 0, max: 1_000_000 }),
        duration: fc.integer({ min: 0, max: 50_000 }),
        fail: fc.boolean(),
        columns: fc.array(fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)), { maxLength: 4 }),
      }),
      { maxLength: 40 },
    ),
    shuffle: fc.boolean(),
  }),
);

function eventsOf(runs: RunSpec[], shuffle: boolean): L.RunEvent[] {
  const events: L.RunEvent[] = [];
  for (const r of runs) {
    const runId = L.uuidv7(r.start);
    const job = { namespace: 'jobs', name: `job${r.job}` };
    const outputs: L.OutputDataset[] = r.outputs.map((o) => {
      const fields: Record<string, L.InputField[]> = {};
      if (r.inputs.length > 0) {
        for (const [oc, ii, ic] of r.columns) {
          const input = ds(r.inputs[ii % r.inputs.length]!);
          (fields[FIELDS[oc]!] ??= []).push({ ...input, field: FIELDS[ic]! });
        }
      }
      const facets: L.Facets = Object.keys(fields).length > 0 ? { columnLineage: L.columnLineageFacet(fields) } : {};
      return { ...ds(o), facets };
    });
    events.push(L.runEvent('START', { runId }, job, { eventTime: new Date(r.start), inputs: r.inputs.map(ds), outputs: r.outputs.map(ds) }));
    events.push(L.runEvent(r.fail ? 'FAIL' : 'COMPLETE', { runId }, job, { eventTime: new Date(r.start + r.duration), inputs: r.inputs.map(ds), outputs }));
  }
  return shuffle ? events.reverse() : events;
}

/** Plain BFS over an explicit edge list: the reference the indexed graph must agree with. */
function bfs(edges: [string, string][], start: string, depth: number): Map<string, number> {
  const out = new Map<string, number>();
  const seen = new Set([start]);
  let frontier = [start];
  for (let d = 1; d <= depth && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const n of frontier) {
      for (const [a, b] of edges) {
        if (a !== n || seen.has(b)) continue;
        seen.add(b);
        next.push(b);
        out.set(b, d);
      }
    }
    frontier = next;
  }
  return out;
}

describe('LineageGraph agrees with brute force on random graphs (property)', () => {
  it('upstream and downstream of a dataset, to any depth', () => {
    fc.assert(
      fc.property(arbGraph, fc.nat(24), fc.integer({ min: 0, max: 6 }), ({ n, runs, shuffle }, s, depth) => {
        const g = new L.LineageGraph(eventsOf(runs, shuffle));
        const edges: [string, string][] = [];
        for (const r of runs) for (const i of r.inputs) for (const o of r.outputs) if (i !== o) edges.push([`d${i}`, `d${o}`]);
        const start = ds(s % n);
        if (!g.has(start)) {
          expect(() => g.upstream(start)).toThrow(NotFoundError);
          return;
        }
        const d = depth === 6 ? Infinity : depth;
        const asMap = (hits: L.DatasetHit[]) => new Map(hits.map((h) => [h.dataset.name, h.depth]));
        expect(asMap(g.upstream(start, { depth: d }))).toEqual(bfs(edges.map(([a, b]) => [b, a]), start.name, d));
        expect(asMap(g.downstream(start, { depth: d }))).toEqual(bfs(edges, start.name, d));
        const hits = g.upstream(start, { depth: d });
        expect(hits.map((h) => h.depth)).toEqual([...hits.map((h) => h.depth)].sort((a, b) => a - b));
        // The subgraph holds exactly the edges among the reached datasets.
        const sub = g.subgraph(start, { depth: d });
        const names = new Set(sub.nodes.map((x) => x.dataset.name));
        const expected = new Set(edges.filter(([a, b]) => names.has(a) && names.has(b)).map(([a, b]) => `${a}>${b}`));
        expect(new Set(sub.edges.map((e) => `${e.from.name}>${e.to.name}`))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('upstream and downstream of a column', () => {
    fc.assert(
      fc.property(arbGraph, fc.nat(24), fc.nat(2), ({ n, runs, shuffle }, s, f) => {
        const g = new L.LineageGraph(eventsOf(runs, shuffle));
        const edges: [string, string][] = [];
        for (const r of runs) {
          if (r.inputs.length === 0) continue;
          for (const o of r.outputs) for (const [oc, ii, ic] of r.columns) edges.push([`d${r.inputs[ii % r.inputs.length]}#${FIELDS[ic]}`, `d${o}#${FIELDS[oc]}`]);
        }
        const col = { dataset: ds(s % n), field: FIELDS[f]! };
        const key = `${col.dataset.name}#${col.field}`;
        if (!edges.some(([a, b]) => a === key || b === key)) {
          if (g.has(col.dataset)) expect(() => g.columnUpstream(col)).toThrow(NotFoundError);
          return;
        }
        const asMap = (hits: L.ColumnHit[]) => new Map(hits.map((h) => [`${h.dataset.name}#${h.field}`, h.depth]));
        expect(asMap(g.columnUpstream(col))).toEqual(bfs(edges.map(([a, b]) => [b, a]), key, Infinity));
        expect(asMap(g.columnDownstream(col))).toEqual(bfs(edges, key, Infinity));
        const prov = g.columnProvenance(col);
        expect(new Set(prov.sources.map((x) => `${x.dataset.name}#${x.field}`))).toEqual(new Set(bfs(edges.map(([a, b]) => [b, a]), key, Infinity).keys()));
        for (const o of prov.origins) expect(edges.some(([, b]) => b === `${o.dataset.name}#${o.field}`)).toBe(false);
        // Every change names the jobs whose runs declared that column's sources.
        for (const c of prov.changes) {
          const target = `${c.column.dataset.name}#${c.column.field}`;
          const jobs = new Set(runs.filter((r) => r.inputs.length > 0 && r.outputs.some((o) => r.columns.some(([oc]) => `d${o}#${FIELDS[oc]}` === target))).map((r) => `job${r.job}`));
          expect(new Set(c.jobs.map((j) => j.name))).toEqual(jobs);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('runs touching a dataset in a time range, oldest first, with their outcome', () => {
    fc.assert(
      fc.property(arbGraph, fc.nat(24), fc.integer({ min: 0, max: 1_100_000 }), fc.integer({ min: 0, max: 300_000 }), ({ n, runs, shuffle }, s, from, span) => {
        const g = new L.LineageGraph(eventsOf(runs, shuffle));
        const d = ds(s % n);
        if (!g.has(d)) return;
        const to = from + span;
        const expected = runs
          .filter((r) => r.inputs.includes(s % n) || r.outputs.includes(s % n))
          .filter((r) => r.start <= to && r.start + r.duration >= from)
          .map((r) => L.uuidv7Time(L.uuidv7(r.start)))
          .sort((a, b) => a! - b!);
        const got = g.runs(d, { from: new Date(from), to: new Date(to).toISOString() });
        expect(got.map((r) => r.firstMs)).toEqual(expected);
        for (const r of got) expect(['COMPLETE', 'FAIL']).toContain(r.state);
        expect(g.runs(d).length).toBe(runs.filter((r) => r.inputs.includes(s % n) || r.outputs.includes(s % n)).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('LineageGraph details', () => {
  it('resolves a symlinked storage location to its table', () => {
    const table = L.icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'orders', location: 's3://silver/wh/orders' });
    const g = new L.LineageGraph([
      L.runEvent('COMPLETE', { runId: L.uuidv7() }, { namespace: 'n', name: 'lakekit.write' }, { outputs: [table] }),
      // Spark names the same table by its location.
      L.runEvent('COMPLETE', { runId: L.uuidv7() }, { namespace: 'spark', name: 'spark.read' }, { inputs: [L.s3Dataset('silver', 'wh/orders')], outputs: [L.s3Dataset('gold', 'report')] }),
    ]);
    expect(g.resolve(L.s3Dataset('silver', 'wh/orders'))).toEqual({ namespace: 'iceberg://lake', name: 'silver.orders' });
    expect(g.upstream(L.s3Dataset('gold', 'report')).map((h) => L.label(h.dataset))).toEqual(['iceberg://lake/silver.orders']);
    expect(g.datasetCount).toBe(2);
  });

  it('keeps the latest facet of each name, whatever the arrival order', () => {
    const d = L.s3Dataset('b', 'k');
    const old = L.datasetEvent({ ...d, facets: { tags: L.tagsFacet([{ key: 'v', value: 'old' }]), ownership: L.ownershipFacet([{ name: 'alice' }]) } }, { eventTime: '2026-01-01T00:00:00Z' });
    const neu = L.datasetEvent({ ...d, facets: { tags: L.tagsFacet([{ key: 'v', value: 'new' }]) } }, { eventTime: '2026-02-01T00:00:00Z' });
    for (const order of [[old, neu], [neu, old]]) {
      const f = new L.LineageGraph(order).datasetFacets(d);
      expect((f.tags as unknown as { tags: L.Tag[] }).tags[0]!.value).toBe('new');
      expect(f.ownership).toBeDefined();
    }
  });

  it('a terminal state wins over START even when START arrives last; run facets and parent are kept', () => {
    const runId = L.uuidv7();
    const parent = { job: { namespace: 'airflow', name: 'dag.task' }, run: { runId: L.uuidv7() } };
    const job = { namespace: 'n', name: 'j' };
    const g = new L.LineageGraph([
      L.runEvent('FAIL', { runId, facets: { errorMessage: L.errorMessageFacet(new Error('x')) } }, job, { eventTime: '2026-01-01T00:00:05Z' }),
      L.runEvent('START', { runId, facets: { parent: L.parentRunFacet(parent) } }, job, { eventTime: '2026-01-01T00:00:00Z' }),
    ]);
    const r = g.run(runId)!;
    expect(r.state).toBe('FAIL');
    expect(r.startTime).toBe('2026-01-01T00:00:00Z');
    expect(r.endTime).toBe('2026-01-01T00:00:05Z');
    expect(r.parent).toMatchObject(parent);
    expect(g.jobRuns(job).map((x) => x.runId)).toEqual([runId]);
    expect(g.jobRuns({ namespace: 'n', name: 'other' })).toEqual([]);
    expect(g.run('nope')).toBeUndefined();
  });

  it('time ranges are inclusive at both ends, and a run spanning the whole range counts', () => {
    const job = { namespace: 'n', name: 'j' };
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const run = (start: number, end: number) => {
      const runId = L.uuidv7(at(start).getTime());
      return [L.runEvent('START', { runId }, job, { eventTime: at(start), outputs: [ds(1)] }), L.runEvent('COMPLETE', { runId }, job, { eventTime: at(end), outputs: [ds(1)] })];
    };
    const g = new L.LineageGraph([...run(0, 10), ...run(20, 30), ...run(0, 100)]);
    const starts = (from: number, to: number) => g.runs(ds(1), { from: at(from), to: at(to) }).map((r) => (r.firstMs - at(0).getTime()) / 1000);
    expect(starts(10, 20)).toEqual([0, 0, 20]);
    expect(starts(11, 19)).toEqual([0]);
    expect(starts(30, 30)).toEqual([0, 20]);
    expect(starts(101, 200)).toEqual([]);
  });

  it('JobEvents add static edges; edge() names the jobs', () => {
    const g = new L.LineageGraph([L.jobEvent({ namespace: 'dbt', name: 'model' }, { inputs: [ds(1)], outputs: [ds(2)] })]);
    expect(g.edge(ds(1), ds(2))).toMatchObject({ jobs: [{ namespace: 'dbt', name: 'model' }], runIds: [] });
    expect(g.edge(ds(2), ds(1))).toBeUndefined();
    expect(() => g.upstream(ds(9))).toThrow(/no lineage events mention dataset s3:\/\/lake\/d9/);
  });
});

describe('LineageStore', () => {
  it('loads files with a corrupted line, reports it, and answers from the rest', async () => {
    const io = new MemoryFileIO();
    const recorder = new L.Recorder({ namespace: 'n', transport: new L.FileTransport({ io, prefix: 'memory://lake/ol/', maxSegmentBytes: 2000 }) });
    for (let i = 1; i < 6; i++) await recorder.run(`step${i}`, (ctx) => (ctx.addInput(ds(i - 1)), ctx.addOutput(ds(i))));
    await io.write('memory://lake/ol/zz-broken.ndjson', `${JSON.stringify(L.datasetEvent(ds(0)))}\n{"oops"\n`);
    await io.write('memory://lake/ol/readme.txt', 'not lineage');
    const store = await L.LineageStore.fromFileIO(io, 'memory://lake/ol/');
    expect(store.problems.map((p) => [p.source, p.line])).toEqual([['memory://lake/ol/zz-broken.ndjson', 2]]);
    expect(store.events).toHaveLength(11);
    expect(store.graph.upstream(ds(5)).map((h) => h.dataset.name)).toEqual(['d4', 'd3', 'd2', 'd1', 'd0']);
    expect(store.graph.upstream(ds(5), { depth: 2 }).map((h) => h.depth)).toEqual([1, 2]);
    expect(L.LineageStore.fromNdjson(store.toNdjson()).events).toEqual(store.events);
  });

  it('add() validates; addNdjson keeps unknown custom facets exactly', () => {
    const store = new L.LineageStore();
    expect(() => store.add({ eventTime: 'x' } as never)).toThrow(ValidationError);
    const custom = { _producer: 'https://example.com', _schemaURL: 'https://example.com/s.json', weird: { a: [1, { b: null }] } };
    const e = L.datasetEvent({ ...ds(1), facets: { mine: custom } });
    expect(store.addNdjson(JSON.stringify(e))).toEqual([]);
    expect(store.graph.datasetFacets(ds(1)).mine).toEqual(custom);
    expect(JSON.parse(store.toNdjson())).toEqual(e);
  });
});
