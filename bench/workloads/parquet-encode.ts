/**
 * Parquet encoding: the same 1,000,000-row Arrow table (id long, account
 * string ~200k distinct, amount decimal(18,2), currency string of 5 values,
 * ts timestamptz over 30 days, merchant string of 1,000 values, is_fraud
 * boolean) encoded to one Parquet file in memory by lakekit's writer and by
 * its JavaScript/wasm peers, with DuckDB's native COPY as the ceiling.
 * Targets (Iceberg writer issue): lakekit ≥ 2.5 × hyparquet-writer and
 * ≥ 1 × parquet-wasm, zstd.
 *
 * hyparquet-writer and parquet-wasm are pinned devDependencies, used only
 * here as benchmark peers.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Bool, Decimal, Field, Int64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, TimestampMicrosecond, Utf8, type Data } from 'apache-arrow';
import { useNativeCompression, zstdBackend, zstdCompressor } from '../../src/formats/compression/index.js';
import { writeParquet } from '../../src/formats/parquet/write/index.js';
import { newSchema, optionalField, requiredField, Types } from '../../src/iceberg/spec/index.js';
import { compare, type Candidate, type Section } from '../harness.js';

const PEERS = join(process.cwd(), 'node_modules');

/** The Iceberg schema of the transactions table (field ids 1–7, as in the Arrow data). */
export const transactionsSchema = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'account', Types.string),
  optionalField(3, 'amount', Types.decimal(18, 2)),
  optionalField(4, 'currency', Types.string),
  optionalField(5, 'ts', Types.timestamptz),
  optionalField(6, 'merchant', Types.string),
  optionalField(7, 'is_fraud', Types.boolean),
]);

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function utf8Data(strings: string[]): Data<Utf8> {
  const enc = new TextEncoder();
  const parts = strings.map((s) => enc.encode(s));
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  parts.forEach((p, i) => (offsets[i + 1] = total += p.length));
  const bytes = new Uint8Array(total);
  parts.forEach((p, i) => bytes.set(p, offsets[i]));
  return makeData({ type: new Utf8(), length: strings.length, valueOffsets: offsets, data: bytes, nullCount: 0 });
}

/** The workload table (one record batch). */
export function transactionsTable(n: number, seed = 42): Table {
  const r = rng(seed);
  const currencies = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'];
  const merchants = Array.from({ length: 1000 }, (_, i) => `merchant_${String(i).padStart(4, '0')}_${['shop', 'store', 'mart', 'online'][i % 4]}`);
  const fid = (id: number) => new Map([['PARQUET:field_id', String(id)]]);
  const schema = new Schema([
    new Field('id', new Int64(), false, fid(1)),
    new Field('account', new Utf8(), true, fid(2)),
    new Field('amount', new Decimal(2, 18, 128), true, fid(3)),
    new Field('currency', new Utf8(), true, fid(4)),
    new Field('ts', new TimestampMicrosecond('UTC'), true, fid(5)),
    new Field('merchant', new Utf8(), true, fid(6)),
    new Field('is_fraud', new Bool(), true, fid(7)),
  ]);
  const id = new BigInt64Array(n);
  const account: string[] = new Array(n);
  const amount = new Uint32Array(n * 4);
  const currency: string[] = new Array(n);
  const ts = new BigInt64Array(n);
  const merchant: string[] = new Array(n);
  const fraud = new Uint8Array((n + 7) >> 3);
  const start = 1735689600000000n;
  const span = 30 * 86400 * 1e6;
  for (let i = 0; i < n; i++) {
    id[i] = BigInt(i);
    account[i] = 'ACCT' + String(Math.floor(r() * 200_000)).padStart(10, '0');
    amount[i * 4] = Math.floor(r() * 1_000_000);
    currency[i] = currencies[Math.floor(r() * r() * 5)]!;
    ts[i] = start + BigInt(Math.floor(r() * span));
    merchant[i] = merchants[Math.floor(r() * 1000)]!;
    if (r() < 0.01) fraud[i >> 3]! |= 1 << (i & 7);
  }
  const f = schema.fields;
  const children = [
    makeData({ type: f[0]!.type, length: n, data: id, nullCount: 0 }),
    utf8Data(account),
    makeData({ type: f[2]!.type, length: n, data: amount, nullCount: 0 }),
    utf8Data(currency),
    makeData({ type: f[4]!.type, length: n, data: ts, nullCount: 0 }),
    utf8Data(merchant),
    makeData({ type: f[6]!.type, length: n, data: fraud, nullCount: 0 }),
  ];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, children, nullCount: 0 }));
  return new Table(schema, [batch]);
}

function arrowBytes(t: Table): number {
  let total = 0;
  for (const b of t.batches) for (const c of b.data.children) for (const buf of [c.values, c.valueOffsets, c.nullBitmap]) if (buf) total += (buf as ArrayBufferView).byteLength;
  return total;
}

type Compress = (b: Uint8Array) => Uint8Array;

interface Peers {
  hw?: { parquetWriteBuffer(o: unknown): ArrayBuffer };
  pw?: {
    Table: { fromIPCStream(b: Uint8Array): unknown };
    WriterPropertiesBuilder: new () => { setCompression(c: number): unknown };
    Compression: Record<string, number>;
    writeParquet(t: unknown, p: unknown): Uint8Array;
  };
  snappy?: Compress;
  missing: string[];
}

async function loadPeers(): Promise<Peers> {
  const peers: Peers = { missing: [] };
  const hw = join(PEERS, 'hyparquet-writer/src/index.js');
  const pw = join(PEERS, 'parquet-wasm/node/parquet_wasm.js');
  if (existsSync(hw)) peers.hw = (await import(hw)) as Peers['hw'];
  else peers.missing.push(`hyparquet-writer (not found at ${hw})`);
  if (existsSync(pw)) {
    const m = (await import(pw)) as Peers['pw'] & { default?: Peers['pw'] };
    peers.pw = m.default ?? m;
  } else peers.missing.push(`parquet-wasm (not found at ${pw})`);
  return peers;
}

/** hyparquet-writer input: its column arrays, built from the Arrow table inside the timed run. */
function hyparquetWrite(peers: Peers, table: Table, codec: 'ZSTD' | 'SNAPPY', zstd?: Compress): Uint8Array {
  const n = table.numRows;
  const col = (name: string) => table.getChild(name)!;
  const dec = col('amount').data[0]!.values as Uint32Array;
  const d64 = new BigInt64Array(dec.buffer, dec.byteOffset, n * 2);
  const amount = new BigInt64Array(n);
  for (let i = 0; i < n; i++) amount[i] = d64[2 * i]!;
  const str = { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type: 'OPTIONAL' };
  const schema = [
    { name: 'root', num_children: 7 },
    { name: 'id', type: 'INT64', repetition_type: 'REQUIRED', field_id: 1 },
    { name: 'account', ...str, field_id: 2 },
    { name: 'amount', type: 'INT64', converted_type: 'DECIMAL', scale: 2, precision: 18, logical_type: { type: 'DECIMAL', scale: 2, precision: 18 }, repetition_type: 'OPTIONAL', field_id: 3 },
    { name: 'currency', ...str, field_id: 4 },
    { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'OPTIONAL', field_id: 5 },
    { name: 'merchant', ...str, field_id: 6 },
    { name: 'is_fraud', type: 'BOOLEAN', repetition_type: 'OPTIONAL', field_id: 7 },
  ];
  const columnData = [
    { name: 'id', data: col('id').data[0]!.values },
    { name: 'account', data: col('account').toArray() },
    { name: 'amount', data: amount },
    { name: 'currency', data: col('currency').toArray() },
    { name: 'ts', data: col('ts').data[0]!.values },
    { name: 'merchant', data: col('merchant').toArray() },
    { name: 'is_fraud', data: col('is_fraud').toArray() },
  ];
  const opts = { columnData, schema, codec, rowGroupSize: n, ...(zstd ? { compressors: { ZSTD: zstd } } : {}) };
  return new Uint8Array(peers.hw!.parquetWriteBuffer(opts));
}

function parquetWasmWrite(peers: Peers, table: Table, codec: 'ZSTD' | 'SNAPPY'): Uint8Array {
  const pw = peers.pw!;
  const props = (new pw.WriterPropertiesBuilder().setCompression(pw.Compression[codec]!) as { setMaxRowGroupSize(n: number): { build(): unknown } })
    .setMaxRowGroupSize(table.numRows)
    .build();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), props);
}

/**
 * Encode the workload with every candidate, zstd and snappy, and report
 * medians, throughput over the Arrow input and ratios against lakekit.
 */
export async function parquetEncodeBench(opts: { rows?: number; runs?: number } = {}): Promise<Section[]> {
  const rows = opts.rows ?? 1_000_000;
  const runs = opts.runs ?? 5;
  const table = transactionsTable(rows);
  const bytes = arrowBytes(table);
  const peers = await loadPeers();
  // hyparquet-writer calls its compressor synchronously: it gets the WebAssembly build (native zstd answers with a promise).
  useNativeCompression(false);
  const zstd1 = await zstdCompressor(1);
  useNativeCompression(true);
  const zstdFn: Compress = (b) => zstd1.compress(b) as Uint8Array;
  const backend = await zstdBackend();
  const dir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'lakekit-pq-bench-'));
  const sizes = new Map<string, number>();
  const keep = (name: string, out: Uint8Array): void => void sizes.set(name, out.length);
  try {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const seed = join(dir, 'seed.parquet');
    await writeFile(seed, (await writeParquet(table, transactionsSchema, { codec: 'uncompressed' })).bytes);
    await duck.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${seed}')`);
    const threads = String((await duck.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0]![0]);
    const fieldIds = `FIELD_IDS {${transactionsSchema.fields.map((f) => `${f.name}: ${f.id}`).join(', ')}}`;
    const sections: Section[] = [];
    for (const codec of ['zstd', 'snappy'] as const) {
      const upper = codec === 'zstd' ? 'ZSTD' : 'SNAPPY';
      const subject = `lakekit ${codec}`;
      const candidates: Candidate[] = [
        { name: subject, run: async () => keep(subject, (await writeParquet(table, transactionsSchema, { codec })).bytes) },
      ];
      if (codec === 'zstd' && backend === 'native') {
        const name = 'lakekit zstd, WebAssembly zstd (as under Deno without --allow-ffi)';
        candidates.push({
          name,
          run: async () => {
            useNativeCompression(false);
            try {
              keep(name, (await writeParquet(table, transactionsSchema, { codec })).bytes);
            } finally {
              useNativeCompression(true);
            }
          },
        });
      }
      if (peers.hw) {
        const name = `hyparquet-writer ${codec}${codec === 'zstd' ? ' (same zstd-codec level 1)' : ' (its JS snappy)'}`;
        candidates.push({ name, run: async () => keep(name, hyparquetWrite(peers, table, upper, codec === 'zstd' ? zstdFn : undefined)) });
      }
      if (peers.pw) {
        const name = `parquet-wasm ${codec}`;
        candidates.push({ name, run: async () => keep(name, parquetWasmWrite(peers, table, upper)) });
      }
      const duckName = `DuckDB COPY ${codec} (native, ${threads} threads; ceiling)`;
      const out = join(dir, `duck-${codec}.parquet`);
      candidates.push({
        name: duckName,
        run: async () => {
          await duck.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE ${rows}, ${fieldIds})`);
          sizes.set(duckName, (await stat(out)).size);
        },
      });
      const result = await compare(candidates, { runs, bytes });
      const hwName = candidates.find((c) => c.name.startsWith('hyparquet-writer'))?.name;
      const pwName = candidates.find((c) => c.name.startsWith('parquet-wasm'))?.name;
      sections.push({
        title: `Parquet encode, ${rows.toLocaleString('en-US')} rows, ${codec}`,
        subject,
        rows: result,
        notes: [
          ...(codec === 'zstd' ? [`lakekit's zstd: ${backend} (@toondepauw/node-zstd on libuv's thread pool; the WebAssembly row is zstd-codec on the calling thread, as hyparquet-writer gets it)`] : []),
          `input: the same Arrow table, ${(bytes / 2 ** 20).toFixed(1)} MiB of Arrow buffers (MiB/s is over that input); one row group; median of ${runs} runs after a warm-up, candidates interleaved`,
          `output sizes: ${[...sizes].filter(([k]) => result.some((r) => r.name === k)).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(1)} MiB`).join('; ')}`,
          'lakekit and hyparquet-writer/parquet-wasm produce bytes in memory; the peers pay their own input conversion (hyparquet-writer: JS arrays; parquet-wasm: Arrow IPC) inside the timed run, as a user would; DuckDB COPY writes a file on tmpfs from its own in-memory table',
          ...peers.missing.map((m) => `missing peer: ${m}`),
        ],
        targets: codec === 'zstd'
          ? [
              ...(hwName ? [{ peer: hwName, minRatio: 2.5, description: 'lakekit ≥ 2.5 × hyparquet-writer (zstd)' }] : []),
              ...(pwName ? [{ peer: pwName, minRatio: 1, description: 'lakekit ≥ 1 × parquet-wasm (zstd)' }] : []),
            ]
          : [],
      });
    }
    duck.closeSync();
    return sections;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
