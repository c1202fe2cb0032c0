/**
 * The platform's documented defaults, as plain values with no CDK import, so
 * the constructs and the cost model read the same numbers (the cost model
 * runs without aws-cdk-lib loaded). Every `@default` in the props docs points
 * at one of these constants.
 *
 * @module
 */

/** The lake's zones, in the order data flows through them, plus the long-term archive. */
export const LAKE_ZONES = ['bronze', 'silver', 'gold', 'archive'] as const;
/** One of {@link LAKE_ZONES}. */
export type LakeZone = (typeof LAKE_ZONES)[number];

/** EMR release label: a current 7.x release (Spark 3.5, Trino 4xx, JupyterHub 1.5, Livy 0.8). */
export const DEFAULT_EMR_RELEASE_LABEL = 'emr-7.9.0';
/** Applications installed on the cluster. */
export const DEFAULT_EMR_APPLICATIONS = ['Hadoop', 'Spark', 'Trino', 'JupyterHub', 'Livy'] as const;
/** Master node instance type (revised design: one r5.2xlarge hosting coordinators and UIs). */
export const DEFAULT_MASTER_INSTANCE_TYPE = 'r5.2xlarge';
/** Core node instance type. */
export const DEFAULT_CORE_INSTANCE_TYPE = 'r5.xlarge';
/** Number of core nodes. */
export const DEFAULT_CORE_INSTANCE_COUNT = 2;
/** Task node instance type. */
export const DEFAULT_TASK_INSTANCE_TYPE = 'r5.large';
/** Fewest task nodes managed scaling keeps. */
export const DEFAULT_TASK_MIN_INSTANCES = 0;
/** Most task nodes managed scaling adds. */
export const DEFAULT_TASK_MAX_INSTANCES = 10;
/** Whether task nodes run on the spot market. */
export const DEFAULT_TASK_ON_SPOT = true;
/** Size of each node's EBS data volume (gp3), GiB. */
export const DEFAULT_EBS_DATA_VOLUME_GIB = 128;
/** Size of each node's EBS root volume, GiB. */
export const DEFAULT_EBS_ROOT_VOLUME_GIB = 32;
/** Whether Airflow is installed on the master node by a bootstrap action. */
export const DEFAULT_INSTALL_AIRFLOW = true;
/** Airflow version the bootstrap action installs (with the matching constraints file). */
export const DEFAULT_AIRFLOW_VERSION = '2.10.5';
/** Name of the Iceberg REST catalog in Spark and Trino. */
export const DEFAULT_CATALOG_NAME = 'polaris';

/** Number of Availability Zones the VPC spans. */
export const DEFAULT_MAX_AZS = 2;
/** NAT gateways: one per AZ, so losing an AZ does not cut the others' egress. */
export const DEFAULT_NAT_GATEWAYS = 2;
/** Interface endpoints the VPC gets (service names as in `com.amazonaws.<region>.<name>`). */
export const DEFAULT_INTERFACE_ENDPOINTS = ['kms', 'glue', 'sts', 'logs', 'monitoring', 'lakeformation', 'elasticmapreduce', 'secretsmanager'] as const;

/** Polaris metastore instance class (PostgreSQL). */
export const DEFAULT_METASTORE_INSTANCE_CLASS = 'db.t4g.medium';
/** Polaris metastore allocated storage, GiB (gp3). */
export const DEFAULT_METASTORE_STORAGE_GIB = 50;
/** Whether the metastore runs Multi-AZ (a synchronous standby in a second AZ). */
export const DEFAULT_METASTORE_MULTI_AZ = true;
/** Days of automated backups the metastore keeps. */
export const DEFAULT_METASTORE_BACKUP_DAYS = 14;
/** Days between rotations of the metastore's master credentials. */
export const DEFAULT_SECRET_ROTATION_DAYS = 30;

/** Bronze retention: seven years (7 × 365 + 2 leap days), the FSI record-keeping horizon. */
export const DEFAULT_BRONZE_RETENTION_DAYS = 2557;
/** Audit-log retention under Object Lock, days (seven years). */
export const DEFAULT_AUDIT_RETENTION_DAYS = 2557;
/** Days after which bronze, silver and gold objects move to S3 Intelligent-Tiering. */
export const DEFAULT_INTELLIGENT_TIERING_AFTER_DAYS = 0;
/** Storage class archive objects move to. */
export const DEFAULT_ARCHIVE_STORAGE_CLASS = 'DEEP_ARCHIVE' as const;
/** Days after which archive objects move to {@link DEFAULT_ARCHIVE_STORAGE_CLASS}. */
export const DEFAULT_ARCHIVE_TRANSITION_DAYS = 0;
/** Days after which incomplete multipart uploads are aborted. */
export const DEFAULT_ABORT_MULTIPART_DAYS = 7;
/** Days noncurrent object versions are kept (silver, gold, archive). */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 90;
/** Days CloudWatch log groups (flow logs, trail, WAF) keep their events. */
export const DEFAULT_LOG_RETENTION_DAYS = 400;

/** Expected usage the cost model prices (not provisioned: S3 and transfer are pay-per-use). */
export const DEFAULT_USAGE = {
  /** Stored terabytes per zone (design: raw 100 TB, processed 50 TB, archive 500 TB). */
  storedTb: { bronze: 100, silver: 30, gold: 20, archive: 500 },
  /** Average task nodes running while the cluster is busy (design: two). */
  averageTaskNodes: 2,
  /** Share of the month the task nodes run (design: 50 %, 365 of 730 hours). */
  taskUtilization: 0.5,
  /** Share of task-node hours on spot instances (when task nodes are on spot). */
  spotShare: 1,
  /** Share of Intelligent-Tiering bytes in the Infrequent Access tier (not read for 30 days). */
  infrequentAccessShare: 0,
  /** Share of Intelligent-Tiering bytes in the Archive Instant Access tier (not read for 90 days). */
  archiveInstantShare: 0,
  /** Average object size, MiB (drives the Intelligent-Tiering monitoring fee). */
  averageObjectMib: 128,
  /** Data leaving AWS to the internet per month, GB. */
  internetEgressGb: 500,
  /** Data through the NAT gateways per month, GB. */
  natProcessedGb: 1000,
  /** Data through interface endpoints per month, GB. */
  endpointProcessedGb: 1000,
  /** CloudWatch Logs ingested per month, GB (EMR, flow logs, trail, WAF). */
  logsIngestedGb: 50,
  /** CloudWatch Logs stored at steady state, GB. */
  logsStoredGb: 300,
  /** Load balancer capacity units used on average. */
  albLcus: 1,
  /** Web requests through the WAF per month, millions. */
  wafRequestsMillions: 1,
  /** Annual cost of the platform being replaced (Databricks on Azure in the design). */
  baselineAnnualCost: 275_000,
} as const;

/** The usage figures the cost model prices; see {@link DEFAULT_USAGE}. */
export interface PlatformUsage {
  readonly storedTb: Readonly<Record<LakeZone, number>>;
  readonly averageTaskNodes: number;
  readonly taskUtilization: number;
  readonly spotShare: number;
  readonly infrequentAccessShare: number;
  readonly archiveInstantShare: number;
  readonly averageObjectMib: number;
  readonly internetEgressGb: number;
  readonly natProcessedGb: number;
  readonly endpointProcessedGb: number;
  readonly logsIngestedGb: number;
  readonly logsStoredGb: number;
  readonly albLcus: number;
  readonly wafRequestsMillions: number;
  readonly baselineAnnualCost: number;
}

/** Customer-managed KMS keys the platform creates: one per zone, one for the platform's services, one for audit logs. */
export const LAKE_KEY_NAMES = [...LAKE_ZONES, 'platform', 'audit'] as const;
/** One of {@link LAKE_KEY_NAMES}. */
export type LakeKeyName = (typeof LAKE_KEY_NAMES)[number];

/** AWS managed WAF rule groups on the load balancer's web ACL. */
export const DEFAULT_WAF_MANAGED_RULE_GROUPS = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/** One CloudWatch alarm the platform creates (see monitoring.ts). */
export interface AlarmSpec {
  readonly id: string;
  readonly description: string;
  readonly namespace: 'AWS/ElasticMapReduce' | 'AWS/S3' | 'AWS/RDS' | 'AWS/ApplicationELB';
  readonly metricName: string;
  readonly statistic: 'Average' | 'Sum' | 'Maximum' | 'Minimum';
  readonly comparison: 'GreaterThanThreshold' | 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold';
  readonly threshold: number;
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
}

/** The platform's alarms: cluster health, YARN and HDFS, failed steps, S3 5xx, RDS, load balancer. */
export const PLATFORM_ALARMS: readonly AlarmSpec[] = [
  { id: 'ClusterIdle', description: 'EMR cluster idle for an hour (cost: consider auto-termination)', namespace: 'AWS/ElasticMapReduce', metricName: 'IsIdle', statistic: 'Minimum', comparison: 'GreaterThanOrEqualToThreshold', threshold: 1, periodMinutes: 60, evaluationPeriods: 1 },
  { id: 'UnhealthyNodes', description: 'EMR core nodes unhealthy', namespace: 'AWS/ElasticMapReduce', metricName: 'MRUnhealthyNodes', statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 0, periodMinutes: 5, evaluationPeriods: 2 },
  { id: 'YarnMemoryLow', description: 'YARN available memory below 15 %', namespace: 'AWS/ElasticMapReduce', metricName: 'YARNMemoryAvailablePercentage', statistic: 'Average', comparison: 'LessThanThreshold', threshold: 15, periodMinutes: 5, evaluationPeriods: 3 },
  { id: 'HdfsUtilizationHigh', description: 'HDFS more than 80 % full', namespace: 'AWS/ElasticMapReduce', metricName: 'HDFSUtilization', statistic: 'Average', comparison: 'GreaterThanThreshold', threshold: 80, periodMinutes: 5, evaluationPeriods: 3 },
  { id: 'MissingBlocks', description: 'HDFS reports missing blocks', namespace: 'AWS/ElasticMapReduce', metricName: 'MissingBlocks', statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 0, periodMinutes: 5, evaluationPeriods: 1 },
  { id: 'AppsFailed', description: 'YARN applications failed', namespace: 'AWS/ElasticMapReduce', metricName: 'AppsFailed', statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, periodMinutes: 5, evaluationPeriods: 1 },
  { id: 'BronzeS3Errors', description: 'S3 5xx errors on the bronze bucket', namespace: 'AWS/S3', metricName: '5xxErrors', statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 10, periodMinutes: 5, evaluationPeriods: 2 },
  { id: 'MetastoreCpuHigh', description: 'Polaris metastore CPU above 80 %', namespace: 'AWS/RDS', metricName: 'CPUUtilization', statistic: 'Average', comparison: 'GreaterThanThreshold', threshold: 80, periodMinutes: 5, evaluationPeriods: 3 },
  { id: 'MetastoreStorageLow', description: 'Polaris metastore free storage below 5 GiB', namespace: 'AWS/RDS', metricName: 'FreeStorageSpace', statistic: 'Minimum', comparison: 'LessThanThreshold', threshold: 5 * 1024 ** 3, periodMinutes: 5, evaluationPeriods: 1 },
  { id: 'UiTargetsUnhealthy', description: 'Load balancer has unhealthy UI targets', namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 0, periodMinutes: 5, evaluationPeriods: 3 },
];
