/**
 * The synthesized platform against the cdk-nag packs the issue names
 * (AwsSolutions, NIST 800-53 rev 5, PCI DSS 3.2.1), cdk-nag 3 API: every
 * finding is fixed or acknowledged with a written reason, through CDK's own
 * policy-validation step (a finding would fail synthesis) and by direct scan.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACKNOWLEDGEMENTS } from '../../src/infra/compliance.js';
import { synthPlatform, type SynthResult } from '../../src/infra/index.js';
import { TEST_ENV, TEST_PLATFORM_PROPS } from '../unit/infra/fixture.js';

const packs = () => [new AwsSolutionsChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()];
const findings = (scope: App): string[] =>
  packs().flatMap((p) => p.validateScope(scope).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}: ${v.description}`)));

let dir: string;
let result: SynthResult;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakekit-nag-'));
  // The packs run as CDK validation plugins: any unacknowledged finding makes synth throw.
  result = synthPlatform(TEST_PLATFORM_PROPS, dir, { env: TEST_ENV, plugins: packs() });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cdk-nag packs', () => {
  it('report no unacknowledged finding on the default platform', () => {
    expect(findings(result.app)).toEqual([]);
    const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as { pluginReports?: { summary: { status: string } }[] };
    for (const r of report.pluginReports ?? []) expect(r.summary.status).toBe('success');
  });

  it('every cdk-nag acknowledgement in the tree carries a written reason from the documented table', () => {
    const reasons = new Set<string>(Object.values(ACKNOWLEDGEMENTS).map((a) => a.reason));
    const seen: { id: string; reason: string }[] = [];
    for (const c of result.app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(m.data as Record<string, string>)) if (/^(Annotation::)?(AwsSolutions|NIST|PCI)/i.test(id)) seen.push({ id, reason });
      }
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const a of seen) {
      expect(a.reason.length, a.id).toBeGreaterThan(40);
      expect(reasons.has(a.reason), a.id).toBe(true);
    }
  });

  it('do catch what the platform fixes (a bare bucket is flagged by all three packs)', () => {
    const app = new App();
    new s3.Bucket(new Stack(app, 'Bare', { env: TEST_ENV }), 'Bucket');
    const rules = findings(app).map((f) => f.split(' ')[0]);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3BucketLoggingEnabled']));
  });
});
