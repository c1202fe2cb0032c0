/**
 * `lakekit infra synth|cost` in-process: the synthesized platform passes the
 * cdk-nag packs (exit 0, template on disk), an insecure props file fails them
 * (exit 2, findings listed), and the cost report matches the library's
 * estimate for the same props and prices.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_US_EAST_1_PRICES, DESIGN_PRICES, estimateMonthlyCost, formatCostReport, type CostEstimate } from '../../../src/infra/index.js';
import { cli } from '../../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-cli-infra-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lakekit infra synth', () => {
  it('synthesizes the platform clean under the cdk-nag packs and names the template', { timeout: 240_000 }, async () => {
    const r = await cli(dir, '--json', 'infra', 'synth', '--out', 'assembly');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const doc = r.json<{ ok: boolean; stacks: { name: string; template: string; resources: number }[]; packs: string[]; placeholders: string[] }>();
    expect(doc.ok).toBe(true);
    expect(doc.packs).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321']);
    expect(doc.placeholders).toEqual(['emr.catalog', 'emr.tlsCertificatesS3Uri', 'loadBalancer.certificateArn']);
    const template = doc.stacks[0]!.template;
    expect(template).toBe(join(dir, 'assembly', 'LakekitPlatform.template.json'));
    const resources = (JSON.parse(readFileSync(template, 'utf8')) as { Resources: Record<string, { Type: string }> }).Resources;
    expect(Object.keys(resources)).toHaveLength(doc.stacks[0]!.resources);
    expect(Object.values(resources).map((x) => x.Type)).toContain('AWS::EMR::Cluster');
  });

  it('exits 2 and lists the findings when the props turn a safeguard off', { timeout: 240_000 }, async () => {
    await writeFile(join(dir, 'insecure.json'), JSON.stringify({ metastore: { deletionProtection: false, multiAz: false } }));
    const r = await cli(dir, '--json', 'infra', 'synth', '--props', 'insecure.json', '--out', 'insecure');
    expect(r.code).toBe(2);
    const doc = r.json<{ ok: boolean; findings: { pack: string; rule: string; constructs: string[] }[] }>();
    expect(doc.ok).toBe(false);
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(doc.findings.every((f) => f.constructs.some((c) => /Metastore|Polaris/i.test(c)))).toBe(true);
    expect(existsSync(join(dir, 'insecure', 'validation-report.json'))).toBe(true);
    const human = await cli(dir, 'infra', 'synth', '--props', 'insecure.json', '--out', 'insecure');
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/cdk-nag finding\(s\) neither fixed nor acknowledged/);
  });
});

describe('lakekit infra cost', () => {
  it('prints the library\'s report for the default props and list prices', async () => {
    const r = await cli(dir, 'infra', 'cost');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd()).toBe(formatCostReport(estimateMonthlyCost({}, AWS_US_EAST_1_PRICES)));
  });

  it('prices any usage in the props file exactly as estimateMonthlyCost does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ bronze: fc.integer({ min: 0, max: 500 }), silver: fc.integer({ min: 0, max: 500 }) }), fc.constantFrom('aws', 'design'), async (storedTb, prices) => {
        const file = join(dir, 'usage.json');
        await writeFile(file, JSON.stringify({ usage: { storedTb } }));
        const r = await cli(dir, '--json', 'infra', 'cost', '--props', 'usage.json', '--prices', prices);
        expect(r.code, r.stderr).toBe(0);
        const expected = estimateMonthlyCost({ usage: { storedTb } }, prices === 'aws' ? AWS_US_EAST_1_PRICES : DESIGN_PRICES);
        expect(r.json<CostEstimate>().monthly).toBe(expected.monthly);
      }),
      { numRuns: 15 },
    );
  });

  it('compares against the design prices with --compare', async () => {
    const r = await cli(dir, '--json', 'infra', 'cost', '--compare');
    const doc = r.json<{ reference: CostEstimate; estimate: CostEstimate; differences: { id: string; delta: number }[] }>();
    expect(doc.reference.monthly).toBe(estimateMonthlyCost({}, DESIGN_PRICES).monthly);
    const sum = doc.differences.reduce((s, d) => s + Math.round(d.delta * 100), 0);
    expect(sum).toBe(Math.round(doc.estimate.monthly * 100) - Math.round(doc.reference.monthly * 100));
    const human = await cli(dir, 'infra', 'cost', '--compare');
    expect(human.stdout).toMatch(/Against .*\/month/);
  });

  it('takes a partial price table from a file', async () => {
    await writeFile(join(dir, 'prices.json'), JSON.stringify({ name: 'negotiated', source: 'our EDP', ec2Hourly: { ...AWS_US_EAST_1_PRICES.ec2Hourly, 'r5.2xlarge': 0.3 } }));
    const r = await cli(dir, '--json', 'infra', 'cost', '--prices', 'prices.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<CostEstimate>().prices.name).toBe('negotiated');
    expect(r.json<CostEstimate>().monthly).toBeLessThan(estimateMonthlyCost().monthly);
  });
});

describe('usage errors', () => {
  beforeAll(async () => {
    await writeFile(join(dir, 'bad.json'), '{ not json');
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ metastor: {} }));
    await writeFile(join(dir, 'neg.json'), JSON.stringify({ usage: { spotShare: 2 } }));
    await writeFile(join(dir, 'noname.json'), JSON.stringify({ ec2Hourly: {} }));
  });
  it.each([
    [['infra', 'cost', '--props', 'missing.json'], /--props file missing\.json does not exist/],
    [['infra', 'cost', '--props', 'bad.json'], /--props file bad\.json is not valid JSON/],
    [['infra', 'cost', '--props', 'typo.json'], /--props file typo\.json is not valid platform props: .*metastor/],
    [['infra', 'cost', '--props', 'neg.json'], /usage\.spotShare must be a fraction between 0 and 1/],
    [['infra', 'cost', '--prices', 'noname.json'], /--prices file noname\.json is not a price table: name/],
    [['infra', 'synth', '--props', 'typo.json'], /not valid platform props/],
    [['infra', 'frob'], /unknown command 'frob'/],
  ])('%j → exit 2, one line', async (argv, message) => {
    const r = await cli(dir, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
