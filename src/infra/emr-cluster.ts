import { Aws, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ValidationError } from '../errors.js';
import {
  DEFAULT_AIRFLOW_VERSION,
  DEFAULT_CORE_INSTANCE_COUNT,
  DEFAULT_CORE_INSTANCE_TYPE,
  DEFAULT_EBS_DATA_VOLUME_GIB,
  DEFAULT_EBS_ROOT_VOLUME_GIB,
  DEFAULT_EMR_APPLICATIONS,
  DEFAULT_EMR_RELEASE_LABEL,
  DEFAULT_INSTALL_AIRFLOW,
  DEFAULT_MASTER_INSTANCE_TYPE,
  DEFAULT_TASK_INSTANCE_TYPE,
  DEFAULT_TASK_MAX_INSTANCES,
  DEFAULT_TASK_MIN_INSTANCES,
  DEFAULT_TASK_ON_SPOT,
  type LakeZone,
} from './defaults.js';
import { AIRFLOW_SCRIPT, REGISTER_TARGETS_SCRIPT, scriptFile } from './emr-bootstrap.js';
import { emrConfigurations, type PolarisCatalogOptions } from './emr-configurations.js';
import { acknowledgeObjectArns, acknowledgeTopic } from './compliance.js';
import { EMR_MANAGED_POLICY_TAG } from './network.js';

/** Options of {@link EmrPlatform} that the platform's props carry. */
export interface EmrClusterOptions {
  /** The Polaris REST catalog Spark and Trino use for Iceberg. */
  readonly catalog: PolarisCatalogOptions;
  /**
   * S3 URI of a zip of PEM files (privateKey.pem, certificateChain.pem, trustedCertificates.pem)
   * for EMR in-transit encryption (TLS between nodes and on the UIs).
   */
  readonly tlsCertificatesS3Uri: string;
  /**
   * EMR release label.
   * @default DEFAULT_EMR_RELEASE_LABEL ('emr-7.9.0')
   */
  readonly releaseLabel?: string;
  /**
   * Cluster name.
   * @default 'lakekit-platform'
   */
  readonly clusterName?: string;
  /** @default DEFAULT_MASTER_INSTANCE_TYPE ('r5.2xlarge') */
  readonly masterInstanceType?: string;
  /** @default DEFAULT_CORE_INSTANCE_TYPE ('r5.xlarge') */
  readonly coreInstanceType?: string;
  /** @default DEFAULT_CORE_INSTANCE_COUNT (2) */
  readonly coreInstanceCount?: number;
  /** @default DEFAULT_TASK_INSTANCE_TYPE ('r5.large') */
  readonly taskInstanceType?: string;
  /** @default DEFAULT_TASK_MIN_INSTANCES (0) */
  readonly taskMinInstances?: number;
  /** @default DEFAULT_TASK_MAX_INSTANCES (10) */
  readonly taskMaxInstances?: number;
  /** @default DEFAULT_TASK_ON_SPOT (true) */
  readonly taskOnSpot?: boolean;
  /** gp3 data volume per node, GiB. @default DEFAULT_EBS_DATA_VOLUME_GIB (128) */
  readonly ebsDataVolumeGib?: number;
  /** Root volume per node, GiB. @default DEFAULT_EBS_ROOT_VOLUME_GIB (32) */
  readonly ebsRootVolumeGib?: number;
  /**
   * Install Airflow on the master node (`true`, or the version to install).
   * @default DEFAULT_INSTALL_AIRFLOW (true) with DEFAULT_AIRFLOW_VERSION
   */
  readonly airflow?: boolean | { readonly version: string };
  /**
   * Terminate the cluster after this many idle seconds (transient clusters); 60–604800.
   * @default - the cluster runs until terminated
   */
  readonly autoTerminationIdleSeconds?: number;
  /**
   * EC2 key pair for SSH to the nodes.
   * @default - none; use SSM Session Manager
   */
  readonly ec2KeyName?: string;
}

/** Props of {@link EmrPlatform}. */
export interface EmrPlatformProps extends EmrClusterOptions {
  readonly vpc: ec2.IVpc;
  /** Zone buckets the cluster reads and writes; bronze is write-once (no deletes). */
  readonly zoneBuckets: Readonly<Record<LakeZone, s3.IBucket>>;
  /** Key per zone bucket. */
  readonly zoneKeys: Readonly<Record<LakeZone, kms.IKey>>;
  /** Encrypts local disks, EBS, logs and S3 writes (security configuration). */
  readonly platformKey: kms.IKey;
  /** Bucket EMR writes its logs to (under `emr/`). */
  readonly logBucket: s3.IBucket;
  /** Metastore credentials (read by Airflow). */
  readonly metastoreSecret?: secretsmanager.ISecret;
  /** Load balancer target groups the master registers with at boot. */
  readonly uiTargetGroupArns?: readonly string[];
}

const S3_RW = ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
const S3_BUCKET = ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'];
const KMS_USE = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'];

/**
 * One EMR-on-EC2 cluster running Hadoop, Spark, Trino, JupyterHub and Livy
 * (and Airflow on the master through a bootstrap action): master, core and
 * spot task instance groups with managed scaling; a security configuration
 * with SSE-KMS for S3, KMS local-disk and EBS encryption, TLS in transit and
 * IMDSv2; Spark and Trino configured for Iceberg through the Polaris REST
 * catalog; logs to S3 encrypted with the platform key; least-privilege
 * service, instance-profile and auto-scaling roles.
 */
export class EmrPlatform extends Construct {
  readonly cluster: emr.CfnCluster;
  readonly taskGroup: emr.CfnInstanceGroupConfig;
  readonly securityConfiguration: emr.CfnSecurityConfiguration;
  readonly serviceRole: iam.Role;
  readonly instanceRole: iam.Role;
  readonly autoScalingRole: iam.Role;
  readonly masterSecurityGroup: ec2.SecurityGroup;
  readonly workerSecurityGroup: ec2.SecurityGroup;
  readonly serviceAccessSecurityGroup: ec2.SecurityGroup;
  /** Extra master security group for access to the UIs (the EMR-managed groups are left to EMR). */
  readonly masterUiSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: EmrPlatformProps) {
    super(scope, id);
    const coreCount = props.coreInstanceCount ?? DEFAULT_CORE_INSTANCE_COUNT;
    const taskMin = props.taskMinInstances ?? DEFAULT_TASK_MIN_INSTANCES;
    const taskMax = props.taskMaxInstances ?? DEFAULT_TASK_MAX_INSTANCES;
    if (!Number.isInteger(coreCount) || coreCount < 1) throw new ValidationError(`EmrPlatform: coreInstanceCount must be an integer ≥ 1 (got ${coreCount}).`, { context: { coreInstanceCount: coreCount } });
    if (!Number.isInteger(taskMin) || !Number.isInteger(taskMax) || taskMin < 0 || taskMax < taskMin) throw new ValidationError(`EmrPlatform: task scaling limits must be integers with 0 ≤ taskMinInstances ≤ taskMaxInstances (got ${taskMin}–${taskMax}).`, { context: { taskMinInstances: taskMin, taskMaxInstances: taskMax } });
    const idle = props.autoTerminationIdleSeconds;
    if (idle !== undefined && !(Number.isInteger(idle) && idle >= 60 && idle <= 604_800)) throw new ValidationError(`EmrPlatform: autoTerminationIdleSeconds must be an integer between 60 and 604800 (got ${idle}).`, { context: { autoTerminationIdleSeconds: idle } });
    if (!props.tlsCertificatesS3Uri.startsWith('s3://')) throw new ValidationError(`EmrPlatform: tlsCertificatesS3Uri must be an s3:// URI of a zip of PEM files (got '${props.tlsCertificatesS3Uri}').`);

    // --- Security groups (EMR manages their rules; the tag lets the v2 service policy act on them) ---
    const sg = (sgId: string, description: string): ec2.SecurityGroup => {
      const g = new ec2.SecurityGroup(this, sgId, { vpc: props.vpc, description, allowAllOutbound: true });
      Tags.of(g).add(EMR_MANAGED_POLICY_TAG.key, EMR_MANAGED_POLICY_TAG.value);
      return g;
    };
    this.masterSecurityGroup = sg('MasterSecurityGroup', 'EMR master node (managed by EMR)');
    this.workerSecurityGroup = sg('WorkerSecurityGroup', 'EMR core and task nodes (managed by EMR)');
    this.masterUiSecurityGroup = new ec2.SecurityGroup(this, 'MasterUiSecurityGroup', { vpc: props.vpc, description: 'EMR master UIs: reachable from the UI load balancer only', allowAllOutbound: false });
    this.serviceAccessSecurityGroup = new ec2.SecurityGroup(this, 'ServiceAccessSecurityGroup', { vpc: props.vpc, description: 'EMR service access to private-subnet nodes', allowAllOutbound: false });
    Tags.of(this.serviceAccessSecurityGroup).add(EMR_MANAGED_POLICY_TAG.key, EMR_MANAGED_POLICY_TAG.value);
    this.serviceAccessSecurityGroup.addIngressRule(this.masterSecurityGroup, ec2.Port.tcp(9443), 'EMR service access from the master');
    this.serviceAccessSecurityGroup.addEgressRule(this.masterSecurityGroup, ec2.Port.tcp(8443), 'EMR service to the master');
    this.serviceAccessSecurityGroup.addEgressRule(this.workerSecurityGroup, ec2.Port.tcp(8443), 'EMR service to the workers');

    // --- Instance role: only the zone buckets, their keys, the log prefix, bootstrap assets ---
    this.instanceRole = new iam.Role(this, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), description: 'EMR node instance profile (lakekit)' });
    const zones = Object.keys(props.zoneBuckets) as LakeZone[];
    const instancePolicy = new iam.ManagedPolicy(this, 'InstancePolicy', {
      description: 'EMR nodes: zone data, its keys, logs and bootstrap scripts',
      statements: [
        new iam.PolicyStatement({ sid: 'ZoneBuckets', actions: S3_BUCKET, resources: zones.map((z) => props.zoneBuckets[z].bucketArn) }),
        new iam.PolicyStatement({ sid: 'ZoneObjectsReadWrite', actions: S3_RW, resources: zones.filter((z) => z !== 'bronze').map((z) => props.zoneBuckets[z].arnForObjects('*')) }),
        // Bronze is the immutable record: read and add, never delete (Object Lock enforces it too).
        new iam.PolicyStatement({ sid: 'BronzeObjectsAppendOnly', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [props.zoneBuckets.bronze.arnForObjects('*')] }),
        new iam.PolicyStatement({ sid: 'ZoneAndPlatformKeys', actions: KMS_USE, resources: [...zones.map((z) => props.zoneKeys[z].keyArn), props.platformKey.keyArn] }),
        new iam.PolicyStatement({ sid: 'ClusterLogs', actions: ['s3:PutObject', 's3:GetObject'], resources: [props.logBucket.arnForObjects('emr/*')] }),
        new iam.PolicyStatement({ sid: 'ClusterLogBucket', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [props.logBucket.bucketArn] }),
      ],
    });
    this.instanceRole.addManagedPolicy(instancePolicy);
    acknowledgeObjectArns(instancePolicy, zones.map((z) => props.zoneBuckets[z]));
    acknowledgeObjectArns(instancePolicy, [props.logBucket], 'emr/');
    const profile = new iam.CfnInstanceProfile(this, 'InstanceProfile', { roles: [this.instanceRole.roleName] });

    // --- Service role: EMR's scoped v2 policy, acting only on resources tagged for it ---
    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'EMR service role (lakekit)',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEMRServicePolicy_v2')],
    });
    acknowledgeTopic(this.serviceRole, 'emrServicePolicy');
    this.serviceRole.addManagedPolicy(new iam.ManagedPolicy(this, 'ServicePassRolePolicy', {
      description: 'EMR service may pass only the node role to EC2',
      statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [this.instanceRole.roleArn], conditions: { StringLike: { 'iam:PassedToService': 'ec2.amazonaws.com' } } })],
    }));

    // --- Auto-scaling role: read alarms, resize this account's instance groups ---
    this.autoScalingRole = new iam.Role(this, 'AutoScalingRole', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('elasticmapreduce.amazonaws.com'), new iam.ServicePrincipal('application-autoscaling.amazonaws.com')),
      description: 'EMR automatic scaling role (lakekit)',
    });
    const autoScalingPolicy = new iam.ManagedPolicy(this, 'AutoScalingPolicy', {
      description: 'Resize EMR instance groups on CloudWatch alarms',
      statements: [
        new iam.PolicyStatement({ actions: ['elasticmapreduce:ListInstanceGroups', 'elasticmapreduce:ModifyInstanceGroups'], resources: [`arn:${Aws.PARTITION}:elasticmapreduce:${Aws.REGION}:${Aws.ACCOUNT_ID}:cluster/*`] }),
        new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: [`arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`] }),
      ],
    });
    this.autoScalingRole.addManagedPolicy(autoScalingPolicy);
    acknowledgeTopic(autoScalingPolicy, 'autoScalingWildcards');

    // --- Security configuration ---
    this.securityConfiguration = new emr.CfnSecurityConfiguration(this, 'SecurityConfiguration', {
      securityConfiguration: {
        EncryptionConfiguration: {
          EnableInTransitEncryption: true,
          EnableAtRestEncryption: true,
          InTransitEncryptionConfiguration: { TLSCertificateConfiguration: { CertificateProviderType: 'PEM', S3Object: props.tlsCertificatesS3Uri } },
          AtRestEncryptionConfiguration: {
            S3EncryptionConfiguration: { EncryptionMode: 'SSE-KMS', AwsKmsKey: props.platformKey.keyArn },
            LocalDiskEncryptionConfiguration: { EncryptionKeyProviderType: 'AwsKms', AwsKmsKey: props.platformKey.keyArn, EnableEbsEncryption: true },
          },
        },
        InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 2 },
      },
    });

    // --- Bootstrap actions ---
    const bootstrapActions: emr.CfnCluster.BootstrapActionConfigProperty[] = [];
    const assetGrant = (asset: Asset): void => {
      instancePolicy.addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`] }));
    };
    const targetGroups = props.uiTargetGroupArns ?? [];
    if (targetGroups.length > 0) {
      const asset = new Asset(this, 'RegisterTargetsScript', { path: scriptFile('register-targets.sh', REGISTER_TARGETS_SCRIPT) });
      assetGrant(asset);
      instancePolicy.addStatements(new iam.PolicyStatement({ sid: 'RegisterWithUiTargetGroups', actions: ['elasticloadbalancing:RegisterTargets'], resources: [...targetGroups] }));
      bootstrapActions.push({ name: 'register-ui-targets', scriptBootstrapAction: { path: asset.s3ObjectUrl, args: [...targetGroups] } });
    }
    const airflow = props.airflow ?? DEFAULT_INSTALL_AIRFLOW;
    if (airflow !== false) {
      if (props.metastoreSecret === undefined) throw new ValidationError('EmrPlatform: airflow needs metastoreSecret (its metadata database lives in the Polaris metastore instance); pass it or set airflow: false.');
      const asset = new Asset(this, 'AirflowScript', { path: scriptFile('install-airflow.sh', AIRFLOW_SCRIPT) });
      assetGrant(asset);
      instancePolicy.addStatements(new iam.PolicyStatement({ sid: 'ReadMetastoreSecret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [props.metastoreSecret.secretArn] }));
      const version = airflow === true ? DEFAULT_AIRFLOW_VERSION : airflow.version;
      bootstrapActions.push({ name: 'install-airflow', scriptBootstrapAction: { path: asset.s3ObjectUrl, args: [version, props.metastoreSecret.secretArn] } });
    }

    const ebs = (gib: number): emr.CfnCluster.EbsConfigurationProperty => ({
      ebsOptimized: true,
      ebsBlockDeviceConfigs: [{ volumeSpecification: { sizeInGb: gib, volumeType: 'gp3' }, volumesPerInstance: 1 }],
    });
    const dataGib = props.ebsDataVolumeGib ?? DEFAULT_EBS_DATA_VOLUME_GIB;
    const privateSubnets = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;

    this.cluster = new emr.CfnCluster(this, 'Cluster', {
      name: props.clusterName ?? 'lakekit-platform',
      releaseLabel: props.releaseLabel ?? DEFAULT_EMR_RELEASE_LABEL,
      applications: DEFAULT_EMR_APPLICATIONS.map((name) => ({ name })),
      serviceRole: this.serviceRole.roleArn,
      jobFlowRole: profile.ref,
      autoScalingRole: this.autoScalingRole.roleArn,
      securityConfiguration: this.securityConfiguration.ref,
      logUri: props.logBucket.s3UrlForObject('emr/'),
      logEncryptionKmsKeyId: props.platformKey.keyArn,
      ebsRootVolumeSize: props.ebsRootVolumeGib ?? DEFAULT_EBS_ROOT_VOLUME_GIB,
      scaleDownBehavior: 'TERMINATE_AT_TASK_COMPLETION',
      configurations: emrConfigurations(props.catalog),
      bootstrapActions: bootstrapActions.length > 0 ? bootstrapActions : undefined,
      autoTerminationPolicy: idle === undefined ? undefined : { idleTimeout: idle },
      managedScalingPolicy: {
        computeLimits: {
          unitType: 'Instances',
          minimumCapacityUnits: coreCount + taskMin,
          maximumCapacityUnits: coreCount + taskMax,
          maximumCoreCapacityUnits: coreCount,
          // On-demand capacity stops at the core nodes, so every task node is spot when task nodes are spot.
          maximumOnDemandCapacityUnits: (props.taskOnSpot ?? DEFAULT_TASK_ON_SPOT) ? coreCount : coreCount + taskMax,
        },
      },
      instances: {
        ec2SubnetIds: privateSubnets,
        ec2KeyName: props.ec2KeyName,
        emrManagedMasterSecurityGroup: this.masterSecurityGroup.securityGroupId,
        emrManagedSlaveSecurityGroup: this.workerSecurityGroup.securityGroupId,
        serviceAccessSecurityGroup: this.serviceAccessSecurityGroup.securityGroupId,
        additionalMasterSecurityGroups: [this.masterUiSecurityGroup.securityGroupId],
        keepJobFlowAliveWhenNoSteps: true,
        terminationProtected: idle === undefined,
        masterInstanceGroup: { name: 'master', instanceCount: 1, instanceType: props.masterInstanceType ?? DEFAULT_MASTER_INSTANCE_TYPE, market: 'ON_DEMAND', ebsConfiguration: ebs(dataGib) },
        coreInstanceGroup: { name: 'core', instanceCount: coreCount, instanceType: props.coreInstanceType ?? DEFAULT_CORE_INSTANCE_TYPE, market: 'ON_DEMAND', ebsConfiguration: ebs(dataGib) },
      },
      tags: [{ key: EMR_MANAGED_POLICY_TAG.key, value: EMR_MANAGED_POLICY_TAG.value }],
    });
    this.cluster.node.addDependency(instancePolicy);
    acknowledgeTopic(this.cluster, 'emrEncryptionSchema');
    if (props.ec2KeyName === undefined) acknowledgeTopic(this.cluster, 'emrAuthentication');

    this.taskGroup = new emr.CfnInstanceGroupConfig(this, 'TaskGroup', {
      jobFlowId: this.cluster.ref,
      instanceRole: 'TASK',
      name: 'task',
      instanceCount: taskMin,
      instanceType: props.taskInstanceType ?? DEFAULT_TASK_INSTANCE_TYPE,
      market: (props.taskOnSpot ?? DEFAULT_TASK_ON_SPOT) ? 'SPOT' : 'ON_DEMAND',
      ebsConfiguration: ebs(dataGib),
    });
  }
}
