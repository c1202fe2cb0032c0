/**
 * Dremel assembly: definition and repetition levels of the leaf columns →
 * nested Arrow `Data` (validity bitmaps, list/map offsets, struct children)
 * shaped like the expected Iceberg type. Each leaf is walked top-down: its
 * level entries are grouped into "slots" (one per value of the current node),
 * a repeated node splits each slot into element slots where the repetition
 * level says a new element starts. Struct validity and list offsets come from
 * any one leaf below the node; every leaf agrees on them in a valid file,
 * which is checked.
 */
import { makeData } from 'apache-arrow';
import type { Data, Field } from 'apache-arrow';
import { ValidationError } from '../../../errors.js';
import { missingFieldData } from '../../arrow/fill.js';
import { icebergToArrowType } from '../../arrow/schema.js';
import type { IcebergType } from '../../../iceberg/spec/types.js';
import { isPrimitive } from '../../../iceberg/spec/types.js';
import type { LeafColumn } from './chunk.js';
import type { FileNode } from './file-schema.js';
import { listElement } from './file-schema.js';
import { leafData } from './leaf.js';
import type { Slots } from './leaf.js';

/** The entries of one leaf grouped into slots of the node being assembled. */
interface Cursor {
  readonly leaf: LeafColumn;
  /** First entry of each slot. */
  readonly starts: Int32Array;
  /** One past the last entry of each slot. */
  readonly ends: Int32Array;
  /** Whether slot k is exactly entry k (a flat column: no lists above it). */
  readonly identity: boolean;
}

/** Cursors of the leaves read, by leaf index. */
export type Cursors = ReadonlyMap<number, Cursor>;

function corrupt(path: string, why: string): never {
  throw new ValidationError(`column ${path}: ${why}; the file is corrupt`);
}

/** One slot per row for every leaf of a row group. */
export function rowCursors(leaves: ReadonlyMap<number, LeafColumn>): Cursors {
  const out = new Map<number, Cursor>();
  for (const [i, leaf] of leaves) {
    if (leaf.rep === undefined) {
      const starts = new Int32Array(leaf.count);
      for (let k = 0; k < leaf.count; k++) starts[k] = k;
      const ends = new Int32Array(leaf.count);
      for (let k = 0; k < leaf.count; k++) ends[k] = k + 1;
      out.set(i, { leaf, starts, ends, identity: true });
      continue;
    }
    const rep = leaf.rep;
    const starts: number[] = [];
    for (let j = 0; j < leaf.count; j++) if (rep[j] === 0) starts.push(j);
    const s = Int32Array.from(starts);
    const e = new Int32Array(s.length);
    for (let k = 0; k < s.length; k++) e[k] = k + 1 < s.length ? s[k + 1]! : leaf.count;
    out.set(i, { leaf, starts: s, ends: e, identity: false });
  }
  return out;
}

const ranges = new WeakMap<FileNode, [number, number]>();

/** The leaf indexes below a node, as an inclusive range (leaves are numbered depth-first). */
function leafRange(node: FileNode): [number, number] {
  let r = ranges.get(node);
  if (r === undefined) {
    if (node.children.length === 0) r = [node.leafIndex, node.leafIndex];
    else r = [leafRange(node.children[0]!)[0], leafRange(node.children[node.children.length - 1]!)[1]];
    ranges.set(node, r);
  }
  return r;
}

/** The first leaf below a node (read when only the node's validity is needed). */
export function firstLeaf(node: FileNode): number {
  return leafRange(node)[0];
}

export function under(node: FileNode, cursors: Cursors): Map<number, Cursor> {
  const [lo, hi] = leafRange(node);
  const out = new Map<number, Cursor>();
  for (const [i, c] of cursors) if (i >= lo && i <= hi) out.set(i, c);
  return out;
}

function anyCursor(node: FileNode, cursors: Cursors, path: string): Cursor {
  const c = cursors.values().next().value;
  return c ?? corrupt(path, `no column below ${node.path.join('.')} was read`);
}

/** Validity of node values per slot: a slot is non-null when its first entry is defined to the node's level. */
function validity(level: number, c: Cursor, n: number): { bitmap: Uint8Array | undefined; nulls: number } {
  const def = c.leaf.def;
  if (def === undefined) return { bitmap: undefined, nulls: 0 };
  const bits = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let k = 0; k < n; k++) {
    if (def[c.starts[k]!]! >= level) bits[k >> 3]! |= 1 << (k & 7);
    else nulls++;
  }
  return { bitmap: nulls === 0 ? undefined : bits, nulls };
}

/** Split each slot of a repeated node's parent into element slots; also the per-parent element counts. */
function descend(c: Cursor, repeated: FileNode, path: string): { cursor: Cursor; offsets: Int32Array } {
  const { def, rep } = c.leaf;
  if (rep === undefined) corrupt(path, 'a repeated column has no repetition levels');
  const n = c.starts.length;
  const offsets = new Int32Array(n + 1);
  const starts: number[] = [];
  const r = repeated.repLevel;
  const d = repeated.defLevel;
  for (let k = 0; k < n; k++) {
    const s = c.starts[k]!;
    const e = c.ends[k]!;
    if (def === undefined || def[s]! >= d) {
      starts.push(s);
      for (let j = s + 1; j < e; j++) if (rep[j]! <= r) starts.push(j);
    }
    offsets[k + 1] = starts.length;
  }
  const s = Int32Array.from(starts);
  const ends = new Int32Array(s.length);
  // An element ends where the next one starts, or where its parent slot ends.
  for (let k = 0; k < n; k++) {
    for (let m = offsets[k]!; m < offsets[k + 1]!; m++) ends[m] = m + 1 < offsets[k + 1]! ? s[m + 1]! : c.ends[k]!;
  }
  return { cursor: { leaf: c.leaf, starts: s, ends, identity: false }, offsets };
}

function descendAll(cursors: Cursors, repeated: FileNode, path: string): { cursors: Map<number, Cursor>; offsets: Int32Array } {
  const out = new Map<number, Cursor>();
  let offsets: Int32Array | undefined;
  for (const [i, c] of cursors) {
    const d = descend(c, repeated, path);
    if (offsets === undefined) offsets = d.offsets;
    else if (d.offsets[d.offsets.length - 1] !== offsets[offsets.length - 1]) corrupt(path, 'two columns of one list disagree on its length');
    out.set(i, d.cursor);
  }
  return { cursors: out, offsets: offsets ?? corrupt(path, 'no column of the list was read') };
}

function primitiveData(type: IcebergType, node: FileNode, cursors: Cursors, n: number, path: string): Data {
  const c = cursors.get(node.leafIndex) ?? corrupt(path, 'its column was not read');
  const { def, maxDef, values } = c.leaf;
  if (c.starts.length !== n) corrupt(path, `the column has ${c.starts.length} values where ${n} are expected`);
  let slots: Slots;
  if (def === undefined && c.identity) {
    if (values.length !== n) corrupt(path, 'the column has fewer values than rows');
    slots = { length: n, index: undefined, nulls: 0 };
  } else {
    // Value index of each entry: values are stored densely, skipping nulls.
    const index = new Int32Array(n);
    let nulls = 0;
    if (def === undefined) {
      for (let k = 0; k < n; k++) index[k] = c.starts[k]!;
    } else {
      const entryValue = new Int32Array(c.leaf.count);
      let v = 0;
      for (let j = 0; j < c.leaf.count; j++) entryValue[j] = def[j] === maxDef ? v++ : -1;
      for (let k = 0; k < n; k++) {
        const i = entryValue[c.starts[k]!]!;
        index[k] = i;
        if (i < 0) nulls++;
      }
    }
    slots = { length: n, index, nulls };
  }
  return leafData(values, node.element, type as never, slots, path);
}

/**
 * Assemble the column of `node` as Iceberg `type` (already checked to be
 * compatible by the read plan). `cursors` hold the read leaves below the
 * node, grouped into the node's `n` slots.
 */
export function assemble(type: IcebergType, node: FileNode, cursors: Cursors, n: number, path: string): Data {
  if (isPrimitive(type)) return primitiveData(type, node, cursors, n, path);
  const arrow = icebergToArrowType(type);
  const { bitmap, nulls } = validity(node.defLevel, anyCursor(node, cursors, path), n);
  if (type.type === 'struct') {
    const children = type.fields.map((f) => {
      const child = node.children.find((c) => c.fieldId === f.id);
      if (child === undefined || f.type.type === 'unknown') return missingFieldData(f, n, `the file at ${path}`);
      return assemble(f.type, child, under(child, cursors), n, `${path}.${f.name}`);
    });
    return makeData({ type: arrow, length: n, nullCount: nulls, nullBitmap: bitmap, children } as never);
  }
  if (type.type === 'list') {
    const repeated = node.children[0]!;
    const { cursors: inner, offsets } = descendAll(cursors, repeated, path);
    const m = offsets[n]!;
    const child = assemble(type.element, listElement(node), inner, m, `${path}.element`);
    return makeData({ type: arrow, length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, child } as never);
  }
  if (type.type === 'map') {
    const kv = node.children[0]!;
    const { cursors: inner, offsets } = descendAll(cursors, kv, path);
    const m = offsets[n]!;
    const [kNode, vNode] = kv.children[0]!.element.name === 'value' ? [kv.children[1]!, kv.children[0]!] : [kv.children[0]!, kv.children[1]!];
    const key = assemble(type.key, kNode, under(kNode, inner), m, `${path}.key`);
    const value = assemble(type.value, vNode, under(vNode, inner), m, `${path}.value`);
    const entries = makeData({ type: (arrow.children as Field[])[0]!.type, length: m, nullCount: 0, children: [key, value] } as never);
    return makeData({ type: arrow, length: n, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, child: entries } as never);
  }
  return corrupt(path, `${type.type} columns cannot be read`);
}
