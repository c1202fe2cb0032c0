/**
 * The compliance findings the platform accepts, each with its written reason.
 * The constructs acknowledge them (CDK `Validations.of(x).acknowledge`, which
 * cdk-nag 3 honours) on the narrowest construct that raises them; everything
 * else in the AwsSolutions, NIST 800-53 rev 5 and PCI DSS 3.2.1 packs is
 * fixed, not acknowledged. docs/infra.md lists this table.
 *
 * @module
 */
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One accepted finding: the rule ids (one per pack) and why it is accepted. */
export interface Acknowledgement {
  /** Rule ids as the packs report them; `[…]` suffixes name one finding of a multi-finding rule. */
  readonly rules: readonly string[];
  readonly reason: string;
}

/** The reasons, by topic. */
export const ACKNOWLEDGEMENTS = {
  emrEncryptionSchema: {
    rules: ['AwsSolutions-EMR4', 'AwsSolutions-EMR5'],
    reason:
      'The security configuration enables local-disk (KMS, with EBS) and in-transit (TLS) encryption under EncryptionConfiguration, as EMR\'s schema requires; cdk-nag 3.0.2 looks for EnableAtRestEncryption/EnableInTransitEncryption at the top level and so misses them. The unit tests assert the encryption settings.',
  },
  emrAuthentication: {
    rules: ['AwsSolutions-EMR6', 'PCI.DSS.321-EMRKerberosEnabled'],
    reason:
      'No SSH key pairs or Kerberos KDC: nodes sit in private subnets without inbound SSH, operators use SSM Session Manager, and users reach the UIs only through the HTTPS load balancer (JupyterHub and Airflow authenticate them). Pass emr.ec2KeyName for key-pair access.',
  },
  emrServicePolicy: {
    rules: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]'],
    reason:
      'AmazonEMRServicePolicy_v2 is the scoped EMR service policy AWS maintains for new EMR features; it acts only on resources tagged for-use-with-amazon-emr-managed-policies, which the construct tags. iam:PassRole is granted separately for the node role only.',
  },
  rdsMonitoringRole: {
    rules: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]'],
    reason: 'RDS enhanced monitoring requires the AWS-maintained AmazonRDSEnhancedMonitoringRole policy (write to the RDSOSMetrics log group only).',
  },
  backupServiceRole: {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
    ],
    reason: 'AWS Backup needs its AWS-maintained service-role policies to snapshot and restore the metastore; the backup selection limits it to the metastore instance.',
  },
  objectWildcards: {
    rules: [],
    reason:
      'Object-level S3 actions need an object ARN pattern (bucket/*); the statement names one bucket and lists explicit actions (no s3:*). Bronze gets no DeleteObject.',
  },
  autoScalingWildcards: {
    rules: [
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticmapreduce:<AWS::Region>:<AWS::AccountId>:cluster/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*]',
    ],
    reason:
      'The EMR auto-scaling role is created before the cluster exists (the cluster references it), so it cannot name the cluster ARN; it is limited to this account and region, two EMR actions and DescribeAlarms.',
  },
  cdkGeneratedLogPolicies: {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy'],
    reason:
      'aws-cdk-lib writes this role\'s policy (VPC flow logs / CloudTrail delivery to CloudWatch Logs) as an AWS::IAM::Policy attached to that one role; it grants only log-stream writes to one log group.',
  },
  accessLogEncryption: {
    rules: ['NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS'],
    reason: 'S3 server access logs and ALB access logs can only be delivered to buckets encrypted with SSE-S3 (AWS limitation); the bucket holds no lake data, denies non-TLS access and is versioned.',
  },
  noReplication: {
    rules: ['NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
    reason:
      'Cross-region replication is optional (buckets.replication) because it needs buckets and keys in a second region; without it, durability comes from S3\'s multi-AZ storage, versioning and (bronze, audit) Object Lock.',
  },
  defaultSecurityGroup: {
    rules: ['NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'PCI.DSS.321-VPCDefaultSecurityGroupClosed'],
    reason:
      'No resource uses the VPC default security group (every resource gets its own). Stripping its rules needs a Lambda-backed custom resource, adding unmanaged compute to the account; enforce it with Security Hub control EC2.2 instead.',
  },
  publicSubnetRoutes: {
    rules: ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW'],
    reason:
      'Only the public subnets route 0.0.0.0/0 to the internet gateway; they hold the NAT gateways (and the load balancer when loadBalancer.internetFacing is set), and nothing there gets a public IP on launch.',
  },
} as const satisfies Record<string, Acknowledgement>;

/** Records an acknowledgement of `rules` on `scope` (and everything under it). */
export function acknowledge(scope: IConstruct, rules: readonly string[], reason: string): void {
  const v = Validations.of(scope);
  for (const id of rules) v.acknowledge({ id, reason });
}

/** Acknowledges one of {@link ACKNOWLEDGEMENTS} on `scope`. */
export function acknowledgeTopic(scope: IConstruct, topic: keyof typeof ACKNOWLEDGEMENTS): void {
  const a: Acknowledgement = ACKNOWLEDGEMENTS[topic];
  acknowledge(scope, a.rules, a.reason);
}

/**
 * Acknowledges the `bucket/*` object-ARN finding (AwsSolutions-IAM5) for each
 * bucket, as cdk-nag renders it (`<LogicalId.Arn>/*`), optionally with a key prefix.
 */
export function acknowledgeObjectArns(scope: IConstruct, buckets: readonly IConstruct[], prefix = ''): void {
  const rules = buckets.map((b) => {
    const cfn = b.node.defaultChild as CfnResource;
    return `AwsSolutions-IAM5[Resource::<${Stack.of(cfn).getLogicalId(cfn)}.Arn>/${prefix}*]`;
  });
  acknowledge(scope, rules, ACKNOWLEDGEMENTS.objectWildcards.reason);
}
