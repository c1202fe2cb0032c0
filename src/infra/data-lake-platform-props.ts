import type { RemovalPolicy } from 'aws-cdk-lib';
import type { LakeZone, PlatformUsage } from './defaults.js';
import type { EmrClusterOptions } from './emr-cluster.js';
import type { LakeFormationOptions } from './lake-formation.js';
import type { LakeMonitoringOptions } from './monitoring.js';
import type { LakeNetworkOptions } from './network.js';
import type { PolarisMetastoreOptions } from './polaris-metastore.js';
import type { UiLoadBalancerOptions } from './ui-load-balancer.js';
import type { ZoneBucketsOptions } from './zone-buckets.js';

/**
 * Props of {@link DataLakePlatform}. Only the three things that cannot have a
 * safe default are required: the Polaris catalog endpoint and the TLS
 * material for EMR (`emr`), and the ACM certificate of the HTTPS load
 * balancer (`loadBalancer`). Everything else defaults to the revised design.
 */
export interface DataLakePlatformProps {
  /** VPC, subnets, NAT, endpoints, flow logs. @default see LakeNetworkOptions */
  readonly network?: LakeNetworkOptions;
  /** Zone, access-log and audit buckets. @default see ZoneBucketsOptions */
  readonly buckets?: ZoneBucketsOptions;
  /** The EMR cluster. */
  readonly emr: EmrClusterOptions;
  /** RDS PostgreSQL for Polaris. @default see PolarisMetastoreOptions */
  readonly metastore?: PolarisMetastoreOptions;
  /** HTTPS load balancer in front of the UIs. */
  readonly loadBalancer: UiLoadBalancerOptions;
  /** Alarms, dashboard. @default see LakeMonitoringOptions */
  readonly monitoring?: LakeMonitoringOptions;
  /** Lake Formation settings. @default see LakeFormationOptions */
  readonly lakeFormation?: LakeFormationOptions;
  /**
   * Removal policy of every stateful resource (buckets, keys, database, log groups).
   * @default DEFAULT_REMOVAL_POLICY (RETAIN)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Expected usage, read only by the cost model ({@link estimateMonthlyCost}).
   * @default DEFAULT_USAGE
   */
  readonly usage?: Partial<Omit<PlatformUsage, 'storedTb'>> & { readonly storedTb?: Partial<Record<LakeZone, number>> };
}
