/**
 * Match an expected (projected) Iceberg schema to a file's columns by field
 * id, check that every matched column can be read as the expected type, and
 * list the leaf columns to fetch.
 */
import { ValidationError } from '../../../errors.js';
import { isPromotionAllowed, typeEquals } from '../../../iceberg/spec/type-compare.js';
import type { IcebergType, NestedField, PrimitiveType, StructType } from '../../../iceberg/spec/types.js';
import { isPrimitive, typeToString } from '../../../iceberg/spec/types.js';
import { firstLeaf } from './assemble.js';
import type { FileNode, FileSchema } from './file-schema.js';
import { isListNode, isMapNode, listElement, primitiveTypeOf } from './file-schema.js';

/** How one expected top-level field is read: from a file column, or filled (missing). */
export interface ColumnPlan {
  readonly field: NestedField;
  readonly node: FileNode | undefined;
}

/** What to read from a file for an expected schema. */
export interface ReadPlan {
  readonly columns: readonly ColumnPlan[];
  /** Leaf column indexes to fetch, ascending. */
  readonly leaves: readonly number[];
}

function isTimestamp(t: PrimitiveType): boolean {
  return t.type === 'timestamp' || t.type === 'timestamptz';
}

/**
 * Whether a file column of Iceberg type `from` can be read as `to`: equal
 * types, the allowed promotions, and the equivalences older writers force on
 * readers (string ↔ binary for Hive files, timestamp ↔ timestamptz storage,
 * a 16-byte fixed written for a uuid).
 */
export function readableAs(from: PrimitiveType, to: PrimitiveType): boolean {
  if (typeEquals(from, to) || isPromotionAllowed(from, to, 3)) return true;
  if ((from.type === 'string' || from.type === 'binary') && (to.type === 'string' || to.type === 'binary')) return true;
  if (from.type === 'binary' && (to.type === 'geometry' || to.type === 'geography')) return true; // WKB
  if (isTimestamp(from) && isTimestamp(to)) return true;
  if (from.type.startsWith('timestamp') && from.type.endsWith('_ns') && to.type.startsWith('timestamp') && to.type.endsWith('_ns')) return true;
  if ((from.type === 'fixed' && from.length === 16 && to.type === 'uuid') || (from.type === 'uuid' && to.type === 'fixed' && to.length === 16)) return true;
  return false;
}

function mismatch(where: string, path: string, node: FileNode, to: IcebergType): never {
  const from = node.children.length === 0 ? primitiveTypeOf(node.element) : undefined;
  const what = from ? typeToString(from) : node.children.length === 0 ? `Parquet ${node.element.type ?? 'group'}` : isListNode(node) ? 'a list' : isMapNode(node) ? 'a map' : 'a struct';
  throw new ValidationError(`${where}: column ${path} (field id ${node.fieldId ?? '?'}) holds ${what}, which cannot be read as ${typeToString(to).slice(0, 80)}`, {
    context: { column: path, fieldId: node.fieldId },
  });
}

function plan(type: IcebergType, node: FileNode, path: string, leaves: Set<number>, where: string): void {
  if (isPrimitive(type)) {
    const from = node.children.length === 0 ? primitiveTypeOf(node.element) : undefined;
    if (from === undefined || !readableAs(from, type)) mismatch(where, path, node, type);
    leaves.add(node.leafIndex);
    return;
  }
  const before = leaves.size;
  switch (type.type) {
    case 'struct': {
      if (node.children.length === 0 || isListNode(node) || isMapNode(node)) mismatch(where, path, node, type);
      for (const f of type.fields) {
        const child = node.children.find((c) => c.fieldId === f.id);
        if (child !== undefined && f.type.type !== 'unknown') plan(f.type, child, `${path}.${f.name}`, leaves, where);
      }
      break;
    }
    case 'list':
      if (!isListNode(node)) mismatch(where, path, node, type);
      plan(type.element, listElement(node), `${path}.element`, leaves, where);
      break;
    case 'map': {
      if (!isMapNode(node)) mismatch(where, path, node, type);
      const kv = node.children[0]!;
      const [k, v] = kv.children[0]!.element.name === 'value' ? [kv.children[1]!, kv.children[0]!] : [kv.children[0]!, kv.children[1]!];
      plan(type.key, k, `${path}.key`, leaves, where);
      plan(type.value, v, `${path}.value`, leaves, where);
      break;
    }
    default:
      throw new ValidationError(`${where}: column ${path} has type ${typeToString(type)}, which lakekit cannot read yet; project it away`);
  }
  // A struct whose fields are all missing still needs one column for its own nulls.
  if (leaves.size === before) leaves.add(firstLeaf(node));
}

/**
 * Plan reading `expected` from a file: each top-level field is matched to
 * the file column with the same field id (never by name), nested fields
 * likewise. Throws ValidationError when a matched column cannot be read as
 * the expected type.
 */
export function planRead(expected: StructType, schema: FileSchema, where: string): ReadPlan {
  const leaves = new Set<number>();
  const columns = expected.fields.map((field): ColumnPlan => {
    const node = field.type.type === 'unknown' ? undefined : schema.columns.find((c) => c.fieldId === field.id);
    if (node !== undefined) plan(field.type, node, field.name, leaves, where);
    return { field, node };
  });
  return { columns, leaves: [...leaves].sort((a, b) => a - b) };
}
