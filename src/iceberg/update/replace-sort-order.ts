/**
 * Replacing the table's default sort order (spec "Sorting"), like Java's
 * `BaseReplaceSortOrder`: the new order is built from scratch over the
 * current schema, added (the catalog reuses an identical existing order) and
 * made the default.
 */
import { ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { currentSchema, defaultSortOrder } from '../spec/metadata.js';
import type { NullOrder, SortDirection, SortField, SortOrder } from '../spec/sort-order.js';
import { sameOrder, UNSORTED_ORDER, validateSortOrder } from '../spec/sort-order.js';
import type { Transform } from '../spec/transforms.js';
import { Transforms } from '../spec/transforms.js';
import { findFieldByName } from '../spec/type-index.js';
import { checkOptions, describeArg, transformArgument } from './arguments.js';
import type { ColumnPath } from './column-path.js';
import { columnName } from './column-path.js';
import type { MetadataChanges, PendingUpdate } from './pending-update.js';
import { tableUuidRequirement } from './pending-update.js';

/** Null order of an ascending sort key when none is given (Java's default). */
export const DEFAULT_ASC_NULL_ORDER: NullOrder = 'nulls-first';
/** Null order of a descending sort key when none is given (Java's default). */
export const DEFAULT_DESC_NULL_ORDER: NullOrder = 'nulls-last';

/** Options of one sort key. */
export interface SortKeyOptions {
  /** Sort by a transform of the column (`'bucket[16]'`, `Transforms.day`, …); default identity. */
  transform?: Transform | string;
  /** Default {@link DEFAULT_ASC_NULL_ORDER} for ascending, {@link DEFAULT_DESC_NULL_ORDER} for descending keys. */
  nullOrder?: NullOrder;
}

/** One recorded sort key. */
export interface SortKey {
  readonly column: string;
  readonly transform: Transform;
  readonly direction: SortDirection;
  readonly nullOrder: NullOrder;
}

/**
 * Records the keys of a new sort order; `build(metadata)` returns
 * `add-sort-order` + `set-default-sort-order` -1 guarded by
 * `assert-default-sort-order-id` (no updates when the order is already the
 * default). No keys means unsorted (order id 0).
 *
 * @example
 * ```ts
 * const change = new ReplaceSortOrder().asc('id').desc('ts', { transform: Transforms.day, nullOrder: 'nulls-first' });
 * const { requirements, updates } = change.build(metadata);
 * ```
 */
export class ReplaceSortOrder implements PendingUpdate {
  private readonly recorded: SortKey[] = [];
  private caseSensitivity: boolean;

  constructor(opts: { caseSensitive?: boolean } = {}) {
    this.caseSensitivity = opts.caseSensitive ?? true;
  }

  /** The recorded keys, most significant first. */
  get keys(): readonly SortKey[] {
    return this.recorded;
  }

  /** Match column names exactly (`true`, the default) or ignoring case. */
  caseSensitive(value: boolean): this {
    this.caseSensitivity = value;
    return this;
  }

  /** Sort ascending by `column` (or a transform of it). */
  asc(column: ColumnPath, opts: SortKeyOptions = {}): this {
    checkOptions(opts, 'sort key options');
    return this.key(column, 'asc', opts.transform, opts.nullOrder ?? DEFAULT_ASC_NULL_ORDER);
  }

  /** Sort descending by `column` (or a transform of it). */
  desc(column: ColumnPath, opts: SortKeyOptions = {}): this {
    checkOptions(opts, 'sort key options');
    return this.key(column, 'desc', opts.transform, opts.nullOrder ?? DEFAULT_DESC_NULL_ORDER);
  }

  private key(column: ColumnPath, direction: SortDirection, transform: Transform | string | undefined, nullOrder: NullOrder): this {
    if (nullOrder !== 'nulls-first' && nullOrder !== 'nulls-last') throw new ValidationError(`null order must be "nulls-first" or "nulls-last", got ${describeArg(nullOrder)}`);
    const t = transform === undefined ? Transforms.identity : transformArgument(transform, `sort key on ${describeArg(column)}`);
    this.recorded.push(Object.freeze({ column: columnName(column), transform: t, direction, nullOrder }));
    return this;
  }

  /** The sort order the keys make over `base`'s current schema. Throws ValidationError. */
  apply(base: TableMetadata): SortOrder {
    if (this.recorded.length === 0) return UNSORTED_ORDER;
    const schema = currentSchema(base);
    const fields = this.recorded.map((k): SortField => {
      const column = findFieldByName(schema, k.column, { caseSensitive: this.caseSensitivity });
      if (column === undefined) throw new ValidationError(`cannot sort by ${JSON.stringify(k.column)}: no such column in the current schema ${schema.schemaId}`);
      return Object.freeze({ sourceId: column.id, transform: k.transform, direction: k.direction, nullOrder: k.nullOrder });
    });
    const orderId = Math.max(0, ...base.sortOrders.map((o) => o.orderId)) + 1;
    const order: SortOrder = Object.freeze({ orderId, fields: Object.freeze(fields) });
    validateSortOrder(order, schema);
    return order;
  }

  /** The commit that makes the recorded order the default of `base`. */
  build(base: TableMetadata): MetadataChanges {
    const order = this.apply(base);
    const requirements = [...tableUuidRequirement(base), { type: 'assert-default-sort-order-id', defaultSortOrderId: base.defaultSortOrderId } as const];
    if (sameOrder(defaultSortOrder(base), order)) return { requirements, updates: [] };
    return {
      requirements,
      updates: [
        { action: 'add-sort-order', sortOrder: order },
        { action: 'set-default-sort-order', sortOrderId: -1 },
      ],
    };
  }
}
