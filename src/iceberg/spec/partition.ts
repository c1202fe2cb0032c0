/**
 * Partition specs (spec "Partitioning", Appendix C "Partition Specs"): the
 * model, JSON, validation, the partition type, and a row's partition tuple.
 * Paths and human-readable values are in `partition-path.ts`.
 *
 * @example
 * ```ts
 * const spec = buildPartitionSpec(schema, [
 *   { source: 'ts', transform: Transforms.day },      // ts_day, field id 1000
 *   { source: 'id', transform: Transforms.bucket(16) } // id_bucket, 1001
 * ]);
 * partitionTuple(spec, schema, { id: 7n, ts: 1700000000000000n }); // [19675, 3]
 * ```
 */
import { ValidationError } from '../../errors.js';
import { asArray, asObject, has, intList, invalid, optInt, reqArray, reqInt, reqString } from './json-read.js';
import type { Schema } from './schema.js';
import type { Transform } from './transforms.js';
import { bindTransform } from './transform-apply.js';
import { canTransform, formatTransform, parseTransform, transformEquals, transformResultType } from './transforms.js';
import { findColumnName, findFieldByName, findFieldEntry } from './type-index.js';
import type { IcebergType, StructType } from './types.js';
import { isPrimitive, optionalField, Types, typeToString } from './types.js';
import type { Value } from './values.js';

/** First partition field id; v1 assigned ids sequentially from here. */
export const PARTITION_DATA_ID_START = 1000;

/** One field of a partition spec. */
export interface PartitionField {
  /** The source column id (the first one for multi-argument transforms). */
  readonly sourceId: number;
  /** All source column ids, only for multi-argument (v3) transforms. */
  readonly sourceIds?: readonly number[];
  /** Partition field id, unique across the table's specs (from 1000). */
  readonly fieldId: number;
  readonly name: string;
  readonly transform: Transform;
}

/** A partition spec: an id and its fields. */
export interface PartitionSpec {
  readonly specId: number;
  readonly fields: readonly PartitionField[];
}

/** The spec of an unpartitioned table. */
export const UNPARTITIONED_SPEC: PartitionSpec = Object.freeze({ specId: 0, fields: Object.freeze([]) });

/** Highest partition field id of the spec (999 when it has no fields). */
export function lastAssignedFieldId(spec: PartitionSpec): number {
  return spec.fields.reduce((m, f) => Math.max(m, f.fieldId), PARTITION_DATA_ID_START - 1);
}

/** Whether the spec has no fields or only `void` fields. */
export function isUnpartitioned(spec: PartitionSpec): boolean {
  return spec.fields.every((f) => f.transform.type === 'void');
}

/**
 * Whether two specs are equivalent ignoring field ids and spec ids (same
 * sources, transforms and names, in order) — Java's `compatibleWith`.
 */
export function specCompatible(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return f.sourceId === g.sourceId && f.name === g.name && transformEquals(f.transform, g.transform) && (f.sourceIds ?? []).join() === (g.sourceIds ?? []).join();
    })
  );
}

/** Whether two specs are equal, including spec id and field ids. */
export function specEquals(a: PartitionSpec, b: PartitionSpec): boolean {
  return a.specId === b.specId && specCompatible(a, b) && a.fields.every((f, i) => f.fieldId === b.fields[i]!.fieldId);
}

/** One field for {@link buildPartitionSpec}. */
export interface PartitionFieldInput {
  /** Source column, by id or dotted name. */
  source: number | string;
  transform: Transform | string;
  /** Defaults to Java's naming: `id_bucket`, `name_trunc`, `ts_year`, `ts_month`, `ts_day`, `ts_hour`, `x_null`, or the column name for identity. */
  name?: string;
}

const SUFFIX: Record<string, string> = { bucket: '_bucket', truncate: '_trunc', year: '_year', month: '_month', day: '_day', hour: '_hour', void: '_null' };

/**
 * Build and validate a partition spec from column names or ids, assigning
 * field ids after `lastAssignedFieldId` (default 999, so the first is 1000).
 * Throws ValidationError.
 */
export function buildPartitionSpec(
  schema: Schema,
  fields: readonly PartitionFieldInput[],
  opts: { specId?: number; lastAssignedFieldId?: number } = {},
): PartitionSpec {
  let next = opts.lastAssignedFieldId ?? PARTITION_DATA_ID_START - 1;
  const out = fields.map((input) => {
    const field = typeof input.source === 'number' ? findFieldEntry(schema, input.source)?.field : findFieldByName(schema, input.source);
    if (field === undefined) throw new ValidationError(`cannot partition by ${JSON.stringify(input.source)}: no such column in schema ${schema.schemaId}; check the column name or id`);
    const transform = typeof input.transform === 'string' ? parseTransform(input.transform) : input.transform;
    const sourceName = findColumnName(schema, field.id) ?? field.name;
    next += 1;
    return Object.freeze({ sourceId: field.id, fieldId: next, name: input.name ?? `${sourceName}${SUFFIX[transform.type] ?? ''}`, transform });
  });
  const spec: PartitionSpec = Object.freeze({ specId: opts.specId ?? 0, fields: Object.freeze(out) });
  validatePartitionSpec(spec, schema);
  return spec;
}

/**
 * Check a spec against a schema: field ids and names are unique, each source
 * column exists, is primitive and not inside a list or map, the transform
 * applies to its type, no two fields repeat a (source, transform) pair, and a
 * field name only reuses a column name for an identity partition of that
 * column. Throws ValidationError saying what to change.
 */
export function validatePartitionSpec(spec: PartitionSpec, schema: Schema): void {
  const names = new Set<string>();
  const ids = new Set<number>();
  const pairs = new Set<string>();
  for (const f of spec.fields) {
    const at = `partition spec ${spec.specId} field ${JSON.stringify(f.name)}`;
    if (f.name === '') throw new ValidationError(`${at}: the name is empty; give every partition field a name`);
    if (names.has(f.name)) throw new ValidationError(`${at}: the name is used twice; give every partition field its own name`);
    if (ids.has(f.fieldId)) throw new ValidationError(`${at}: field id ${f.fieldId} is used twice; assign each partition field its own id`);
    names.add(f.name);
    ids.add(f.fieldId);
    for (const sourceId of f.sourceIds ?? [f.sourceId]) {
      const e = findFieldEntry(schema, sourceId);
      if (e === undefined && f.transform.type === 'void') continue; // v1 drops fields by voiding them, even for dropped columns
      if (e === undefined) throw new ValidationError(`${at}: source column id ${sourceId} is not in schema ${schema.schemaId}; partition by an existing column`);
      if (!isPrimitive(e.field.type) || e.inCollection) {
        throw new ValidationError(`${at}: source column ${e.path.join('.')} must be a primitive outside lists and maps, but is ${typeToString(e.field.type)}`);
      }
      if (f.transform.type !== 'unknown' && !canTransform(f.transform, e.field.type)) {
        throw new ValidationError(`${at}: transform ${formatTransform(f.transform)} cannot apply to ${e.path.join('.')} of type ${typeToString(e.field.type)}; choose another transform`);
      }
    }
    const pair = `${(f.sourceIds ?? [f.sourceId]).join(',')}|${formatTransform(f.transform)}`;
    if (f.transform.type !== 'void' && pairs.has(pair)) throw new ValidationError(`${at}: another field already partitions column ${f.sourceId} by ${formatTransform(f.transform)}; remove the duplicate`);
    pairs.add(pair);
    const column = findFieldByName(schema, f.name);
    if (column !== undefined && !(f.transform.type === 'identity' && column.id === f.sourceId)) {
      throw new ValidationError(`${at}: the name is also a column name; only an identity partition of that column may share it, so rename the partition field`);
    }
  }
}

/**
 * The partition type: a struct with one optional field per partition field
 * (id = partition field id, type = transform result type). A missing source
 * column is only allowed for `void` or unknown transforms (typed `unknown`).
 */
export function partitionType(spec: PartitionSpec, schema: Schema): StructType {
  return Types.struct(
    spec.fields.map((f) => {
      const source = findFieldEntry(schema, f.sourceId)?.field.type;
      let type: IcebergType;
      if (source === undefined) {
        if (f.transform.type !== 'void' && f.transform.type !== 'unknown') {
          throw new ValidationError(`partition field ${JSON.stringify(f.name)} reads column id ${f.sourceId}, which schema ${schema.schemaId} does not have; use the schema the spec was written with`);
        }
        type = Types.unknown;
      } else {
        type = transformResultType(f.transform, source);
      }
      return optionalField(f.fieldId, f.name, type);
    }),
  );
}

/** A row: a plain object keyed by column name (nested structs as nested objects), or a function from source field id to value. */
export type PartitionSourceRow = Readonly<Record<string, unknown>> | ((sourceId: number) => Value);

/**
 * A row's partition tuple: one value per spec field, in spec order, each the
 * transform of the source value (values in the forms of `values.ts`).
 */
export function partitionTuple(spec: PartitionSpec, schema: Schema, row: PartitionSourceRow): Value[] {
  return bindPartitionTuple(spec, schema)(row);
}

/** Bind a spec to a schema once; the returned function computes partition tuples of many rows. */
export function bindPartitionTuple(spec: PartitionSpec, schema: Schema): (row: PartitionSourceRow) => Value[] {
  const plan = spec.fields.map((f) => {
    const e = findFieldEntry(schema, f.sourceId);
    if (e === undefined) throw new ValidationError(`partition field ${JSON.stringify(f.name)} reads column id ${f.sourceId}, which is not in schema ${schema.schemaId}`);
    const steps = [...e.ancestors, e.field].map((a) => ({ id: a.id, name: a.name }));
    return { sourceId: f.sourceId, steps, apply: bindTransform(f.transform, e.field.type) };
  });
  return (row) =>
    plan.map((p) => {
      if (typeof row === 'function') return p.apply(row(p.sourceId) ?? null);
      let v: unknown = row;
      for (const step of p.steps) {
        if (v instanceof Map) v = v.get(step.id); // a struct value in memory form
        else if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, step.name)) v = (v as Record<string, unknown>)[step.name];
        else v = undefined;
        if (v === undefined || v === null) break;
      }
      return p.apply((v ?? null) as Value);
    });
}

function fieldToJson(f: PartitionField): Record<string, unknown> {
  const out: Record<string, unknown> = f.sourceIds !== undefined && f.sourceIds.length > 1 ? { 'source-ids': [...f.sourceIds] } : { 'source-id': f.sourceId };
  out['field-id'] = f.fieldId;
  out.name = f.name;
  out.transform = formatTransform(f.transform);
  return out;
}

/** The JSON form of a spec (Appendix C). */
export function partitionSpecToJson(spec: PartitionSpec): Record<string, unknown> {
  return { 'spec-id': spec.specId, fields: spec.fields.map(fieldToJson) };
}

/** The fields-only JSON form, as the deprecated v1 `partition-spec` metadata field stores it. */
export function partitionFieldsToJson(spec: PartitionSpec): unknown[] {
  return spec.fields.map(fieldToJson);
}

/**
 * Parse a fields-only spec (v1 `partition-spec`), assigning ids from 1000
 * where `field-id` is missing.
 */
export function partitionFieldsFromJson(json: unknown, specId: number, where = `partition spec ${specId}`): PartitionSpec {
  const fields = asArray(json, where).map((item, i): PartitionField => {
    const at = `${where} field ${i}`;
    const o = asObject(item, at);
    const sourceIds = has(o, 'source-ids') ? intList(o['source-ids'], `${at} field "source-ids"`) : undefined;
    const sourceId = optInt(o, 'source-id', at) ?? sourceIds?.[0] ?? invalid(at, 'missing required field "source-id"');
    const transformText = reqString(o, 'transform', at);
    let transform: Transform;
    try {
      transform = parseTransform(transformText);
    } catch (cause) {
      throw new ValidationError(`${at}: ${(cause as Error).message}`, { cause });
    }
    const f: PartitionField = {
      sourceId,
      fieldId: optInt(o, 'field-id', at) ?? PARTITION_DATA_ID_START + i,
      name: reqString(o, 'name', at),
      transform,
      ...(sourceIds !== undefined && sourceIds.length > 1 ? { sourceIds } : {}),
    };
    return Object.freeze(f);
  });
  return Object.freeze({ specId, fields: Object.freeze(fields) });
}

/** Parse a spec's JSON form. Throws ValidationError. */
export function partitionSpecFromJson(json: unknown, where = 'partition spec'): PartitionSpec {
  const o = asObject(json, where);
  const specId = reqInt(o, 'spec-id', where);
  return partitionFieldsFromJson(reqArray(o, 'fields', `partition spec ${specId}`), specId);
}
