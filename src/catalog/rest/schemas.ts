/**
 * zod schemas for the Iceberg REST catalog's request and response bodies
 * (`../shared/specs/iceberg/rest-catalog-open-api.yaml`, `components/schemas`).
 *
 * Responses are parsed loosely where the spec allows extension (unknown
 * fields pass through) and strictly where a wrong type would mislead the
 * client. Table metadata, schemas, specs and sort orders are handed to the
 * Iceberg spec parsers (`src/iceberg/spec`), which know their rules better
 * than a structural schema could; here they are `unknown`.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());
/** Integers arrive as `number` or, beyond 2^53, as `bigint` (BigInt-safe JSON). */
const long = z.union([z.number().int(), z.bigint()]);
const namespace = z.array(z.string());

/** `ErrorModel` wrapped in `IcebergErrorResponse`. */
export const IcebergErrorResponse = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.number().int(),
    stack: z.array(z.string()).optional(),
  }),
});

/** OAuth2 error body (RFC 6749 §5.2). */
export const OAuthError = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});

/** `CatalogConfig`, the answer of `GET /v1/config`. */
export const CatalogConfig = z.object({
  defaults: stringMap.default({}),
  overrides: stringMap.default({}),
  endpoints: z.array(z.string()).optional(),
  'idempotency-key-lifetime': z.string().optional(),
});
export type CatalogConfig = z.infer<typeof CatalogConfig>;

/** `OAuthTokenResponse`. */
export const OAuthTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().optional(),
  issued_token_type: z.string().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
});
export type OAuthTokenResponse = z.infer<typeof OAuthTokenResponse>;

/** `CreateNamespaceRequest`. */
export const CreateNamespaceRequest = z.object({ namespace, properties: stringMap.optional() });

/** `CreateNamespaceResponse`. */
export const CreateNamespaceResponse = z.object({ namespace, properties: stringMap.nullish() });

/** `GetNamespaceResponse`; `properties` is null when the server does not support them. */
export const GetNamespaceResponse = z.object({ namespace, properties: stringMap.nullish() });

/** `ListNamespacesResponse`. */
export const ListNamespacesResponse = z.object({
  'next-page-token': z.string().nullish(),
  namespaces: z.array(namespace).default([]),
});

/** `TableIdentifier`. */
export const TableIdentifierSchema = z.object({ namespace, name: z.string() });

/** `ListTablesResponse` (also the shape of the views list). */
export const ListTablesResponse = z.object({
  'next-page-token': z.string().nullish(),
  identifiers: z.array(TableIdentifierSchema).default([]),
});

/** `UpdateNamespacePropertiesRequest`. */
export const UpdateNamespacePropertiesRequest = z.object({
  removals: z.array(z.string()).optional(),
  updates: stringMap.optional(),
});

/** `UpdateNamespacePropertiesResponse`. */
export const UpdateNamespacePropertiesResponse = z.object({
  updated: z.array(z.string()),
  removed: z.array(z.string()),
  missing: z.array(z.string()).nullish(),
});

/** `StorageCredential`. */
export const StorageCredential = z.object({ prefix: z.string(), config: stringMap });
export type StorageCredential = z.infer<typeof StorageCredential>;

/** `LoadCredentialsResponse`. */
export const LoadCredentialsResponse = z.object({ 'storage-credentials': z.array(StorageCredential) });

/** `LoadTableResult` (`metadata` is parsed by the Iceberg metadata parser). */
export const LoadTableResultSchema = z.object({
  'metadata-location': z.string().nullish(),
  metadata: z.unknown().refine((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'metadata must be an object'),
  config: stringMap.optional(),
  'storage-credentials': z.array(StorageCredential).optional(),
  'remote-signing-config': z.unknown().optional(),
});

/** `CommitTableResponse`. */
export const CommitTableResponse = z.object({
  'metadata-location': z.string(),
  metadata: z.unknown().refine((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'metadata must be an object'),
});

/** `CreateTableRequest` (schema, spec and order as their spec JSON). */
export const CreateTableRequestSchema = z.object({
  name: z.string(),
  location: z.string().optional(),
  schema: z.record(z.string(), z.unknown()),
  'partition-spec': z.record(z.string(), z.unknown()).optional(),
  'write-order': z.record(z.string(), z.unknown()).optional(),
  'stage-create': z.boolean().optional(),
  properties: stringMap.optional(),
});

/** `RegisterTableRequest`. */
export const RegisterTableRequest = z.object({ name: z.string(), 'metadata-location': z.string(), overwrite: z.boolean().optional() });

/** `UnregisterTableResult` (`metadata` is parsed by the Iceberg metadata parser). */
export const UnregisterTableResultSchema = z.object({
  'metadata-location': z.string(),
  metadata: z.unknown().refine((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'metadata must be an object'),
});

/** `RenameTableRequest`. */
export const RenameTableRequest = z.object({ source: TableIdentifierSchema, destination: TableIdentifierSchema });

/** `CommitTableRequest`: requirements and updates as their REST JSON. */
export const CommitTableRequest = z.object({
  identifier: TableIdentifierSchema.optional(),
  requirements: z.array(z.object({ type: z.string() }).loose()),
  updates: z.array(z.object({ action: z.string() }).loose()),
});

/** `CommitTransactionRequest`: every change names its table. */
export const CommitTransactionRequest = z.object({
  'table-changes': z.array(CommitTableRequest.extend({ identifier: TableIdentifierSchema })).min(1),
});

// ---- views -------------------------------------------------------------------

/** `SQLViewRepresentation` (the only representation the spec defines). */
export const ViewRepresentationSchema = z.object({ type: z.string(), sql: z.string(), dialect: z.string() });

/** `ViewVersion`. */
export const ViewVersionSchema = z.object({
  'version-id': z.number().int(),
  'timestamp-ms': long,
  'schema-id': z.number().int(),
  summary: stringMap,
  representations: z.array(ViewRepresentationSchema),
  'default-catalog': z.string().nullish(),
  'default-namespace': namespace,
});

/** `ViewMetadata` (schemas are parsed by the Iceberg schema parser). */
export const ViewMetadataSchema = z.object({
  'view-uuid': z.string(),
  'format-version': z.number().int().min(1).max(1),
  location: z.string(),
  'current-version-id': z.number().int(),
  versions: z.array(ViewVersionSchema),
  'version-log': z.array(z.object({ 'version-id': z.number().int(), 'timestamp-ms': long })),
  schemas: z.array(z.record(z.string(), z.unknown())),
  properties: stringMap.nullish(),
});

/** `LoadViewResult`. */
export const LoadViewResultSchema = z.object({
  'metadata-location': z.string(),
  metadata: ViewMetadataSchema,
  config: stringMap.optional(),
});

/** `CreateViewRequest`. */
export const CreateViewRequestSchema = z.object({
  name: z.string(),
  location: z.string().optional(),
  schema: z.record(z.string(), z.unknown()),
  'view-version': ViewVersionSchema,
  properties: stringMap,
});

/** `RegisterViewRequest`. */
export const RegisterViewRequest = z.object({ name: z.string(), 'metadata-location': z.string() });

/** `CommitViewRequest`. */
export const CommitViewRequest = z.object({
  identifier: TableIdentifierSchema.optional(),
  requirements: z.array(z.object({ type: z.string() }).loose()).optional(),
  updates: z.array(z.object({ action: z.string() }).loose()),
});

// ---- server-side scan planning -------------------------------------------------

/** `ContentFile` (data or delete file) as the planning endpoints return it. */
export const ContentFileSchema = z
  .object({
    content: z.enum(['data', 'position-deletes', 'equality-deletes']),
    'file-path': z.string(),
    'file-format': z.string(),
    'spec-id': z.number().int(),
    partition: z.array(z.unknown()).default([]),
    'file-size-in-bytes': long,
    'record-count': long,
    'equality-ids': z.array(z.number().int()).optional(),
    'sort-order-id': z.number().int().optional(),
  })
  .loose();

/** `FileScanTask`. */
export const FileScanTaskSchema = z.object({
  'data-file': ContentFileSchema,
  'delete-file-references': z.array(z.number().int()).optional(),
  'residual-filter': z.unknown().optional(),
});

/** `ScanTasks`. */
const ScanTasks = z.object({
  'delete-files': z.array(ContentFileSchema).optional(),
  'file-scan-tasks': z.array(FileScanTaskSchema).optional(),
  'plan-tasks': z.array(z.string()).optional(),
});

/** `PlanTableScanResult` / `FetchPlanningResult` (a union on `status`). */
export const PlanningResultSchema = z.discriminatedUnion('status', [
  ScanTasks.extend({ status: z.literal('completed'), 'plan-id': z.string().optional(), 'storage-credentials': z.array(StorageCredential).optional() }),
  z.object({ status: z.literal('submitted'), 'plan-id': z.string().optional() }),
  z.object({ status: z.literal('cancelled') }),
  IcebergErrorResponse.extend({ status: z.literal('failed') }),
]);

/** `FetchScanTasksResult`. */
export const FetchScanTasksResultSchema = ScanTasks;

/** `PlanTableScanRequest`. */
export const PlanTableScanRequestSchema = z.object({
  'snapshot-id': long.optional(),
  select: z.array(z.string()).optional(),
  filter: z.unknown().optional(),
  'min-rows-requested': long.optional(),
  'case-sensitive': z.boolean().optional(),
  'use-snapshot-schema': z.boolean().optional(),
  'start-snapshot-id': long.optional(),
  'end-snapshot-id': long.optional(),
  'stats-fields': z.array(z.string()).optional(),
});

// ---- remote signing ----------------------------------------------------------------

/** `MultiValuedMap`: header name → values. */
const multiValuedMap = z.record(z.string(), z.array(z.string()));

/** `RemoteSignRequest`. */
export const RemoteSignRequestSchema = z.object({
  region: z.string(),
  uri: z.string(),
  method: z.enum(['PUT', 'GET', 'HEAD', 'POST', 'DELETE', 'PATCH', 'OPTIONS']),
  headers: multiValuedMap,
  properties: stringMap.optional(),
  body: z.string().optional(),
  provider: z.string().optional(),
});

/** `RemoteSignResult`. */
export const RemoteSignResultSchema = z.object({ uri: z.string(), headers: multiValuedMap });
