import { type RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_INTERFACE_ENDPOINTS, DEFAULT_LOG_RETENTION_DAYS, DEFAULT_MAX_AZS, DEFAULT_NAT_GATEWAYS } from './defaults.js';
import { DEFAULT_REMOVAL_POLICY } from './keys.js';
import { acknowledgeTopic } from './compliance.js';
import { logRetention } from './log-retention.js';
import { ValidationError } from '../errors.js';

/** Default VPC CIDR. */
export const DEFAULT_VPC_CIDR = '10.40.0.0/16';
/** Tag EMR's v2 managed policies require on the subnets and security groups the cluster uses. */
export const EMR_MANAGED_POLICY_TAG = { key: 'for-use-with-amazon-emr-managed-policies', value: 'true' } as const;

/** Options of {@link LakeNetwork} that the platform's props carry. */
export interface LakeNetworkOptions {
  /**
   * VPC CIDR block.
   * @default DEFAULT_VPC_CIDR ('10.40.0.0/16')
   */
  readonly vpcCidr?: string;
  /**
   * Availability Zones to span (at least two).
   * @default DEFAULT_MAX_AZS (2)
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways.
   * @default DEFAULT_NAT_GATEWAYS (2, one per AZ)
   */
  readonly natGateways?: number;
  /**
   * Interface endpoints, by service name (`com.amazonaws.<region>.<name>`).
   * @default DEFAULT_INTERFACE_ENDPOINTS (kms, glue, sts, logs, monitoring, lakeformation, elasticmapreduce, secretsmanager)
   */
  readonly interfaceEndpoints?: readonly string[];
  /**
   * Days the flow-log group keeps events.
   * @default DEFAULT_LOG_RETENTION_DAYS (400)
   */
  readonly flowLogRetentionDays?: number;
}

/** Props of {@link LakeNetwork}. */
export interface LakeNetworkProps extends LakeNetworkOptions {
  /** Key that encrypts the flow-log group (the platform passes its audit key). */
  readonly logKey: kms.IKey;
  /**
   * What happens to the flow-log group when the stack is deleted.
   * @default DEFAULT_REMOVAL_POLICY (RETAIN)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The platform's VPC: public subnets (load balancer, NAT), private subnets
 * with egress (EMR), isolated database subnets (RDS), across at least two
 * AZs; VPC flow logs to a KMS-encrypted log group; gateway endpoints for S3
 * and DynamoDB and interface endpoints for the services the cluster calls, so
 * that traffic stays off the internet; and the subnet tag EMR's managed
 * policies require.
 */
export class LakeNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
  /** The VPC's CIDR block, as a literal (rules and nag checks can read it). */
  readonly cidr: string;

  constructor(scope: Construct, id: string, props: LakeNetworkProps) {
    super(scope, id);
    const maxAzs = props.maxAzs ?? DEFAULT_MAX_AZS;
    if (!Number.isInteger(maxAzs) || maxAzs < 2) throw new ValidationError(`LakeNetwork: maxAzs must be an integer ≥ 2 (got ${maxAzs}); the metastore's Multi-AZ standby and the load balancer need two AZs.`);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.cidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: props.logKey,
      retention: logRetention(props.flowLogRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS),
      removalPolicy,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(this.cidr),
      maxAzs,
      natGateways: props.natGateways ?? DEFAULT_NAT_GATEWAYS,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });
    acknowledgeTopic(this.vpc.node.findChild('all'), 'cdkGeneratedLogPolicies');
    acknowledgeTopic(this.vpc, 'defaultSecurityGroup');
    for (const subnet of this.vpc.publicSubnets) acknowledgeTopic(subnet, 'publicSubnetRoutes');
    for (const subnet of this.vpc.privateSubnets) Tags.of(subnet).add(EMR_MANAGED_POLICY_TAG.key, EMR_MANAGED_POLICY_TAG.value);

    const endpointSg = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'HTTPS from inside the VPC to interface endpoints',
      allowAllOutbound: false,
    });
    endpointSg.addIngressRule(ec2.Peer.ipv4(this.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const name of props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS) {
      this.vpc.addInterfaceEndpoint(`${name.replace(/[^A-Za-z0-9]/g, '')}Endpoint`, {
        service: new ec2.InterfaceVpcEndpointAwsService(name),
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [endpointSg],
        privateDnsEnabled: true,
        open: false,
      });
    }
  }
}
