/**
 * Lineage: the cost of recording (Recorder + FileTransport on local disk,
 * per event, median), and queries over a generated lake of 10,000 datasets
 * and 100,000 events: loading the store from NDJSON files and an upstream
 * query to depth 20.
 *
 * Targets (issue 8): recording < 0.2 ms per event; upstream depth 20 < 50 ms;
 * loading 100,000 events from files < 2 s. No peer: OpenLineage has no
 * JavaScript client, and the Python client is not installed in this
 * environment (Marquez, the reference store, is not a library we can time in-process).
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LocalFileIO } from '../../src/io/local.js';
import {
  FileTransport,
  LineageStore,
  Recorder,
  columnLineageFacet,
  icebergTableDataset,
  outputStatisticsFacet,
  runEvent,
  s3Dataset,
  schemaFacet,
  uuidv7,
  type DatasetRef,
} from '../../src/lineage/index.js';
import { median, type Section } from '../harness.js';
import type { BenchWorkload } from '../run.js';

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);
const verdict = (v: number, target: number) => (v < target ? '**met**' : '**NOT met**');

async function scratch(): Promise<string> {
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtemp(join(shm, 'lakekit-lineage-bench-'));
}

/** Median time per event of `runs` recorded jobs (2 events each: START, COMPLETE). */
async function recordingBench(runs: number): Promise<Section> {
  const dir = await scratch();
  try {
    const io = new LocalFileIO({ root: dir, fsync: false });
    const append = (loc: string, data: Uint8Array) => appendFile(fileURLToPath(loc), data);
    const input = s3Dataset('landing', 'orders/2026-11-22.csv');
    const output = icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'orders', location: 's3://silver/wh/orders' });
    const schema = schemaFacet([{ name: 'order_id', type: 'long' }, { name: 'email', type: 'string' }, { name: 'amount', type: 'decimal(12,2)' }]);
    const job = async (recorder: Recorder, i: number) =>
      recorder.run(`ingest.orders.${i % 10}`, (ctx) => {
        ctx.addInput(input);
        ctx.addOutput(output);
        ctx.addDatasetFacets(output, { schema });
        ctx.addColumnLineage(output, { email: [{ dataset: input, field: 'email' }] });
        ctx.addOutputFacets(output, { outputStatistics: outputStatisticsFacet({ rowCount: 1000 }) });
      });
    const variants: { name: string; make: () => Recorder }[] = [
      { name: 'validate + flush (append) per run', make: () => new Recorder({ namespace: 'bench', transport: new FileTransport({ io, prefix: `a${Math.random()}/`, append }) }) },
      { name: 'validate, batched writes (flush: manual)', make: () => new Recorder({ namespace: 'bench', flush: 'manual', transport: new FileTransport({ io, prefix: `b${Math.random()}/`, append }) }) },
      { name: 'no validation, batched writes', make: () => new Recorder({ namespace: 'bench', flush: 'manual', validate: false, transport: new FileTransport({ io, prefix: `c${Math.random()}/`, append }) }) },
    ];
    const rows = [];
    for (const v of variants) {
      const recorder = v.make();
      for (let i = 0; i < 200; i++) await job(recorder, i); // warm-up (compiles the schemas)
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await job(recorder, i);
        samples.push((performance.now() - t0) / 2);
      }
      const t0 = performance.now();
      await recorder.close();
      const closeMs = performance.now() - t0;
      rows.push({ name: v.name, medianMs: median(samples), samples, closeMs });
    }
    const subject = rows[0]!;
    return {
      title: 'Recording overhead per event (Recorder + FileTransport, local disk)',
      subject: subject.name,
      rows: rows.map(({ closeMs: _c, ...r }) => r),
      notes: [
        ...rows.map((r) => `${r.name}: median ${fmt(r.medianMs)} per event (p90 ${fmt([...r.samples].sort((a, b) => a - b)[Math.floor(r.samples.length * 0.9)]!)})`),
        `target: < 0.2 ms per event with the default recorder (validation on, durable at the end of each run) — measured ${fmt(subject.medianMs)}: ${verdict(subject.medianMs, 0.2)}`,
        `${runs} runs × 2 events (START, COMPLETE) per variant; each event carries an S3 input, an Iceberg output with symlinks, catalog, storage, schema, columnLineage and outputStatistics facets`,
        'the table above rounds to whole ms; the per-event medians in these notes are exact',
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A layered lake: `layers` layers of datasets; each run reads 1–3 datasets of
 * the layer before and writes one of its own layer. START + COMPLETE per run.
 */
async function writeGeneratedLake(io: LocalFileIO, prefix: string, datasets: number, events: number, layers: number): Promise<DatasetRef[][]> {
  const perLayer = Math.ceil(datasets / layers);
  const layer: DatasetRef[][] = Array.from({ length: layers }, (_, l) => Array.from({ length: perLayer }, (_, i) => ({ namespace: 'iceberg://lake', name: `l${l}.t${i}` })));
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const transport = new FileTransport({ io, prefix, maxSegmentBytes: 8 * 1024 * 1024, batchEvents: 5000 });
  const runs = events / 2;
  let t = Date.UTC(2026, 0, 1);
  for (let r = 0; r < runs; r++) {
    // Every dataset of layers ≥ 1 is written at least once; the rest are spread at random.
    const l = 1 + (r < (layers - 1) * perLayer ? Math.floor(r / perLayer) : rand(layers - 1));
    const out = layer[l]![r < (layers - 1) * perLayer ? r % perLayer : rand(perLayer)]!;
    // The first runs of layer 1 read every layer-0 dataset once, so all of them take part.
    const inputs = Array.from({ length: 1 + rand(3) }, (_, k) => layer[l - 1]![l === 1 && k === 0 && r < perLayer ? r : rand(perLayer)]!);
    const runId = uuidv7(t);
    const job = { namespace: 'bench', name: `job.${out.name}` };
    const col = { email: inputs.map((d) => ({ ...d, field: 'email' })) };
    await transport.emit(runEvent('START', { runId }, job, { eventTime: new Date(t), inputs, outputs: [out] }));
    await transport.emit(runEvent('COMPLETE', { runId }, job, { eventTime: new Date(t + 5000), inputs, outputs: [{ ...out, facets: { columnLineage: columnLineageFacet(col) } }] }));
    t += 1000;
  }
  await transport.close();
  return layer;
}

async function graphBench(datasets: number, events: number, runs: number): Promise<Section[]> {
  const dir = await scratch();
  try {
    const io = new LocalFileIO({ root: dir, fsync: false });
    const prefix = 'lineage/';
    const layers = 40;
    const layer = await writeGeneratedLake(io, prefix, datasets, events, layers);
    const uri = `${pathToFileURL(join(dir, 'lineage')).href}/`;
    const files: { location: string; size: number }[] = [];
    for await (const f of io.list(uri)) files.push(f);
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    /** Wall and CPU time of `fn`. */
    const timed = async <T>(fn: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> => {
      const c0 = cpu();
      const t0 = performance.now();
      const value = await fn();
      return { value, wall: performance.now() - t0, cpu: cpu() - c0 };
    };
    const series = () => ({ wall: [] as number[], cpu: [] as number[] });
    const loads = series();
    const loadsNoValidate = series();
    const floor = series();
    const materialize = series();
    let store: LineageStore | undefined;
    for (let i = 0; i < runs; i++) {
      const a = await timed(() => LineageStore.fromFileIO(io, uri));
      store = a.value;
      loads.wall.push(a.wall);
      loads.cpu.push(a.cpu);
      const m = await timed(() => a.value.events.length);
      materialize.wall.push(m.wall);
      materialize.cpu.push(m.cpu);
      const b = await timed(() => LineageStore.fromFileIO(io, uri, { validate: false }));
      loadsNoValidate.wall.push(b.wall);
      loadsNoValidate.cpu.push(b.cpu);
      // The floor: read every file and JSON.parse every line, keeping nothing.
      const c = await timed(async () => {
        let n = 0;
        for (const f of files) {
          const text = new TextDecoder().decode(await io.read(f.location));
          for (let s = 0, e = text.indexOf('\n'); e >= 0; s = e + 1, e = text.indexOf('\n', s)) if (e > s && JSON.parse(text.slice(s, e)) !== null) n++;
        }
        return n;
      });
      floor.wall.push(c.wall);
      floor.cpu.push(c.cpu);
    }
    const g = store!.graph;
    if (g.eventCount !== events || store!.problems.length > 0) throw new Error(`generated lake loaded ${g.eventCount} events, ${store!.problems.length} problems`);
    const queries: number[] = [];
    let reached = 0;
    const last = layer[layers - 1]!;
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      reached = g.upstream(last[i % last.length]!, { depth: 20 }).length;
      queries.push(performance.now() - t0);
    }
    const columnQueries: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      g.columnUpstream({ dataset: last[i % last.length]!, field: 'email' }, { depth: 20 });
      columnQueries.push(performance.now() - t0);
    }
    const rangeQueries: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      g.runs(layer[10]![i % last.length]!, { from: new Date(Date.UTC(2026, 0, 1, 3)), to: new Date(Date.UTC(2026, 0, 1, 9)) });
      rangeQueries.push(performance.now() - t0);
    }
    const load = median(loads.wall);
    const loadCpu = median(loads.cpu);
    const q = median(queries);
    const size = `${g.datasetCount.toLocaleString('en')} datasets, ${g.eventCount.toLocaleString('en')} events (${g.runCount.toLocaleString('en')} runs), ${layers} layers, column lineage on every COMPLETE`;
    return [
      {
        title: 'Loading the lineage store from NDJSON files',
        subject: 'LineageStore.fromFileIO (validated)',
        rows: [
          { name: 'LineageStore.fromFileIO (validated)', medianMs: load, samples: loads.wall },
          { name: 'LineageStore.fromFileIO (validate: false)', medianMs: median(loadsNoValidate.wall), samples: loadsNoValidate.wall },
          { name: 'floor: read + JSON.parse every line, keep nothing', medianMs: median(floor.wall), samples: floor.wall },
        ],
        notes: [
          size,
          `${files.length} NDJSON segments written by FileTransport, ${(totalBytes / 2 ** 20).toFixed(1)} MiB in all`,
          `target: < 2 s — measured ${fmt(load)} wall, ${fmt(loadCpu)} CPU (process.cpuUsage, all threads, GC included), with every event validated against the OpenLineage schemas: ${verdict(load, 2000)} (wall), ${verdict(loadCpu, 2000)} (CPU)`,
          `CPU medians: validated ${fmt(loadCpu)}, validate: false ${fmt(median(loadsNoValidate.cpu))}, floor (JSON.parse only) ${fmt(median(floor.cpu))}`,
          `the store keeps each loaded event as its JSON line and parses it on the first read of store.events (the graph is complete without it): that first read costs ${fmt(median(materialize.wall))} wall, ${fmt(median(materialize.cpu))} CPU more`,
          `median of ${runs} loads; load average during the run ${loadavg().map((x) => x.toFixed(1)).join(' / ')} — on a shared, saturated machine wall time includes waiting for a core; CPU time is what the load costs`,
        ],
      },
      {
        title: 'Lineage graph queries on the generated lake',
        subject: 'upstream, depth 20',
        rows: [
          { name: 'upstream, depth 20', medianMs: q, samples: queries },
          { name: 'column upstream, depth 20', medianMs: median(columnQueries), samples: columnQueries },
          { name: 'runs of a dataset in a 6-hour range', medianMs: median(rangeQueries), samples: rangeQueries },
        ],
        notes: [
          size,
          `upstream depth 20 from a last-layer dataset reaches ${reached.toLocaleString('en')} datasets; median ${fmt(q)} over 200 queries`,
          `column upstream: ${fmt(median(columnQueries))}; time-range runs: ${fmt(median(rangeQueries))}`,
          `target: < 50 ms — measured ${fmt(q)}: ${verdict(q, 50)}`,
        ],
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const benchWorkloads: Record<string, BenchWorkload> = {
  lineage: {
    title: 'Lineage: recording overhead, store loading and graph queries (10,000 datasets / 100,000 events)',
    run: async (quick) => [await recordingBench(quick ? 300 : 3000), ...(await graphBench(quick ? 1000 : 10_000, quick ? 10_000 : 100_000, quick ? 1 : 5))],
  },
};
