/**
 * Compliance reports: for one dataset, the full provenance chain — every
 * upstream dataset, the jobs and runs that produced each (with times and
 * outcomes), the quality checks they passed or failed, and the
 * classification tags on them — as Markdown (lineage as a Mermaid diagram)
 * or as one self-contained HTML page (lineage as inline SVG, no external
 * assets).
 *
 * @module
 */

import { label, type DatasetRef, type Facets, type RunState } from './events.js';
import type { Assertion, Tag } from './facets.js';
import type { JobRef, LineageEdge, LineageGraph, RunRecord } from './graph.js';
import { LAYOUT_DEFAULTS, layeredLayout } from './layout.js';

/** One run that wrote a dataset in the chain. */
export interface ReportRun {
  runId: string;
  job: JobRef;
  state: RunState | undefined;
  startTime?: string;
  endTime?: string;
  /** The `errorMessage` of a failed run. */
  error?: string;
}

/** One quality check result, with the run that produced it when known. */
export interface ReportCheck extends Assertion {
  runId?: string;
  time?: string;
}

/** One dataset of the provenance chain. */
export interface ProvenanceEntry {
  dataset: DatasetRef;
  /** Edges from the reported dataset (0 = the dataset itself). */
  depth: number;
  /** Runs that wrote it, oldest first. */
  runs: ReportRun[];
  quality: ReportCheck[];
  tags: Tag[];
  owners: string[];
  /** Rows in the latest write or metrics, when reported. */
  rowCount?: number;
}

/** A compliance report's data; render it with {@link renderMarkdown} or {@link renderHtml}. */
export interface ComplianceReport {
  dataset: DatasetRef;
  generatedAt: string;
  chain: ProvenanceEntry[];
  edges: LineageEdge[];
  /** Totals over the chain. */
  summary: { datasets: number; runs: number; failedRuns: number; checks: number; failedChecks: number; taggedColumns: number };
}

/** Options of {@link complianceReport}. */
export interface ComplianceReportOptions {
  /** How far upstream to go. @default Infinity */
  depth?: number;
  /** Only runs within this time range. */
  from?: Date | string;
  to?: Date | string;
  /** Report time. @default new Date() */
  now?: Date;
}

/**
 * Gather the provenance chain of `dataset` from the graph.
 *
 * @example
 * ```ts
 * const report = complianceReport(store.graph, gold);
 * const md = renderMarkdown(report);
 * const html = renderHtml(report);
 * ```
 */
export function complianceReport(graph: LineageGraph, dataset: DatasetRef, options: ComplianceReportOptions = {}): ComplianceReport {
  const sub = graph.subgraph(dataset, { direction: 'upstream', depth: options.depth ?? Infinity });
  const range = { ...(options.from === undefined ? {} : { from: options.from }), ...(options.to === undefined ? {} : { to: options.to }) };
  const chain = sub.nodes
    .sort((a, b) => a.depth - b.depth || label(a.dataset).localeCompare(label(b.dataset)))
    .map(({ dataset: ds, depth }) => entry(graph, ds, depth, range));
  const runs = chain.flatMap((c) => c.runs);
  const checks = chain.flatMap((c) => c.quality);
  return {
    dataset: sub.root,
    generatedAt: (options.now ?? new Date()).toISOString(),
    chain,
    edges: sub.edges,
    summary: {
      datasets: chain.length,
      runs: runs.length,
      failedRuns: runs.filter((r) => r.state === 'FAIL' || r.state === 'ABORT').length,
      checks: checks.length,
      failedChecks: checks.filter((c) => !c.success).length,
      taggedColumns: new Set(chain.flatMap((c) => c.tags.filter((t) => t.field !== undefined).map((t) => `${label(c.dataset)}#${t.field}`))).size,
    },
  };
}

function entry(graph: LineageGraph, ds: DatasetRef, depth: number, range: { from?: Date | string; to?: Date | string }): ProvenanceEntry {
  const runs = graph.runs(ds, range);
  const writers = runs.filter((r) => r.outputs.some((o) => o === ds));
  const quality: ReportCheck[] = [];
  const seen = new Set<unknown>();
  /** The run facets counted, as JSON: a store loaded from files parses a run's events afresh, so identity cannot tell the latest facet is one of them. */
  const seenJson = new Set<string>();
  let rowCount: number | undefined;
  for (const r of runs) {
    for (const f of r.datasets) {
      if (f.dataset !== ds) continue;
      for (const facets of [f.facets, f.inputFacets, f.outputFacets]) {
        const dqa = facets.dataQualityAssertions as { assertions?: Assertion[] } | undefined;
        if (dqa !== undefined && !seen.has(dqa)) {
          seen.add(dqa);
          seenJson.add(JSON.stringify(dqa));
          for (const a of dqa.assertions ?? []) quality.push({ ...a, runId: r.runId, ...time(r) });
        }
        const rows = (facets.outputStatistics as { rowCount?: number } | undefined)?.rowCount ?? (facets.dataQualityMetrics as { rowCount?: number } | undefined)?.rowCount;
        if (typeof rows === 'number' && f.role === 'output') rowCount = rows;
      }
    }
  }
  const latest: Facets = graph.datasetFacets(ds);
  const dqa = latest.dataQualityAssertions as { assertions?: Assertion[] } | undefined;
  if (dqa !== undefined && !seen.has(dqa) && !seenJson.has(JSON.stringify(dqa))) for (const a of dqa.assertions ?? []) quality.push({ ...a });
  const tags = ((latest.tags as { tags?: Tag[] } | undefined)?.tags ?? []).map((t) => ({ ...t }));
  const owners = ((latest.ownership as { owners?: { name: string; type?: string }[] } | undefined)?.owners ?? []).map((o) => (o.type === undefined ? o.name : `${o.name} (${o.type})`));
  const e: ProvenanceEntry = { dataset: ds, depth, runs: writers.map(reportRun), quality, tags, owners };
  if (rowCount !== undefined) e.rowCount = rowCount;
  return e;
}

function time(r: RunRecord): { time?: string } {
  const t = r.endTime ?? r.startTime;
  return t === undefined ? {} : { time: t };
}

function reportRun(r: RunRecord): ReportRun {
  const out: ReportRun = { runId: r.runId, job: r.job, state: r.state };
  if (r.startTime !== undefined) out.startTime = r.startTime;
  if (r.endTime !== undefined) out.endTime = r.endTime;
  const err = (r.facets.errorMessage as { message?: string } | undefined)?.message;
  if (err !== undefined && r.state === 'FAIL') out.error = err;
  return out;
}

// ── Markdown ──

/** Escape text for a Markdown table cell. */
function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, ' ');
}

/** Escape text for a quoted Mermaid label. */
function mermaid(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;')).replace(/\r?\n/g, ' ');
}

function nodeIds(report: ComplianceReport): Map<DatasetRef, number> {
  return new Map(report.chain.map((c, i) => [c.dataset, i]));
}

function mermaidDiagram(report: ComplianceReport): string {
  const ids = nodeIds(report);
  const lines = ['```mermaid', 'flowchart LR'];
  report.chain.forEach((c, i) => lines.push(`  n${i}["${mermaid(label(c.dataset))}"]`));
  for (const e of report.edges) {
    const jobs = e.jobs.map((j) => j.name).join(', ');
    lines.push(`  n${ids.get(e.from)} -->|"${mermaid(jobs)}"| n${ids.get(e.to)}`);
  }
  lines.push(`  style n${ids.get(report.dataset)} stroke-width:3px`, '```');
  return lines.join('\n');
}

function outcome(r: ReportRun): string {
  return r.state ?? 'UNKNOWN';
}

/** The report as Markdown, with the lineage drawn as a Mermaid flowchart. */
export function renderMarkdown(report: ComplianceReport): string {
  const s = report.summary;
  const out: string[] = [
    `# Compliance report: ${md(label(report.dataset))}`,
    '',
    `Generated ${report.generatedAt}. ${s.datasets} datasets in the provenance chain, ${s.runs} runs (${s.failedRuns} failed), ${s.checks} quality checks (${s.failedChecks} failed), ${s.taggedColumns} classified columns.`,
    '',
    '## Lineage',
    '',
    mermaidDiagram(report),
    '',
    '## Provenance chain',
    '',
  ];
  for (const c of report.chain) {
    out.push(`### ${md(label(c.dataset))}${c.depth === 0 ? ' (this dataset)' : ` (${c.depth} step${c.depth === 1 ? '' : 's'} upstream)`}`, '');
    if (c.owners.length > 0) out.push(`Owners: ${c.owners.map(md).join(', ')}`, '');
    if (c.rowCount !== undefined) out.push(`Rows in the latest write: ${c.rowCount}`, '');
    if (c.runs.length === 0) out.push('No recorded run wrote this dataset (a source).', '');
    else {
      out.push('| job | run | outcome | started | ended |', '|---|---|---|---|---|');
      for (const r of c.runs) out.push(`| ${md(label(r.job))} | \`${r.runId}\` | ${outcome(r)}${r.error === undefined ? '' : `: ${md(r.error)}`} | ${r.startTime ?? ''} | ${r.endTime ?? ''} |`);
      out.push('');
    }
    if (c.quality.length > 0) {
      out.push('| quality check | column | result | expected | actual | run |', '|---|---|---|---|---|---|');
      for (const q of c.quality) out.push(`| ${md(q.name ?? q.assertion)} | ${md(q.column ?? '')} | ${q.success ? 'passed' : '**failed**'} | ${md(q.expected ?? '')} | ${md(q.actual ?? '')} | ${q.runId === undefined ? '' : `\`${q.runId}\``} |`);
      out.push('');
    }
    if (c.tags.length > 0) {
      out.push('| tag | value | column | source |', '|---|---|---|---|');
      for (const t of c.tags) out.push(`| ${md(t.key)} | ${md(t.value)} | ${md(t.field ?? '(dataset)')} | ${md(t.source ?? '')} |`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

// ── HTML ──

function html(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - max + 1)}`;
}

/** The lineage of a report as a standalone SVG element (layered layout, no external assets). */
export function renderSvg(report: ComplianceReport): string {
  const ids = nodeIds(report);
  const edges = report.edges.map((e) => [ids.get(e.from)!, ids.get(e.to)!] as const);
  const layout = layeredLayout(report.chain.length, edges, (i) => label(report.chain[i]!.dataset));
  const { nodeWidth: w, nodeHeight: h } = LAYOUT_DEFAULTS;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="lineage of ${html(label(report.dataset))}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
  ];
  edges.forEach(([a, b], i) => {
    const p = layout.nodes[a]!;
    const q = layout.nodes[b]!;
    const back = layout.backEdges.has(i);
    const x1 = p.x + w;
    const y1 = p.y + h / 2;
    const x2 = q.x;
    const y2 = q.y + h / 2;
    const dx = Math.max(40, Math.abs(x2 - x1) / 2);
    const d = back ? `M${x1},${y1} C${x1 + dx},${y1 - 60} ${x2 - dx},${y2 - 60} ${x2},${y2}` : `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
    const jobs = report.edges[i]!.jobs.map((j) => j.name).join(', ');
    parts.push(`<path d="${d}" fill="none" stroke="#555" stroke-width="1.5"${back ? ' stroke-dasharray="5,4"' : ''} marker-end="url(#arrow)"><title>${html(jobs)}</title></path>`);
  });
  report.chain.forEach((c, i) => {
    const n = layout.nodes[i]!;
    const failed = c.runs.some((r) => r.state === 'FAIL') || c.quality.some((q) => !q.success);
    const fill = i === ids.get(report.dataset) ? '#dbeafe' : failed ? '#fee2e2' : '#f8fafc';
    const stroke = failed ? '#b91c1c' : '#334155';
    const l = label(c.dataset);
    const pii = c.tags.some((t) => t.field !== undefined);
    parts.push(
      `<g><title>${html(l)}</title><rect x="${n.x}" y="${n.y}" width="${w}" height="${h}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="${i === 0 ? 2.5 : 1.2}"/>`,
      `<text x="${n.x + 10}" y="${n.y + 19}" font-family="system-ui,sans-serif" font-size="12" fill="#0f172a">${html(truncate(c.dataset.name, 34))}</text>`,
      `<text x="${n.x + 10}" y="${n.y + 36}" font-family="system-ui,sans-serif" font-size="10" fill="#475569">${html(truncate(c.dataset.namespace, 30))}${pii ? ' · tagged' : ''}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#0f172a;max-width:72rem}
table{border-collapse:collapse;margin:.5rem 0 1.2rem}th,td{border:1px solid #cbd5e1;padding:.25rem .5rem;font-size:.85rem;text-align:left}
th{background:#f1f5f9}.fail{color:#b91c1c;font-weight:600}.ok{color:#15803d}code{font-size:.8rem}
.graph{overflow-x:auto;border:1px solid #e2e8f0;padding:.5rem;margin-bottom:1rem}`;

/** The report as one self-contained HTML page (inline CSS and SVG; nothing fetched). */
export function renderHtml(report: ComplianceReport): string {
  const s = report.summary;
  const body: string[] = [
    `<h1>Compliance report: ${html(label(report.dataset))}</h1>`,
    `<p>Generated ${html(report.generatedAt)}. ${s.datasets} datasets in the provenance chain, ${s.runs} runs (<span class="${s.failedRuns > 0 ? 'fail' : 'ok'}">${s.failedRuns} failed</span>), ${s.checks} quality checks (<span class="${s.failedChecks > 0 ? 'fail' : 'ok'}">${s.failedChecks} failed</span>), ${s.taggedColumns} classified columns.</p>`,
    '<h2>Lineage</h2>',
    `<div class="graph">${renderSvg(report)}</div>`,
    '<h2>Provenance chain</h2>',
  ];
  for (const c of report.chain) {
    body.push(`<h3>${html(label(c.dataset))} <small>${c.depth === 0 ? '(this dataset)' : `(${c.depth} upstream)`}</small></h3>`);
    if (c.owners.length > 0) body.push(`<p>Owners: ${c.owners.map(html).join(', ')}</p>`);
    if (c.rowCount !== undefined) body.push(`<p>Rows in the latest write: ${c.rowCount}</p>`);
    if (c.runs.length === 0) body.push('<p>No recorded run wrote this dataset (a source).</p>');
    else {
      body.push('<table><tr><th>job</th><th>run</th><th>outcome</th><th>started</th><th>ended</th></tr>');
      for (const r of c.runs) {
        const cls = r.state === 'COMPLETE' ? 'ok' : r.state === 'FAIL' || r.state === 'ABORT' ? 'fail' : '';
        body.push(`<tr><td>${html(label(r.job))}</td><td><code>${html(r.runId)}</code></td><td class="${cls}">${html(outcome(r))}${r.error === undefined ? '' : `: ${html(r.error)}`}</td><td>${html(r.startTime ?? '')}</td><td>${html(r.endTime ?? '')}</td></tr>`);
      }
      body.push('</table>');
    }
    if (c.quality.length > 0) {
      body.push('<table><tr><th>quality check</th><th>column</th><th>result</th><th>expected</th><th>actual</th></tr>');
      for (const q of c.quality) body.push(`<tr><td>${html(q.name ?? q.assertion)}</td><td>${html(q.column ?? '')}</td><td class="${q.success ? 'ok' : 'fail'}">${q.success ? 'passed' : 'failed'}</td><td>${html(q.expected ?? '')}</td><td>${html(q.actual ?? '')}</td></tr>`);
      body.push('</table>');
    }
    if (c.tags.length > 0) {
      body.push('<table><tr><th>tag</th><th>value</th><th>column</th><th>source</th></tr>');
      for (const t of c.tags) body.push(`<tr><td>${html(t.key)}</td><td>${html(t.value)}</td><td>${html(t.field ?? '(dataset)')}</td><td>${html(t.source ?? '')}</td></tr>`);
      body.push('</table>');
    }
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Compliance report: ${html(label(report.dataset))}</title><style>${STYLE}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}
