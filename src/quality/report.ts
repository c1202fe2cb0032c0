/**
 * Results for people and for lineage: a Markdown and an HTML report, and the
 * OpenLineage `dataQualityAssertions` and `dataQualityMetrics` dataset facets.
 *
 * @module
 */
import type { QualityResult, RuleResult } from './results.js';

const PRODUCER = 'https://github.com/lakekit/lakekit/tree/main/src/quality';
const ASSERTIONS_SCHEMA = 'https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet';
const METRICS_SCHEMA = 'https://openlineage.io/spec/facets/1-0-0/DataQualityMetricsDatasetFacet.json#/$defs/DataQualityMetricsDatasetFacet';

function flat(rs: RuleResult[]): RuleResult[] {
  return rs.flatMap((r) => [r, ...(r.children ? flat(r.children) : [])]);
}

function show(v: RuleResult['observed']): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
  return String(v);
}

const ICON: Record<RuleResult['status'], string> = { pass: '✅ pass', fail: '❌ fail', error: '⚠️ error' };
const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}%`);

/** A Markdown report of a result (summary, metrics, rules, the first failing rows). */
export function markdownReport(result: QualityResult, options: { maxRows?: number } = {}): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rules = flat(result.rules);
  const failed = rules.filter((r) => r.status !== 'pass').length;
  const lines = [
    `# Data quality: ${result.dataset ?? 'dataset'}`,
    '',
    `**${result.passed ? 'PASSED' : 'FAILED'}** — ${result.rowCount.toLocaleString('en-US')} rows, ${rules.length} rules, ${failed} not passing; engine ${result.engine}, checked ${result.checkedAt}.`,
    '',
    '| completeness | accuracy | consistency | timeliness |',
    '|---|---|---|---|',
    `| ${pct(result.metrics.completeness)} | ${pct(result.metrics.accuracy)} | ${pct(result.metrics.consistency)} | ${pct(result.metrics.timeliness)} |`,
    '',
    '| rule | severity | status | observed | expected | failed rows | note |',
    '|---|---|---|---|---|---|---|',
    ...rules.map((r) => `| ${esc(r.id)} | ${r.severity} | ${ICON[r.status]} | ${esc(show(r.observed))} | ${esc(r.expected)} | ${r.failedRows ?? ''} | ${esc(r.message ?? (r.where ? `where ${r.where}` : ''))} |`),
  ];
  const max = options.maxRows ?? 20;
  if (result.failingRows.length > 0) {
    lines.push('', `## Failing rows (first ${Math.min(max, result.failingRows.length)}${result.failingRowsTruncated ? ', list truncated' : ''})`, '', '| key | rules |', '|---|---|');
    for (const r of result.failingRows.slice(0, max)) lines.push(`| ${esc(JSON.stringify(r.key))} | ${esc(r.rules.join(', '))} |`);
  }
  return `${lines.join('\n')}\n`;
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A self-contained HTML report (no scripts, inline styles, every value escaped). */
export function htmlReport(result: QualityResult, options: { maxRows?: number } = {}): string {
  const rules = flat(result.rules);
  const color = { pass: '#1a7f37', fail: '#cf222e', error: '#9a6700' };
  const rows = rules
    .map((r) => `<tr><td>${html(r.id)}</td><td>${r.severity}</td><td style="color:${color[r.status]}">${r.status}</td><td>${html(show(r.observed))}</td><td>${html(r.expected)}</td><td>${r.failedRows ?? ''}</td><td>${html(r.message ?? (r.where ? `where ${r.where}` : ''))}</td></tr>`)
    .join('\n');
  const max = options.maxRows ?? 20;
  const failing = result.failingRows
    .slice(0, max)
    .map((r) => `<tr><td>${html(JSON.stringify(r.key))}</td><td>${html(r.rules.join(', '))}</td></tr>`)
    .join('\n');
  const title = `Data quality: ${result.dataset ?? 'dataset'}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${html(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style></head>
<body><h1>${html(title)}</h1>
<p><strong style="color:${result.passed ? color.pass : color.fail}">${result.passed ? 'PASSED' : 'FAILED'}</strong> — ${result.rowCount} rows, engine ${result.engine}, checked ${html(result.checkedAt)}</p>
<table><tr><th>completeness</th><th>accuracy</th><th>consistency</th><th>timeliness</th></tr>
<tr><td>${pct(result.metrics.completeness)}</td><td>${pct(result.metrics.accuracy)}</td><td>${pct(result.metrics.consistency)}</td><td>${pct(result.metrics.timeliness)}</td></tr></table>
<h2>Rules</h2>
<table><tr><th>rule</th><th>severity</th><th>status</th><th>observed</th><th>expected</th><th>failed rows</th><th>note</th></tr>
${rows}
</table>
${failing ? `<h2>Failing rows</h2>\n<table><tr><th>key</th><th>rules</th></tr>\n${failing}\n</table>` : ''}
</body></html>
`;
}

/** The OpenLineage `dataQualityAssertions` dataset facet of a result. */
export function dataQualityAssertionsFacet(result: QualityResult): Record<string, unknown> {
  return {
    _producer: PRODUCER,
    _schemaURL: ASSERTIONS_SCHEMA,
    assertions: flat(result.rules).map((r) => ({
      assertion: r.type,
      success: r.status === 'pass',
      name: r.id,
      severity: r.severity,
      expected: r.expected,
      actual: show(r.observed),
      ...(r.columns?.length === 1 ? { column: r.columns[0] } : {}),
      ...(r.where !== undefined ? { content: r.where, contentType: 'expression' } : {}),
      params: { dimension: r.dimension, status: r.status, ...(r.failedRows !== undefined ? { failedRows: r.failedRows, scannedRows: r.scannedRows } : {}) },
    })),
  };
}

/** The OpenLineage `dataQualityMetrics` dataset facet of a result: row count and per-column null counts plus the column aggregates the rules measured. */
export function dataQualityMetricsFacet(result: QualityResult): Record<string, unknown> {
  const columnMetrics: Record<string, Record<string, unknown>> = {};
  for (const [c, nulls] of Object.entries(result.columnNulls)) columnMetrics[c] = { nullCount: nulls, count: result.rowCount - nulls };
  for (const r of flat(result.rules)) {
    const col = r.columns?.[0];
    if (col === undefined || typeof r.observed !== 'number' || r.where !== undefined) continue;
    const m = (columnMetrics[col] ??= {});
    if (r.type === 'sum') m['sum'] = r.observed;
    if (r.type === 'min') m['min'] = r.observed;
    if (r.type === 'max') m['max'] = r.observed;
    if (r.type === 'distinctCount') m['distinctCount'] = Math.round(r.observed);
  }
  return { _producer: PRODUCER, _schemaURL: METRICS_SCHEMA, rowCount: result.rowCount, columnMetrics };
}
