/** `lakekit classify <dataset|file>`: find PII per column and say how sensitive each column is. */
import { classifyTable } from '../../classification/index.js';
import { CliUsageError } from '../context.js';
import { textTable } from '../format.js';
import type { Registrar } from '../main.js';
import { loadData } from '../demo/datasets.js';

export function registerClassifyCommand({ program, action }: Registrar): void {
  program
    .command('classify')
    .argument('<dataset|file>', 'a data file (CSV, JSON, JSONL, Parquet, Avro), a silver dataset or an Iceberg table')
    .option('--sample <rows>', 'rows to sample (deterministic systematic sample)', '10000')
    .option('--full', 'scan every row instead of a sample')
    .description('detect personal data (cards, national IDs, bank details, contacts…) column by column')
    .addHelpText('after', '\nExample:\n  $ lakekit classify incoming/customers.csv\n  $ lakekit --json classify core.customers --full')
    .action(
      action(async (ctx, arg: string, opts: { sample: string; full?: boolean }) => {
        const sampleSize = Number(opts.sample);
        if (!Number.isInteger(sampleSize) || sampleSize <= 0) throw new CliUsageError(`--sample must be a positive whole number, got '${opts.sample}'`);
        const data = await loadData(ctx, arg);
        const cls = classifyTable(data.table, { sampleSize, fullScan: opts.full === true });
        const columns = cls.columns.map((c) => ({ column: c.column, types: c.types, sensitivity: c.sensitivity, findings: c.findings.map((f) => ({ type: f.type, hits: f.hits, hitRatio: f.hitRatio, confidence: f.confidence, examples: f.examples })) }));
        ctx.result({ source: data.name, kind: data.kind, rows: cls.rows, sampled: cls.sampled, sensitivity: cls.sensitivity, columns }, () =>
          [
            textTable(
              ['column', 'types', 'sensitivity', 'hit ratio', 'example (masked)'],
              cls.columns.map((c) => [c.column, c.types.join(', '), c.sensitivity === 'restricted' ? ctx.style('red', c.sensitivity) : c.sensitivity, c.findings[0] === undefined ? '' : c.findings[0].hitRatio.toFixed(2), c.findings[0]?.examples[0] ?? '']),
            ),
            '',
            `${cls.rows} rows${cls.sampled ? ' (sampled)' : ''}; most sensitive column: ${cls.sensitivity}`,
          ].join('\n'),
        );
      }),
    );
}
