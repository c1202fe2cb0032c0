/**
 * The Parquet schema of one file as a tree lakekit can walk: Dremel
 * definition and repetition levels per node, the Iceberg field id of each
 * node (from the file, or from a name mapping), and the Iceberg type a
 * primitive column's annotations describe (Iceberg's `ParquetSchemaUtil`
 * rules, including the legacy two-level lists that Hive and Spark wrote).
 */
import { parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { ValidationError } from '../../../errors.js';
import { Types } from '../../../iceberg/spec/types.js';
import type { IcebergType, PrimitiveType } from '../../../iceberg/spec/types.js';

/** Deepest nesting lakekit reads; deeper files are refused as hostile. */
export const MAX_NESTING_DEPTH = 64;

/** One node of a Parquet file schema. */
export interface FileNode {
  /** The Parquet schema element. */
  readonly element: SchemaElement;
  /** Names from the top-level column down to this node. */
  readonly path: readonly string[];
  readonly children: readonly FileNode[];
  /** Iceberg field id (from the file, or assigned by a name mapping). */
  fieldId: number | undefined;
  /** Definition level of a present value of this node (non-required nodes from the root, inclusive). */
  readonly defLevel: number;
  /** Repetition level of this node (repeated nodes from the root, inclusive). */
  readonly repLevel: number;
  /** For a leaf: its column index in every row group; -1 for groups. */
  readonly leafIndex: number;
  /** For a leaf: hyparquet's schema path from the root (what its page decoders take). */
  readonly schemaPath: readonly SchemaTree[];
}

/** A file schema: its top-level columns and its leaves in column order. */
export interface FileSchema {
  readonly columns: readonly FileNode[];
  readonly leaves: readonly FileNode[];
  /** Whether any node carries a field id written in the file. */
  readonly hasFieldIds: boolean;
}

/** Build the file schema tree. Throws ValidationError for malformed schemas. */
export function fileSchema(metadata: FileMetaData, where: string): FileSchema {
  let root: SchemaTree;
  try {
    root = parquetSchema(metadata);
  } catch (e) {
    throw new ValidationError(`${where}: the Parquet schema in the footer is malformed; the file is corrupt`, { cause: e });
  }
  if (root.count !== metadata.schema.length) throw new ValidationError(`${where}: the Parquet schema element counts do not add up; the file is corrupt`);
  const leaves: FileNode[] = [];
  let hasFieldIds = false;
  const walk = (tree: SchemaTree, trail: SchemaTree[], def: number, rep: number, depth: number): FileNode => {
    if (depth > MAX_NESTING_DEPTH) throw new ValidationError(`${where}: the Parquet schema nests deeper than ${MAX_NESTING_DEPTH} levels; refusing to read it`);
    const el = tree.element;
    const defLevel = def + (el.repetition_type === 'REQUIRED' ? 0 : 1);
    const repLevel = rep + (el.repetition_type === 'REPEATED' ? 1 : 0);
    const path = trail.length === 0 ? [el.name] : [...tree.path];
    const schemaPath = [...trail, tree];
    if (el.field_id !== undefined) hasFieldIds = true;
    const isLeaf = tree.children.length === 0;
    if (isLeaf && el.type === undefined) throw new ValidationError(`${where}: Parquet column ${path.join('.')} is a group without children; the file is corrupt`);
    const node: FileNode = {
      element: el,
      path,
      children: isLeaf ? [] : tree.children.map((c) => walk(c, schemaPath, defLevel, repLevel, depth + 1)),
      fieldId: el.field_id,
      defLevel,
      repLevel,
      leafIndex: isLeaf ? leaves.length : -1,
      schemaPath,
    };
    if (isLeaf) leaves.push(node);
    return node;
  };
  // Leaves are numbered as they are met depth-first, which is the order of column chunks in a row group.
  const columns = root.children.map((c) => walk(c, [root], 0, 0, 1));
  return { columns, leaves, hasFieldIds };
}

/** Whether the node is a LIST-annotated group (or a MAP, which has the same shape one level down). */
export function isListNode(n: FileNode): boolean {
  return n.children.length === 1 && (n.element.converted_type === 'LIST' || n.element.logical_type?.type === 'LIST') && n.children[0]!.element.repetition_type === 'REPEATED';
}

/** Whether the node is a MAP-annotated group with a repeated key/value child. */
export function isMapNode(n: FileNode): boolean {
  const kv = n.children[0];
  return (
    n.children.length === 1 &&
    (n.element.converted_type === 'MAP' || n.element.converted_type === 'MAP_KEY_VALUE' || n.element.logical_type?.type === 'MAP') &&
    kv !== undefined &&
    kv.element.repetition_type === 'REPEATED' &&
    kv.children.length === 2
  );
}

/**
 * The element node of a list, by the Parquet LIST backward-compatibility
 * rules: the repeated node itself when it is primitive, has several fields,
 * or is named `array` / `<list>_tuple` (legacy two-level lists); otherwise
 * its only child.
 */
export function listElement(list: FileNode): FileNode {
  const repeated = list.children[0]!;
  if (repeated.children.length !== 1) return repeated;
  if (repeated.element.name === 'array' || repeated.element.name === `${list.element.name}_tuple`) return repeated;
  return repeated.children[0]!;
}

/** The Iceberg primitive type a Parquet primitive column holds, or undefined when Iceberg has none. */
export function primitiveTypeOf(el: SchemaElement): PrimitiveType | undefined {
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (lt?.type === 'DECIMAL' || ct === 'DECIMAL') {
    const precision = lt?.type === 'DECIMAL' ? lt.precision : (el.precision ?? 0);
    const scale = lt?.type === 'DECIMAL' ? lt.scale : (el.scale ?? 0);
    return precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision ? Types.decimal(precision, scale) : undefined;
  }
  switch (el.type) {
    case 'BOOLEAN':
      return Types.boolean;
    case 'INT32':
      if (lt?.type === 'DATE' || ct === 'DATE') return Types.date;
      if (lt?.type === 'TIME' || ct === 'TIME_MILLIS') return Types.time;
      if ((lt?.type === 'INTEGER' && !lt.isSigned && lt.bitWidth === 32) || ct === 'UINT_32') return Types.long;
      return Types.int;
    case 'INT64':
      if (lt?.type === 'TIMESTAMP') {
        if (lt.unit === 'NANOS') return lt.isAdjustedToUTC ? Types.timestamptz_ns : Types.timestamp_ns;
        return lt.isAdjustedToUTC ? Types.timestamptz : Types.timestamp;
      }
      if (ct === 'TIMESTAMP_MICROS' || ct === 'TIMESTAMP_MILLIS') return Types.timestamptz;
      if (lt?.type === 'TIME' || ct === 'TIME_MICROS') return Types.time;
      if ((lt?.type === 'INTEGER' && !lt.isSigned) || ct === 'UINT_64') return undefined;
      return Types.long;
    case 'INT96':
      return Types.timestamptz;
    case 'FLOAT':
      return Types.float;
    case 'DOUBLE':
      return Types.double;
    case 'BYTE_ARRAY':
      return lt?.type === 'STRING' || lt?.type === 'JSON' || lt?.type === 'ENUM' || ct === 'UTF8' || ct === 'JSON' || ct === 'ENUM' ? Types.string : Types.binary;
    case 'FIXED_LEN_BYTE_ARRAY': {
      const len = el.type_length ?? -1;
      if (lt?.type === 'UUID' && len === 16) return Types.uuid;
      return len >= 0 ? Types.fixed(len) : undefined;
    }
    default:
      return undefined;
  }
}

/** The Iceberg type of a file node (ids from the file; nodes without ids get -1). */
export function icebergTypeOf(n: FileNode): IcebergType | undefined {
  if (n.children.length === 0) return primitiveTypeOf(n.element);
  if (isMapNode(n)) {
    const [k, v] = n.children[0]!.children as [FileNode, FileNode];
    const kt = icebergTypeOf(k);
    const vt = icebergTypeOf(v);
    return kt && vt && Types.map(k.fieldId ?? -1, kt, v.fieldId ?? -1, vt, v.element.repetition_type === 'REQUIRED');
  }
  if (isListNode(n)) {
    const e = listElement(n);
    const et = e === n.children[0] && e.children.length === 0 ? primitiveTypeOf(e.element) : icebergTypeOf(e);
    return et && Types.list(e.fieldId ?? -1, et, e.element.repetition_type !== 'OPTIONAL');
  }
  return undefined;
}
