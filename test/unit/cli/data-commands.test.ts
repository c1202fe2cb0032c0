import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateExtract } from '../../../src/cli/demo/generate.js';
import { cli } from '../../helpers/cli.js';

const ROWS = 40;
const SEED = 11;

describe('lakekit ingest / promote / check / classify / protect', () => {
  let cwd: string;
  let dir: string;
  const extract = generateExtract({ rows: ROWS, seed: SEED });

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'lakekit-data-'));
    dir = join(cwd, 'lakekit-demo');
    const demo = await cli(cwd, 'demo', '--rows', String(ROWS), '--seed', String(SEED));
    expect(demo.code).toBe(0);
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('every command has --help with an example', async () => {
    for (const c of ['ingest', 'promote', 'check', 'classify', 'protect']) {
      const r = await cli(dir, c, '--help');
      expect([c, r.code, r.stdout.includes('Example:')]).toEqual([c, 0, true]);
    }
  });

  describe('ingest', () => {
    it('stores new files with their SHA-256 and reports re-sent content as duplicate', async () => {
      await mkdir(join(dir, 'drop', 'nested'), { recursive: true });
      await writeFile(join(dir, 'drop', 'a.csv'), 'id,name\n1,Ada\n');
      await writeFile(join(dir, 'drop', 'nested', 'b.jsonl'), '{"id":2}\n');
      const first = await cli(dir, '--json', 'ingest', 'drop', '--source', 'crm');
      expect(first.code).toBe(0);
      const a = first.json<{ stored: number; duplicates: number; files: { name: string; sha256: string; status: string }[] }>();
      expect([a.stored, a.duplicates, a.files.map((f) => f.name).sort()]).toEqual([2, 0, ['a.csv', 'nested/b.jsonl']]);
      expect(a.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
      const again = (await cli(dir, '--json', 'ingest', 'drop/a.csv', '--source', 'crm')).json<{ stored: number; duplicates: number }>();
      expect([again.stored, again.duplicates]).toEqual([0, 1]);
      const human = await cli(dir, 'ingest', 'drop/a.csv', '--source', 'crm');
      expect(human.stdout).toContain('duplicate');
    });

    it('exits 2 on a missing file or a missing --source', async () => {
      const missing = await cli(dir, 'ingest', 'nope.csv', '--source', 'crm');
      expect([missing.code, missing.stderr.split('\n').filter((l) => l !== '').length]).toEqual([2, 1]);
      expect((await cli(dir, 'ingest', 'drop')).code).toBe(2);
    });
  });

  describe('check', () => {
    it('fails (exit 1) on the incoming extract, quarantining exactly the bad rows', async () => {
      const r = await cli(dir, '--json', 'check', 'incoming/transactions.csv', '--rules', 'rules/transactions.yaml', '--quarantine', 'q');
      expect(r.code).toBe(1);
      const doc = r.json<{ passed: boolean; failingRows: unknown[]; quarantine: { location: string; rows: number }; malformed: unknown[] }>();
      expect([doc.passed, doc.failingRows.length, doc.quarantine.rows, doc.malformed.length]).toEqual([false, extract.badRows.transactions, extract.badRows.transactions, extract.malformedLines.transactions]);
      expect(existsSync(doc.quarantine.location)).toBe(true);
    });

    it('passes (exit 0) on the silver dataset and on a Parquet file with its silver rules', async () => {
      expect((await cli(dir, 'check', 'core.transactions', '--rules', 'rules/transactions.silver.yaml')).code).toBe(0);
      const quarantined = (await cli(dir, '--json', 'check', 'incoming/transactions.csv', '--rules', 'rules/transactions.yaml', '--quarantine', 'q2')).json<{ quarantine: { location: string } }>();
      const onParquet = await cli(dir, '--json', 'check', quarantined.quarantine.location, '--rules', 'rules/transactions.yaml');
      expect(onParquet.json<{ rowCount: number }>().rowCount).toBe(extract.badRows.transactions);
    });

    it('reads DQDL and checks gold tables', async () => {
      await writeFile(join(dir, 'kpi.dqdl'), 'Rules = [ IsComplete "currency", ColumnValues "transactions" >= 1 ]');
      expect((await cli(dir, 'check', 'gold.daily_kpis', '--rules', 'kpi.dqdl')).code).toBe(0);
      await writeFile(join(dir, 'strict.dqdl'), 'Rules = [ RowCount > 1000000 ]');
      expect((await cli(dir, 'check', 'gold.daily_kpis', '--rules', 'strict.dqdl')).code).toBe(1);
    });

    it('exits 2 on a missing rule file, a bad rule file or an unknown dataset', async () => {
      expect((await cli(dir, 'check', 'incoming/transactions.csv', '--rules', 'nope.yaml')).code).toBe(2);
      await writeFile(join(dir, 'bad.yaml'), 'rules:\n  - type: isComplet\n    column: amount\n');
      const bad = await cli(dir, 'check', 'incoming/transactions.csv', '--rules', 'bad.yaml');
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('isComplete')]);
      expect((await cli(dir, 'check', 'no.such.dataset', '--rules', 'rules/transactions.yaml')).code).toBe(2);
      expect((await cli(dir, 'check', 'incoming/transactions.csv')).code).toBe(2);
    });
  });

  describe('classify', () => {
    it('finds the PII columns of a file', async () => {
      const r = await cli(dir, '--json', 'classify', 'incoming/customers.csv', '--full');
      expect(r.code).toBe(0);
      const cols = Object.fromEntries(r.json<{ columns: { column: string; types: string[]; sensitivity: string }[] }>().columns.map((c) => [c.column, c]));
      expect(cols.card_number).toMatchObject({ types: ['CREDIT_CARD'], sensitivity: 'restricted' });
      expect(cols.email!.types).toEqual(['EMAIL']);
      expect(cols.ssn!.types).toEqual(['US_SSN']);
      expect(cols.country!.sensitivity).toBe('public');
      const human = await cli(dir, 'classify', 'core.accounts');
      expect(human.stdout).toContain('ABA_ROUTING');
    });

    it('exits 2 on a bad --sample', async () => {
      expect((await cli(dir, 'classify', 'incoming/customers.csv', '--sample', '0')).code).toBe(2);
    });
  });

  describe('protect', () => {
    it('applies the policy with the demo keyring: tokens join with silver, no raw card is left', async () => {
      const r = await cli(dir, '--json', 'protect', 'incoming/customers.csv', '--policy', 'policy.yaml', '--out', 'out/customers.csv');
      expect(r.code).toBe(0);
      const out = await readFile(join(dir, 'out', 'customers.csv'), 'utf8');
      for (const c of extract.secrets.cards) expect(out.includes(c) || out.includes(c.replace(/(\d{4})(?=\d)/g, '$1 '))).toBe(false);
      // Same keys as the demo: the hashed emails equal those in silver, so protected data still joins.
      const silver = (await cli(dir, '--json', 'table', 'scan', 'gold.customers', '--select', 'email', '--limit', '10000')).json<{ rows: { email: string }[] }>();
      const hashes = new Set(silver.rows.map((x) => x.email));
      const emails = out.trim().split('\n').slice(1).map((l) => l.split(',')[3]);
      expect(emails.filter((e) => hashes.has(e!)).length).toBeGreaterThan(0);
      const report = r.json<{ columns: { column: string; action: string }[] }>().columns;
      expect(report.find((c) => c.column === 'card_number')?.action).toBe('tokenize');
      expect(JSON.stringify(report)).not.toContain(JSON.parse(await readFile(join(dir, '_keys', 'keyring.json'), 'utf8')).keys.pan[0]);
    });

    it('writes Parquet that check can read back', async () => {
      expect((await cli(dir, 'protect', 'core.customers', '--policy', 'policy.yaml', '--out', 'out/c.parquet')).code).toBe(0);
      const r = await cli(dir, '--json', 'check', 'out/c.parquet', '--rules', 'rules/customers.yaml');
      expect(r.json<{ rowCount: number }>().rowCount).toBe(extract.counts.customers);
    });

    it('exits 2 on an invalid policy or output', async () => {
      await writeFile(join(dir, 'bad-policy.yaml'), 'types:\n  EMAIL: { action: scramble }\n');
      const bad = await cli(dir, 'protect', 'incoming/customers.csv', '--policy', 'bad-policy.yaml', '--out', 'x.csv');
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('types.EMAIL')]);
      expect((await cli(dir, 'protect', 'incoming/customers.csv', '--policy', 'policy.yaml', '--out', 'x.xlsx')).code).toBe(2);
      expect((await cli(dir, 'protect', 'incoming/customers.csv', '--policy', 'nope.yaml', '--out', 'x.csv')).code).toBe(2);
    });
  });

  describe('promote', () => {
    it('promotes a source to silver and gold, and is a no-op when run again', async () => {
      await mkdir(join(dir, 'shop'), { recursive: true });
      await writeFile(join(dir, 'shop', 'orders.csv'), 'order_id,amount,currency\n1,9.50,EUR\n2,1.25,THB\n3,4.00,USD\n');
      await writeFile(join(dir, 'orders.yaml'), 'rules:\n  - type: primaryKey\n    columns: [order_id]\n  - type: between\n    column: amount\n    min: 0\n');
      expect((await cli(dir, 'ingest', 'shop', '--source', 'shop')).code).toBe(0);
      const args = ['promote', 'shop', '--to', 'gold', '--dataset', 'shop.orders', '--rules', 'orders.yaml', '--table', 'gold.orders', '--mode', 'merge', '--key', 'order_id'];
      const r = await cli(dir, '--json', ...args);
      expect(r.code).toBe(0);
      expect(r.json<{ steps: { step: string; status: string; rowsOut: number }[] }>().steps.map((s) => `${s.step}:${s.status}:${s.rowsOut}`)).toEqual(['read-bronze:done:3', 'silver:done:3', 'gold:done:3']);
      const again = (await cli(dir, '--json', ...args)).json<{ steps: { status: string }[] }>();
      expect(again.steps.map((s) => s.status)).toEqual(['skipped', 'skipped', 'skipped']);
      const scan = (await cli(dir, '--json', 'table', 'scan', 'gold.orders')).json<{ matched: number }>();
      expect(scan.matched).toBe(3);
    });

    it('exits 1 when the quality gate blocks, with the failing rows quarantined', async () => {
      await mkdir(join(dir, 'pos'), { recursive: true });
      await writeFile(join(dir, 'pos', 'sales.csv'), 'order_id,amount,currency\n1,9.50,EUR\n2,-1.25,THB\n');
      await writeFile(join(dir, 'sales.yaml'), 'rules:\n  - type: between\n    column: amount\n    min: 0\n');
      expect((await cli(dir, 'ingest', 'pos', '--source', 'pos')).code).toBe(0);
      const r = await cli(dir, '--json', 'promote', 'pos', '--to', 'silver', '--dataset', 'pos.sales', '--rules', 'sales.yaml');
      expect(r.code).toBe(1);
      expect(r.json<{ status: string; quarantine: { rows: number } }>()).toMatchObject({ status: 'quality-failed', quarantine: { rows: 1 } });
    });

    it('exits 2 on usage errors', async () => {
      expect((await cli(dir, 'promote', 'shop', '--to', 'bronze', '--dataset', 'x.y')).code).toBe(2);
      expect((await cli(dir, 'promote', 'shop', '--to', 'gold', '--dataset', 'x.y')).code).toBe(2);
      expect((await cli(dir, 'promote', 'nobody', '--to', 'silver', '--dataset', 'x.y')).code).toBe(2);
      expect((await cli(dir, 'promote', 'shop', '--to', 'gold', '--dataset', 'x.y', '--table', 'gold.t', '--mode', 'merge')).code).toBe(2);
    });
  });
});
