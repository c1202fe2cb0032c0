/** Namespaces and table identifiers, and the name rules that keep them safe as path segments. */
import { ValidationError } from '../errors.js';
import { printable } from '../internal/uri.js';

/** A namespace: one or more levels, e.g. `['gold']` or `['finance', 'gold']`. */
export type Namespace = readonly string[];

/** A table's name within its namespace. */
export interface TableIdentifier {
  readonly namespace: Namespace;
  readonly name: string;
}

/**
 * Parse `'db.table'` or `'a.b.table'` (the last part is the table), or pass
 * an identifier through.
 *
 * @example
 * ```ts
 * tableIdentifier('gold.daily_kpis'); // { namespace: ['gold'], name: 'daily_kpis' }
 * ```
 */
export function tableIdentifier(id: string | TableIdentifier): TableIdentifier {
  if (typeof id !== 'string') return id;
  const parts = id.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) {
    throw new ValidationError(`'${printable(id)}' is not a table identifier; write it as namespace.table (e.g. gold.daily_kpis)`);
  }
  return { namespace: parts.slice(0, -1), name: parts.at(-1)! };
}

/** `a.b` for display. */
export function namespaceToString(ns: Namespace): string {
  return ns.join('.');
}

/** `a.b.table` for display. */
export function identifierToString(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.');
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[/\\\u0000-\u001f\u007f]/;

/**
 * Check a namespace level or table name that will become a path segment:
 * not empty, no `/`, `\` or control characters, not `.`/`..`, no leading
 * dot (reserved for catalog markers), at most 255 UTF-8 bytes.
 */
export function checkName(name: string, what: string): void {
  const problem =
    typeof name !== 'string' || name === ''
      ? 'is empty'
      : UNSAFE.test(name)
        ? 'contains a slash, backslash or control character'
        : name.startsWith('.')
          ? 'starts with a dot'
          : new TextEncoder().encode(name).byteLength > 255
            ? 'is longer than 255 bytes'
            : undefined;
  if (problem !== undefined) {
    throw new ValidationError(`${what} '${printable(String(name))}' ${problem}; use letters, digits, '_' or '-'`, { context: { name: printable(String(name)) } });
  }
}

/** Check every level of a namespace (at least one level). */
export function checkNamespace(ns: Namespace): void {
  if (!Array.isArray(ns) || ns.length === 0) throw new ValidationError('a namespace needs at least one level, e.g. ["gold"]');
  for (const level of ns) checkName(level, 'namespace level');
}

/** Check a table identifier. */
export function checkIdentifier(id: TableIdentifier): void {
  checkNamespace(id.namespace);
  checkName(id.name, 'table name');
}
