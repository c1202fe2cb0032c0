/**
 * Schema inference from samples: the narrowest type every sampled value of a
 * column fits, and whether the column may be null.
 *
 * Text values (CSV fields) are classified by {@link classify}; JSON values by
 * their JavaScript type, with strings checked for dates and timestamps. When
 * the sample was not the whole input (`complete: false`), types leave room
 * for what the rest may hold: `int` becomes `long`, decimal precision grows
 * to 18 (or 38), and every column is nullable.
 */
import type { Schema as ArrowSchema } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { Types, optionalField, requiredField } from '../../iceberg/spec/types.js';
import type { IcebergType, NestedField } from '../../iceberg/spec/types.js';
import { icebergToArrowSchema } from '../arrow/schema.js';
import { T_ALL, T_BOOL, T_DATE, T_DBL, T_DEC, T_INT, T_LONG, T_TS, T_TSTZ, classify } from './text-values.js';
import type { Shape } from './text-values.js';

/** How fixed-point text such as `12.50` is typed. */
export type DecimalInference = 'decimal' | 'double';

/** Options for inference. */
export interface InferOptions {
  /** `decimal` (exact, the default) or `double` for fixed-point text. @default {@link DEFAULT_DECIMAL_INFERENCE} */
  decimals?: DecimalInference;
  /**
   * Whether the samples are the whole data. When false, types are widened
   * (`int`→`long`, decimal precision 18 or 38) and every column is nullable,
   * so rows after the sample still fit. @default true
   */
  complete?: boolean;
}

/** Fixed-point text is typed as an exact decimal unless `decimals: 'double'`. */
export const DEFAULT_DECIMAL_INFERENCE: DecimalInference = 'decimal';

/** Text samples: column names and rows of field text (null for a null value). */
export interface TextSamples {
  columns: readonly string[];
  rows: readonly (readonly (string | null)[])[];
}

/** Accumulates what one text column's sampled values can be. */
export class TextColumnInference {
  private mask = T_ALL;
  private nonNull = 0;
  private nulls = 0;
  private intDigits = 0;
  private scale = 0;
  private readonly shape: Shape = { intDigits: 0, scale: 0 };

  /** Record one non-null value, given as UTF-8 bytes `b[s..e)`. */
  add(b: Uint8Array, s: number, e: number): void {
    this.nonNull++;
    if (this.mask === 0) return;
    const flags = classify(b, s, e, this.shape);
    this.mask &= flags;
    if (flags & T_DEC) {
      if (this.shape.intDigits > this.intDigits) this.intDigits = this.shape.intDigits;
      if (this.shape.scale > this.scale) this.scale = this.shape.scale;
    }
  }

  /** Record one null. */
  addNull(): void {
    this.nulls++;
  }

  /** The inferred type and nullability. */
  result(options: InferOptions = {}): { type: IcebergType; nullable: boolean } {
    const complete = options.complete ?? true;
    return { type: decideText(this.mask, this.nonNull, this.intDigits, this.scale, complete, options.decimals ?? DEFAULT_DECIMAL_INFERENCE), nullable: this.nulls > 0 || !complete };
  }
}

function widenPrecision(p: number, complete: boolean): number {
  if (complete) return Math.max(p, 1);
  return p <= 18 ? 18 : 38;
}

function decideText(mask: number, nonNull: number, intDigits: number, scale: number, complete: boolean, decimals: DecimalInference): IcebergType {
  if (nonNull === 0) return Types.string;
  if (mask & T_BOOL) return Types.boolean;
  if (mask & T_INT) return complete ? Types.int : Types.long;
  if (mask & T_LONG) return Types.long;
  if (mask & T_DEC) {
    if (decimals === 'double' && mask & T_DBL) return Types.double;
    return Types.decimal(widenPrecision(intDigits + scale, complete), scale);
  }
  if (mask & T_DBL) return Types.double;
  if (mask & T_DATE) return Types.date;
  if (mask & T_TS) return Types.timestamp;
  if (mask & T_TSTZ) return Types.timestamptz;
  return Types.string;
}

// ---- JSON values -------------------------------------------------------------

/** The inferred shape of JSON values at one position. */
export type JsonNode =
  | { kind: 'none' }
  | { kind: 'boolean' | 'double' | 'string' | 'mixed' }
  | { kind: 'int'; long: boolean }
  | { kind: 'text'; mask: number }
  | { kind: 'struct'; fields: Map<string, JsonField> }
  | { kind: 'list'; element: JsonField };

/** A struct field or list element: its shape and whether it was ever null or absent. */
export interface JsonField {
  node: JsonNode;
  nullable: boolean;
}

const ENCODER = new TextEncoder();
let scratch = new Uint8Array(256);
const SHAPE: Shape = { intDigits: 0, scale: 0 };

function textMask(s: string): number {
  if (s.length * 3 > scratch.length) scratch = new Uint8Array(s.length * 3);
  const { written } = ENCODER.encodeInto(s, scratch);
  return classify(scratch, 0, written ?? 0, SHAPE) & (T_DATE | T_TS | T_TSTZ);
}

function nodeOf(v: unknown, depth: number): JsonNode {
  if (depth > 64) throw new ValidationError('JSON values nest deeper than 64 levels; flatten the data');
  if (v === null || v === undefined) return { kind: 'none' };
  switch (typeof v) {
    case 'boolean':
      return { kind: 'boolean' };
    case 'number':
      if (Number.isInteger(v)) return { kind: 'int', long: v > 2147483647 || v < -2147483648 };
      return { kind: 'double' };
    case 'bigint':
      return { kind: 'int', long: true };
    case 'string':
      return { kind: 'text', mask: textMask(v) };
    case 'object': {
      if (Array.isArray(v)) {
        let element: JsonField = { node: { kind: 'none' }, nullable: false };
        for (const item of v) element = mergeField(element, { node: nodeOf(item, depth + 1), nullable: item === null });
        return { kind: 'list', element };
      }
      const fields = new Map<string, JsonField>();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields.set(k, { node: nodeOf(x, depth + 1), nullable: x === null || x === undefined });
      return { kind: 'struct', fields };
    }
    default:
      return { kind: 'mixed' };
  }
}

function mergeField(a: JsonField, b: JsonField): JsonField {
  return { node: mergeNode(a.node, b.node), nullable: a.nullable || b.nullable };
}

function mergeNode(a: JsonNode, b: JsonNode): JsonNode {
  if (a.kind === 'none') return b;
  if (b.kind === 'none') return a;
  if (a.kind === 'int' && b.kind === 'int') return { kind: 'int', long: a.long || b.long };
  if ((a.kind === 'int' || a.kind === 'double') && (b.kind === 'int' || b.kind === 'double')) return { kind: 'double' };
  if (a.kind === 'text' && b.kind === 'text') return { kind: 'text', mask: a.mask & b.mask };
  if (a.kind === 'struct' && b.kind === 'struct') {
    const fields = new Map<string, JsonField>();
    for (const [k, f] of a.fields) fields.set(k, b.fields.has(k) ? mergeField(f, b.fields.get(k)!) : { node: f.node, nullable: true });
    for (const [k, f] of b.fields) if (!a.fields.has(k)) fields.set(k, { node: f.node, nullable: true });
    return { kind: 'struct', fields };
  }
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', element: mergeField(a.element, b.element) };
  if (a.kind === b.kind && (a.kind === 'boolean' || a.kind === 'double' || a.kind === 'string')) return a;
  return { kind: 'mixed' };
}

/** Accumulates the shape of sampled JSON records. */
export class JsonInference {
  private root: JsonField = { node: { kind: 'struct', fields: new Map() }, nullable: false };
  private count = 0;

  /** Record one sampled record (an object). */
  add(record: Record<string, unknown>): void {
    this.count++;
    const node = nodeOf(record, 0);
    if (this.count === 1) this.root = { node, nullable: false };
    else this.root = mergeField(this.root, { node, nullable: false });
  }

  /** The inferred Iceberg struct with field ids from 1, in first-seen column order. */
  fields(options: InferOptions = {}): NestedField[] {
    const ids = { next: 1 };
    const node = this.root.node;
    if (node.kind !== 'struct') return [];
    return structFields(node.fields, ids, options.complete ?? true);
  }
}

function structFields(fields: Map<string, JsonField>, ids: { next: number }, complete: boolean): NestedField[] {
  const out: NestedField[] = [];
  const entries = [...fields];
  const idOf = entries.map(() => ids.next++);
  entries.forEach(([name, f], i) => {
    const type = jsonType(f.node, ids, complete);
    out.push(f.nullable || !complete ? optionalField(idOf[i]!, name, type) : requiredField(idOf[i]!, name, type));
  });
  return out;
}

function jsonType(node: JsonNode, ids: { next: number }, complete: boolean): IcebergType {
  switch (node.kind) {
    case 'boolean':
      return Types.boolean;
    case 'int':
      return node.long || !complete ? Types.long : Types.int;
    case 'double':
      return Types.double;
    case 'text':
      if (node.mask & T_DATE) return Types.date;
      if (node.mask & T_TS) return Types.timestamp;
      if (node.mask & T_TSTZ) return Types.timestamptz;
      return Types.string;
    case 'struct':
      return Types.struct(structFields(node.fields, ids, complete));
    case 'list': {
      const elementId = ids.next++;
      return Types.list(elementId, jsonType(node.element.node, ids, complete), false);
    }
    default:
      return Types.string;
  }
}

/**
 * Infer an Arrow schema (with Iceberg field ids in `PARQUET:field_id`) from
 * samples: JSON-like records, or text rows with column names.
 *
 * @example
 * ```ts
 * const schema = inferSchema({ columns: ['id', 'amount', 'day'], rows: [['1', '12.50', '2026-01-31']] });
 * schema.fields.map((f) => String(f.type)); // ['Int32', 'Decimal[4e+2]', 'Date32<DAY>']
 * ```
 */
export function inferSchema(samples: readonly Record<string, unknown>[] | TextSamples, options: InferOptions = {}): ArrowSchema {
  if (Array.isArray(samples)) {
    const inf = new JsonInference();
    samples.forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new ValidationError(`sample ${i} is not an object; pass one object per record`);
      inf.add(r as Record<string, unknown>);
    });
    return icebergToArrowSchema(Types.struct(inf.fields(options)));
  }
  const text = samples as TextSamples;
  if (!Array.isArray(text.columns) || !Array.isArray(text.rows)) {
    throw new ValidationError('inferSchema expects an array of records or { columns, rows } of text');
  }
  const cols = text.columns.map(() => new TextColumnInference());
  const buf = { bytes: new Uint8Array(64) };
  text.rows.forEach((row, r) => {
    if (row.length !== cols.length) throw new ValidationError(`sample row ${r} has ${row.length} values but there are ${cols.length} columns`);
    row.forEach((v: string | null, c: number) => {
      if (v === null) cols[c]!.addNull();
      else {
        if (v.length * 3 > buf.bytes.length) buf.bytes = new Uint8Array(v.length * 3);
        const { written } = ENCODER.encodeInto(v, buf.bytes);
        cols[c]!.add(buf.bytes, 0, written ?? 0);
      }
    });
  });
  return icebergToArrowSchema(
    Types.struct(
      cols.map((c, i) => {
        const { type, nullable } = c.result(options);
        return nullable ? optionalField(i + 1, text.columns[i]!, type) : requiredField(i + 1, text.columns[i]!, type);
      }),
    ),
  );
}
