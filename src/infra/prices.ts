/**
 * Price tables for {@link estimateMonthlyCost}: the public AWS list prices the
 * default estimate uses, and the line-item prices the revised design used, so
 * the design's own figures can be reproduced and compared.
 *
 * @module
 */

/** One step of a tiered per-GB price: bytes up to `upToTb` (cumulative) cost `perGbMonth`. */
export interface PriceTier {
  /** Upper bound of the tier in TB (the table's {@link PriceTable.gbPerTb}); omit on the last tier. */
  readonly upToTb?: number;
  /** Price per GB-month inside the tier, USD. */
  readonly perGbMonth: number;
}

/**
 * How the EMR service fee is charged: as AWS does, a per-instance-hour price
 * for each instance type (`per-instance-hour`), or as a share of the EC2 bill
 * (`percent-of-ec2`), the way the design approximated it.
 */
export type EmrFeePricing =
  | { readonly kind: 'per-instance-hour'; readonly hourly: Readonly<Record<string, number>> }
  | { readonly kind: 'percent-of-ec2'; readonly fraction: number };

/**
 * Every price the cost model uses, USD. Each managed service has a
 * `fixedMonthly` part (how the design priced it: one figure a month) and
 * metered parts (how AWS bills it); a table sets whichever it knows.
 */
export interface PriceTable {
  /** Short name shown in reports. */
  readonly name: string;
  /** Where the prices come from and when they were recorded. */
  readonly source: string;
  /** Hours in a billing month. */
  readonly hoursPerMonth: number;
  /** GB in a TB for storage sizes (AWS bills binary: 1 TB = 1024 GB; the design used 1000). */
  readonly gbPerTb: number;
  /** EC2 on-demand Linux price per instance-hour, by instance type. */
  readonly ec2Hourly: Readonly<Record<string, number>>;
  /** Fraction spot instances save against on-demand (0 = none, 0.6 = 60 % off). */
  readonly spotDiscount: number;
  /** EMR service fee. */
  readonly emrFee: EmrFeePricing;
  /** EBS gp3 per GB-month. */
  readonly ebsGp3GbMonth: number;
  /** S3 prices. */
  readonly s3: {
    /** S3 Standard, also Intelligent-Tiering's Frequent Access tier, tiered over the account's total. */
    readonly standardTiers: readonly PriceTier[];
    /** Intelligent-Tiering Infrequent Access tier, per GB-month. */
    readonly intelligentInfrequentGbMonth: number;
    /** Intelligent-Tiering Archive Instant Access tier, per GB-month. */
    readonly intelligentArchiveInstantGbMonth: number;
    /** Intelligent-Tiering monitoring and automation, per 1,000 objects a month. */
    readonly intelligentMonitoringPer1000Objects: number;
    /** Archive storage classes, per GB-month. */
    readonly archiveGbMonth: Readonly<Record<'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE', number>>;
  };
  /** RDS for PostgreSQL. */
  readonly rds: {
    readonly fixedMonthly: number;
    /** Single-AZ price per instance-hour by class; Multi-AZ bills the standby too (×2). */
    readonly instanceHourly: Readonly<Record<string, number>>;
    /** gp3 storage per GB-month, single-AZ (×2 for Multi-AZ). */
    readonly storageGbMonth: number;
  };
  /** Application Load Balancer. */
  readonly alb: { readonly fixedMonthly: number; readonly hourly: number; readonly lcuHourly: number };
  /** CloudWatch. */
  readonly cloudWatch: {
    readonly fixedMonthly: number;
    readonly alarmMonthly: number;
    readonly dashboardMonthly: number;
    readonly logsIngestedGb: number;
    readonly logsStoredGbMonth: number;
  };
  /** Data transfer out to the internet. */
  readonly dataTransfer: { readonly fixedMonthly: number; readonly internetEgressGb: number; readonly freeGb: number };
  /** Networking and security items the design left out. */
  readonly network: {
    readonly natGatewayHourly: number;
    readonly natProcessedGb: number;
    /** Per interface endpoint, per AZ, per hour. */
    readonly interfaceEndpointHourly: number;
    readonly endpointProcessedGb: number;
    readonly wafWebAclMonthly: number;
    readonly wafRuleMonthly: number;
    readonly wafPerMillionRequests: number;
    readonly kmsKeyMonthly: number;
    readonly secretMonthly: number;
  };
}

/**
 * Public on-demand list prices, US East (N. Virginia), USD, Linux, no
 * commitments. Sources: aws.amazon.com/ec2/pricing/on-demand, /emr/pricing,
 * /ebs/pricing, /s3/pricing, /rds/postgresql/pricing, /elasticloadbalancing/pricing,
 * /cloudwatch/pricing, /vpc/pricing, /privatelink/pricing, /waf/pricing,
 * /kms/pricing, /secrets-manager/pricing. Recorded from those pages as published
 * through 2025 (RDS t4g and gp3 rates re-checked against third-party 2026
 * summaries of the RDS page on 2026-11-22); not fetched live — check the AWS
 * Pricing Calculator before budgeting. Spot is not a list price: 60 % off is
 * a typical r5 discount, not a quote.
 */
export const AWS_US_EAST_1_PRICES: PriceTable = {
  name: 'aws-us-east-1',
  source: 'AWS public on-demand list prices, us-east-1 (recorded 2025; RDS re-checked 2026-11-22)',
  hoursPerMonth: 730,
  gbPerTb: 1024,
  ec2Hourly: {
    'r5.large': 0.126,
    'r5.xlarge': 0.252,
    'r5.2xlarge': 0.504,
    'r5.4xlarge': 1.008,
    'm5.xlarge': 0.192,
    'm5.2xlarge': 0.384,
  },
  spotDiscount: 0.6,
  emrFee: {
    kind: 'per-instance-hour',
    hourly: {
      'r5.large': 0.0315,
      'r5.xlarge': 0.063,
      'r5.2xlarge': 0.126,
      'r5.4xlarge': 0.252,
      'm5.xlarge': 0.048,
      'm5.2xlarge': 0.096,
    },
  },
  ebsGp3GbMonth: 0.08,
  s3: {
    standardTiers: [
      { upToTb: 50, perGbMonth: 0.023 },
      { upToTb: 500, perGbMonth: 0.022 },
      { perGbMonth: 0.021 },
    ],
    intelligentInfrequentGbMonth: 0.0125,
    intelligentArchiveInstantGbMonth: 0.004,
    intelligentMonitoringPer1000Objects: 0.0025,
    archiveGbMonth: { GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099 },
  },
  rds: {
    fixedMonthly: 0,
    instanceHourly: { 'db.t4g.medium': 0.065, 'db.t4g.large': 0.129 },
    storageGbMonth: 0.115,
  },
  alb: { fixedMonthly: 0, hourly: 0.0225, lcuHourly: 0.008 },
  cloudWatch: { fixedMonthly: 0, alarmMonthly: 0.1, dashboardMonthly: 3, logsIngestedGb: 0.5, logsStoredGbMonth: 0.03 },
  dataTransfer: { fixedMonthly: 0, internetEgressGb: 0.09, freeGb: 100 },
  network: {
    natGatewayHourly: 0.045,
    natProcessedGb: 0.045,
    interfaceEndpointHourly: 0.01,
    endpointProcessedGb: 0.01,
    wafWebAclMonthly: 5,
    wafRuleMonthly: 1,
    wafPerMillionRequests: 0.6,
    kmsKeyMonthly: 1,
    secretMonthly: 0.4,
  },
};

/**
 * The revised design's line-item prices (../shared/seeds/001, "Monthly Cost
 * Breakdown"), written as a price table so {@link estimateMonthlyCost} with the
 * default platform reproduces its figures exactly: the hourly rates are the
 * ones its totals imply (e.g. $350 / 730 h for the master), storage is a flat
 * $0.023/GB with 1 TB = 1,000 GB, archive $0.001/GB, the EMR fee 20 % of EC2,
 * and the managed services are its flat monthly figures. Items the design left
 * out (EBS, NAT, endpoints, WAF, KMS, secrets) are priced at zero.
 */
export const DESIGN_PRICES: PriceTable = {
  name: 'design',
  source: 'Revised design (001), Monthly Cost Breakdown',
  hoursPerMonth: 730,
  gbPerTb: 1000,
  ec2Hourly: { 'r5.2xlarge': 350 / 730, 'r5.xlarge': 150 / 730, 'r5.large': 150 / 730 },
  spotDiscount: 0,
  emrFee: { kind: 'percent-of-ec2', fraction: 0.2 },
  ebsGp3GbMonth: 0,
  s3: {
    standardTiers: [{ perGbMonth: 0.023 }],
    intelligentInfrequentGbMonth: 0.023,
    intelligentArchiveInstantGbMonth: 0.023,
    intelligentMonitoringPer1000Objects: 0,
    archiveGbMonth: { GLACIER_IR: 0.001, GLACIER: 0.001, DEEP_ARCHIVE: 0.001 },
  },
  rds: { fixedMonthly: 200, instanceHourly: {}, storageGbMonth: 0 },
  alb: { fixedMonthly: 25, hourly: 0, lcuHourly: 0 },
  cloudWatch: { fixedMonthly: 100, alarmMonthly: 0, dashboardMonthly: 0, logsIngestedGb: 0, logsStoredGbMonth: 0 },
  dataTransfer: { fixedMonthly: 50, internetEgressGb: 0, freeGb: 0 },
  network: {
    natGatewayHourly: 0,
    natProcessedGb: 0,
    interfaceEndpointHourly: 0,
    endpointProcessedGb: 0,
    wafWebAclMonthly: 0,
    wafRuleMonthly: 0,
    wafPerMillionRequests: 0,
    kmsKeyMonthly: 0,
    secretMonthly: 0,
  },
};
