/**
 * Format detection for ingestion: magic bytes first (Avro, Parquet), then
 * the shape of the text, with the file name's extension breaking ties.
 */

/** Formats {@link detectFormat} tells apart. */
export type DetectedFormat = 'csv' | 'json' | 'jsonl' | 'xml' | 'avro' | 'parquet' | 'binary';

/** How many leading bytes {@link detectFormat} looks at (pass at least this many when you can). */
export const DETECT_HEAD_BYTES = 64 * 1024;

const EXTENSIONS: Readonly<Record<string, DetectedFormat>> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  json: 'json',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  xml: 'xml',
  avro: 'avro',
  parquet: 'parquet',
};

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

function headText(head: Uint8Array): string | undefined {
  const bytes = head.subarray(0, DETECT_HEAD_BYTES);
  let encoding = 'utf-8';
  if (startsWith(bytes, [0xff, 0xfe])) encoding = 'utf-16le';
  else if (startsWith(bytes, [0xfe, 0xff])) encoding = 'utf-16be';
  const text = new TextDecoder(encoding).decode(bytes);
  // Control characters other than tab, CR, LF (and the replacement character) mean binary.
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return bad > Math.max(2, text.length / 100) ? undefined : text;
}

/**
 * The format of a file from its name and its first bytes (ideally
 * {@link DETECT_HEAD_BYTES} of them). Binary content, or text of no known
 * shape, is `binary`.
 *
 * @example
 * ```ts
 * detectFormat('orders.txt', new TextEncoder().encode('{"id":1}\n{"id":2}\n')); // 'jsonl'
 * ```
 */
export function detectFormat(name: string, head: Uint8Array): DetectedFormat {
  if (startsWith(head, [0x4f, 0x62, 0x6a, 0x01])) return 'avro';
  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return 'parquet';
  const ext = /\.([a-z0-9]+)(?:\.(?:gz|zst|bz2))?$/i.exec(name)?.[1]?.toLowerCase();
  const byName = ext === undefined ? undefined : EXTENSIONS[ext];
  if (startsWith(head, [0x1f, 0x8b]) || startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'binary';
  const text = headText(head);
  if (text === undefined) return 'binary';
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body === '') return byName === 'avro' || byName === 'parquet' || byName === undefined ? 'binary' : byName;
  if (body.startsWith('<')) return 'xml';
  if (body.startsWith('[')) return 'json';
  if (body.startsWith('{')) {
    const lines = body.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    // Several lines that each open an object: JSON Lines (a pretty-printed object has lines like `"a": 1,`).
    if (lines.length > 1 && lines.slice(0, 20).every((l, i, a) => l.startsWith('{') || (i === a.length - 1 && head.length >= DETECT_HEAD_BYTES))) return 'jsonl';
    return byName === 'jsonl' ? 'jsonl' : 'json';
  }
  if (byName === 'csv') return 'csv';
  // Delimited text: the first lines split into the same number (> 1) of fields.
  const lines = body.split(/\r?\n/).filter((l) => l !== '').slice(0, 20);
  if (lines.length > 0) {
    for (const d of [',', '\t', ';', '|']) {
      const counts = lines.map((l) => l.split(d).length);
      if (counts[0]! > 1 && counts.every((c) => c === counts[0])) return 'csv';
    }
  }
  return byName === 'avro' || byName === 'parquet' ? 'binary' : (byName ?? 'binary');
}
