/**
 * The catalog interface every lakekit catalog implements: the file-system
 * catalog (embedded default), the Iceberg REST catalog (Apache Polaris and
 * others) and AWS Glue. It speaks the Iceberg REST vocabulary — commits are
 * requirements plus updates — so table code never depends on which catalog
 * it talks to.
 */
import type { FileIO } from '../io/file-io.js';
import type { TableMetadata } from '../iceberg/spec/metadata.js';
import type { PartitionSpec } from '../iceberg/spec/partition.js';
import type { Schema } from '../iceberg/spec/schema.js';
import type { SortOrder } from '../iceberg/spec/sort-order.js';
import type { TableRequirement, TableUpdate } from '../iceberg/spec/table-update.js';
import type { Namespace, TableIdentifier } from './identifier.js';

/** A loaded table: its metadata and where that metadata lives. */
export interface LoadTableResult {
  identifier: TableIdentifier;
  /** Location of the metadata file; absent only for a staged (not yet created) table. */
  metadataLocation: string | undefined;
  metadata: TableMetadata;
  /** FileIO properties the catalog hands out for this table (e.g. vended `s3.*` credentials). */
  config: Readonly<Record<string, string>>;
}

/** What {@link Catalog.createTable} needs. */
export interface CreateTableRequest {
  schema: Schema;
  partitionSpec?: PartitionSpec;
  writeOrder?: SortOrder;
  /** Table location; catalogs that derive it from the name (file-system) refuse a different one. */
  location?: string;
  properties?: Readonly<Record<string, string>>;
}

/** The result of {@link Catalog.updateNamespaceProperties}. */
export interface NamespacePropertiesUpdate {
  updated: string[];
  removed: string[];
  /** Keys asked to be removed that were not set. */
  missing: string[];
}

/** Options for {@link Catalog.dropTable}. */
export interface DropTableOptions {
  /** Also delete the table's data and metadata files. @default false */
  purge?: boolean;
}

/**
 * A catalog of Iceberg tables grouped in namespaces.
 *
 * Errors: `NotFoundError` for a missing table or namespace,
 * `AlreadyExistsError` on a name clash, `CommitConflictError` when a commit's
 * requirements no longer hold (refresh and re-apply), `CommitStateUnknownError`
 * when a commit may or may not have landed, `UnsupportedError` for an
 * operation this catalog cannot do.
 */
export interface Catalog {
  /** The catalog's name, used in lineage dataset names and error messages. */
  readonly name: string;

  /** Namespaces directly under `parent` (top level when absent), page by page. */
  listNamespaces(parent?: Namespace): AsyncIterable<Namespace>;
  createNamespace(namespace: Namespace, properties?: Readonly<Record<string, string>>): Promise<void>;
  namespaceExists(namespace: Namespace): Promise<boolean>;
  loadNamespaceProperties(namespace: Namespace): Promise<Record<string, string>>;
  updateNamespaceProperties(namespace: Namespace, removals: readonly string[], updates: Readonly<Record<string, string>>): Promise<NamespacePropertiesUpdate>;
  /** Drop an empty namespace. Throws `ValidationError` if it still holds tables or namespaces. */
  dropNamespace(namespace: Namespace): Promise<void>;

  /** Tables in a namespace, page by page. */
  listTables(namespace: Namespace): AsyncIterable<TableIdentifier>;
  createTable(identifier: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult>;
  loadTable(identifier: TableIdentifier): Promise<LoadTableResult>;
  tableExists(identifier: TableIdentifier): Promise<boolean>;
  dropTable(identifier: TableIdentifier, options?: DropTableOptions): Promise<void>;
  renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void>;
  /** Adopt an existing metadata file as a table. */
  registerTable(identifier: TableIdentifier, metadataLocation: string): Promise<LoadTableResult>;
  /**
   * Apply `updates` atomically if every requirement holds; returns the new
   * state. With an `assert-create` requirement this creates the table.
   */
  commitTable(identifier: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<LoadTableResult>;
  /**
   * The FileIO to read and write a loaded table's files with: the catalog's own
   * storage, or one built from the properties the catalog handed out for the
   * table (e.g. vended `s3.*` credentials in `result.config`).
   */
  fileIO(result: LoadTableResult): FileIO;
}
