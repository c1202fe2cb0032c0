import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { IoError, ValidationError } from '../../../src/errors.js';
import type { FileIO } from '../../../src/io/file-io.js';
import { MemoryFileIO } from '../../../src/io/index.js';
import * as L from '../../../src/lineage/index.js';
import { isCanonicalUtcDateTime, isCanonicalUuid } from '../../../src/lineage/schemas.js';
import { parseIsoTime } from '../../../src/lineage/time.js';

const PREFIX = 'memory://lake/lineage/';
const encoder = new TextEncoder();
const ds = (i: number): L.DatasetRef => ({ namespace: 's3://lake', name: `d${i}` });

/** Valid events whose names carry any Unicode (multi-byte UTF-8, astral characters). */
const arbEvent = fc
  .record({ n: fc.nat(1_000_000), name: fc.string({ unit: 'binary', maxLength: 40 }), kind: fc.constantFrom('run', 'dataset', 'job') })
  .map(({ n, name, kind }): L.LineageEvent => {
    const d = L.s3Dataset('b', `k/${n}/${name}`);
    if (kind === 'dataset') return L.datasetEvent(d, { eventTime: new Date(n) });
    if (kind === 'job') return L.jobEvent({ namespace: 'ns', name: `job-${name}` }, { outputs: [d], eventTime: new Date(n) });
    return L.runEvent('COMPLETE', { runId: L.uuidv7(n) }, { namespace: 'ns', name: name || 'j' }, { outputs: [d], eventTime: new Date(n) });
  });

/** A line: an event, garbage, blank, or a JSON value that is not an event. */
const arbLine = fc.oneof(
  arbEvent.map((e) => JSON.stringify(e)),
  fc.string({ unit: 'binary' }).filter((s) => !s.includes('\n')),
  fc.constantFrom('', '   ', '\r'),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

/** A stream that hands out `bytes` cut at the given positions (which may fall inside a UTF-8 sequence). */
function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    pieces.push(bytes.slice(prev, c));
    prev = c;
  }
  return new ReadableStream({
    pull(controller) {
      const next = pieces.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

describe('NDJSON streams', () => {
  it('any chunking of the bytes gives what parsing the whole text gives: events, problems, line numbers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbLine, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (lines, cuts, trailingNewline) => {
        const text = lines.join('\n') + (trailingNewline ? '\n' : '');
        const whole = L.parseNdjson(text, { source: 's' });
        const streamed = await L.parseNdjsonStream(chunked(encoder.encode(text), cuts), { source: 's' });
        expect(streamed.events).toEqual(whole.events);
        expect(streamed.problems.map((p) => [p.line, p.error.message])).toEqual(whole.problems.map((p) => [p.line, p.error.message]));
      }),
      { numRuns: 150 },
    );
  });

  it('a character split across chunks decodes intact, and an unfinished one at the end becomes U+FFFD', async () => {
    const e = L.datasetEvent(L.s3Dataset('b', 'zürich/東京/😀'));
    const bytes = encoder.encode(`${JSON.stringify(e)}\n`);
    const emoji = bytes.indexOf(0xf0);
    const { events } = await L.parseNdjsonStream(chunked(bytes, [emoji + 1, emoji + 2, emoji + 3]));
    expect(events).toEqual([e]);
    // A U+FEFF inside a value survives a chunk starting with it; a byte-order mark opening the file is skipped.
    const zw = L.datasetEvent(L.s3Dataset('b', 'a\uFEFFb'));
    const zwBytes = encoder.encode(`\uFEFF${JSON.stringify(zw)}\n`);
    expect((await L.parseNdjsonStream(chunked(zwBytes, [zwBytes.lastIndexOf(0xef)]))).events).toEqual([zw]);
    const cut = await L.parseNdjsonStream(chunked(bytes.slice(0, emoji + 2), [emoji + 1]), { validate: false });
    expect(cut.problems).toHaveLength(1);
    expect(cut.problems[0]!.error.message).toMatch(/line 1 of ndjson is not JSON/);
  });

  it('a line over maxLineLength is reported with its number, even when it spans chunks, and the rest loads', async () => {
    const events = Array.from({ length: 3 }, (_, i) => L.datasetEvent(L.s3Dataset('b', `k${i}`)));
    const long = `{"pad":"${'x'.repeat(500)}"}`;
    const text = [JSON.stringify(events[0]), long, JSON.stringify(events[1]), long, JSON.stringify(events[2])].join('\n');
    const bytes = encoder.encode(text);
    const cuts = Array.from({ length: 60 }, (_, i) => i * 37);
    for (const stream of [chunked(bytes, cuts), chunked(bytes, [])]) {
      const { events: back, problems } = await L.parseNdjsonStream(stream, { source: 'big.ndjson', maxLineLength: 400 });
      expect(back).toEqual(events);
      expect(problems.map((p) => p.line)).toEqual([2, 4]);
      expect(problems[0]!.error).toBeInstanceOf(ValidationError);
      expect(problems[0]!.error.message).toMatch(/line 2 of big\.ndjson is 510 characters long, over the limit of 400/);
    }
    expect(L.parseNdjson(text, { maxLineLength: 400 }).problems.map((p) => p.line)).toEqual([2, 4]);
  });
});

describe('Loading files', () => {
  async function writeFiles(io: FileIO, files: string[][]): Promise<string[]> {
    const names = files.map((_, i) => `${PREFIX}part-${String(i).padStart(3, '0')}.ndjson`);
    // Written out of order: the loader orders by name, not by creation.
    for (const i of [...files.keys()].reverse()) await io.write(names[i]!, files[i]!.join('\n'));
    return names;
  }

  it('events come in file-name order and problems name their file and line, whatever the read-ahead (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(arbLine, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), async (files, concurrency) => {
        const io = new MemoryFileIO();
        const names = await writeFiles(io, files);
        const expected = files.map((lines, i) => L.parseNdjson(lines.join('\n'), { source: names[i] }));
        const { events, problems } = await L.loadEventsFromFileIO(io, PREFIX, { concurrency });
        expect(events).toEqual(expected.flatMap((r) => r.events));
        expect(problems.map((p) => [p.source, p.line])).toEqual(expected.flatMap((r) => r.problems.map((p) => [p.source, p.line])));
        const store = await L.LineageStore.fromFileIO(io, PREFIX, { concurrency });
        expect(store.eventCount).toBe(events.length);
        expect(store.events).toEqual(events);
        expect(store.problems.map((p) => [p.source, p.line])).toEqual(problems.map((p) => [p.source, p.line]));
      }),
      { numRuns: 60 },
    );
  });

  it('a file that cannot be read fails the load with its IoError, without stray rejections from files opened ahead', async () => {
    const io = new MemoryFileIO();
    await writeFiles(io, Array.from({ length: 6 }, (_, i) => [JSON.stringify(L.datasetEvent(L.s3Dataset('b', `k${i}`)))]));
    let cancelled = 0;
    const readStream = async (location: string) => {
          if (location.endsWith('part-002.ndjson')) throw new IoError('disk gone');
          const inner = await io.readStream(location);
          const reader = inner.getReader();
          return new ReadableStream<Uint8Array>({
            pull: async (c) => {
              const { done, value } = await reader.read();
              if (done) c.close();
              else c.enqueue(value);
            },
            cancel: () => {
              cancelled++;
            },
          });
    };
    const broken = new Proxy(io, {
      get: (target, key) => (key === 'readStream' ? readStream : (Reflect.get(target, key) as (...a: unknown[]) => unknown).bind(target)),
    }) as FileIO;
    await expect(L.LineageStore.fromFileIO(broken, PREFIX, { concurrency: 4 })).rejects.toThrow(IoError);
    await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toBe(3); // part-003, -004 and -005 had been opened ahead
  });
});

/** Random runs over a few datasets, with column lineage and run facets, START and a terminal event each. */
const arbRuns = fc.array(
  fc.record({
    job: fc.nat(3),
    inputs: fc.uniqueArray(fc.nat(6), { maxLength: 3 }),
    outputs: fc.uniqueArray(fc.nat(6), { minLength: 1, maxLength: 2 }),
    start: fc.integer({ min: 0, max: 100_000 }),
    fail: fc.boolean(),
    rows: fc.nat(1000),
  }),
  { maxLength: 25 },
);

describe('a store loaded from files keeps JSON lines, not objects', () => {
  it('answers every query exactly as a graph built from the event objects (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbRuns, fc.boolean(), async (runs, interleave) => {
        const starts: L.RunEvent[] = [];
        const ends: L.RunEvent[] = [];
        for (const r of runs) {
          const runId = L.uuidv7(r.start);
          const job = { namespace: 'jobs', name: `job${r.job}` };
          const inputs = r.inputs.map(ds);
          const col: L.Facets = inputs.length > 0 ? { columnLineage: L.columnLineageFacet({ a: inputs.map((d) => ({ ...d, field: 'a' })) }) } : {};
          const outputs = r.outputs.map((o) => ({ ...ds(o), facets: col, outputFacets: { outputStatistics: L.outputStatisticsFacet({ rowCount: r.rows }) } }));
          starts.push(L.runEvent('START', { runId }, job, { eventTime: new Date(r.start), inputs, outputs: r.outputs.map(ds) }));
          ends.push(L.runEvent(r.fail ? 'FAIL' : 'COMPLETE', { runId, facets: { custom: { _producer: 'https://x', _schemaURL: 'https://x/y', n: r.rows } } }, job, { eventTime: new Date(r.start + 10), inputs, outputs }));
        }
        const events = interleave ? [...starts, ...ends] : starts.flatMap((s, i) => [s, ends[i]!]);
        const io = new MemoryFileIO();
        await io.write(`${PREFIX}a.ndjson`, L.toNdjson(events));
        const store = await L.LineageStore.fromFileIO(io, PREFIX);
        expect(store.problems).toEqual([]);
        const loaded = store.graph;
        const direct = new L.LineageGraph(events);
        expect(loaded.eventCount).toBe(direct.eventCount);
        for (const d of direct.datasets()) {
          expect(loaded.upstream(d)).toEqual(direct.upstream(d));
          expect(loaded.downstream(d)).toEqual(direct.downstream(d));
          expect(loaded.subgraph(d, { direction: 'both' })).toEqual(direct.subgraph(d, { direction: 'both' }));
          expect(loaded.datasetFacets(d)).toEqual(direct.datasetFacets(d));
          const view = (g: L.LineageGraph) =>
            g.runs(d).map((r) => ({ runId: r.runId, state: r.state, startTime: r.startTime, endTime: r.endTime, inputs: r.inputs, outputs: r.outputs, facets: r.facets, datasets: r.datasets }));
          expect(view(loaded)).toEqual(view(direct));
          const provenance = (g: L.LineageGraph) => {
            try {
              return g.columnProvenance({ dataset: d, field: 'a' });
            } catch (error) {
              return (error as Error).name;
            }
          };
          expect(provenance(loaded)).toEqual(provenance(direct));
        }
        // Each run appears once on an edge, however its START and COMPLETE interleave with other runs.
        for (const d of direct.datasets()) {
          for (const e of direct.subgraph(d).edges) expect(new Set(e.runIds).size).toBe(e.runIds.length);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('fast paths give the verdicts of the full checks', () => {
  const isoLike = fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.integer({ min: 0, max: 61 }),
      frac: fc.option(fc.stringMatching(/^[0-9]{0,9}$/), { nil: undefined }),
      zone: fc.constantFrom('Z', 'z', '+00:00', '-05:30', '+14:00', '+24:00', '-00:60', '', '+0530', ' '),
      sep: fc.constantFrom('T', 't', ' '),
    })
    .map(({ y, mo, d, h, mi, s, frac, zone, sep }) => {
      const p = (n: number, w = 2) => String(n).padStart(w, '0');
      return `${p(y, 4)}-${p(mo)}-${p(d)}${sep}${p(h)}:${p(mi)}:${p(s)}${frac === undefined ? '' : `.${frac}`}${zone}`;
    });

  it('event times parse as Date.parse parses them (property)', () => {
    fc.assert(
      fc.property(fc.oneof(isoLike, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()), (s) => {
        expect(parseIsoTime(s)).toBe(Date.parse(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('a date-time or uuid the shortcut accepts, the full ajv-formats check accepts (property)', () => {
    const dateTime = fullFormats['date-time'] as { validate: (s: string) => boolean };
    fc.assert(
      fc.property(fc.oneof(isoLike, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()), (s) => {
        if (isCanonicalUtcDateTime(s)) expect(dateTime.validate(s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    const uuid = fullFormats.uuid as RegExp;
    fc.assert(
      fc.property(fc.oneof(fc.uuid().map(String), fc.stringMatching(/^[0-9a-gA-G-]{30,40}$/), fc.string()), (s) => {
        if (isCanonicalUuid(s)) expect(uuid.test(s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(isCanonicalUtcDateTime(new Date(0).toISOString())).toBe(true);
    expect(isCanonicalUuid(L.uuidv7(0))).toBe(true);
  });

  it('invalid times and ids are still rejected with the schema path', () => {
    const e = L.runEvent('START', { runId: L.uuidv7(1) }, { namespace: 'n', name: 'j' });
    for (const [bad, path] of [
      [{ ...e, eventTime: '2026-02-30T00:00:00Z' }, '/eventTime'],
      [{ ...e, eventTime: '2026-01-01T24:00:00Z' }, '/eventTime'],
      [{ ...e, run: { runId: `${L.uuidv7(1).slice(0, 35)}g` } }, '/run/runId'],
      [{ ...e, producer: 'not a uri' }, '/producer'],
    ] as const) {
      expect(() => L.validateEvent(bad)).toThrow(ValidationError);
      try {
        L.validateEvent(bad);
      } catch (error) {
        expect((error as ValidationError).context.instancePath).toBe(path);
        expect((error as ValidationError).message).toMatch(/schema OpenLineage\.json#\//);
      }
    }
  });
});
