import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, IoError } from '../../../src/errors.js';
import { MemoryFileIO } from '../../../src/io/index.js';
import { LocalFileIO } from '../../../src/io/local.js';
import type { FileIO } from '../../../src/io/file-io.js';
import * as L from '../../../src/lineage/index.js';

const PREFIX = 'memory://lake/lineage/';

/** Small valid events with a varying payload size. */
const arbEvent = fc.record({ n: fc.nat(1_000_000), pad: fc.string({ maxLength: 300 }), kind: fc.constantFrom('run', 'dataset', 'job') }).map(({ n, pad, kind }): L.LineageEvent => {
  const d = L.s3Dataset('b', `k/${n}/${pad}`);
  if (kind === 'dataset') return L.datasetEvent(d, { eventTime: new Date(n) });
  if (kind === 'job') return L.jobEvent({ namespace: 'ns', name: `job-${n}` }, { outputs: [d], eventTime: new Date(n) });
  return L.runEvent('COMPLETE', { runId: L.uuidv7(n) }, { namespace: 'ns', name: pad || 'j' }, { outputs: [d], eventTime: new Date(n) });
});

describe('NDJSON', () => {
  it('round-trips any events (property)', () => {
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 30 }), (events) => {
        const text = L.toNdjson(events);
        expect(text.split('\n').length).toBe(events.length + 1);
        const { events: back, problems } = L.parseNdjson(text);
        expect(problems).toEqual([]);
        expect(back).toEqual(events);
      }),
      { numRuns: 60 },
    );
  });

  it('reports a corrupted line with its number and loads the rest', () => {
    const events = Array.from({ length: 5 }, (_, i) => L.datasetEvent(L.s3Dataset('b', `k${i}`)));
    const lines = L.toNdjson(events).split('\n');
    lines[1] = lines[1]!.slice(0, 20);
    lines[3] = JSON.stringify({ ...events[3], eventTime: 'not a time' });
    lines.splice(2, 0, '   ');
    const { events: back, problems } = L.parseNdjson(lines.join('\n'), { source: 'x.ndjson' });
    expect(back.map((e) => (e as L.DatasetEvent).dataset.name)).toEqual(['k0', 'k2', 'k4']);
    expect(problems.map((p) => [p.source, p.line])).toEqual([['x.ndjson', 2], ['x.ndjson', 5]]);
    expect(problems[0]!.error.message).toMatch(/line 2 of x\.ndjson is not JSON/);
    expect(problems[1]!.error.context.instancePath).toBe('/eventTime');
  });

  it('never throws on arbitrary text (fuzz): every non-blank line loads or is a problem', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), arbEvent.map((e) => JSON.stringify(e)), fc.jsonValue().map((v) => JSON.stringify(v)))), (lines) => {
        const { events, problems } = L.parseNdjson(lines.join('\n'));
        expect(events.length + problems.length).toBe(lines.filter((l) => l.trim() !== '').length);
      }),
      { numRuns: 100 },
    );
  });
});

describe('FileTransport', () => {
  it('rotation never loses or reorders events, and segments respect the size limit (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(arbEvent, fc.boolean()), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 200, max: 3000 }),
        fc.integer({ min: 1, max: 7 }),
        async (steps, maxSegmentBytes, batchEvents) => {
          const io = new MemoryFileIO();
          const t = new L.FileTransport({ io, prefix: PREFIX, maxSegmentBytes, batchEvents });
          for (const [e, flush] of steps) {
            await t.emit(e);
            if (flush) await t.flush();
          }
          await t.close();
          const { events, problems } = await L.loadEventsFromFileIO(io, PREFIX);
          expect(problems).toEqual([]);
          expect(events).toEqual(steps.map(([e]) => e));
          let files = 0;
          for await (const s of io.list(PREFIX)) {
            files++;
            const text = new TextDecoder().decode(await io.read(s.location));
            expect(text.endsWith('\n')).toBe(true);
            if (text.split('\n').length > 2) expect(s.size).toBeLessThanOrEqual(maxSegmentBytes);
          }
          expect(t.segments.length).toBe(files);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps events buffered through a failed write and writes them on the next flush', async () => {
    const io = new MemoryFileIO();
    let failures = 2;
    const flaky: FileIO = Object.create(io, {
      createIfAbsent: { value: (...a: Parameters<FileIO['createIfAbsent']>) => (failures-- > 0 ? Promise.reject(new IoError('disk full')) : io.createIfAbsent(...a)) },
    });
    const t = new L.FileTransport({ io: flaky, prefix: PREFIX, batchEvents: 1 });
    const events = Array.from({ length: 3 }, (_, i) => L.datasetEvent(L.s3Dataset('b', `k${i}`)));
    await expect(t.emit(events[0]!)).rejects.toThrow('disk full');
    await expect(t.emit(events[1]!)).rejects.toThrow('disk full');
    await t.emit(events[2]!);
    expect((await L.loadEventsFromFileIO(io, PREFIX)).events).toEqual(events);
  });

  it('never writes into another writer\'s segment (create-if-absent)', async () => {
    const io = new MemoryFileIO();
    const now = () => 1_700_000_000_000;
    const a = new L.FileTransport({ io, prefix: PREFIX, now });
    const b = new L.FileTransport({ io, prefix: PREFIX, now });
    await a.emit(L.datasetEvent(L.s3Dataset('b', 'a')));
    await b.emit(L.datasetEvent(L.s3Dataset('b', 'b')));
    await a.flush();
    await b.flush();
    expect(new Set([...a.segments, ...b.segments]).size).toBe(2);
    const taken: FileIO = Object.create(io, { createIfAbsent: { value: () => Promise.reject(new AlreadyExistsError('taken')) } });
    const c = new L.FileTransport({ io: taken, prefix: PREFIX });
    await c.emit(L.datasetEvent(L.s3Dataset('b', 'c')));
    await expect(c.flush()).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  describe('on local disk with a true append', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('appends to the open segment instead of rewriting it, and the store loads it back', async () => {
      dir = await mkdtemp(join(tmpdir(), 'lakekit-lineage-'));
      const io = new LocalFileIO({ root: dir });
      const appended: number[] = [];
      const append: L.AppendFn = async (location, data) => {
        appended.push(data.length);
        await appendFile(fileURLToPath(location), data);
      };
      const t = new L.FileTransport({ io, prefix: 'lineage/', append, batchEvents: 2, maxSegmentBytes: 4096 });
      const recorder = new L.Recorder({ namespace: 'n', transport: t, flush: 'manual' });
      for (let i = 0; i < 20; i++) await recorder.run(`job-${i}`, (ctx) => ctx.addOutput(L.fileDataset(`/data/${i}.parquet`)));
      await recorder.close();
      const files = (await readdir(join(dir, 'lineage'))).sort();
      expect(files.length).toBeGreaterThan(1);
      expect(appended.length).toBeGreaterThan(0);
      const text = await readFile(join(dir, 'lineage', files[0]!), 'utf8');
      expect(text.split('\n').filter(Boolean).every((l) => JSON.parse(l).producer === L.LAKEKIT_PRODUCER)).toBe(true);
      const store = await L.LineageStore.fromFileIO(io, pathToFileURL(join(dir, 'lineage')).href + '/');
      expect(store.problems).toEqual([]);
      expect(store.events).toHaveLength(40);
      expect(store.graph.runCount).toBe(20);
    });
  });
});

describe('CompositeTransport and ConsoleTransport', () => {
  const failing: L.Transport = {
    emit: () => Promise.reject(new IoError('marquez down', { retryable: true })),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };

  it('keeps sending to the others when one fails, then reports which failed', async () => {
    const lines: string[] = [];
    const store = new L.LineageStore();
    const c = new L.CompositeTransport([failing, new L.ConsoleTransport({ write: (l) => lines.push(l) }), store.transport()]);
    const e = L.datasetEvent(L.s3Dataset('b', 'k'));
    const err = await c.emit(e).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(IoError);
    expect((err as IoError).message).toMatch(/1 of 3 lineage transports failed to emit: #0 .*marquez down/);
    expect((err as IoError).retryable).toBe(true);
    expect(lines.map((l) => JSON.parse(l))).toEqual([e]);
    expect(store.events).toEqual([e]);
    await c.flush();
    await c.close();
  });

  it('stops at the first failure without continueOnFailure', async () => {
    const lines: string[] = [];
    const c = new L.CompositeTransport([failing, new L.ConsoleTransport({ write: (l) => lines.push(l) })], { continueOnFailure: false });
    await expect(c.emit(L.datasetEvent(L.s3Dataset('b', 'k')))).rejects.toThrow('marquez down');
    expect(lines).toEqual([]);
  });

  it('console prints one JSON line per event, or indented JSON', async () => {
    const lines: string[] = [];
    const e = L.datasetEvent(L.s3Dataset('b', 'k'));
    await new L.ConsoleTransport({ write: (l) => lines.push(l) }).emit(e);
    await new L.ConsoleTransport({ write: (l) => lines.push(l), pretty: true }).emit(e);
    expect(lines[0]).toBe(JSON.stringify(e));
    expect(JSON.parse(lines[1]!)).toEqual(e);
    expect(lines[1]).toContain('\n  ');
  });
});
