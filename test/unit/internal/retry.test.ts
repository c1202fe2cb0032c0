import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IoError, TimeoutError, ValidationError, isLakeError } from '../../../src/errors.js';
import { backoffCeiling, retry } from '../../../src/internal/retry.js';

describe('retry', () => {
  it('retries retryable errors and returns the first success', async () => {
    let calls = 0;
    const waits: number[] = [];
    const out = await retry(
      async ({ attempt }) => {
        calls++;
        if (attempt < 3) throw new IoError('flaky', { retryable: true });
        return 'ok';
      },
      { random: () => 0.5, sleep: async (ms) => void waits.push(ms), baseDelayMs: 100, maxDelayMs: 10_000 },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(4);
    // Full jitter: random() * min(max, base * 2^attempt).
    expect(waits).toEqual([50, 100, 200]);
  });

  it('does not retry non-retryable errors', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new ValidationError('bad input');
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(1);
  });

  it('stops after the configured number of retries with the last error', async () => {
    let calls = 0;
    const err = retry(
      async () => {
        calls++;
        throw new IoError(`attempt ${calls}`, { retryable: true });
      },
      { retries: 2, sleep: async () => {} },
    );
    await expect(err).rejects.toThrow('attempt 3');
    expect(calls).toBe(3);
  });

  it('honours a custom retryable predicate', async () => {
    let calls = 0;
    await retry(
      async () => {
        if (++calls < 2) throw new Error('plain');
        return 1;
      },
      { isRetryable: (e) => (e as Error).message === 'plain', sleep: async () => {} },
    );
    expect(calls).toBe(2);
  });

  it('gives a TimeoutError when the next wait would pass the deadline', async () => {
    let now = 0;
    const e = await retry(
      async () => {
        now += 100;
        throw new IoError('slow', { retryable: true });
      },
      { deadlineMs: 1000, now: () => now, random: () => 0.99, baseDelayMs: 300, sleep: async (ms) => void (now += ms) },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(isLakeError(e, 'TIMEOUT')).toBe(true);
    expect((e as TimeoutError).cause).toBeInstanceOf(IoError);
    // It gave up instead of starting a wait that would end past the deadline.
    expect(now).toBe(497);
  });

  it('aborts a hanging attempt at the deadline', async () => {
    const e = await retry(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))), {
      deadlineMs: 50,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const p = retry(
      async () => {
        controller.abort(new Error('cancelled by caller'));
        throw new IoError('x', { retryable: true });
      },
      { signal: controller.signal, sleep: async () => {} },
    );
    await expect(p).rejects.toThrow('x');
  });

  it('keeps backoff ceilings exponential and capped (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), (attempt, base, max) => {
        const c = backoffCeiling(attempt, base, max);
        expect(c).toBeLessThanOrEqual(max);
        expect(c).toBe(Math.min(max, base * 2 ** Math.min(attempt, 30)));
        expect(backoffCeiling(attempt + 1, base, max)).toBeGreaterThanOrEqual(c);
      }),
    );
  });
});
