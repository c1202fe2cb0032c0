/** `lakekit demo`: DataX's daily flow end to end on a local lake, with no configuration. */
import { isAbsolute, relative, resolve } from 'node:path';
import { CliUsageError, ExitCode, type CliContext } from '../context.js';
import { textTable } from '../format.js';
import type { Registrar } from '../main.js';
import { DEMO_DEFAULTS, runDemo, type DemoSummary } from '../demo/pipeline.js';

function wholeNumber(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliUsageError(`${flag} must be a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

function render(ctx: CliContext, s: DemoSummary): string {
  const rel = (p: string) => {
    const r = relative(ctx.cwd, p);
    return r === '' || r.startsWith('..') || isAbsolute(r) ? p : `./${r}`;
  };
  const out: string[] = [];
  out.push(ctx.style('bold', `lakekit demo — ${s.rows} transactions (seed ${s.seed}) in ${rel(s.dir)}, ${(s.elapsedMs / 1000).toFixed(1)} s`), '');
  out.push(ctx.style('bold', 'Bronze'), `${s.bronze.stored} objects stored, ${s.bronze.duplicates} already in bronze (same SHA-256: not stored again)`);
  out.push(textTable(['file', 'status', 'sha256', 'key'], s.bronze.objects.map((o) => [o.name, o.status, o.sha256.slice(0, 16), o.key]), 72), '');
  out.push(ctx.style('bold', 'Rows per zone'));
  out.push(
    textTable(
      ['dataset', 'bronze', 'malformed', 'quarantined', 'silver', 'silver step'],
      s.datasets.map((d) => [d.dataset, d.rows.bronze, d.rows.malformed, d.rows.quarantined, d.rows.silver, d.silver.status === 'done' ? `v${d.silver.version} committed` : 'skipped (batch already promoted)']),
    ),
    '',
  );
  out.push(ctx.style('bold', 'PII findings'));
  out.push(textTable(['dataset', 'column', 'types', 'sensitivity', 'hit ratio', 'protection'], s.findings.map((f) => [f.dataset, f.column, f.types.join(', ') || '(policy)', f.sensitivity, f.hitRatio.toFixed(2), f.action])), '');
  out.push(ctx.style('bold', 'Quality'));
  for (const d of s.datasets) {
    const failed = d.quality.rules.filter((r) => r.status !== 'pass');
    out.push(`${d.dataset}: ${d.quality.passed} passed, ${d.quality.failed} failed${failed.length > 0 ? ` (${failed.map((r) => `${r.id}: ${r.failedRows ?? r.status} row(s)`).join(', ')})` : ''}`);
    if (d.quality.quarantine !== null) out.push(ctx.style('dim', `  ${d.rows.quarantined} row(s) quarantined with reasons → ${d.quality.quarantine}`));
    for (const m of d.malformed) out.push(ctx.style('dim', `  malformed line ${m.line} kept in bronze: ${m.reason}`));
  }
  out.push('');
  out.push(ctx.style('bold', 'Gold (Iceberg)'));
  out.push(textTable(['table', 'rows', 'snapshot id', 'this run'], s.gold.map((g) => [g.table, g.rows, g.snapshotId ?? '', g.status === 'done' ? 'committed' : 'unchanged'])));
  out.push(`CDC batch ${s.cdc.batchId}: ${s.cdc.status}${s.cdc.status === 'applied' ? ` (${s.cdc.inserted} inserted, ${s.cdc.updated} updated, ${s.cdc.deleted} deleted)` : ' (already applied: not applied again)'}`, '');
  out.push(ctx.style('bold', 'Lineage and compliance'), `${s.lineageEvents} runs recorded as OpenLineage NDJSON; report: ${rel(s.report)}`, '');
  if (s.gateBlocked) out.push(ctx.style('red', 'A quality gate blocked a promotion: see the quality results above.'));
  const cd = relative(ctx.cwd, s.dir);
  const prefix = cd === '' ? '' : `cd ${cd.startsWith('..') || isAbsolute(cd) ? s.dir : cd} && `;
  out.push(ctx.style('dim', `Next: ${prefix}lakekit catalog ls gold · lakekit table scan gold.daily_kpis · lakekit check incoming/transactions.csv --rules rules/transactions.yaml`));
  return out.join('\n');
}

export function registerDemoCommand({ program, action }: Registrar): void {
  program
    .command('demo')
    .description('build a local demo lake and run the daily flow end to end: bronze → quality → PII protection → silver → gold, with lineage and a compliance report')
    .option('-d, --dir <dir>', 'directory of the demo lake', DEMO_DEFAULTS.dir)
    .option('-n, --rows <n>', 'transactions to generate (customers are a tenth of that)', String(DEMO_DEFAULTS.rows))
    .option('--seed <n>', 'random seed: the same seed gives the same data', String(DEMO_DEFAULTS.seed))
    .addHelpText('after', '\nExample:\n  $ lakekit demo\n  $ lakekit demo --dir /tmp/lake --rows 500 --seed 7 --json\n\nRunning it again is safe: bronze sees the same files, silver and gold are not changed twice.')
    .action(
      action(async (ctx, opts: { dir: string; rows: string; seed: string }) => {
        const rows = wholeNumber('--rows', opts.rows, 20, 5_000_000);
        const seed = wholeNumber('--seed', opts.seed, 0, 2 ** 32 - 1);
        const summary = await runDemo(ctx, { dir: resolve(ctx.cwd, opts.dir), rows, seed });
        ctx.result(summary, () => render(ctx, summary));
        return summary.gateBlocked ? ExitCode.ChecksFailed : ExitCode.Ok;
      }),
    );
}
