/**
 * The OpenLineage event model (spec 2-0-2): RunEvent, DatasetEvent and
 * JobEvent, with the dataset, job and run shapes they carry, and builders
 * that fill in `eventTime`, `producer` and `schemaURL`.
 *
 * Facets are open records (`Record<string, Facet>`): the standard ones are
 * typed in facets.ts, and any custom facet passes through untouched.
 *
 * @module
 */

import type { Facet } from './facets.js';

/** The OpenLineage spec version lakekit writes. */
export const OPENLINEAGE_SPEC_VERSION = '2-0-2';
/** `schemaURL` of every event lakekit writes. */
export const OPENLINEAGE_SCHEMA_URL = `https://openlineage.io/spec/${OPENLINEAGE_SPEC_VERSION}/OpenLineage.json`;
/** Default `producer` (and facet `_producer`) of events lakekit writes. */
export const LAKEKIT_PRODUCER = 'https://github.com/lakekit/lakekit/tree/v0.1.0/src/lineage';

/** The state transitions of a run. A run has one START and one of COMPLETE, ABORT or FAIL. */
export type RunState = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

/** Facets keyed by name. Custom facets are kept exactly as given. */
export type Facets = Record<string, Facet>;

/** A job: a recurring process, named within a namespace (e.g. `lakekit`, `ingest.orders`). */
export interface Job {
  namespace: string;
  name: string;
  facets?: Facets;
}

/** One execution of a job. */
export interface Run {
  /** A UUID; lakekit generates UUIDv7 ({@link uuidv7}). */
  runId: string;
  facets?: Facets;
}

/** A dataset identity: namespace plus name, per the OpenLineage naming conventions (naming.ts). */
export interface DatasetRef {
  namespace: string;
  name: string;
}

/** A dataset with its facets. */
export interface Dataset extends DatasetRef {
  facets?: Facets;
}

/** A dataset read by a run. */
export interface InputDataset extends Dataset {
  inputFacets?: Facets;
}

/** A dataset written by a run. */
export interface OutputDataset extends Dataset {
  outputFacets?: Facets;
}

interface BaseEvent {
  /** ISO 8601 date-time with offset. */
  eventTime: string;
  producer: string;
  schemaURL: string;
}

/** A run's state transition, with the datasets it read and wrote. */
export interface RunEvent extends BaseEvent {
  eventType?: RunState;
  run: Run;
  job: Job;
  inputs?: InputDataset[];
  outputs?: OutputDataset[];
}

/** Static metadata about a dataset, outside any run. */
export interface DatasetEvent extends BaseEvent {
  dataset: Dataset;
}

/** Static metadata about a job, outside any run. */
export interface JobEvent extends BaseEvent {
  job: Job;
  inputs?: InputDataset[];
  outputs?: OutputDataset[];
}

/** Any OpenLineage event. */
export type LineageEvent = RunEvent | DatasetEvent | JobEvent;

/** Whether `e` is a {@link RunEvent} (it has a `run`). */
export function isRunEvent(e: LineageEvent): e is RunEvent {
  return 'run' in e;
}

/** Whether `e` is a {@link DatasetEvent} (it has a `dataset`). */
export function isDatasetEvent(e: LineageEvent): e is DatasetEvent {
  return 'dataset' in e;
}

/** Whether `e` is a {@link JobEvent} (a job and no run). */
export function isJobEvent(e: LineageEvent): e is JobEvent {
  return 'job' in e && !('run' in e);
}

/** Common options of the event builders. */
export interface EventOptions {
  /** @default new Date() */
  eventTime?: Date | string;
  /** @default LAKEKIT_PRODUCER */
  producer?: string;
}

function base(o: EventOptions): BaseEvent {
  const t = o.eventTime ?? new Date();
  return { eventTime: typeof t === 'string' ? t : t.toISOString(), producer: o.producer ?? LAKEKIT_PRODUCER, schemaURL: OPENLINEAGE_SCHEMA_URL };
}

/**
 * Build a {@link RunEvent}.
 *
 * @example
 * ```ts
 * const e = runEvent('START', { runId: uuidv7() }, { namespace: 'lakekit', name: 'ingest.orders' },
 *   { outputs: [s3Dataset('lake-bronze', 'orders/2026-11-22.csv')] });
 * ```
 */
export function runEvent(
  eventType: RunState,
  run: Run,
  job: Job,
  options: EventOptions & { inputs?: InputDataset[]; outputs?: OutputDataset[] } = {},
): RunEvent {
  const e: RunEvent = { ...base(options), eventType, run, job };
  if (options.inputs !== undefined) e.inputs = options.inputs;
  if (options.outputs !== undefined) e.outputs = options.outputs;
  return e;
}

/** Build a {@link DatasetEvent} (static dataset metadata: schema, ownership, tags…). */
export function datasetEvent(dataset: Dataset, options: EventOptions = {}): DatasetEvent {
  return { ...base(options), dataset };
}

/** Build a {@link JobEvent} (static job metadata, e.g. its declared inputs and outputs). */
export function jobEvent(job: Job, options: EventOptions & { inputs?: InputDataset[]; outputs?: OutputDataset[] } = {}): JobEvent {
  const e: JobEvent = { ...base(options), job };
  if (options.inputs !== undefined) e.inputs = options.inputs;
  if (options.outputs !== undefined) e.outputs = options.outputs;
  return e;
}

/** `namespace` and `name` joined as one key (`namespace` + U+0000 + `name`), for maps and indexes. */
export function datasetKey(d: DatasetRef): string {
  return `${d.namespace}\u0000${d.name}`;
}

/** A readable label for a dataset or job: `namespace/name` (`s3://bucket/key` reads naturally). */
export function label(d: DatasetRef): string {
  return d.namespace.endsWith('/') ? `${d.namespace}${d.name}` : `${d.namespace}/${d.name}`;
}
