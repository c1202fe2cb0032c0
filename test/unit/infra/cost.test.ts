/**
 * The cost model as a specification: with the design's line-item prices it
 * reproduces the revised design's breakdown to the cent; with list prices each
 * line follows from the platform's props and the table; invariants hold for
 * any usage.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import {
  AWS_US_EAST_1_PRICES,
  compareEstimates,
  DEFAULT_USAGE,
  DESIGN_PRICES,
  estimateMonthlyCost,
  formatCostReport,
  LAKE_KEY_NAMES,
  PLATFORM_ALARMS,
  tieredCost,
  type CostEstimate,
  type PriceTable,
} from '../../../src/infra/index.js';
import { TEST_PLATFORM_PROPS } from './fixture.js';

const line = (e: CostEstimate, id: string): number => {
  const l = e.lines.find((x) => x.id === id);
  if (l === undefined) throw new Error(`no line ${id}`);
  return l.monthly;
};
const code = (f: () => unknown): string => {
  try {
    f();
    return 'OK';
  } catch (e) {
    return isLakeError(e) ? e.code : 'NOT_LAKE_ERROR';
  }
};

describe('design reproduction (revised design, Monthly Cost Breakdown)', () => {
  const design = estimateMonthlyCost({}, DESIGN_PRICES);

  it('EMR cluster: $350 + $300 + $150 + $160 fee = $960', () => {
    expect([line(design, 'emr.master'), line(design, 'emr.core'), line(design, 'emr.task'), line(design, 'emr.fee')]).toEqual([350, 300, 150, 160]);
    expect(line(design, 'emr.ebs')).toBe(0);
    expect(design.subtotals.emr).toBe(960);
  });

  it('storage: raw $2,300, processed $1,150, archive $500 = $3,950', () => {
    expect([line(design, 'storage.raw'), line(design, 'storage.processed'), line(design, 'storage.archive')]).toEqual([2300, 1150, 500]);
    expect(design.subtotals.storage).toBe(3950);
  });

  it('managed: RDS $200, ALB $25, CloudWatch $100, transfer $50 = $375; nothing else', () => {
    expect([line(design, 'managed.rds'), line(design, 'managed.alb'), line(design, 'managed.cloudwatch'), line(design, 'managed.transfer')]).toEqual([200, 25, 100, 50]);
    expect(design.subtotals.managed).toBe(375);
    expect(design.subtotals.network).toBe(0);
  });

  it('total $5,285/month, $63,420/year, 77 % ($211,580) below the $275,000 baseline', () => {
    expect(design.monthly).toBe(5285);
    expect(design.annual).toBe(63420);
    expect(design.baseline).toEqual({ annual: 275000, annualSaving: 211580, savingPercent: 77 });
  });

  it('labels carry the design quantities', () => {
    expect(design.lines.find((l) => l.id === 'emr.task')!.label).toBe('Task nodes: 2 × r5.large × 365 h');
    expect(design.lines.find((l) => l.id === 'storage.archive')!.label).toContain('500 TB');
  });

  it('the report prints the same figures', () => {
    const report = formatCostReport(design);
    for (const s of ['$350.00', '$960.00', '$3,950.00', '$375.00', 'Total monthly: $5,285.00', 'Annual cost: $63,420.00', '(77 %)']) expect(report).toContain(s);
    expect(report).not.toContain('Networking and security');
  });
});

describe('list prices (default table) follow from the platform props', () => {
  const p = AWS_US_EAST_1_PRICES;
  const real = estimateMonthlyCost();
  const H = p.hoursPerMonth;
  const emrFee = p.emrFee.kind === 'per-instance-hour' ? p.emrFee.hourly : {};
  const r2 = (x: number): number => Math.round(x * 100) / 100;

  it('prices each EMR line from instance types, counts, spot and the per-instance EMR fee', () => {
    expect(line(real, 'emr.master')).toBe(r2(p.ec2Hourly['r5.2xlarge']! * H));
    expect(line(real, 'emr.core')).toBe(r2(2 * p.ec2Hourly['r5.xlarge']! * H));
    const taskHours = DEFAULT_USAGE.averageTaskNodes * H * DEFAULT_USAGE.taskUtilization;
    expect(line(real, 'emr.task')).toBe(r2(taskHours * p.ec2Hourly['r5.large']! * (1 - p.spotDiscount)));
    expect(line(real, 'emr.fee')).toBe(r2(H * (emrFee['r5.2xlarge']! + 2 * emrFee['r5.xlarge']!) + taskHours * emrFee['r5.large']!));
  });

  it('accepts the platform\'s own props unchanged (defaults price like no props)', () => {
    expect(estimateMonthlyCost(TEST_PLATFORM_PROPS)).toEqual(real);
    expect(estimateMonthlyCost({ ...TEST_PLATFORM_PROPS, emr: { ...TEST_PLATFORM_PROPS.emr, coreInstanceCount: 4 } }).monthly).toBeGreaterThan(real.monthly);
  });

  it('reflects prop changes: instance types, core count, on-demand tasks, archive class, single-AZ metastore', () => {
    const changed = estimateMonthlyCost({
      emr: { masterInstanceType: 'r5.4xlarge', coreInstanceCount: 3, taskOnSpot: false },
      buckets: { archiveStorageClass: 'GLACIER' },
      metastore: { multiAz: false },
    });
    expect(line(changed, 'emr.master')).toBe(r2(p.ec2Hourly['r5.4xlarge']! * H));
    expect(line(changed, 'emr.core')).toBe(r2(3 * p.ec2Hourly['r5.xlarge']! * H));
    expect(line(changed, 'emr.task')).toBe(r2(730 * p.ec2Hourly['r5.large']!));
    expect(line(changed, 'storage.archive')).toBe(r2(500 * p.gbPerTb * p.s3.archiveGbMonth.GLACIER));
    expect(line(changed, 'managed.rds')).toBe(r2(line(real, 'managed.rds') / 2));
  });

  it('counts the alarms, keys and endpoints the constructs create', () => {
    expect(real.lines.find((l) => l.id === 'managed.cloudwatch')!.detail).toContain(`${PLATFORM_ALARMS.length} alarms`);
    expect(real.lines.find((l) => l.id === 'network.kms')!.label).toContain(`(${LAKE_KEY_NAMES.length})`);
    const fewer = estimateMonthlyCost({ network: { interfaceEndpoints: ['kms'] } });
    expect(line(fewer, 'network.endpoints')).toBeLessThan(line(real, 'network.endpoints'));
  });

  it('explains every line that differs from the design, and the deltas add up to the total difference', () => {
    const design = estimateMonthlyCost({}, DESIGN_PRICES);
    const diffs = compareEstimates(design, real);
    const sum = diffs.reduce((a, d) => a + Math.round(d.delta * 100), 0);
    expect(sum).toBe(Math.round((real.monthly - design.monthly) * 100));
    for (const d of diffs) expect(d.reason.length).toBeGreaterThan(20);
    const fee = diffs.find((d) => d.id === 'emr.fee')!;
    expect(fee.reason).toMatch(/per-instance/);
    expect(diffs.find((d) => d.id === 'storage.archive')!.reason).toMatch(/Deep Archive/);
    expect(compareEstimates(real, real)).toEqual([]);
  });
});

describe('validation', () => {
  it('rejects out-of-range usage and missing prices with ValidationError', () => {
    expect(code(() => estimateMonthlyCost({ usage: { taskUtilization: 1.5 } }))).toBe('VALIDATION');
    expect(code(() => estimateMonthlyCost({ usage: { storedTb: { bronze: -1 } } }))).toBe('VALIDATION');
    expect(code(() => estimateMonthlyCost({ usage: { averageTaskNodes: 11 } }))).toBe('VALIDATION');
    expect(code(() => estimateMonthlyCost({ usage: { infrequentAccessShare: 0.7, archiveInstantShare: 0.7 } }))).toBe('VALIDATION');
    expect(code(() => estimateMonthlyCost({ usage: { averageObjectMib: 0 } }))).toBe('VALIDATION');
    expect(code(() => estimateMonthlyCost({ emr: { masterInstanceType: 'x9.huge' } }))).toBe('VALIDATION');
    expect(code(() => estimateMonthlyCost({ metastore: { instanceClass: 'db.nope' } }))).toBe('VALIDATION');
  });
});

describe('invariants', () => {
  const usage = fc.record({
    storedTb: fc.record({ bronze: fc.double({ min: 0, max: 5000, noNaN: true }), silver: fc.double({ min: 0, max: 5000, noNaN: true }), gold: fc.double({ min: 0, max: 5000, noNaN: true }), archive: fc.double({ min: 0, max: 50000, noNaN: true }) }),
    averageTaskNodes: fc.double({ min: 0, max: 10, noNaN: true }),
    taskUtilization: fc.double({ min: 0, max: 1, noNaN: true }),
    spotShare: fc.double({ min: 0, max: 1, noNaN: true }),
    internetEgressGb: fc.double({ min: 0, max: 1e6, noNaN: true }),
  });
  const tables: PriceTable[] = [AWS_US_EAST_1_PRICES, DESIGN_PRICES];

  it('sections and total are exact sums of the lines (in cents); annual is 12 × monthly', () => {
    fc.assert(fc.property(usage, fc.constantFrom(...tables), (u, t) => {
      const e = estimateMonthlyCost({ usage: u }, t);
      const c = (n: number): number => Math.round(n * 100);
      expect(c(e.monthly)).toBe(e.lines.reduce((a, l) => a + c(l.monthly), 0));
      expect(c(e.monthly)).toBe(c(e.subtotals.emr) + c(e.subtotals.storage) + c(e.subtotals.managed) + c(e.subtotals.network));
      expect(c(e.annual)).toBe(12 * c(e.monthly));
      for (const l of e.lines) expect(l.monthly).toBeGreaterThanOrEqual(0);
    }));
  });

  it('more stored data never costs less; more spot never costs more', () => {
    fc.assert(fc.property(usage, fc.double({ min: 0, max: 1000, noNaN: true }), (u, extra) => {
      const base = estimateMonthlyCost({ usage: u });
      const more = estimateMonthlyCost({ usage: { ...u, storedTb: { ...u.storedTb, bronze: u.storedTb.bronze + extra } } });
      expect(more.subtotals.storage).toBeGreaterThanOrEqual(base.subtotals.storage - 0.01);
      const allSpot = estimateMonthlyCost({ usage: { ...u, spotShare: 1 } });
      const noSpot = estimateMonthlyCost({ usage: { ...u, spotShare: 0 } });
      expect(line(allSpot, 'emr.task')).toBeLessThanOrEqual(line(noSpot, 'emr.task'));
    }));
  });

  it('tiered pricing is monotone, never above the first-tier rate, and equals a flat rate with one tier', () => {
    const tiers = AWS_US_EAST_1_PRICES.s3.standardTiers;
    fc.assert(fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (gb, more) => {
      expect(tieredCost(gb + more, tiers, 1024)).toBeGreaterThanOrEqual(tieredCost(gb, tiers, 1024));
      expect(tieredCost(gb, tiers, 1024)).toBeLessThanOrEqual(gb * 0.023 + 1e-6);
      expect(tieredCost(gb, [{ perGbMonth: 0.023 }], 1000)).toBeCloseTo(gb * 0.023, 6);
    }));
  });
});
