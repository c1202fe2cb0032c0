/**
 * What a column added by schema evolution needs (internal): fresh ids for
 * every field nested in its type, and a valid initial default (spec
 * "Default values" and the struct-evolution rules of "Schema Evolution").
 */
import { ValidationError } from '../../errors.js';
import type { IcebergType } from '../spec/types.js';
import { isPrimitive, Types, typeToString } from '../spec/types.js';
import { checkValue } from '../spec/value-check.js';
import type { Value } from '../spec/values.js';

/** Optional parts of an added column. */
export interface AddColumnOptions {
  /** Column documentation. */
  doc?: string;
  /** Add the column as required: needs `initialDefault` (format v3) or `allowIncompatibleChanges`. Defaults to false. */
  required?: boolean;
  /** Value of the column in rows written before it existed (format v3); also its write default. */
  initialDefault?: Value;
}

/**
 * A copy of `t` whose nested fields, list elements and map keys/values get
 * ids from `nextId`, a struct's fields before their children, like Java's
 * `TypeUtil.assignFreshIds`.
 */
export function assignFreshTypeIds(t: IcebergType, nextId: () => number): IcebergType {
  switch (t.type) {
    case 'struct': {
      const ids = t.fields.map(() => nextId());
      return Types.struct(t.fields.map((f, i) => Object.freeze({ ...f, id: ids[i]!, type: assignFreshTypeIds(f.type, nextId) })));
    }
    case 'list': {
      const elementId = nextId();
      return Types.list(elementId, assignFreshTypeIds(t.element, nextId), t.elementRequired);
    }
    case 'map': {
      const keyId = nextId();
      const valueId = nextId();
      return Types.map(keyId, assignFreshTypeIds(t.key, nextId), valueId, assignFreshTypeIds(t.value, nextId), t.valueRequired);
    }
    default:
      return t;
  }
}

/**
 * Throw ValidationError unless `value` may be the initial default of a new
 * column `name` of type `type` in a table of `formatVersion`: defaults need
 * v3; a struct defaults only to an empty struct (its fields carry their own
 * defaults); unknown, variant and geo columns only to null.
 */
export function checkInitialDefault(name: string, type: IcebergType, value: Value, formatVersion: number): void {
  if (formatVersion < 3) {
    throw new ValidationError(
      `cannot give column ${JSON.stringify(name)} a default value: defaults need format v3 and the table is v${formatVersion}; upgrade the table first or add the column as optional without a default`,
    );
  }
  const where = `initial default of column ${JSON.stringify(name)}`;
  if (type.type === 'struct') {
    if (!(value instanceof Map) || value.size > 0) throw new ValidationError(`${where} must be an empty struct (new Map()); set defaults on the struct's fields instead`);
    return;
  }
  if (!isPrimitive(type) || ['unknown', 'geometry', 'geography'].includes(type.type)) throw new ValidationError(`${where}: columns of type ${typeToString(type)} can only default to null`);
  checkValue(type, value, where);
}
