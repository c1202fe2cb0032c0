import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { PLATFORM_ALARMS, type AlarmSpec } from './defaults.js';

/** Options of {@link LakeMonitoring} that the platform's props carry. */
export interface LakeMonitoringOptions {
  /**
   * E-mail addresses subscribed to the alarm topic.
   * @default - none (subscribe later, e.g. a pager integration)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Dashboard name.
   * @default 'lakekit-platform'
   */
  readonly dashboardName?: string;
}

/** Props of {@link LakeMonitoring}: what to watch. */
export interface LakeMonitoringProps extends LakeMonitoringOptions {
  /** Encrypts the alarm topic. */
  readonly key: kms.IKey;
  /** EMR cluster id (`CfnCluster.ref`). */
  readonly clusterId: string;
  /** Bronze bucket name (S3 request metrics, filter `EntireBucket`). */
  readonly bronzeBucketName: string;
  /** Metastore instance identifier. */
  readonly dbInstanceIdentifier: string;
  /** Load balancer and one target group, as CloudWatch dimension values (`…FullName`). */
  readonly loadBalancerFullName: string;
  readonly targetGroupFullName: string;
}

/** Request-metrics filter id the bronze bucket publishes under (see ZoneBuckets). */
export const S3_REQUEST_METRICS_ID = 'EntireBucket';

/**
 * CloudWatch alarms (see {@link PLATFORM_ALARMS}: cluster health, YARN and
 * HDFS, failed applications, S3 5xx, RDS, load balancer targets) sending to
 * an encrypted SNS topic, an EventBridge rule that also sends failed EMR
 * steps and cluster terminations with errors to the topic, and one dashboard.
 */
export class LakeMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: LakeMonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { masterKey: props.key, enforceSSL: true, displayName: 'lakekit platform alarms' });
    for (const email of props.alarmEmails ?? []) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    const dimensions = (spec: AlarmSpec): Record<string, string> => {
      switch (spec.namespace) {
        case 'AWS/ElasticMapReduce': return { JobFlowId: props.clusterId };
        case 'AWS/S3': return { BucketName: props.bronzeBucketName, FilterId: S3_REQUEST_METRICS_ID };
        case 'AWS/RDS': return { DBInstanceIdentifier: props.dbInstanceIdentifier };
        case 'AWS/ApplicationELB': return { LoadBalancer: props.loadBalancerFullName, TargetGroup: props.targetGroupFullName };
      }
    };
    const metric = (spec: AlarmSpec): cloudwatch.Metric =>
      new cloudwatch.Metric({ namespace: spec.namespace, metricName: spec.metricName, dimensionsMap: dimensions(spec), statistic: spec.statistic, period: Duration.minutes(spec.periodMinutes) });
    const action = new actions.SnsAction(this.topic);
    this.alarms = PLATFORM_ALARMS.map((spec) => {
      const alarm = new cloudwatch.Alarm(this, spec.id, {
        alarmDescription: spec.description,
        metric: metric(spec),
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator[
          spec.comparison === 'GreaterThanThreshold' ? 'GREATER_THAN_THRESHOLD' : spec.comparison === 'LessThanThreshold' ? 'LESS_THAN_THRESHOLD' : 'GREATER_THAN_OR_EQUAL_TO_THRESHOLD'
        ],
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      return alarm;
    });

    new events.Rule(this, 'EmrFailures', {
      description: 'Failed EMR steps and clusters terminated with errors',
      eventPattern: {
        source: ['aws.emr'],
        detailType: ['EMR Step Status Change', 'EMR Cluster State Change'],
        detail: { clusterId: [props.clusterId], state: ['FAILED', 'TERMINATED_WITH_ERRORS'] },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });

    const m = (name: string, stat = 'Average'): cloudwatch.Metric =>
      new cloudwatch.Metric({ namespace: 'AWS/ElasticMapReduce', metricName: name, dimensionsMap: { JobFlowId: props.clusterId }, statistic: stat, period: Duration.minutes(5) });
    const byId = (alarmId: string): cloudwatch.Alarm => this.alarms[PLATFORM_ALARMS.findIndex((a) => a.id === alarmId)]!;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? 'lakekit-platform',
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Cluster nodes', left: [m('CoreNodesRunning'), m('TaskNodesRunning'), m('MRUnhealthyNodes', 'Maximum')] }),
          new cloudwatch.GraphWidget({ title: 'YARN', left: [m('YARNMemoryAvailablePercentage'), m('ContainerPendingRatio')], right: [m('AppsRunning', 'Sum'), m('AppsFailed', 'Sum')] }),
          new cloudwatch.GraphWidget({ title: 'HDFS', left: [m('HDFSUtilization'), m('MissingBlocks', 'Maximum')] }),
        ],
        [
          new cloudwatch.AlarmWidget({ title: 'Bronze S3 5xx', alarm: byId('BronzeS3Errors') }),
          new cloudwatch.AlarmWidget({ title: 'Metastore CPU', alarm: byId('MetastoreCpuHigh') }),
          new cloudwatch.AlarmWidget({ title: 'Metastore free storage', alarm: byId('MetastoreStorageLow') }),
          new cloudwatch.AlarmStatusWidget({ title: 'All alarms', alarms: [...this.alarms] }),
        ],
      ],
    });
  }
}
