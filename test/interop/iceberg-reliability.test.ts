/**
 * Reliability of Iceberg commits (ARCHITECTURE.md rule 7: nothing committed
 * is ever lost or half-visible):
 * - concurrent writers on one table, in separate processes on local disk and
 *   on S3 (moto), lose and duplicate nothing and leave a linear history;
 * - a writer killed with SIGKILL at a random moment leaves the table readable
 *   at its last commit, with only unreferenced files behind;
 * - corrupted or hostile metadata, manifest lists, manifests and Parquet
 *   footers placed in a table fail with ValidationError (NotFoundError for a
 *   missing file), never another error, a crash or a hang.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FileSystemCatalog } from '../../src/catalog/filesystem/catalog.js';
import { isLakeError } from '../../src/errors.js';
import { parseJson, stringifyJson } from '../../src/internal/json.js';
import type { FileIO } from '../../src/io/file-io.js';
import { MemoryFileIO } from '../../src/io/memory.js';
import { LocalFileIO, LOCAL_TEMP_MARKER } from '../../src/io/local.js';
import { S3FileIO } from '../../src/io/s3.js';
import { removeOrphanFiles } from '../../src/iceberg/operations/remove-orphan-files.js';
import { readManifest } from '../../src/iceberg/manifest/manifest-reader.js';
import { readManifestList } from '../../src/iceberg/manifest/manifest-list.js';
import { buildPartitionSpec } from '../../src/iceberg/spec/partition.js';
import { newSchema } from '../../src/iceberg/spec/schema.js';
import { Transforms } from '../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../src/iceberg/spec/types.js';
import { Table } from '../../src/iceberg/table/table.js';
import { seededRandom } from '../../src/internal/random.js';
import { Secret } from '../../src/secret.js';
import type { AppendWriterConfig } from './fixtures/append-writer.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRITER = join(ROOT, 'test/interop/fixtures/append-writer.ts');

const schema = newSchema([requiredField(1, 'id', Types.long), requiredField(2, 'writer', Types.int), optionalField(3, 'payload', Types.string)]);
/** Contended commits need more than Iceberg's default 4 retries. */
const CONTENDED = { 'commit.retry.num-retries': '100', 'commit.retry.min-wait-ms': '10', 'commit.retry.max-wait-ms': '500' };

// ── writer processes ─────────────────────────────────────────────────────────

interface WriterLine {
  ready?: boolean;
  append?: number;
  first?: number;
  snapshotId?: string;
  done?: boolean;
}

/** One append-writer process (its own process group, so a kill reaches everything it started). */
class WriterProcess {
  readonly lines: WriterLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #ready: Promise<void>;
  #stderr = '';
  readonly #pid: number;

  constructor(config: AppendWriterConfig) {
    // `node --import tsx` runs the script in this one process: with `npx tsx` a wrapper
    // process would sit between us and the writer, and SIGKILL is not relayed.
    // stdin stays open as a lifeline: an endless writer exits when it closes (this process died).
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, JSON.stringify(config)], { cwd: ROOT, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => undefined);
    this.#pid = child.pid!;
    let partial = '';
    let onReady: () => void = () => undefined;
    this.#ready = new Promise((r) => (onReady = r));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        if (!p.startsWith('{')) continue; // not ours (a runtime warning, say)
        const line = JSON.parse(p) as WriterLine;
        this.lines.push(line);
        if (line.ready === true) onReady();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => (this.#stderr += text));
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    void this.exited.then(() => onReady());
  }

  /** Resolves once the table is loaded (or the process is gone). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** The appends the writer saw commit. */
  committed(): { append: number; first: number; snapshotId: string }[] {
    return this.lines.filter((l) => l.append !== undefined) as { append: number; first: number; snapshotId: string }[];
  }

  kill(): void {
    try {
      process.kill(-this.#pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  describe(): string {
    return `writer ${this.#pid}: ${this.committed().length} appends reported\n${this.#stderr.slice(-3000)}`;
  }
}

async function runWriters(configs: AppendWriterConfig[]): Promise<WriterProcess[]> {
  const writers = configs.map((c) => new WriterProcess(c));
  try {
    const exits = await Promise.all(writers.map((w) => w.exited));
    exits.forEach((e, i) => expect(e, writers[i]!.describe()).toEqual({ code: 0, signal: null }));
    return writers;
  } finally {
    for (const w of writers) w.kill();
  }
}

// ── table checks ─────────────────────────────────────────────────────────────

/** Ids of all rows of the current snapshot (as numbers), in scan order. */
async function scanIds(table: Table): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of table.scan({ select: ['id'] }).batches()) {
    const col = batch.getChild('id')!;
    for (let i = 0; i < batch.numRows; i++) out.push(Number(col.get(i) as bigint));
  }
  return out;
}

/**
 * The history is one linear chain from the first snapshot to the current
 * one: every snapshot's parent is the one before it, sequence numbers count
 * up by one, and `total-records` adds up along the chain.
 */
function expectLinearHistory(table: Table, snapshots: number): void {
  const all = table.snapshots();
  expect(all).toHaveLength(snapshots);
  const byId = new Map(all.map((s) => [s.snapshotId, s]));
  const chain = [];
  for (let s = table.currentSnapshot(); s !== undefined; s = s.parentSnapshotId === undefined ? undefined : byId.get(s.parentSnapshotId)) chain.push(s);
  chain.reverse();
  expect(chain).toHaveLength(snapshots);
  let total = 0n;
  chain.forEach((s, i) => {
    expect(s.sequenceNumber).toBe(BigInt(i + 1));
    expect(s.summary?.operation).toBe('append');
    total += BigInt(s.summary?.['added-records'] ?? 'NaN');
    expect(s.summary?.['total-records']).toBe(String(total));
  });
  expect(table.metadata.snapshotLog.map((e) => e.snapshotId)).toEqual(chain.map((s) => s.snapshotId));
}

/** Every file the table's metadata references, reachable from the current metadata file. */
async function referencedFiles(io: FileIO, table: Table): Promise<Set<string>> {
  const refs = new Set<string>([table.metadataLocation!, ...table.metadata.metadataLog.map((e) => e.metadataFile)]);
  const specsById = table.specsById();
  for (const s of table.snapshots()) {
    if (s.manifestList === undefined) continue;
    refs.add(s.manifestList);
    for (const m of await readManifestList(io, s.manifestList)) {
      if (refs.has(m.manifestPath)) continue;
      refs.add(m.manifestPath);
      for await (const e of readManifest(io, m, { specsById })) refs.add(e.dataFile.filePath);
    }
  }
  return refs;
}

/**
 * Files the file-system catalog keeps besides what metadata references: the
 * version hint, and committed metadata versions older than the metadata log
 * remembers (`write.metadata.previous-versions-max`, 100 by default).
 */
function isCatalogFile(location: string): boolean {
  return /\/metadata\/(version-hint\.text|v\d+\.metadata\.json)$/.test(location);
}

// ── concurrent writers ───────────────────────────────────────────────────────

const WRITERS = 8;
const APPENDS = 25;
const BATCH = 3;

/** 8 writer processes × 25 appends of 3 distinct ids each, then a full check of the table. */
async function concurrentWriters(catalog: FileSystemCatalog, io: FileIO, base: Omit<AppendWriterConfig, 'idBase' | 'batch' | 'appends' | 'writer' | 'table'>): Promise<void> {
  const id = { namespace: ['db'], name: `concurrent_${Date.now()}` };
  await catalog.createTable(id, { schema, properties: CONTENDED });
  const name = `db.${id.name}`;
  const writers = await runWriters(
    Array.from({ length: WRITERS }, (_, w) => ({ ...base, table: name, writer: w, idBase: w * 1_000_000, batch: BATCH, appends: APPENDS })),
  );

  const table = await Table.load(catalog, name);
  expectLinearHistory(table, WRITERS * APPENDS);
  const expected = writers.flatMap((_, w) => Array.from({ length: APPENDS * BATCH }, (_, i) => w * 1_000_000 + i));
  const ids = await scanIds(table);
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids).size).toBe(ids.length); // nothing duplicated
  expect([...ids].sort((a, b) => a - b)).toEqual(expected); // nothing lost
  expect(table.currentSnapshot()!.summary?.['total-records']).toBe(String(expected.length));
  // Every snapshot a writer saw commit is in the history, once.
  const reported = writers.flatMap((w) => w.committed().map((c) => BigInt(c.snapshotId)));
  expect(reported).toHaveLength(WRITERS * APPENDS);
  expect(new Set(reported)).toEqual(new Set(table.snapshots().map((s) => s.snapshotId)));
  // Losing attempts cleaned up after themselves: every file is referenced.
  const refs = await referencedFiles(io, table);
  const present = [];
  for await (const f of io.list(`${table.location}/`)) present.push(f.location);
  expect(present.filter((f) => !refs.has(f) && !isCatalogFile(f))).toEqual([]);
  for (const r of refs) expect(present, r).toContain(r);
}

describe('concurrent writers on one table', () => {
  it(`${WRITERS} writer processes × ${APPENDS} appends on local disk: ${WRITERS * APPENDS} snapshots in one line, no row lost or duplicated`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lakekit-reliability-'));
    try {
      const io = new LocalFileIO({ root: dir, fsync: false });
      const catalog = new FileSystemCatalog({ warehouse: dir, io });
      await catalog.createNamespace(['db']);
      await concurrentWriters(catalog, io, { warehouse: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it(`${WRITERS} writer processes × ${APPENDS} appends on S3 (moto, conditional writes): ${WRITERS * APPENDS} snapshots in one line, no row lost or duplicated`, async () => {
    const endpoint = inject('motoEndpoint');
    const bucket = `reliability-${Date.now()}`;
    const io = new S3FileIO({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: new Secret('testing') } });
    await io.client.send(new CreateBucketCommand({ Bucket: bucket }));
    const warehouse = `s3://${bucket}/wh/`;
    const catalog = new FileSystemCatalog({ warehouse, io });
    await catalog.createNamespace(['db']);
    await concurrentWriters(catalog, io, { warehouse, s3Endpoint: endpoint });
  }, 600_000); // moto answers each call in a few ms, and contention multiplies the calls (~10k here)
});

// ── writers killed with SIGKILL ──────────────────────────────────────────────

/** Every file under `dir` as a `file://` URI, temporary files of interrupted writes included. */
async function filesOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => `file://${join(e.parentPath, e.name)}`);
}

const KILL_ROUNDS = 6;
const KILL_BATCH = 500;

describe('a writer killed with SIGKILL', () => {
  let dir: string;
  let io: LocalFileIO;
  let catalog: FileSystemCatalog;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakekit-killed-'));
    io = new LocalFileIO({ root: dir });
    catalog = new FileSystemCatalog({ warehouse: dir, io });
    await catalog.createNamespace(['db']);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('remove-orphan-files also removes the temporary file of a write that a crash interrupted', async () => {
    await catalog.createTable({ namespace: ['db'], name: 'temp_leftover' }, { schema });
    const table = await Table.load(catalog, 'db.temp_leftover');
    await table.append([{ id: 1n, writer: 0, payload: 'kept' }]);
    // What LocalFileIO leaves when the process dies between writing a file and renaming it into place.
    const leftover = join(dir, 'db', 'temp_leftover', 'data', `.00000-x.parquet${LOCAL_TEMP_MARKER}0123456789ab`);
    await writeFile(leftover, 'half a Parquet file');
    const { orphanFiles } = await removeOrphanFiles(table, { olderThan: Date.now() + 1 });
    expect(orphanFiles).toEqual([`file://${leftover}`]);
    expect(existsSync(leftover)).toBe(false);
    expect(await table.scan().count()).toBe(1);
  });

  it(`leaves the table readable at its last commit and only unreferenced files behind (${KILL_ROUNDS} rounds, random moments)`, async () => {
    await catalog.createTable({ namespace: ['db'], name: 'killed' }, { schema });
    const tableDir = join(dir, 'db', 'killed');
    const baseSeed = Date.now() % 1_000_000;
    const seen = { rounds: 0, leftovers: 0, temp: 0, commitsAfterLastReport: 0 };
    const appendsPerRound: number[] = [];

    for (let round = 0; round < KILL_ROUNDS; round++) {
      const seed = baseSeed + round;
      const random = seededRandom(seed); // seeded, so a failing round can be told apart by its seed
      const idBase = round * 1_000_000;
      // Durable writes (fsync, the default) widen the windows a kill can land in.
      const writer = new WriterProcess({ warehouse: dir, fsync: true, table: 'db.killed', writer: round, idBase, batch: KILL_BATCH });
      await writer.ready();
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 1500)));
      writer.kill();
      const exit = await writer.exited;
      const context = `round ${round}, seed ${seed}: ${writer.describe()}`;
      expect(exit.signal, context).toBe('SIGKILL');

      // Readable at its last commit: the scan agrees with the current snapshot's summary.
      const table = await Table.load(catalog, 'db.killed');
      const current = table.currentSnapshot();
      const ids = await scanIds(table);
      expect(String(ids.length), context).toBe(current?.summary?.['total-records'] ?? '0');
      expectLinearHistory(table, table.snapshots().length);
      // Whole appends only, each once; every append the writer saw commit is there,
      // plus at most one that landed just before the kill was reported.
      expect(new Set(ids).size, context).toBe(ids.length);
      const mine = ids.filter((i) => i >= idBase && i < idBase + 1_000_000).sort((a, b) => a - b);
      const appended = mine.length / KILL_BATCH;
      expect(mine, context).toEqual(Array.from({ length: appended * KILL_BATCH }, (_, i) => idBase + i));
      const reported = writer.committed().length;
      expect(appended - reported, context).toBeGreaterThanOrEqual(0);
      expect(appended - reported, context).toBeLessThanOrEqual(1);
      seen.commitsAfterLastReport += appended - reported;
      appendsPerRound.push(appended);

      // Every referenced file exists; whatever else is there is a leftover of the interrupted append.
      const refs = await referencedFiles(io, table);
      const onDisk = await filesOnDisk(tableDir);
      const present = new Set(onDisk);
      expect([...refs].filter((r) => !present.has(r)), `${context}: referenced files missing`).toEqual([]);
      const leftovers = onDisk.filter((f) => !refs.has(f) && !isCatalogFile(f));
      for (const f of leftovers) {
        expect(f, context).toMatch(f.includes(LOCAL_TEMP_MARKER) ? /\/db\/killed\/(data|metadata)\/\.[^/]+$/ : /\/db\/killed\/(data\/[^/]+\.parquet|metadata\/[^/]+\.avro)$/);
      }
      seen.rounds++;
      seen.leftovers = leftovers.length;
      seen.temp = leftovers.filter((f) => f.includes(LOCAL_TEMP_MARKER)).length;
    }
    // The kills landed at different moments: not all before the first commit.
    expect(appendsPerRound.some((n) => n > 0), JSON.stringify(appendsPerRound)).toBe(true);
    console.log(`SIGKILL rounds (seeds from ${baseSeed}): appends per round ${JSON.stringify(appendsPerRound)}, leftover files ${seen.leftovers} (temporary ${seen.temp}), commits landed but unreported ${seen.commitsAfterLastReport}`);

    // Maintenance removes the leftovers (no write is in flight, so every file is old enough)…
    const table = await Table.load(catalog, 'db.killed');
    const refs = await referencedFiles(io, table);
    const { orphanFiles } = await removeOrphanFiles(table, { olderThan: Date.now() + 1 });
    for (const f of orphanFiles) expect(refs.has(f), f).toBe(false);
    const remaining = (await filesOnDisk(tableDir)).filter((f) => !refs.has(f) && !isCatalogFile(f));
    expect(remaining).toEqual([]);
    // …and they were truly unreferenced: the current and earlier snapshots still read in full.
    const snapshots = table.snapshots();
    for (const s of [snapshots[0], snapshots[snapshots.length >> 1], snapshots.at(-1)]) {
      if (s === undefined) continue;
      expect(String(await table.scan({ snapshotId: s.snapshotId }).count())).toBe(s.summary?.['total-records']);
    }
  });
});

// ── hostile files in a table ─────────────────────────────────────────────────

/** How long one load-and-scan of the tiny fuzz table may take before it counts as a hang. */
const HANG_MS = 15_000;
const FUZZ_RUNS = Number(process.env.LAKEKIT_FUZZ_RUNS ?? 120);

/** A byte-level corruption of a file. */
type Mutation =
  | { kind: 'flip'; at: { pos: number; bit: number }[] }
  | { kind: 'overwrite'; pos: number; bytes: Uint8Array }
  | { kind: 'truncate'; length: number }
  | { kind: 'insert'; pos: number; bytes: Uint8Array }
  | { kind: 'replace'; bytes: Uint8Array };

/** Corruptions of `[from, to)` of a file (the whole file by default). */
function mutation(from: number, to: number): fc.Arbitrary<Mutation> {
  const pos = fc.integer({ min: from, max: Math.max(from, to - 1) });
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 24 });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.record({ pos, bit: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('overwrite' as const), pos, bytes }),
    fc.record({ kind: fc.constant('truncate' as const), length: fc.integer({ min: 0, max: Math.max(0, to - 1) }) }),
    fc.record({ kind: fc.constant('insert' as const), pos, bytes }),
    fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  );
}

function mutate(original: Uint8Array, m: Mutation): Uint8Array {
  const b = new Uint8Array(original);
  switch (m.kind) {
    case 'flip':
      for (const { pos, bit } of m.at) b[pos] = b[pos]! ^ (1 << bit);
      return b;
    case 'overwrite':
      b.set(m.bytes.subarray(0, b.length - m.pos), m.pos);
      return b;
    case 'truncate':
      return b.subarray(0, m.length);
    case 'insert':
      return new Uint8Array([...b.subarray(0, m.pos), ...m.bytes, ...b.subarray(m.pos)]);
    case 'replace':
      return m.bytes;
  }
}

/** Avro's zig-zag varint encoding of a long. */
function zigzag(v: bigint): Uint8Array {
  let n = v >= 0n ? v << 1n : (-v << 1n) - 1n;
  const out: number[] = [];
  do {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? byte | 0x80 : byte);
  } while (n > 0n);
  return new Uint8Array(out);
}

function readVarint(b: Uint8Array, pos: number): number {
  let end = pos;
  while ((b[end]! & 0x80) !== 0) end++;
  return end + 1;
}

/**
 * An Avro container file whose first block claims `count` objects in `size`
 * bytes (hostile lengths: negative, zero, huge). The header ends with the
 * 16-byte sync marker that also ends the file.
 */
function hostileAvroBlock(original: Uint8Array, count: bigint, size: bigint): Uint8Array {
  const sync = original.subarray(original.length - 16);
  let headerEnd = -1;
  for (let i = 4; i + 16 <= original.length && headerEnd < 0; i++) if (sync.every((x, j) => original[i + j] === x)) headerEnd = i + 16;
  const afterCount = readVarint(original, headerEnd);
  const afterSize = readVarint(original, afterCount);
  return new Uint8Array([...original.subarray(0, headerEnd), ...zigzag(count), ...zigzag(size), ...original.subarray(afterSize)]);
}

const HOSTILE_JSON: unknown[] = [null, -1, 0, 2 ** 31, -(2 ** 63), 1e308, 0.5, '', 'x'.repeat(10_000), [], {}, true, [[[[[]]]]], { type: 'struct', fields: 'x' }, 9_007_199_254_740_993n];

/** Every path into a JSON document. */
function jsonPaths(v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (path.length > 0) out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => jsonPaths(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) jsonPaths(x, [...path, k], out);
  return out;
}

/** A copy of `doc` with the value at `path` replaced (or removed when `value` is undefined). */
function withValue(doc: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    if (rest.length === 0 && value === undefined) copy.splice(head as number, 1);
    else copy[head as number] = withValue(copy[head as number], rest, value);
    return copy;
  }
  const copy = { ...(doc as Record<string, unknown>) };
  if (rest.length === 0 && value === undefined) delete copy[head as string];
  else copy[head as string] = withValue(copy[head as string], rest, value);
  return copy;
}

describe('hostile files placed in a table', () => {
  const io = new MemoryFileIO();
  const catalog = new FileSystemCatalog({ warehouse: 'memory://fuzz/', io });
  const pristine = new Map<string, Uint8Array>();
  let firstSnapshot: bigint;
  let files: { metadata: string; manifestLists: string[]; manifests: string[]; data: string[] };

  beforeAll(async () => {
    await catalog.createNamespace(['db']);
    const spec = buildPartitionSpec(schema, [{ source: 'writer', transform: Transforms.identity }]);
    await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, partitionSpec: spec });
    const table = await Table.load(catalog, 'db.t');
    await table.append(Array.from({ length: 20 }, (_, i) => ({ id: BigInt(i), writer: i % 2, payload: `p${i}` })));
    await table.append(Array.from({ length: 10 }, (_, i) => ({ id: BigInt(100 + i), writer: 2, payload: null })));
    firstSnapshot = table.snapshots()[0]!.snapshotId;
    const refs = await referencedFiles(io, table);
    for (const r of refs) pristine.set(r, await io.read(r));
    const all = [...refs];
    files = {
      metadata: table.metadataLocation!,
      manifestLists: table.snapshots().map((s) => s.manifestList!),
      manifests: all.filter((f) => f.endsWith('.avro') && !table.snapshots().some((s) => s.manifestList === f)),
      data: all.filter((f) => f.endsWith('.parquet')),
    };
    expect(files.manifests.length).toBeGreaterThanOrEqual(2);
    expect(files.data.length).toBe(3);
  });

  /** Put every pristine file back (a previous case may have replaced or deleted one). */
  async function restore(): Promise<void> {
    for (const [location, bytes] of pristine) await io.write(location, bytes);
  }

  /** Everything a reader does with a table: load, plan, scan, time travel. */
  async function readEverything(): Promise<void> {
    const table = await Table.load(catalog, 'db.t');
    await table.scan().toArrow();
    await table.scan({ filter: 'id >= 5 and writer = 1', select: ['payload'] }).count();
    for await (const task of table.planFiles({ snapshotId: firstSnapshot, filter: 'id < 3' })) void task;
  }

  /** Reading succeeds or fails with ValidationError / NotFoundError — never anything else, never a hang. */
  async function expectSafe(label: string, allowNotFound = true): Promise<'ok' | string> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`HANG: ${label} did not settle within ${HANG_MS} ms`)), HANG_MS)));
    try {
      await Promise.race([readEverything(), hang]);
      return 'ok';
    } catch (e) {
      // A format version newer than lakekit knows is "upgrade lakekit", not corruption.
      const newerFormat = isLakeError(e, 'UNSUPPORTED') && /format version/.test((e as Error).message);
      const allowed = isLakeError(e, 'VALIDATION') || newerFormat || (allowNotFound && isLakeError(e, 'NOT_FOUND'));
      if (!allowed) throw new Error(`${label}: expected ValidationError${allowNotFound ? ' or NotFoundError' : ''}, got ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`, { cause: e });
      return (e as Error).name;
    } finally {
      clearTimeout(timer);
    }
  }

  async function fuzzFile(label: string, location: () => string, arb: (original: Uint8Array) => fc.Arbitrary<Uint8Array>): Promise<Record<string, number>> {
    const outcomes: Record<string, number> = {};
    const original = () => pristine.get(location())!;
    await fc.assert(
      fc.asyncProperty(fc.constant(null).chain(() => arb(original())), async (bytes) => {
        await restore();
        await io.write(location(), bytes);
        const outcome = await expectSafe(label);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
      { numRuns: FUZZ_RUNS },
    );
    await restore();
    return outcomes;
  }

  it('the pristine table reads (so the cases below break only what they corrupt)', async () => {
    await restore();
    expect(await expectSafe('pristine')).toBe('ok');
    expect(await (await Table.load(catalog, 'db.t')).scan().count()).toBe(30);
  });

  it('corrupted or hostile table metadata JSON fails Table.load or the scan with ValidationError', async () => {
    const text = new TextDecoder().decode(pristine.get(files.metadata)!);
    const doc = parseJson(text);
    const paths = jsonPaths(doc);
    const structural = fc
      .tuple(fc.integer({ min: 0, max: paths.length - 1 }), fc.oneof(fc.constant(undefined), fc.constantFrom(...HOSTILE_JSON), fc.jsonValue({ maxDepth: 3 })))
      .map(([i, value]) => new TextEncoder().encode(stringifyJson(withValue(doc, paths[i]!, value))));
    const original = pristine.get(files.metadata)!;
    const outcomes = await fuzzFile('metadata JSON', () => files.metadata, () => fc.oneof(structural, structural, mutation(0, original.length).map((m) => mutate(original, m))));
    // Most corruptions must be caught, not just survived.
    expect(outcomes['ValidationError'] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(FUZZ_RUNS / 4);

    // Deterministic hostile documents.
    const cases: [string, string][] = [
      ['empty', ''],
      ['deeply nested', '['.repeat(200_000) + ']'.repeat(200_000)],
      ['not an object', '[1,2,3]'],
      ['current snapshot missing', stringifyJson(withValue(doc, ['current-snapshot-id'], 12345))],
      ['schema with a field id loop', stringifyJson(withValue(doc, ['schemas', 0, 'fields', 1, 'id'], 1))],
      ['truncated', text.slice(0, text.length >> 1)],
    ];
    for (const [label, body] of cases) {
      await restore();
      await io.write(files.metadata, body);
      expect(await expectSafe(`metadata: ${label}`, false), label).toBe('ValidationError');
    }
    await io.write(files.metadata, stringifyJson(withValue(doc, ['format-version'], 99)));
    expect(await expectSafe('metadata: format version 99', false)).toBe('UnsupportedError');
    await restore();
  });

  it('corrupted or hostile manifest lists fail the scan with ValidationError', async () => {
    const location = files.manifestLists[1]!;
    const original = pristine.get(location)!;
    const outcomes = await fuzzFile('manifest list', () => location, () => mutation(0, original.length).map((m) => mutate(original, m)));
    expect(outcomes['ValidationError'] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(FUZZ_RUNS / 4);
    for (const [count, size] of [[-1n, 10n], [2n ** 40n, 10n], [1n, 2n ** 40n], [1n, -5n], [2n ** 62n, 2n ** 62n], [1_000_000n, 3n]] as const) {
      await restore();
      await io.write(location, hostileAvroBlock(original, count, size));
      expect(await expectSafe(`manifest list block ${count}/${size}`, false)).toBe('ValidationError');
    }
    await restore();
    await io.delete(location);
    expect(await expectSafe('manifest list deleted')).toBe('NotFoundError');
    await restore();
  });

  it('corrupted or hostile manifests fail the scan with ValidationError', async () => {
    for (const location of files.manifests) {
      const original = pristine.get(location)!;
      const outcomes = await fuzzFile('manifest', () => location, () => mutation(0, original.length).map((m) => mutate(original, m)));
      expect(outcomes['ValidationError'] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(FUZZ_RUNS / 4);
      for (const [count, size] of [[-1n, 10n], [2n ** 40n, 10n], [1n, 2n ** 40n], [1n, -5n], [2n ** 62n, 2n ** 62n], [1_000_000n, 3n]] as const) {
        await restore();
        await io.write(location, hostileAvroBlock(original, count, size));
        expect(await expectSafe(`manifest block ${count}/${size}`, false)).toBe('ValidationError');
      }
      await restore();
      await io.delete(location);
      expect(await expectSafe('manifest deleted')).toBe('NotFoundError');
      await restore();
    }
  });

  it('corrupted or hostile Parquet footers fail the scan with ValidationError', async () => {
    const location = files.data[0]!;
    const original = pristine.get(location)!;
    const footerLength = new DataView(original.buffer, original.byteOffset + original.length - 8, 4).getUint32(0, true);
    const footerStart = original.length - 8 - footerLength;
    const outcomes = await fuzzFile('Parquet footer', () => location, () => mutation(footerStart, original.length).map((m) => mutate(original, m)));
    expect(outcomes['ValidationError'] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(FUZZ_RUNS / 4);
    const withLength = (n: number) => {
      const b = new Uint8Array(original);
      new DataView(b.buffer).setUint32(b.length - 8, n, true);
      return b;
    };
    const cases: [string, Uint8Array][] = [
      ['footer length 0', withLength(0)],
      ['footer length past the start', withLength(original.length)],
      ['footer length 2^32-1', withLength(0xffffffff)],
      ['no magic', original.subarray(0, original.length - 1)],
      ['footer zeroed', new Uint8Array([...original.subarray(0, footerStart), ...new Uint8Array(footerLength), ...original.subarray(original.length - 8)])],
      ['empty file', new Uint8Array(0)],
    ];
    for (const [label, bytes] of cases) {
      await restore();
      await io.write(location, bytes);
      expect(await expectSafe(`Parquet: ${label}`, false), label).toBe('ValidationError');
    }
    await restore();
    await io.delete(location);
    expect(await expectSafe('data file deleted')).toBe('NotFoundError');
    await restore();
  });
});
