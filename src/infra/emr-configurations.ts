import type * as emr from 'aws-cdk-lib/aws-emr';
import { ValidationError } from '../errors.js';
import { DEFAULT_CATALOG_NAME } from './defaults.js';

/** The Iceberg REST catalog (Apache Polaris) Spark and Trino are configured for. */
export interface PolarisCatalogOptions {
  /** Catalog REST endpoint, e.g. `https://polaris.internal.example.com/api/catalog`. */
  readonly uri: string;
  /** Polaris catalog (warehouse) name. */
  readonly warehouse: string;
  /**
   * Catalog name in Spark (`spark.sql.catalog.<name>`) and Trino (`<name>.properties`).
   * @default DEFAULT_CATALOG_NAME ('polaris')
   */
  readonly name?: string;
  /**
   * OAuth2 token endpoint.
   * @default `${uri}/v1/oauth/tokens`
   */
  readonly oauth2ServerUri?: string;
  /**
   * OAuth2 scope requested.
   * @default 'PRINCIPAL_ROLE:ALL'
   */
  readonly scope?: string;
}

/**
 * EMR configuration classifications that point Spark (`spark-defaults`) and
 * Trino (`trino-connector-iceberg`) at the Polaris REST catalog, and turn on
 * EMR's Iceberg support (`iceberg-defaults`). No credential is written here:
 * DescribeCluster shows configurations to anyone with read access, so the
 * Polaris client credential is supplied per session (see docs/infra.md).
 */
export function emrConfigurations(catalog: PolarisCatalogOptions): emr.CfnCluster.ConfigurationProperty[] {
  const name = catalog.name ?? DEFAULT_CATALOG_NAME;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new ValidationError(`EmrPlatform: catalog.name must be a lower-case identifier (got '${name}').`, { context: { name } });
  const oauth = catalog.oauth2ServerUri ?? `${catalog.uri.replace(/\/$/, '')}/v1/oauth/tokens`;
  const scope = catalog.scope ?? 'PRINCIPAL_ROLE:ALL';
  const spark = `spark.sql.catalog.${name}`;
  return [
    { classification: 'iceberg-defaults', configurationProperties: { 'iceberg.enabled': 'true' } },
    {
      classification: 'spark-defaults',
      configurationProperties: {
        'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
        [spark]: 'org.apache.iceberg.spark.SparkCatalog',
        [`${spark}.type`]: 'rest',
        [`${spark}.uri`]: catalog.uri,
        [`${spark}.warehouse`]: catalog.warehouse,
        [`${spark}.oauth2-server-uri`]: oauth,
        [`${spark}.scope`]: scope,
        [`${spark}.header.X-Iceberg-Access-Delegation`]: 'vended-credentials',
        'spark.sql.defaultCatalog': name,
      },
    },
    {
      classification: 'trino-connector-iceberg',
      configurationProperties: {
        'connector.name': 'iceberg',
        'iceberg.catalog.type': 'rest',
        'iceberg.rest-catalog.uri': catalog.uri,
        'iceberg.rest-catalog.warehouse': catalog.warehouse,
        'iceberg.rest-catalog.vended-credentials-enabled': 'true',
      },
    },
  ];
}
