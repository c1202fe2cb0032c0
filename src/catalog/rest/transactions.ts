/**
 * Commits to an Iceberg REST catalog: one table (`POST …/tables/{table}`) or
 * several atomically (`POST …/transactions/commit`). A commit is never
 * re-sent on its own — a 5xx, a timeout or a broken answer raises
 * `CommitStateUnknownError` — and carries an Idempotency-Key where the server
 * supports them. After a commit that added a snapshot the client reports a
 * `CommitReport` in the background when the server advertises the metrics
 * endpoint; a report that fails never fails the commit.
 */
import { tableRequirementToJson, tableUpdateToJson, type TableRequirement, type TableUpdate } from '../../iceberg/spec/table-update.js';
import type { LoadTableResult } from '../catalog.js';
import { checkIdentifier, identifierToString, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import { commitReportFor, reportMetrics } from './metrics.js';
import * as S from './schemas.js';

/** One table's changes in a multi-table transaction. */
export interface TableCommit {
  identifier: TableIdentifier;
  requirements: readonly TableRequirement[];
  updates: readonly TableUpdate[];
}

/** What the commit calls need beyond the shared context. */
export interface CommitOptions {
  /** Send a `CommitReport` after commits that add a snapshot (where the server advertises it). */
  reportMetrics: boolean;
  /** Called with each background report, so callers (and tests) can wait for it. */
  onReport?: (report: Promise<void>) => void;
}

const toJson = (id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]) => ({
  identifier: { namespace: [...id.namespace], name: id.name },
  requirements: requirements.map(tableRequirementToJson),
  updates: updates.map(tableUpdateToJson),
});

/** `POST …/tables/{table}` with requirements and updates. */
export async function commitTable(ctx: RestContext, id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[], options: CommitOptions): Promise<LoadTableResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.updateTable, 'committing tables');
  const body = S.CommitTableRequest.parse(toJson(id, requirements, updates));
  const started = performance.now();
  const res = await ctx.http.json(
    {
      method: 'POST',
      path: ctx.objectPath(c, id),
      body: { json: body },
      call: { what: `commit to table ${identifierToString(id)}`, target: 'commit', subject: identifierToString(id) },
      ...ctx.commitKey(c),
      idempotent: false,
    },
    S.CommitTableResponse,
  );
  const result = ctx.tableResult(id, { ...res, config: {} });
  if (options.reportMetrics && c.endpoints.has(Endpoint.reportMetrics)) {
    const durationNs = BigInt(Math.round((performance.now() - started) * 1e6));
    const report = commitReportFor(`${ctx.name}.${identifierToString(id)}`, updates, result.metadata, durationNs);
    if (report !== undefined) {
      // Best effort and off the commit's path: the http client logs a failed report.
      const sent = reportMetrics(ctx, id, report).catch(() => undefined);
      options.onReport?.(sent);
    }
  }
  return result;
}

/** `POST …/transactions/commit`: all changes land or none does. */
export async function commitTransaction(ctx: RestContext, changes: readonly TableCommit[]): Promise<void> {
  for (const ch of changes) checkIdentifier(ch.identifier);
  const c = await ctx.require(Endpoint.commitTransaction, 'multi-table transactions');
  const body = S.CommitTransactionRequest.parse({ 'table-changes': changes.map((ch) => toJson(ch.identifier, ch.requirements, ch.updates)) });
  await ctx.http.send({
    method: 'POST',
    path: `${c.base}transactions/commit`,
    body: { json: body },
    call: { what: `commit a transaction over ${changes.map((ch) => identifierToString(ch.identifier)).join(', ')}`, target: 'transaction' },
    ...ctx.commitKey(c),
    idempotent: false,
  });
}
