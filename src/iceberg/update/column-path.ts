/**
 * Column paths as the evolution builders accept them: a dotted name
 * (`address.zip`, resolved like Java's `Schema.findField`, so `points.x`
 * reaches a field of a list's struct element) or an array of names
 * (`['address', 'zip']`), which is the only way to name a new nested column.
 */
import { ValidationError } from '../../errors.js';
import { describeArg } from './arguments.js';

/** A column, by dotted name or by its path of names. */
export type ColumnPath = string | readonly string[];

/** The dotted name of a path; throws ValidationError for an empty path or an empty name. */
export function columnName(path: ColumnPath, what = 'column'): string {
  const parts = typeof path === 'string' ? [path] : path;
  if (!Array.isArray(parts) && typeof path !== 'string') throw new ValidationError(`${what} must be a dotted name or an array of names, got ${typeof path}`);
  if (parts.length === 0 || parts.some((p) => typeof p !== 'string' || p === '')) {
    throw new ValidationError(`${what} ${describeArg(path)} is invalid: name a column with a non-empty dotted name or a non-empty array of non-empty names`);
  }
  return parts.join('.');
}

/** Split a path for `addColumn`: the parent's dotted name (undefined for a top-level column) and the new column's name. */
export function splitForAdd(path: ColumnPath): { parent: string | undefined; name: string } {
  if (typeof path === 'string') {
    columnName(path, 'new column');
    if (path.includes('.')) {
      throw new ValidationError(
        `cannot add column ${JSON.stringify(path)}: the name contains "." and is ambiguous; pass the path as an array, e.g. [${path
          .split('.')
          .map((p) => JSON.stringify(p))
          .join(', ')}] for a nested column`,
      );
    }
    return { parent: undefined, name: path };
  }
  columnName(path, 'new column');
  const name = path[path.length - 1]!;
  return { parent: path.length > 1 ? path.slice(0, -1).join('.') : undefined, name };
}
