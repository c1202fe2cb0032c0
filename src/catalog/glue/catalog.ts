/**
 * An Iceberg catalog on AWS Glue, compatible with Iceberg's Java GlueCatalog
 * and pyiceberg's: Glue databases are namespaces (one level), and an Iceberg
 * table is a Glue table with `Parameters.table_type = ICEBERG` and
 * `metadata_location` pointing at its current metadata file.
 *
 * A commit writes the new metadata file first (create-if-absent), then moves
 * the pointer with `UpdateTable` guarded by the Glue table's `VersionId` read
 * with the base metadata — optimistic concurrency: of two writers from the
 * same base, Glue accepts one and answers the other with
 * `ConcurrentModificationException`, which becomes `CommitConflictError`
 * (and the loser's metadata file is deleted).
 *
 * @module
 */
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteDatabaseCommand,
  DeleteTableCommand,
  GetDatabaseCommand,
  GetDatabasesCommand,
  GetTableCommand,
  GetTablesCommand,
  UpdateDatabaseCommand,
  UpdateTableCommand,
  type Database,
  GlueClient,
  type Table as GlueTable,
  type TableInput,
} from '@aws-sdk/client-glue';
import { AlreadyExistsError, CommitConflictError, CommitStateUnknownError, NotFoundError, ValidationError, isLakeError } from '../../errors.js';
import { fromUtf8 } from '../../internal/bytes.js';
import type { FileIO } from '../../io/file-io.js';
import { applyUpdates, checkRequirements } from '../../iceberg/spec/apply-updates.js';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import { parseTableMetadata, writeTableMetadata } from '../../iceberg/spec/metadata-json.js';
import { newTableMetadata } from '../../iceberg/spec/new-table.js';
import { UNPARTITIONED_SPEC } from '../../iceberg/spec/partition.js';
import { UNSORTED_ORDER } from '../../iceberg/spec/sort-order.js';
import type { TableRequirement, TableUpdate } from '../../iceberg/spec/table-update.js';
import type { Catalog, CreateTableRequest, DropTableOptions, LoadTableResult, NamespacePropertiesUpdate } from '../catalog.js';
import { checkIdentifier, checkName, identifierToString, type Namespace, type TableIdentifier } from '../identifier.js';
import { deleteUnder } from '../purge.js';
import { glueColumns } from './columns.js';
import { glueError, isGlueError } from './errors.js';

/** Default catalog name. */
export const DEFAULT_GLUE_CATALOG_NAME = 'glue';

/** Glue table parameter naming the table format (`ICEBERG`). */
export const TABLE_TYPE = 'table_type';
/** Glue table parameter holding the current metadata file. */
export const METADATA_LOCATION = 'metadata_location';
/** Glue table parameter holding the previous metadata file. */
export const PREVIOUS_METADATA_LOCATION = 'previous_metadata_location';

/** Options for {@link GlueCatalog}. */
export interface GlueCatalogOptions {
  /** The Glue client (region, credentials and endpoint are its concern). @default a client for `region` with the SDK's default credentials */
  client?: GlueClient;
  /** Region of the default client; ignored when `client` is given. @default the SDK's region chain */
  region?: string;
  /** Storage for metadata and data files. */
  io: FileIO;
  /**
   * Root for new tables of databases without a `LocationUri`: tables go to
   * `<warehouse>/<database>.db/<table>`, as the Java GlueCatalog places them.
   */
  warehouse?: string;
  /** The Glue Data Catalog id (AWS account id); the caller's account when absent. */
  catalogId?: string;
  /** @default DEFAULT_GLUE_CATALOG_NAME */
  name?: string;
  /** Ask Glue not to archive a table version per commit (Glue caps versions per table). @default true */
  skipArchive?: boolean;
}

/**
 * Iceberg tables in the AWS Glue Data Catalog.
 *
 * @example
 * ```typescript
 * import { GlueClient } from '@aws-sdk/client-glue';
 * import { GlueCatalog } from 'lakekit/catalog/glue';
 * import { S3FileIO } from 'lakekit/io/s3';
 * const catalog = new GlueCatalog({ client: new GlueClient({ region: 'eu-west-1' }), io: new S3FileIO({ region: 'eu-west-1' }), warehouse: 's3://datax-lake/warehouse' });
 * const table = await catalog.loadTable({ namespace: ['gold'], name: 'daily_kpis' });
 * ```
 */
export class GlueCatalog implements Catalog {
  readonly name: string;
  readonly io: FileIO;
  readonly client: GlueClient;
  readonly #warehouse: string | undefined;
  readonly #catalogId: { CatalogId?: string };
  readonly #skipArchive: boolean;

  constructor(options: GlueCatalogOptions) {
    this.name = options.name ?? DEFAULT_GLUE_CATALOG_NAME;
    this.io = options.io;
    this.client = options.client ?? new GlueClient(options.region === undefined ? {} : { region: options.region });
    this.#warehouse = options.warehouse === undefined ? undefined : options.io.resolve(options.warehouse).replace(/\/+$/, '');
    this.#catalogId = options.catalogId === undefined ? {} : { CatalogId: options.catalogId };
    this.#skipArchive = options.skipArchive ?? true;
  }

  /** Tables of this catalog live in the injected storage. */
  fileIO(_result: LoadTableResult): FileIO {
    return this.io;
  }

  // ---- namespaces -----------------------------------------------------------

  #database(ns: Namespace): string {
    if (!Array.isArray(ns) || ns.length !== 1) {
      throw new ValidationError(`Glue databases are a single level, so namespace ${JSON.stringify(ns)} cannot exist in catalog ${this.name}; use one level, e.g. ["gold"] or ["finance_gold"]`);
    }
    checkName(ns[0]!, 'database name');
    return ns[0]!;
  }

  async #send<T>(command: object, what: string): Promise<T> {
    try {
      return (await this.client.send(command as never)) as T;
    } catch (e) {
      throw glueError(e, what, this.name);
    }
  }

  async #getDatabase(db: string): Promise<Database> {
    const out = await this.#send<{ Database?: Database }>(new GetDatabaseCommand({ ...this.#catalogId, Name: db }), `database ${db}`);
    return out.Database ?? { Name: db };
  }

  async *listNamespaces(parent: Namespace = []): AsyncIterable<Namespace> {
    if (parent.length > 0) {
      // Glue has no nested databases: a database has no children, if it exists.
      await this.#getDatabase(this.#database(parent));
      return;
    }
    let token: string | undefined;
    do {
      const page = await this.#send<{ DatabaseList?: Database[]; NextToken?: string }>(new GetDatabasesCommand({ ...this.#catalogId, ...(token === undefined ? {} : { NextToken: token }) }), 'databases');
      const names = (page.DatabaseList ?? []).map((d) => d.Name!).sort();
      for (const n of names) yield [n];
      token = page.NextToken;
    } while (token);
  }

  async createNamespace(ns: Namespace, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    const db = this.#database(ns);
    await this.#send(new CreateDatabaseCommand({ ...this.#catalogId, DatabaseInput: databaseInput(db, properties) }), `database ${db}`);
  }

  async namespaceExists(ns: Namespace): Promise<boolean> {
    const db = this.#database(ns);
    try {
      await this.#getDatabase(db);
      return true;
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  async loadNamespaceProperties(ns: Namespace): Promise<Record<string, string>> {
    const d = await this.#getDatabase(this.#database(ns));
    return {
      ...d.Parameters,
      ...(d.Description === undefined ? {} : { comment: d.Description }),
      ...(d.LocationUri === undefined ? {} : { location: d.LocationUri }),
    };
  }

  async updateNamespaceProperties(ns: Namespace, removals: readonly string[], updates: Readonly<Record<string, string>>): Promise<NamespacePropertiesUpdate> {
    const db = this.#database(ns);
    const overlap = removals.filter((k) => k in updates);
    if (overlap.length > 0) throw new ValidationError(`properties ${overlap.join(', ')} are both set and removed; do one or the other`);
    const current = await this.loadNamespaceProperties(ns);
    const missing = removals.filter((k) => !(k in current));
    const removed = removals.filter((k) => k in current);
    for (const k of removed) delete current[k];
    Object.assign(current, updates);
    await this.#send(new UpdateDatabaseCommand({ ...this.#catalogId, Name: db, DatabaseInput: databaseInput(db, current) }), `database ${db}`);
    return { updated: Object.keys(updates), removed, missing };
  }

  async dropNamespace(ns: Namespace): Promise<void> {
    const db = this.#database(ns);
    const page = await this.#send<{ TableList?: GlueTable[] }>(new GetTablesCommand({ ...this.#catalogId, DatabaseName: db, MaxResults: 1 }), `database ${db}`);
    if ((page.TableList ?? []).length > 0) {
      throw new ValidationError(`database ${db} is not empty; drop its tables first`, { context: { reason: 'namespace-not-empty' } });
    }
    await this.#send(new DeleteDatabaseCommand({ ...this.#catalogId, Name: db }), `database ${db}`);
  }

  // ---- tables -------------------------------------------------------------------

  async *listTables(ns: Namespace): AsyncIterable<TableIdentifier> {
    const db = this.#database(ns);
    let token: string | undefined;
    do {
      const page = await this.#send<{ TableList?: GlueTable[]; NextToken?: string }>(
        new GetTablesCommand({ ...this.#catalogId, DatabaseName: db, ...(token === undefined ? {} : { NextToken: token }) }),
        `database ${db}`,
      );
      const names = (page.TableList ?? []).filter(isIcebergTable).map((t) => t.Name!).sort();
      for (const name of names) yield { namespace: [db], name };
      token = page.NextToken;
    } while (token);
  }

  /** The Glue table, or undefined if there is none (a non-Iceberg table is an error). */
  async #glueTable(id: TableIdentifier): Promise<GlueTable | undefined> {
    const db = this.#database(id.namespace);
    checkName(id.name, 'table name');
    try {
      const out = await this.#send<{ Table?: GlueTable }>(new GetTableCommand({ ...this.#catalogId, DatabaseName: db, Name: id.name }), `table ${identifierToString(id)}`);
      return out.Table;
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) {
        // Say which is missing: the table or its database.
        if (!(await this.namespaceExists(id.namespace))) throw this.#noNamespace(db);
        return undefined;
      }
      throw e;
    }
  }

  async #icebergTable(id: TableIdentifier): Promise<{ table: GlueTable; metadataLocation: string }> {
    return this.#asIceberg(id, await this.#glueTable(id));
  }

  #asIceberg(id: TableIdentifier, table: GlueTable | undefined): { table: GlueTable; metadataLocation: string } {
    if (table === undefined) throw this.#noTable(id);
    const params = table.Parameters ?? {};
    const location = params[METADATA_LOCATION];
    if (!isIcebergTable(table) || location === undefined) {
      throw new ValidationError(`Glue table ${identifierToString(id)} is not an Iceberg table (table_type=${params[TABLE_TYPE] ?? 'unset'}); use a catalog for its format`);
    }
    return { table, metadataLocation: location };
  }

  async #read(location: string): Promise<TableMetadata> {
    return parseTableMetadata(fromUtf8(await this.io.read(location)));
  }

  async loadTable(id: TableIdentifier): Promise<LoadTableResult> {
    const { metadataLocation } = await this.#icebergTable(id);
    return { identifier: id, metadataLocation, metadata: await this.#read(metadataLocation), config: {} };
  }

  async tableExists(id: TableIdentifier): Promise<boolean> {
    checkIdentifier(id);
    try {
      const t = await this.#glueTable(id);
      return t !== undefined && isIcebergTable(t);
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return false;
      throw e;
    }
  }

  #noTable(id: TableIdentifier): NotFoundError {
    return new NotFoundError(`table ${identifierToString(id)} does not exist in Glue catalog ${this.name}; create it or check the name`, { context: { table: identifierToString(id) } });
  }

  #noNamespace(db: string): NotFoundError {
    return new NotFoundError(`database ${db} does not exist in Glue catalog ${this.name}; create it with createNamespace`, { context: { database: db } });
  }

  /** Where a new table goes: the request's location, the database's LocationUri, or the warehouse. */
  async #newTableLocation(id: TableIdentifier, requested: string | undefined): Promise<string> {
    const db = this.#database(id.namespace);
    const database = await this.#getDatabase(db);
    if (requested !== undefined) return this.io.resolve(requested).replace(/\/+$/, '');
    if (database.LocationUri !== undefined && database.LocationUri !== '') return `${this.io.resolve(database.LocationUri).replace(/\/+$/, '')}/${id.name}`;
    if (this.#warehouse !== undefined) return `${this.#warehouse}/${db}.db/${id.name}`;
    throw new ValidationError(`database ${db} has no location and the Glue catalog has no warehouse; pass a location, set the database's location, or configure warehouse`);
  }

  async createTable(id: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult> {
    checkIdentifier(id);
    const location = await this.#newTableLocation(id, request.location);
    const metadata = newTableMetadata(request.schema, request.partitionSpec ?? UNPARTITIONED_SPEC, request.writeOrder ?? UNSORTED_ORDER, location, request.properties ?? {});
    return this.#create(id, metadata, undefined);
  }

  /** Write the first metadata file (unless registering one), then create the Glue table. */
  async #create(id: TableIdentifier, metadata: TableMetadata, existingLocation: string | undefined): Promise<LoadTableResult> {
    const db = this.#database(id.namespace);
    const metadataLocation = existingLocation ?? (await this.#writeMetadata(metadata, undefined));
    try {
      await this.#send(new CreateTableCommand({ ...this.#catalogId, DatabaseName: db, TableInput: tableInput(id.name, metadata, metadataLocation, undefined, undefined) }), `table ${identifierToString(id)}`);
    } catch (e) {
      if (existingLocation === undefined) await this.io.delete(metadataLocation).catch(() => undefined);
      if (isLakeError(e, 'NOT_FOUND')) throw this.#noNamespace(db);
      throw e;
    }
    return { identifier: id, metadataLocation, metadata, config: {} };
  }

  /** `<location>/metadata/<NNNNN>-<uuid>.metadata.json`, numbered one past the base, written create-if-absent. */
  async #writeMetadata(metadata: TableMetadata, base: string | undefined): Promise<string> {
    const previous = base === undefined ? -1 : Number(/(\d+)-[^/]*\.metadata\.json$/.exec(base)?.[1] ?? -1);
    const n = String(previous + 1).padStart(5, '0');
    const location = `${metadata.location.replace(/\/+$/, '')}/metadata/${n}-${crypto.randomUUID()}.metadata.json`;
    await this.io.createIfAbsent(location, writeTableMetadata(metadata), { contentType: 'application/json' });
    return location;
  }

  async commitTable(id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<LoadTableResult> {
    checkIdentifier(id);
    const creating = requirements.some((r) => r.type === 'assert-create');
    const glue = await this.#glueTable(id);
    if (glue === undefined) {
      if (!creating) throw this.#noTable(id);
      checkRequirements(undefined, requirements);
      const metadata = applyUpdates(undefined, updates);
      return this.#create(id, metadata, undefined);
    }
    const { table, metadataLocation: baseLocation } = this.#asIceberg(id, glue);
    const base = await this.#read(baseLocation);
    checkRequirements(base, requirements);
    const next = applyUpdates(base, updates, { previousMetadataLocation: baseLocation });
    if (next === base) return { identifier: id, metadataLocation: baseLocation, metadata: base, config: {} };
    const newLocation = await this.#writeMetadata(next, baseLocation);
    const db = this.#database(id.namespace);
    try {
      await this.client.send(
        new UpdateTableCommand({
          ...this.#catalogId,
          DatabaseName: db,
          TableInput: tableInput(id.name, next, newLocation, baseLocation, table),
          VersionId: table.VersionId,
          SkipArchive: this.#skipArchive,
        }),
      );
    } catch (e) {
      const outcome = await this.#commitFailed(id, e, newLocation, baseLocation);
      if (outcome !== 'landed') throw outcome;
    }
    return { identifier: id, metadataLocation: newLocation, metadata: next, config: {} };
  }

  /**
   * Decide what a failed UpdateTable means. If Glue now points at our file,
   * the update landed (an SDK retry of an applied request sees a conflict).
   * A definite refusal removes our orphan metadata file; anything else is
   * `CommitStateUnknownError` and the file stays (it may be live).
   */
  async #commitFailed(id: TableIdentifier, error: unknown, newLocation: string, baseLocation: string): Promise<'landed' | Error> {
    const what = identifierToString(id);
    let current: string | undefined;
    try {
      current = (await this.#glueTable(id))?.Parameters?.[METADATA_LOCATION];
    } catch {
      current = undefined;
    }
    if (current === newLocation) return 'landed';
    const definite = isGlueError(error, 'ConcurrentModificationException') || isGlueError(error, 'EntityNotFoundException') || (current !== undefined && current !== baseLocation) || isClientFault(error);
    if (!definite) {
      return new CommitStateUnknownError(`the commit to ${what} may or may not have landed (${(error as Error).message}); reload the table and check before retrying`, {
        cause: error,
        context: { table: what, metadataLocation: newLocation },
      });
    }
    await this.io.delete(newLocation).catch(() => undefined);
    if (isGlueError(error, 'ConcurrentModificationException') || (current !== undefined && current !== baseLocation)) {
      return new CommitConflictError(`another writer committed to ${what} first; refresh the table and retry`, { cause: error, context: { table: what } });
    }
    return glueError(error, `table ${what}`, this.name);
  }

  async dropTable(id: TableIdentifier, options: DropTableOptions = {}): Promise<void> {
    const { metadataLocation } = await this.#icebergTable(id);
    const metadata = options.purge === true ? await this.#read(metadataLocation).catch(() => undefined) : undefined;
    await this.#send(new DeleteTableCommand({ ...this.#catalogId, DatabaseName: this.#database(id.namespace), Name: id.name }), `table ${identifierToString(id)}`);
    if (metadata === undefined) return;
    const prefix = `${metadata.location.replace(/\/+$/, '')}/`;
    await deleteUnder(this.io, prefix, [metadataLocation, ...metadata.metadataLog.map((e) => e.metadataFile)].filter((l) => !l.startsWith(prefix)));
  }

  /**
   * Rename by creating the new Glue table (same metadata file) and deleting
   * the old one — Glue has no rename. If the delete fails, the new entry is
   * removed again. A commit to the old name between the two steps is caught
   * by re-reading its version before the delete; the remaining window is one
   * Glue call wide.
   */
  async renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    checkIdentifier(from);
    checkIdentifier(to);
    const { table, metadataLocation } = await this.#icebergTable(from);
    const toDb = this.#database(to.namespace);
    if (!(await this.namespaceExists(to.namespace))) throw this.#noNamespace(toDb);
    const input: TableInput = { ...tableInputFrom(table), Name: to.name };
    await this.#send(new CreateTableCommand({ ...this.#catalogId, DatabaseName: toDb, TableInput: input }), `table ${identifierToString(to)}`);
    const undo = () => this.client.send(new DeleteTableCommand({ ...this.#catalogId, DatabaseName: toDb, Name: to.name })).catch(() => undefined);
    try {
      const again = await this.#icebergTable(from);
      if (again.table.VersionId !== table.VersionId || again.metadataLocation !== metadataLocation) {
        throw new CommitConflictError(`table ${identifierToString(from)} changed while it was being renamed; retry the rename`);
      }
      await this.#send(new DeleteTableCommand({ ...this.#catalogId, DatabaseName: this.#database(from.namespace), Name: from.name }), `table ${identifierToString(from)}`);
    } catch (e) {
      await undo();
      throw e;
    }
  }

  async registerTable(id: TableIdentifier, metadataLocation: string): Promise<LoadTableResult> {
    checkIdentifier(id);
    if ((await this.#glueTable(id)) !== undefined) throw new AlreadyExistsError(`table ${identifierToString(id)} already exists in Glue catalog ${this.name}`);
    const location = this.io.resolve(metadataLocation);
    return this.#create(id, await this.#read(location), location);
  }
}

function isIcebergTable(t: GlueTable): boolean {
  return (t.Parameters?.[TABLE_TYPE] ?? '').toUpperCase() === 'ICEBERG';
}

function isClientFault(e: unknown): boolean {
  const fault = (e as { $fault?: unknown } | null)?.$fault;
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return fault === 'client' && status !== undefined && status < 500 && status !== 429;
}

/** Glue database input from namespace properties (`comment` → Description, `location` → LocationUri, as pyiceberg maps them). */
function databaseInput(name: string, properties: Readonly<Record<string, string>>) {
  const { comment, location, ...rest } = properties;
  return { Name: name, Parameters: rest, ...(comment === undefined ? {} : { Description: comment }), ...(location === undefined ? {} : { LocationUri: location }) };
}

/** The TableInput of an existing Glue table (Glue's GetTable output has read-only fields UpdateTable refuses). */
function tableInputFrom(t: GlueTable): TableInput {
  return {
    Name: t.Name,
    ...(t.Description === undefined ? {} : { Description: t.Description }),
    ...(t.Owner === undefined ? {} : { Owner: t.Owner }),
    ...(t.TableType === undefined ? {} : { TableType: t.TableType }),
    ...(t.Parameters === undefined ? {} : { Parameters: t.Parameters }),
    ...(t.StorageDescriptor === undefined ? {} : { StorageDescriptor: t.StorageDescriptor }),
    ...(t.PartitionKeys === undefined ? {} : { PartitionKeys: t.PartitionKeys }),
  };
}

/** The Glue table for a metadata version; keeps parameters other tools set on an existing table. */
function tableInput(name: string, metadata: TableMetadata, metadataLocation: string, previous: string | undefined, existing: GlueTable | undefined): TableInput {
  const kept: Partial<TableInput> = existing === undefined ? {} : tableInputFrom(existing);
  const comment = metadata.properties.comment;
  return {
    ...kept,
    Name: name,
    TableType: 'EXTERNAL_TABLE',
    ...(comment === undefined ? {} : { Description: comment }),
    Parameters: {
      ...kept.Parameters,
      [TABLE_TYPE]: 'ICEBERG',
      [METADATA_LOCATION]: metadataLocation,
      ...(previous === undefined ? {} : { [PREVIOUS_METADATA_LOCATION]: previous }),
    },
    StorageDescriptor: { ...kept.StorageDescriptor, Location: metadata.location, Columns: glueColumns(metadata) },
  };
}
