/**
 * `lakekit infra synth|cost`: the platform as code. `synth` builds the CDK
 * cloud assembly with the cdk-nag AwsSolutions, NIST 800-53 rev 5 and PCI DSS
 * 3.2.1 packs (exit 2 when a finding is neither fixed nor acknowledged);
 * `cost` prints the monthly estimate. `lakekit/infra` and cdk-nag are loaded
 * only when these commands run, so the rest of the CLI needs neither.
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { DataLakePlatformProps } from '../../infra/data-lake-platform-props.js';
import type { CostEstimate, CostModelProps } from '../../infra/cost.js';
import type { PriceTable } from '../../infra/prices.js';
import { ExitCode, CliUsageError, type CliContext } from '../context.js';
import { textTable } from '../format.js';
import type { Registrar } from '../main.js';

/** Placeholders for the three props without a safe default: they synthesize but do not deploy. */
export const PLACEHOLDER_PLATFORM_PROPS: DataLakePlatformProps = {
  emr: {
    catalog: { uri: 'https://polaris.internal.example.com/api/catalog', warehouse: 'lake' },
    tlsCertificatesS3Uri: 's3://example-emr-tls/certs.zip',
  },
  loadBalancer: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000' },
};

/** Default cloud assembly directory of `lakekit infra synth`. */
export const DEFAULT_SYNTH_OUT = 'cdk.out';

const section = z.record(z.string(), z.unknown());
/** The props file: the platform's props as JSON (top-level keys checked here, the rest by the constructs). */
const propsFileSchema = z.strictObject({
  network: section.optional(),
  buckets: section.optional(),
  emr: section.optional(),
  metastore: section.optional(),
  loadBalancer: section.optional(),
  monitoring: section.optional(),
  lakeFormation: section.optional(),
  removalPolicy: z.enum(['retain', 'destroy', 'snapshot', 'retain-on-update-or-delete']).optional(),
  usage: section.optional(),
});
const pricesFileSchema = z.looseObject({ name: z.string().min(1), source: z.string().min(1) });

function readJson(ctx: CliContext, file: string, flag: string): unknown {
  const path = resolve(ctx.cwd, file);
  if (!existsSync(path)) throw new CliUsageError(`${flag} file ${file} does not exist; pass a JSON file`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new CliUsageError(`${flag} file ${file} is not valid JSON (${(e as Error).message}); fix the file`);
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** The props file over the placeholders (sections merged one level deep). */
function loadProps(ctx: CliContext, file: string | undefined): { props: DataLakePlatformProps; placeholders: string[] } {
  const parsed = file === undefined ? {} : propsFileSchema.safeParse(readJson(ctx, file, '--props'));
  if (file !== undefined && !(parsed as { success: boolean }).success) throw new CliUsageError(`--props file ${file} is not valid platform props: ${issues((parsed as { error: z.ZodError }).error)}`);
  const given = (file === undefined ? {} : (parsed as { data: z.infer<typeof propsFileSchema> }).data) as Record<string, Record<string, unknown> | undefined>;
  const placeholders: string[] = [];
  if (given.emr?.catalog === undefined) placeholders.push('emr.catalog');
  if (given.emr?.tlsCertificatesS3Uri === undefined) placeholders.push('emr.tlsCertificatesS3Uri');
  if (given.loadBalancer?.certificateArn === undefined) placeholders.push('loadBalancer.certificateArn');
  const props = {
    ...given,
    emr: { ...PLACEHOLDER_PLATFORM_PROPS.emr, ...given.emr },
    loadBalancer: { ...PLACEHOLDER_PLATFORM_PROPS.loadBalancer, ...given.loadBalancer },
  } as unknown as DataLakePlatformProps;
  return { props, placeholders };
}

function loadPrices(ctx: CliContext, value: string | undefined, builtIn: { aws: PriceTable; design: PriceTable }): PriceTable {
  if (value === undefined || value === 'aws') return builtIn.aws;
  if (value === 'design') return builtIn.design;
  const parsed = pricesFileSchema.safeParse(readJson(ctx, value, '--prices'));
  if (!parsed.success) throw new CliUsageError(`--prices file ${value} is not a price table: ${issues(parsed.error)}`);
  // A file may override only some prices; the rest stay AWS list prices.
  return { ...builtIn.aws, ...parsed.data } as unknown as PriceTable;
}

interface Violation {
  pack: string;
  rule: string;
  description: string;
  constructs: string[];
}

/** The findings CDK wrote to `validation-report.json` when plugins failed the synthesis. */
function readViolations(outDir: string): Violation[] | undefined {
  const file = join(outDir, 'validation-report.json');
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports?: { pluginName: string; violations?: { ruleName: string; description: string; violatingConstructs?: { constructPath: string }[] }[] }[];
  };
  return (report.pluginReports ?? []).flatMap((p) =>
    (p.violations ?? []).map((v) => ({ pack: p.pluginName, rule: v.ruleName, description: v.description, constructs: (v.violatingConstructs ?? []).map((c) => c.constructPath) })),
  );
}

/** CDK prints its validation report on the console; the command summarizes it instead, so `--json` stays one document. */
async function quietConsole<T>(fn: () => T): Promise<T> {
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  console.log = console.error = console.warn = console.info = () => undefined;
  try {
    return await Promise.resolve().then(fn);
  } finally {
    Object.assign(console, saved);
  }
}

async function synth(ctx: CliContext, opts: { out?: string; props?: string; region?: string; stackName?: string }): Promise<ExitCode> {
  const { props, placeholders } = loadProps(ctx, opts.props);
  const infra = await import('../../infra/index.js');
  // A variable specifier keeps the bundler from inlining cdk-nag (a dev/optional dependency) into dist/cli.
  const nagModule = 'cdk-nag';
  const nag = await (import(nagModule) as Promise<typeof import('cdk-nag')>).catch(() => {
    throw new CliUsageError('cdk-nag is not installed; run `npm i -D cdk-nag` (the synthesis checks the platform with its packs)');
  });
  const outDir = resolve(ctx.cwd, opts.out ?? DEFAULT_SYNTH_OUT);
  mkdirSync(outDir, { recursive: true });
  const region = opts.region ?? ctx.streams.env.CDK_DEFAULT_REGION ?? ctx.streams.env.AWS_REGION ?? 'us-east-1';
  const account = ctx.streams.env.CDK_DEFAULT_ACCOUNT;
  const packs = [new nag.AwsSolutionsChecks(), new nag.NIST80053R5Checks(), new nag.PCIDSS321Checks()];
  const progress = ctx.progress('synthesizing the platform', 1);
  let result: ReturnType<typeof infra.synthPlatform>;
  try {
    result = await quietConsole(() => infra.synthPlatform(props, outDir, { env: { region, ...(account === undefined ? {} : { account }) }, plugins: packs, ...(opts.stackName === undefined ? {} : { stackName: opts.stackName }) }));
  } catch (e) {
    progress.done('synthesis stopped');
    const violations = readViolations(outDir);
    if (violations === undefined) throw e;
    const doc = { ok: false, outDir, packs: packs.map((p) => p.readPackName), findings: violations };
    ctx.result(doc, () =>
      [
        ctx.style('red', `${violations.length} cdk-nag finding(s) neither fixed nor acknowledged:`),
        textTable(['pack', 'rule', 'construct', 'finding'], violations.map((v) => [v.pack, v.rule, v.constructs.join(', '), v.description]), 60),
        `Fix them in the props, or acknowledge each with its reason (docs/infra.md); full report: ${join(outDir, 'validation-report.json')}`,
      ].join('\n'),
    );
    return ExitCode.Error;
  }
  progress.done();
  const resources = Object.keys((JSON.parse(readFileSync(result.templatePath, 'utf8')) as { Resources?: object }).Resources ?? {}).length;
  const doc = { ok: true, outDir: result.outDir, stacks: [{ name: result.stack.stackName, region, template: result.templatePath, resources }], packs: packs.map((p) => p.readPackName), placeholders };
  ctx.result(doc, () =>
    [
      `${ctx.style('green', 'synthesized')} ${result.stack.stackName} (${region}): ${resources} resources, cdk-nag packs clean: ${doc.packs.join(', ')}`,
      `  template: ${relative(ctx.cwd, result.templatePath) || result.templatePath}`,
      `  cloud assembly: ${relative(ctx.cwd, result.outDir) || '.'}  (deploy with \`npx cdk deploy --app ${relative(ctx.cwd, result.outDir) || '.'}\`)`,
      ...(placeholders.length === 0 ? [] : [ctx.style('yellow', `  placeholders used for ${placeholders.join(', ')}: set them in --props before deploying`)]),
    ].join('\n'),
  );
  return ExitCode.Ok;
}

const money = (n: number): string => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

async function cost(ctx: CliContext, opts: { props?: string; prices?: string; compare?: boolean }): Promise<ExitCode> {
  const { estimateMonthlyCost, formatCostReport, compareEstimates } = await import('../../infra/cost.js');
  const { AWS_US_EAST_1_PRICES, DESIGN_PRICES } = await import('../../infra/prices.js');
  const props = opts.props === undefined ? {} : (loadProps(ctx, opts.props).props as CostModelProps);
  const prices = loadPrices(ctx, opts.prices, { aws: AWS_US_EAST_1_PRICES, design: DESIGN_PRICES });
  const estimate: CostEstimate = estimateMonthlyCost(props, prices);
  if (opts.compare !== true) {
    ctx.result(estimate, () => formatCostReport(estimate));
    return ExitCode.Ok;
  }
  const reference = estimateMonthlyCost(props, DESIGN_PRICES);
  const differences = compareEstimates(reference, estimate);
  ctx.result({ reference, estimate, differences }, () =>
    [
      formatCostReport(estimate),
      '',
      `Against ${reference.prices.name} (${money(reference.monthly)}/month): ${estimate.monthly >= reference.monthly ? '+' : '−'}${money(Math.abs(estimate.monthly - reference.monthly))}/month`,
      textTable(['line', 'reference', 'actual', 'delta', 'why'], differences.map((d) => [d.label, money(d.reference), money(d.actual), money(d.delta), d.reason]), 70),
    ].join('\n'),
  );
  return ExitCode.Ok;
}

export function registerInfraCommands({ program, action }: Registrar): void {
  const infra = program.command('infra').description('the AWS platform as code: synthesize it (CDK + cdk-nag) and estimate its monthly cost');
  infra
    .command('synth')
    .description('synthesize the platform to a CDK cloud assembly, checked by the cdk-nag AwsSolutions, NIST 800-53 rev 5 and PCI DSS 3.2.1 packs (exit 2 on findings)')
    .option('-o, --out <dir>', 'cloud assembly directory', DEFAULT_SYNTH_OUT)
    .option('-p, --props <file.json>', 'platform props as JSON (DataLakePlatformProps; see docs/infra.md); missing required values get placeholders')
    .option('--region <region>', 'AWS region of the stack (default: CDK_DEFAULT_REGION, AWS_REGION, else us-east-1)')
    .option('--stack-name <name>', 'stack name', 'LakekitPlatform')
    .addHelpText('after', '\nExample:\n  $ lakekit infra synth --props platform.json --out cdk.out\n  $ npx cdk deploy --app cdk.out')
    .action(action(async (ctx, opts: { out?: string; props?: string; region?: string; stackName?: string }) => synth(ctx, opts)));
  infra
    .command('cost')
    .description('the monthly cost estimate of the platform (EMR, storage, managed services, networking)')
    .option('-p, --props <file.json>', 'platform props as JSON; `usage` sets stored TB, task nodes, egress…')
    .option('--prices <file.json|aws|design>', 'price table: aws (us-east-1 list prices), design (the design document\'s), or a JSON file overriding list prices', 'aws')
    .option('--compare', 'explain, line by line, how the estimate differs from the design\'s prices')
    .addHelpText('after', '\nExample:\n  $ lakekit infra cost --compare\n  $ lakekit --json infra cost --props platform.json | jq .monthly')
    .action(action(async (ctx, opts: { props?: string; prices?: string; compare?: boolean }) => cost(ctx, opts)));
}
