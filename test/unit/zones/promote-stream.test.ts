import { Table as ArrowTable } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import { newSchema, optionalField, Types } from '../../../src/iceberg/index.js';
import type { FileIO, WriteInput, WriteOptions } from '../../../src/io/file-io.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { BronzeWriter, ensureGoldTable, perBatchGate, promote, readWithReaders, SilverWriter, standardize, type QualityGate, type StreamingQualityGate } from '../../../src/zones/index.js';
import { readParquet } from '../../../src/formats/readers/parquet.js';
import { FailingFileIO } from './fixtures.js';

const ROWS = 120_000;
/** A deliberately small budget: the CSV below is several times larger. */
const BUDGET = 1024 * 1024;

function* csvChunks(rows: number, duplicateAt?: number): Generator<Uint8Array> {
  const enc = new TextEncoder();
  yield enc.encode('order_id,customer,amount,ccy,day\n');
  for (let start = 0; start < rows; start += 5000) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + 5000); i++) {
      const id = duplicateAt !== undefined && i === rows - 1 ? duplicateAt : i;
      text += `${id}, customer-${i % 977} ,${(i % 10_000) / 100},${i % 3 === 0 ? 'eur' : 'usd'},2026-11-${String(1 + (i % 28)).padStart(2, '0')}\n`;
    }
    yield enc.encode(text);
  }
}

/** Counts the bytes read from bronze and, at the moment silver's first data byte is written, how many had been read. */
class MeteredIO extends FailingFileIO {
  bronzeRead = 0;
  readAtFirstSilverWrite: number | undefined;
  constructor(inner: FileIO) {
    super(inner);
  }
  override async readStream(l: string, r?: { offset: number; length?: number }): Promise<ReadableStream<Uint8Array>> {
    const s = await this.inner.readStream(l, r);
    if (!l.includes('/bronze/source=')) return s;
    return s.pipeThrough(new TransformStream({ transform: (c, ctl) => ((this.bronzeRead += c.length), ctl.enqueue(c)) }));
  }
  override async createIfAbsent(l: string, d: WriteInput, o?: WriteOptions) {
    if (!l.includes('/silver/') || !l.endsWith('.parquet') || typeof d === 'string' || d instanceof Uint8Array || !(Symbol.asyncIterator in d)) return this.inner.createIfAbsent(l, d, o);
    const mark = () => (this.readAtFirstSilverWrite ??= this.bronzeRead);
    async function* metered() {
      for await (const c of d as AsyncIterable<Uint8Array>) {
        mark();
        yield c;
      }
    }
    return this.inner.createIfAbsent(l, metered(), o);
  }
}

async function setup() {
  const io = new MeteredIO(new MemoryFileIO());
  const bronze = new BronzeWriter({ root: 'memory://lake/bronze', io });
  const silver = new SilverWriter({ root: 'memory://lake/silver', io, parquet: { rowGroupSizeBytes: 64 * 1024 } });
  return { io, bronze, silver };
}

const transform = (t: ArrowTable) => standardize(t, { currencies: ['ccy'], identifiers: ['customer'] }).table;
const job = { dataset: 'sales.orders', read: readWithReaders({ csv: { batchSize: 2000 } }), transform, silverOptions: { domain: 'sales', date: '2026-11-30' } };

describe('streaming promotion', () => {
  it('promotes a file several times bigger than the memory budget, holding about one batch at a time', async () => {
    const { io, bronze, silver } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: (async function* () { yield* csvChunks(ROWS); })() }] });
    const size = ingest.manifest.files[0]!.size;
    expect(size).toBeGreaterThan(4 * BUDGET);
    const gold = await ensureGoldTable(new FileSystemCatalog({ warehouse: 'memory://lake/gold/', io }), 'gold.orders', newSchema([optionalField(1, 'order_id', Types.long), optionalField(2, 'customer', Types.string), optionalField(3, 'ccy', Types.string)]));
    const seen: number[] = [];
    const gate: StreamingQualityGate = { check: (t) => (seen.push(t.numRows), {}), finish: () => ({ passed: true }) };
    const r = await promote({ bronze, silver, batch: ingest.manifest, ...job, qualityGate: gate, protect: async (t) => t, gold: { table: gold } });
    expect(r.status).toBe('completed');
    const silverStep = r.steps.find((s) => s.step === 'silver')!;
    expect(silverStep.rowsOut).toBe(ROWS);
    expect(silverStep.peakBufferedBytes).toBeGreaterThan(0);
    expect(silverStep.peakBufferedBytes).toBeLessThanOrEqual(BUDGET);
    // The gate saw every batch, none bigger than the reader's batch size.
    expect(seen.reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(Math.max(...seen)).toBeLessThanOrEqual(2000);
    // Silver's first row group was uploaded before bronze was read to the end.
    expect(io.readAtFirstSilverWrite).toBeDefined();
    expect(io.readAtFirstSilverWrite!).toBeLessThan(size);
    expect(io.bronzeRead).toBe(size);
    expect((await silver.read('sales.orders')).numRows).toBe(ROWS);
    expect(await gold.scan().count()).toBe(ROWS);
    expect((await gold.scan({ select: ['ccy'], limit: 1 } as never).toRows())[0]!['ccy']).toMatch(/^(EUR|USD)$/);
  });

  it('the same promotion with every row at once (scope: dataset) exceeds that budget — the measure sees buffering', async () => {
    const { bronze, silver } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: (async function* () { yield* csvChunks(ROWS); })() }] });
    const r = await promote({ bronze, silver, batch: ingest.manifest, ...job, scope: 'dataset' });
    expect(r.steps.find((s) => s.step === 'silver')!.peakBufferedBytes).toBeGreaterThan(BUDGET);
    expect((await silver.read('sales.orders')).numRows).toBe(ROWS);
  });

  it('a uniqueness rule stays correct: a function gate sees every row; a streaming gate keeps its keys across batches', async () => {
    // The last row repeats order_id 7, in a different record batch from the first 7.
    const unique = (seenKeys: Set<number>, t: ArrowTable) => [...(t.getChild('order_id') as unknown as Iterable<number | bigint>)].map(Number).filter((k) => (seenKeys.has(k) ? true : (seenKeys.add(k), false))).length;
    const functionGate: QualityGate = async (t) => {
      const dups = unique(new Set(), t);
      return { passed: dups === 0, report: { duplicates: dups } };
    };
    const keys = new Set<number>();
    let dups = 0;
    const streamingGate: StreamingQualityGate = { check: (t) => ((dups += unique(keys, t)), {}), finish: () => ({ passed: dups === 0, report: { duplicates: dups } }) };
    // Applied to each batch on its own, the same rule would miss the duplicate: that is why a function gate is not run per batch.
    const naive = perBatchGate(functionGate);
    for (const [gate, expected] of [[functionGate, 'quality-failed'], [streamingGate, 'quality-failed'], [naive, 'completed']] as const) {
      const { bronze, silver } = await setup();
      const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: (async function* () { yield* csvChunks(10_000, 7); })() }] });
      const r = await promote({ bronze, silver, batch: ingest.manifest, ...job, qualityGate: gate });
      expect(r.status).toBe(expected);
      if (expected === 'quality-failed') {
        expect(await silver.current('sales.orders')).toBeUndefined();
        expect(r.qualityReport).toEqual({ duplicates: 1 });
      }
    }
  });

  it('a streaming gate that fails at the end quarantines the failing rows of every batch (protected) and leaves silver empty', async () => {
    const { io, bronze, silver } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: (async function* () { yield* csvChunks(10_000); })() }] });
    let flagged = 0;
    const gate: StreamingQualityGate = {
      check: (t) => {
        const ids = [...(t.getChild('order_id') as unknown as Iterable<number | bigint>)].map(Number);
        const bad = ids.map((id, i) => [id, i] as const).filter(([id]) => id % 1000 === 0).map(([, i]) => i);
        flagged += bad.length;
        return bad.length === 0 ? {} : { failingRows: new ArrowTable(t.select(['order_id', 'customer']).batches.map((b) => b.slice(bad[0]!, bad[0]! + 1))) };
      },
      finish: () => ({ passed: flagged === 0, report: { flagged } }),
    };
    const protect = async (t: ArrowTable) => standardize(t, { identifiers: ['customer'] }).table;
    const r = await promote({ bronze, silver, batch: ingest.manifest, ...job, qualityGate: gate, protect, runId: 'run-q' });
    expect(r.status).toBe('quality-failed');
    expect(flagged).toBe(10);
    // One failing row per batch that had one: 10 batches of 2000 rows hold ids 0, 1000, …, 9000 → 5 batches, 2 each, one reported per batch.
    expect(r.quarantine).toEqual({ location: 'memory://lake/silver/_quarantine/sales.orders/run=run-q/failing.parquet', rows: 5 });
    const quarantined: unknown[] = [];
    for await (const b of readParquet(io, r.quarantine!.location)) quarantined.push(...[...b.getChild('customer')!]);
    // Protected (identifiers trimmed) before they were written; the CSV had ' customer-N '.
    expect(quarantined).toEqual([0, 1, 2, 3, 4].map((k) => `customer-${(2000 * k) % 977}`));
    expect(await silver.current('sales.orders')).toBeUndefined();
    const left: string[] = [];
    for await (const s of io.list('memory://lake/silver/sales.orders/')) left.push(s.location);
    expect(left).toEqual([]);
  });

  it('a bronze object altered after ingest fails the streamed promotion before silver commits', async () => {
    const { io, bronze, silver } = await setup();
    const ingest = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: (async function* () { yield* csvChunks(5000); })() }] });
    const f = ingest.manifest.files[0]!;
    const bytes = await io.read(f.location);
    await io.inner.write(f.location, bytes.map((b, i) => (i === bytes.length - 3 && b === 0x30 ? 0x31 : i === bytes.length - 3 ? 0x30 : b)));
    await expect(promote({ bronze, silver, batch: ingest.manifest, ...job })).rejects.toThrow(/SHA-256/);
    expect(await silver.current('sales.orders')).toBeUndefined();
    const left = [];
    for await (const s of io.list('memory://lake/silver/')) left.push(s.location);
    expect(left).toEqual([]);
  });
});
