/**
 * Side-by-side benchmark harness. A workload runs lakekit and its peers in one
 * process on the same data, interleaving their runs so machine drift hits all
 * alike, and reports medians and ratios. Results go to the console and into
 * the workload's own section of docs/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let built: string | undefined;

/**
 * The package as users run it: the sources built by tsup (the project's
 * tsup.config.ts, declarations skipped) into `.cache/bench-dist`, once per
 * benchmark run. Workloads whose lakekit side runs in a child process import
 * lakekit from here, so a fresh process pays what an installed lakekit pays,
 * not a TypeScript loader's transpiling and resolving.
 */
export function builtPackage(): string {
  if (built === undefined) {
    const out = join(ROOT, '.cache', 'bench-dist');
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--no-dts', '--silent', '-d', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    built = out;
  }
  return built;
}

/** One measured candidate. */
export interface Candidate {
  name: string;
  /** One run; returns nothing. Timed from call to settle. */
  run: () => Promise<void>;
  /** Untimed preparation before each run (e.g. clearing the previous run's output). */
  setup?: () => Promise<void>;
}

/** Medians of one comparison. */
export interface Row {
  name: string;
  medianMs: number;
  samples: number[];
  /** Throughput in MiB/s when the workload moved a known number of bytes. */
  mibPerSec?: number;
}

/** What a workload returns: one or more comparison tables. */
export interface Section {
  title: string;
  /** Which row is lakekit; ratios are given against it. */
  subject: string;
  rows: Row[];
  /** Free text under the table: data size, setup, target. */
  notes: string[];
  /** The targets this comparison is judged by, e.g. ratio ≥ 0.9 against a peer. */
  targets?: { peer: string; minRatio: number; description: string }[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Run every candidate `runs` times, round-robin, after one warm-up each.
 * `bytes` (per run) turns times into MiB/s.
 */
export async function compare(candidates: Candidate[], opts: { runs: number; bytes?: number; warmup?: boolean }): Promise<Row[]> {
  if (opts.warmup ?? true) {
    for (const c of candidates) {
      await c.setup?.();
      await c.run();
    }
  }
  const samples = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (let i = 0; i < opts.runs; i++) {
    // Rotate the order each round so no candidate always runs first.
    for (let j = 0; j < candidates.length; j++) {
      const c = candidates[(i + j) % candidates.length]!;
      await c.setup?.();
      const t0 = performance.now();
      await c.run();
      samples.get(c.name)!.push(performance.now() - t0);
    }
  }
  return candidates.map((c) => {
    const s = samples.get(c.name)!;
    const medianMs = median(s);
    const row: Row = { name: c.name, medianMs, samples: s };
    if (opts.bytes !== undefined) row.mibPerSec = opts.bytes / (1024 * 1024) / (medianMs / 1000);
    return row;
  });
}

/** lakekit's speed relative to a peer: peer time / lakekit time (≥ 1 means lakekit is faster). */
/** Run `fn` `calls + 1` times and push the duration of every call but the first (a warm-up) to `samples`. */
export async function timeCalls(calls: number, samples: number[], fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i <= calls; i++) {
    const t0 = performance.now();
    await fn(i);
    if (i > 0) samples.push(performance.now() - t0);
  }
}

/**
 * `rounds` rounds of lakekit and a peer, alternating who goes first, so
 * neither side always meets a shared server (or a warm cache) right after the other.
 */
export async function interleavedRounds(rounds: number, lakekit: () => Promise<void>, peer: (round: number) => Promise<void>): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) await lakekit();
    await peer(r);
    if (r % 2 === 1) await lakekit();
  }
}

export function ratio(section: Section, peer: string): number {
  const subject = section.rows.find((r) => r.name === section.subject)!;
  const other = section.rows.find((r) => r.name === peer)!;
  return other.medianMs / subject.medianMs;
}

export function renderSection(s: Section): string {
  const lines = [`### ${s.title}`, '', '| candidate | median | MiB/s | ratio (peer time / lakekit time) |', '|---|---:|---:|---:|'];
  for (const r of s.rows) {
    const rr = r.name === s.subject ? '—' : ratio(s, r.name).toFixed(2);
    lines.push(`| ${r.name} | ${r.medianMs.toFixed(0)} ms | ${r.mibPerSec === undefined ? '' : r.mibPerSec.toFixed(0)} | ${rr} |`);
  }
  lines.push('');
  for (const t of s.targets ?? []) {
    const v = ratio(s, t.peer);
    lines.push(`- target: ${t.description} — measured ${v.toFixed(2)}: **${v >= t.minRatio ? 'met' : 'NOT met'}**`);
  }
  for (const n of s.notes) lines.push(`- ${n}`);
  lines.push('');
  return lines.join('\n');
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Replace (or append) the block between `<!-- bench:ID:start -->` and `<!-- bench:ID:end -->`. */
export function updateBenchmarksDoc(path: string, id: string, body: string): void {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const header =
    '# Benchmarks\n\nProduced by `npm run bench` (each workload runs lakekit and its peers side by side in one run, on the same data and machine). ' +
    'Ratios are peer time / lakekit time: above 1 lakekit is faster. Re-run to refresh; each section is rewritten by its workload.\n\n';
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : header;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, doc);
}
