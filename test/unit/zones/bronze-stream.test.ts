import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { sha256Hex } from '../../../src/internal/hash.js';
import type { FileIO } from '../../../src/io/file-io.js';
import { BRONZE_STAGING_DIR, BRONZE_STAGING_MAX_AGE_MS, BronzeWriter, describeWithReaders } from '../../../src/zones/index.js';
import { codeOf } from '../../helpers/errors.js';
import { backends } from './fixtures.js';

const at = new Date('2026-11-22T10:15:00Z');

/** Split `bytes` at the given cut points (sorted, deduplicated) into chunks. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  return out;
}

function webStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({ pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]!) : c.close()) });
}

async function* iterable(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

/** Every object under a prefix, with its bytes. */
async function snapshot(io: FileIO, prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const base = io.resolve(prefix);
  for await (const s of io.list(prefix)) out[s.location.slice(base.length)] = await sha256Hex(await io.read(s.location));
  return out;
}

describe.each(backends)('streamed bronze ingest on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('streamed and whole-file ingests give identical objects, manifests and hashes, however the stream is chunked (property)', async () => {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    let n = 0;
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(fc.tuple(fc.integer({ min: -999, max: 999 }), fc.string({ maxLength: 8 })), { maxLength: 40 }).map((rows) => new TextEncoder().encode(`id,name\n${rows.map(([a, b]) => `${a},"${b.replace(/"/g, '""')}"`).join('\n')}\n`)),
    );
    await fc.assert(
      fc.asyncProperty(content, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (bytes, cuts, web) => {
        const run = ++n;
        const make = (kind: string) => new BronzeWriter({ root: `${root}/${kind}-${run}`, io, now: () => at, describe: describeWithReaders() });
        const whole = await make('whole').ingest({ source: 'erp', batchId: 'b1', files: [{ name: 'orders.csv', data: bytes }] });
        const chunks = chunked(bytes, cuts);
        const streamed = await make('stream').ingest({ source: 'erp', batchId: 'b1', files: [{ name: 'orders.csv', data: web ? webStream(chunks) : iterable(chunks) }] });
        const strip = (m: typeof whole.manifest) => ({ ...m, files: m.files.map(({ location: _l, ...f }) => f) });
        expect(strip(streamed.manifest)).toEqual(strip(whole.manifest));
        expect(streamed.manifest.files[0]!.sha256).toBe(await sha256Hex(bytes));
        expect(streamed.manifest.files[0]!.size).toBe(bytes.length);
        // The same objects (keys and bytes) in both zones, and no staged copy left behind.
        // (Manifests hold their zone's own URIs, so they are compared above, without `location`.)
        const a = await snapshot(io, `${root}/whole-${run}/`);
        const b = await snapshot(io, `${root}/stream-${run}/`);
        expect(Object.keys(b)).toEqual(Object.keys(a));
        const data = (o: Record<string, string>) => Object.entries(o).filter(([k]) => !k.startsWith('_manifests/'));
        expect(data(b)).toEqual(data(a));
        expect(Object.keys(b).some((k) => k.startsWith(BRONZE_STAGING_DIR))).toBe(false);
        // Streaming the same content again is recognised as a duplicate, and a replayed batch as a replay.
        const again = await make('stream').ingest({ source: 'erp', files: [{ name: 'other.csv', data: iterable(chunked(bytes, cuts.slice(1))) }] });
        expect(again.manifest.files[0]!.status).toBe('duplicate');
        const replay = await make('stream').ingest({ source: 'erp', batchId: 'b1', files: [{ name: 'orders.csv', data: iterable(chunks) }] });
        expect(replay.replayed).toBe(true);
      }),
      { numRuns: backend.name === 'memory' ? 60 : 15 },
    );
  });

  it('hashes a stream larger than any one chunk without collecting it, and readStream checks it on the way out', async () => {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    const bronze = new BronzeWriter({ root: `${root}/bronze`, io, now: () => at });
    const chunk = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    let largest = 0;
    async function* source() {
      for (let i = 0; i < 64; i++) {
        largest = Math.max(largest, chunk.length);
        yield chunk;
      }
    }
    const r = await bronze.ingest({ source: 's', files: [{ name: 'big.bin', data: source() }] });
    const f = r.manifest.files[0]!;
    expect(f.size).toBe(64 * chunk.length);
    const all = new Uint8Array(64 * chunk.length);
    for (let i = 0; i < 64; i++) all.set(chunk, i * chunk.length);
    expect(f.sha256).toBe(await sha256Hex(all));
    const reader = (await bronze.readStream(f)).getReader();
    let total = 0;
    for (let x = await reader.read(); !x.done; x = await reader.read()) total += x.value.length;
    expect(total).toBe(all.length);
    // Tampering is caught at the end of the stream (and by verify).
    await io.write(f.location, all.map((b, i) => (i === 5 ? b ^ 1 : b)));
    const tampered = (await bronze.readStream(f)).getReader();
    const e = await (async () => {
      for (;;) if ((await tampered.read()).done) return undefined;
    })().catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    expect(await codeOf(bronze.verify(f))).toBe('VALIDATION');
  });

  it('a stream that fails mid-way stores nothing and leaves no staged object', async () => {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    const bronze = new BronzeWriter({ root: `${root}/bronze`, io, now: () => at });
    async function* broken() {
      yield new Uint8Array([1, 2, 3]);
      throw new Error('connection reset');
    }
    await expect(bronze.ingest({ source: 's', files: [{ name: 'a.bin', data: broken() }] })).rejects.toThrow(/connection reset/);
    expect(await snapshot(io, `${root}/bronze/`)).toEqual({});
  });

  it('cleanStaging deletes staged copies a crash left behind once they are old, and nothing else', async () => {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    const zone = `${root}/bronze`;
    const bronze = new BronzeWriter({ root: zone, io, now: () => at });
    await bronze.ingest({ source: 's', files: [{ name: 'a.csv', data: webStream([new TextEncoder().encode('id\n1\n')]) }] });
    // A process killed while hashing leaves its staged copy (nothing references it).
    const orphan = `${zone}/${BRONZE_STAGING_DIR}/left-by-a-crash`;
    await io.write(orphan, new Uint8Array(5000));
    const before = await snapshot(io, `${zone}/`);
    // Young (the clock is the write time): kept, as an ingest may still be hashing it.
    const later = (ms: number) => new BronzeWriter({ root: zone, io, now: () => new Date(Date.now() + ms) });
    expect(await later(0).cleanStaging()).toEqual({ deleted: [], bytes: 0, kept: 1 });
    expect(await later(60 * 60 * 1000).cleanStaging()).toMatchObject({ deleted: [], kept: 1 });
    // A day and more later: deleted, and only it.
    const r = await later(BRONZE_STAGING_MAX_AGE_MS + 60_000).cleanStaging();
    expect(r).toEqual({ deleted: [io.resolve(orphan)], bytes: 5000, kept: 0 });
    const after = await snapshot(io, `${zone}/`);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([k]) => !k.startsWith(`${BRONZE_STAGING_DIR}/`))));
    expect(Object.keys(after).length).toBeGreaterThan(0);
    // A shorter age limit is honoured; a nonsensical one is refused.
    await io.write(orphan, new Uint8Array(1));
    expect((await later(10_000).cleanStaging({ olderThanMs: 1000 })).deleted).toHaveLength(1);
    await expect(bronze.cleanStaging({ olderThanMs: -1 })).rejects.toSatisfy((e: unknown) => isLakeError(e, 'VALIDATION'));
  });
});
