/** `lakekit table scan|history|snapshots|expire|compact`: one Iceberg table. */
import { tableIdentifier } from '../../catalog/identifier.js';
import { arrowToRows } from '../../formats/arrow/index.js';
import { typeToString } from '../../iceberg/spec/types.js';
import { Table } from '../../iceberg/table/table.js';
import { CliUsageError, type CliContext } from '../context.js';
import { bytes, displayRow, parseTimeArg, textTable } from '../format.js';
import { openCliLake } from '../lake.js';
import type { Registrar } from '../main.js';

async function load(ctx: CliContext, name: string): Promise<Table> {
  const lake = await openCliLake(ctx);
  return Table.load(lake.catalog, tableIdentifier(name));
}

function positiveInt(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new CliUsageError(`${flag} must be a positive whole number, got '${v}'`);
  return n;
}

function snapshotIdArg(v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new CliUsageError(`--snapshot must be a snapshot id (digits), got '${v}'; see \`lakekit table snapshots <table>\``);
  return BigInt(v);
}

export function registerTableCommands({ program, action }: Registrar): void {
  const table = program.command('table').description('scan, inspect and maintain an Iceberg table');

  table
    .command('scan')
    .argument('<table>', 'table identifier, e.g. gold.daily_kpis')
    .option('-f, --filter <expr>', "row filter, e.g. \"day >= '2026-11-01' and currency = 'EUR'\"")
    .option('-s, --select <columns>', 'comma-separated columns to read')
    .option('-n, --limit <rows>', 'rows to print', '20')
    .option('--snapshot <id>', 'read this snapshot (time travel)')
    .option('--ref <name>', 'read this branch or tag')
    .option('--as-of <time>', 'read the snapshot current at this time (ISO-8601, or 7d / 12h ago)')
    .description('read rows (with pruning, projection and time travel)')
    .addHelpText('after', "\nExample:\n  $ lakekit table scan gold.daily_kpis --filter \"currency = 'EUR'\" --limit 5")
    .action(
      action(async (ctx, name: string, opts: { filter?: string; select?: string; limit?: string; snapshot?: string; ref?: string; asOf?: string }) => {
        const t = await load(ctx, name);
        const limit = positiveInt('--limit', opts.limit) ?? 20;
        const asOf = opts.asOf === undefined ? undefined : parseTimeArg(opts.asOf);
        if (opts.asOf !== undefined && asOf === undefined) throw new CliUsageError(`--as-of must be an ISO-8601 time or an age like 7d, got '${opts.asOf}'`);
        const snapshotId = snapshotIdArg(opts.snapshot);
        const scan = t.scan({
          ...(opts.filter === undefined ? {} : { filter: opts.filter }),
          ...(opts.select === undefined ? {} : { select: opts.select.split(',').map((c) => c.trim()) }),
          ...(snapshotId === undefined ? {} : { snapshotId }),
          ...(opts.ref === undefined ? {} : { ref: opts.ref }),
          ...(asOf === undefined ? {} : { asOfTimestampMs: asOf }),
        });
        const types = new Map(t.schema().fields.map((f) => [f.name, typeToString(f.type)]));
        const rows: Record<string, unknown>[] = [];
        let matched = 0;
        const progress = ctx.progress(`scanning ${name}`, 1);
        for await (const batch of scan.batches()) {
          matched += batch.numRows;
          // Typed values as people read them: dates and timestamps as ISO text, decimals exact.
          if (rows.length < limit) rows.push(...arrowToRows(batch.slice(0, limit - rows.length)).map((r) => displayRow(r, types)));
        }
        progress.done();
        const columns = rows.length > 0 ? Object.keys(rows[0]!) : t.schema().fields.map((f) => f.name);
        ctx.result({ table: name, matched, rows }, () => `${textTable(columns, rows.map((r) => columns.map((c) => r[c])))}\n${ctx.style('dim', `${rows.length} of ${matched} matching rows`)}`);
      }),
    );

  table
    .command('history')
    .argument('<table>', 'table identifier')
    .description('when each snapshot became current (the snapshot log)')
    .addHelpText('after', '\nExample:\n  $ lakekit table history gold.daily_kpis')
    .action(
      action(async (ctx, name: string) => {
        const t = await load(ctx, name);
        const current = t.currentSnapshot()?.snapshotId;
        const ancestors = new Set<bigint>();
        for (let s = t.currentSnapshot(); s !== undefined; s = s.parentSnapshotId === undefined ? undefined : t.snapshots().find((x) => x.snapshotId === s!.parentSnapshotId)) ancestors.add(s.snapshotId);
        const log = t.metadata.snapshotLog.map((e) => ({ madeCurrentAt: new Date(e.timestampMs).toISOString(), snapshotId: e.snapshotId, isCurrentAncestor: ancestors.has(e.snapshotId), isCurrent: e.snapshotId === current }));
        ctx.result(log, () => textTable(['made current at', 'snapshot id', 'current ancestor'], log.map((e) => [e.madeCurrentAt, e.snapshotId, e.isCurrent ? 'current' : e.isCurrentAncestor ? 'yes' : 'no'])));
      }),
    );

  table
    .command('snapshots')
    .argument('<table>', 'table identifier')
    .description('every snapshot with its operation and summary')
    .addHelpText('after', '\nExample:\n  $ lakekit --json table snapshots gold.daily_kpis')
    .action(
      action(async (ctx, name: string) => {
        const t = await load(ctx, name);
        const snaps = t.snapshots().map((s) => ({
          snapshotId: s.snapshotId,
          parentSnapshotId: s.parentSnapshotId ?? null,
          sequenceNumber: s.sequenceNumber,
          committedAt: new Date(s.timestampMs).toISOString(),
          operation: s.summary?.operation ?? null,
          summary: (s.summary ?? {}) as Readonly<Record<string, string | undefined>>,
        }));
        ctx.result(snaps, () =>
          textTable(
            ['snapshot id', 'committed at', 'operation', 'added records', 'total records', 'files'],
            snaps.map((s) => [s.snapshotId, s.committedAt, s.operation, s.summary['added-records'] ?? '', s.summary['total-records'] ?? '', s.summary['total-data-files'] ?? '']),
          ),
        );
      }),
    );

  table
    .command('expire')
    .argument('<table>', 'table identifier')
    .option('--older-than <time>', 'expire snapshots older than this (ISO-8601, or an age like 7d)')
    .option('--retain-last <n>', 'always keep this many recent snapshots per branch')
    .option('--keep-files', 'expire the snapshots but leave their files')
    .description('expire old snapshots and delete the files only they referenced')
    .addHelpText('after', '\nExample:\n  $ lakekit table expire gold.daily_kpis --older-than 30d --retain-last 10')
    .action(
      action(async (ctx, name: string, opts: { olderThan?: string; retainLast?: string; keepFiles?: boolean }) => {
        const t = await load(ctx, name);
        const olderThan = opts.olderThan === undefined ? undefined : parseTimeArg(opts.olderThan);
        if (opts.olderThan !== undefined && olderThan === undefined) throw new CliUsageError(`--older-than must be an ISO-8601 time or an age like 7d, got '${opts.olderThan}'`);
        const retainLast = positiveInt('--retain-last', opts.retainLast);
        const r = await t.expireSnapshots({
          ...(olderThan === undefined ? {} : { olderThan }),
          ...(retainLast === undefined ? {} : { retainLast }),
          cleanExpiredFiles: opts.keepFiles !== true,
        });
        ctx.result(r, () => `expired ${r.expiredSnapshotIds.length} snapshot(s); deleted ${r.deletedDataFiles} data file(s), ${r.deletedManifests} manifest(s), ${r.deletedManifestLists} manifest list(s)`);
      }),
    );

  table
    .command('compact')
    .argument('<table>', 'table identifier')
    .option('-f, --filter <expr>', 'only compact files that may hold matching rows')
    .option('--target-file-size <bytes>', 'size of the files written (default: the table property)')
    .description('rewrite small data files into larger ones (one atomic replace snapshot)')
    .addHelpText('after', '\nExample:\n  $ lakekit table compact gold.transactions --target-file-size 134217728')
    .action(
      action(async (ctx, name: string, opts: { filter?: string; targetFileSize?: string }) => {
        const t = await load(ctx, name);
        const target = positiveInt('--target-file-size', opts.targetFileSize);
        const r = await t.rewriteDataFiles({ ...(opts.filter === undefined ? {} : { filter: opts.filter }), ...(target === undefined ? {} : { targetFileSizeBytes: target }) });
        ctx.result(r, () =>
          r.snapshot === undefined
            ? 'nothing to compact: no group of small files'
            : `rewrote ${r.rewrittenDataFiles} file(s) (${bytes(r.rewrittenBytes)}) into ${r.addedDataFiles} in snapshot ${r.snapshot.snapshotId}`,
        );
      }),
    );
}
