/**
 * The constructs used alone and with non-default props: options reach the
 * template, bad props fail with ValidationError before anything is deployed,
 * and the scaling limits stay consistent for any valid combination.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as emr from 'aws-cdk-lib/aws-emr';
import { Match, Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import {
  DataLakePlatform,
  EmrPlatform,
  LakeKeys,
  LakeNetwork,
  PolarisMetastore,
  ZoneBuckets,
  type DataLakePlatformProps,
} from '../../../src/infra/index.js';
import { AIRFLOW_SCRIPT, REGISTER_TARGETS_SCRIPT, scriptFile } from '../../../src/infra/emr-bootstrap.js';
import { TEST_ENV, TEST_PLATFORM_PROPS } from './fixture.js';

const code = (f: () => unknown): string => {
  try {
    f();
    return 'OK';
  } catch (e) {
    return isLakeError(e) ? e.code : `NOT_LAKE_ERROR: ${String(e)}`;
  }
};
const stack = (): Stack => new Stack(new App(), 'S', { env: TEST_ENV });

describe('a transient, non-default platform', () => {
  let t: Template;
  const props: DataLakePlatformProps = {
    ...TEST_PLATFORM_PROPS,
    emr: { ...TEST_PLATFORM_PROPS.emr, autoTerminationIdleSeconds: 3600, airflow: false, taskOnSpot: false, taskMinInstances: 1, taskMaxInstances: 4, coreInstanceCount: 3, ec2KeyName: 'ops' },
    buckets: {
      objectLockMode: 'GOVERNANCE',
      bronzeRetentionDays: 3653,
      archiveStorageClass: 'GLACIER',
      replication: { destinationBucketArns: { gold: 'arn:aws:s3:::dr-gold' }, destinationKeyArns: { gold: 'arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555' } },
    },
    metastore: { multiAz: false, deletionProtection: false },
    loadBalancer: { ...TEST_PLATFORM_PROPS.loadBalancer, internetFacing: true, allowedCidrs: ['203.0.113.0/24'] },
    removalPolicy: RemovalPolicy.DESTROY,
  };
  beforeAll(() => {
    const s = stack();
    new DataLakePlatform(s, 'Platform', props);
    t = Template.fromStack(s);
  }, 120_000);

  it('auto-terminates, is not termination-protected, and has no Airflow bootstrap', () => {
    const c = Object.values(t.findResources('AWS::EMR::Cluster'))[0]!.Properties;
    expect(c.AutoTerminationPolicy).toEqual({ IdleTimeout: 3600 });
    expect(c.Instances.TerminationProtected).toBe(false);
    expect(c.Instances.Ec2KeyName).toBe('ops');
    expect(c.BootstrapActions.map((b: { Name: string }) => b.Name)).toEqual(['register-ui-targets']);
  });

  it('scales on-demand task nodes 1–4 over three core nodes', () => {
    const c = Object.values(t.findResources('AWS::EMR::Cluster'))[0]!.Properties;
    expect(c.ManagedScalingPolicy.ComputeLimits).toEqual({ UnitType: 'Instances', MinimumCapacityUnits: 4, MaximumCapacityUnits: 7, MaximumCoreCapacityUnits: 3, MaximumOnDemandCapacityUnits: 7 });
    t.hasResourceProperties('AWS::EMR::InstanceGroupConfig', { Market: 'ON_DEMAND', InstanceCount: 1 });
  });

  it('applies governance-mode locks, the chosen retention and archive class, and replicates gold only', () => {
    const buckets = Object.values(t.findResources('AWS::S3::Bucket')).map((b) => b.Properties);
    const locks = buckets.filter((b) => b.ObjectLockEnabled).map((b) => b.ObjectLockConfiguration.Rule.DefaultRetention);
    expect(locks).toEqual(expect.arrayContaining([{ Mode: 'GOVERNANCE', Days: 3653 }]));
    expect(JSON.stringify(buckets)).toContain('"StorageClass":"GLACIER"');
    expect(buckets.filter((b) => b.ReplicationConfiguration !== undefined)).toHaveLength(1);
  });

  it('honours the removal policy, single-AZ metastore and internet-facing load balancer', () => {
    for (const b of Object.values(t.findResources('AWS::S3::Bucket'))) expect(b.DeletionPolicy).toBe('Delete');
    t.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false, DeletionProtection: false });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 443 })]) });
  });
});

describe('standalone constructs', () => {
  it('ZoneBuckets and LakeKeys work without the platform', () => {
    const s = stack();
    const keys = new LakeKeys(s, 'Keys');
    const buckets = new ZoneBuckets(s, 'Buckets', { keys, objectLockMode: 'NONE' });
    expect(Object.keys(buckets.zones).sort()).toEqual(['archive', 'bronze', 'gold', 'silver']);
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::S3::Bucket', 6);
    expect(Object.values(t.findResources('AWS::S3::Bucket')).filter((b) => b.Properties.ObjectLockEnabled)).toHaveLength(0);
  });
});

describe('bad props fail before deployment with ValidationError', () => {
  const network = (s: Stack): LakeNetwork => new LakeNetwork(s, 'Net', { logKey: new LakeKeys(s, 'K').keys.audit });
  it('rejects a stack without a concrete region', () => {
    expect(code(() => new DataLakePlatform(new Stack(new App(), 'S'), 'P', TEST_PLATFORM_PROPS))).toBe('VALIDATION');
  });

  it('rejects impossible EMR, network, bucket, metastore and load-balancer settings', { timeout: 60_000 }, () => {
    expect(code(() => { const s = stack(); new EmrPlatform(s, 'E', { ...emrBase(s), taskMinInstances: 5, taskMaxInstances: 2 }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new EmrPlatform(s, 'E', { ...emrBase(s), autoTerminationIdleSeconds: 10 }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new EmrPlatform(s, 'E', { ...emrBase(s), tlsCertificatesS3Uri: 'https://x/certs.zip' }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new EmrPlatform(s, 'E', { ...emrBase(s), airflow: true }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new EmrPlatform(s, 'E', { ...emrBase(s), catalog: { uri: 'https://p', warehouse: 'w', name: 'Bad-Name' } }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new LakeNetwork(s, 'N', { logKey: new LakeKeys(s, 'K').keys.audit, maxAzs: 1 }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new LakeNetwork(s, 'N', { logKey: new LakeKeys(s, 'K').keys.audit, flowLogRetentionDays: 4 }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new ZoneBuckets(s, 'B', { keys: new LakeKeys(s, 'K'), bronzeRetentionDays: 0 }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new ZoneBuckets(s, 'B', { keys: new LakeKeys(s, 'K'), replication: { destinationBucketArns: { gold: 'arn:aws:s3:::x' }, destinationKeyArns: {} } }); })).toBe('VALIDATION');
    expect(code(() => { const s = stack(); new PolarisMetastore(s, 'M', { vpc: network(s).vpc, key: new LakeKeys(s, 'K2').keys.platform, allocatedStorageGib: 10 }); })).toBe('VALIDATION');
    expect(code(() => new DataLakePlatform(stack(), 'P', { ...TEST_PLATFORM_PROPS, loadBalancer: { certificateArn: 'my-cert' } }))).toBe('VALIDATION');
  });
});

describe('managed scaling limits', () => {
  it('for any valid core/task sizes: min = core + taskMin, max = core + taskMax, core capped, on-demand capped at core when on spot', { timeout: 60_000 }, () => {
    const s = stack();
    const base = emrBase(s);
    let n = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 50 }), fc.boolean(), (core, taskMin, extra, spot) => {
      const e = new EmrPlatform(s, `E${n++}`, { ...base, coreInstanceCount: core, taskMinInstances: taskMin, taskMaxInstances: taskMin + extra, taskOnSpot: spot });
      const limits = (e.cluster.managedScalingPolicy as emr.CfnCluster.ManagedScalingPolicyProperty).computeLimits as emr.CfnCluster.ComputeLimitsProperty;
      expect(limits.minimumCapacityUnits).toBe(core + taskMin);
      expect(limits.maximumCapacityUnits).toBe(core + taskMin + extra);
      expect(limits.maximumCoreCapacityUnits).toBe(core);
      expect(limits.maximumOnDemandCapacityUnits).toBe(spot ? core : core + taskMin + extra);
      expect(e.taskGroup.market).toBe(spot ? 'SPOT' : 'ON_DEMAND');
    }), { numRuns: 25 });
  });
});

function emrBase(s: Stack) {
  const keys = new LakeKeys(s, 'Keys');
  const buckets = new ZoneBuckets(s, 'Buckets', { keys });
  return { ...TEST_PLATFORM_PROPS.emr, airflow: false as const, vpc: new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 1 }), zoneBuckets: buckets.zones, zoneKeys: { bronze: keys.keys.bronze, silver: keys.keys.silver, gold: keys.keys.gold, archive: keys.keys.archive }, platformKey: keys.keys.platform, logBucket: buckets.accessLogs };
}

describe('bootstrap scripts', () => {
  it('parse as bash and act on the master only', () => {
    for (const [name, script] of [['register-targets.sh', REGISTER_TARGETS_SCRIPT], ['install-airflow.sh', AIRFLOW_SCRIPT]] as const) {
      const file = scriptFile(name, script);
      expect(readFileSync(file, 'utf8')).toBe(script);
      const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(script).toContain('"isMaster": *true');
    }
  });
});
