/** examples/cdk-app.ts runs as a CDK app would (CDK_OUTDIR set by the CLI) and writes the platform's template. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const out = mkdtempSync(join(tmpdir(), 'lakekit-example-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/cdk-app.ts', () => {
  it('synthesizes the whole platform, passing the cdk-nag packs', { timeout: 180_000 }, () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: out, CDK_DEFAULT_REGION: 'us-east-1' };
    delete env.CDK_DEFAULT_ACCOUNT;
    const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'examples/cdk-app.ts')], { cwd: ROOT, env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const file = join(out, 'LakekitPlatform.template.json');
    expect(existsSync(file)).toBe(true);
    const types = Object.values((JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, { Type: string }> }).Resources).map((x) => x.Type);
    for (const t of ['AWS::EMR::Cluster', 'AWS::RDS::DBInstance', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CloudTrail::Trail', 'AWS::LakeFormation::DataLakeSettings']) expect(types).toContain(t);
  });
});
