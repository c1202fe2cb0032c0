/**
 * The row filter over Arrow record batches: which rows of a batch match a
 * filter, computed column by column (loops over typed arrays; strings are
 * compared as UTF-8 bytes in place, 64-bit integers as pairs of 32-bit
 * words), with lakekit's null and NaN rules (see `expression.ts`).
 *
 * The result is a selection: a `Uint8Array` with 1 for each matching row.
 *
 * @example
 * ```ts
 * const matches = rowFilter(schema, parseFilter("ts >= '2026-11-01' and currency in ('EUR', 'USD')"));
 * for (const batch of table.batches) {
 *   const selection = matches(batch);          // Uint8Array, 1 = row matches
 *   const rows = selectedIndices(selection);   // Uint32Array of matching row indices
 * }
 * ```
 */
import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import type { ArrowColumn } from './arrow-columns.js';
import { arrowColumn } from './arrow-columns.js';
import type { BindOptions } from './bind.js';
import { bind } from './bind.js';
import { predicateMatches } from './evaluator.js';
import type { BoundExpression, BoundPredicate, Expression } from './expression.js';
import { isPredicate } from './expression.js';
import { rewriteNot } from './rewrite-not.js';

type Test = (i: number) => boolean;

function cmpTest(op: BoundPredicate['op'], cmp: (i: number) => number): Test {
  // cmp returns NaN for a NaN value, which no ordering test accepts
  switch (op) {
    case 'lt':
      return (i) => cmp(i) < 0;
    case 'lt-eq':
      return (i) => cmp(i) <= 0;
    case 'gt':
      return (i) => cmp(i) > 0;
    case 'gt-eq':
      return (i) => cmp(i) >= 0;
    case 'eq':
      return (i) => cmp(i) === 0;
    default:
      return (i) => !(cmp(i) === 0);
  }
}

function int64Parts(v: Value): [number, number] {
  const b = BigInt.asIntN(64, v as bigint);
  return [Number(b >> 32n), Number(BigInt.asUintN(32, b))];
}

/** The per-row test of a non-null value of `col` against predicate `p`. */
function rowTest(p: BoundPredicate, col: ArrowColumn): Test {
  const a = col.access;
  if (p.op === 'not-null') return () => true;
  if (p.op === 'is-null') return () => false;
  const negated = p.op === 'not-in';
  const lits = 'values' in p ? p.values.map(col.literal) : 'value' in p ? [col.literal(p.value)] : [];
  switch (a.kind) {
    case 'number': {
      const v = a.values;
      if (p.op === 'is-nan') return (i) => Number.isNaN(v[i]!);
      if (p.op === 'not-nan') return (i) => !Number.isNaN(v[i]!);
      if (p.op === 'in' || p.op === 'not-in') {
        const set = new Set(lits as number[]);
        return (i) => set.has(v[i]!) !== negated;
      }
      const lit = lits[0] as number;
      return cmpTest(p.op, (i) => {
        const x = v[i]!;
        return x < lit ? -1 : x > lit ? 1 : x === lit ? 0 : NaN;
      });
    }
    case 'int64': {
      const { lo, hi } = a;
      if (p.op === 'in' || p.op === 'not-in') {
        const byLo = new Map<number, number[]>();
        for (const l of lits) {
          const [h, w] = int64Parts(l);
          byLo.set(w, [...(byLo.get(w) ?? []), h]);
        }
        return (i) => (byLo.get(lo[2 * i]!)?.includes(hi[2 * i + 1]!) ?? false) !== negated;
      }
      const [lh, ll] = int64Parts(lits[0]!);
      return cmpTest(p.op, (i) => {
        const h = hi[2 * i + 1]!;
        if (h !== lh) return h < lh ? -1 : 1;
        const l = lo[2 * i]!;
        return l < ll ? -1 : l > ll ? 1 : 0;
      });
    }
    case 'bytes': {
      const { data, offsets, stride } = a;
      const start = offsets ? (i: number) => Number(offsets[i]!) : (i: number) => i * stride;
      const end = offsets ? (i: number) => Number(offsets[i + 1]!) : (i: number) => (i + 1) * stride;
      const compareAt = (i: number, lit: Uint8Array, prefixOnly: boolean): number => {
        const s = start(i);
        const len = end(i) - s;
        const n = Math.min(len, lit.length);
        for (let k = 0; k < n; k++) {
          const d = data[s + k]! - lit[k]!;
          if (d !== 0) return d;
        }
        return prefixOnly && len >= lit.length ? 0 : len - lit.length;
      };
      if (p.op === 'in' || p.op === 'not-in') {
        const byLength = new Map<number, Uint8Array[]>();
        for (const l of lits as Uint8Array[]) byLength.set(l.length, [...(byLength.get(l.length) ?? []), l]);
        return (i) => (byLength.get(end(i) - start(i))?.some((l) => compareAt(i, l, false) === 0) ?? false) !== negated;
      }
      const lit = lits[0] as Uint8Array;
      if (p.op === 'starts-with') return (i) => compareAt(i, lit, true) === 0;
      if (p.op === 'not-starts-with') return (i) => compareAt(i, lit, true) !== 0;
      return cmpTest(p.op, (i) => compareAt(i, lit, false));
    }
    case 'bool': {
      const { bits, offset } = a;
      const bit = (i: number) => ((bits[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
      if (p.op === 'in' || p.op === 'not-in') {
        const set = new Set(lits as boolean[]);
        return (i) => set.has(bit(i)) !== negated;
      }
      const lit = lits[0] as boolean;
      return cmpTest(p.op, (i) => (bit(i) === lit ? 0 : bit(i) ? 1 : -1));
    }
    case 'values': {
      const scaled = 'values' in p ? { ...p, values: lits } : 'value' in p ? { ...p, value: lits[0]! } : p;
      return (i) => predicateMatches(scaled, a.get(i));
    }
    default:
      return () => false;
  }
}

function leaf(p: BoundPredicate, col: ArrowColumn, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const nullMatch = p.op === 'is-null' || p.op === 'not-nan' ? 1 : 0;
  const a = col.access;
  if (a.kind === 'null') return out.fill(nullMatch);
  const valid = col.valid;
  if (a.kind === 'dictionary') {
    const dict = leaf(p, a.dictionary, a.dictionary.length);
    const idx = a.indices;
    for (let i = 0; i < n; i++) out[i] = valid !== undefined && valid[i] === 0 ? nullMatch : dict[Number(idx[i]!)]!;
    return out;
  }
  const test = rowTest(p, col);
  for (let i = 0; i < n; i++) out[i] = valid !== undefined && valid[i] === 0 ? nullMatch : test(i) ? 1 : 0;
  return out;
}

/** Compile a filter for batches of `schema` (binds unbound expressions with `opts`). */
export function rowFilter(schema: StructType, expr: Expression | BoundExpression, opts: BindOptions = {}): (batch: RecordBatch) => Uint8Array {
  const bound = rewriteNot(bind(expr, schema, opts));
  return (batch) => {
    const n = batch.numRows;
    const columns = new Map<number, ArrowColumn>();
    const visit = (e: BoundExpression): Uint8Array => {
      if (isPredicate(e)) {
        let col = columns.get(e.ref.fieldId);
        if (col === undefined) {
          col = arrowColumn(batch, schema, e.ref.fieldId, e.ref.type);
          columns.set(e.ref.fieldId, col);
        }
        return leaf(e, col, n);
      }
      switch (e.op) {
        case 'true':
          return new Uint8Array(n).fill(1);
        case 'and':
        case 'or': {
          const l = visit(e.left);
          const r = visit(e.right);
          if (e.op === 'and') for (let i = 0; i < n; i++) l[i]! &= r[i]!;
          else for (let i = 0; i < n; i++) l[i]! |= r[i]!;
          return l;
        }
        default: // 'false'; no 'not' remains after rewriteNot
          return new Uint8Array(n);
      }
    };
    return visit(bound);
  };
}

/** Which rows of `batch` match `expr` (see {@link rowFilter}; compile once for many batches). */
export function filterBatch(batch: RecordBatch, schema: StructType, expr: Expression | BoundExpression, opts: BindOptions = {}): Uint8Array {
  return rowFilter(schema, expr, opts)(batch);
}

/** The indices of the selected rows, ascending. */
export function selectedIndices(selection: Uint8Array): Uint32Array {
  let count = 0;
  for (let i = 0; i < selection.length; i++) count += selection[i]!;
  const out = new Uint32Array(count);
  let k = 0;
  for (let i = 0; i < selection.length; i++) if (selection[i] === 1) out[k++] = i;
  return out;
}

/** Number of selected rows. */
export function selectedCount(selection: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < selection.length; i++) count += selection[i]!;
  return count;
}
