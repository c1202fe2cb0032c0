import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import { ValidationError } from '../errors.js';
import { Construct } from 'constructs';
import { LakeAuditTrail } from './audit-trail.js';
import type { DataLakePlatformProps } from './data-lake-platform-props.js';
import { EmrPlatform } from './emr-cluster.js';
import { LakeKeys } from './keys.js';
import { LakeFormationSetup } from './lake-formation.js';
import { LakeMonitoring } from './monitoring.js';
import { LakeNetwork } from './network.js';
import { PolarisMetastore } from './polaris-metastore.js';
import { UiLoadBalancer } from './ui-load-balancer.js';
import { ZoneBuckets } from './zone-buckets.js';

/**
 * The whole EMR data platform of the revised design, compliant with the
 * cdk-nag AwsSolutions, NIST 800-53 rev 5 and PCI DSS 3.2.1 packs: network,
 * keys, zone buckets, the EMR cluster (Spark, Trino, JupyterHub, Livy,
 * Airflow), the Polaris metastore, the HTTPS load balancer, alarms and
 * dashboard, CloudTrail and Lake Formation. Each part is also usable alone.
 *
 * @example
 * ```typescript
 * const app = new App();
 * const stack = new Stack(app, 'Lake', { env: { region: 'us-east-1' } });
 * new DataLakePlatform(stack, 'Platform', {
 *   emr: { catalog: { uri: 'https://polaris.internal:8181/api/catalog', warehouse: 'lake' }, tlsCertificatesS3Uri: 's3://certs/emr-tls.zip' },
 *   loadBalancer: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' },
 * });
 * ```
 */
export class DataLakePlatform extends Construct {
  readonly keys: LakeKeys;
  readonly network: LakeNetwork;
  readonly buckets: ZoneBuckets;
  readonly metastore: PolarisMetastore;
  readonly loadBalancer: UiLoadBalancer;
  readonly emr: EmrPlatform;
  readonly monitoring: LakeMonitoring;
  readonly auditTrail: LakeAuditTrail;
  readonly lakeFormation: LakeFormationSetup;

  constructor(scope: Construct, id: string, props: DataLakePlatformProps) {
    super(scope, id);
    if (Token.isUnresolved(Stack.of(this).region)) {
      throw new ValidationError("DataLakePlatform needs a stack with a concrete region (new Stack(app, 'Lake', { env: { region: 'us-east-1' } })): load-balancer log delivery and endpoint names are regional.");
    }
    const removalPolicy = props.removalPolicy;
    this.keys = new LakeKeys(this, 'Keys', { removalPolicy });
    this.network = new LakeNetwork(this, 'Network', { ...props.network, logKey: this.keys.keys.audit, removalPolicy });
    const vpc = this.network.vpc;
    this.buckets = new ZoneBuckets(this, 'Buckets', { ...props.buckets, keys: this.keys, removalPolicy });
    this.metastore = new PolarisMetastore(this, 'Metastore', { ...props.metastore, vpc, key: this.keys.keys.platform, removalPolicy });
    this.loadBalancer = new UiLoadBalancer(this, 'Ui', { ...props.loadBalancer, allowedCidrs: props.loadBalancer.allowedCidrs ?? [this.network.cidr], vpc, accessLogBucket: this.buckets.accessLogs, logKey: this.keys.keys.audit, removalPolicy });
    const zoneKeys = { bronze: this.keys.keys.bronze, silver: this.keys.keys.silver, gold: this.keys.keys.gold, archive: this.keys.keys.archive };
    this.emr = new EmrPlatform(this, 'Emr', {
      ...props.emr,
      vpc,
      zoneBuckets: this.buckets.zones,
      zoneKeys,
      platformKey: this.keys.keys.platform,
      logBucket: this.buckets.accessLogs,
      metastoreSecret: this.metastore.secret,
      uiTargetGroupArns: this.loadBalancer.targetGroups.map((tg) => tg.targetGroupArn),
    });
    this.loadBalancer.allowTo(this.emr.masterUiSecurityGroup);
    // Polaris and Airflow on the master, and Spark drivers on core nodes, reach the metastore.
    this.metastore.allowFrom(this.emr.masterSecurityGroup, 'the EMR master');
    this.monitoring = new LakeMonitoring(this, 'Monitoring', {
      ...props.monitoring,
      key: this.keys.keys.platform,
      clusterId: this.emr.cluster.ref,
      bronzeBucketName: this.buckets.zones.bronze.bucketName,
      dbInstanceIdentifier: this.metastore.instance.instanceIdentifier,
      loadBalancerFullName: this.loadBalancer.loadBalancer.loadBalancerFullName,
      targetGroupFullName: this.loadBalancer.targetGroups[0]!.targetGroupFullName,
    });
    this.auditTrail = new LakeAuditTrail(this, 'Audit', {
      bucket: this.buckets.audit,
      key: this.keys.keys.audit,
      dataEventBuckets: Object.values(this.buckets.zones),
      removalPolicy,
    });
    this.lakeFormation = new LakeFormationSetup(this, 'LakeFormation', { ...props.lakeFormation, zoneBuckets: this.buckets.zones, zoneKeys });

    new CfnOutput(this, 'ClusterId', { value: this.emr.cluster.ref, description: 'EMR cluster id' });
    new CfnOutput(this, 'UiEndpoint', { value: this.loadBalancer.loadBalancer.loadBalancerDnsName, description: 'HTTPS load balancer DNS name (JupyterHub on 443)' });
    new CfnOutput(this, 'MetastoreSecretArn', { value: this.metastore.secret.secretArn, description: 'Polaris metastore credentials' });
  }
}
