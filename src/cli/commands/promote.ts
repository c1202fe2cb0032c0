/** `lakekit promote <bronze-batch|source> --to silver|gold`: one bronze batch through the quality gate to silver (and gold). */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { arrowToIcebergSchema } from '../../iceberg/index.js';
import { qualityGate } from '../../quality/index.js';
import { BronzeWriter, ensureGoldTable, promote, SilverWriter, type PromoteOptions } from '../../zones/index.js';
import { CliUsageError, ExitCode } from '../context.js';
import { textTable } from '../format.js';
import { openCliLake } from '../lake.js';
import type { Registrar } from '../main.js';
import { readRules } from '../demo/datasets.js';

interface PromoteFlags {
  to: string;
  dataset: string;
  rules?: string;
  table?: string;
  mode: string;
  key?: string;
  domain?: string;
  date?: string;
}

export function registerPromoteCommand({ program, action }: Registrar): void {
  program
    .command('promote')
    .argument('<bronze-batch|source>', 'an ingestion manifest (path or URI, as `lakekit ingest` prints) or a source system (its newest batch)')
    .requiredOption('--to <zone>', 'silver, or gold (silver first, then the gold table)')
    .requiredOption('-d, --dataset <name>', 'silver dataset name, e.g. core.transactions')
    .option('-r, --rules <file>', 'quality rule file (YAML/JSON/DQDL) used as the gate before silver commits')
    .option('-t, --table <id>', 'gold table (with --to gold), e.g. gold.transactions; created from the silver schema if missing')
    .option('-m, --mode <mode>', 'gold write: append, merge or overwrite-partitions', 'append')
    .option('-k, --key <columns>', 'comma-separated key columns for --mode merge')
    .option('--domain <name>', 'silver domain partition value (default: the dataset name up to its first dot)')
    .option('--date <yyyy-mm-dd>', 'silver date partition value (default: the ingest date)')
    .description('promote a bronze batch to silver (and gold), through the quality gate; exit 1 when the gate blocks')
    .addHelpText('after', '\nExample:\n  $ lakekit promote core-banking --to gold --dataset core.transactions --rules rules/transactions.yaml --table gold.transactions --mode merge --key transaction_id\n\nRunning it again is safe: steps already committed for the batch are skipped.')
    .action(
      action(async (ctx, arg: string, opts: PromoteFlags) => {
        if (opts.to !== 'silver' && opts.to !== 'gold') throw new CliUsageError(`--to must be silver or gold, got '${opts.to}'`);
        if (opts.to === 'gold' && opts.table === undefined) throw new CliUsageError('--to gold needs --table <namespace.table>');
        if (!['append', 'merge', 'overwrite-partitions'].includes(opts.mode)) throw new CliUsageError(`--mode must be append, merge or overwrite-partitions, got '${opts.mode}'`);
        const key = opts.key?.split(',').map((k) => k.trim()).filter((k) => k !== '');
        if (opts.mode === 'merge' && (key === undefined || key.length === 0)) throw new CliUsageError('--mode merge needs --key <columns>');
        const lake = await openCliLake(ctx);
        const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io });
        const silver = new SilverWriter({ root: lake.silver.root, io: lake.silver.io });
        const asPath = resolve(ctx.cwd, arg);
        let manifestUri: string | undefined = /^[a-z][a-z0-9+.-]*:\/\//i.test(arg) ? arg : existsSync(asPath) && statSync(asPath).isFile() ? pathToFileURL(asPath).href : undefined;
        if (manifestUri === undefined) {
          for await (const m of bronze.manifests(arg)) manifestUri = m.location;
          if (manifestUri === undefined) throw new CliUsageError(`${arg} is neither an ingestion manifest nor a source with batches in bronze; run \`lakekit ingest <file> --source ${arg}\` first`);
        }
        const manifest = await bronze.readManifest(manifestUri);
        const rules = opts.rules === undefined ? undefined : await readRules(ctx, opts.rules);
        const base: PromoteOptions = {
          bronze,
          silver,
          batch: manifest,
          dataset: opts.dataset,
          silverOptions: { domain: opts.domain ?? opts.dataset.split('.')[0]!, date: opts.date ?? manifest.ingestDate },
          ...(rules === undefined ? {} : { qualityGate: qualityGate(rules) }),
        };
        const progress = ctx.progress(`promoting ${manifest.source}/${manifest.batchId}`, 1);
        let result = await promote(base);
        if (opts.to === 'gold' && result.status === 'completed') {
          const current = await silver.current(opts.dataset);
          if (current === undefined) throw new CliUsageError(`silver dataset ${opts.dataset} is empty; nothing to promote to gold`);
          const schema = arrowToIcebergSchema((await silver.read(opts.dataset, { version: current.version, filter: () => false })).schema);
          const table = await ensureGoldTable(lake.catalog, opts.table!, schema);
          const toGold = await promote({ ...base, gold: { table, mode: opts.mode as 'append' | 'merge' | 'overwrite-partitions', ...(key === undefined ? {} : { key }) } });
          // One report: bronze and silver as the first pass did them, then the gold step.
          result = { ...toGold, steps: [...result.steps, ...toGold.steps.filter((s) => s.step === 'gold')], malformed: result.malformed };
        }
        progress.done();
        ctx.result(result, () =>
          [
            textTable(['step', 'status', 'rows in', 'rows out', 'files', 'version / snapshot'], result.steps.map((s) => [s.step, s.status === 'quality-failed' ? ctx.style('red', s.status) : s.status, s.rowsIn, s.rowsOut, s.files, s.version ?? s.snapshotId ?? ''])),
            ...result.malformed.map((m) => `${m.file}: ${m.rows.length} malformed row(s) left in bronze (lines ${m.rows.map((r) => r.line).join(', ')})`),
            ...(result.quarantine === undefined ? [] : [ctx.style('red', `quality gate blocked the promotion; ${result.quarantine.rows} failing row(s) quarantined → ${result.quarantine.location}`)]),
          ].join('\n'),
        );
        return result.status === 'quality-failed' ? ExitCode.ChecksFailed : ExitCode.Ok;
      }),
    );
}
