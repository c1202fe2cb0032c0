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
import { abortableSleep } from '../../internal/retry.js';
import type { TableIdentifier } from '../identifier.js';
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
