import { ArnFormat, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ValidationError } from '../errors.js';
import { DEFAULT_LOG_RETENTION_DAYS, DEFAULT_WAF_MANAGED_RULE_GROUPS } from './defaults.js';
import { DEFAULT_REMOVAL_POLICY } from './keys.js';
import { logRetention } from './log-retention.js';

/** One UI on the master node the load balancer exposes over HTTPS. */
export interface UiRoute {
  /** Short name (target group id). */
  readonly name: string;
  /** HTTPS port on the load balancer. */
  readonly listenerPort: number;
  /** Port on the master node. */
  readonly targetPort: number;
  /** Protocol the master serves on that port. */
  readonly targetProtocol: 'HTTP' | 'HTTPS';
  /** Health-check path. */
  readonly healthPath: string;
}

/**
 * UIs behind the load balancer. With EMR in-transit encryption on, JupyterHub,
 * Livy, Trino and the Spark history server serve TLS on these ports; Airflow's
 * webserver serves HTTP on the master only (the security group admits only the
 * load balancer).
 */
export const DEFAULT_UI_ROUTES: readonly UiRoute[] = [
  { name: 'jupyterhub', listenerPort: 443, targetPort: 9443, targetProtocol: 'HTTPS', healthPath: '/hub/health' },
  { name: 'trino', listenerPort: 8446, targetPort: 8446, targetProtocol: 'HTTPS', healthPath: '/v1/info' },
  { name: 'livy', listenerPort: 8998, targetPort: 8998, targetProtocol: 'HTTPS', healthPath: '/version' },
  { name: 'sparkhistory', listenerPort: 18480, targetPort: 18480, targetProtocol: 'HTTPS', healthPath: '/' },
  { name: 'airflow', listenerPort: 8443, targetPort: 8080, targetProtocol: 'HTTP', healthPath: '/health' },
];

/** Options of {@link UiLoadBalancer} that the platform's props carry. */
export interface UiLoadBalancerOptions {
  /** ACM certificate ARN for the HTTPS listeners. */
  readonly certificateArn: string;
  /**
   * CIDR blocks allowed to reach the load balancer.
   * @default - the VPC's CIDR (reach it over VPN or Direct Connect)
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * Place the load balancer in the public subnets with a public DNS name.
   * @default false (internal)
   */
  readonly internetFacing?: boolean;
  /**
   * UIs to expose.
   * @default DEFAULT_UI_ROUTES
   */
  readonly routes?: readonly UiRoute[];
}

/** Props of {@link UiLoadBalancer}. */
export interface UiLoadBalancerProps extends UiLoadBalancerOptions {
  readonly vpc: ec2.IVpc;
  /** Access-log bucket (SSE-S3, as ELB log delivery requires). */
  readonly accessLogBucket: s3.IBucket;
  /** Encrypts the WAF log group. */
  readonly logKey: kms.IKey;
  /** @default DEFAULT_REMOVAL_POLICY (RETAIN) */
  readonly removalPolicy?: RemovalPolicy;
}

/** TLS policy of every listener: TLS 1.2 and 1.3 only, forward secrecy. */
export const UI_TLS_POLICY = elbv2.SslPolicy.RECOMMENDED_TLS;

/**
 * An HTTPS-only Application Load Balancer in front of the master node's UIs:
 * one TLS listener per UI (no plain-HTTP listener at all), deletion
 * protection, invalid headers dropped, access logs to S3, and a WAF web ACL
 * with AWS managed rule groups logging to an encrypted log group. Targets are
 * registered by the master's bootstrap action (the master has no fixed IP).
 */
export class UiLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly targetGroups: readonly elbv2.ApplicationTargetGroup[];
  readonly routes: readonly UiRoute[];

  constructor(scope: Construct, id: string, props: UiLoadBalancerProps) {
    super(scope, id);
    if (!props.certificateArn.startsWith('arn:')) throw new ValidationError(`UiLoadBalancer: certificateArn must be an ACM certificate ARN (got '${props.certificateArn}').`);
    this.routes = props.routes ?? DEFAULT_UI_ROUTES;
    const ports = new Set(this.routes.map((r) => r.listenerPort));
    if (ports.size !== this.routes.length) throw new ValidationError('UiLoadBalancer: each route needs its own listenerPort.');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'UI load balancer: HTTPS from allowed networks', allowAllOutbound: false });
    const cidrs = props.allowedCidrs ?? [props.vpc.vpcCidrBlock];
    for (const cidr of cidrs) for (const r of this.routes) this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(r.listenerPort), `HTTPS ${r.name}`);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: props.internetFacing ?? false,
      vpcSubnets: { subnetType: (props.internetFacing ?? false) ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.securityGroup,
      deletionProtection: true,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogBucket, 'alb');

    const groups: elbv2.ApplicationTargetGroup[] = [];
    for (const r of this.routes) {
      const tg = new elbv2.ApplicationTargetGroup(this, `${r.name}Targets`, {
        vpc: props.vpc,
        targetType: elbv2.TargetType.INSTANCE,
        port: r.targetPort,
        protocol: r.targetProtocol === 'HTTPS' ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
        healthCheck: { path: r.healthPath, healthyHttpCodes: '200-399', interval: Duration.seconds(30) },
      });
      this.loadBalancer.addListener(`${r.name}Listener`, {
        port: r.listenerPort,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        sslPolicy: UI_TLS_POLICY,
        certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
        defaultTargetGroups: [tg],
        open: false,
      });
      groups.push(tg);
    }
    this.targetGroups = groups;

    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'lakekit-ui', sampledRequestsEnabled: true },
      rules: DEFAULT_WAF_MANAGED_RULE_GROUPS.map((name, priority) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
      })),
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: webAcl.attrArn });
    // WAF only logs to log groups whose name starts with aws-waf-logs-.
    const wafLogName = `aws-waf-logs-${this.node.addr.slice(0, 16)}`;
    const wafLogs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: wafLogName,
      encryptionKey: props.logKey,
      retention: logRetention(DEFAULT_LOG_RETENTION_DAYS),
      removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
    });
    const wafLogging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', { resourceArn: webAcl.attrArn, logDestinationConfigs: [Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: wafLogName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })] });
    wafLogging.node.addDependency(wafLogs);
  }

  /** Lets the load balancer reach the UIs on the master. */
  allowTo(master: ec2.ISecurityGroup): void {
    for (const r of this.routes) {
      this.securityGroup.addEgressRule(master, ec2.Port.tcp(r.targetPort), `to ${r.name} on the master`);
      master.addIngressRule(this.securityGroup, ec2.Port.tcp(r.targetPort), `${r.name} from the UI load balancer`);
    }
  }
}
