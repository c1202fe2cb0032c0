import type { Schema } from 'apache-arrow';
import { arrowToRows } from '../../../../src/formats/arrow/index.js';
import type { MalformedRecord, RecordBatchStream } from '../../../../src/formats/index.js';

/** Bytes of `text` (UTF-8). */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** An async iterable handing out `data` split at the given offsets. */
export async function* split(data: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(data.length, c))))].sort((a, b) => a - b);
  let at = 0;
  for (const p of points) {
    if (p > at) yield data.slice(at, p);
    at = Math.max(at, p);
  }
  if (at < data.length) yield data.slice(at);
}

/** Everything a stream produced. */
export interface Collected {
  schema: Schema;
  rows: Record<string, unknown>[];
  batches: number[];
  malformed: MalformedRecord[];
}

/** Drain a stream. */
export async function collect(stream: RecordBatchStream): Promise<Collected> {
  const rows: Record<string, unknown>[] = [];
  const batches: number[] = [];
  for await (const b of stream) {
    batches.push(b.numRows);
    rows.push(...arrowToRows(b));
  }
  return { schema: await stream.schema, rows, batches, malformed: stream.malformed };
}

/** Column types as strings, e.g. `['id:Int32', 'name:Utf8']`. */
export const typesOf = (schema: Schema): string[] => schema.fields.map((f) => `${f.name}:${String(f.type)}${f.nullable ? '?' : ''}`);
