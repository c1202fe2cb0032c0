/**
 * Sort orders (spec "Sorting", Appendix C "Sort Orders"). Order id 0 is
 * reserved for the unsorted order.
 *
 * @example
 * ```ts
 * const order = newSortOrder(1, [
 *   { sourceId: 2, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' },
 * ]);
 * sortOrderToJson(order); // { 'order-id': 1, fields: [ { transform: 'identity', 'source-id': 2, ... } ] }
 * ```
 */
import { ValidationError } from '../../errors.js';
import { asObject, has, intList, invalid, optInt, reqArray, reqInt, reqString } from './json-read.js';
import type { Schema } from './schema.js';
import type { Transform } from './transforms.js';
import { canTransform, formatTransform, parseTransform, transformEquals } from './transforms.js';
import { findFieldEntry } from './type-index.js';
import { isPrimitive, typeToString } from './types.js';

/** Sort direction. */
export type SortDirection = 'asc' | 'desc';
/** Where nulls sort. */
export type NullOrder = 'nulls-first' | 'nulls-last';

/** One sort key. */
export interface SortField {
  readonly sourceId: number;
  /** All source ids, only for multi-argument (v3) transforms. */
  readonly sourceIds?: readonly number[];
  readonly transform: Transform;
  readonly direction: SortDirection;
  readonly nullOrder: NullOrder;
}

/** A sort order: an id and its keys, applied in order. */
export interface SortOrder {
  readonly orderId: number;
  readonly fields: readonly SortField[];
}

/** The unsorted order (id 0, no fields). */
export const UNSORTED_ORDER: SortOrder = Object.freeze({ orderId: 0, fields: Object.freeze([]) });

/** Whether the order has no fields. */
export function isUnsorted(order: SortOrder): boolean {
  return order.fields.length === 0;
}

/** Build a sort order; throws ValidationError if a non-zero id has no fields or id 0 has fields. */
export function newSortOrder(orderId: number, fields: readonly SortField[]): SortOrder {
  if (orderId === 0 && fields.length > 0) throw new ValidationError('sort order id 0 is reserved for the unsorted order; use id 1 or higher for a sorted order');
  if (orderId !== 0 && fields.length === 0) throw new ValidationError(`sort order ${orderId} has no fields; use UNSORTED_ORDER (id 0) for no sorting`);
  return Object.freeze({ orderId, fields: Object.freeze(fields.map((f) => Object.freeze({ ...f }))) });
}

/** Whether two orders sort the same way (ids ignored) — Java's `sameOrder`. */
export function sameOrder(a: SortOrder, b: SortOrder): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((f, i) => {
      const g = b.fields[i]!;
      return (
        f.sourceId === g.sourceId &&
        (f.sourceIds ?? []).join() === (g.sourceIds ?? []).join() &&
        f.direction === g.direction &&
        f.nullOrder === g.nullOrder &&
        transformEquals(f.transform, g.transform)
      );
    })
  );
}

/** Check every sort field's source exists, is primitive, and accepts the transform. Throws ValidationError. */
export function validateSortOrder(order: SortOrder, schema: Schema): void {
  for (const f of order.fields) {
    for (const id of f.sourceIds ?? [f.sourceId]) {
      const e = findFieldEntry(schema, id);
      const at = `sort order ${order.orderId}`;
      if (e === undefined) throw new ValidationError(`${at}: source column id ${id} is not in schema ${schema.schemaId}; sort by an existing column`);
      if (!isPrimitive(e.field.type)) throw new ValidationError(`${at}: cannot sort by ${e.path.join('.')} of type ${typeToString(e.field.type)}; sort by primitive columns`);
      if (f.transform.type !== 'unknown' && !canTransform(f.transform, e.field.type)) {
        throw new ValidationError(`${at}: transform ${formatTransform(f.transform)} cannot apply to ${e.path.join('.')} of type ${typeToString(e.field.type)}`);
      }
    }
  }
}

/** The JSON form of a sort order (Appendix C). */
export function sortOrderToJson(order: SortOrder): Record<string, unknown> {
  return {
    'order-id': order.orderId,
    fields: order.fields.map((f) => ({
      transform: formatTransform(f.transform),
      ...(f.sourceIds !== undefined && f.sourceIds.length > 1 ? { 'source-ids': [...f.sourceIds] } : { 'source-id': f.sourceId }),
      direction: f.direction,
      'null-order': f.nullOrder,
    })),
  };
}

/** Parse a sort order's JSON form. Throws ValidationError. */
export function sortOrderFromJson(json: unknown, where = 'sort order'): SortOrder {
  const o = asObject(json, where);
  const orderId = reqInt(o, 'order-id', where);
  const at = `sort order ${orderId}`;
  const fields = reqArray(o, 'fields', at).map((item, i): SortField => {
    const fo = asObject(item, `${at} field ${i}`);
    const fat = `${at} field ${i}`;
    const sourceIds = has(fo, 'source-ids') ? intList(fo['source-ids'], `${fat} field "source-ids"`) : undefined;
    const sourceId = optInt(fo, 'source-id', fat) ?? sourceIds?.[0] ?? invalid(fat, 'missing required field "source-id"');
    const direction = reqString(fo, 'direction', fat).toLowerCase();
    const nullOrder = reqString(fo, 'null-order', fat).toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') invalid(fat, `direction must be "asc" or "desc", got ${JSON.stringify(direction.slice(0, 20))}`);
    if (nullOrder !== 'nulls-first' && nullOrder !== 'nulls-last') invalid(fat, `null-order must be "nulls-first" or "nulls-last", got ${JSON.stringify(nullOrder.slice(0, 20))}`);
    let transform: Transform;
    try {
      transform = parseTransform(reqString(fo, 'transform', fat));
    } catch (cause) {
      throw new ValidationError(`${fat}: ${(cause as Error).message}`, { cause });
    }
    return Object.freeze({ sourceId, transform, direction, nullOrder, ...(sourceIds !== undefined && sourceIds.length > 1 ? { sourceIds } : {}) });
  });
  return Object.freeze({ orderId, fields: Object.freeze(fields) });
}
