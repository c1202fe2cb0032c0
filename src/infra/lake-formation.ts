import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeObjectArns } from './compliance.js';
import type { LakeZone } from './defaults.js';

/** Options of {@link LakeFormationSetup} that the platform's props carry. */
export interface LakeFormationOptions {
  /**
   * IAM principal ARNs added (not replacing existing ones) as Lake Formation data-lake administrators.
   * @default - none added
   */
  readonly admins?: readonly string[];
}

/** Props of {@link LakeFormationSetup}. */
export interface LakeFormationSetupProps extends LakeFormationOptions {
  /** Zone buckets to register as data-lake locations. */
  readonly zoneBuckets: Readonly<Record<LakeZone, s3.IBucket>>;
  /** Their keys (Lake Formation's data-access role decrypts through them). */
  readonly zoneKeys: Readonly<Record<LakeZone, kms.IKey>>;
}

/**
 * Lake Formation data-lake settings and location registration: the given
 * administrators are appended; new databases and tables get no
 * `IAMAllowedPrincipals` default grant, so Lake Formation permissions govern
 * them; each zone bucket is registered with a dedicated data-access role (the
 * service-linked role cannot use customer-managed keys).
 */
export class LakeFormationSetup extends Construct {
  readonly dataAccessRole: iam.Role;
  readonly settings: lakeformation.CfnDataLakeSettings;

  constructor(scope: Construct, id: string, props: LakeFormationSetupProps) {
    super(scope, id);
    const zones = Object.keys(props.zoneBuckets) as LakeZone[];
    this.dataAccessRole = new iam.Role(this, 'DataAccessRole', {
      assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com'),
      description: 'Lake Formation access to the registered zone locations (lakekit)',
    });
    const policy = new iam.ManagedPolicy(this, 'DataAccessPolicy', {
      description: 'Read and write the zone buckets and use their keys',
      statements: [
        new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: zones.map((z) => props.zoneBuckets[z].bucketArn) }),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: zones.map((z) => props.zoneBuckets[z].arnForObjects('*')) }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: zones.map((z) => props.zoneKeys[z].keyArn) }),
      ],
    });
    this.dataAccessRole.addManagedPolicy(policy);
    acknowledgeObjectArns(policy, zones.map((z) => props.zoneBuckets[z]));
    this.settings = new lakeformation.CfnDataLakeSettings(this, 'Settings', {
      mutationType: 'APPEND',
      admins: (props.admins ?? []).map((arn) => ({ dataLakePrincipalIdentifier: arn })),
      createDatabaseDefaultPermissions: [],
      createTableDefaultPermissions: [],
    });
    for (const zone of zones) {
      new lakeformation.CfnResource(this, `${zone}Location`, {
        resourceArn: props.zoneBuckets[zone].bucketArn,
        useServiceLinkedRole: false,
        roleArn: this.dataAccessRole.roleArn,
      });
    }
  }
}
