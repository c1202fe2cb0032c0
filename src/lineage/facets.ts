/**
 * The standard OpenLineage facets lakekit writes, typed, with builders that
 * set `_producer` and `_schemaURL` (the versioned schema each facet follows,
 * as embedded in spec/schemas.generated.ts).
 *
 * @module
 */

import { LAKEKIT_PRODUCER } from './events.js';

/** Every facet carries who produced it and the schema it follows. Other fields are open. */
export interface Facet {
  _producer: string;
  _schemaURL: string;
  _deleted?: boolean;
  [field: string]: unknown;
}

/** The schema file (with version) of each standard facet lakekit builds. */
export const FACET_SCHEMA_FILES = {
  schema: 'facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
  columnLineage: 'facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
  dataQualityMetrics: 'facets/1-0-3/DataQualityMetricsInputDatasetFacet.json#/$defs/DataQualityMetricsInputDatasetFacet',
  dataQualityMetricsDataset: 'facets/1-0-0/DataQualityMetricsDatasetFacet.json#/$defs/DataQualityMetricsDatasetFacet',
  dataQualityAssertions: 'facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet',
  ownership: 'facets/1-0-1/OwnershipDatasetFacet.json#/$defs/OwnershipDatasetFacet',
  ownershipJob: 'facets/1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet',
  documentation: 'facets/1-1-0/DocumentationDatasetFacet.json#/$defs/DocumentationDatasetFacet',
  documentationJob: 'facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet',
  symlinks: 'facets/1-0-1/SymlinksDatasetFacet.json#/$defs/SymlinksDatasetFacet',
  lifecycleStateChange: 'facets/1-0-1/LifecycleStateChangeDatasetFacet.json#/$defs/LifecycleStateChangeDatasetFacet',
  dataSource: 'facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet',
  sql: 'facets/1-1-0/SQLJobFacet.json#/$defs/SQLJobFacet',
  errorMessage: 'facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  parent: 'facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet',
  processing_engine: 'facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet',
  jobType: 'facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  tags: 'facets/1-0-0/TagsDatasetFacet.json#/$defs/TagsDatasetFacet',
  tagsJob: 'facets/1-0-0/TagsJobFacet.json#/$defs/TagsJobFacet',
  tagsRun: 'facets/1-0-0/TagsRunFacet.json#/$defs/TagsRunFacet',
  storage: 'facets/1-0-1/StorageDatasetFacet.json#/$defs/StorageDatasetFacet',
  catalog: 'facets/1-1-0/CatalogDatasetFacet.json#/$defs/CatalogDatasetFacet',
  inputStatistics: 'facets/1-0-0/InputStatisticsInputDatasetFacet.json#/$defs/InputStatisticsInputDatasetFacet',
  outputStatistics: 'facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
} as const;

/** Which schema a built facet follows: one of {@link FACET_SCHEMA_FILES}. */
export type FacetKind = keyof typeof FACET_SCHEMA_FILES;

/**
 * Wrap fields as a facet of the given kind. Builders below call it; use it
 * directly for a standard facet field the builders do not take.
 */
export function facet<T extends object>(kind: FacetKind, fields: T, options: { producer?: string } = {}): Facet & T {
  return { _producer: options.producer ?? LAKEKIT_PRODUCER, _schemaURL: `https://openlineage.io/spec/${FACET_SCHEMA_FILES[kind]}`, ...fields };
}

/**
 * A custom facet (one the standard does not define). `schemaURL` should point
 * at your own JSON Schema for it; consumers that do not know it keep it as is.
 */
export function customFacet<T extends object>(schemaURL: string, fields: T, options: { producer?: string } = {}): Facet & T {
  return { _producer: options.producer ?? LAKEKIT_PRODUCER, _schemaURL: schemaURL, ...fields };
}

/** One column in a {@link schemaFacet}; `fields` nests struct members. */
export interface SchemaField {
  name: string;
  type?: string;
  description?: string;
  ordinal_position?: number;
  fields?: SchemaField[];
}

/** The columns of a dataset (`schema`). */
export function schemaFacet(fields: SchemaField[]): Facet & { fields: SchemaField[] } {
  return facet('schema', { fields });
}

/** Where one output column's values come from. */
export interface InputField {
  namespace: string;
  name: string;
  field: string;
  transformations?: { type: 'DIRECT' | 'INDIRECT' | string; subtype?: string; description?: string; masking?: boolean }[];
}

/** Column lineage of an output dataset (`columnLineage`): output column → input columns. */
export function columnLineageFacet(fields: Record<string, InputField[]>, dataset?: InputField[]): Facet {
  const out: Record<string, { inputFields: InputField[] }> = {};
  for (const [column, inputFields] of Object.entries(fields)) out[column] = { inputFields };
  return facet('columnLineage', dataset === undefined ? { fields: out } : { fields: out, dataset });
}

/** Per-column metrics in {@link dataQualityMetricsFacet}. */
export interface ColumnMetrics {
  nullCount?: number;
  distinctCount?: number;
  sum?: number;
  count?: number;
  min?: number;
  max?: number;
  quantiles?: Record<string, number>;
}

/** Dataset metrics (`dataQualityMetrics`): row count, bytes, per-column metrics. */
export interface DataQualityMetrics {
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  lastUpdated?: string;
  columnMetrics: Record<string, ColumnMetrics>;
}

/**
 * `dataQualityMetrics` facet. The standard defines it as an input facet
 * (`kind: 'input'`, the default) and as a dataset facet (`kind: 'dataset'`).
 */
export function dataQualityMetricsFacet(metrics: DataQualityMetrics, kind: 'input' | 'dataset' = 'input'): Facet {
  return facet(kind === 'input' ? 'dataQualityMetrics' : 'dataQualityMetricsDataset', metrics);
}

/** One checked rule in {@link dataQualityAssertionsFacet}. */
export interface Assertion {
  assertion: string;
  success: boolean;
  column?: string;
  severity?: string;
  name?: string;
  expected?: string;
  actual?: string;
  content?: string;
  contentType?: string;
  params?: Record<string, unknown>;
}

/** Quality check results (`dataQualityAssertions`). */
export function dataQualityAssertionsFacet(assertions: Assertion[]): Facet & { assertions: Assertion[] } {
  return facet('dataQualityAssertions', { assertions });
}

/** Owners of a dataset or job (`ownership`). */
export function ownershipFacet(owners: { name: string; type?: string }[], on: 'dataset' | 'job' = 'dataset'): Facet {
  return facet(on === 'dataset' ? 'ownership' : 'ownershipJob', { owners });
}

/** A description of a dataset or job (`documentation`). */
export function documentationFacet(description: string, on: 'dataset' | 'job' = 'dataset', contentType?: string): Facet {
  const fields = contentType === undefined ? { description } : { description, contentType };
  return facet(on === 'dataset' ? 'documentation' : 'documentationJob', fields);
}

/** Other names of the same dataset (`symlinks`), e.g. the table name of a storage location. */
export function symlinksFacet(identifiers: { namespace: string; name: string; type: string }[]): Facet {
  return facet('symlinks', { identifiers });
}

/** What a run did to a dataset's life (`lifecycleStateChange`). */
export function lifecycleStateChangeFacet(
  change: 'ALTER' | 'CREATE' | 'DROP' | 'OVERWRITE' | 'RENAME' | 'TRUNCATE',
  previousIdentifier?: { namespace: string; name: string },
): Facet {
  return facet('lifecycleStateChange', previousIdentifier === undefined ? { lifecycleStateChange: change } : { lifecycleStateChange: change, previousIdentifier });
}

/** The data source a dataset lives in (`dataSource`). */
export function datasourceFacet(name: string, uri?: string): Facet {
  return facet('dataSource', uri === undefined ? { name } : { name, uri });
}

/** The SQL a job runs (`sql`). */
export function sqlFacet(query: string, dialect?: string): Facet {
  return facet('sql', dialect === undefined ? { query } : { query, dialect });
}

/** Why a run failed (`errorMessage`), with the stack trace when the error has one. */
export function errorMessageFacet(error: unknown): Facet {
  const described = typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
  const message = error instanceof Error ? `${error.name}: ${error.message}` : described ? (error as { message: string }).message : String(error);
  const fields: { message: string; programmingLanguage: string; stackTrace?: string } = { message, programmingLanguage: 'TypeScript' };
  if (error instanceof Error && error.stack !== undefined) fields.stackTrace = error.stack;
  return facet('errorMessage', fields);
}

/** The run (and root run) that started this one. */
export interface ParentRef {
  job: { namespace: string; name: string };
  run: { runId: string };
  root?: { job: { namespace: string; name: string }; run: { runId: string } };
}

/** The run that started this run (`parent`), with the root of the chain when known. */
export function parentRunFacet(parent: ParentRef): Facet {
  return facet('parent', parent);
}

/** The engine that ran the job (`processing_engine`). */
export function processingEngineFacet(version: string, name?: string, openlineageAdapterVersion?: string): Facet {
  const fields: Record<string, string> = { version };
  if (name !== undefined) fields.name = name;
  if (openlineageAdapterVersion !== undefined) fields.openlineageAdapterVersion = openlineageAdapterVersion;
  return facet('processing_engine', fields);
}

/** What kind of job this is (`jobType`): `BATCH`/`STREAMING`, the integration, and the job type. */
export function jobTypeFacet(processingType: 'BATCH' | 'STREAMING', integration: string, jobType?: string): Facet {
  return facet('jobType', jobType === undefined ? { processingType, integration } : { processingType, integration, jobType });
}

/** One tag: a key and value, optionally on one column (`field`) and from a `source` (e.g. `CLASSIFICATION`). */
export interface Tag {
  key: string;
  value: string;
  source?: string;
  field?: string;
}

/** Tags on a dataset, job or run (`tags`); classification labels use `field` for the column. */
export function tagsFacet(tags: Tag[], on: 'dataset' | 'job' | 'run' = 'dataset'): Facet & { tags: Tag[] } {
  const kind = on === 'dataset' ? 'tags' : on === 'job' ? 'tagsJob' : 'tagsRun';
  const clean = on === 'dataset' ? tags : tags.map(({ field: _field, ...t }) => t);
  return facet(kind, { tags: clean });
}

/** How a dataset is stored (`storage`): layer (`iceberg`, `parquet`…) and file format. */
export function storageFacet(storageLayer: string, fileFormat?: string): Facet {
  return facet('storage', fileFormat === undefined ? { storageLayer } : { storageLayer, fileFormat });
}

/** The catalog a table is registered in (`catalog`). */
export interface CatalogInfo {
  framework: string;
  type: string;
  name: string;
  metadataUri?: string;
  warehouseUri?: string;
  source?: string;
  catalogProperties?: Record<string, string>;
}

/** The catalog a table is registered in (`catalog`). */
export function catalogFacet(info: CatalogInfo): Facet {
  return facet('catalog', info);
}

/** Rows, bytes and files read or written. */
export interface Statistics {
  rowCount?: number;
  size?: number;
  fileCount?: number;
}

/** What a run read from one input (`inputStatistics`). */
export function inputStatisticsFacet(stats: Statistics): Facet {
  return facet('inputStatistics', stats);
}

/** What a run wrote to one output (`outputStatistics`). */
export function outputStatisticsFacet(stats: Statistics): Facet {
  return facet('outputStatistics', stats);
}
