/**
 * The examples run as users run them: the ETL service against a temporary
 * local lake (twice: reruns are safe), the CI validation script on passing and
 * failing data, and the Polaris bootstrap against the spec-validating fake
 * Polaris server. examples/cdk-app.ts is run by test/unit/infra/example.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as ciValidation } from '../../examples/ci-validation.js';
import { main as polarisBootstrap } from '../../examples/polaris-bootstrap.js';
import { LocalFileIO } from '../../src/io/local.js';
import { LineageStore } from '../../src/lineage/index.js';
import { startFakePolaris } from './catalog/polaris/fake-polaris.js';

const ROOT = resolve(__dirname, '../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-examples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runExample(file: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'examples', file), ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('examples/etl-service.ts', () => {
  it('lands, checks, protects and publishes the sample extract, records lineage, and reruns safely', { timeout: 120_000 }, async () => {
    const lake = join(dir, 'etl', 'lake');
    for (let run = 0; run < 2; run++) {
      const r = runExample('etl-service.ts', ['--lake', lake]);
      expect(r.status, r.stderr).toBe(0);
      // The second run sends the same file: bronze recognises it and nothing is applied twice.
      expect(r.stdout).toMatch(run === 0 ? /gold\s+done\s+4/ : /read-bronze\s+skipped/);
      expect(r.stdout).toMatch(/gold\.customers: 4 rows/);
      // Emails are HMAC hex digests, phones masked but for the last digits.
      expect(r.stdout).toMatch(/"email":"[0-9a-f]{64}","phone":"\+[* ]+5678"/);
    }
    const store = await LineageStore.fromFileIO(new LocalFileIO(), `file://${lake}/_lineage/`);
    expect(store.problems).toEqual([]);
    expect(store.graph.runCount).toBeGreaterThanOrEqual(2);
    expect(store.graph.datasets().map((d) => d.name).join(' ')).toMatch(/customers/);
  });

  it('stops at the quality gate and quarantines a bad extract (exit 1)', { timeout: 120_000 }, async () => {
    const csv = join(dir, 'bad.csv');
    await writeFile(csv, 'customer_id,name,email,phone,country,signup_date\n1,A,a@example.com,+1 415 555 0100,US,2026-11-20\n1,B,not-an-email,+1 415 555 0101,XX,2026-11-20\n');
    const lake = join(dir, 'bad', 'lake');
    const r = runExample('etl-service.ts', [csv, '--lake', lake]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/quality gate failed \(.*primaryKey/);
    expect(existsSync(join(lake, 'silver', '_quarantine'))).toBe(true);
    expect(readdirSync(join(lake, 'gold', 'warehouse', 'gold'))).toContain('customers'); // the table exists, with no data
  });
});

describe('examples/ci-validation.ts', () => {
  beforeAll(async () => {
    await writeFile(join(dir, 'tx.csv'), 'id,currency,amount\n1,USD,10.5\n2,EUR,3\n3,USD,7\n');
    await writeFile(join(dir, 'tx-bad.csv'), 'id,currency,amount\n1,USD,10.5\n1,GBP,3\n');
    await writeFile(join(dir, 'tx.yaml'), 'keys: [id]\nrules:\n  - type: primaryKey\n    columns: [id]\n  - type: inSet\n    column: currency\n    values: [USD, EUR]\n');
    await writeFile(join(dir, 'tx.dqdl'), 'Rules = [ IsPrimaryKey "id", ColumnValues "currency" in ["USD", "EUR"] ]');
    await writeFile(join(dir, 'typo.yaml'), 'rules:\n  - type: isComplet\n    column: id\n');
  });
  const run = async (...args: string[]) => {
    let out = '';
    const code = await ciValidation(args, (s) => (out += s));
    return { code, out };
  };

  it('passes good data (YAML and DQDL rules) with exit 0 and a Markdown report', async () => {
    for (const rules of ['tx.yaml', 'tx.dqdl']) {
      const r = await run(join(dir, 'tx.csv'), join(dir, rules));
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/\*\*PASSED\*\*/);
    }
  });

  it('blocks bad data with exit 1, naming the rules', async () => {
    const r = await run(join(dir, 'tx-bad.csv'), join(dir, 'tx.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\*\*BLOCKED\*\*/);
    expect(r.out).toMatch(/primaryKey\(id\)/);
    expect(r.out).toMatch(/inSet\(currency\)/);
  });

  it('exits 2 on a missing file or an invalid rule file', async () => {
    expect((await run(join(dir, 'nope.csv'), join(dir, 'tx.yaml'))).code).toBe(2);
    expect((await run(join(dir, 'tx.csv'), join(dir, 'typo.yaml'))).code).toBe(2);
    expect((await run()).code).toBe(2);
  });
});

describe('examples/polaris-bootstrap.ts', () => {
  it('bootstraps the fake Polaris through OAuth2 once; a re-run creates nothing', { timeout: 60_000 }, async () => {
    const fake = await startFakePolaris();
    try {
      const env = { POLARIS_URI: fake.uri, POLARIS_CLIENT_ID: fake.root.clientId, POLARIS_CLIENT_SECRET: fake.root.clientSecret, LAKE_ENVIRONMENTS: 'dev,prod', LAKE_ROLE_ARN_PREFIX: 'arn:aws:iam::123456789012:role/polaris-' };
      expect(await polarisBootstrap(env)).toBe(0);
      expect([...fake.state.catalogs.keys()].sort()).toEqual(['datax_dev', 'datax_prod']);
      const writes = fake.writes.length;
      expect(await polarisBootstrap(env)).toBe(0);
      expect(fake.writes.length).toBe(writes);
      expect(fake.violations).toEqual([]);
      expect(await polarisBootstrap({ ...env, POLARIS_CLIENT_SECRET: 'wrong' })).toBe(2);
      expect(await polarisBootstrap({})).toBe(2);
    } finally {
      await fake.close();
    }
  });
});
