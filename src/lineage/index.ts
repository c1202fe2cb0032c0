/**
 * `lakekit/lineage` — OpenLineage for the lake: a typed event model with
 * builders, validation against the official JSON Schemas, a recorder that
 * wraps jobs (START → COMPLETE/FAIL, parents, column lineage), transports
 * (console, NDJSON files with rotation, HTTP for Marquez, composite), an
 * indexed lineage graph for provenance queries, and compliance reports in
 * Markdown and HTML.
 *
 * @example
 * ```ts
 * import { MemoryFileIO } from 'lakekit/io';
 * import { FileTransport, LineageStore, Recorder, s3Dataset, icebergTableDataset } from 'lakekit/lineage';
 *
 * const io = new MemoryFileIO();
 * const recorder = new Recorder({ namespace: 'lakekit', transport: new FileTransport({ io, prefix: 'memory://lake/lineage/' }) });
 * await recorder.run('ingest.orders', (ctx) => {
 *   ctx.addInput(s3Dataset('landing', 'orders.csv'));
 *   ctx.addOutput(icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'orders' }));
 * });
 * const store = await LineageStore.fromFileIO(io, 'memory://lake/lineage/');
 * store.graph.upstream({ namespace: 'iceberg://lake', name: 'silver.orders' });
 * ```
 *
 * @module
 */

export {
  LAKEKIT_PRODUCER,
  OPENLINEAGE_SCHEMA_URL,
  OPENLINEAGE_SPEC_VERSION,
  datasetEvent,
  datasetKey,
  isDatasetEvent,
  isJobEvent,
  isRunEvent,
  jobEvent,
  label,
  runEvent,
  type Dataset,
  type DatasetEvent,
  type DatasetRef,
  type EventOptions,
  type Facets,
  type InputDataset,
  type Job,
  type JobEvent,
  type LineageEvent,
  type OutputDataset,
  type Run,
  type RunEvent,
  type RunState,
} from './events.js';
export * from './facets.js';
export { isValidEvent, parseEvent, standardFacetNames, validateEvent, type FacetSlot } from './schemas.js';
export { uuidv7, uuidv7Time } from './uuid.js';
export * from './naming.js';
export * from './parent.js';
export * from './recorder.js';
export type { Transport } from './transports/transport.js';
export * from './transports/console.js';
export * from './transports/file.js';
export * from './transports/http.js';
export * from './transports/composite.js';
export * from './ndjson.js';
export * from './graph.js';
export * from './store.js';
export * from './layout.js';
export * from './report.js';
export * from './arrow.js';
export * from './zones.js';
