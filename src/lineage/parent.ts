/**
 * Parent runs from an orchestrator: when Airflow (with the OpenLineage
 * provider) runs a lakekit job, it passes its task's run id, and lakekit's
 * runs point at it with a `parent` facet so Marquez shows them under the DAG.
 *
 * @module
 */

import { ValidationError } from '../errors.js';
import type { ParentRef } from './facets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids Airflow's OpenLineage provider gives a task (its macros `lineage_run_id`, `lineage_root_run_id`). */
export interface AirflowRunIds {
  /** The OpenLineage namespace Airflow uses (`AIRFLOW__OPENLINEAGE__NAMESPACE`, often `default`). */
  namespace: string;
  dagId: string;
  /** The task that calls lakekit; its job is `{dagId}.{taskId}`. Without it the parent is the DAG run. */
  taskId?: string;
  /** The task's (or DAG run's) OpenLineage run id, a UUID. */
  runId: string;
  /** The DAG run's OpenLineage run id, recorded as the root. */
  dagRunId?: string;
}

/**
 * The parent reference for a run started by an Airflow task (or DAG run).
 *
 * @example
 * ```ts
 * const parent = airflowParent({ namespace: 'default', dagId: 'daily_orders', taskId: 'ingest', runId, dagRunId });
 * const recorder = new Recorder({ namespace: 'lakekit', transport, parent });
 * ```
 */
export function airflowParent(ids: AirflowRunIds): ParentRef {
  checkUuid(ids.runId, 'runId');
  const ref: ParentRef = {
    job: { namespace: ids.namespace, name: ids.taskId === undefined ? ids.dagId : `${ids.dagId}.${ids.taskId}` },
    run: { runId: ids.runId },
  };
  if (ids.dagRunId !== undefined) {
    checkUuid(ids.dagRunId, 'dagRunId');
    ref.root = { job: { namespace: ids.namespace, name: ids.dagId }, run: { runId: ids.dagRunId } };
  }
  return ref;
}

/**
 * Parse Airflow's `lineage_parent_id` macro (`{namespace}/{job name}/{run id}`)
 * into a parent reference; `rootParentId` (same format, from `lineage_root_parent_id`) adds the root.
 */
export function parseParentId(parentId: string, rootParentId?: string): ParentRef {
  const parse = (s: string, what: string) => {
    const first = s.indexOf('/');
    const last = s.lastIndexOf('/');
    if (first <= 0 || last <= first + 1) {
      throw new ValidationError(`${what} '${s}' is not '{namespace}/{job name}/{run id}'; pass Airflow's lineage_parent_id macro`);
    }
    const runId = s.slice(last + 1);
    checkUuid(runId, what);
    return { job: { namespace: s.slice(0, first), name: s.slice(first + 1, last) }, run: { runId } };
  };
  const ref: ParentRef = parse(parentId, 'parent id');
  if (rootParentId !== undefined) ref.root = parse(rootParentId, 'root parent id');
  return ref;
}

function checkUuid(id: string, what: string): void {
  if (!UUID.test(id)) throw new ValidationError(`${what} '${id}' is not a UUID; OpenLineage run ids are UUIDs (Airflow's lineage_run_id macro gives one)`);
}
