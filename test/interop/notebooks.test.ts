/**
 * The notebooks under examples/notebooks run headless, as CI runs them: with
 * Jupyter's nbclient (PyPI) driving the Deno kernel (the `deno` npm package's
 * binary) and the tslab kernel (the `tslab` npm package, pinned in
 * test/interop/tslab/package-lock.json and installed there). Kernelspecs are
 * written to a temporary JUPYTER_PATH, never the user's Jupyter directories.
 * The notebooks import the built package (`lakekit/...` resolves through the
 * repository's self-link in node_modules to dist/), so dist is rebuilt first
 * when a source file is newer than it.
 *
 * Python comes from the test-peer venv; `LAKEKIT_NOTEBOOK_PYTHON` overrides
 * it (a venv with nbclient, nbformat and jupyter_client).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venvBin } from '../helpers/peers.js';

const ROOT = resolve(__dirname, '../..');
const NOTEBOOKS = join(ROOT, 'examples', 'notebooks');

/** Executes one notebook with nbclient and prints a JSON summary of every code cell's outputs. */
const RUNNER = String.raw`
import json, os, sys
import nbformat
from nbclient import NotebookClient
path, kernel, out = sys.argv[1], sys.argv[2], sys.argv[3]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, kernel_name=kernel, timeout=300, startup_timeout=120, iopub_timeout=30, resources={'metadata': {'path': os.path.dirname(path)}})
error = None
try:
    client.execute()
except Exception as e:
    error = f"{type(e).__name__}: {e}"[:4000]
nbformat.write(nb, out)
cells = []
for c in nb.cells:
    if c.cell_type != 'code':
        continue
    outs = []
    for o in c.get('outputs', []):
        if o.output_type == 'stream':
            outs.append({'type': 'stream', 'text': o.text})
        elif o.output_type in ('execute_result', 'display_data'):
            outs.append({'type': o.output_type, 'data': {k: v for k, v in o.data.items() if isinstance(v, str)}})
        elif o.output_type == 'error':
            outs.append({'type': 'error', 'text': o.ename + ': ' + o.evalue})
    cells.append(outs)
print(json.dumps({'error': error, 'cells': cells}))
`;

interface Output {
  type: 'stream' | 'execute_result' | 'display_data' | 'error';
  text?: string;
  data?: Record<string, string>;
}

let work: string;
let python: string;
let demoDir: string;
let demoSummary: { gold: { table: string; rows: number; snapshotId: string | null }[] };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(async () => {
  python = process.env.LAKEKIT_NOTEBOOK_PYTHON ?? venvBin('python');
  work = await mkdtemp(join(tmpdir(), 'lakekit-notebooks-'));
  const built = join(ROOT, 'dist', 'lineage', 'index.cjs');
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(ROOT, 'src'))) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
  }
  // tslab lives in its own pinned package (test/interop/tslab): as a root dev dependency its
  // TypeScript fork's `tsc` bin would replace the project's in node_modules/.bin.
  const tslabDir = join(ROOT, 'test', 'interop', 'tslab');
  if (!existsSync(join(tslabDir, 'node_modules', 'tslab', 'bin', 'tslab'))) {
    const i = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: tslabDir, encoding: 'utf8' });
    if (i.status !== 0) throw new Error(`npm ci in test/interop/tslab failed:\n${i.stderr}`);
  }
  const kernels = join(work, 'jupyter', 'kernels');
  const specs = {
    deno: { argv: [join(ROOT, 'node_modules', 'deno', 'deno'), 'jupyter', '--kernel', '--conn', '{connection_file}'], display_name: 'Deno', language: 'typescript' },
    tslab: { argv: [process.execPath, join(tslabDir, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript (tslab)', language: 'typescript' },
  };
  for (const [name, spec] of Object.entries(specs)) {
    await mkdir(join(kernels, name), { recursive: true });
    await writeFile(join(kernels, name, 'kernel.json'), JSON.stringify(spec));
  }
  await writeFile(join(work, 'run.py'), RUNNER);
  // The notebooks open the lake `lakekit demo` writes; build one with the CLI, as a user would.
  demoDir = join(work, 'lakekit-demo');
  const demo = spawnSync(process.execPath, [join(ROOT, 'bin', 'lakekit.mjs'), 'demo', '--dir', demoDir, '--json'], { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (demo.status !== 0) throw new Error(`lakekit demo exited ${demo.status}:\n${demo.stderr}`);
  demoSummary = JSON.parse(demo.stdout) as typeof demoSummary;
}, 900_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

function execute(notebook: string, kernel: string): { error: string | null; cells: Output[][] } {
  const env = {
    ...process.env,
    JUPYTER_PATH: join(work, 'jupyter'),
    JUPYTER_DATA_DIR: join(work, 'jupyter'),
    JUPYTER_CONFIG_DIR: join(work, 'config'),
    JUPYTER_RUNTIME_DIR: join(work, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
    NO_COLOR: '1',
    LAKEKIT_DEMO_DIR: demoDir,
  };
  const r = spawnSync(python, [join(work, 'run.py'), join(NOTEBOOKS, notebook), kernel, join(work, `out-${notebook}`)], { cwd: NOTEBOOKS, env, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`nbclient exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { error: string | null; cells: Output[][] };
}

const text = (outs: Output[]) => outs.map((o) => o.text ?? o.data?.['text/plain'] ?? '').join('\n');

describe.each([
  ['demo-deno.ipynb', 'deno'],
  ['demo-tslab.ipynb', 'tslab'],
])('%s (%s kernel)', (notebook, kernel) => {
  it('runs every cell on the demo lake: opens it, scans gold, checks quality, draws the lineage', { timeout: 600_000 }, () => {
    const { error, cells } = execute(notebook, kernel);
    expect(error).toBeNull();
    expect(cells.flat().filter((o) => o.type === 'error')).toEqual([]);
    const [imports, open, scan, quality, lineage] = cells as [Output[], Output[], Output[], Output[], Output[]];
    expect(imports).toEqual([]);
    expect(text(open)).toMatch(/lake lakekit-demo: gold tables gold\.customers, gold\.daily_kpis, gold\.transactions/);
    const gold = Object.fromEntries(demoSummary.gold.map((g) => [g.table, g]));
    expect(text(scan)).toMatch(new RegExp(`gold\\.daily_kpis: \\d+ rows, snapshot ${gold['gold.daily_kpis']!.snapshotId}`));
    expect(text(scan)).toMatch(/\d+\.\d\d/); // exact decimal totals in the table
    const m = /gold\.transactions: (\d+) rows; since 2026-11-19: (\d+) rows from (\d+) of (\d+) files/.exec(text(scan));
    expect(m).not.toBeNull();
    const [all, recent, read, total] = m!.slice(1).map(Number) as [number, number, number, number];
    expect(all).toBe(gold['gold.transactions']!.rows);
    expect(recent).toBeGreaterThan(0);
    expect(recent).toBeLessThan(all);
    // gold.transactions is partitioned by day(ts): the filter prunes the earlier days' files.
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(total);
    expect(text(quality)).toMatch(/isUnique\(transaction_id\): pass/);
    expect(text(quality)).toMatch(/inSet\(currency\): pass/);
    expect(text(quality)).toMatch(/payments over 2,000 need review: (warn|fail) \([1-9]\d* failing rows\)/);
    const svg = lineage.find((o) => o.data?.['image/svg+xml'] !== undefined)?.data?.['image/svg+xml'];
    expect(svg).toMatch(/^<svg[^>]*aria-label="lineage of [^"]*gold\.daily_kpis"/);
    const mermaid = lineage.find((o) => o.data?.['text/markdown'] !== undefined)?.data?.['text/markdown'];
    expect(mermaid).toMatch(/^```mermaid\nflowchart LR\n/);
    // The provenance chain: incoming file → bronze → silver → gold.transactions → gold.daily_kpis.
    expect(mermaid).toMatch(/gold\.transactions/);
    expect(mermaid).toMatch(/silver\/core\.transactions/);
    expect(mermaid).toMatch(/bronze\/source=core-banking/);
  });
});
