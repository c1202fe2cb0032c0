/**
 * Iceberg tables in the AWS Glue Data Catalog (`lakekit/catalog/glue`), laid
 * out as Iceberg's Java GlueCatalog and pyiceberg lay them out: databases are
 * namespaces, tables carry `table_type=ICEBERG` and `metadata_location`, and
 * commits are guarded by the Glue table's `VersionId`.
 *
 * It has its own subpath because it loads `@aws-sdk/client-glue`.
 *
 * @example
 * ```typescript
 * import { GlueClient } from '@aws-sdk/client-glue';
 * import { GlueCatalog } from 'lakekit/catalog/glue';
 * import { S3FileIO } from 'lakekit/io/s3';
 * const catalog = new GlueCatalog({ client: new GlueClient({ region: 'eu-west-1' }), io: new S3FileIO({ region: 'eu-west-1' }), warehouse: 's3://datax-lake/warehouse' });
 * ```
 *
 * @module
 */
export { GlueCatalog, DEFAULT_GLUE_CATALOG_NAME, TABLE_TYPE, METADATA_LOCATION, PREVIOUS_METADATA_LOCATION, type GlueCatalogOptions } from './catalog.js';
export { glueColumns, glueTypeOf } from './columns.js';
export { glueError, isGlueError } from './errors.js';
