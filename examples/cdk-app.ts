/**
 * A CDK app that synthesizes the whole lakekit platform (network, keys, zone
 * buckets, EMR with Spark/Trino/JupyterHub/Livy/Airflow, the Polaris
 * metastore, the HTTPS load balancer, alarms, CloudTrail, Lake Formation),
 * checked by the cdk-nag AwsSolutions, NIST 800-53 rev 5 and PCI DSS 3.2.1
 * packs during synthesis.
 *
 *   npx tsx examples/cdk-app.ts                       # cloud assembly in ./cdk.out
 *   npx cdk synth --app "npx tsx examples/cdk-app.ts" \
 *     -c polarisUri=https://polaris.internal.example.com/api/catalog \
 *     -c warehouse=lake -c tlsCertificatesS3Uri=s3://my-certs/emr-tls.zip \
 *     -c certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/…
 *
 * Without `-c` values it uses the placeholders below, which synthesize but do not deploy.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { DataLakePlatform } from '../src/infra/index.js';

const app = new App();
const context = (key: string, placeholder: string): string => (app.node.tryGetContext(key) as string | undefined) ?? placeholder;

const stack = new Stack(app, 'LakekitPlatform', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' },
  description: 'lakekit EMR data platform (examples/cdk-app.ts)',
});

new DataLakePlatform(stack, 'Platform', {
  emr: {
    catalog: { uri: context('polarisUri', 'https://polaris.internal.example.com/api/catalog'), warehouse: context('warehouse', 'lake') },
    tlsCertificatesS3Uri: context('tlsCertificatesS3Uri', 's3://example-emr-tls/certs.zip'),
  },
  loadBalancer: { certificateArn: context('certificateArn', 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000') },
  monitoring: { alarmEmails: app.node.tryGetContext('alarmEmail') ? [app.node.tryGetContext('alarmEmail') as string] : [] },
});

// Any finding not fixed or acknowledged (with its reason) fails synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(), new NIST80053R5Checks(), new PCIDSS321Checks());
app.synth();
