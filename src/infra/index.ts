/**
 * lakekit/infra — AWS CDK constructs for the EMR data platform of the revised
 * design, and its cost model. Node-only; loads the optional peers
 * `aws-cdk-lib` and `constructs`.
 *
 * - {@link DataLakePlatform}: the whole platform, composed of constructs also
 *   usable alone: {@link LakeNetwork}, {@link LakeKeys}, {@link ZoneBuckets},
 *   {@link EmrPlatform}, {@link PolarisMetastore}, {@link UiLoadBalancer},
 *   {@link LakeMonitoring}, {@link LakeAuditTrail}, {@link LakeFormationSetup}.
 * - {@link synthPlatform}: synthesize it to a cloud assembly.
 * - {@link estimateMonthlyCost}, {@link compareEstimates}, {@link formatCostReport}:
 *   the monthly cost from the platform's props, against list prices or the design's.
 *
 * @example
 * ```ts
 * import { estimateMonthlyCost, DESIGN_PRICES } from 'lakekit/infra';
 * estimateMonthlyCost({}, DESIGN_PRICES).monthly; // 5285
 * ```
 *
 * @module
 */
export * from './defaults.js';
export * from './prices.js';
export * from './cost.js';
export { DataLakePlatform } from './data-lake-platform.js';
export type { DataLakePlatformProps } from './data-lake-platform-props.js';
export { LakeKeys, DEFAULT_REMOVAL_POLICY, DEFAULT_KEY_ALIAS_PREFIX, type LakeKeysProps } from './keys.js';
export { LakeNetwork, DEFAULT_VPC_CIDR, EMR_MANAGED_POLICY_TAG, type LakeNetworkOptions, type LakeNetworkProps } from './network.js';
export { ZoneBuckets, DEFAULT_OBJECT_LOCK_MODE, type ObjectLockMode, type ReplicatedBucket, type ZoneReplication, type ZoneBucketsOptions, type ZoneBucketsProps } from './zone-buckets.js';
export { EmrPlatform, type EmrClusterOptions, type EmrPlatformProps } from './emr-cluster.js';
export { emrConfigurations, type PolarisCatalogOptions } from './emr-configurations.js';
export { PolarisMetastore, DEFAULT_METASTORE_ENGINE_VERSION, DEFAULT_METASTORE_PORT, DEFAULT_METASTORE_DATABASE, type PolarisMetastoreOptions, type PolarisMetastoreProps } from './polaris-metastore.js';
export { UiLoadBalancer, DEFAULT_UI_ROUTES, UI_TLS_POLICY, type UiRoute, type UiLoadBalancerOptions, type UiLoadBalancerProps } from './ui-load-balancer.js';
export { LakeMonitoring, S3_REQUEST_METRICS_ID, type LakeMonitoringOptions, type LakeMonitoringProps } from './monitoring.js';
export { LakeAuditTrail, type LakeAuditTrailProps } from './audit-trail.js';
export { LakeFormationSetup, type LakeFormationOptions, type LakeFormationSetupProps } from './lake-formation.js';
export { ACKNOWLEDGEMENTS, type Acknowledgement } from './compliance.js';
export { synthPlatform, type SynthPlatformOptions, type SynthResult } from './synth.js';
