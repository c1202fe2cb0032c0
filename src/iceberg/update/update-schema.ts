/**
 * Schema evolution (spec "Schema Evolution"): a fluent recorder of column
 * changes whose `build` turns them into one catalog commit against any
 * version of the table metadata. Semantics follow Java's `SchemaUpdate`.
 */
import { ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { currentSchema } from '../spec/metadata.js';
import type { Schema } from '../spec/schema.js';
import { checkSchemaCompatibility, sameSchema } from '../spec/schema.js';
import type { TableRequirement, TableUpdate } from '../spec/table-update.js';
import type { IcebergType, StructType } from '../spec/types.js';
import { checkOptionalString, checkOptions, checkTypeArgument, describeArg } from './arguments.js';
import type { ColumnPath } from './column-path.js';
import { columnName, splitForAdd } from './column-path.js';
import type { MetadataChanges, PendingUpdate } from './pending-update.js';
import { tableUuidRequirement } from './pending-update.js';
import type { AddColumnOptions } from './new-column.js';
import { SchemaEvolution } from './schema-evolution.js';
import { checkPartitioningAndOrder } from './schema-checks.js';
import { unionByName } from './union-by-name.js';

export type { AddColumnOptions } from './new-column.js';

/** Options of an {@link UpdateSchema}. */
export interface UpdateSchemaOptions {
  /** Match column names exactly (default) or ignoring case. */
  caseSensitive?: boolean;
  /** Allow changes that can break readers or existing data: required columns without defaults, optional → required. Default false. */
  allowIncompatibleChanges?: boolean;
}

/** One recorded schema change (the intent a commit retry replays). */
export type SchemaChange =
  | { readonly op: 'add-column'; readonly parent: string | undefined; readonly name: string; readonly type: IcebergType; readonly options: AddColumnOptions }
  | { readonly op: 'rename-column'; readonly column: string; readonly newName: string }
  | { readonly op: 'delete-column'; readonly column: string }
  | { readonly op: 'update-column'; readonly column: string; readonly type: IcebergType }
  | { readonly op: 'make-optional'; readonly column: string }
  | { readonly op: 'require-column'; readonly column: string }
  | { readonly op: 'update-doc'; readonly column: string; readonly doc: string | undefined }
  | { readonly op: 'move-first'; readonly column: string }
  | { readonly op: 'move-before' | 'move-after'; readonly column: string; readonly reference: string }
  | { readonly op: 'set-identifier-fields'; readonly columns: readonly string[] }
  | { readonly op: 'union-by-name'; readonly schema: StructType };

/**
 * Records schema changes; `build(metadata)` returns the commit: an
 * `add-schema` (or, when an identical schema exists, only a
 * `set-current-schema` to it, as Java reuses schema ids) guarded by
 * `assert-current-schema-id` and `assert-last-assigned-field-id`.
 *
 * New column ids continue from `last-column-id`. Refused with
 * ValidationError: name clashes, type changes other than the spec's
 * promotions, deleting identifier fields or columns the current partition
 * spec or sort order uses, and any change the resulting schema would not
 * survive.
 *
 * @example
 * ```ts
 * const change = new UpdateSchema()
 *   .addColumn(['address', 'zip'], Types.string, { doc: 'postal code' })
 *   .renameColumn('name', 'full_name')
 *   .updateColumn('count', Types.long)
 *   .deleteColumn('legacy')
 *   .moveFirst('id');
 * const { requirements, updates } = change.build(metadata);
 * ```
 */
export class UpdateSchema implements PendingUpdate {
  private readonly recorded: SchemaChange[] = [];
  private caseSensitivity: boolean;
  private incompatible: boolean;

  constructor(opts: UpdateSchemaOptions = {}) {
    this.caseSensitivity = opts.caseSensitive ?? true;
    this.incompatible = opts.allowIncompatibleChanges ?? false;
  }

  /** The recorded changes, in call order. */
  get changes(): readonly SchemaChange[] {
    return this.recorded;
  }

  private record(change: SchemaChange): this {
    this.recorded.push(Object.freeze(change));
    return this;
  }

  /** Match column names exactly (`true`, the default) or ignoring case, for the whole update. */
  caseSensitive(value: boolean): this {
    this.caseSensitivity = value;
    return this;
  }

  /** Allow required columns without defaults and optional → required changes, for the whole update. */
  allowIncompatibleChanges(): this {
    this.incompatible = true;
    return this;
  }

  /**
   * Add a column. A string names a top-level column; an array is a path whose
   * last name is the new column, added to the struct the rest names (a
   * struct column, a list of structs, or a map whose values are structs).
   * Nested field ids inside `type` are reassigned.
   */
  addColumn(path: ColumnPath, type: IcebergType, options: AddColumnOptions = {}): this {
    const { parent, name } = splitForAdd(path);
    checkTypeArgument(type, `type of new column ${JSON.stringify(name)}`);
    checkOptions(options, 'addColumn options');
    checkOptionalString(options.doc, 'doc');
    if (options.required !== undefined && typeof options.required !== 'boolean') throw new ValidationError('addColumn option "required" must be a boolean');
    return this.record({ op: 'add-column', parent, name, type, options: { ...options } });
  }

  /** Rename a column (the last name of its path); its id is unchanged. */
  renameColumn(column: ColumnPath, newName: string): this {
    if (typeof newName !== 'string' || newName === '') throw new ValidationError(`cannot rename ${describeArg(column)} to ${describeArg(newName)}: give a non-empty name`);
    return this.record({ op: 'rename-column', column: columnName(column), newName });
  }

  /** Delete a column and everything nested in it. */
  deleteColumn(column: ColumnPath): this {
    return this.record({ op: 'delete-column', column: columnName(column) });
  }

  /** Promote a primitive column: int → long, float → double, decimal(P,S) → decimal(P2,S) with P2 > P (v3 also date → timestamp[_ns], unknown → any). */
  updateColumn(column: ColumnPath, newType: IcebergType): this {
    checkTypeArgument(newType, `new type of ${describeArg(column)}`);
    return this.record({ op: 'update-column', column: columnName(column), type: newType });
  }

  /** Make a required column optional (always compatible). */
  makeColumnOptional(column: ColumnPath): this {
    return this.record({ op: 'make-optional', column: columnName(column) });
  }

  /** Make an optional column required; needs `allowIncompatibleChanges` (except for a column added with a default in the same update). */
  requireColumn(column: ColumnPath): this {
    return this.record({ op: 'require-column', column: columnName(column) });
  }

  /** Set a column's doc; `undefined` removes it. */
  updateColumnDoc(column: ColumnPath, doc: string | undefined): this {
    checkOptionalString(doc, 'doc');
    return this.record({ op: 'update-doc', column: columnName(column), doc });
  }

  /** Move a column to the front of its struct. */
  moveFirst(column: ColumnPath): this {
    return this.record({ op: 'move-first', column: columnName(column) });
  }

  /** Move a column just before a sibling in the same struct. */
  moveBefore(column: ColumnPath, before: ColumnPath): this {
    return this.record({ op: 'move-before', column: columnName(column), reference: columnName(before) });
  }

  /** Move a column just after a sibling in the same struct. */
  moveAfter(column: ColumnPath, after: ColumnPath): this {
    return this.record({ op: 'move-after', column: columnName(column), reference: columnName(after) });
  }

  /** Replace the identifier fields (row identity for upserts) by these columns, named as in the new schema. */
  setIdentifierFields(columns: readonly ColumnPath[]): this {
    if (!Array.isArray(columns)) throw new ValidationError('setIdentifierFields needs an array of column names');
    return this.record({ op: 'set-identifier-fields', columns: columns.map((c) => columnName(c)) });
  }

  /** Evolve the table schema into the union of itself and `schema`, matching columns by name (see `union-by-name.ts`). */
  unionByNameWith(schema: StructType): this {
    checkTypeArgument(schema, 'unionByNameWith schema');
    if (schema.type !== 'struct') throw new ValidationError('unionByNameWith needs a schema or struct type');
    return this.record({ op: 'union-by-name', schema });
  }

  private evolve(base: TableMetadata): { schema: Schema; lastColumnId: number } {
    const current = currentSchema(base);
    const evo = new SchemaEvolution(current, base.lastColumnId, {
      caseSensitive: this.caseSensitivity,
      allowIncompatibleChanges: this.incompatible,
      formatVersion: base.formatVersion,
    });
    for (const c of this.recorded) {
      switch (c.op) {
        case 'add-column':
          evo.addColumn(c.parent, c.name, c.type, c.options);
          break;
        case 'rename-column':
          evo.renameColumn(c.column, c.newName);
          break;
        case 'delete-column':
          evo.deleteColumn(c.column);
          break;
        case 'update-column':
          evo.updateColumn(c.column, c.type);
          break;
        case 'make-optional':
        case 'require-column':
          evo.updateRequirement(c.column, c.op === 'make-optional');
          break;
        case 'update-doc':
          evo.updateColumnDoc(c.column, c.doc);
          break;
        case 'move-first':
          evo.move('first', c.column);
          break;
        case 'move-before':
        case 'move-after':
          evo.move(c.op === 'move-before' ? 'before' : 'after', c.column, c.reference);
          break;
        case 'set-identifier-fields':
          evo.setIdentifierFields(c.columns);
          break;
        case 'union-by-name':
          unionByName(evo, current, c.schema, this.caseSensitivity);
          break;
      }
    }
    const schemaId = Math.max(...base.schemas.map((s) => s.schemaId)) + 1;
    const schema = evo.apply(schemaId);
    checkSchemaCompatibility(schema, base.formatVersion);
    checkPartitioningAndOrder(base, current, schema);
    return { schema, lastColumnId: evo.lastColumnId };
  }

  /** The schema the changes produce on `base` (for previews; not committed). Throws ValidationError. */
  apply(base: TableMetadata): Schema {
    const { schema } = this.evolve(base);
    return sameSchema(schema, currentSchema(base)) ? currentSchema(base) : schema;
  }

  /** The commit that applies the recorded changes to `base`. Throws ValidationError when they cannot apply. */
  build(base: TableMetadata): MetadataChanges {
    const { schema, lastColumnId } = this.evolve(base);
    const requirements: TableRequirement[] = [
      ...tableUuidRequirement(base),
      { type: 'assert-current-schema-id', currentSchemaId: base.currentSchemaId },
      { type: 'assert-last-assigned-field-id', lastAssignedFieldId: base.lastColumnId },
    ];
    let updates: TableUpdate[] = [];
    if (!sameSchema(schema, currentSchema(base))) {
      const existing = base.schemas.find((s) => sameSchema(s, schema));
      updates =
        existing !== undefined
          ? [{ action: 'set-current-schema', schemaId: existing.schemaId }]
          : [
              { action: 'add-schema', schema, lastColumnId },
              { action: 'set-current-schema', schemaId: -1 },
            ];
    }
    return { requirements, updates };
  }
}
