import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LAKE_KEY_NAMES, type LakeKeyName } from './defaults.js';

/** Default removal policy of every stateful resource the platform creates: keep it. */
export const DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/** Key administration actions, granted to the account; none of them encrypts or decrypts. */
const ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
  'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource',
  'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
];
/** Cryptographic use, delegated to IAM policies in this account (each grant names one key ARN). */
const USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

/** Props of {@link LakeKeys}. */
export interface LakeKeysProps {
  /**
   * Alias prefix; each key is `alias/<prefix>/<name>`.
   * @default 'lakekit'
   */
  readonly aliasPrefix?: string;
  /**
   * What happens to the keys when the stack is deleted.
   * @default DEFAULT_REMOVAL_POLICY (RETAIN)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Default {@link LakeKeysProps.aliasPrefix}. */
export const DEFAULT_KEY_ALIAS_PREFIX = 'lakekit';

/**
 * Customer-managed KMS keys: one per zone (bronze, silver, gold, archive), one
 * for the platform's services (EMR disks, RDS, secrets) and one for audit
 * logs (CloudTrail, flow logs, log groups). Rotation is on. The key policies
 * grant no `kms:*`: the account may administer a key but only use it through
 * IAM policies that name that key (CDK grants do), and AWS services get only
 * the actions they need, scoped to this account.
 */
export class LakeKeys extends Construct {
  /** Key by name. */
  readonly keys: Readonly<Record<LakeKeyName, kms.Key>>;

  constructor(scope: Construct, id: string, props: LakeKeysProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.aliasPrefix ?? DEFAULT_KEY_ALIAS_PREFIX;
    const make = (name: LakeKeyName): kms.Key => {
      const policy = new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'KeyAdministration', principals: [new iam.AccountRootPrincipal()], actions: ADMIN_ACTIONS, resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'UseThroughIamPoliciesOfThisAccount',
            principals: [new iam.AccountRootPrincipal()],
            actions: USE_ACTIONS,
            resources: ['*'],
            conditions: { StringEquals: { 'kms:CallerAccount': stack.account } },
          }),
        ],
      });
      const key = new kms.Key(this, name, {
        description: `lakekit ${name} key`,
        enableKeyRotation: true,
        alias: `${prefix}/${name}`,
        policy,
        removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
      });
      return key;
    };
    this.keys = Object.fromEntries(LAKE_KEY_NAMES.map((n) => [n, make(n)])) as Record<LakeKeyName, kms.Key>;
    // CloudWatch Logs encrypts log groups with the audit and platform keys.
    for (const name of ['audit', 'platform'] as const) {
      this.keys[name].addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
      }));
    }
    // CloudTrail writes the trail encrypted with the audit key.
    this.keys.audit.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrail',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*` },
      },
    }));
    // Alarm notifications (SNS) and EventBridge publish to the encrypted topic.
    this.keys.platform.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AlarmPublishers',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
  }

  /** The key that encrypts a zone's bucket. */
  zoneKey(zone: 'bronze' | 'silver' | 'gold' | 'archive'): kms.Key {
    return this.keys[zone];
  }
}
