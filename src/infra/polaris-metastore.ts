import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ValidationError } from '../errors.js';
import {
  DEFAULT_METASTORE_BACKUP_DAYS,
  DEFAULT_METASTORE_INSTANCE_CLASS,
  DEFAULT_METASTORE_MULTI_AZ,
  DEFAULT_METASTORE_STORAGE_GIB,
  DEFAULT_SECRET_ROTATION_DAYS,
} from './defaults.js';
import { acknowledgeTopic } from './compliance.js';
import { DEFAULT_REMOVAL_POLICY } from './keys.js';

/** PostgreSQL engine version (full, major). */
export const DEFAULT_METASTORE_ENGINE_VERSION = { full: '17.6', major: '17' } as const;
/** Port the metastore listens on (not 5432, so scans for the default port miss it). */
export const DEFAULT_METASTORE_PORT = 5433;
/** Database Polaris uses. */
export const DEFAULT_METASTORE_DATABASE = 'polaris';

/** Options of {@link PolarisMetastore} that the platform's props carry. */
export interface PolarisMetastoreOptions {
  /**
   * Instance class (`db.` prefix included).
   * @default DEFAULT_METASTORE_INSTANCE_CLASS ('db.t4g.medium')
   */
  readonly instanceClass?: string;
  /**
   * Engine version.
   * @default DEFAULT_METASTORE_ENGINE_VERSION (17.6)
   */
  readonly engineVersion?: { readonly full: string; readonly major: string };
  /**
   * Allocated gp3 storage, GiB.
   * @default DEFAULT_METASTORE_STORAGE_GIB (50)
   */
  readonly allocatedStorageGib?: number;
  /**
   * Synchronous standby in a second AZ.
   * @default DEFAULT_METASTORE_MULTI_AZ (true)
   */
  readonly multiAz?: boolean;
  /**
   * Days of automated backups.
   * @default DEFAULT_METASTORE_BACKUP_DAYS (14)
   */
  readonly backupRetentionDays?: number;
  /**
   * Whether the instance refuses deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Days between automatic rotations of the master credentials.
   * @default DEFAULT_SECRET_ROTATION_DAYS (30)
   */
  readonly rotationDays?: number;
  /**
   * Listener port.
   * @default DEFAULT_METASTORE_PORT (5433)
   */
  readonly port?: number;
}

/** Props of {@link PolarisMetastore}. */
export interface PolarisMetastoreProps extends PolarisMetastoreOptions {
  readonly vpc: ec2.IVpc;
  /** Encrypts storage, Performance Insights and the credentials secret. */
  readonly key: kms.IKey;
  /**
   * What happens to the instance when the stack is deleted (a final snapshot is taken unless DESTROY).
   * @default DEFAULT_REMOVAL_POLICY (RETAIN)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * RDS for PostgreSQL holding Apache Polaris's metadata: in the isolated
 * database subnets, storage and Performance Insights encrypted with the
 * platform key, IAM authentication on, automated backups, deletion
 * protection, Multi-AZ by default, enhanced monitoring, logs exported to
 * CloudWatch, and master credentials generated into Secrets Manager and
 * rotated by the Secrets Manager hosted rotation function.
 */
export class PolarisMetastore extends Construct {
  readonly instance: rds.DatabaseInstance;
  /** Master credentials (JSON: host, port, username, password, dbname). */
  readonly secret: secretsmanager.ISecret;
  readonly securityGroup: ec2.SecurityGroup;
  readonly port: number;
  /** AWS Backup plan (daily, weekly and monthly recovery points) covering the instance. */
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: PolarisMetastoreProps) {
    super(scope, id);
    const storage = props.allocatedStorageGib ?? DEFAULT_METASTORE_STORAGE_GIB;
    if (!Number.isInteger(storage) || storage < 20) throw new ValidationError(`PolarisMetastore: allocatedStorageGib must be an integer ≥ 20 (got ${storage}).`, { context: { allocatedStorageGib: storage } });
    const backupDays = props.backupRetentionDays ?? DEFAULT_METASTORE_BACKUP_DAYS;
    if (!Number.isInteger(backupDays) || backupDays < 1 || backupDays > 35) throw new ValidationError(`PolarisMetastore: backupRetentionDays must be 1–35 (got ${backupDays}).`, { context: { backupRetentionDays: backupDays } });
    const instanceClass = props.instanceClass ?? DEFAULT_METASTORE_INSTANCE_CLASS;
    if (!instanceClass.startsWith('db.')) throw new ValidationError(`PolarisMetastore: instanceClass must look like 'db.t4g.medium' (got '${instanceClass}').`, { context: { instanceClass } });
    const version = props.engineVersion ?? DEFAULT_METASTORE_ENGINE_VERSION;
    this.port = props.port ?? DEFAULT_METASTORE_PORT;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Polaris metastore (PostgreSQL)', allowAllOutbound: false });
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(version.full, version.major) }),
      instanceType: new ec2.InstanceType(instanceClass.slice(3)),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.securityGroup],
      port: this.port,
      databaseName: DEFAULT_METASTORE_DATABASE,
      credentials: rds.Credentials.fromGeneratedSecret('polaris_admin', { encryptionKey: props.key }),
      storageType: rds.StorageType.GP3,
      allocatedStorage: storage,
      storageEncrypted: true,
      storageEncryptionKey: props.key,
      multiAz: props.multiAz ?? DEFAULT_METASTORE_MULTI_AZ,
      backupRetention: Duration.days(backupDays),
      deletionProtection: props.deletionProtection ?? true,
      iamAuthentication: true,
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.key,
      monitoringInterval: Duration.seconds(60),
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      copyTagsToSnapshot: true,
      removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
    });
    this.secret = this.instance.secret!;
    acknowledgeTopic(this.instance, 'rdsMonitoringRole');

    // Snapshots beyond the automated-backup window, in a vault encrypted with the platform key.
    const vault = new backup.BackupVault(this, 'BackupVault', { encryptionKey: props.key, removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY });
    this.backupPlan = backup.BackupPlan.dailyWeeklyMonthly5YearRetention(this, 'BackupPlan', vault);
    const selection = this.backupPlan.addSelection('Metastore', { resources: [backup.BackupResource.fromRdsDatabaseInstance(this.instance)] });
    acknowledgeTopic(selection, 'backupServiceRole');

    const rotationSg = new ec2.SecurityGroup(this, 'RotationSecurityGroup', { vpc: props.vpc, description: 'Secrets Manager rotation of the metastore credentials' });
    this.allowFrom(rotationSg, 'credential rotation');
    this.secret.addRotationSchedule('Rotation', {
      automaticallyAfter: Duration.days(props.rotationDays ?? DEFAULT_SECRET_ROTATION_DAYS),
      hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
        vpc: props.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [rotationSg],
      }),
    });
  }

  /** Lets `peer` connect to the database port. */
  allowFrom(peer: ec2.ISecurityGroup, description: string): void {
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(this.port), `PostgreSQL from ${description}`);
  }
}
