/**
 * Schema evolution between what a dataset holds and what a new batch brings,
 * by column name: new columns are added as optional, allowed widenings apply
 * (Iceberg's type promotions, decided by the Iceberg module's own
 * `isPromotionAllowed`: `int`→`long`, `float`→`double`, decimal precision up
 * at the same scale), narrower incoming types are read as the current type,
 * and every other change is refused — all conflicts at once, in one
 * ValidationError with a per-column report. The silver zone evolves its
 * datasets with {@link evolveStruct}; readers use {@link evolveSchema}.
 */
import type { Schema as ArrowSchema } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import { isPromotionAllowed } from '../../iceberg/spec/type-compare.js';
import { highestFieldId } from '../../iceberg/spec/type-index.js';
import { Types, typeToString } from '../../iceberg/spec/types.js';
import type { IcebergType, NestedField, StructType } from '../../iceberg/spec/types.js';
import { arrowToIcebergSchema } from '../arrow/from-arrow-schema.js';
import { icebergToArrowSchema } from '../arrow/schema.js';

/** One change {@link evolveSchema} applied. */
export interface SchemaChange {
  /** Dotted column path (`address.zip`, `tags.element`). */
  column: string;
  /** `added` (new optional column), `widened` (type promoted) or `made-optional`. */
  kind: 'added' | 'widened' | 'made-optional';
  /** The type before (absent for `added`). */
  from?: string;
  /** The type after. */
  to: string;
}

/** One column {@link evolveSchema} refused, as listed in the error's `context.columns`. */
export interface ColumnConflict {
  column: string;
  current: string;
  incoming: string;
  reason: string;
}

/** What {@link evolveSchema} returns. */
export interface EvolveResult {
  /** The evolved schema: current columns first (ids kept), then new ones. */
  schema: ArrowSchema;
  /** Every change, in column order; empty when the incoming schema already fits. */
  changes: SchemaChange[];
}

interface Ctx {
  nextId: number;
  changes: SchemaChange[];
  conflicts: ColumnConflict[];
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** A copy of `type` with fresh ids for every nested field (for added columns). */
function renumber(type: IcebergType, ctx: Ctx): IcebergType {
  if (type.type === 'struct') return Types.struct(type.fields.map((f) => ({ ...f, id: ctx.nextId++, required: false, type: renumber(f.type, ctx) })));
  if (type.type === 'list') return Types.list(ctx.nextId++, renumber(type.element, ctx), type.elementRequired);
  if (type.type === 'map') {
    const keyId = ctx.nextId++;
    const valueId = ctx.nextId++;
    return Types.map(keyId, renumber(type.key, ctx), valueId, renumber(type.value, ctx), type.valueRequired);
  }
  return type;
}

/**
 * Whether a value of `from` can be stored as `to` without loss: the same type
 * or one of the spec's promotions (format v2 rules, as tables are written).
 */
function promotes(from: IcebergType, to: IcebergType): boolean {
  return isPromotionAllowed(from, to, 2);
}

function evolveType(path: string, cur: IcebergType, inc: IcebergType, ctx: Ctx): IcebergType {
  if (cur.type === 'struct' && inc.type === 'struct') return evolveFields(path, cur, inc, ctx);
  if (cur.type === 'list' && inc.type === 'list') {
    const element = evolveType(join(path, 'element'), cur.element, inc.element, ctx);
    return Types.list(cur.elementId, element, cur.elementRequired && inc.elementRequired);
  }
  if (cur.type === 'map' && inc.type === 'map') {
    const key = evolveType(join(path, 'key'), cur.key, inc.key, ctx);
    const value = evolveType(join(path, 'value'), cur.value, inc.value, ctx);
    return Types.map(cur.keyId, key, cur.valueId, value, cur.valueRequired && inc.valueRequired);
  }
  if (promotes(inc, cur)) return cur;
  if (promotes(cur, inc)) {
    ctx.changes.push({ column: path, kind: 'widened', from: typeToString(cur), to: typeToString(inc) });
    return inc;
  }
  let reason = `${typeToString(inc)} cannot be stored as ${typeToString(cur)} and ${typeToString(cur)} cannot be widened to ${typeToString(inc)}`;
  if (cur.type === 'decimal' && inc.type === 'decimal' && cur.scale !== inc.scale) reason = `decimal scale changes from ${cur.scale} to ${inc.scale}; only precision may grow`;
  ctx.conflicts.push({ column: path, current: typeToString(cur), incoming: typeToString(inc), reason });
  return cur;
}

function evolveFields(path: string, cur: StructType, inc: StructType, ctx: Ctx): StructType {
  const incoming = new Map(inc.fields.map((f) => [f.name, f]));
  const fields: NestedField[] = cur.fields.map((f) => {
    const col = join(path, f.name);
    const other = incoming.get(f.name);
    if (other === undefined) {
      if (!f.required) return f;
      ctx.changes.push({ column: col, kind: 'made-optional', from: typeToString(f.type), to: typeToString(f.type) });
      return { ...f, required: false };
    }
    const type = evolveType(col, f.type, other.type, ctx);
    let required = f.required;
    if (f.required && !other.required) {
      ctx.changes.push({ column: col, kind: 'made-optional', from: typeToString(type), to: typeToString(type) });
      required = false;
    }
    return { ...f, type, required };
  });
  const known = new Set(cur.fields.map((f) => f.name));
  for (const f of inc.fields) {
    if (known.has(f.name)) continue;
    const type = renumber(f.type, ctx);
    ctx.changes.push({ column: join(path, f.name), kind: 'added', to: typeToString(type) });
    fields.push({ ...f, id: ctx.nextId++, required: false, type });
  }
  return Types.struct(fields);
}

/** What {@link evolveStruct} returns. */
export interface StructEvolution {
  /** The evolved struct: current columns first (ids kept), then new ones with fresh ids. */
  struct: StructType;
  changes: SchemaChange[];
}

/**
 * Evolve the Iceberg struct `current` so data of struct `incoming` can be
 * written into it (the core of {@link evolveSchema}; the silver zone uses it
 * on its manifests' schemas). New ids continue after `lastColumnId` (default:
 * the highest id in `current`). Throws ValidationError listing every
 * incompatible column in `context.columns` ({@link ColumnConflict}[]);
 * `what` names the target in its message.
 */
export function evolveStruct(current: StructType, incoming: StructType, options: { lastColumnId?: number; what?: string } = {}): StructEvolution {
  const ctx: Ctx = { nextId: Math.max(options.lastColumnId ?? 0, highestFieldId(current)) + 1, changes: [], conflicts: [] };
  const struct = evolveFields('', current, incoming, ctx);
  if (ctx.conflicts.length > 0) {
    const list = ctx.conflicts.map((c) => `${c.column} (${c.reason})`).join('; ');
    const what = options.what ?? 'the current one';
    throw new ValidationError(`the incoming schema is incompatible with ${what} in ${ctx.conflicts.length} column(s): ${list}; convert these columns or write them to a new column name`, {
      context: { columns: ctx.conflicts },
    });
  }
  return { struct, changes: ctx.changes };
}

/**
 * Evolve `current` so data of schema `incoming` can be written into it.
 * Columns are matched by name (nested struct fields too). Throws
 * ValidationError listing every incompatible column in `context.columns`
 * ({@link ColumnConflict}[]) when any type change is not an allowed widening.
 *
 * @example
 * ```ts
 * const { schema, changes } = evolveSchema(current, incoming);
 * changes; // [{ column: 'qty', kind: 'widened', from: 'int', to: 'long' }, { column: 'note', kind: 'added', to: 'string' }]
 * ```
 */
export function evolveSchema(current: ArrowSchema, incoming: ArrowSchema): EvolveResult {
  const { struct, changes } = evolveStruct(arrowToIcebergSchema(current), arrowToIcebergSchema(incoming));
  return { schema: icebergToArrowSchema(struct), changes };
}
