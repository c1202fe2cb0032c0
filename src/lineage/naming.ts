/**
 * Dataset names per the OpenLineage naming conventions, so lakekit's events
 * join up with those Spark, Airflow and Trino emit for the same data:
 *
 * | storage | namespace | name |
 * |---|---|---|
 * | S3 object or prefix | `s3://{bucket}` | `{key}` |
 * | local file | `file` | `{absolute path}` |
 * | Glue table | `arn:aws:glue:{region}:{account}` | `table/{database}/{table}` |
 * | Iceberg table in a catalog | the catalog's URI (`iceberg://{catalog}` if it has none) | `{namespace}.{table}` |
 *
 * An Iceberg table also carries a `symlinks` facet with its storage location
 * (the name Spark gives it), a `catalog` facet and a `storage` facet; the
 * lineage graph treats symlinked names as one dataset.
 *
 * @module
 */

import { ValidationError } from '../errors.js';
import type { Dataset } from './events.js';
import type { Facets } from './events.js';
import { catalogFacet, storageFacet, symlinksFacet } from './facets.js';

/** An S3 object or prefix: namespace `s3://bucket`, name = the key. */
export function s3Dataset(bucket: string, key: string, facets?: Facets): Dataset {
  return withFacets({ namespace: `s3://${bucket}`, name: key.replace(/^\/+/, '') }, facets);
}

/** A local file: namespace `file`, name = its absolute path. */
export function fileDataset(path: string, facets?: Facets): Dataset {
  if (!path.startsWith('/')) throw new ValidationError(`local file dataset '${path}' must be an absolute path; resolve it first`);
  return withFacets({ namespace: 'file', name: path }, facets);
}

/** A Glue Data Catalog table. */
export function glueTableDataset(region: string, account: string, database: string, table: string, facets?: Facets): Dataset {
  return withFacets({ namespace: `arn:aws:glue:${region}:${account}`, name: `table/${database}/${table}` }, facets);
}

/**
 * The dataset for a storage URI: `s3://bucket/key`, `s3a://…`, `file:///abs/path`,
 * or another scheme as namespace `scheme://authority` and the path as name.
 */
export function datasetFromUri(uri: string, facets?: Facets): Dataset {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)\/?(.*)$/i.exec(uri);
  if (m === null) throw new ValidationError(`'${uri}' is not a storage URI (like s3://bucket/key or file:///path); pass one`);
  const [, scheme, authority, path] = m as unknown as [string, string, string, string];
  if (scheme === 's3' || scheme === 's3a' || scheme === 's3n') return s3Dataset(authority, decodeURIComponent(path), facets);
  if (scheme === 'file') return fileDataset(`/${decodeURIComponent(path)}`, facets);
  return withFacets({ namespace: `${scheme}://${authority}`, name: decodeURIComponent(path) }, facets);
}

/** An Iceberg table, named by catalog, namespace and table. */
export interface IcebergTableRef {
  /** The catalog's name (e.g. `polaris`, `lake`). */
  catalog: string;
  /** The catalog's URI (a REST endpoint, or the warehouse for a file-system catalog). @default `iceberg://{catalog}` */
  catalogUri?: string;
  /** Catalog type for the `catalog` facet (`rest`, `glue`, `hadoop`…). @default 'rest' */
  catalogType?: string;
  /** Namespace levels, or one dotted string. */
  namespace: readonly string[] | string;
  table: string;
  /** The table's storage location (`s3://bucket/warehouse/db/table`), added as a symlink. */
  location?: string;
  /** Data file format. @default 'parquet' */
  fileFormat?: string;
}

/**
 * An Iceberg table dataset with `symlinks` (its storage location), `catalog`
 * and `storage` facets.
 *
 * @example
 * ```ts
 * icebergTableDataset({ catalog: 'lake', namespace: ['sales'], table: 'orders', location: 's3://gold/sales/orders' });
 * // { namespace: 'iceberg://lake', name: 'sales.orders', facets: { symlinks, catalog, storage } }
 * ```
 */
export function icebergTableDataset(ref: IcebergTableRef, facets?: Facets): Dataset {
  const ns = typeof ref.namespace === 'string' ? ref.namespace : ref.namespace.join('.');
  const namespace = ref.catalogUri ?? `iceberg://${ref.catalog}`;
  const own: Facets = {
    catalog: catalogFacet({ framework: 'iceberg', type: ref.catalogType ?? 'rest', name: ref.catalog, ...(ref.catalogUri === undefined ? {} : { metadataUri: ref.catalogUri }) }),
    storage: storageFacet('iceberg', ref.fileFormat ?? 'parquet'),
  };
  if (ref.location !== undefined) {
    const loc = datasetFromUri(ref.location.replace(/\/+$/, ''));
    own.symlinks = symlinksFacet([{ namespace: loc.namespace, name: loc.name, type: 'LOCATION' }]);
  }
  return { namespace, name: `${ns}.${ref.table}`, facets: { ...own, ...facets } };
}

function withFacets(d: Dataset, facets: Facets | undefined): Dataset {
  return facets === undefined ? d : { ...d, facets };
}
