/**
 * Partition ordinals for the time transforms (year, month, day, hour) computed
 * straight from Arrow buffers with number arithmetic: no BigInt per row, which
 * is what dominates a partitioned append otherwise. Covers microsecond
 * timestamps within ±2^53 µs of the epoch (about ±285 years) and dates; any
 * other input returns undefined and the caller takes the general path.
 */
import { DateUnit, TimeUnit, Type, type Data, type DataType } from 'apache-arrow';
import { civilFromDays } from '../spec/temporal.js';
import type { Transform } from '../spec/transforms.js';
import type { IcebergType } from '../spec/types.js';

const US_PER_DAY = 86_400_000_000;
const US_PER_HOUR = 3_600_000_000;
const TWO_32 = 4_294_967_296;

/** Per-row ordinals (NaN for null), or undefined when this input is not covered. */
export function temporalOrdinals(data: Data, transform: Transform, source: IcebergType): Float64Array | undefined {
  if (transform.type !== 'year' && transform.type !== 'month' && transform.type !== 'day' && transform.type !== 'hour') return undefined;
  const type = data.type as DataType;
  const n = data.length;
  const out = new Float64Array(n);
  const valid = (i: number) => {
    if (data.nullCount === 0) return true;
    const j = data.offset + i;
    return ((data.nullBitmap![j >> 3]! >> (j & 7)) & 1) === 1;
  };
  let days: ((i: number) => number) | undefined;
  let hours: ((i: number) => number) | undefined;
  if ((source.type === 'timestamp' || source.type === 'timestamptz') && type.typeId === Type.Timestamp && (type as unknown as { unit: TimeUnit }).unit === TimeUnit.MICROSECOND) {
    const v = data.values as BigInt64Array;
    const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
    // Little-endian halves; exact while |value| < 2^53 (checked below).
    const micros = (i: number) => words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
    for (let i = 0; i < n; i++) {
      const hi = words[2 * i + 1]!;
      if (hi > 0x1fffff || hi < -0x200000) return undefined;
    }
    days = (i) => Math.floor(micros(i) / US_PER_DAY);
    hours = (i) => Math.floor(micros(i) / US_PER_HOUR);
  } else if (source.type === 'date' && type.typeId === Type.Date && (type as unknown as { unit: DateUnit }).unit === DateUnit.DAY) {
    const v = data.values as Int32Array;
    days = (i) => v[i]!;
  } else return undefined;
  if (transform.type === 'hour' && hours === undefined) return undefined;
  for (let i = 0; i < n; i++) {
    if (!valid(i)) {
      out[i] = NaN;
      continue;
    }
    switch (transform.type) {
      case 'hour':
        out[i] = hours!(i);
        break;
      case 'day':
        out[i] = days(i);
        break;
      case 'month': {
        const c = civilFromDays(days(i));
        out[i] = (c.year - 1970) * 12 + (c.month - 1);
        break;
      }
      case 'year':
        out[i] = civilFromDays(days(i)).year - 1970;
        break;
    }
  }
  return out;
}
