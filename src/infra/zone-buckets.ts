import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ValidationError } from '../errors.js';
import {
  DEFAULT_ABORT_MULTIPART_DAYS,
  DEFAULT_ARCHIVE_STORAGE_CLASS,
  DEFAULT_ARCHIVE_TRANSITION_DAYS,
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_BRONZE_RETENTION_DAYS,
  DEFAULT_INTELLIGENT_TIERING_AFTER_DAYS,
  DEFAULT_NONCURRENT_VERSION_DAYS,
  LAKE_ZONES,
  type LakeZone,
} from './defaults.js';
import { acknowledgeTopic } from './compliance.js';
import { DEFAULT_REMOVAL_POLICY, type LakeKeys } from './keys.js';
import { S3_REQUEST_METRICS_ID } from './monitoring.js';

/** Object Lock mode for bronze and audit. */
export type ObjectLockMode = 'COMPLIANCE' | 'GOVERNANCE' | 'NONE';
/** Default {@link ZoneBucketsOptions.objectLockMode}: nobody, root included, can shorten retention. */
export const DEFAULT_OBJECT_LOCK_MODE: ObjectLockMode = 'COMPLIANCE';
/** Buckets that can be replicated. */
export type ReplicatedBucket = LakeZone | 'audit';

/** Cross-region replication targets (buckets and keys you created in the other region). */
export interface ZoneReplication {
  /** Destination bucket ARN per source bucket; buckets not listed are not replicated. */
  readonly destinationBucketArns: Partial<Record<ReplicatedBucket, string>>;
  /** KMS key ARN in the destination region that re-encrypts each bucket's replicas. */
  readonly destinationKeyArns: Partial<Record<ReplicatedBucket, string>>;
}

/** Options of {@link ZoneBuckets} that the platform's props carry. */
export interface ZoneBucketsOptions {
  /**
   * Days bronze objects are kept (and, under Object Lock, immutable).
   * @default DEFAULT_BRONZE_RETENTION_DAYS (2557, seven years)
   */
  readonly bronzeRetentionDays?: number;
  /**
   * Days audit objects are immutable under Object Lock.
   * @default DEFAULT_AUDIT_RETENTION_DAYS (2557)
   */
  readonly auditRetentionDays?: number;
  /**
   * Object Lock default retention mode for bronze and audit (`NONE` turns Object Lock off).
   * @default DEFAULT_OBJECT_LOCK_MODE ('COMPLIANCE')
   */
  readonly objectLockMode?: ObjectLockMode;
  /**
   * Days before bronze, silver and gold objects move to Intelligent-Tiering.
   * @default DEFAULT_INTELLIGENT_TIERING_AFTER_DAYS (0)
   */
  readonly intelligentTieringAfterDays?: number;
  /**
   * Storage class of the archive bucket.
   * @default DEFAULT_ARCHIVE_STORAGE_CLASS ('DEEP_ARCHIVE')
   */
  readonly archiveStorageClass?: 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';
  /**
   * Days before archive objects move to {@link archiveStorageClass}.
   * @default DEFAULT_ARCHIVE_TRANSITION_DAYS (0)
   */
  readonly archiveTransitionDays?: number;
  /**
   * Days before incomplete multipart uploads are aborted.
   * @default DEFAULT_ABORT_MULTIPART_DAYS (7)
   */
  readonly abortIncompleteMultipartDays?: number;
  /**
   * Days noncurrent versions are kept in silver, gold and archive.
   * @default DEFAULT_NONCURRENT_VERSION_DAYS (90)
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Cross-region replication.
   * @default - no replication
   */
  readonly replication?: ZoneReplication;
}

/** Props of {@link ZoneBuckets}. */
export interface ZoneBucketsProps extends ZoneBucketsOptions {
  /** Per-zone and audit keys. */
  readonly keys: LakeKeys;
  /**
   * What happens to the buckets when the stack is deleted.
   * @default DEFAULT_REMOVAL_POLICY (RETAIN)
   */
  readonly removalPolicy?: RemovalPolicy;
}

const ARCHIVE_CLASS = { GLACIER_IR: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, GLACIER: s3.StorageClass.GLACIER, DEEP_ARCHIVE: s3.StorageClass.DEEP_ARCHIVE } as const;

function days(name: string, value: number, min = 0): Duration {
  if (!Number.isInteger(value) || value < min) throw new ValidationError(`ZoneBuckets: ${name} must be an integer ≥ ${min} (got ${value}).`, { context: { [name]: value } });
  return Duration.days(value);
}

/**
 * The lake's buckets: bronze, silver, gold and archive, plus an access-log
 * bucket and an audit bucket (CloudTrail). Every bucket blocks public access,
 * denies non-TLS requests (TLS 1.2 minimum), is versioned and logs access;
 * zone and audit buckets use SSE-KMS with their own key and bucket keys.
 * Lifecycle: Intelligent-Tiering for bronze/silver/gold, the archive class for
 * archive, seven-year expiry for bronze, aborted multipart uploads.
 * Bronze and audit are WORM under Object Lock (compliance mode by default).
 *
 * The access-log bucket uses SSE-S3 because S3 server access logs and ALB
 * access logs can only be delivered to SSE-S3 buckets.
 */
export class ZoneBuckets extends Construct {
  /** Zone buckets by zone. */
  readonly zones: Readonly<Record<LakeZone, s3.Bucket>>;
  /** Server and load-balancer access logs. */
  readonly accessLogs: s3.Bucket;
  /** CloudTrail and other audit records (Object Lock). */
  readonly audit: s3.Bucket;

  constructor(scope: Construct, id: string, props: ZoneBucketsProps) {
    super(scope, id);
    // Grant log delivery through the bucket policy, not the LogDeliveryWrite ACL (ACLs stay disabled).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const lockMode = props.objectLockMode ?? DEFAULT_OBJECT_LOCK_MODE;
    const bronzeDays = days('bronzeRetentionDays', props.bronzeRetentionDays ?? DEFAULT_BRONZE_RETENTION_DAYS, 1);
    const auditDays = days('auditRetentionDays', props.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS, 1);
    const abort = days('abortIncompleteMultipartDays', props.abortIncompleteMultipartDays ?? DEFAULT_ABORT_MULTIPART_DAYS, 1);
    const noncurrent = days('noncurrentVersionDays', props.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_DAYS, 1);
    const tiering = days('intelligentTieringAfterDays', props.intelligentTieringAfterDays ?? DEFAULT_INTELLIGENT_TIERING_AFTER_DAYS);
    const archiveAfter = days('archiveTransitionDays', props.archiveTransitionDays ?? DEFAULT_ARCHIVE_TRANSITION_DAYS);
    const lock = (d: Duration): s3.ObjectLockRetention | undefined =>
      lockMode === 'COMPLIANCE' ? s3.ObjectLockRetention.compliance(d) : lockMode === 'GOVERNANCE' ? s3.ObjectLockRetention.governance(d) : undefined;

    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    } satisfies s3.BucketProps;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        { id: 'tier-then-expire', transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }], expiration: auditDays, noncurrentVersionExpiration: noncurrent, abortIncompleteMultipartUploadAfter: abort },
      ],
    });

    const replicate = (name: ReplicatedBucket): Pick<s3.BucketProps, 'replicationRules'> => {
      const dest = props.replication?.destinationBucketArns[name];
      if (dest === undefined) return {};
      const keyArn = props.replication?.destinationKeyArns[name];
      if (keyArn === undefined) throw new ValidationError(`ZoneBuckets: replication of '${name}' needs destinationKeyArns.${name} (a KMS key in the destination region).`, { context: { bucket: name } });
      return {
        replicationRules: [{
          destination: s3.Bucket.fromBucketArn(this, `${name}ReplicaDestination`, dest),
          kmsKey: kms.Key.fromKeyArn(this, `${name}ReplicaKey`, keyArn),
          sseKmsEncryptedObjects: true,
          deleteMarkerReplication: false,
          priority: 0,
        }],
      };
    };

    const kmsBucket = (bucketId: string, key: kms.IKey, name: ReplicatedBucket, extra: Partial<s3.BucketProps>): s3.Bucket =>
      new s3.Bucket(this, bucketId, {
        ...common,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: `s3/${name}/`,
        ...replicate(name),
        ...extra,
      });

    const tieringRule = (ruleId: string, extra: Partial<s3.LifecycleRule> = {}): s3.LifecycleRule => ({
      id: ruleId,
      transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: tiering }],
      abortIncompleteMultipartUploadAfter: abort,
      ...extra,
    });

    this.audit = kmsBucket('Audit', props.keys.keys.audit, 'audit', {
      objectLockEnabled: lockMode !== 'NONE',
      objectLockDefaultRetention: lock(auditDays),
      lifecycleRules: [{ id: 'archive-then-expire', transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }], expiration: days('auditRetentionDays + 1', auditDays.toDays() + 1), noncurrentVersionExpiration: Duration.days(1), abortIncompleteMultipartUploadAfter: abort }],
    });

    const zones: Partial<Record<LakeZone, s3.Bucket>> = {};
    for (const zone of LAKE_ZONES) {
      const key = props.keys.zoneKey(zone);
      const id = zone[0]!.toUpperCase() + zone.slice(1);
      if (zone === 'bronze') {
        zones.bronze = kmsBucket(id, key, zone, {
          objectLockEnabled: lockMode !== 'NONE',
          objectLockDefaultRetention: lock(bronzeDays),
          // Request metrics feed the S3 5xx alarm (see monitoring.ts).
          metrics: [{ id: S3_REQUEST_METRICS_ID }],
          lifecycleRules: [tieringRule('tier-and-retain-seven-years', { expiration: bronzeDays, noncurrentVersionExpiration: Duration.days(1) })],
        });
      } else if (zone === 'archive') {
        zones.archive = kmsBucket(id, key, zone, {
          lifecycleRules: [{
            id: 'to-archive-class',
            transitions: [{ storageClass: ARCHIVE_CLASS[props.archiveStorageClass ?? DEFAULT_ARCHIVE_STORAGE_CLASS], transitionAfter: archiveAfter }],
            noncurrentVersionExpiration: noncurrent,
            abortIncompleteMultipartUploadAfter: abort,
          }],
        });
      } else {
        zones[zone] = kmsBucket(id, key, zone, { lifecycleRules: [tieringRule('intelligent-tiering', { noncurrentVersionExpiration: noncurrent })] });
      }
    }
    this.zones = zones as Record<LakeZone, s3.Bucket>;
    acknowledgeTopic(this.accessLogs, 'accessLogEncryption');
    acknowledgeTopic(this.accessLogs, 'noReplication');
    for (const [name, bucket] of [...Object.entries(this.zones), ['audit', this.audit] as const]) {
      if (props.replication?.destinationBucketArns[name as ReplicatedBucket] === undefined) acknowledgeTopic(bucket, 'noReplication');
    }
  }
}
