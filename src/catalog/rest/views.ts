/**
 * A small typed model of Iceberg views (view spec v1) as REST catalogs serve
 * them: a versioned list of SQL representations over a schema.
 */
import { ValidationError } from '../../errors.js';
import { schemaFromJson, schemaToJson, type Schema } from '../../iceberg/spec/schema.js';
import type { Namespace, TableIdentifier } from '../identifier.js';
import type { z } from 'zod';
import type { LoadViewResultSchema, ViewVersionSchema } from './schemas.js';

/** One SQL text of a view in one dialect. */
export interface SqlViewRepresentation {
  type: 'sql';
  sql: string;
  /** e.g. `spark`, `trino`. */
  dialect: string;
}

/** One version of a view. */
export interface ViewVersion {
  versionId: number;
  timestampMs: number;
  schemaId: number;
  summary: Record<string, string>;
  representations: SqlViewRepresentation[];
  defaultCatalog?: string;
  defaultNamespace: Namespace;
}

/** View metadata (format version 1). */
export interface ViewMetadata {
  viewUuid: string;
  formatVersion: 1;
  location: string;
  currentVersionId: number;
  versions: ViewVersion[];
  versionLog: { versionId: number; timestampMs: number }[];
  schemas: Schema[];
  properties: Record<string, string>;
}

/** A loaded view. */
export interface LoadViewResult {
  identifier: TableIdentifier;
  metadataLocation: string;
  metadata: ViewMetadata;
  config: Record<string, string>;
}

/** What a view is made of when created or replaced. */
export interface ViewDefinition {
  schema: Schema;
  /** SQL per dialect; at most one per dialect. */
  representations: readonly SqlViewRepresentation[];
  /** Namespace that unqualified names in the SQL resolve in. @default the view's namespace */
  defaultNamespace?: Namespace;
  defaultCatalog?: string;
  /** Version summary, e.g. `{ 'engine-name': 'lakekit' }`. */
  summary?: Readonly<Record<string, string>>;
  properties?: Readonly<Record<string, string>>;
  location?: string;
}

/** The current version of a view. */
export function currentViewVersion(metadata: ViewMetadata): ViewVersion {
  const v = metadata.versions.find((x) => x.versionId === metadata.currentVersionId);
  if (v === undefined) throw new ValidationError(`view metadata names current version ${metadata.currentVersionId}, which it does not contain; the view metadata is corrupt`);
  return v;
}

function versionFromJson(v: z.output<typeof ViewVersionSchema>): ViewVersion {
  return {
    versionId: v['version-id'],
    timestampMs: Number(v['timestamp-ms']),
    schemaId: v['schema-id'],
    summary: v.summary,
    representations: v.representations.map((r) => ({ type: 'sql', sql: r.sql, dialect: r.dialect })),
    ...(v['default-catalog'] == null ? {} : { defaultCatalog: v['default-catalog'] }),
    defaultNamespace: v['default-namespace'],
  };
}

/** Turn a validated `LoadViewResult` body into the typed model. */
export function loadViewResultFromJson(identifier: TableIdentifier, body: z.output<typeof LoadViewResultSchema>): LoadViewResult {
  const m = body.metadata;
  return {
    identifier,
    metadataLocation: body['metadata-location'],
    config: body.config ?? {},
    metadata: {
      viewUuid: m['view-uuid'],
      formatVersion: 1,
      location: m.location,
      currentVersionId: m['current-version-id'],
      versions: m.versions.map(versionFromJson),
      versionLog: m['version-log'].map((e) => ({ versionId: e['version-id'], timestampMs: Number(e['timestamp-ms']) })),
      schemas: m.schemas.map((s, i) => schemaFromJson(s, `view schema ${i}`)),
      properties: m.properties ?? {},
    },
  };
}

/** The REST JSON of a view version to create (`schemaId` -1 means "the schema sent with it"). */
export function viewVersionToJson(id: TableIdentifier, def: ViewDefinition, versionId: number, schemaId: number, now: number): Record<string, unknown> {
  const dialects = new Set<string>();
  for (const r of def.representations) {
    if (dialects.has(r.dialect.toLowerCase())) throw new ValidationError(`view has two SQL representations for dialect ${r.dialect}; keep one per dialect`);
    dialects.add(r.dialect.toLowerCase());
  }
  if (def.representations.length === 0) throw new ValidationError('a view needs at least one SQL representation');
  return {
    'version-id': versionId,
    'timestamp-ms': now,
    'schema-id': schemaId,
    summary: { 'engine-name': 'lakekit', ...def.summary },
    representations: def.representations.map((r) => ({ type: 'sql', sql: r.sql, dialect: r.dialect })),
    ...(def.defaultCatalog === undefined ? {} : { 'default-catalog': def.defaultCatalog }),
    'default-namespace': [...(def.defaultNamespace ?? id.namespace)],
  };
}

/** The schema JSON of a view definition. */
export function viewSchemaJson(def: ViewDefinition): Record<string, unknown> {
  return schemaToJson(def.schema);
}
