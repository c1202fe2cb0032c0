/**
 * Catalogs of Iceberg tables. Every catalog implements one {@link Catalog}
 * interface in the Iceberg REST vocabulary (commits are requirements plus
 * updates), so table code works the same on the embedded file-system
 * catalog, Apache Polaris or any Iceberg REST catalog, and AWS Glue.
 *
 * @example
 * ```ts
 * import { FileSystemCatalog, tableIdentifier } from 'lakekit/catalog';
 * import { LocalFileIO } from 'lakekit/io/local';
 * const catalog = new FileSystemCatalog({ warehouse: 'file:///data/warehouse', io: new LocalFileIO() });
 * const table = await catalog.loadTable(tableIdentifier('gold.daily_kpis'));
 * console.log(table.metadata.currentSnapshotId);
 * ```
 *
 * @module
 */
export type { Catalog, LoadTableResult, CreateTableRequest, NamespacePropertiesUpdate, DropTableOptions } from './catalog.js';
export {
  tableIdentifier,
  identifierToString,
  namespaceToString,
  checkName,
  checkNamespace,
  checkIdentifier,
  type Namespace,
  type TableIdentifier,
} from './identifier.js';
export { FileSystemCatalog, DEFAULT_FILESYSTEM_CATALOG_NAME, NAMESPACE_MARKER, type FileSystemCatalogOptions } from './filesystem/catalog.js';
export * from './rest/index.js';
export * from './polaris/index.js';
// GlueCatalog loads @aws-sdk/client-glue, so it has its own subpath: lakekit/catalog/glue.
