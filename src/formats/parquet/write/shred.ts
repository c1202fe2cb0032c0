/**
 * Shredding: Arrow columns → Parquet leaf columns with definition and
 * repetition levels (the Dremel encoding), driven by the write plan.
 *
 * Work is column-at-a-time over typed arrays. The state at a node is the
 * list of level entries reaching it: each entry's definition level so far,
 * its repetition level, and (for entries still "alive", i.e. defined down to
 * this node) its index in the node's Arrow data. Optional nodes drop null
 * entries; lists and maps expand each alive entry into one entry per element
 * (an empty or null collection stays one entry). Top-level columns without
 * nulls skip all of this: no level arrays, and values are views of the
 * Arrow buffers.
 */
import { DataType, Type, type Data } from 'apache-arrow';
import { ValidationError } from '../../../errors.js';
import type { PlanNode, LeafColumn } from './schema.js';
import { checkLeafType, leafValues, type LeafValues } from './values.js';

/** One leaf column's slice of a batch. */
export interface LeafBatch {
  readonly leaf: LeafColumn;
  /** Level entries (values including nulls and empty collections). */
  readonly count: number;
  /** Definition levels; null when every entry is defined (= maxDef). */
  readonly def: Uint8Array | null;
  /** Repetition levels; null when all are 0. */
  readonly rep: Uint8Array | null;
  /** The non-null values, in entry order. */
  readonly values: LeafValues;
}

interface Levels {
  n: number;
  def: Uint8Array | null;
  rep: Uint8Array | null;
  /** Arrow index of each alive entry at this node (garbage for dead entries); null = identity. */
  pos: Int32Array | null;
  /** Definition level that marks an entry as alive here. */
  alive: number;
}

function isValid(d: Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (bm === undefined || bm === null || bm.length === 0) return true;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
}

function hasNulls(d: Data): boolean {
  return d.nullCount > 0 || (DataType.isNull(d.type) && d.length > 0);
}

/** Apply the node's nullability: alive entries become defined at node.def, or dead when null. */
function applyNullability(node: PlanNode, d: Data, lv: Levels): Levels {
  const parentDef = lv.alive;
  if (!hasNulls(d)) {
    if (!node.optional || lv.def === null) return { ...lv, alive: node.def };
    const def = lv.def.slice();
    for (let i = 0; i < lv.n; i++) if (def[i] === parentDef) def[i] = node.def;
    return { ...lv, def, alive: node.def };
  }
  const def = lv.def === null ? new Uint8Array(lv.n).fill(parentDef) : lv.def.slice();
  const pos = lv.pos;
  for (let i = 0; i < lv.n; i++) {
    if (def[i] !== parentDef) continue;
    if (isValid(d, pos === null ? i : pos[i]!)) def[i] = node.def;
    else if (!node.optional) {
      throw new ValidationError(`column ${node.columnName} is required but holds a null; fill it or make the field optional`, {
        context: { column: node.columnName },
      });
    }
  }
  return { ...lv, def, alive: node.def };
}

/** Expand alive entries into one entry per list/map element (offsets of `d`). */
function expand(node: PlanNode, d: Data, lv: Levels): Levels {
  const offsets = d.valueOffsets as Int32Array;
  const { n, def, rep, pos } = lv;
  const alive = node.def;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (def !== null && def[i] !== alive) {
      total++;
      continue;
    }
    const p = pos === null ? i : pos[i]!;
    total += Math.max(1, offsets[p + 1]! - offsets[p]!);
  }
  const nDef = new Uint8Array(total);
  const nRep = new Uint8Array(total);
  const nPos = new Int32Array(total);
  const childRep = node.rep + 1;
  const childAlive = node.def + 1;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = rep === null ? 0 : rep[i]!;
    if (def !== null && def[i] !== alive) {
      nDef[k] = def[i]!;
      nRep[k++] = r;
      continue;
    }
    const p = pos === null ? i : pos[i]!;
    const s = offsets[p]!;
    const e = offsets[p + 1]!;
    if (e === s) {
      nDef[k] = alive;
      nRep[k++] = r;
      continue;
    }
    for (let c = s; c < e; c++) {
      nDef[k] = childAlive;
      nRep[k] = c === s ? r : childRep;
      nPos[k++] = c;
    }
  }
  return { n: total, def: nDef, rep: nRep, pos: nPos, alive: childAlive };
}

/** All leaves under a node that has no Arrow data: every alive entry stops at the parent. */
export function absent(node: PlanNode, lv: Levels, out: LeafBatch[]): void {
  if (node.optional === false && node.kind !== 'struct') {
    throw new ValidationError(`column ${node.columnName} is required but missing from the Arrow data; add it or make the field optional`, {
      context: { column: node.columnName },
    });
  }
  for (const child of node.children) if (node.kind === 'struct') checkRequiredPresent(child);
  const def = lv.def === null ? new Uint8Array(lv.n).fill(lv.alive) : lv.def;
  const emit = (nd: PlanNode): void => {
    if (nd.leaf) out.push({ leaf: nd.leaf, count: lv.n, def, rep: lv.rep, values: emptyValues(nd.leaf) });
    else for (const c of nd.children) emit(c);
  };
  emit(node);
}

function checkRequiredPresent(node: PlanNode): void {
  if (!node.optional) {
    throw new ValidationError(`column ${node.columnName} is required but missing from the Arrow data; add it or make the field optional`, {
      context: { column: node.columnName },
    });
  }
}

function emptyValues(leaf: LeafColumn): LeafValues {
  if (leaf.type.type === 'boolean') return { kind: 'bool', n: 0, bits: new Uint8Array(0), bitOffset: 0, sel: null };
  if (leaf.type.type === 'string' || leaf.type.type === 'binary') return { kind: 'bytes', n: 0, offsets: new Int32Array(1), data: new Uint8Array(0), sel: null };
  return { kind: 'fixed', n: 0, width: leaf.width, bytes: new Uint8Array(0) };
}

function childByName(node: PlanNode, d: Data, name: string): Data | undefined {
  const fields = (d.type as { children: { name: string }[] }).children;
  const i = fields.findIndex((f) => f.name === name);
  return i < 0 ? undefined : d.children[i];
}

function mismatch(node: PlanNode, d: Data, want: string): never {
  throw new ValidationError(`column ${node.columnName}: Arrow type ${String(d.type)} cannot hold Iceberg type ${node.type.type}; use ${want}`, {
    context: { column: node.columnName, arrowType: String(d.type) },
  });
}

/** Shred one node (and everything under it) into `out`. */
export function shredNode(node: PlanNode, d: Data, lv: Levels, out: LeafBatch[]): void {
  if (DataType.isNull(d.type)) return absent(node, lv, out);
  const here = applyNullability(node, d, lv);
  switch (node.kind) {
    case 'primitive': {
      const leaf = node.leaf!;
      checkLeafType(node.columnName, leaf.type, d.type as DataType);
      let sel = here.pos;
      let nValues = here.n;
      if (here.def !== null) {
        const def = here.def;
        let c = 0;
        for (let i = 0; i < here.n; i++) if (def[i] === leaf.maxDef) c++;
        const s = new Int32Array(c);
        let k = 0;
        for (let i = 0; i < here.n; i++) if (def[i] === leaf.maxDef) s[k++] = sel === null ? i : sel[i]!;
        sel = s;
        nValues = c;
      }
      out.push({ leaf, count: here.n, def: here.def, rep: here.rep, values: leafValues(leaf, d, sel, nValues) });
      return;
    }
    case 'struct': {
      if (d.typeId !== Type.Struct) mismatch(node, d, 'Struct');
      const names = new Set(node.children.map((c) => c.name));
      for (const f of (d.type as { children: { name: string }[] }).children) {
        if (!names.has(f.name)) {
          throw new ValidationError(`column ${node.columnName}.${f.name} is not in the Iceberg schema; drop it from the Arrow data or add the field`, {
            context: { column: `${node.columnName}.${f.name}` },
          });
        }
      }
      for (const child of node.children) {
        const cd = childByName(node, d, child.name);
        if (cd === undefined) absent(child, here, out);
        else shredNode(child, cd, here, out);
      }
      return;
    }
    case 'list': {
      if (d.typeId !== Type.List) mismatch(node, d, 'List');
      const expanded = expand(node, d, here);
      shredNode(node.children[0]!, d.children[0]!, expanded, out);
      return;
    }
    case 'map': {
      if (d.typeId !== Type.Map) mismatch(node, d, 'Map');
      const expanded = expand(node, d, here);
      const entries = d.children[0]!;
      const [key, value] = node.children as [PlanNode, PlanNode];
      shredNode(key, entries.children[0]!, expanded, out);
      shredNode(value, entries.children[1]!, expanded, out);
      return;
    }
  }
}

/** Initial state for a batch of `n` rows. */
export function rootLevels(n: number): Levels {
  return { n, def: null, rep: null, pos: null, alive: 0 };
}
