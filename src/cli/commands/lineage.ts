/**
 * `lakekit lineage show|graph|report <dataset>`: provenance questions over the
 * OpenLineage events a lake recorded (NDJSON segments a `FileTransport` wrote,
 * by default under `<lake root>/_lineage/`).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DatasetRef } from '../../lineage/events.js';
import { label } from '../../lineage/events.js';
import type { LineageGraph, RunRecord, Subgraph } from '../../lineage/graph.js';
import { complianceReport, renderHtml, renderMarkdown } from '../../lineage/report.js';
import { LineageStore } from '../../lineage/store.js';
import { resolveZoneRoots, type LakeConfig } from '../../zones/index.js';
import { CliUsageError, ExitCode, type CliContext } from '../context.js';
import { parseTimeArg, textTable } from '../format.js';
import { loadConfig, nodeFileIORegistry } from '../lake.js';
import type { Registrar } from '../main.js';

/** Directory under the lake root where lakekit records lineage events. */
export const LINEAGE_DIR = '_lineage';

/** Where `lakekit demo` builds its lake; `lineage` falls back to its events when the configured lake has none. */
const DEMO_LAKE = 'lakekit-demo';

/**
 * The lineage prefix of a lake: `<lake root>/_lineage/`, the lake root being
 * the parent of the bronze zone's root (`./lake/bronze` → `./lake`). The demo
 * and the recording commands write there; `lakekit lineage` reads there.
 */
export function lineagePrefix(config: LakeConfig, baseDir: string): string {
  const bronze = resolveZoneRoots(config, baseDir).zones.bronze.root;
  return `${bronze.replace(/\/+$/, '').replace(/\/[^/]*$/, '')}/${LINEAGE_DIR}/`;
}

function toLocation(ctx: CliContext, dirOrUri: string): string {
  const loc = /^[a-z][a-z0-9+.-]*:\/\//i.test(dirOrUri) ? dirOrUri : pathToFileURL(resolve(ctx.cwd, dirOrUri)).href;
  return loc.endsWith('/') ? loc : `${loc}/`;
}

/** The events location: `--events`, else the configured lake's, else the demo lake's when only it has events. */
function eventsLocation(ctx: CliContext, events: string | undefined): string {
  if (events !== undefined) {
    const loc = toLocation(ctx, events);
    if (loc.startsWith('file:') && !existsSync(fileURLToPath(loc))) throw new CliUsageError(`--events directory ${events} does not exist; pass the directory the lineage NDJSON files are in`);
    return loc;
  }
  const loaded = loadConfig(ctx);
  const configured = lineagePrefix(loaded.config, loaded.baseDir);
  if (configured.startsWith('file:') && !existsSync(fileURLToPath(configured))) {
    const demo = toLocation(ctx, `${DEMO_LAKE}/${LINEAGE_DIR}`);
    if (loaded.file === undefined && existsSync(fileURLToPath(demo))) return demo;
    throw new CliUsageError(`no lineage recorded at ${fileURLToPath(configured)}; run \`lakekit demo\` (or a job that records lineage) first, or pass --events <dir>`);
  }
  return configured;
}

async function openStore(ctx: CliContext, events: string | undefined): Promise<{ store: LineageStore; location: string }> {
  const location = eventsLocation(ctx, events);
  const io = nodeFileIORegistry().forLocation(location);
  const store = await LineageStore.fromFileIO(io, location);
  if (store.problems.length > 0) {
    const first = store.problems[0]!;
    ctx.log(`warning: ${store.problems.length} line(s) of the lineage did not load and were skipped (first: ${first.source}:${first.line} ${first.error.message})`);
  }
  if (store.eventCount === 0) throw new CliUsageError(`no lineage events under ${location}; run \`lakekit demo\` first, or pass --events <dir>`);
  return { store, location };
}

/**
 * The dataset a user named: a full `namespace/name` label, an exact name, or
 * the end of a name after a `.` or `/` (`daily_kpis` for `gold.daily_kpis`).
 */
export function findDataset(graph: LineageGraph, text: string): DatasetRef {
  const all = graph.datasets();
  const tiers = [
    all.filter((d) => label(d) === text),
    all.filter((d) => d.name === text),
    all.filter((d) => d.name.endsWith(`.${text}`) || d.name.endsWith(`/${text}`)),
  ];
  for (const hits of tiers) {
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new CliUsageError(`'${text}' names ${hits.length} datasets (${hits.map(label).join(', ')}); pass the full namespace/name`);
  }
  const known = all.map((d) => d.name);
  throw new CliUsageError(`no dataset '${text}' in the lineage; known datasets: ${known.slice(0, 10).join(', ')}${known.length > 10 ? `, … (${known.length} in all)` : ''}`);
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliUsageError(`${flag} must be a positive whole number, got '${text}'`);
  return n;
}

function timeRange(opts: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const out: { from?: Date; to?: Date } = {};
  for (const k of ['from', 'to'] as const) {
    const text = opts[k];
    if (text === undefined) continue;
    const t = parseTimeArg(text);
    if (t === undefined) throw new CliUsageError(`--${k} must be an ISO time or a duration such as 7d, 12h, 30m; got '${text}'`);
    out[k] = new Date(t);
  }
  return out;
}

function runRow(r: RunRecord, dataset: DatasetRef): Record<string, unknown> {
  const key = label(dataset);
  return {
    runId: r.runId,
    job: `${r.job.namespace}/${r.job.name}`,
    state: r.state ?? null,
    role: r.outputs.some((d) => label(d) === key) ? 'output' : 'input',
    startTime: r.startTime ?? new Date(r.firstMs).toISOString(),
    endTime: r.endTime ?? null,
    inputs: r.inputs.map(label),
    outputs: r.outputs.map(label),
    ...(r.parent === undefined ? {} : { parent: r.parent }),
  };
}

/** The subgraph as Mermaid flowchart text (root highlighted, edges labelled with job names). */
export function subgraphToMermaid(sub: Subgraph): string {
  const esc = (s: string) => s.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));
  const ids = new Map(sub.nodes.map((n, i) => [label(n.dataset), `n${i}`]));
  const lines = ['flowchart LR', ...sub.nodes.map((n) => `  ${ids.get(label(n.dataset))}["${esc(label(n.dataset))}"]`)];
  for (const e of sub.edges) lines.push(`  ${ids.get(label(e.from))} -->|"${esc(e.jobs.map((j) => j.name).join(', '))}"| ${ids.get(label(e.to))}`);
  lines.push(`  style ${ids.get(label(sub.root))} stroke-width:3px`);
  return lines.join('\n');
}

function subgraphToText(sub: Subgraph): string {
  const up = sub.nodes.filter((n) => n.depth > 0).sort((a, b) => a.depth - b.depth);
  const down = sub.nodes.filter((n) => n.depth < 0).sort((a, b) => b.depth - a.depth);
  const lines = [label(sub.root)];
  if (up.length > 0) lines.push('upstream:', ...up.map((n) => `  ${'  '.repeat(n.depth - 1)}← ${label(n.dataset)}  (${n.depth})`));
  if (down.length > 0) lines.push('downstream:', ...down.map((n) => `  ${'  '.repeat(-n.depth - 1)}→ ${label(n.dataset)}  (${-n.depth})`));
  lines.push('edges:', ...sub.edges.map((e) => `  ${label(e.from)} → ${label(e.to)}  [${e.jobs.map((j) => j.name).join(', ')}]`));
  return lines.join('\n');
}

interface CommonOpts {
  events?: string;
}

export function registerLineageCommands({ program, action }: Registrar): void {
  const lineage = program.command('lineage').description('provenance from the recorded OpenLineage events: runs, upstream/downstream graphs, compliance reports');
  const eventsOption = ['--events <dir>', `directory (or URI) of the lineage NDJSON files (default: <lake root>/${LINEAGE_DIR}/)`] as const;

  lineage
    .command('show')
    .argument('<dataset>', 'dataset name (e.g. gold.daily_kpis) or full namespace/name')
    .description('the runs and jobs that read or wrote a dataset, oldest first')
    .option(...eventsOption)
    .option('--from <time>', 'only runs at or after this time (ISO time or 7d, 12h…)')
    .option('--to <time>', 'only runs at or before this time')
    .addHelpText('after', '\nExample:\n  $ lakekit lineage show gold.daily_kpis --from 7d')
    .action(
      action(async (ctx, name: string, opts: CommonOpts & { from?: string; to?: string }) => {
        const { store } = await openStore(ctx, opts.events);
        const dataset = findDataset(store.graph, name);
        const runs = store.graph.runs(dataset, timeRange(opts)).map((r) => runRow(r, dataset));
        const jobs = [...new Set(runs.map((r) => r.job as string))];
        ctx.result({ dataset: label(dataset), jobs, runs }, () =>
          [
            `${ctx.style('bold', label(dataset))}: ${runs.length} run(s) of ${jobs.length} job(s)`,
            textTable(['run', 'job', 'role', 'state', 'started', 'ended'], runs.map((r) => [r.runId, r.job, r.role, r.state, r.startTime, r.endTime]), 60),
          ].join('\n'),
        );
      }),
    );

  lineage
    .command('graph')
    .argument('<dataset>', 'dataset name (e.g. gold.daily_kpis) or full namespace/name')
    .description('the datasets upstream and/or downstream of a dataset, as text or a Mermaid flowchart')
    .option(...eventsOption)
    .option('--depth <n>', 'how many edges to walk (default: all)')
    .option('--direction <dir>', 'upstream, downstream or both', 'both')
    .option('--format <format>', 'text or mermaid', 'text')
    .addHelpText('after', '\nExample:\n  $ lakekit lineage graph gold.daily_kpis --direction upstream --format mermaid > lineage.mmd')
    .action(
      action(async (ctx, name: string, opts: CommonOpts & { depth?: string; direction: string; format: string }) => {
        if (!['upstream', 'downstream', 'both'].includes(opts.direction)) throw new CliUsageError(`--direction must be upstream, downstream or both, got '${opts.direction}'`);
        if (!['text', 'mermaid'].includes(opts.format)) throw new CliUsageError(`--format must be text or mermaid, got '${opts.format}'`);
        const depth = positiveInt('--depth', opts.depth);
        const { store } = await openStore(ctx, opts.events);
        const dataset = findDataset(store.graph, name);
        const sub = store.graph.subgraph(dataset, { direction: opts.direction as 'upstream' | 'downstream' | 'both', ...(depth === undefined ? {} : { depth }) });
        const doc = {
          root: label(sub.root),
          nodes: sub.nodes.map((n) => ({ dataset: label(n.dataset), namespace: n.dataset.namespace, name: n.dataset.name, depth: n.depth })),
          edges: sub.edges.map((e) => ({ from: label(e.from), to: label(e.to), jobs: e.jobs.map((j) => `${j.namespace}/${j.name}`), runIds: e.runIds })),
          ...(opts.format === 'mermaid' ? { mermaid: subgraphToMermaid(sub) } : {}),
        };
        ctx.result(doc, () => (opts.format === 'mermaid' ? subgraphToMermaid(sub) : subgraphToText(sub)));
      }),
    );

  lineage
    .command('report')
    .argument('<dataset>', 'dataset name (e.g. gold.daily_kpis) or full namespace/name')
    .description('a compliance report of a dataset\'s provenance chain (runs, quality checks, PII tags, lineage diagram) as HTML or Markdown')
    .option(...eventsOption)
    .requiredOption('-o, --out <file>', 'report file; .html/.htm for HTML (with an SVG diagram), .md for Markdown (Mermaid diagram)')
    .option('--depth <n>', 'how far upstream to go (default: all)')
    .option('--from <time>', 'only runs at or after this time (ISO time or 7d, 12h…)')
    .option('--to <time>', 'only runs at or before this time')
    .option('--strict', 'exit 1 when a run in the chain failed or a quality check did not pass')
    .addHelpText('after', '\nExample:\n  $ lakekit lineage report gold.daily_kpis --out lineage-report.html')
    .action(
      action(async (ctx, name: string, opts: CommonOpts & { out: string; depth?: string; from?: string; to?: string; strict?: boolean }) => {
        const ext = extname(opts.out).toLowerCase();
        if (!['.html', '.htm', '.md', '.markdown'].includes(ext)) throw new CliUsageError(`--out must end in .html or .md, got '${opts.out}'`);
        const depth = positiveInt('--depth', opts.depth);
        const range = timeRange(opts);
        const { store } = await openStore(ctx, opts.events);
        const dataset = findDataset(store.graph, name);
        const report = complianceReport(store.graph, dataset, { ...range, ...(depth === undefined ? {} : { depth }) });
        const file = resolve(ctx.cwd, opts.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, ext === '.md' || ext === '.markdown' ? renderMarkdown(report) : renderHtml(report));
        const failed = report.summary.failedRuns > 0 || report.summary.failedChecks > 0;
        ctx.result({ dataset: label(dataset), file, summary: report.summary }, () => {
          const s = report.summary;
          return [
            `wrote ${relative(ctx.cwd, file) || file}: ${label(dataset)} — ${s.datasets} dataset(s), ${s.runs} run(s) (${s.failedRuns} failed), ${s.checks} quality check(s) (${s.failedChecks} failed), ${s.taggedColumns} tagged column(s)`,
          ].join('\n');
        });
        return opts.strict === true && failed ? ExitCode.ChecksFailed : ExitCode.Ok;
      }),
    );
}
