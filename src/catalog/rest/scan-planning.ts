/**
 * Server-side scan planning (`planTableScan`, `fetchPlanningResult`,
 * `fetchScanTasks`): the catalog reads the manifests and hands back the data
 * files to read, so a client never needs manifest access. Used when a server
 * advertises the endpoints (and must be used when a table's config says
 * `scan-planning-mode=server`).
 */
import type { z } from 'zod';
import { RestError } from '../../errors.js';
import type { Expression } from '../../iceberg/expressions/expression.js';
import { expressionToJson } from '../../iceberg/expressions/json.js';
import { abortableSleep } from '../../internal/retry.js';
import { checkIdentifier, identifierToString, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import type { RestCall } from './errors.js';
import * as S from './schemas.js';
import type { ContentFileSchema, FetchScanTasksResultSchema, PlanningResultSchema, StorageCredential } from './schemas.js';

/** What to scan. */
export interface PlanScanOptions {
  snapshotId?: bigint | number;
  /** Column names to read (nested: `a.b`). */
  select?: readonly string[];
  /** Row filter (unbound expression). */
  filter?: Expression;
  caseSensitive?: boolean;
  useSnapshotSchema?: boolean;
  /** Incremental scan: exclusive start. */
  startSnapshotId?: bigint | number;
  /** Incremental scan: inclusive end. */
  endSnapshotId?: bigint | number;
  minRowsRequested?: number;
  statsFields?: readonly string[];
  signal?: AbortSignal;
}

/** A data or delete file as the planning endpoints describe it. */
export interface PlannedFile {
  content: 'data' | 'position-deletes' | 'equality-deletes';
  filePath: string;
  fileFormat: string;
  specId: number;
  partition: unknown[];
  fileSizeInBytes: number;
  recordCount: number;
  equalityIds?: number[];
}

/** One file to read, with the delete files that apply to it. */
export interface PlannedScanTask {
  dataFile: PlannedFile;
  deleteFiles: PlannedFile[];
  /** The residual filter JSON, when the server sent one. */
  residualFilter?: unknown;
}

/** File scan tasks plus plan tasks still to fetch. */
export interface ScanTaskBatch {
  tasks: PlannedScanTask[];
  planTasks: string[];
  storageCredentials: StorageCredential[];
}

/** The outcome of `planTableScan` / `fetchPlanningResult`. */
export type PlanningResult =
  | ({ status: 'completed'; planId?: string } & ScanTaskBatch)
  | { status: 'submitted'; planId?: string }
  | { status: 'cancelled' };

function fileFromJson(f: z.output<typeof ContentFileSchema>): PlannedFile {
  return {
    content: f.content,
    filePath: f['file-path'],
    fileFormat: f['file-format'],
    specId: f['spec-id'],
    partition: f.partition,
    fileSizeInBytes: Number(f['file-size-in-bytes']),
    recordCount: Number(f['record-count']),
    ...(f['equality-ids'] === undefined ? {} : { equalityIds: f['equality-ids'] }),
  };
}

/** Typed scan tasks from a validated `ScanTasks` body. */
export function scanTasksFromJson(body: z.output<typeof FetchScanTasksResultSchema> & { 'storage-credentials'?: StorageCredential[] }): ScanTaskBatch {
  const deletes = (body['delete-files'] ?? []).map(fileFromJson);
  return {
    tasks: (body['file-scan-tasks'] ?? []).map((t) => ({
      dataFile: fileFromJson(t['data-file']),
      deleteFiles: (t['delete-file-references'] ?? []).map((i) => {
        const d = deletes[i];
        if (d === undefined) throw new RestError(`a scan task references delete file ${i}, but the server sent ${deletes.length}; the planning response is inconsistent`);
        return d;
      }),
      ...(t['residual-filter'] === undefined ? {} : { residualFilter: t['residual-filter'] }),
    })),
    planTasks: body['plan-tasks'] ?? [],
    storageCredentials: body['storage-credentials'] ?? [],
  };
}

/** A typed planning result; a `failed` plan becomes a RestError with the server's message. */
export function planningResultFromJson(body: z.output<typeof PlanningResultSchema>, what: string): PlanningResult {
  switch (body.status) {
    case 'completed':
      return { status: 'completed', ...(body['plan-id'] === undefined ? {} : { planId: body['plan-id'] }), ...scanTasksFromJson(body) };
    case 'submitted':
      return { status: 'submitted', ...(body['plan-id'] === undefined ? {} : { planId: body['plan-id'] }) };
    case 'cancelled':
      return { status: 'cancelled' };
    case 'failed':
      throw new RestError(`${what}: planning failed on the server (${body.error.type}: ${body.error.message.slice(0, 300)})`, { context: { errorType: body.error.type, status: body.error.code } });
  }
}

/** What {@link planFiles} needs from the catalog. */
export interface ScanPlanner {
  planTableScan(id: TableIdentifier, options: PlanScanOptions): Promise<PlanningResult>;
  fetchPlanningResult(id: TableIdentifier, planId: string, signal?: AbortSignal): Promise<PlanningResult>;
  fetchScanTasks(id: TableIdentifier, planTask: string, signal?: AbortSignal): Promise<ScanTaskBatch>;
}

/** Longest wait between polls of an asynchronous plan. */
const MAX_POLL_MS = 2_000;

/** Plan on the server, wait for an asynchronous plan, and stream every batch of tasks. */
export async function* planFiles(planner: ScanPlanner, id: TableIdentifier, options: PlanScanOptions): AsyncIterable<ScanTaskBatch> {
  let result = await planner.planTableScan(id, options);
  let wait = 50;
  while (result.status === 'submitted') {
    if (result.planId === undefined) throw new RestError('the server accepted the scan plan but sent no plan-id to poll; it does not follow the spec');
    await abortableSleep(wait, options.signal);
    wait = Math.min(MAX_POLL_MS, wait * 2);
    const planId = result.planId;
    result = await planner.fetchPlanningResult(id, planId, options.signal);
    if (result.status === 'submitted' && result.planId === undefined) result = { status: 'submitted', planId };
  }
  if (result.status === 'cancelled') throw new RestError('the scan plan was cancelled on the server; plan the scan again');
  const queue = [...result.planTasks];
  yield { tasks: result.tasks, planTasks: [], storageCredentials: result.storageCredentials };
  while (queue.length > 0) {
    const batch = await planner.fetchScanTasks(id, queue.shift()!, options.signal);
    queue.push(...batch.planTasks);
    yield { ...batch, planTasks: [] };
  }
}

// ---- the calls ----------------------------------------------------------------------

const planCall = (what: string, id: TableIdentifier): RestCall => ({ what, target: 'plan', subject: identifierToString(id) });

/** `POST …/tables/{table}/plan`. */
export async function planTableScan(ctx: RestContext, id: TableIdentifier, options: PlanScanOptions): Promise<PlanningResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.planTableScan, 'server-side scan planning');
  const body = S.PlanTableScanRequestSchema.parse({
    ...(options.snapshotId === undefined ? {} : { 'snapshot-id': options.snapshotId }),
    ...(options.select === undefined ? {} : { select: [...options.select] }),
    ...(options.filter === undefined ? {} : { filter: expressionToJson(options.filter) }),
    ...(options.caseSensitive === undefined ? {} : { 'case-sensitive': options.caseSensitive }),
    ...(options.useSnapshotSchema === undefined ? {} : { 'use-snapshot-schema': options.useSnapshotSchema }),
    ...(options.startSnapshotId === undefined ? {} : { 'start-snapshot-id': options.startSnapshotId }),
    ...(options.endSnapshotId === undefined ? {} : { 'end-snapshot-id': options.endSnapshotId }),
    ...(options.minRowsRequested === undefined ? {} : { 'min-rows-requested': options.minRowsRequested }),
    ...(options.statsFields === undefined ? {} : { 'stats-fields': [...options.statsFields] }),
  });
  const call = planCall(`plan a scan of table ${identifierToString(id)}`, id);
  const res = await ctx.http.json({ method: 'POST', path: `${ctx.objectPath(c, id)}/plan`, body: { json: body }, call, ...ctx.mutation(c) }, S.PlanningResultSchema, options.signal);
  return planningResultFromJson(res, call.what);
}

/** `GET …/tables/{table}/plan/{plan-id}`. */
export async function fetchPlanningResult(ctx: RestContext, id: TableIdentifier, planId: string, signal?: AbortSignal): Promise<PlanningResult> {
  const c = await ctx.require(Endpoint.fetchPlanningResult, 'asynchronous scan planning');
  const call = planCall(`fetch scan plan ${planId} of table ${identifierToString(id)}`, id);
  const res = await ctx.http.json({ method: 'GET', path: `${ctx.objectPath(c, id)}/plan/${encodeURIComponent(planId)}`, call, idempotent: true }, S.PlanningResultSchema, signal);
  return planningResultFromJson(res, call.what);
}

/** `DELETE …/tables/{table}/plan/{plan-id}`. */
export async function cancelPlanning(ctx: RestContext, id: TableIdentifier, planId: string): Promise<void> {
  const c = await ctx.require(Endpoint.cancelPlanning, 'cancelling scan planning');
  await ctx.http.send({ method: 'DELETE', path: `${ctx.objectPath(c, id)}/plan/${encodeURIComponent(planId)}`, call: planCall(`cancel scan plan ${planId}`, id), ...ctx.commitKey(c), idempotent: true });
}

/** `POST …/tables/{table}/tasks`. */
export async function fetchScanTasks(ctx: RestContext, id: TableIdentifier, planTask: string, signal?: AbortSignal): Promise<ScanTaskBatch> {
  const c = await ctx.require(Endpoint.fetchScanTasks, 'fetching scan tasks');
  const call = planCall(`fetch scan tasks of table ${identifierToString(id)}`, id);
  const res = await ctx.http.json({ method: 'POST', path: `${ctx.objectPath(c, id)}/tasks`, body: { json: { 'plan-task': planTask } }, call, ...ctx.commitKey(c), idempotent: true }, S.FetchScanTasksResultSchema, signal);
  return scanTasksFromJson(res);
}
