/**
 * `Retry-After` on 429 and 503: honoured (delay-seconds or HTTP-date), capped,
 * only on idempotent calls; a commit is still never re-sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { DEFAULT_MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../../src/catalog/rest/http.js';
import { icebergError, json, loadTableBody, useFakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
const NOW = Date.UTC(2026, 10, 22, 8, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates (IMF-fixdate, RFC 850, asctime)', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Sun, 22 Nov 2026 08:00:05 GMT', NOW)).toBe(5_000);
    expect(parseRetryAfter('Sunday, 22-Nov-26 08:00:07 GMT', NOW)).toBe(7_000);
    expect(parseRetryAfter('Sun Nov 22 08:00:09 2026', NOW)).toBeGreaterThanOrEqual(0);
  });

  it('a date in the past means no wait; absent or unreadable values mean no hint', () => {
    expect(parseRetryAfter('Sat, 21 Nov 2026 08:00:00 GMT', NOW)).toBe(0);
    for (const v of [null, undefined, '', '-5', '1.5', 'soon', '2026-11-22T08:00:05Z', 'Mon, garbage', '99999999999']) {
      expect(parseRetryAfter(v, NOW), String(v)).toBeUndefined();
    }
  });

  it('never throws, and gives undefined or a finite wait ≥ 0 for any header text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (v) => {
        const ms = parseRetryAfter(v, NOW);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('delay-seconds round-trip for every integer up to 10 digits', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), (s) => parseRetryAfter(String(s), NOW) === s * 1000));
  });
});

const server = useFakeServer();

/** Answers table calls with `status` and `headers` `failures` times, then succeeds. */
function flaky(status: number, headers: Record<string, string>, failures = 1) {
  let failed = 0;
  server.handle((req, res) => {
    if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
    if (failed < failures) {
      failed++;
      return json(res, status, icebergError(status, status === 429 ? 'TooManyRequests' : 'SlowDownException', 'slow down'), headers);
    }
    return json(res, 200, loadTableBody());
  });
}

/** A catalog whose waits are recorded instead of slept (backoff jitter pinned to 0). */
function recording(retry: { maxRetryAfterMs?: number } = {}) {
  const waits: number[] = [];
  const catalog = new RestCatalog({
    uri: server.uri,
    retry: { retries: 2, random: () => 0, sleep: async (ms) => void waits.push(ms), ...retry },
  });
  return { catalog, waits };
}

describe('RestCatalog honours Retry-After', () => {
  it('waits the seconds a 503 asks for before retrying an idempotent call', async () => {
    flaky(503, { 'retry-after': '2' });
    const { catalog, waits } = recording();
    await catalog.loadTable(id);
    expect(waits).toEqual([2_000]);
    expect(server.requests.filter((r) => r.path.endsWith('/tables/t'))).toHaveLength(2);
  });

  it('waits until the HTTP-date a 429 names', async () => {
    flaky(429, { 'retry-after': new Date(Date.now() + 4_000).toUTCString() });
    const { catalog, waits } = recording();
    await catalog.loadTable(id);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1_000);
    expect(waits[0]).toBeLessThanOrEqual(4_000);
  });

  it('caps what the server asks for', async () => {
    flaky(503, { 'retry-after': '3600' }, 2);
    const { catalog, waits } = recording({ maxRetryAfterMs: 50 });
    await catalog.loadTable(id);
    expect(waits).toEqual([50, 50]);
    flaky(503, { 'retry-after': '3600' });
    const defaults = recording();
    await defaults.catalog.loadTable(id);
    expect(defaults.waits).toEqual([DEFAULT_MAX_RETRY_AFTER_MS]);
  });

  it('falls back to backoff when the header is absent or unreadable, and ignores it on other statuses', async () => {
    flaky(503, { 'retry-after': 'later' });
    const { catalog, waits } = recording();
    await catalog.loadTable(id);
    expect(waits).toEqual([0]); // backoff with jitter pinned to 0
    flaky(502, { 'retry-after': '9' });
    const other = recording();
    await other.catalog.loadTable(id);
    expect(other.waits).toEqual([0]);
  });

  it('never re-sends a commit, Retry-After or not', async () => {
    flaky(503, { 'retry-after': '1' });
    const { catalog, waits } = recording();
    await expect(catalog.commitTable(id, [], [{ action: 'set-properties', updates: { a: 'b' } }])).rejects.toMatchObject({ code: 'COMMIT_STATE_UNKNOWN' });
    expect(waits).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('keeps the asked wait in the error when the retries run out', async () => {
    flaky(429, { 'retry-after': '7' }, 10);
    const { catalog } = recording({ maxRetryAfterMs: 1 });
    await expect(catalog.loadTable(id)).rejects.toMatchObject({ code: 'REST', context: { status: 429, retryAfterMs: 7_000 } });
  });
});
