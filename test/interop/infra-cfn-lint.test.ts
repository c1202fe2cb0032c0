/**
 * cfn-lint (PyPI, pinned in the test-peer venv) over the synthesized
 * templates: the default platform and a non-default one. Errors fail;
 * warnings are reported by cfn-lint but do not fail (the issue asks for zero errors).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { synthPlatform, type DataLakePlatformProps } from '../../src/infra/index.js';
import { runCommand, venvBin } from '../helpers/peers.js';
import { TEST_ENV, TEST_PLATFORM_PROPS } from '../unit/infra/fixture.js';

interface Match { Level: string; Rule: { Id: string }; Message: string; Location: { Path: unknown[] } }
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function lint(props: DataLakePlatformProps): Promise<Match[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lakekit-cfn-'));
  dirs.push(dir);
  const { templatePath } = synthPlatform(props, dir, { env: TEST_ENV });
  const r = await runCommand(venvBin('cfn-lint'), ['--format', 'json', '--', templatePath], {}, { timeoutMs: 240_000 });
  // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
  expect(r.code! & ~(2 | 4 | 8), r.stderr).toBe(0);
  return JSON.parse(r.stdout || '[]') as Match[];
}

describe('cfn-lint', () => {
  it('finds no errors in the default platform template', { timeout: 300_000 }, async () => {
    const matches = await lint(TEST_PLATFORM_PROPS);
    expect(matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message}`)).toEqual([]);
  });

  it('finds no errors in a transient, replicated, internet-facing variant', { timeout: 300_000 }, async () => {
    const matches = await lint({
      ...TEST_PLATFORM_PROPS,
      emr: { ...TEST_PLATFORM_PROPS.emr, autoTerminationIdleSeconds: 3600, airflow: false, taskOnSpot: false },
      buckets: { objectLockMode: 'GOVERNANCE', replication: { destinationBucketArns: { bronze: 'arn:aws:s3:::dr-bronze' }, destinationKeyArns: { bronze: 'arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555' } } },
      metastore: { multiAz: false },
      loadBalancer: { ...TEST_PLATFORM_PROPS.loadBalancer, internetFacing: true, allowedCidrs: ['203.0.113.0/24'] },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    expect(matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message}`)).toEqual([]);
  });
});
