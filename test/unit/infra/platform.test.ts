/**
 * The synthesized default platform, property by property: encryption, TLS,
 * lifecycle, Object Lock, scaling limits, security configuration, roles,
 * retention. Synthesized once for the file.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataLakePlatform,
  DEFAULT_BRONZE_RETENTION_DAYS,
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_CORE_INSTANCE_COUNT,
  DEFAULT_EMR_RELEASE_LABEL,
  DEFAULT_MASTER_INSTANCE_TYPE,
  DEFAULT_TASK_MAX_INSTANCES,
  DEFAULT_UI_ROUTES,
  LAKE_KEY_NAMES,
  PLATFORM_ALARMS,
} from '../../../src/infra/index.js';
import { TEST_ENV, TEST_PLATFORM_PROPS } from './fixture.js';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
let template: Template;
let resources: Resources;
const ofType = (type: string): [string, Resources[string]][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const props = (type: string): Record<string, unknown>[] => ofType(type).map(([, r]) => r.Properties ?? {});
/** Every statement of every IAM policy document in the template. */
const statements = (): { Action: string | string[]; Resource: unknown; Effect: string }[] =>
  [...props('AWS::IAM::ManagedPolicy'), ...props('AWS::IAM::Policy')].flatMap((p) => (p.PolicyDocument as { Statement: never[] }).Statement);
const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

beforeAll(() => {
  const app = new App();
  const stack = new Stack(app, 'Lake', { env: TEST_ENV });
  new DataLakePlatform(stack, 'Platform', TEST_PLATFORM_PROPS);
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
}, 120_000);

describe('zone buckets', () => {
  it('has bronze, silver, gold, archive, access-log and audit buckets, all retained', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets).toHaveLength(6);
    for (const [, b] of buckets) expect([b.DeletionPolicy, b.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('encrypts zone and audit buckets with their own KMS key and bucket keys; access logs with SSE-S3', () => {
    const enc = props('AWS::S3::Bucket').map((p) => (p.BucketEncryption as { ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID?: unknown }; BucketKeyEnabled?: boolean }[] }).ServerSideEncryptionConfiguration[0]!);
    expect(enc.filter((e) => e.ServerSideEncryptionByDefault.SSEAlgorithm === 'aws:kms' && e.BucketKeyEnabled === true)).toHaveLength(5);
    expect(enc.filter((e) => e.ServerSideEncryptionByDefault.SSEAlgorithm === 'AES256')).toHaveLength(1);
    const keyIds = enc.filter((e) => e.ServerSideEncryptionByDefault.KMSMasterKeyID !== undefined).map((e) => JSON.stringify(e.ServerSideEncryptionByDefault.KMSMasterKeyID));
    expect(new Set(keyIds).size).toBe(5);
  });

  it('blocks public access, versions every bucket and logs zone access', () => {
    for (const p of props('AWS::S3::Bucket')) {
      expect(p.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
    expect(props('AWS::S3::Bucket').filter((p) => p.LoggingConfiguration !== undefined)).toHaveLength(5);
  });

  it('denies non-TLS and pre-TLS-1.2 requests on every bucket', () => {
    for (const p of props('AWS::S3::BucketPolicy')) {
      const st = (p.PolicyDocument as { Statement: { Effect: string; Condition?: Record<string, Record<string, unknown>> }[] }).Statement;
      expect(st.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
      expect(st.some((s) => s.Effect === 'Deny' && s.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2)).toBe(true);
    }
  });

  it('locks bronze and audit in compliance mode for seven years', () => {
    const locked = props('AWS::S3::Bucket').filter((p) => p.ObjectLockEnabled === true);
    expect(locked.map((p) => p.ObjectLockConfiguration).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: DEFAULT_BRONZE_RETENTION_DAYS } } },
      { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: DEFAULT_AUDIT_RETENTION_DAYS } } },
    ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });

  it('lifecycle: Intelligent-Tiering, Deep Archive for archive, seven-year bronze expiry, multipart aborts everywhere', () => {
    const rules = props('AWS::S3::Bucket').flatMap((p) => (p.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules);
    const classes = rules.flatMap((r) => ((r.Transitions as { StorageClass: string }[] | undefined) ?? []).map((t) => t.StorageClass));
    expect(classes.filter((c) => c === 'INTELLIGENT_TIERING')).toHaveLength(3);
    expect(classes).toContain('DEEP_ARCHIVE');
    expect(rules.some((r) => r.ExpirationInDays === DEFAULT_BRONZE_RETENTION_DAYS)).toBe(true);
    for (const r of rules) expect(r.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 7 });
  });
});

describe('keys', () => {
  it('creates one rotating, retained key per zone plus platform and audit, and no key policy grants kms:*', () => {
    const keys = ofType('AWS::KMS::Key');
    expect(keys).toHaveLength(LAKE_KEY_NAMES.length);
    for (const [, k] of keys) {
      expect(k.Properties!.EnableKeyRotation).toBe(true);
      expect(k.DeletionPolicy).toBe('Retain');
      const actions = (k.Properties!.KeyPolicy as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => asArray(s.Action));
      expect(actions).not.toContain('kms:*');
    }
  });
});

describe('EMR', () => {
  it('runs Spark, Trino, JupyterHub, Livy and Hadoop on the default 7.x release with the design\'s instance groups', () => {
    const [c] = props('AWS::EMR::Cluster');
    expect(c!.ReleaseLabel).toBe(DEFAULT_EMR_RELEASE_LABEL);
    expect(DEFAULT_EMR_RELEASE_LABEL).toMatch(/^emr-7\./);
    expect((c!.Applications as { Name: string }[]).map((a) => a.Name).sort()).toEqual(['Hadoop', 'JupyterHub', 'Livy', 'Spark', 'Trino']);
    const inst = c!.Instances as Record<string, { InstanceType: string; InstanceCount: number; Market: string }>;
    expect(inst.MasterInstanceGroup).toMatchObject({ InstanceType: DEFAULT_MASTER_INSTANCE_TYPE, InstanceCount: 1, Market: 'ON_DEMAND' });
    expect(inst.CoreInstanceGroup).toMatchObject({ InstanceType: 'r5.xlarge', InstanceCount: DEFAULT_CORE_INSTANCE_COUNT });
    template.hasResourceProperties('AWS::EMR::InstanceGroupConfig', { InstanceRole: 'TASK', InstanceType: 'r5.large', Market: 'SPOT', InstanceCount: 0 });
    expect(c!.LogUri).toBeDefined();
    expect(c!.LogEncryptionKmsKeyId).toBeDefined();
  });

  it('scales task nodes 0–10 with managed scaling; on-demand capacity stops at the core nodes', () => {
    const [c] = props('AWS::EMR::Cluster');
    expect(c!.ManagedScalingPolicy).toEqual({
      ComputeLimits: {
        UnitType: 'Instances',
        MinimumCapacityUnits: DEFAULT_CORE_INSTANCE_COUNT,
        MaximumCapacityUnits: DEFAULT_CORE_INSTANCE_COUNT + DEFAULT_TASK_MAX_INSTANCES,
        MaximumCoreCapacityUnits: DEFAULT_CORE_INSTANCE_COUNT,
        MaximumOnDemandCapacityUnits: DEFAULT_CORE_INSTANCE_COUNT,
      },
    });
    expect(c!.AutoTerminationPolicy).toBeUndefined();
  });

  it('security configuration: SSE-KMS on S3, KMS local disks with EBS, TLS in transit, IMDSv2', () => {
    const [s] = props('AWS::EMR::SecurityConfiguration');
    const enc = (s!.SecurityConfiguration as { EncryptionConfiguration: Record<string, unknown> }).EncryptionConfiguration;
    expect(enc).toMatchObject({
      EnableInTransitEncryption: true,
      EnableAtRestEncryption: true,
      InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: 'PEM', S3Object: TEST_PLATFORM_PROPS.emr.tlsCertificatesS3Uri } },
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: 'SSE-KMS' },
        LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: 'AwsKms', EnableEbsEncryption: true },
      },
    });
    expect(s!.SecurityConfiguration).toMatchObject({ InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 2 } });
  });

  it('points Spark and Trino at the Polaris REST catalog and enables Iceberg', () => {
    const [c] = props('AWS::EMR::Cluster');
    const conf = Object.fromEntries((c!.Configurations as { Classification: string; ConfigurationProperties: Record<string, string> }[]).map((x) => [x.Classification, x.ConfigurationProperties]));
    expect(conf['iceberg-defaults']).toEqual({ 'iceberg.enabled': 'true' });
    expect(conf['spark-defaults']).toMatchObject({ 'spark.sql.catalog.polaris': 'org.apache.iceberg.spark.SparkCatalog', 'spark.sql.catalog.polaris.type': 'rest', 'spark.sql.catalog.polaris.uri': TEST_PLATFORM_PROPS.emr.catalog.uri, 'spark.sql.catalog.polaris.warehouse': 'lake' });
    expect(conf['trino-connector-iceberg']).toMatchObject({ 'connector.name': 'iceberg', 'iceberg.catalog.type': 'rest', 'iceberg.rest-catalog.uri': TEST_PLATFORM_PROPS.emr.catalog.uri });
    // No secret in configurations: DescribeCluster shows them to anyone with read access.
    for (const props of Object.values(conf)) for (const k of Object.keys(props)) expect(k).not.toMatch(/(^|\.)(credential|token|password|secret)$/i);
  });

  it('bootstraps UI target registration and Airflow from S3 assets', () => {
    const [c] = props('AWS::EMR::Cluster');
    expect((c!.BootstrapActions as { Name: string }[]).map((b) => b.Name)).toEqual(['register-ui-targets', 'install-airflow']);
  });

  it('roles: no IAM statement allows a service-wide action or s3 deletes on bronze', () => {
    for (const s of statements().filter((x) => x.Effect === 'Allow')) for (const a of asArray(s.Action)) expect(a).not.toMatch(/^[a-z0-9-]+:\*$|^\*$/);
    const bronze = Object.keys(resources).find((k) => k.startsWith('PlatformBucketsBronze') && resources[k]!.Type === 'AWS::S3::Bucket')!;
    const onBronzeObjects = statements().filter((s) => JSON.stringify(s.Resource).includes(bronze) && JSON.stringify(s.Resource).includes('/*'));
    const emrBronze = onBronzeObjects.filter((s) => !asArray(s.Action).includes('s3:DeleteObject'));
    expect(emrBronze.length).toBeGreaterThan(0);
  });

  it('service role uses the scoped v2 policy and may pass only the node role; auto-scaling role exists', () => {
    const serviceRoles = props('AWS::IAM::Role').filter((r) => JSON.stringify(r.ManagedPolicyArns ?? []).includes('service-role/AmazonEMRServicePolicy_v2'));
    expect(serviceRoles).toHaveLength(1);
    expect(JSON.stringify(serviceRoles[0]!.AssumeRolePolicyDocument)).toContain('elasticmapreduce.amazonaws.com');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [Match.objectLike({ Action: 'iam:PassRole', Condition: { StringLike: { 'iam:PassedToService': 'ec2.amazonaws.com' } } })] } });
    const trusted = props('AWS::IAM::Role').map((r) => JSON.stringify(r.AssumeRolePolicyDocument));
    expect(trusted.filter((t) => t.includes('application-autoscaling.amazonaws.com') && t.includes('elasticmapreduce.amazonaws.com'))).toHaveLength(1);
  });

  it('tags the private subnets and EMR security groups for the managed policies', () => {
    const tagged = (type: string): number => props(type).filter((p) => ((p.Tags as { Key: string; Value: string }[] | undefined) ?? []).some((t) => t.Key === 'for-use-with-amazon-emr-managed-policies' && t.Value === 'true')).length;
    expect(tagged('AWS::EC2::Subnet')).toBe(2);
    expect(tagged('AWS::EC2::SecurityGroup')).toBe(3);
  });
});

describe('Polaris metastore', () => {
  it('is encrypted, Multi-AZ, deletion-protected, backed up, private and retained', () => {
    const [db] = ofType('AWS::RDS::DBInstance');
    expect(db![1].Properties).toMatchObject({ Engine: 'postgres', StorageEncrypted: true, MultiAZ: true, DeletionProtection: true, BackupRetentionPeriod: 14, PubliclyAccessible: false, EnableIAMDatabaseAuthentication: true });
    expect(db![1].DeletionPolicy).toBe('Retain');
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
  });

  it('keeps credentials in Secrets Manager (platform key) and rotates them', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' }, HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }) });
  });
});

describe('load balancer, monitoring, audit, Lake Formation', () => {
  it('has only HTTPS listeners with a TLS 1.2+ policy, one per UI, and logs access', () => {
    const listeners = props('AWS::ElasticLoadBalancingV2::Listener');
    expect(listeners).toHaveLength(DEFAULT_UI_ROUTES.length);
    for (const l of listeners) {
      expect(l.Protocol).toBe('HTTPS');
      expect(l.SslPolicy).toMatch(/TLS13|TLS-1-2/);
    }
    const [lb] = props('AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb!.Scheme).toBe('internal');
    expect(lb!.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'deletion_protection.enabled', Value: 'true' }, { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]));
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('creates every platform alarm with an SNS action on an encrypted topic, and a dashboard', () => {
    const alarms = props('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(PLATFORM_ALARMS.length);
    for (const a of alarms) expect((a.AlarmActions as unknown[]).length).toBe(1);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(PLATFORM_ALARMS.map((a) => a.metricName).sort());
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.emr'] }) });
  });

  it('trails every region with log-file validation and KMS into the audit bucket', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, EnableLogFileValidation: true, IncludeGlobalServiceEvents: true, KMSKeyId: Match.anyValue(), S3BucketName: { Ref: Match.stringLikeRegexp('^PlatformBucketsAudit') } });
  });

  it('registers the four zone locations with a dedicated role and governs new tables by Lake Formation', () => {
    expect(props('AWS::LakeFormation::Resource').map((r) => r.UseServiceLinkedRole)).toEqual([false, false, false, false]);
    template.hasResourceProperties('AWS::LakeFormation::DataLakeSettings', { MutationType: 'APPEND', CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: [] });
  });

  it('spans two AZs with flow logs and the gateway and interface endpoints', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    const endpoints = props('AWS::EC2::VPCEndpoint');
    expect(endpoints.filter((e) => e.VpcEndpointType === 'Gateway')).toHaveLength(2);
    expect(endpoints.filter((e) => e.VpcEndpointType === 'Interface')).toHaveLength(8);
    for (const lg of props('AWS::Logs::LogGroup')) expect(lg.KmsKeyId).toBeDefined();
  });
});
