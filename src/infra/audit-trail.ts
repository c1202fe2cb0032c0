import type { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeTopic } from './compliance.js';
import { DEFAULT_LOG_RETENTION_DAYS } from './defaults.js';
import { DEFAULT_REMOVAL_POLICY } from './keys.js';
import { logRetention } from './log-retention.js';

/** Props of {@link LakeAuditTrail}. */
export interface LakeAuditTrailProps {
  /** The audit bucket (Object Lock) the trail writes to. */
  readonly bucket: s3.IBucket;
  /** Encrypts the trail's files and its log group. */
  readonly key: kms.IKey;
  /** Buckets whose object-level (data) events are recorded too. */
  readonly dataEventBuckets?: readonly s3.IBucket[];
  /**
   * Days the trail's CloudWatch log group keeps events (the S3 copy follows the audit bucket's retention).
   * @default DEFAULT_LOG_RETENTION_DAYS (400)
   */
  readonly logRetentionDays?: number;
  /** @default DEFAULT_REMOVAL_POLICY (RETAIN) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A multi-region CloudTrail trail with log-file validation, encrypted with the
 * audit key, delivered to the Object-Locked audit bucket and to an encrypted
 * CloudWatch log group (for metric filters and alarms), recording management
 * events everywhere and S3 data events on the zone buckets.
 */
export class LakeAuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: LakeAuditTrailProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'TrailLogs', {
      encryptionKey: props.key,
      retention: logRetention(props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS),
      removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: props.bucket,
      s3KeyPrefix: 'cloudtrail',
      encryptionKey: props.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    acknowledgeTopic(this.trail, 'cdkGeneratedLogPolicies');
    const buckets = props.dataEventBuckets ?? [];
    if (buckets.length > 0) this.trail.addS3EventSelector(buckets.map((bucket) => ({ bucket })), { readWriteType: cloudtrail.ReadWriteType.ALL });
  }
}
