/**
 * Creating table metadata for a new table, the way Java's
 * `TableMetadata.newTableMetadata` does: column ids are re-assigned from 1
 * (each struct's fields first, then their children), partition field ids
 * from 1000, the sort order gets id 1 (0 if unsorted), and reserved
 * properties such as `format-version` configure the table instead of being
 * stored.
 */
import { ValidationError } from '../../errors.js';
import { applyUpdates } from './apply-updates.js';
import type { UpdateContext } from './apply-updates.js';
import type { TableMetadata } from './metadata.js';
import { DEFAULT_FORMAT_VERSION } from './metadata.js';
import type { PartitionSpec } from './partition.js';
import { PARTITION_DATA_ID_START } from './partition.js';
import type { Schema } from './schema.js';
import { newSchema } from './schema.js';
import type { SortOrder } from './sort-order.js';
import { isUnsorted, UNSORTED_ORDER } from './sort-order.js';
import type { IcebergType, NestedField } from './types.js';
import { Types } from './types.js';

/** Properties that describe the table rather than configure it; never stored. */
export const RESERVED_PROPERTIES: readonly string[] = [
  'format-version', 'uuid', 'snapshot-count', 'current-snapshot-id', 'current-snapshot-summary', 'current-snapshot-timestamp-ms',
  'current-schema', 'default-partition-spec', 'default-sort-order',
];

/** A schema with fresh ids and the map from old to new ids. */
export interface FreshIds {
  schema: Schema;
  /** Old field id → new field id. */
  idMap: ReadonlyMap<number, number>;
}

/**
 * Re-assign every field id of `schema` using `nextId`, breadth-first per
 * struct (a struct's own fields, then their children), like Java's
 * `TypeUtil.assignFreshIds`. Identifier field ids follow their fields.
 */
export function assignFreshIds(schema: Schema, nextId: () => number, schemaId = schema.schemaId): FreshIds {
  const idMap = new Map<number, number>();
  const map = (old: number): number => {
    const id = nextId();
    idMap.set(old, id);
    return id;
  };
  const visit = (t: IcebergType): IcebergType => {
    switch (t.type) {
      case 'struct': {
        const ids = t.fields.map((f) => map(f.id));
        return Types.struct(t.fields.map((f, i): NestedField => ({ ...f, id: ids[i]!, type: visit(f.type) })));
      }
      case 'list': {
        const id = map(t.elementId);
        return Types.list(id, visit(t.element), t.elementRequired);
      }
      case 'map': {
        const keyId = map(t.keyId);
        const valueId = map(t.valueId);
        return Types.map(keyId, visit(t.key), valueId, visit(t.value), t.valueRequired);
      }
      default:
        return t;
    }
  };
  const struct = visit(Types.struct(schema.fields));
  const fields = struct.type === 'struct' ? struct.fields : [];
  const identifierFieldIds = schema.identifierFieldIds.map((id) => idMap.get(id) ?? id);
  return { schema: newSchema(fields, { schemaId, identifierFieldIds }), idMap };
}

/** Options for {@link newTableMetadata}. */
export interface NewTableOptions extends UpdateContext {
  /** Defaults to a random UUID. */
  tableUuid?: string;
}

/**
 * Metadata for a new table. The format version comes from the
 * `format-version` property (default 2). Throws ValidationError if the spec
 * or sort order do not fit the schema.
 *
 * @example
 * ```ts
 * const metadata = newTableMetadata(schema, UNPARTITIONED_SPEC, UNSORTED_ORDER, 's3://lake/gold/orders', {});
 * ```
 */
export function newTableMetadata(
  schema: Schema,
  spec: PartitionSpec,
  sortOrder: SortOrder,
  location: string,
  properties: Readonly<Record<string, string>> = {},
  opts: NewTableOptions = {},
): TableMetadata {
  const versionText = properties['format-version'];
  const formatVersion = versionText === undefined ? DEFAULT_FORMAT_VERSION : Number(versionText);
  if (!Number.isInteger(formatVersion)) throw new ValidationError(`table property format-version must be 1, 2 or 3, got ${JSON.stringify(versionText)}`);
  let last = 0;
  const { schema: fresh, idMap } = assignFreshIds(schema, () => ++last, 0);
  const source = (id: number, what: string): number =>
    idMap.get(id) ?? (() => { throw new ValidationError(`${what} refers to column id ${id}, which is not in the schema; build it from the same schema`); })();
  const freshSpec: PartitionSpec = {
    specId: 0,
    fields: spec.fields.map((f, i) => ({
      ...f,
      sourceId: source(f.sourceId, `partition field ${f.name}`),
      ...(f.sourceIds !== undefined ? { sourceIds: f.sourceIds.map((s) => source(s, `partition field ${f.name}`)) } : {}),
      fieldId: PARTITION_DATA_ID_START + i,
    })),
  };
  const freshOrder: SortOrder = isUnsorted(sortOrder)
    ? UNSORTED_ORDER
    : {
        orderId: 1,
        fields: sortOrder.fields.map((f) => ({
          ...f,
          sourceId: source(f.sourceId, 'sort field'),
          ...(f.sourceIds !== undefined ? { sourceIds: f.sourceIds.map((s) => source(s, 'sort field')) } : {}),
        })),
      };
  const persisted = Object.fromEntries(Object.entries(properties).filter(([k]) => !RESERVED_PROPERTIES.includes(k)));
  return applyUpdates(
    undefined,
    [
      { action: 'assign-uuid', uuid: opts.tableUuid ?? crypto.randomUUID() },
      { action: 'upgrade-format-version', formatVersion },
      { action: 'add-schema', schema: fresh, lastColumnId: last },
      { action: 'set-current-schema', schemaId: -1 },
      { action: 'add-spec', spec: freshSpec },
      { action: 'set-default-spec', specId: -1 },
      { action: 'add-sort-order', sortOrder: freshOrder },
      { action: 'set-default-sort-order', sortOrderId: -1 },
      { action: 'set-location', location: location.replace(/\/+$/, '') },
      { action: 'set-properties', updates: persisted },
    ],
    opts,
  );
}
