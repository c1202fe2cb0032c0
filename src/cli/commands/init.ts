/** `lakekit init`: write a commented `lakekit.config.yaml` for a local lake. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliUsageError } from '../context.js';
import type { Registrar } from '../main.js';

/** The configuration `lakekit init` writes: the embedded default, spelled out. */
export const INIT_CONFIG = `# lakekit configuration — see docs/zones.md for every key.
# Roots may be local paths (relative to this file), file:///abs/path or s3://bucket/prefix.
name: lake
root: ./lake
zones:
  bronze:
    retention:
      days: 2557          # seven years; add objectLock: COMPLIANCE on S3
  # silver: { root: s3://datax-silver/lake, kmsKeyId: alias/datax-silver }
  # gold:   { root: s3://datax-gold/lake,   kmsKeyId: alias/datax-gold }
catalog:
  type: filesystem        # or: rest (Apache Polaris, any Iceberg REST catalog), glue
partitioning:
  silver: [domain, date]
`;

export function registerInitCommand({ program, action }: Registrar): void {
  program
    .command('init')
    .description('write lakekit.config.yaml for a local lake in the current directory')
    .option('--force', 'overwrite an existing lakekit.config.yaml')
    .addHelpText('after', '\nExample:\n  $ lakekit init && lakekit demo')
    .action(
      action(async (ctx, opts: { force?: boolean }) => {
        const file = resolve(ctx.cwd, 'lakekit.config.yaml');
        if (existsSync(file) && opts.force !== true) throw new CliUsageError('lakekit.config.yaml already exists here; pass --force to overwrite it');
        writeFileSync(file, INIT_CONFIG);
        ctx.result({ written: file }, () => `wrote ${file}`);
      }),
    );
}
