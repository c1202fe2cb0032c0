/**
 * The lineage graph: indexes built once from events, so provenance questions
 * are answered by walking adjacency lists, not by scanning events.
 *
 * - datasets and columns are interned to integer ids, with upstream and
 *   downstream adjacency for each;
 * - every edge knows the jobs and runs that created it;
 * - each dataset keeps its runs sorted by time, for time-range queries;
 * - names linked by a `symlinks` facet (a table and its storage location)
 *   resolve to one dataset.
 *
 * @module
 */

import { NotFoundError } from '../errors.js';
import {
  datasetKey,
  label,
  type DatasetRef,
  type Facets,
  type LineageEvent,
  type OutputDataset,
  type RunEvent,
  type RunState,
} from './events.js';
import type { ParentRef } from './facets.js';

/** A job's identity. */
export interface JobRef {
  namespace: string;
  name: string;
}

/** A column of a dataset. */
export interface ColumnRef {
  dataset: DatasetRef;
  field: string;
}

/** A dataset found by a graph walk, `depth` edges away from where it started. */
export interface DatasetHit {
  dataset: DatasetRef;
  depth: number;
}

/** A column found by a graph walk, `depth` edges away from where it started. */
export interface ColumnHit extends ColumnRef {
  depth: number;
}

/** Facets one run reported for one dataset. */
export interface RunDatasetFacets {
  dataset: DatasetRef;
  role: 'input' | 'output';
  facets: Facets;
  inputFacets: Facets;
  outputFacets: Facets;
}

/** Everything the events say about one run. */
export interface RunRecord {
  runId: string;
  job: JobRef;
  /** The final state when one was seen (COMPLETE, FAIL, ABORT), else the latest. */
  state: RunState | undefined;
  /** eventTime of START, when seen. */
  startTime?: string;
  /** eventTime of the terminal event, when seen. */
  endTime?: string;
  /** Earliest and latest eventTime of the run's events, in ms. */
  firstMs: number;
  lastMs: number;
  inputs: DatasetRef[];
  outputs: DatasetRef[];
  /** Run facets merged across the run's events (later events win). */
  facets: Facets;
  parent?: ParentRef;
  /** Dataset facets each event of the run carried, merged per dataset and role. */
  datasets: RunDatasetFacets[];
}

/** One dataset-to-dataset edge, with the jobs and runs that made it. */
export interface LineageEdge {
  from: DatasetRef;
  to: DatasetRef;
  jobs: JobRef[];
  runIds: string[];
}

/** A walk's result as a graph: the datasets reached (with depth) and the edges among them. */
export interface Subgraph {
  root: DatasetRef;
  nodes: DatasetHit[];
  edges: LineageEdge[];
}

/** How far to walk. */
export interface WalkOptions {
  /** Maximum number of edges from the start. @default Infinity */
  depth?: number;
}

/** Who changed a column: the column, its direct sources, and the jobs and runs that wrote it. */
export interface ColumnChange {
  column: ColumnRef;
  from: ColumnRef[];
  jobs: JobRef[];
  runIds: string[];
  transformations: string[];
}

/** Answer to "where did this column come from and which jobs changed it". */
export interface ColumnProvenance {
  column: ColumnRef;
  /** Every upstream column, nearest first. */
  sources: ColumnHit[];
  /** Upstream columns with no further source: where the values originate. */
  origins: ColumnRef[];
  /** For the column and each source that was derived: what it came from and who wrote it. */
  changes: ColumnChange[];
}

interface EdgeInfo {
  jobs: Set<number>;
  runs: Set<number>;
  transformations?: Set<string>;
}

/**
 * A run as the graph keeps it: state and times eagerly, the rest (merged
 * facets, per-dataset facets) computed from the run's events on first read,
 * so loading many events allocates little.
 */
class RunEntry implements RunRecord {
  readonly runId: string;
  readonly job: JobRef;
  state: RunState | undefined = undefined;
  startTime?: string;
  endTime?: string;
  firstMs: number;
  lastMs: number;
  terminalMs = -Infinity;
  /** Dataset ids the run touched, and per role; a run has few, so arrays beat sets. */
  readonly datasetIds: number[] = [];
  readonly inputIds: number[] = [];
  readonly outputIds: number[] = [];
  /** The run's events, each with the graph ids of its inputs and outputs (symlinks resolved). */
  readonly events: { event: RunEvent; inputs: number[]; outputs: number[] }[] = [];
  readonly #refs: DatasetRef[];
  #cache: { facets: Facets; datasets: RunDatasetFacets[] } | undefined;

  constructor(runId: string, job: JobRef, t: number, refs: DatasetRef[]) {
    this.runId = runId;
    this.job = job;
    this.firstMs = t;
    this.lastMs = t;
    this.#refs = refs;
  }

  get inputs(): DatasetRef[] {
    return this.inputIds.map((i) => this.#refs[i]!);
  }

  get outputs(): DatasetRef[] {
    return this.outputIds.map((i) => this.#refs[i]!);
  }

  get facets(): Facets {
    return this.#merged().facets;
  }

  get datasets(): RunDatasetFacets[] {
    return this.#merged().datasets;
  }

  get parent(): ParentRef | undefined {
    return this.facets.parent as unknown as ParentRef | undefined;
  }

  addEvent(event: RunEvent, inputs: number[], outputs: number[]): void {
    this.events.push({ event, inputs, outputs });
    this.#cache = undefined;
  }

  #merged(): { facets: Facets; datasets: RunDatasetFacets[] } {
    if (this.#cache !== undefined) return this.#cache;
    const facets: Facets = {};
    const datasets: RunDatasetFacets[] = [];
    const slot = (id: number, role: 'input' | 'output') => {
      const d = this.#refs[id]!;
      let f = datasets.find((x) => x.role === role && x.dataset === d);
      if (f === undefined) {
        f = { dataset: d, role, facets: {}, inputFacets: {}, outputFacets: {} };
        datasets.push(f);
      }
      return f;
    };
    for (const { event, inputs, outputs } of this.events) {
      Object.assign(facets, event.run.facets);
      (event.inputs ?? []).forEach((d, i) => {
        const f = slot(inputs[i]!, 'input');
        Object.assign(f.facets, d.facets);
        Object.assign(f.inputFacets, d.inputFacets);
      });
      (event.outputs ?? []).forEach((d, i) => {
        const f = slot(outputs[i]!, 'output');
        Object.assign(f.facets, d.facets);
        Object.assign(f.outputFacets, d.outputFacets);
      });
    }
    this.#cache = { facets, datasets };
    return this.#cache;
  }

}

const TERMINAL = new Set<RunState>(['COMPLETE', 'FAIL', 'ABORT']);
const EDGE_SHIFT = 2 ** 26;

function edgeKey(a: number, b: number): number {
  return a * EDGE_SHIFT + b;
}

function timeOf(e: LineageEvent): number {
  const t = Date.parse(e.eventTime);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * An indexed lineage graph over OpenLineage events.
 *
 * @example
 * ```ts
 * const graph = new LineageGraph(events);
 * graph.upstream({ namespace: 'iceberg://lake', name: 'gold.revenue' }, { depth: 20 });
 * ```
 */
export class LineageGraph {
  /** namespace → name → dataset id (nested, so lookups build no key strings). */
  readonly #dsIds = new Map<string, Map<string, number>>();
  readonly #alias = new Map<string, number>();
  readonly #ds: DatasetRef[] = [];
  readonly #dsFacets: { facets: Facets; times: Map<string, number> }[] = [];
  readonly #up: Set<number>[] = [];
  readonly #down: Set<number>[] = [];
  readonly #edges = new Map<number, EdgeInfo>();
  readonly #dsRuns: number[][] = [];
  readonly #dsRunsSorted: { version: number; maxSpan: number }[] = [];
  /** Per dataset id: field name → column id. */
  readonly #colIds: (Map<string, number> | undefined)[] = [];
  readonly #cols: { ds: number; field: string }[] = [];
  readonly #colUp: Set<number>[] = [];
  readonly #colDown: Set<number>[] = [];
  readonly #colEdges = new Map<number, EdgeInfo>();
  readonly #jobIds = new Map<string, number>();
  readonly #jobs: JobRef[] = [];
  readonly #runIds = new Map<string, number>();
  readonly #runs: RunEntry[] = [];
  readonly #jobRuns: number[][] = [];
  #version = 0;
  #stamp = 0;
  #seen = new Int32Array(0);
  #events = 0;

  constructor(events: Iterable<LineageEvent> = []) {
    for (const e of events) this.add(e);
  }

  /** Number of events added. */
  get eventCount(): number {
    return this.#events;
  }

  /** Number of distinct datasets. */
  get datasetCount(): number {
    return this.#ds.length;
  }

  /** Number of distinct runs. */
  get runCount(): number {
    return this.#runs.length;
  }

  /** Add one event to the indexes. Events may arrive in any order. */
  add(event: LineageEvent): void {
    this.#events++;
    this.#version++;
    const t = timeOf(event);
    if ('dataset' in event) {
      this.#datasetFacets(this.#intern(event.dataset), event.dataset.facets, t);
      return;
    }
    const job = this.#job(event.job);
    const inputs = (event.inputs ?? []).map((d) => this.#intern(d));
    const outputs = (event.outputs ?? []).map((d) => this.#intern(d));
    (event.inputs ?? []).forEach((d, i) => this.#datasetFacets(inputs[i]!, d.facets, t));
    (event.outputs ?? []).forEach((d, i) => this.#datasetFacets(outputs[i]!, d.facets, t));
    const run = 'run' in event ? this.#run(event, job, t) : -1;
    for (const o of outputs) for (const i of inputs) if (i !== o) this.#edge(i, o, job, run);
    if (run >= 0) {
      const r = this.#runs[run]!;
      r.addEvent(event as RunEvent, inputs, outputs);
      for (const id of inputs) this.#runDataset(r, run, id, r.inputIds);
      for (const id of outputs) this.#runDataset(r, run, id, r.outputIds);
    }
    (event.outputs ?? []).forEach((d, i) => this.#columnLineage(outputs[i]!, d, job, run));
  }

  // ── datasets ──

  /** Whether the graph knows a dataset (directly or through a symlink). */
  has(dataset: DatasetRef): boolean {
    return this.#lookup(dataset) !== undefined;
  }

  /** The canonical name of a dataset (its own, or the one it is a symlink of). */
  resolve(dataset: DatasetRef): DatasetRef {
    return this.#ds[this.#id(dataset)]!;
  }

  /** Every dataset, in the order first seen. */
  datasets(): DatasetRef[] {
    return [...this.#ds];
  }

  /** A dataset's facets: the latest value of each facet across all events. */
  datasetFacets(dataset: DatasetRef): Facets {
    return { ...this.#dsFacets[this.#id(dataset)]!.facets };
  }

  /** Datasets upstream of `dataset` (what it was derived from), nearest first. */
  upstream(dataset: DatasetRef, options: WalkOptions = {}): DatasetHit[] {
    return this.#walk(this.#id(dataset), this.#up, options.depth ?? Infinity).map(([id, depth]) => ({ dataset: this.#ds[id]!, depth }));
  }

  /** Datasets downstream of `dataset` (what was derived from it), nearest first. */
  downstream(dataset: DatasetRef, options: WalkOptions = {}): DatasetHit[] {
    return this.#walk(this.#id(dataset), this.#down, options.depth ?? Infinity).map(([id, depth]) => ({ dataset: this.#ds[id]!, depth }));
  }

  /** The upstream (or downstream, or both) walk as a graph with its edges, for drawing. */
  subgraph(dataset: DatasetRef, options: WalkOptions & { direction?: 'upstream' | 'downstream' | 'both' } = {}): Subgraph {
    const start = this.#id(dataset);
    const depth = options.depth ?? Infinity;
    const dir = options.direction ?? 'upstream';
    const hits = new Map<number, number>([[start, 0]]);
    if (dir !== 'downstream') for (const [id, d] of this.#walk(start, this.#up, depth)) hits.set(id, d);
    if (dir !== 'upstream') for (const [id, d] of this.#walk(start, this.#down, depth)) if (!hits.has(id)) hits.set(id, -d);
    const edges: LineageEdge[] = [];
    for (const to of hits.keys()) {
      for (const from of this.#up[to]!) {
        if (!hits.has(from)) continue;
        const info = this.#edges.get(edgeKey(from, to))!;
        edges.push({ from: this.#ds[from]!, to: this.#ds[to]!, jobs: [...info.jobs].map((j) => this.#jobs[j]!), runIds: [...info.runs].map((r) => this.#runs[r]!.runId) });
      }
    }
    return { root: this.#ds[start]!, nodes: [...hits].map(([id, d]) => ({ dataset: this.#ds[id]!, depth: d })), edges };
  }

  /** The jobs and runs on the edge `from → to`, or undefined when there is none. */
  edge(from: DatasetRef, to: DatasetRef): LineageEdge | undefined {
    const a = this.#id(from);
    const b = this.#id(to);
    const info = this.#edges.get(edgeKey(a, b));
    if (info === undefined) return undefined;
    return { from: this.#ds[a]!, to: this.#ds[b]!, jobs: [...info.jobs].map((j) => this.#jobs[j]!), runIds: [...info.runs].map((r) => this.#runs[r]!.runId) };
  }

  // ── runs ──

  /** A run by id. */
  run(runId: string): RunRecord | undefined {
    const i = this.#runIds.get(runId);
    return i === undefined ? undefined : this.#runs[i]!;
  }

  /**
   * The runs that read or wrote `dataset`, oldest first; with `from`/`to`,
   * only those whose events span a time inside the range (inclusive).
   */
  runs(dataset: DatasetRef, range: { from?: Date | string; to?: Date | string } = {}): RunRecord[] {
    const id = this.#id(dataset);
    const list = this.#sortedRuns(id);
    const from = range.from === undefined ? -Infinity : new Date(range.from).getTime();
    const to = range.to === undefined ? Infinity : new Date(range.to).getTime();
    // Runs are sorted by first event; one that starts after `to` cannot overlap,
    // and one that starts before `from - maxSpan` ended before `from`.
    let hi = upperBound(list, to, (r) => this.#runs[r]!.firstMs);
    const floor = from - this.#dsRunsSorted[id]!.maxSpan;
    const out: RunRecord[] = [];
    while (hi-- > 0) {
      const r = this.#runs[list[hi]!]!;
      if (r.firstMs < floor) break;
      if (r.lastMs >= from) out.push(r);
    }
    return out.reverse();
  }

  /** The runs of a job, oldest first. */
  jobRuns(job: JobRef): RunRecord[] {
    const j = this.#jobIds.get(datasetKey(job));
    if (j === undefined) return [];
    return this.#jobRuns[j]!.map((r) => this.#runs[r]!).sort((a, b) => a.firstMs - b.firstMs);
  }

  // ── columns ──

  /** Columns upstream of a column (from `columnLineage` facets), nearest first. */
  columnUpstream(column: ColumnRef, options: WalkOptions = {}): ColumnHit[] {
    return this.#walk(this.#colId(column), this.#colUp, options.depth ?? Infinity).map(([id, depth]) => ({ ...this.#colRef(id), depth }));
  }

  /** Columns downstream of a column, nearest first. */
  columnDownstream(column: ColumnRef, options: WalkOptions = {}): ColumnHit[] {
    return this.#walk(this.#colId(column), this.#colDown, options.depth ?? Infinity).map(([id, depth]) => ({ ...this.#colRef(id), depth }));
  }

  /** Where a column's values come from, and which jobs (and runs) changed them on the way. */
  columnProvenance(column: ColumnRef, options: WalkOptions = {}): ColumnProvenance {
    const start = this.#colId(column);
    const walked = this.#walk(start, this.#colUp, options.depth ?? Infinity);
    const sources = walked.map(([id, depth]) => ({ ...this.#colRef(id), depth }));
    const reached = new Set<number>([start, ...walked.map(([id]) => id)]);
    const origins = walked.filter(([id]) => this.#colUp[id]!.size === 0).map(([id]) => this.#colRef(id));
    const changes: ColumnChange[] = [];
    for (const id of reached) {
      const ups = [...this.#colUp[id]!];
      if (ups.length === 0) continue;
      const jobs = new Set<number>();
      const runs = new Set<number>();
      const tx = new Set<string>();
      for (const u of ups) {
        const info = this.#colEdges.get(edgeKey(u, id))!;
        for (const j of info.jobs) jobs.add(j);
        for (const r of info.runs) runs.add(r);
        for (const t of info.transformations ?? []) tx.add(t);
      }
      changes.push({
        column: this.#colRef(id),
        from: ups.map((u) => this.#colRef(u)),
        jobs: [...jobs].map((j) => this.#jobs[j]!),
        runIds: [...runs].map((r) => this.#runs[r]!.runId),
        transformations: [...tx],
      });
    }
    return { column: this.#colRef(start), sources, origins, changes };
  }

  // ── internals ──

  #lookup(d: DatasetRef): number | undefined {
    return this.#dsIds.get(d.namespace)?.get(d.name) ?? (this.#alias.size === 0 ? undefined : this.#alias.get(datasetKey(d)));
  }

  #id(dataset: DatasetRef): number {
    const id = this.#lookup(dataset);
    if (id === undefined) {
      throw new NotFoundError(`no lineage events mention dataset ${label(dataset)}; check its namespace and name (OpenLineage naming: s3://bucket + key, iceberg://catalog + namespace.table)`, {
        context: { namespace: dataset.namespace, name: dataset.name },
      });
    }
    return id;
  }

  #intern(d: DatasetRef & { facets?: Facets }): number {
    let id = this.#lookup(d);
    if (id === undefined) {
      id = this.#ds.length;
      let names = this.#dsIds.get(d.namespace);
      if (names === undefined) this.#dsIds.set(d.namespace, (names = new Map()));
      names.set(d.name, id);
      this.#ds.push({ namespace: d.namespace, name: d.name });
      this.#dsFacets.push({ facets: {}, times: new Map() });
      this.#up.push(new Set());
      this.#down.push(new Set());
      this.#dsRuns.push([]);
      this.#dsRunsSorted.push({ version: -1, maxSpan: 0 });
    }
    const identifiers = (d.facets?.symlinks as { identifiers?: DatasetRef[] } | undefined)?.identifiers;
    if (Array.isArray(identifiers)) {
      for (const s of identifiers) if (this.#lookup(s) === undefined) this.#alias.set(datasetKey(s), id);
    }
    return id;
  }

  #job(job: JobRef): number {
    const k = datasetKey(job);
    let id = this.#jobIds.get(k);
    if (id === undefined) {
      id = this.#jobs.length;
      this.#jobIds.set(k, id);
      this.#jobs.push({ namespace: job.namespace, name: job.name });
      this.#jobRuns.push([]);
    }
    return id;
  }

  #datasetFacets(id: number, facets: Facets | undefined, t: number): void {
    if (facets === undefined) return;
    const entry = this.#dsFacets[id]!;
    for (const name in facets) {
      const value = facets[name]!;
      const prev = entry.times.get(name);
      if (prev !== undefined && prev > t) continue;
      entry.times.set(name, t);
      entry.facets[name] = value;
    }
  }

  #run(event: RunEvent, job: number, t: number): number {
    let idx = this.#runIds.get(event.run.runId);
    if (idx === undefined) {
      idx = this.#runs.length;
      this.#runIds.set(event.run.runId, idx);
      this.#runs.push(new RunEntry(event.run.runId, this.#jobs[job]!, t, this.#ds));
      this.#jobRuns[job]!.push(idx);
    }
    const r = this.#runs[idx]!;
    if (t < r.firstMs) r.firstMs = t;
    if (t > r.lastMs) r.lastMs = t;
    const state = event.eventType;
    if (state !== undefined) {
      if (TERMINAL.has(state)) {
        if (t >= r.terminalMs) {
          r.terminalMs = t;
          r.state = state;
          r.endTime = event.eventTime;
        }
      } else if (r.terminalMs === -Infinity) r.state = state;
      if (state === 'START') r.startTime = event.eventTime;
    }
    return idx;
  }

  #runDataset(r: RunEntry, run: number, id: number, role: number[]): void {
    if (!r.datasetIds.includes(id)) {
      r.datasetIds.push(id);
      this.#dsRuns[id]!.push(run);
    }
    if (!role.includes(id)) role.push(id);
  }

  #edge(from: number, to: number, job: number, run: number): void {
    const k = edgeKey(from, to);
    let info = this.#edges.get(k);
    if (info === undefined) {
      info = { jobs: new Set(), runs: new Set() };
      this.#edges.set(k, info);
      this.#up[to]!.add(from);
      this.#down[from]!.add(to);
    }
    info.jobs.add(job);
    if (run >= 0) info.runs.add(run);
  }

  #columnLineage(out: number, d: OutputDataset, job: number, run: number): void {
    const fields = (d.facets?.columnLineage as { fields?: Record<string, { inputFields?: (DatasetRef & { field: string; transformations?: { type: string; subtype?: string }[] })[] }> } | undefined)?.fields;
    if (fields === undefined || typeof fields !== 'object') return;
    for (const [field, spec] of Object.entries(fields)) {
      const to = this.#col(out, field);
      for (const src of spec?.inputFields ?? []) {
        const from = this.#col(this.#intern(src), src.field);
        const k = edgeKey(from, to);
        let info = this.#colEdges.get(k);
        if (info === undefined) {
          info = { jobs: new Set(), runs: new Set(), transformations: new Set() };
          this.#colEdges.set(k, info);
          this.#colUp[to]!.add(from);
          this.#colDown[from]!.add(to);
        }
        info.jobs.add(job);
        if (run >= 0) info.runs.add(run);
        for (const t of src.transformations ?? []) info.transformations!.add(t.subtype === undefined ? t.type : `${t.type}/${t.subtype}`);
      }
    }
  }

  #col(ds: number, field: string): number {
    const fields = (this.#colIds[ds] ??= new Map());
    let id = fields.get(field);
    if (id === undefined) {
      id = this.#cols.length;
      fields.set(field, id);
      this.#cols.push({ ds, field });
      this.#colUp.push(new Set());
      this.#colDown.push(new Set());
    }
    return id;
  }

  #colId(column: ColumnRef): number {
    const ds = this.#id(column.dataset);
    const id = this.#colIds[ds]?.get(column.field);
    if (id === undefined) {
      throw new NotFoundError(`no column lineage mentions column '${column.field}' of ${label(column.dataset)}; declare it with addColumnLineage or check the name`, {
        context: { namespace: column.dataset.namespace, name: column.dataset.name, field: column.field },
      });
    }
    return id;
  }

  #colRef(id: number): ColumnRef {
    const c = this.#cols[id]!;
    return { dataset: this.#ds[c.ds]!, field: c.field };
  }

  /** Breadth-first walk; returns [id, depth] for every node reached, the start excluded. */
  #walk(start: number, adj: Set<number>[], maxDepth: number): [number, number][] {
    if (this.#seen.length < adj.length) this.#seen = new Int32Array(Math.max(adj.length, this.#seen.length * 2));
    const stamp = ++this.#stamp;
    const seen = this.#seen;
    seen[start] = stamp;
    const out: [number, number][] = [];
    let frontier = [start];
    for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const n of frontier) {
        for (const m of adj[n]!) {
          if (seen[m] === stamp) continue;
          seen[m] = stamp;
          next.push(m);
          out.push([m, depth]);
        }
      }
      frontier = next;
    }
    return out;
  }

  #sortedRuns(id: number): number[] {
    const list = this.#dsRuns[id]!;
    const meta = this.#dsRunsSorted[id]!;
    if (meta.version !== this.#version) {
      list.sort((a, b) => this.#runs[a]!.firstMs - this.#runs[b]!.firstMs);
      let span = 0;
      for (const r of list) {
        const rec = this.#runs[r]!;
        span = Math.max(span, rec.lastMs - rec.firstMs);
      }
      meta.version = this.#version;
      meta.maxSpan = span;
    }
    return list;
  }
}

function upperBound(list: number[], value: number, key: (x: number) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]!) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
