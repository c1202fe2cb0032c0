/** `lakekit protect <file|dataset> --policy <file> --out <path>`: mask, hash or tokenize the sensitive columns. */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { applyPolicy, LocalKeyring, type ProtectionPolicy } from '../../classification/index.js';
import { LocalFileIO } from '../../io/local.js';
import { CliUsageError } from '../context.js';
import { textTable } from '../format.js';
import type { Registrar } from '../main.js';
import { loadData, writeData } from '../demo/datasets.js';
import { datesAsText, fitPolicy } from '../demo/rules.js';

const keep = z.object({ keepFirst: z.number().int().nonnegative().optional(), keepLast: z.number().int().nonnegative().optional() });
const protection = z.discriminatedUnion('action', [
  keep.extend({ action: z.literal('mask'), scope: z.enum(['value', 'matches']).optional(), char: z.string().length(1).optional() }).strict(),
  z.object({ action: z.literal('redact'), scope: z.enum(['value', 'matches']).optional(), replacement: z.string().optional() }).strict(),
  z.object({ action: z.literal('hash'), key: z.string().min(1) }).strict(),
  keep.extend({ action: z.literal('tokenize'), key: z.string().min(1), luhn: z.boolean().optional(), alphabet: z.string().optional() }).strict(),
  z.object({ action: z.literal('encrypt'), key: z.string().min(1) }).strict(),
  z.object({ action: z.literal('keep') }).strict(),
]);
/** The policy file: the `applyPolicy` policy plus the keyring file (relative to the policy file). */
const policyFile = z
  .object({
    keyring: z.string().min(1).optional(),
    columns: z.record(z.string(), protection).optional(),
    types: z.record(z.string(), protection).optional(),
    levels: z.partialRecord(z.enum(['public', 'internal', 'confidential', 'restricted']), protection).optional(),
  })
  .strict();

export function registerProtectCommand({ program, action }: Registrar): void {
  program
    .command('protect')
    .argument('<file|dataset>', 'a data file (CSV, JSON, JSONL, Parquet, Avro), a silver dataset or an Iceberg table')
    .requiredOption('-p, --policy <file>', 'protection policy (YAML or JSON): columns / types / levels → mask | redact | hash | tokenize | encrypt | keep, and keyring: <file>')
    .requiredOption('-o, --out <path>', 'where to write the protected data (.parquet, .jsonl or .csv)')
    .description('apply a masking / hashing / tokenization policy to a dataset (keys from a local keyring, never printed)')
    .addHelpText('after', '\nExample:\n  $ lakekit protect incoming/customers.csv --policy policy.yaml --out protected/customers.parquet\n\nColumn rules for columns the data does not have are ignored, so one policy serves several datasets.\nThe keyring file is created on first use (random 256-bit keys); keep it private.')
    .action(
      action(async (ctx, arg: string, opts: { policy: string; out: string }) => {
        const policyPath = resolve(ctx.cwd, opts.policy);
        if (!existsSync(policyPath)) throw new CliUsageError(`policy file ${opts.policy} does not exist; see \`lakekit protect --help\``);
        let raw: unknown;
        try {
          raw = parse(await readFile(policyPath, 'utf8'));
        } catch (e) {
          throw new CliUsageError(`policy file ${opts.policy} is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
        }
        const parsed = policyFile.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw new CliUsageError(`policy file ${opts.policy}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        }
        const { keyring, ...rules } = parsed.data;
        const io = new LocalFileIO();
        const keyPath = resolve(dirname(policyPath), keyring ?? 'keyring.json');
        const keys = existsSync(keyPath) ? await LocalKeyring.load(io, pathToFileURL(keyPath).href) : new LocalKeyring();
        const data = await loadData(ctx, arg);
        const input = datesAsText(data.table, Object.keys(rules.columns ?? {}));
        const { table, report } = await applyPolicy(input, fitPolicy({ ...(rules as Omit<ProtectionPolicy, 'keys'>), keys }, input));
        if (!existsSync(keyPath)) {
          await mkdir(dirname(keyPath), { recursive: true });
          await keys.save(io, pathToFileURL(keyPath).href);
        }
        const out = await writeData(ctx, table, opts.out);
        const columns = report.columns.map((c) => ({ column: c.column, action: c.action, rule: c.rule, types: c.types, sensitivity: c.sensitivity ?? null, values: c.values, key: c.key ?? null }));
        ctx.result({ source: data.name, out, rows: report.rows, columns }, () =>
          [
            textTable(['column', 'action', 'chosen by', 'types', 'values', 'key'], columns.map((c) => [c.column, c.action, c.rule, c.types.join(', '), c.values, c.key === null ? '' : `${c.key.name} v${c.key.version}`])),
            '',
            `${report.rows} rows protected → ${out}`,
          ].join('\n'),
        );
      }),
    );
}
