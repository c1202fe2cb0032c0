/**
 * Quarantine: the failing rows of a check with the ids of the rules each
 * failed (`_dq_failed_rules`), as an Arrow table, written through FileIO as
 * Parquet or JSON Lines.
 *
 * @module
 */
import { Field, makeBuilder, makeData, RecordBatch, Schema, Struct, Table, Utf8, type Data, type DataType } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { arrowToIcebergSchema } from '../formats/arrow/from-arrow-schema.js';
import { writeParquet } from '../formats/parquet/write/index.js';
import { stringifyJson } from '../internal/json.js';
import type { FileIO } from '../io/file-io.js';

/** Name of the column that lists, per quarantined row, the rules it failed (comma-separated ids). */
export const QUARANTINE_REASON_COLUMN = '_dq_failed_rules';

/** The schema of quarantined rows: the data's fields (nullable) plus {@link QUARANTINE_REASON_COLUMN}. */
export function quarantineSchema(schema: Schema): Schema {
  return new Schema([...schema.fields.map((f) => new Field(f.name, f.type, true, f.metadata)), new Field(QUARANTINE_REASON_COLUMN, new Utf8(), true)], schema.metadata);
}

/** Copies rows `indices` of `batch` (types kept) and adds the reasons column. */
export function quarantineBatch(batch: RecordBatch, indices: number[], reasons: string[]): RecordBatch {
  const fields = batch.schema.fields;
  const children: Data[] = fields.map((f, c) => {
    const src = batch.getChildAt(c)!;
    const b = makeBuilder({ type: f.type as DataType, nullValues: [null, undefined] });
    for (const i of indices) b.append(src.get(i));
    return b.finish().flush();
  });
  const rb = makeBuilder({ type: new Utf8(), nullValues: [null, undefined] });
  for (const r of reasons) rb.append(r);
  children.push(rb.finish().flush());
  const schema = quarantineSchema(batch.schema);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: indices.length, children, nullCount: 0 }));
}

/** Options of {@link writeQuarantine}. */
export interface WriteQuarantineOptions {
  /** `parquet` (default) or `jsonl`. */
  format?: 'parquet' | 'jsonl';
}

/**
 * Writes quarantined rows to `location` through `io` as Parquet (lakekit's
 * writer; field ids assigned in column order) or JSON Lines (BigInt-safe).
 * Returns the number of rows written.
 *
 * @example
 * ```ts
 * const { quarantine } = await checkQuality(table, ruleSet, { quarantine: true });
 * if (quarantine) await writeQuarantine(io, 'memory://quarantine/tx.parquet', quarantine);
 * ```
 */
export async function writeQuarantine(io: FileIO, location: string, rows: Table, options: WriteQuarantineOptions = {}): Promise<number> {
  const format = options.format ?? 'parquet';
  if (format === 'jsonl') {
    const lines: string[] = [];
    for (const row of rows) lines.push(stringifyJson(jsonRow(row?.toJSON() ?? {})));
    await io.write(location, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    return rows.numRows;
  }
  if (format !== 'parquet') throw new ValidationError(`unknown quarantine format '${String(format)}'; use 'parquet' or 'jsonl'`);
  const plain = new Schema(rows.schema.fields.map((f) => new Field(f.name, f.type, f.nullable)));
  const schema = arrowToIcebergSchema(plain);
  const { bytes } = await writeParquet(new Table(plain, rows.batches.map((b) => new RecordBatch(plain, b.data))), schema);
  await io.write(location, bytes);
  return rows.numRows;
}

function jsonRow(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k] = v instanceof Uint32Array ? Array.from(v) : v;
  return out;
}
