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
import { parseIsoTime } from './time.js';

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

/**
 * Who made one edge. Appends are O(1) (a repeat of the last id is skipped,
 * which catches the START/COMPLETE pair of a run); readers deduplicate, so a
 * busy edge costs no set per edge while loading.
 */
interface EdgeInfo {
  jobs: number[];
  runs: number[];
  transformations?: string[];
}

function note<T>(list: T[], value: T): void {
  if (list.length === 0 || list[list.length - 1] !== value) list.push(value);
}

function distinct<T>(list: readonly T[]): T[] {
  return list.length < 2 ? [...list] : [...new Set(list)];
}

/** Adjacency of one node: neighbour id → the edge's provenance (shared by both directions). */
type Adjacency = Map<number, EdgeInfo>;

/** What a run needs of its graph to read its events back: dataset names and ids. */
interface GraphView {
  readonly refs: readonly DatasetRef[];
  idOf(dataset: DatasetRef): number;
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
  /** Dataset ids the run read and wrote; a run has few, so arrays beat sets. */
  readonly inputIds: number[] = [];
  readonly outputIds: number[] = [];
  /**
   * The run's events. An event given with its JSON text is kept as that
   * text and parsed again only when the run's facets are read.
   */
  readonly events: (RunEvent | string)[] = [];
  readonly #graph: GraphView;
  #cache: { facets: Facets; datasets: RunDatasetFacets[] } | undefined;

  constructor(runId: string, job: JobRef, t: number, graph: GraphView) {
    this.runId = runId;
    this.job = job;
    this.firstMs = t;
    this.lastMs = t;
    this.#graph = graph;
  }

  get inputs(): DatasetRef[] {
    return this.inputIds.map((i) => this.#graph.refs[i]!);
  }

  get outputs(): DatasetRef[] {
    return this.outputIds.map((i) => this.#graph.refs[i]!);
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

  addEvent(event: RunEvent | string): void {
    this.events.push(event);
    this.#cache = undefined;
  }

  #merged(): { facets: Facets; datasets: RunDatasetFacets[] } {
    if (this.#cache !== undefined) return this.#cache;
    const facets: Facets = {};
    const datasets: RunDatasetFacets[] = [];
    const slot = (ref: DatasetRef, role: 'input' | 'output') => {
      // Ids are stable (a known name keeps its id), so resolving now gives what it gave when the event was added.
      const d = this.#graph.refs[this.#graph.idOf(ref)]!;
      let f = datasets.find((x) => x.role === role && x.dataset === d);
      if (f === undefined) {
        f = { dataset: d, role, facets: {}, inputFacets: {}, outputFacets: {} };
        datasets.push(f);
      }
      return f;
    };
    for (const entry of this.events) {
      const event = typeof entry === 'string' ? (JSON.parse(entry) as RunEvent) : entry;
      Object.assign(facets, event.run.facets);
      (event.inputs ?? []).forEach((d) => {
        const f = slot(d, 'input');
        Object.assign(f.facets, d.facets);
        Object.assign(f.inputFacets, d.inputFacets);
      });
      (event.outputs ?? []).forEach((d) => {
        const f = slot(d, 'output');
        Object.assign(f.facets, d.facets);
        Object.assign(f.outputFacets, d.outputFacets);
      });
    }
    this.#cache = { facets, datasets };
    return this.#cache;
  }

}

function isTerminal(state: RunState): boolean {
  return state === 'COMPLETE' || state === 'FAIL' || state === 'ABORT';
}

function timeOf(e: LineageEvent): number {
  const t = parseIsoTime(e.eventTime);
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
  readonly #up: Adjacency[] = [];
  readonly #down: Adjacency[] = [];
  readonly #dsRuns: number[][] = [];
  readonly #dsRunsSorted: { version: number; maxSpan: number }[] = [];
  /** Per dataset id: field name → column id. */
  readonly #colIds: (Map<string, number> | undefined)[] = [];
  readonly #cols: { ds: number; field: string }[] = [];
  readonly #colUp: Adjacency[] = [];
  readonly #colDown: Adjacency[] = [];
  /** namespace → name → job id. */
  readonly #jobIds = new Map<string, Map<string, number>>();
  readonly #jobs: JobRef[] = [];
  readonly #runIds = new Map<string, number>();
  readonly #runs: RunEntry[] = [];
  readonly #jobRuns: number[][] = [];
  readonly #view: GraphView = { refs: this.#ds, idOf: (d) => this.#id(d) };
  #lastJob = -1;
  #lastRun = -1;
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

  /**
   * Add one event to the indexes. Events may arrive in any order.
   *
   * @param json the JSON text `event` was parsed from, when there is one
   *   (a loader's line). The graph then keeps this text instead of the event
   *   object and parses it again only when a run's facets are read, so
   *   loading many events keeps little more than the indexes in memory.
   */
  add(event: LineageEvent, json?: string): void {
    this.#events++;
    this.#version++;
    const t = timeOf(event);
    if ('dataset' in event) {
      this.#datasetFacets(this.#intern(event.dataset), event.dataset.facets, t);
      return;
    }
    const job = this.#job(event.job);
    const ins = event.inputs ?? [];
    const outs = event.outputs ?? [];
    const inputs = new Array<number>(ins.length);
    const outputs = new Array<number>(outs.length);
    for (let i = 0; i < ins.length; i++) this.#datasetFacets((inputs[i] = this.#intern(ins[i]!)), ins[i]!.facets, t);
    for (let i = 0; i < outs.length; i++) this.#datasetFacets((outputs[i] = this.#intern(outs[i]!)), outs[i]!.facets, t);
    const run = 'run' in event ? this.#run(event, job, t) : -1;
    for (const o of outputs) for (const i of inputs) if (i !== o) this.#edge(this.#up, this.#down, i, o, job, run);
    if (run >= 0) {
      const r = this.#runs[run]!;
      r.addEvent(json ?? (event as RunEvent));
      for (const id of inputs) this.#runDataset(r, run, id, r.inputIds, r.outputIds);
      for (const id of outputs) this.#runDataset(r, run, id, r.outputIds, r.inputIds);
    }
    for (let i = 0; i < outs.length; i++) this.#columnLineage(outputs[i]!, outs[i]!, job, run);
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
      for (const [from, info] of this.#up[to]!) {
        if (!hits.has(from)) continue;
        edges.push(this.#lineageEdge(from, to, info));
      }
    }
    return { root: this.#ds[start]!, nodes: [...hits].map(([id, d]) => ({ dataset: this.#ds[id]!, depth: d })), edges };
  }

  /** The jobs and runs on the edge `from → to`, or undefined when there is none. */
  edge(from: DatasetRef, to: DatasetRef): LineageEdge | undefined {
    const a = this.#id(from);
    const b = this.#id(to);
    const info = this.#up[b]!.get(a);
    return info === undefined ? undefined : this.#lineageEdge(a, b, info);
  }

  #lineageEdge(from: number, to: number, info: EdgeInfo): LineageEdge {
    return { from: this.#ds[from]!, to: this.#ds[to]!, jobs: distinct(info.jobs).map((j) => this.#jobs[j]!), runIds: distinct(info.runs).map((r) => this.#runs[r]!.runId) };
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
    const j = this.#jobIds.get(job.namespace)?.get(job.name);
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
      const ups = [...this.#colUp[id]!.keys()];
      if (ups.length === 0) continue;
      const jobs = new Set<number>();
      const runs = new Set<number>();
      const tx = new Set<string>();
      for (const [, info] of this.#colUp[id]!) {
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
      this.#up.push(new Map());
      this.#down.push(new Map());
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
    // A run's events usually arrive together: comparing with the last job is cheaper than hashing its names again.
    const last = this.#jobs[this.#lastJob];
    if (last !== undefined && last.name === job.name && last.namespace === job.namespace) return this.#lastJob;
    this.#lastJob = this.#jobId(job);
    return this.#lastJob;
  }

  #jobId(job: JobRef): number {
    let names = this.#jobIds.get(job.namespace);
    if (names === undefined) this.#jobIds.set(job.namespace, (names = new Map()));
    let id = names.get(job.name);
    if (id === undefined) {
      id = this.#jobs.length;
      names.set(job.name, id);
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
    const runId = event.run.runId;
    let idx = this.#runs[this.#lastRun]?.runId === runId ? this.#lastRun : this.#runIds.get(runId);
    if (idx === undefined) {
      idx = this.#runs.length;
      this.#runIds.set(event.run.runId, idx);
      this.#runs.push(new RunEntry(event.run.runId, this.#jobs[job]!, t, this.#view));
      this.#jobRuns[job]!.push(idx);
    }
    this.#lastRun = idx;
    const r = this.#runs[idx]!;
    if (t < r.firstMs) r.firstMs = t;
    if (t > r.lastMs) r.lastMs = t;
    const state = event.eventType;
    if (state !== undefined) {
      if (isTerminal(state)) {
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

  #runDataset(r: RunEntry, run: number, id: number, role: number[], other: number[]): void {
    if (role.includes(id)) return;
    if (!other.includes(id)) this.#dsRuns[id]!.push(run);
    role.push(id);
  }

  /** Record `from → to` in a pair of adjacency lists (datasets or columns); returns the edge's provenance. */
  #edge(up: Adjacency[], down: Adjacency[], from: number, to: number, job: number, run: number): EdgeInfo {
    let info = up[to]!.get(from);
    if (info === undefined) {
      info = { jobs: [], runs: [] };
      up[to]!.set(from, info);
      down[from]!.set(to, info);
    }
    note(info.jobs, job);
    if (run >= 0) note(info.runs, run);
    return info;
  }

  #columnLineage(out: number, d: OutputDataset, job: number, run: number): void {
    const fields = (d.facets?.columnLineage as { fields?: Record<string, { inputFields?: (DatasetRef & { field: string; transformations?: { type: string; subtype?: string }[] })[] }> } | undefined)?.fields;
    if (fields === undefined || typeof fields !== 'object') return;
    for (const field in fields) {
      const to = this.#col(out, field);
      for (const src of fields[field]?.inputFields ?? []) {
        const info = this.#edge(this.#colUp, this.#colDown, this.#col(this.#intern(src), src.field), to, job, run);
        if (src.transformations === undefined) continue;
        const tx = (info.transformations ??= []);
        for (const t of src.transformations) {
          const name = t.subtype === undefined ? t.type : `${t.type}/${t.subtype}`;
          if (!tx.includes(name)) tx.push(name);
        }
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
      this.#colUp.push(new Map());
      this.#colDown.push(new Map());
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
  #walk(start: number, adj: Adjacency[], maxDepth: number): [number, number][] {
    if (this.#seen.length < adj.length) this.#seen = new Int32Array(Math.max(adj.length, this.#seen.length * 2));
    const stamp = ++this.#stamp;
    const seen = this.#seen;
    seen[start] = stamp;
    const out: [number, number][] = [];
    let frontier = [start];
    for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
      const next: number[] = [];
      for (const n of frontier) {
        for (const m of adj[n]!.keys()) {
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
