import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ValidationError } from '../errors.js';

/** CloudWatch Logs retention for a number of days; only the values CloudWatch accepts are allowed. */
export function logRetention(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is RetentionDays => typeof v === 'number' && v > 0);
  const match = allowed.find((v) => v === days);
  if (match === undefined) throw new ValidationError(`Log retention of ${days} days is not one CloudWatch Logs accepts; use one of ${allowed.join(', ')}.`);
  return match;
}
