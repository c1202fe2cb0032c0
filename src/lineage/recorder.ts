/**
 * The recorder: wraps a job so it emits START, then COMPLETE or FAIL, with
 * what the job read and wrote, and lets the modules it calls (zone writers,
 * the quality engine, the classifier) attach facets along the way.
 *
 * Lineage never breaks the job it observes: a transport or validation
 * failure is reported to `onError` and the job goes on, unless `strict`.
 *
 * @module
 */

import { LakeError, ValidationError, isLakeError } from '../errors.js';
import {
  LAKEKIT_PRODUCER,
  datasetKey,
  runEvent,
  type DatasetRef,
  type Facets,
  type InputDataset,
  type LineageEvent,
  type OutputDataset,
  type RunState,
} from './events.js';
import {
  columnLineageFacet,
  errorMessageFacet,
  jobTypeFacet,
  parentRunFacet,
  processingEngineFacet,
  type InputField,
  type ParentRef,
} from './facets.js';
import { validateEvent } from './schemas.js';
import type { Transport } from './transports/transport.js';
import { uuidv7 } from './uuid.js';

/** lakekit's version, written in the `processing_engine` facet. */
export const LAKEKIT_VERSION = '0.1.0';

/** Options of {@link Recorder}. */
export interface RecorderOptions {
  /** Namespace of the jobs this recorder runs (e.g. `lakekit`, a team or service name). */
  namespace: string;
  transport: Transport;
  /** `producer` of events. @default LAKEKIT_PRODUCER */
  producer?: string;
  /** Throw transport and validation failures into the job instead of only reporting them. @default false */
  strict?: boolean;
  /** Receives every lineage failure (never a secret). @default console.warn */
  onError?: (error: LakeError, event?: LineageEvent) => void;
  /** Validate every event against the OpenLineage schemas before sending. @default true */
  validate?: boolean;
  /** `'run'`: flush the transport when each top-level run ends; `'manual'`: only on flush()/close(). @default 'run' */
  flush?: 'run' | 'manual';
  /** The run that started this process (e.g. {@link airflowParent}); top-level runs point at it. */
  parent?: ParentRef;
  /** Clock. @default () => new Date() */
  now?: () => Date;
}

/** What to run: a job name, or a job with its facets and known datasets. */
export interface JobSpec {
  name: string;
  /** The run id to use (a UUID, e.g. one the caller already logs). @default a new UUIDv7 */
  runId?: string;
  /** @default the recorder's namespace */
  namespace?: string;
  /** Job facets (sql, documentation, ownership, jobType…). */
  facets?: Facets;
  /** Run facets added to every event of the run. */
  runFacets?: Facets;
  /** Inputs known before the job starts. */
  inputs?: InputDataset[];
  /** Outputs known before the job starts. */
  outputs?: OutputDataset[];
  /** Parent run, overriding the recorder's or the enclosing run's. */
  parent?: ParentRef;
}

/** A declared column source: a dataset (ref) and one of its columns. */
export interface ColumnSource {
  dataset: DatasetRef;
  field: string;
  /** e.g. `{ type: 'DIRECT', subtype: 'IDENTITY' }` or `{ type: 'DIRECT', subtype: 'TRANSFORMATION', masking: true }`. */
  transformations?: InputField['transformations'];
}

/**
 * What a running job (and the modules it calls) can tell lineage. Zone
 * writers, the quality engine and the classifier take one of these (or any
 * object with the same shape) and attach their facets.
 */
export interface LineageContext {
  readonly runId: string;
  readonly job: { namespace: string; name: string };
  /** Record a dataset the run read (merged with an earlier one of the same name). */
  addInput(dataset: InputDataset): void;
  /** Record a dataset the run wrote (merged with an earlier one of the same name). */
  addOutput(dataset: OutputDataset): void;
  /** Add or replace a run facet. */
  addRunFacet(name: string, facet: Facets[string]): void;
  /** Add or replace a job facet. */
  addJobFacet(name: string, facet: Facets[string]): void;
  /** Add dataset facets to an input or output already recorded (schema, tags, quality…). */
  addDatasetFacets(dataset: DatasetRef, facets: Facets): void;
  /** Add input facets (`inputStatistics`, `dataQualityAssertions`…) to a recorded input. */
  addInputFacets(dataset: DatasetRef, facets: Facets): void;
  /** Add output facets (`outputStatistics`…) to a recorded output. */
  addOutputFacets(dataset: DatasetRef, facets: Facets): void;
  /** Declare which input columns each column of `output` comes from (a `columnLineage` facet). */
  addColumnLineage(output: DatasetRef, columns: Record<string, ColumnSource[]>): void;
  /** Run a nested job whose events carry this run as parent. */
  run<T>(job: JobSpec | string, fn: (ctx: LineageContext) => Promise<T> | T): Promise<T>;
}

/** A started run that the caller ends itself: the hook zone writers call. */
export interface RunHandle extends LineageContext {
  /** Settles when START has been emitted (or its failure reported). */
  readonly started: Promise<void>;
  /** Emit COMPLETE with everything recorded. */
  complete(): Promise<void>;
  /** Emit FAIL with an `errorMessage` facet (message and stack) for `error`. */
  fail(error: unknown): Promise<void>;
}

/**
 * The structural hook the zone writers take: anything that can start a run.
 * A {@link Recorder} is one; so is a {@link LineageContext}'s parent via `recorder.start(job, { parent: ctx })`.
 */
export interface LineageHook {
  start(job: JobSpec | string, options?: { parent?: LineageContext }): RunHandle;
}

interface Rec<D> {
  dataset: D;
}

/**
 * Emits OpenLineage events for the jobs it runs.
 *
 * @example
 * ```ts
 * const recorder = new Recorder({ namespace: 'lakekit', transport: new FileTransport({ io, prefix: 'memory://lake/lineage/' }) });
 * await recorder.run('ingest.orders', async (ctx) => {
 *   ctx.addInput(s3Dataset('landing', 'orders.csv'));
 *   ctx.addOutput(icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'orders' }));
 * });
 * ```
 */
export class Recorder implements LineageHook {
  readonly namespace: string;
  readonly transport: Transport;
  readonly #producer: string;
  readonly #strict: boolean;
  readonly #onError: (error: LakeError, event?: LineageEvent) => void;
  readonly #validate: boolean;
  readonly #flushPerRun: boolean;
  readonly #parent: ParentRef | undefined;
  readonly #now: () => Date;

  constructor(options: RecorderOptions) {
    this.namespace = options.namespace;
    this.transport = options.transport;
    this.#producer = options.producer ?? LAKEKIT_PRODUCER;
    this.#strict = options.strict ?? false;
    this.#onError = options.onError ?? ((e) => console.warn(`lakekit lineage: ${e.message}`));
    this.#validate = options.validate ?? true;
    this.#flushPerRun = (options.flush ?? 'run') === 'run';
    this.#parent = options.parent;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Run `fn` as a job: START before, COMPLETE after, or FAIL (and rethrow)
   * when it throws. Returns what `fn` returns.
   */
  async run<T>(job: JobSpec | string, fn: (ctx: LineageContext) => Promise<T> | T, options: { parent?: LineageContext } = {}): Promise<T> {
    const handle = this.start(job, options);
    await handle.started;
    let result: T;
    try {
      result = await fn(handle);
    } catch (error) {
      await handle.fail(error).catch(() => undefined);
      throw error;
    }
    await handle.complete();
    return result;
  }

  /** Start a run and emit START; end it with `complete()` or `fail(error)`. */
  start(job: JobSpec | string, options: { parent?: LineageContext } = {}): RunHandle {
    const spec: JobSpec = typeof job === 'string' ? { name: job } : job;
    const outer = options.parent as ActiveRun | undefined;
    let parent = spec.parent;
    if (parent === undefined && outer !== undefined) {
      parent = { job: outer.job, run: { runId: outer.runId }, root: outer.root };
    }
    parent ??= this.#parent;
    return new ActiveRun(this, spec, parent, outer === undefined);
  }

  /** Emit one event (validated unless disabled). Failures are reported, or thrown when strict. */
  async emit(event: LineageEvent): Promise<void> {
    try {
      if (this.#validate) validateEvent(event, `the ${'eventType' in event ? event.eventType : ''} event of ${'job' in event ? event.job.name : 'a dataset'}`);
      await this.transport.emit(event);
    } catch (error) {
      this.#report(error, event);
    }
  }

  /** Write out everything the transport buffers. Failures are reported, or thrown when strict. */
  async flush(): Promise<void> {
    try {
      await this.transport.flush();
    } catch (error) {
      this.#report(error);
    }
  }

  /** Flush and close the transport. */
  async close(): Promise<void> {
    try {
      await this.transport.close();
    } catch (error) {
      this.#report(error);
    }
  }

  /** @internal */
  get producer(): string {
    return this.#producer;
  }

  /** @internal */
  get flushPerRun(): boolean {
    return this.#flushPerRun;
  }

  /** @internal */
  now(): Date {
    return this.#now();
  }

  /** @internal Report a failure that lineage code ran into. */
  report(error: unknown): void {
    this.#report(error);
  }

  #report(error: unknown, event?: LineageEvent): void {
    const e = isLakeError(error) ? error : new LakeError(`lineage failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    if (this.#strict) throw e;
    try {
      this.#onError(e, event);
    } catch {
      // A failing error handler must not break the job either.
    }
  }
}

class ActiveRun implements RunHandle {
  readonly runId: string;
  readonly job: { namespace: string; name: string };
  readonly root: { job: { namespace: string; name: string }; run: { runId: string } };
  readonly started: Promise<void>;
  readonly #recorder: Recorder;
  readonly #jobFacets: Facets;
  readonly #runFacets: Facets;
  readonly #inputs = new Map<string, Rec<InputDataset>>();
  readonly #outputs = new Map<string, Rec<OutputDataset>>();
  readonly #topLevel: boolean;
  #ended = false;

  constructor(recorder: Recorder, spec: JobSpec, parent: ParentRef | undefined, topLevel: boolean) {
    this.#recorder = recorder;
    this.#topLevel = topLevel;
    const now = recorder.now();
    this.runId = spec.runId ?? uuidv7(now.getTime());
    this.job = { namespace: spec.namespace ?? recorder.namespace, name: spec.name };
    this.root = parent === undefined ? { job: this.job, run: { runId: this.runId } } : (parent.root ?? { job: parent.job, run: parent.run });
    this.#jobFacets = { jobType: jobTypeFacet('BATCH', 'LAKEKIT', 'JOB'), ...spec.facets };
    this.#runFacets = { processing_engine: processingEngineFacet(LAKEKIT_VERSION, 'lakekit'), ...spec.runFacets };
    if (parent !== undefined) this.#runFacets.parent = parentRunFacet(parent);
    for (const d of spec.inputs ?? []) this.addInput(d);
    for (const d of spec.outputs ?? []) this.addOutput(d);
    this.started = this.#emit('START', now);
    // Observed by run()/complete(); marked handled so a strict-mode failure of an unended handle is not an unhandled rejection.
    this.started.catch(() => undefined);
  }

  addInput(dataset: InputDataset): void {
    merge(this.#inputs, dataset);
  }

  addOutput(dataset: OutputDataset): void {
    merge(this.#outputs, dataset);
  }

  addRunFacet(name: string, facet: Facets[string]): void {
    this.#runFacets[name] = facet;
  }

  addJobFacet(name: string, facet: Facets[string]): void {
    this.#jobFacets[name] = facet;
  }

  addDatasetFacets(dataset: DatasetRef, facets: Facets): void {
    const key = datasetKey(dataset);
    const found = [this.#inputs.get(key), this.#outputs.get(key)].filter((r): r is Rec<InputDataset & OutputDataset> => r !== undefined);
    if (found.length === 0) return this.#missing(dataset, 'addDatasetFacets');
    for (const r of found) r.dataset.facets = { ...r.dataset.facets, ...facets };
  }

  addInputFacets(dataset: DatasetRef, facets: Facets): void {
    const r = this.#inputs.get(datasetKey(dataset));
    if (r === undefined) return this.#missing(dataset, 'addInputFacets', 'addInput');
    r.dataset.inputFacets = { ...r.dataset.inputFacets, ...facets };
  }

  addOutputFacets(dataset: DatasetRef, facets: Facets): void {
    const r = this.#outputs.get(datasetKey(dataset));
    if (r === undefined) return this.#missing(dataset, 'addOutputFacets', 'addOutput');
    r.dataset.outputFacets = { ...r.dataset.outputFacets, ...facets };
  }

  addColumnLineage(output: DatasetRef, columns: Record<string, ColumnSource[]>): void {
    const fields: Record<string, InputField[]> = {};
    for (const [column, sources] of Object.entries(columns)) {
      fields[column] = sources.map((s) => {
        const f: InputField = { namespace: s.dataset.namespace, name: s.dataset.name, field: s.field };
        if (s.transformations !== undefined) f.transformations = s.transformations;
        return f;
      });
    }
    const r = this.#outputs.get(datasetKey(output));
    if (r === undefined) return this.#missing(output, 'addColumnLineage', 'addOutput');
    const prev = r.dataset.facets?.columnLineage?.fields as Record<string, { inputFields: InputField[] }> | undefined;
    const merged: Record<string, InputField[]> = {};
    for (const [c, v] of Object.entries(prev ?? {})) merged[c] = v.inputFields;
    for (const [c, v] of Object.entries(fields)) merged[c] = [...(merged[c] ?? []), ...v];
    r.dataset.facets = { ...r.dataset.facets, columnLineage: columnLineageFacet(merged) };
  }

  run<T>(job: JobSpec | string, fn: (ctx: LineageContext) => Promise<T> | T): Promise<T> {
    return this.#recorder.run(job, fn, { parent: this });
  }

  async complete(): Promise<void> {
    await this.#end('COMPLETE');
  }

  async fail(error: unknown): Promise<void> {
    this.#runFacets.errorMessage = errorMessageFacet(error);
    await this.#end('FAIL');
  }

  async #end(state: RunState): Promise<void> {
    await this.started;
    if (this.#ended) {
      this.#recorder.report(new ValidationError(`run ${this.runId} of ${this.job.name} already ended; call complete() or fail() once`));
      return;
    }
    this.#ended = true;
    await this.#emit(state, this.#recorder.now());
    if (this.#topLevel && this.#recorder.flushPerRun) await this.#recorder.flush();
  }

  #emit(state: RunState, time: Date): Promise<void> {
    const event = runEvent(state, { runId: this.runId, facets: { ...this.#runFacets } }, { ...this.job, facets: { ...this.#jobFacets } }, {
      eventTime: time,
      producer: this.#recorder.producer,
      inputs: [...this.#inputs.values()].map((r) => snapshot(r.dataset)),
      outputs: [...this.#outputs.values()].map((r) => snapshot(r.dataset)),
    });
    return this.#recorder.emit(event);
  }

  #missing(dataset: DatasetRef, method: string, add = 'addInput or addOutput'): void {
    this.#recorder.report(
      new ValidationError(`${method}: dataset ${dataset.namespace} ${dataset.name} is not an input or output of run ${this.runId} (${this.job.name}); call ${add} first`),
    );
  }
}

function merge<D extends InputDataset | OutputDataset>(map: Map<string, Rec<D>>, dataset: D): void {
  const key = datasetKey(dataset);
  const prev = map.get(key);
  if (prev === undefined) {
    map.set(key, { dataset: { ...dataset } });
    return;
  }
  const d = prev.dataset as InputDataset & OutputDataset;
  const n = dataset as InputDataset & OutputDataset;
  if (n.facets !== undefined) d.facets = { ...d.facets, ...n.facets };
  if (n.inputFacets !== undefined) d.inputFacets = { ...d.inputFacets, ...n.inputFacets };
  if (n.outputFacets !== undefined) d.outputFacets = { ...d.outputFacets, ...n.outputFacets };
}

/** A shallow copy so a later facet change does not rewrite an event already buffered. */
function snapshot<D extends InputDataset | OutputDataset>(d: D): D {
  const out = { ...d };
  if (d.facets !== undefined) out.facets = { ...d.facets };
  const io = out as InputDataset & OutputDataset;
  if (io.inputFacets !== undefined) io.inputFacets = { ...io.inputFacets };
  if (io.outputFacets !== undefined) io.outputFacets = { ...io.outputFacets };
  return out;
}
