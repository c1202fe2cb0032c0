/** `lakekit check <dataset|file> --rules <file>`: run a quality rule set; exit 1 when an error-severity rule fails. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalFileIO } from '../../io/local.js';
import { checkQuality, gate, writeQuarantine } from '../../quality/index.js';
import { ExitCode } from '../context.js';
import { textTable } from '../format.js';
import type { Registrar } from '../main.js';
import { loadData, readRules } from '../demo/datasets.js';

export function registerCheckCommand({ program, action }: Registrar): void {
  program
    .command('check')
    .argument('<dataset|file>', 'a data file (CSV, JSON, JSONL, Parquet, Avro), a silver dataset or an Iceberg table')
    .requiredOption('-r, --rules <file>', 'rule file: YAML or JSON (docs/quality.md), or DQDL (.dqdl)')
    .option('-q, --quarantine <dir>', 'write the failing rows, with the rules they failed, as Parquet into this directory')
    .description('check data against a quality rule set (exit 1 when an error-severity rule fails)')
    .addHelpText('after', '\nExample:\n  $ lakekit check incoming/transactions.csv --rules rules/transactions.yaml --quarantine quarantine/\n  $ lakekit --json check core.transactions --rules rules.dqdl')
    .action(
      action(async (ctx, arg: string, opts: { rules: string; quarantine?: string }) => {
        const data = await loadData(ctx, arg);
        const rules = await readRules(ctx, opts.rules, data.table.schema.fields.map((f) => f.name));
        const { result, quarantine } = await checkQuality(data.table, rules, { dataset: rules.dataset ?? data.name, quarantine: opts.quarantine !== undefined });
        let quarantined: { location: string; rows: number } | undefined;
        if (opts.quarantine !== undefined && quarantine !== undefined && quarantine.numRows > 0) {
          const file = resolve(ctx.cwd, opts.quarantine, `${(rules.dataset ?? data.name).replace(/[^A-Za-z0-9_.-]+/g, '_')}.failing.parquet`);
          const rows = await writeQuarantine(new LocalFileIO(), pathToFileURL(file).href, quarantine);
          quarantined = { location: file, rows };
        }
        const decision = gate(result);
        ctx.result({ ...result, gate: decision, quarantine: quarantined ?? null, malformed: data.malformed }, () =>
          [
            textTable(['rule', 'severity', 'status', 'observed', 'failed rows'], result.rules.map((r) => [r.id, r.severity, r.status === 'pass' ? ctx.style('green', 'pass') : ctx.style(r.severity === 'error' ? 'red' : 'yellow', r.status), r.observed ?? '', r.failedRows ?? ''])),
            '',
            `${result.rowCount} rows checked; ${result.rules.filter((r) => r.status === 'pass').length} of ${result.rules.length} rules passed; ${decision.passed ? ctx.style('green', 'gate: pass') : ctx.style('red', 'gate: blocked')}`,
            ...(data.malformed.length > 0 ? [`${data.malformed.length} malformed record(s) not checked: ${data.malformed.map((m) => `line ${m.line}`).join(', ')}`] : []),
            ...(quarantined === undefined ? [] : [`${quarantined.rows} failing row(s) quarantined → ${quarantined.location}`]),
          ].join('\n'),
        );
        return decision.passed ? ExitCode.Ok : ExitCode.ChecksFailed;
      }),
    );
}
