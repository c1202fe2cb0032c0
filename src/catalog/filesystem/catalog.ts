/**
 * The embedded file-system catalog: a warehouse on any FileIO, laid out as
 * Spark's `hadoop` catalog lays it out, so Spark, pyiceberg and lakekit can
 * share one warehouse directory.
 *
 * ```
 * <warehouse>/<ns…>/<table>/metadata/v<N>.metadata.json
 * <warehouse>/<ns…>/<table>/metadata/version-hint.text
 * <warehouse>/<ns…>/<table>/data/…
 * ```
 *
 * A commit writes `v<N+1>.metadata.json` with create-if-absent — atomic on
 * local disk (`link(2)`) and on S3 (`If-None-Match: *`) — so of two racing
 * writers exactly one wins and the other gets `CommitConflictError`. The
 * version hint is written afterwards and may lag; readers probe past it.
 */
import { AlreadyExistsError, CommitConflictError, NotFoundError, UnsupportedError, ValidationError, isLakeError } from '../../errors.js';
import { fromUtf8 } from '../../internal/bytes.js';
import { parseJson, stringifyJson } from '../../internal/json.js';
import type { FileIO } from '../../io/file-io.js';
import { applyUpdates, checkRequirements } from '../../iceberg/spec/apply-updates.js';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import { parseTableMetadata, writeTableMetadata } from '../../iceberg/spec/metadata-json.js';
import { newTableMetadata } from '../../iceberg/spec/new-table.js';
import { UNPARTITIONED_SPEC } from '../../iceberg/spec/partition.js';
import { UNSORTED_ORDER } from '../../iceberg/spec/sort-order.js';
import type { TableRequirement, TableUpdate } from '../../iceberg/spec/table-update.js';
import type { Catalog, CreateTableRequest, DropTableOptions, LoadTableResult, NamespacePropertiesUpdate } from '../catalog.js';
import { checkIdentifier, checkNamespace, identifierToString, namespaceToString, type Namespace, type TableIdentifier } from '../identifier.js';
import { deleteUnder } from '../purge.js';

/** Options for {@link FileSystemCatalog}. */
export interface FileSystemCatalogOptions {
  /** Warehouse root: a URI (`file:///…`, `s3://…`, `memory://…`) the FileIO accepts. */
  warehouse: string;
  /** Storage for metadata and data. */
  io: FileIO;
  /** @default DEFAULT_FILESYSTEM_CATALOG_NAME */
  name?: string;
}

/** Default catalog name. */
export const DEFAULT_FILESYSTEM_CATALOG_NAME = 'lakekit';
/** Marker that holds a namespace's properties (ignored by Spark, which sees a plain directory). */
export const NAMESPACE_MARKER = '.lakekit-namespace.json';
const HINT = 'version-hint.text';
const METADATA_FILE = /^v(\d+)(\.gz)?\.metadata\.json$/;

/**
 * A catalog that keeps everything in the warehouse's files.
 *
 * @example
 * ```ts
 * import { LocalFileIO } from 'lakekit/io/local';
 * import { FileSystemCatalog } from 'lakekit/catalog';
 * const catalog = new FileSystemCatalog({ warehouse: 'file:///data/warehouse', io: new LocalFileIO() });
 * await catalog.createNamespace(['gold']);
 * ```
 */
export class FileSystemCatalog implements Catalog {
  readonly name: string;
  readonly io: FileIO;
  readonly warehouse: string;

  constructor(options: FileSystemCatalogOptions) {
    this.name = options.name ?? DEFAULT_FILESYSTEM_CATALOG_NAME;
    this.io = options.io;
    const wh = options.io.resolve(options.warehouse);
    this.warehouse = wh.endsWith('/') ? wh : `${wh}/`;
  }

  #nsPath(ns: Namespace): string {
    return `${this.warehouse}${ns.join('/')}/`;
  }

  /** The location a table has in this warehouse (the file-system catalog derives it from the name). */
  tableLocation(id: TableIdentifier): string {
    checkIdentifier(id);
    return `${this.#nsPath(id.namespace)}${id.name}`;
  }

  #metadataDir(id: TableIdentifier): string {
    return `${this.tableLocation(id)}/metadata/`;
  }

  /** Tables of this catalog live in its own storage. */
  fileIO(_result: LoadTableResult): FileIO {
    return this.io;
  }

  // ---- namespaces ---------------------------------------------------------

  async *listNamespaces(parent: Namespace = []): AsyncIterable<Namespace> {
    if (parent.length > 0) checkNamespace(parent);
    const base = parent.length === 0 ? this.warehouse : this.#nsPath(parent);
    for await (const dir of this.io.listDirectories(base)) {
      const name = dir.slice(base.length, -1);
      if (await this.#isTableDir(dir)) continue;
      yield [...parent, name];
    }
  }

  async #isTableDir(dir: string): Promise<boolean> {
    for await (const f of this.io.list(`${dir}metadata/`)) {
      const file = f.location.slice(f.location.lastIndexOf('/') + 1);
      if (file === HINT || METADATA_FILE.test(file)) return true;
    }
    return false;
  }

  async namespaceExists(ns: Namespace): Promise<boolean> {
    checkNamespace(ns);
    const prefix = this.#nsPath(ns);
    if (await this.#isTableDir(prefix)) return false;
    for await (const _ of this.io.list(prefix)) return true;
    return false;
  }

  async createNamespace(ns: Namespace, properties: Readonly<Record<string, string>> = {}): Promise<void> {
    checkNamespace(ns);
    if (await this.namespaceExists(ns)) throw new AlreadyExistsError(`namespace ${namespaceToString(ns)} already exists in catalog ${this.name}`);
    if (ns.length > 1 && !(await this.namespaceExists(ns.slice(0, -1)))) {
      throw new NotFoundError(`parent namespace ${namespaceToString(ns.slice(0, -1))} does not exist; create it first`);
    }
    try {
      await this.io.createIfAbsent(`${this.#nsPath(ns)}${NAMESPACE_MARKER}`, stringifyJson({ properties }, 2));
    } catch (e) {
      if (isLakeError(e, 'ALREADY_EXISTS')) throw new AlreadyExistsError(`namespace ${namespaceToString(ns)} already exists in catalog ${this.name}`, { cause: e });
      throw e;
    }
  }

  async loadNamespaceProperties(ns: Namespace): Promise<Record<string, string>> {
    if (!(await this.namespaceExists(ns))) throw this.#noNamespace(ns);
    try {
      const doc = parseJson(fromUtf8(await this.io.read(`${this.#nsPath(ns)}${NAMESPACE_MARKER}`)), `namespace ${namespaceToString(ns)} properties`);
      const props = (doc as { properties?: unknown }).properties;
      return typeof props === 'object' && props !== null ? { ...(props as Record<string, string>) } : {};
    } catch (e) {
      if (isLakeError(e, 'NOT_FOUND')) return {}; // a namespace made by another engine (a plain directory)
      throw e;
    }
  }

  async updateNamespaceProperties(ns: Namespace, removals: readonly string[], updates: Readonly<Record<string, string>>): Promise<NamespacePropertiesUpdate> {
    const overlap = removals.filter((k) => k in updates);
    if (overlap.length > 0) throw new ValidationError(`properties ${overlap.join(', ')} are both set and removed; do one or the other`);
    const current = await this.loadNamespaceProperties(ns);
    const missing = removals.filter((k) => !(k in current));
    const removed = removals.filter((k) => k in current);
    for (const k of removed) delete current[k];
    Object.assign(current, updates);
    await this.io.write(`${this.#nsPath(ns)}${NAMESPACE_MARKER}`, stringifyJson({ properties: current }, 2));
    return { updated: Object.keys(updates), removed, missing };
  }

  async dropNamespace(ns: Namespace): Promise<void> {
    if (!(await this.namespaceExists(ns))) throw this.#noNamespace(ns);
    for await (const f of this.io.list(this.#nsPath(ns))) {
      if (f.location !== `${this.#nsPath(ns)}${NAMESPACE_MARKER}`) {
        throw new ValidationError(`namespace ${namespaceToString(ns)} is not empty; drop its tables and namespaces first`, {
          context: { reason: 'namespace-not-empty' },
        });
      }
    }
    await this.io.delete(`${this.#nsPath(ns)}${NAMESPACE_MARKER}`);
  }

  #noNamespace(ns: Namespace): NotFoundError {
    return new NotFoundError(`namespace ${namespaceToString(ns)} does not exist in catalog ${this.name}; create it with createNamespace`);
  }

  // ---- tables ---------------------------------------------------------------

  async *listTables(ns: Namespace): AsyncIterable<TableIdentifier> {
    if (!(await this.namespaceExists(ns))) throw this.#noNamespace(ns);
    const base = this.#nsPath(ns);
    for await (const dir of this.io.listDirectories(base)) {
      if (await this.#isTableDir(dir)) yield { namespace: [...ns], name: dir.slice(base.length, -1) };
    }
  }

  /** The current version number and its metadata file, or undefined if there is no table. */
  async #currentVersion(id: TableIdentifier): Promise<{ version: number; location: string } | undefined> {
    const dir = this.#metadataDir(id);
    let version: number | undefined;
    try {
      const hint = fromUtf8(await this.io.read(`${dir}${HINT}`)).trim();
      if (/^\d+$/.test(hint)) version = Number(hint);
    } catch (e) {
      if (!isLakeError(e, 'NOT_FOUND')) throw e;
    }
    const files = new Map<number, string>();
    if (version === undefined || !(await this.io.exists(`${dir}v${version}.metadata.json`))) {
      // No usable hint: find the highest version by listing (as Hadoop's catalog does).
      for await (const f of this.io.list(`${dir}v`)) {
        const m = METADATA_FILE.exec(f.location.slice(dir.length));
        if (m) files.set(Number(m[1]), f.location);
      }
      if (files.size === 0) return undefined;
      version = Math.max(...files.keys());
      return { version, location: files.get(version)! };
    }
    // The hint is written after the metadata file, so it may lag: probe forward.
    while (await this.io.exists(`${dir}v${version + 1}.metadata.json`)) version++;
    return { version, location: `${dir}v${version}.metadata.json` };
  }

  async #read(location: string): Promise<TableMetadata> {
    let bytes = await this.io.read(location);
    if (location.endsWith('.gz.metadata.json')) {
      bytes = new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
    }
    return parseTableMetadata(fromUtf8(bytes));
  }

  async loadTable(id: TableIdentifier): Promise<LoadTableResult> {
    const current = await this.#currentVersion(id);
    if (current === undefined) throw this.#noTable(id);
    return { identifier: id, metadataLocation: current.location, metadata: await this.#read(current.location), config: {} };
  }

  async tableExists(id: TableIdentifier): Promise<boolean> {
    return (await this.#currentVersion(id)) !== undefined;
  }

  #noTable(id: TableIdentifier): NotFoundError {
    return new NotFoundError(`table ${identifierToString(id)} does not exist in catalog ${this.name}; create it or check the name`, {
      context: { table: identifierToString(id) },
    });
  }

  async createTable(id: TableIdentifier, request: CreateTableRequest): Promise<LoadTableResult> {
    const location = this.tableLocation(id);
    if (request.location !== undefined && this.io.resolve(request.location).replace(/\/$/, '') !== location) {
      throw new ValidationError(`the file-system catalog keeps table ${identifierToString(id)} at ${location}; omit the location or use a REST catalog for custom locations`);
    }
    if (!(await this.namespaceExists(id.namespace))) throw this.#noNamespace(id.namespace);
    const metadata = newTableMetadata(request.schema, request.partitionSpec ?? UNPARTITIONED_SPEC, request.writeOrder ?? UNSORTED_ORDER, location, request.properties ?? {});
    return this.#publish(id, 1, metadata, true);
  }

  /** Write `v<version>.metadata.json` atomically, then the hint. */
  async #publish(id: TableIdentifier, version: number, metadata: TableMetadata, creating: boolean): Promise<LoadTableResult> {
    const dir = this.#metadataDir(id);
    const location = `${dir}v${version}.metadata.json`;
    try {
      await this.io.createIfAbsent(location, writeTableMetadata(metadata), { contentType: 'application/json' });
    } catch (e) {
      if (!isLakeError(e, 'ALREADY_EXISTS')) throw e;
      if (creating) throw new AlreadyExistsError(`table ${identifierToString(id)} already exists in catalog ${this.name}`, { cause: e });
      throw new CommitConflictError(`another writer committed version ${version} of ${identifierToString(id)} first; refresh the table and retry`, {
        cause: e,
        context: { table: identifierToString(id), version },
      });
    }
    // The hint only speeds up loading; a failure here never undoes the commit.
    await this.io.write(`${dir}${HINT}`, String(version)).catch(() => undefined);
    return { identifier: id, metadataLocation: location, metadata, config: {} };
  }

  async commitTable(id: TableIdentifier, requirements: readonly TableRequirement[], updates: readonly TableUpdate[]): Promise<LoadTableResult> {
    checkIdentifier(id);
    const current = await this.#currentVersion(id);
    const creating = requirements.some((r) => r.type === 'assert-create');
    if (current === undefined && !creating) throw this.#noTable(id);
    if (current === undefined && !(await this.namespaceExists(id.namespace))) throw this.#noNamespace(id.namespace);
    const base = current === undefined ? undefined : await this.#read(current.location);
    checkRequirements(base, requirements);
    const next = applyUpdates(base, updates, current === undefined ? {} : { previousMetadataLocation: current.location });
    if (base === undefined && next.location.replace(/\/$/, '') !== this.tableLocation(id)) {
      throw new ValidationError(`the file-system catalog keeps table ${identifierToString(id)} at ${this.tableLocation(id)}; set-location must name it`);
    }
    if (base !== undefined && next === base) return { identifier: id, metadataLocation: current!.location, metadata: base, config: {} };
    return this.#publish(id, (current?.version ?? 0) + 1, next, base === undefined);
  }

  async dropTable(id: TableIdentifier, options: DropTableOptions = {}): Promise<void> {
    if (!(await this.tableExists(id))) throw this.#noTable(id);
    await deleteUnder(this.io, options.purge === true ? `${this.tableLocation(id)}/` : this.#metadataDir(id));
  }

  async renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    checkIdentifier(from);
    checkIdentifier(to);
    throw new UnsupportedError(
      `the file-system catalog cannot rename ${identifierToString(from)}: a table's location is its name, and its metadata records absolute file locations; use a REST or Glue catalog to rename tables`,
    );
  }

  async registerTable(id: TableIdentifier, metadataLocation: string): Promise<LoadTableResult> {
    if (await this.tableExists(id)) throw new AlreadyExistsError(`table ${identifierToString(id)} already exists in catalog ${this.name}`);
    if (!(await this.namespaceExists(id.namespace))) throw this.#noNamespace(id.namespace);
    const metadata = await this.#read(metadataLocation);
    if (this.io.resolve(metadata.location).replace(/\/$/, '') !== this.tableLocation(id)) {
      throw new ValidationError(
        `metadata at ${metadataLocation} belongs to a table at ${metadata.location}, but the file-system catalog keeps ${identifierToString(id)} at ${this.tableLocation(id)}; register it under the matching name`,
      );
    }
    return this.#publish(id, 1, metadata, true);
  }
}
