import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, nricValid, ssnValid, thaiIdValid } from '../../../src/classification/index.js';
import { generateExtract } from '../../../src/cli/demo/generate.js';
import type { DemoSummary } from '../../../src/cli/demo/pipeline.js';
import { cli } from '../../helpers/cli.js';

const ROWS = 60;
const SEED = 7;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('lakekit demo', () => {
  let cwd: string;
  let dir: string;
  let first: DemoSummary;
  let second: DemoSummary;
  let firstHuman: string;
  const extract = generateExtract({ rows: ROWS, seed: SEED });

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'lakekit-demo-'));
    dir = join(cwd, 'lakekit-demo');
    const a = await cli(cwd, '--json', 'demo', '--rows', String(ROWS), '--seed', String(SEED));
    expect(a.stderr).not.toMatch(/^lakekit:/m);
    expect(a.code).toBe(0);
    first = a.json<DemoSummary>();
    const b = await cli(cwd, 'demo', '--rows', String(ROWS), '--seed', String(SEED));
    expect(b.code).toBe(0);
    firstHuman = b.stdout;
    const c = await cli(cwd, '--json', 'demo', '--rows', String(ROWS), '--seed', String(SEED));
    expect(c.code).toBe(0);
    second = c.json<DemoSummary>();
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('lands every generated file in bronze once', () => {
    expect(first.bronze.stored).toBe(4);
    expect(first.bronze.duplicates).toBe(0);
    expect(new Set(first.bronze.objects.map((o) => o.name))).toEqual(new Set([extract.customers.name, extract.accounts.name, extract.transactions.name, extract.cdc.name]));
  });

  it('quarantines or reports exactly the bad rows it generated, and promotes the rest', () => {
    const ds = Object.fromEntries(first.datasets.map((d) => [d.dataset, d]));
    const bad = first.datasets.reduce((s, d) => s + d.rows.quarantined + d.rows.malformed, 0);
    expect(bad).toBe(first.expected.badRows);
    expect(bad).toBe(extract.badRows.customers + extract.badRows.transactions + extract.malformedLines.transactions);
    expect(ds['core.transactions']!.rows.silver).toBe(extract.counts.transactions);
    expect(ds['core.customers']!.rows.silver).toBe(extract.counts.customers);
    expect(ds['core.accounts']!.rows.silver).toBe(extract.counts.accounts);
    for (const d of first.datasets) expect(d.rows.bronze).toBe(d.rows.silver + d.rows.quarantined + d.rows.malformed);
    expect(first.gateBlocked).toBe(false);
  });

  it('builds gold with the CDC batch merged and KPIs that add up', async () => {
    const gold = Object.fromEntries(first.gold.map((g) => [g.table, g]));
    expect(first.cdc).toMatchObject({ status: 'applied', inserted: extract.counts.cdc.inserts, updated: extract.counts.cdc.updates, deleted: extract.counts.cdc.deletes });
    expect(gold['gold.customers']!.rows).toBe(extract.counts.customers + extract.counts.cdc.inserts - extract.counts.cdc.deletes);
    expect(gold['gold.transactions']!.rows).toBe(extract.counts.transactions);
    const scan = await cli(dir, '--json', 'table', 'scan', 'gold.daily_kpis', '--limit', '10000');
    expect(scan.code).toBe(0);
    const kpis = scan.json<{ rows: { transactions: string | number }[] }>().rows;
    expect(kpis.length).toBe(gold['gold.daily_kpis']!.rows);
    expect(kpis.reduce((s, r) => s + Number(r.transactions), 0)).toBe(extract.counts.transactions);
  });

  it('is idempotent: a second run stores nothing and changes no table', () => {
    expect(second.bronze.stored).toBe(0);
    expect(second.bronze.duplicates).toBe(4);
    for (const d of second.datasets) expect(d.silver.status).toBe('skipped');
    expect(second.datasets.map((d) => d.rows)).toEqual(first.datasets.map((d) => d.rows));
    expect(second.cdc.status).toBe('duplicate');
    for (const g of second.gold) {
      const before = first.gold.find((x) => x.table === g.table)!;
      expect(g.status).toBe('skipped');
      expect([g.rows, g.snapshotId]).toEqual([before.rows, before.snapshotId]);
    }
    expect(firstHuman).toContain('already applied');
  });

  it('writes silver Parquet that DuckDB reads with the same row count', async () => {
    const files = (await filesUnder(join(dir, 'silver', 'core.transactions'))).filter((f) => f.endsWith('.parquet'));
    expect(files.length).toBeGreaterThan(0);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      const rows = (await duck.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}])`)).getRowObjectsJS();
      expect(rows[0]!.n).toBe(first.datasets.find((d) => d.dataset === 'core.transactions')!.rows.silver);
      const quarantine = first.datasets.find((d) => d.dataset === 'core.transactions')!.quality.quarantine!;
      const q = (await duck.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${new URL(quarantine).pathname}')`)).getRowObjectsJS();
      expect(q[0]!.n).toBe(extract.badRows.transactions);
      const cards = (await duck.runAndReadAll(`SELECT card_number FROM read_parquet([${(await filesUnder(join(dir, 'silver', 'core.customers'))).filter((f) => f.endsWith('.parquet')).map((f) => `'${f}'`).join(', ')}])`)).getRowObjectsJS();
      const raw = new Set(extract.secrets.cards);
      for (const c of cards) {
        const digits = String(c.card_number).replace(/\D/g, '');
        expect(raw.has(digits)).toBe(false);
        expect(luhnValid(digits)).toBe(true); // FF1 with Luhn kept: still a well-formed card number
      }
    } finally {
      duck.closeSync();
    }
  });

  it('leaves no raw card number or SSN in any silver or gold file', async () => {
    const files = [...(await filesUnder(join(dir, 'silver'))), ...(await filesUnder(join(dir, 'gold')))];
    const spaced = (c: string) => c.replace(/(\d{4})(?=\d)/g, '$1 ');
    const needles = [...extract.secrets.cards, ...extract.secrets.cards.map(spaced), ...extract.secrets.ssns];
    expect(extract.secrets.ssns.length).toBeGreaterThan(0);
    // The needles are what the source really holds: every card and SSN is in the incoming extract.
    const incoming = (await readFile(join(dir, 'incoming', extract.customers.name), 'utf8')) + (await readFile(join(dir, 'incoming', extract.cdc.name), 'utf8'));
    for (const c of extract.secrets.cards) expect(incoming.includes(c) || incoming.includes(spaced(c))).toBe(true);
    for (const s of extract.secrets.ssns) expect(incoming).toContain(s);
    for (const f of files) {
      const text = (await readFile(f)).toString('latin1');
      for (const n of needles) expect(text.includes(n), `${n} in ${f}`).toBe(false);
    }
    // Decoded too (Parquet pages may be compressed): gold scans hold no raw value either.
    const scan = await cli(dir, '--json', 'table', 'scan', 'gold.customers', '--limit', '10000');
    const values = JSON.stringify(scan.json());
    for (const n of needles) expect(values.includes(n)).toBe(false);
  });

  it('writes the compliance report with the lineage SVG and keeps key material out of the output', async () => {
    expect(existsSync(first.report)).toBe(true);
    const html = await readFile(first.report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('gold.daily_kpis');
    const keyring = JSON.parse(await readFile(join(dir, '_keys', 'keyring.json'), 'utf8')) as { keys: Record<string, string[]> };
    const material = Object.values(keyring.keys).flat();
    expect(material.length).toBeGreaterThan(0);
    for (const k of material) expect(JSON.stringify(first) + JSON.stringify(second) + firstHuman).not.toContain(k);
  });

  it('refuses bad flags with exit code 2', async () => {
    expect((await cli(cwd, 'demo', '--rows', 'many')).code).toBe(2);
    expect((await cli(cwd, 'demo', '--seed', '-1')).code).toBe(2);
    const help = await cli(cwd, 'demo', '--help');
    expect([help.code, help.stdout.includes('Example:')]).toEqual([0, true]);
  });
});

describe('the demo extract', () => {
  it('is deterministic per seed and its identifiers carry valid checksums', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 20, max: 120 }), (seed, rows) => {
        const a = generateExtract({ rows, seed });
        expect(generateExtract({ rows, seed })).toEqual(a);
        for (const c of a.secrets.cards) expect(luhnValid(c)).toBe(true);
        for (const s of a.secrets.ssns) expect(ssnValid(s.replace(/-/g, ''))).toBe(true);
        const lines = a.customers.text.trim().split('\n').slice(1);
        for (const l of lines) {
          const cols = l.split(',');
          const [nationalId, iban] = [cols[7]!, cols[10]!];
          if (nationalId !== '') expect(/^\d{13}$/.test(nationalId) ? thaiIdValid(nationalId) : nricValid(nationalId)).toBe(true);
          if (iban !== '') expect(ibanValid(iban)).toBe(true);
        }
        expect(a.transactions.text.trim().split('\n').length).toBe(1 + rows + a.badRows.transactions + a.malformedLines.transactions);
      }),
      { numRuns: 25 },
    );
  });
});
