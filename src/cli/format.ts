/** Plain-text tables and values for people (the `--json` path prints data as it is). */

/** A value as one cell: BigInts and dates as text, nested values as compact JSON. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `0x${[...v.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}${v.length > 16 ? '…' : ''}`;
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** Render rows as an aligned text table with a header rule; long cells are cut at `maxWidth`. */
export function textTable(headers: readonly string[], rows: readonly (readonly unknown[])[], maxWidth = 48): string {
  const cut = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const body = rows.map((r) => r.map((c) => cut(cell(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** `1536` → `1.5 KiB`. */
export function bytes(n: number | bigint): string {
  let v = Number(n);
  for (const unit of ['B', 'KiB', 'MiB', 'GiB', 'TiB']) {
    if (v < 1024 || unit === 'TiB') return unit === 'B' ? `${v} B` : `${v.toFixed(1)} ${unit}`;
    v /= 1024;
  }
  return `${v}`;
}

/** Parse `7d`, `12h`, `30m`, `90s` or an ISO-8601 time into ms since the epoch (relative to `now`). */
export function parseTimeArg(text: string, now = Date.now()): number | undefined {
  const m = /^(\d+)\s*(d|h|m|s)$/.exec(text.trim());
  if (m) return now - Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[m[2] as 'd' | 'h' | 'm' | 's'];
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** Iceberg primitive type names whose raw Arrow-to-row values are epoch numbers. */
type TemporalKind = 'date' | 'timestamp' | 'timestamptz' | 'timestamp_ns' | 'timestamptz_ns';

/** ISO text for a raw temporal value: days (date), µs or ns since the epoch (timestamps). */
export function temporalText(kind: TemporalKind, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (kind === 'date' && typeof v === 'number') return new Date(v * 86_400_000).toISOString().slice(0, 10);
  if (typeof v !== 'bigint') return v;
  const perMs = kind.endsWith('_ns') ? 1_000_000n : 1000n;
  const ms = v / perMs - (v % perMs < 0n ? 1n : 0n);
  const sub = ((v % perMs) + perMs) % perMs;
  const iso = new Date(Number(ms)).toISOString().slice(0, 23);
  const fraction = sub === 0n ? '' : sub.toString().padStart(kind.endsWith('_ns') ? 6 : 3, '0').replace(/0+$/, '');
  return `${iso}${fraction}${kind.startsWith('timestamptz') ? 'Z' : ''}`;
}

/** Rewrite a row's date and timestamp columns (by Iceberg type name) as ISO text for display. */
export function displayRow(row: Record<string, unknown>, types: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const t = types.get(k);
    out[k] = t === 'date' || t === 'timestamp' || t === 'timestamptz' || t === 'timestamp_ns' || t === 'timestamptz_ns' ? temporalText(t, v) : v;
  }
  return out;
}
