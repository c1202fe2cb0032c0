/**
 * Iceberg schema → Parquet schema, per the Parquet appendix of the Iceberg
 * spec: every element carries the Iceberg field id, lists use the 3-level
 * `list`/`element` layout, maps `key_value` with `key`/`value`, and required
 * vs optional follows the Iceberg field. The result also describes each leaf
 * column (path, physical type, max definition/repetition levels) and a tree
 * the shredder walks.
 */
import { UnsupportedError } from '../../../errors.js';
import { decimalRequiredBytes } from '../../../iceberg/spec/decimal.js';
import type { Schema } from '../../../iceberg/spec/schema.js';
import type { IcebergType, PrimitiveType } from '../../../iceberg/spec/types.js';
import { typeToString } from '../../../iceberg/spec/types.js';
import { PhysicalType, Repetition, type LogicalType, type SchemaElement } from './format.js';

/** How min/max compare for a leaf (the Parquet sort order of its type). */
export type SortKind = 'bool' | 'i32' | 'i64' | 'f32' | 'f64' | 'bytes' | 'decimal-be';

/** A Parquet leaf column. */
export interface LeafColumn {
  /** Position among the leaves (column chunk order). */
  readonly index: number;
  readonly fieldId: number;
  /** Iceberg column name (`a.b`, `tags.element`, `m.key`): metrics modes and error messages use it. */
  readonly columnName: string;
  readonly path: readonly string[];
  readonly type: PrimitiveType;
  readonly physical: PhysicalType;
  /** Byte width of FIXED_LEN_BYTE_ARRAY values; the value width of INT32/INT64/FLOAT/DOUBLE. */
  readonly width: number;
  readonly maxDef: number;
  readonly maxRep: number;
  /** Inside a list or map: Iceberg keeps counts but no bounds. */
  readonly inCollection: boolean;
  readonly sort: SortKind;
}

/** A node of the write plan, mirroring the Iceberg type. */
export interface PlanNode {
  readonly kind: 'primitive' | 'struct' | 'list' | 'map';
  readonly name: string;
  readonly columnName: string;
  readonly optional: boolean;
  /** Definition level of a present (non-null) value at this node. */
  readonly def: number;
  /** Repetition level of this node (repeated ancestors). */
  readonly rep: number;
  readonly type: IcebergType;
  /** struct: fields; list: [element]; map: [key, value]. */
  readonly children: readonly PlanNode[];
  readonly leaf?: LeafColumn;
}

/** The Parquet schema and the write plan of an Iceberg schema. */
export interface ParquetSchemaPlan {
  readonly elements: readonly SchemaElement[];
  readonly leaves: readonly LeafColumn[];
  /** Top-level fields in schema order. */
  readonly fields: readonly PlanNode[];
}

interface Mapped {
  physical: PhysicalType;
  width: number;
  logical?: LogicalType;
  sort: SortKind;
}

/** Physical and logical Parquet type of an Iceberg primitive. */
export function mapPrimitive(t: PrimitiveType, columnName: string): Mapped {
  switch (t.type) {
    case 'boolean':
      return { physical: PhysicalType.BOOLEAN, width: 0, sort: 'bool' };
    case 'int':
      return { physical: PhysicalType.INT32, width: 4, sort: 'i32' };
    case 'long':
      return { physical: PhysicalType.INT64, width: 8, sort: 'i64' };
    case 'float':
      return { physical: PhysicalType.FLOAT, width: 4, sort: 'f32' };
    case 'double':
      return { physical: PhysicalType.DOUBLE, width: 8, sort: 'f64' };
    case 'date':
      return { physical: PhysicalType.INT32, width: 4, logical: { kind: 'date' }, sort: 'i32' };
    case 'time':
      return { physical: PhysicalType.INT64, width: 8, logical: { kind: 'time', utc: false, unit: 'micros' }, sort: 'i64' };
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return {
        physical: PhysicalType.INT64,
        width: 8,
        logical: { kind: 'timestamp', utc: t.type.startsWith('timestamptz'), unit: t.type.endsWith('_ns') ? 'nanos' : 'micros' },
        sort: 'i64',
      };
    case 'string':
      return { physical: PhysicalType.BYTE_ARRAY, width: 0, logical: { kind: 'string' }, sort: 'bytes' };
    case 'binary':
      return { physical: PhysicalType.BYTE_ARRAY, width: 0, sort: 'bytes' };
    case 'uuid':
      return { physical: PhysicalType.FIXED_LEN_BYTE_ARRAY, width: 16, logical: { kind: 'uuid' }, sort: 'bytes' };
    case 'fixed':
      return { physical: PhysicalType.FIXED_LEN_BYTE_ARRAY, width: t.length, sort: 'bytes' };
    case 'decimal': {
      const logical: LogicalType = { kind: 'decimal', scale: t.scale, precision: t.precision };
      if (t.precision <= 9) return { physical: PhysicalType.INT32, width: 4, logical, sort: 'i32' };
      if (t.precision <= 18) return { physical: PhysicalType.INT64, width: 8, logical, sort: 'i64' };
      return { physical: PhysicalType.FIXED_LEN_BYTE_ARRAY, width: decimalRequiredBytes(t.precision), logical, sort: 'decimal-be' };
    }
    default:
      throw new UnsupportedError(`column ${columnName} has type ${typeToString(t)}, which the Parquet writer does not support yet; use another type`, {
        context: { column: columnName },
      });
  }
}

/** Build the Parquet schema and write plan of an Iceberg schema. Throws UnsupportedError for types it cannot write. */
export function planParquetSchema(schema: Schema): ParquetSchemaPlan {
  const elements: SchemaElement[] = [{ name: 'table', numChildren: schema.fields.length }];
  const leaves: LeafColumn[] = [];

  const visit = (
    name: string,
    fieldId: number,
    required: boolean,
    type: IcebergType,
    parentDef: number,
    rep: number,
    path: readonly string[],
    columnName: string,
    inCollection: boolean,
  ): PlanNode => {
    const optional = !required;
    const def = parentDef + (optional ? 1 : 0);
    const repetition = optional ? Repetition.OPTIONAL : Repetition.REQUIRED;
    const here = [...path, name];
    switch (type.type) {
      case 'struct': {
        elements.push({ name, repetition, numChildren: type.fields.length, fieldId });
        const children = type.fields.map((f) =>
          visit(f.name, f.id, f.required, f.type, def, rep, here, `${columnName}.${f.name}`, inCollection),
        );
        return { kind: 'struct', name, columnName, optional, def, rep, type, children };
      }
      case 'list': {
        elements.push({ name, repetition, numChildren: 1, logical: { kind: 'list' }, fieldId });
        elements.push({ name: 'list', repetition: Repetition.REPEATED, numChildren: 1 });
        const element = visit('element', type.elementId, type.elementRequired, type.element, def + 1, rep + 1, [...here, 'list'], `${columnName}.element`, true);
        return { kind: 'list', name, columnName, optional, def, rep, type, children: [element] };
      }
      case 'map': {
        elements.push({ name, repetition, numChildren: 1, logical: { kind: 'map' }, fieldId });
        elements.push({ name: 'key_value', repetition: Repetition.REPEATED, numChildren: 2 });
        const kvPath = [...here, 'key_value'];
        const key = visit('key', type.keyId, true, type.key, def + 1, rep + 1, kvPath, `${columnName}.key`, true);
        const value = visit('value', type.valueId, type.valueRequired, type.value, def + 1, rep + 1, kvPath, `${columnName}.value`, true);
        return { kind: 'map', name, columnName, optional, def, rep, type, children: [key, value] };
      }
      case 'variant':
        throw new UnsupportedError(`column ${columnName} is a variant, which the Parquet writer does not support yet`, { context: { column: columnName } });
      default: {
        const m = mapPrimitive(type, columnName);
        const element: SchemaElement = { name, type: m.physical, repetition, fieldId };
        if (m.physical === PhysicalType.FIXED_LEN_BYTE_ARRAY) element.typeLength = m.width;
        if (m.logical) element.logical = m.logical;
        elements.push(element);
        const leaf: LeafColumn = {
          index: leaves.length,
          fieldId,
          columnName,
          path: here,
          type,
          physical: m.physical,
          width: m.width,
          maxDef: def,
          maxRep: rep,
          inCollection,
          sort: m.sort,
        };
        leaves.push(leaf);
        return { kind: 'primitive', name, columnName, optional, def, rep, type, children: [], leaf };
      }
    }
  };

  const fields = schema.fields.map((f) => visit(f.name, f.id, f.required, f.type, 0, 0, [], f.name, false));
  return { elements, leaves, fields };
}
