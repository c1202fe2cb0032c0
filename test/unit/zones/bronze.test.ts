import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { sha256Hex } from '../../../src/internal/hash.js';
import { BronzeWriter, parseHivePath } from '../../../src/zones/index.js';
import { codeOf } from '../../helpers/errors.js';
import { backends, FailingFileIO } from './fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const at = new Date('2026-11-22T10:15:00Z');

describe.each(backends)('bronze writer on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  async function writer() {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    return new BronzeWriter({ root: `${root}/bronze`, io, now: () => at });
  }

  it('stores bytes unchanged under source=/ingest_date= and writes an auditable manifest', async () => {
    const bronze = await writer();
    const csv = 'id,amount\n1,9.50\n2,"x,y"\n';
    const bin = Uint8Array.from([0, 255, 1, 254]);
    const report = await bronze.ingest({ source: 'crm', batchId: 'b-1', files: [{ name: 'customers.csv', data: csv }, { name: 'blob.bin', data: bin }] });
    expect(report.stored).toBe(2);
    const [c, b] = report.manifest.files;
    expect(c!.key).toBe('source=crm/ingest_date=2026-11-22/customers.csv');
    expect(c!.format).toBe('csv');
    expect(b!.format).toBe('binary');
    expect(c!.sha256).toBe(await sha256Hex(csv));
    expect(c!.receivedAt).toBe(at.toISOString());
    expect(await bronze.read(c!)).toEqual(enc(csv));
    expect(await bronze.read(b!)).toEqual(bin);
    const stored = await bronze.readManifest(report.manifestLocation);
    expect(stored).toEqual(report.manifest);
    const listed = [];
    for await (const m of bronze.manifests('crm')) listed.push(m);
    expect(listed.map((m) => [m.source, m.ingestDate, m.batchId])).toEqual([['crm', '2026-11-22', 'b-1']]);
  });

  it('re-ingesting the same content is idempotent (SHA-256), also under another name or batch', async () => {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.string({ minLength: 1, maxLength: 20 }), async (bytes, name) => {
        const bronze = new BronzeWriter({ root: `${root}/bronze-${++n}`, io, now: () => at });
        const first = await bronze.ingest({ source: 'erp', files: [{ name: `a-${name}`, data: bytes }] });
        const again = await bronze.ingest({ source: 'erp', files: [{ name: `b-${name}`, data: bytes }] });
        const f = first.manifest.files[0]!;
        const g = again.manifest.files[0]!;
        expect(g.status).toBe('duplicate');
        expect(g.location).toBe(f.location);
        expect(await bronze.read(g)).toEqual(bytes);
      }),
      { numRuns: backend.name === 'memory' ? 60 : 15 },
    );
  });

  it('never overwrites: a different file under the same name and day is refused', async () => {
    const bronze = await writer();
    await bronze.ingest({ source: 's', files: [{ name: 'x.json', data: '{"a":1}' }] });
    expect(await codeOf(bronze.ingest({ source: 's', files: [{ name: 'x.json', data: '{"a":2}' }] }))).toBe('ALREADY_EXISTS');
    const [m] = await (async () => {
      const out = [];
      for await (const x of bronze.manifests('s')) out.push(x);
      return out;
    })();
    const entry = (await bronze.readManifest(m!.location)).files[0]!;
    expect(await bronze.read(entry)).toEqual(enc('{"a":1}'));
  });

  it('a batch id is replayable with the same files and refused with others', async () => {
    const bronze = await writer();
    const first = await bronze.ingest({ source: 's', batchId: 'b7', files: [{ name: 'a.csv', data: 'a\n1\n' }] });
    const replay = await bronze.ingest({ source: 's', batchId: 'b7', files: [{ name: 'a.csv', data: 'a\n1\n' }] });
    expect(replay.replayed).toBe(true);
    expect(replay.manifest).toEqual(first.manifest);
    expect(await codeOf(bronze.ingest({ source: 's', batchId: 'b7', files: [{ name: 'a.csv', data: 'a\n2\n' }] }))).toBe('ALREADY_EXISTS');
  });

  it('recovers an ingest interrupted after the object was written but before its index entry', async () => {
    const bronze = await writer();
    const report = await bronze.ingest({ source: 's', files: [{ name: 'a.csv', data: 'a\n1\n' }] });
    const f = report.manifest.files[0]!;
    await bronze.io.delete(f.location.replace(/source=s\/ingest_date=2026-11-22\/a\.csv$/, `_index/source=s/${f.sha256}.json`));
    const again = await bronze.ingest({ source: 's', files: [{ name: 'a.csv', data: 'a\n1\n' }] });
    expect(again.manifest.files[0]!.status).toBe('duplicate');
    expect(again.manifest.files[0]!.location).toBe(f.location);
  });

  it('hostile source and file names are escaped into one segment each and round-trip', async () => {
    const { io, root, cleanup } = await backend.make();
    cleanups.push(cleanup);
    let n = 0;
    const names = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom('..', '.', '../x', 'a/b', '\u0001\n', 'ü 🙂', '%2F', 'null'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(names, fc.constant('')), names, fc.uint8Array({ minLength: 1, maxLength: 40 }), async (source, name, bytes) => {
        const bronze = new BronzeWriter({ root: `${root}/bronze-${++n}`, io, now: () => at });
        const report = await bronze.ingest({ source, files: [{ name, data: bytes }] });
        const f = report.manifest.files[0]!;
        const parts = f.key.split('/');
        expect(parts.length).toBe(3);
        expect(parseHivePath(parts.slice(0, 2).join('/'))).toEqual([
          ['source', source],
          ['ingest_date', '2026-11-22'],
        ]);
        expect(await bronze.read(f)).toEqual(bytes);
        const listed = [];
        for await (const m of bronze.manifests(source)) listed.push(m);
        expect(listed.some((m) => m.batchId === report.manifest.batchId && m.source === source)).toBe(true);
      }),
      { numRuns: backend.name === 'memory' ? 100 : 25 },
    );
  });

  it('refuses empty batches, empty and repeated names, and detects tampering', async () => {
    const bronze = await writer();
    expect(await codeOf(bronze.ingest({ source: 's', files: [] }))).toBe('VALIDATION');
    expect(await codeOf(bronze.ingest({ source: 's', files: [{ name: '', data: 'x' }] }))).toBe('VALIDATION');
    expect(await codeOf(bronze.ingest({ source: 's', files: [{ name: 'a', data: 'x' }, { name: 'a', data: 'y' }] }))).toBe('VALIDATION');
    const r = await bronze.ingest({ source: 's', files: [{ name: 'a', data: 'x' }] });
    await bronze.io.write(r.manifest.files[0]!.location, 'tampered');
    const e = await bronze.read(r.manifest.files[0]!).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
  });
});

describe('bronze describe hook', () => {
  it('records the schema and malformed rows a reader reports', async () => {
    const { MemoryFileIO } = await import('../../../src/io/memory.js');
    const bronze = new BronzeWriter({
      root: 'memory://l/bronze',
      io: new MemoryFileIO(),
      describe: () => ({ format: 'csv', schema: [{ name: 'id', type: 'long', nullable: false }], malformed: [{ line: 3, reason: 'too many fields', text: '1,2,3' }] }),
    });
    const r = await bronze.ingest({ source: 's', files: [{ name: 'a.csv', data: 'id\n1\n1,2,3\n' }] });
    expect(r.manifest.files[0]!.schema).toEqual([{ name: 'id', type: 'long', nullable: false }]);
    expect(r.manifest.files[0]!.malformed).toEqual([{ line: 3, reason: 'too many fields', text: '1,2,3' }]);
  });

  it('locks objects for the retention period when Object Lock is configured', async () => {
    const { MemoryFileIO } = await import('../../../src/io/memory.js');
    const io = new MemoryFileIO();
    const seen: unknown[] = [];
    const spy = new FailingFileIO(io);
    spy.createIfAbsent = (l, d, o) => (seen.push(o?.objectLock), io.createIfAbsent(l, d, o));
    const bronze = new BronzeWriter({ root: 'memory://l/bronze', io: spy, retention: { days: 10, objectLock: 'COMPLIANCE' }, now: () => at });
    const r = await bronze.ingest({ source: 's', files: [{ name: 'a', data: 'x' }] });
    const until = new Date(at.getTime() + 10 * 86_400_000);
    expect(r.manifest.files[0]!.retainUntil).toBe(until.toISOString());
    expect(seen).toContainEqual({ mode: 'COMPLIANCE', retainUntil: until });
  });
});
