import { DateDay, TimestampMicrosecond, makeData, vectorFromArray, type Data } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindTransform } from '../../../../src/iceberg/spec/transform-apply.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types } from '../../../../src/iceberg/spec/types.js';
import { temporalOrdinals } from '../../../../src/iceberg/write/temporal-keys.js';

const transforms = [Transforms.year, Transforms.month, Transforms.day, Transforms.hour];
const LIMIT = 2n ** 53n - 1n;

/** Timestamp data with exact microsecond values (and nulls), built from the buffers. */
function micros(values: (bigint | null)[], tz: boolean): Data {
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  const nullCount = values.filter((v) => v === null).length;
  return makeData({ type: new TimestampMicrosecond(tz ? 'UTC' : null), length: values.length, nullCount, nullBitmap: bitmap, data: BigInt64Array.from(values.map((v) => v ?? 0n)) });
}

describe('temporalOrdinals', () => {
  it('agrees with the spec transforms on microsecond timestamps, before and after the epoch (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.bigInt({ min: -LIMIT, max: LIMIT }), { nil: null }), { maxLength: 40 }), fc.constantFrom(...transforms), fc.boolean(), (values, t, tz) => {
        const source = tz ? Types.timestamptz : Types.timestamp;
        const out = temporalOrdinals(micros(values, tz), t, source);
        expect(out).toBeDefined();
        const apply = bindTransform(t, source);
        values.forEach((x, i) => expect(Number.isNaN(out![i]!) ? null : out![i]).toBe(x === null ? null : apply(x)));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the spec transforms on dates (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: null }), { maxLength: 40 }), fc.constantFrom(Transforms.year, Transforms.month, Transforms.day), (values, t) => {
        const v = vectorFromArray(values.map((d) => (d === null ? null : new Date(d * 86_400_000))), new DateDay());
        const out = temporalOrdinals(v.data[0]!, t, Types.date);
        const apply = bindTransform(t, Types.date);
        values.forEach((x, i) => expect(Number.isNaN(out![i]!) ? null : out![i]).toBe(x === null ? null : apply(x)));
      }),
      { numRuns: 200 },
    );
  });

  it('declines what it does not cover, so the general path handles it', () => {
    const far = micros([2n ** 60n], true);
    expect(temporalOrdinals(far, Transforms.day, Types.timestamptz)).toBeUndefined();
    expect(temporalOrdinals(micros([1n], true), Transforms.bucket(4), Types.timestamptz)).toBeUndefined();
    expect(temporalOrdinals(vectorFromArray([1], new DateDay()).data[0]!, Transforms.hour, Types.date)).toBeUndefined();
  });
});
