/**
 * Projecting one bound row predicate through one partition transform
 * (Java's `Transform.project` / `projectStrict` and `ProjectionUtil`).
 *
 * - inclusive: a predicate on the partition value that every partition of a
 *   matching row satisfies (`ts >= X` → `day(ts) >= day(X)`);
 * - strict: a predicate on the partition value that only partitions whose
 *   rows all match satisfy (`ts < X` → `day(ts) < day(X)`).
 *
 * `null` means no projection (the caller uses always-true for inclusive,
 * always-false for strict). Order-preserving transforms adjust open bounds
 * to closed ones first (`x < 10` → `x <= 9` before truncating). Time
 * projections include Java's fix-ups for files written by Iceberg ≤ 0.10,
 * whose transforms put pre-1970 values one ordinal too high; they only widen
 * inclusive and narrow strict projections, so correct data stays correct.
 * String widths are counted in code points, as the truncate transform does.
 */
import { ValidationError } from '../../errors.js';
import type { PartitionField } from '../spec/partition.js';
import { bindTransform, truncateString } from '../spec/transform-apply.js';
import type { PrimitiveType } from '../spec/types.js';
import type { Value } from '../spec/values.js';
import { ALWAYS_FALSE } from './builders.js';
import { valueKey } from './compare.js';
import type { BoundExpression, BoundPredicate, BoundReference, LiteralOp, SetOp } from './expression.js';

type Projection = BoundExpression | null;

const RANGES: Record<string, [bigint, bigint]> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  date: [-(2n ** 31n), 2n ** 31n - 1n],
};
const LONG: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];

function literal(op: LiteralOp, ref: BoundReference, value: Value): BoundExpression {
  return Object.freeze({ op, ref, value });
}

function set(op: SetOp, ref: BoundReference, values: readonly Value[]): BoundExpression {
  const seen = new Set<unknown>();
  const distinct = values.filter((v) => !seen.has(valueKey(v)) && seen.add(valueKey(v)));
  if (distinct.length === 1) return literal(op === 'in' ? 'eq' : 'not-eq', ref, distinct[0]!);
  return Object.freeze({ op, ref, values: Object.freeze(distinct) });
}

/** Apply a transform, or undefined when the value is outside what the transform's result can hold. */
function applier(field: PartitionField, source: PrimitiveType): (v: Value) => Value | undefined {
  const f = bindTransform(field.transform, source);
  return (v) => {
    try {
      return f(v);
    } catch (e) {
      if (e instanceof ValidationError) return undefined;
      throw e;
    }
  };
}

/** `v + delta` for integer-like values (number or bigint), or undefined if it leaves the source type's range. */
function step(source: PrimitiveType, v: Value, delta: 1 | -1): Value | undefined {
  if (typeof v === 'number') {
    const [lo, hi] = RANGES[source.type] ?? RANGES.int!;
    const r = v + delta;
    return r < Number(lo) || r > Number(hi) ? undefined : r;
  }
  const r = (v as bigint) + BigInt(delta);
  if (source.type === 'decimal') return r;
  return r < LONG[0] || r > LONG[1] ? undefined : r;
}

/** Inclusive projection of an ordering / equality predicate for an order-preserving integer-like transform. */
function orderInclusive(p: BoundPredicate & { value: Value }, part: BoundReference, source: PrimitiveType, apply: (v: Value) => Value | undefined): Projection {
  const at = (op: LiteralOp, v: Value | undefined, edge: Projection): Projection => {
    if (v === undefined) return edge;
    const t = apply(v);
    return t === undefined ? null : literal(op, part, t);
  };
  switch (p.op) {
    case 'lt': // nothing is below the type's minimum
      return at('lt-eq', step(source, p.value, -1), ALWAYS_FALSE);
    case 'lt-eq':
      return at('lt-eq', p.value, null);
    case 'gt':
      return at('gt-eq', step(source, p.value, 1), ALWAYS_FALSE);
    case 'gt-eq':
      return at('gt-eq', p.value, null);
    case 'eq':
      return at('eq', p.value, null);
    default:
      return null;
  }
}

/** Strict projection of an ordering / inequality predicate for an order-preserving integer-like transform. */
function orderStrict(p: BoundPredicate & { value: Value }, part: BoundReference, source: PrimitiveType, apply: (v: Value) => Value | undefined): Projection {
  const at = (op: LiteralOp, v: Value | undefined): Projection => {
    // past the type's range every non-null value matches
    if (v === undefined) return Object.freeze({ op: 'not-null', ref: part });
    const t = apply(v);
    return t === undefined ? null : literal(op, part, t);
  };
  switch (p.op) {
    case 'lt':
      return at('lt', p.value);
    case 'lt-eq':
      return at('lt', step(source, p.value, 1));
    case 'gt':
      return at('gt', p.value);
    case 'gt-eq':
      return at('gt', step(source, p.value, -1));
    case 'not-eq':
      return at('not-eq', p.value);
    default: // adjacent values share a partition, so equality has no strict projection
      return null;
  }
}

function fixInclusiveTime(p: Projection): Projection {
  if (p === null || !('ref' in p)) return p;
  switch (p.op) {
    case 'lt':
    case 'lt-eq': {
      const v = p.value as number;
      return v < 0 ? literal(p.op, p.ref, v + 1) : p;
    }
    case 'eq': {
      const v = p.value as number;
      return v < 0 ? set('in', p.ref, [v, v + 1]) : p;
    }
    case 'in':
      return set('in', p.ref, p.values.flatMap((v) => ((v as number) < 0 ? [v, (v as number) + 1] : [v])));
    default:
      return p;
  }
}

function fixStrictTime(p: Projection): Projection {
  if (p === null || !('ref' in p)) return p;
  switch (p.op) {
    case 'gt':
    case 'gt-eq': {
      const v = p.value as number;
      return v <= 0 ? literal(p.op, p.ref, v + 1) : p;
    }
    case 'not-eq': {
      const v = p.value as number;
      return v < 0 ? set('not-in', p.ref, [v, v + 1]) : p;
    }
    case 'not-in':
      return set('not-in', p.ref, p.values.flatMap((v) => ((v as number) < 0 ? [v, (v as number) + 1] : [v])));
    default:
      return p;
  }
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function truncateText(p: BoundPredicate & { value: Value }, part: BoundReference, width: number, apply: (v: Value) => Value | undefined, strict: boolean): Projection {
  if (p.op === 'starts-with' || p.op === 'not-starts-with') {
    const prefix = p.value as string;
    const n = codePoints(prefix);
    if (n < width) return literal(p.op, part, prefix);
    if (n === width) return literal(p.op === 'starts-with' ? 'eq' : 'not-eq', part, prefix);
    if (p.op === 'starts-with') return strict ? null : literal('starts-with', part, truncateString(prefix, width));
    return strict ? literal('not-starts-with', part, truncateString(prefix, width)) : null;
  }
  const t = apply(p.value);
  if (t === undefined) return null;
  switch (p.op) {
    case 'lt':
    case 'lt-eq':
      return literal(strict ? 'lt' : 'lt-eq', part, t);
    case 'gt':
    case 'gt-eq':
      return literal(strict ? 'gt' : 'gt-eq', part, t);
    case 'eq':
      return strict ? null : literal('eq', part, t);
    case 'not-eq':
      return strict ? literal('not-eq', part, t) : null;
    default:
      return null;
  }
}

function project(field: PartitionField, part: BoundReference, p: BoundPredicate, strict: boolean): Projection {
  const t = field.transform;
  const source = p.ref.type;
  if (t.type === 'identity') return Object.freeze({ ...p, ref: part });
  if (t.type === 'void' || t.type === 'unknown' || field.sourceIds !== undefined) return null;
  if (!('value' in p) && !('values' in p)) return Object.freeze({ op: p.op, ref: part }); // transforms keep nulls null
  const apply = applier(field, source);
  if ('values' in p) {
    if (p.op !== (strict ? 'not-in' : 'in')) return null;
    const out: Value[] = [];
    for (const v of p.values) {
      const r = apply(v);
      if (r === undefined) return null;
      out.push(r);
    }
    const projected = set(p.op, part, out);
    const isTime = t.type === 'year' || t.type === 'month' || t.type === 'day' || t.type === 'hour';
    if (!isTime || (source.type === 'date' && t.type === 'day')) return projected;
    return strict ? fixStrictTime(projected) : fixInclusiveTime(projected);
  }
  switch (t.type) {
    case 'bucket': {
      if (p.op !== (strict ? 'not-eq' : 'eq')) return null;
      const b = apply(p.value);
      return b === undefined ? null : literal(p.op, part, b);
    }
    case 'truncate':
      if (source.type === 'string' || source.type === 'binary') return truncateText(p, part, t.width, apply, strict);
      return strict ? orderStrict(p, part, source, apply) : orderInclusive(p, part, source, apply);
    default: {
      // year, month, day, hour
      const projected = strict ? orderStrict(p, part, source, apply) : orderInclusive(p, part, source, apply);
      if (source.type === 'date' && t.type === 'day') return projected;
      return strict ? fixStrictTime(projected) : fixInclusiveTime(projected);
    }
  }
}

/** The inclusive projection of `p` through partition field `field` (whose value is `part`), or null. */
export function projectInclusive(field: PartitionField, part: BoundReference, p: BoundPredicate): Projection {
  return project(field, part, p, false);
}

/** The strict projection of `p` through partition field `field` (whose value is `part`), or null. */
export function projectStrict(field: PartitionField, part: BoundReference, p: BoundPredicate): Projection {
  return project(field, part, p, true);
}
