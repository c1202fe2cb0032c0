/**
 * HttpTransport against a real HTTP server on 127.0.0.1 that behaves like
 * Marquez's OpenLineage endpoint (POST /api/v1/lineage, 201 on success, JSON
 * body validated), with injectable faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError, RestError, TimeoutError, isLakeError, type LakeError } from '../../../src/errors.js';
import { Secret } from '../../../src/secret.js';
import * as L from '../../../src/lineage/index.js';

const KEY = 'mz-secret-key-0123456789';

interface Received {
  method: string;
  url: string;
  auth: string | undefined;
  body: unknown;
}

class FakeMarquez {
  received: Received[] = [];
  /** Status codes to answer with, in order, before answering normally. */
  faults: number[] = [];
  /** Requests to leave hanging (for timeouts). */
  hang = 0;
  requireKey: string | undefined;
  #server: Server | undefined;
  #hanging: ServerResponse[] = [];
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const r of this.#hanging) r.destroy();
    this.#server?.closeAllConnections();
    await new Promise<void>((r) => this.#server?.close(() => r()) ?? r());
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (this.hang > 0) {
      this.hang--;
      this.#hanging.push(res);
      return;
    }
    const fault = this.faults.shift();
    if (fault !== undefined) {
      res.writeHead(fault, { 'content-type': 'application/json' }).end(JSON.stringify({ code: fault, message: `injected ${fault}; echo ${req.headers.authorization ?? ''}` }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/api/v1/lineage') {
      res.writeHead(404).end();
      return;
    }
    if (this.requireKey !== undefined && req.headers.authorization !== `Bearer ${this.requireKey}`) {
      res.writeHead(401).end('{"code":401,"message":"unauthorized"}');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
      L.validateEvent(body);
    } catch (e) {
      res.writeHead(422).end(JSON.stringify({ code: 422, message: (e as Error).message }));
      return;
    }
    this.received.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
    res.writeHead(201).end();
  }
}

const fast = { baseDelayMs: 1, maxDelayMs: 5 };
const event = (i: number) => L.runEvent('COMPLETE', { runId: L.uuidv7() }, { namespace: 'ns', name: `job-${i}` });

describe('HttpTransport against a Marquez-compatible endpoint', () => {
  let server: FakeMarquez;
  beforeEach(async () => {
    server = new FakeMarquez();
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
    vi.restoreAllMocks();
  });

  it('posts each event as JSON to /api/v1/lineage with the API key', async () => {
    server.requireKey = KEY;
    const t = new L.HttpTransport({ url: server.url, apiKey: new Secret(KEY) });
    expect(t.url).toBe(`${server.url}/api/v1/lineage`);
    const e = event(1);
    await t.emit(e);
    expect(server.received).toEqual([{ method: 'POST', url: '/api/v1/lineage', auth: `Bearer ${KEY}`, body: e }]);
  });

  it('batches: nothing is sent until batchSize events are buffered or flush() is called; order is kept', async () => {
    const t = new L.HttpTransport({ url: `${server.url}/`, batchSize: 3 });
    await t.emit(event(0));
    await t.emit(event(1));
    expect(server.received).toHaveLength(0);
    expect(t.pending).toBe(2);
    await t.emit(event(2));
    expect(server.received).toHaveLength(3);
    await t.emit(event(3));
    await t.close();
    expect(server.received.map((r) => (r.body as L.RunEvent).job.name)).toEqual(['job-0', 'job-1', 'job-2', 'job-3']);
  });

  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    server.faults = [503, 500, 429];
    const retries: number[] = [];
    const t = new L.HttpTransport({ url: server.url, retry: { ...fast, onRetry: (_e, attempt) => retries.push(attempt) } });
    await t.emit(event(0));
    expect(retries).toEqual([0, 1, 2]);
    expect(server.received).toHaveLength(1);
  });

  it('gives up after the retries, keeps the event buffered, and sends it on the next flush', async () => {
    server.faults = [502, 502, 502];
    const t = new L.HttpTransport({ url: server.url, retry: { ...fast, retries: 2 } });
    const err = (await t.emit(event(0)).catch((e: unknown) => e)) as LakeError;
    expect(err).toBeInstanceOf(RestError);
    expect(err.context.status).toBe(502);
    expect(t.pending).toBe(1);
    await t.flush();
    expect(server.received).toHaveLength(1);
    expect(t.pending).toBe(0);
  });

  it('does not retry a 4xx rejection, and says what to fix', async () => {
    server.faults = [400];
    const t = new L.HttpTransport({ url: server.url, retry: fast });
    const err = (await t.emit(event(0)).catch((e: unknown) => e)) as LakeError;
    expect(err).toBeInstanceOf(RestError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/HTTP 400.*rejected/);
  });

  it('a wrong API key is an AuthError whose message, context and logs never contain the key', async () => {
    server.requireKey = 'the-right-key';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors: LakeError[] = [];
    const t = new L.HttpTransport({ url: server.url, apiKey: KEY, retry: fast });
    const recorder = new L.Recorder({ namespace: 'n', transport: t, onError: (e) => errors.push(e) });
    await recorder.run('job', () => undefined);
    // Default reporting (console.warn) must not leak it either.
    const recorder2 = new L.Recorder({ namespace: 'n', transport: t });
    await recorder2.run('job', () => undefined);
    expect(errors[0]).toBeInstanceOf(AuthError);
    // A server that echoes the Authorization header back in its error body gets redacted too.
    server.requireKey = undefined;
    server.faults = [400];
    const echoed = (await t.flush().catch((e: unknown) => e)) as LakeError;
    expect(echoed.message).toContain('[REDACTED]');
    const everything = JSON.stringify([errors.map((e) => [e.message, e.context, e.toJSON()]), warn.mock.calls, log.mock.calls, echoed.message, echoed.context, String(t), JSON.stringify(t)]);
    expect(everything).not.toContain(KEY);
    expect(warn).toHaveBeenCalled();
  });

  it('times out a hanging request, retries it, and succeeds', async () => {
    server.hang = 1;
    const t = new L.HttpTransport({ url: server.url, timeoutMs: 1000, retry: fast });
    await t.emit(event(0));
    expect(server.received).toHaveLength(1);
  });

  it('a request that never answers ends as a TimeoutError after the retries', async () => {
    server.hang = 10;
    const t = new L.HttpTransport({ url: server.url, timeoutMs: 50, retry: { ...fast, retries: 1 } });
    const err = await t.emit(event(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('an unreachable endpoint is a retryable IoError, reported by the recorder without breaking the job', async () => {
    const url = server.url;
    await server.stop();
    const errors: LakeError[] = [];
    const t = new L.HttpTransport({ url, retry: { ...fast, retries: 1 } });
    const recorder = new L.Recorder({ namespace: 'n', transport: t, onError: (e) => errors.push(e) });
    await expect(recorder.run('job', () => 'ok')).resolves.toBe('ok');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => isLakeError(e, 'IO'))).toBe(true);
    server = new FakeMarquez();
    await server.start();
  });

  it('a recorder run arrives at the server as valid START and COMPLETE events', async () => {
    const t = new L.HttpTransport({ url: server.url, batchSize: 10 });
    const recorder = new L.Recorder({ namespace: 'n', transport: t });
    await recorder.run('job', (ctx) => ctx.addOutput(L.s3Dataset('b', 'k')));
    expect(server.received.map((r) => (r.body as L.RunEvent).eventType)).toEqual(['START', 'COMPLETE']);
  });

  describe('with concurrency', () => {
    /** A fetch that counts requests in flight and answers after a random short delay; `fail` decides which events get a 500. */
    function slowFetch(fail: (e: L.RunEvent) => boolean = () => false) {
      const stats = { inFlight: 0, max: 0 };
      const f: typeof fetch = async (input, init) => {
        stats.inFlight++;
        stats.max = Math.max(stats.max, stats.inFlight);
        try {
          await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 8)));
          if (fail(JSON.parse(String(init?.body)) as L.RunEvent)) return new Response('{"code":500}', { status: 500 });
          return await fetch(input, init);
        } finally {
          stats.inFlight--;
        }
      };
      return { f, stats };
    }

    const runs = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const runId = L.uuidv7(i);
        const job = { namespace: 'ns', name: `job-${i}` };
        return [L.runEvent('START', { runId }, job), L.runEvent('RUNNING', { runId }, job), L.runEvent(i % 2 === 0 ? 'COMPLETE' : 'FAIL', { runId }, job)];
      });

    it('keeps at most `concurrency` requests in flight, sends every event once, and each run in emit order', async () => {
      const { f, stats } = slowFetch();
      const t = new L.HttpTransport({ url: server.url, batchSize: 1000, concurrency: 4, fetch: f });
      const all = runs(12);
      for (const e of all.flat()) await t.emit(e);
      await t.flush();
      expect(stats.max).toBeGreaterThan(1);
      expect(stats.max).toBeLessThanOrEqual(4);
      expect(server.received).toHaveLength(36);
      for (const run of all) {
        const order = server.received.map((r) => r.body as L.RunEvent).filter((e) => e.run.runId === run[0]!.run.runId);
        expect(order).toEqual(run);
      }
    });

    it('a failing run stays buffered from its failed event on, in order; the other runs are sent; the next flush sends the rest', async () => {
      let broken = true;
      const all = runs(6);
      const bad = all[2]![1]!; // the RUNNING event of run 2
      const { f } = slowFetch((e) => broken && e.run.runId === bad.run.runId && e.eventType === 'RUNNING');
      const t = new L.HttpTransport({ url: server.url, batchSize: 1000, concurrency: 3, fetch: f, retry: { ...fast, retries: 0 } });
      for (const e of all.flat()) await t.emit(e);
      const err = (await t.flush().catch((e: unknown) => e)) as LakeError;
      expect(err).toBeInstanceOf(RestError);
      expect(t.pending).toBe(2);
      expect(server.received).toHaveLength(16);
      broken = false;
      await t.flush();
      expect(t.pending).toBe(0);
      const run2 = server.received.map((r) => r.body as L.RunEvent).filter((e) => e.run.runId === bad.run.runId);
      expect(run2).toEqual(all[2]);
    });
  });

  it('rejects a URL that is not one', () => {
    expect(() => new L.HttpTransport({ url: 'not a url' })).toThrow(/not a URL/);
  });
});
