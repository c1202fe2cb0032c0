import { DictionaryHints } from '../../../src/formats/parquet/write/dictionary.js';
import fc from 'fast-check';
import {
  DateDay, DateMillisecond, Field, Int32, RecordBatch, Schema as ArrowSchema, Struct, Table as ArrowTable, TimeUnit, Timestamp, Type, Utf8, makeData, tableFromArrays, vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { combineCodes, constantCoder, dayCoder, HIVE_NULL_PARTITION, SPLIT_ENCODE_RETRY_BATCHES, SplitEncoder, textCoder, type ColumnCodes } from '../../../src/zones/silver-partition.js';
import { SilverWriter } from '../../../src/zones/index.js';

const DAY_MS = 86_400_000;
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

function batchOf(name: string, type: DataType, values: readonly unknown[]): RecordBatch {
  const v = vectorFromArray(values as unknown[], type);
  const field = new Field(name, v.type, true);
  return new RecordBatch(new ArrowSchema([field]), makeData({ type: new Struct([field]), length: v.length, nullCount: 0, children: [v.data[0]!] }));
}

const textsOf = (c: ColumnCodes) => Array.from(c.codes!, (k) => c.texts[k]!);

/** Floor division of bigints (day of an epoch offset, negative values included). */
function floorDay(v: bigint, perDay: bigint): number {
  const q = v / perDay;
  return Number(v < 0n && q * perDay !== v ? q - 1n : q);
}

describe('silver partition routing', () => {
  it('days of timestamps in every unit, exact at midnight and far from 1970 (property)', () => {
    const units: [TimeUnit, bigint][] = [
      [TimeUnit.SECOND, 86_400n],
      [TimeUnit.MILLISECOND, 86_400_000n],
      [TimeUnit.MICROSECOND, 86_400_000_000n],
      [TimeUnit.NANOSECOND, 86_400_000_000_000n],
    ];
    // Days from 1677 to 2262 (nanoseconds fit in 64 bits), offsets near midnight on both sides.
    const value = fc.tuple(fc.integer({ min: -106_000, max: 106_000 }), fc.oneof(fc.constantFrom(-1n, 0n, 1n), fc.bigInt({ min: -2n, max: 86_400_000_000_000n })));
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.array(fc.option(value, { nil: null }), { minLength: 1, maxLength: 50 }), ([unit, perDay], raw) => {
        const values = raw.map((r) => (r === null ? null : BigInt(r[0]) * perDay + (r[1] % perDay)));
        const type = new Timestamp(unit);
        const field = new Field('ts', type, true);
        const nullBitmap = Uint8Array.from({ length: Math.ceil(values.length / 8) }, (_, b) => values.slice(8 * b, 8 * b + 8).reduce((m: number, v, k) => (v === null ? m : m | (1 << k)), 0));
        const nullCount = values.filter((v) => v === null).length;
        const data = makeData({ type, length: values.length, nullCount, nullBitmap, data: BigInt64Array.from(values, (v) => v ?? 0n) });
        const batch = new RecordBatch(new ArrowSchema([field]), makeData({ type: new Struct([field]), length: values.length, nullCount: 0, children: [data] }));
        const codes = dayCoder('ts')(batch);
        expect(textsOf(codes)).toEqual(values.map((v) => (v === null ? HIVE_NULL_PARTITION : isoDay(floorDay(v, perDay)))));
      }),
    );
  });

  it('numbers partitions by first appearance, one code per day and one for null, over narrow and wide spans of days (property)', () => {
    const day = fc.oneof(fc.integer({ min: 20_000, max: 20_100 }), fc.integer({ min: -106_000, max: 106_000 }));
    fc.assert(
      fc.property(fc.array(fc.option(day, { nil: null }), { minLength: 1, maxLength: 80 }), fc.boolean(), (days, narrow) => {
        const values = days.map((x) => (x === null ? null : narrow ? 20_000 + (Math.abs(x) % 90) : x));
        const batch = batchOf('d', new DateDay(), values.map((v) => (v === null ? null : new Date(v * 86_400_000))));
        const codes = dayCoder('d')(batch);
        const order: (number | null)[] = [];
        for (const v of values) if (!order.includes(v)) order.push(v);
        expect(Array.from(codes.codes!, (c) => c)).toEqual(values.map((v) => order.indexOf(v)));
        expect(codes.texts).toEqual(order.map((v) => (v === null ? HIVE_NULL_PARTITION : isoDay(v))));
      }),
    );
  });

  it('days of dates, of ISO text (kept as written), and refuses text that is not a date', () => {
    expect(textsOf(dayCoder('d')(batchOf('d', new DateDay(), [new Date(Date.UTC(2026, 10, 20)), null, new Date(Date.UTC(1960, 0, 1))])))).toEqual(['2026-11-20', HIVE_NULL_PARTITION, '1960-01-01']);
    expect(textsOf(dayCoder('d')(batchOf('d', new DateMillisecond(), [new Date(Date.UTC(2026, 10, 20)), new Date(Date.UTC(1969, 11, 31))])))).toEqual(['2026-11-20', '1969-12-31']);
    const text = dayCoder('d')(batchOf('d', new Utf8(), ['2026-11-20T10:00:00Z', '2026-02-30', null, '2026-11-20']));
    expect(textsOf(text)).toEqual(['2026-11-20', '2026-02-30', HIVE_NULL_PARTITION, '2026-11-20']);
    expect(text.texts).toHaveLength(3);
    let caught: unknown;
    try {
      dayCoder('d')(batchOf('d', new Utf8(), ['20/11/2026']));
    } catch (e) {
      caught = e;
    }
    expect(isLakeError(caught, 'VALIDATION')).toBe(true);
  });

  it('combines the codes of several columns into partitions numbered by first row', () => {
    const batch = tableFromArrays({ region: ['eu', 'us', 'eu', 'us', 'eu'], day: ['2026-01-01', '2026-01-01', '2026-01-02', '2026-01-01', '2026-01-01'] }).batches[0]!;
    const split = combineCodes([constantCoder('sales')(batch), textCoder('region')(batch), dayCoder('day')(batch)], batch.numRows);
    expect(Array.from(split.group)).toEqual([0, 1, 2, 1, 0]);
    expect(Array.from(split.counts)).toEqual([2, 2, 1]);
    expect(split.values).toEqual([
      ['sales', 'eu', '2026-01-01'],
      ['sales', 'us', '2026-01-01'],
      ['sales', 'eu', '2026-01-02'],
    ]);
    const constant = combineCodes([constantCoder('x')(batch)], batch.numRows);
    expect([Array.from(constant.counts), constant.values]).toEqual([[5], [['x']]]);
  });

  it('dictionary-encodes repetitive string columns before the split, and skips distinct ones for a while', () => {
    const n = 20_000;
    const batch = () => new ArrowTable({ kind: vectorFromArray(Array.from({ length: n }, (_, i) => `k${i % 4}`), new Utf8()), id: vectorFromArray(Array.from({ length: n }, (_, i) => `id-${i}`), new Utf8()) }).batches[0]!;
    const hints = new DictionaryHints();
    const encoder = new SplitEncoder(hints);
    const typesOf = (b: RecordBatch) => b.data.children.map((c) => c.typeId);
    const first = encoder.encode(batch());
    expect(typesOf(first)).toEqual([Type.Dictionary, Type.Utf8]);
    // The partitions' writers are told: they write `id` PLAIN without hashing it again.
    expect(hints.distinct('id')).toBe(true);
    expect(hints.distinct('kind')).toBe(false);
    expect(first.getChild('kind')!.toArray().slice(0, 5)).toEqual(['k0', 'k1', 'k2', 'k3', 'k0']);
    // The distinct column is tried again only after SPLIT_ENCODE_RETRY_BATCHES batches.
    for (let i = 0; i < SPLIT_ENCODE_RETRY_BATCHES; i++) expect(typesOf(encoder.encode(batch()))).toEqual([Type.Dictionary, Type.Utf8]);
    const repetitive = () => new ArrowTable({ kind: vectorFromArray(Array.from({ length: n }, (_, i) => `k${i % 4}`), new Utf8()), id: vectorFromArray(Array.from({ length: n }, (_, i) => `r${i % 3}`), new Utf8()) }).batches[0]!;
    // Now it is tried: values that turned repetitive are encoded again.
    expect(typesOf(encoder.encode(repetitive()))).toEqual([Type.Dictionary, Type.Dictionary]);
    const small = new ArrowTable({ kind: vectorFromArray(['a', 'a'], new Utf8()) }).batches[0]!;
    expect(encoder.encode(small)).toBe(small);
  });

  it('large batches over many days, with repetitive, distinct, null and nested columns, read back the same', async () => {
    const n = 40_000;
    const ts = BigInt64Array.from({ length: n }, (_, i) => BigInt(Date.UTC(2026, 0, 1) + ((i * 7919) % 45) * DAY_MS + i) * 1000n);
    const kinds = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : ['fuel', 'travel', 'food'][i % 3]!));
    const ids = Array.from({ length: n }, (_, i) => `acc-${(i * 104_729) % 1_000_003}`);
    const flat = (offset: number) => {
      const fields = [
        new Field('id', new Int32(), false),
        new Field('ts', new Timestamp(TimeUnit.MICROSECOND), false),
        new Field('kind', new Utf8(), true),
        new Field('account', new Utf8(), false),
      ];
      const children = [
        vectorFromArray(Int32Array.from({ length: n }, (_, i) => offset + i)).data[0]!,
        makeData({ type: new Timestamp(TimeUnit.MICROSECOND), length: n, nullCount: 0, data: ts }),
        vectorFromArray(kinds, new Utf8()).data[0]!,
        vectorFromArray(ids, new Utf8()).data[0]!,
      ];
      return { fields, children };
    };
    const plain = [0, n].map((offset) => {
      const { fields, children } = flat(offset);
      return new RecordBatch(new ArrowSchema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
    });
    // A struct column: not covered by the scatter, written through row indexes instead.
    const nested = plain.map((b) => {
      const inner = new Field('kind', new Utf8(), true);
      const struct = makeData({ type: new Struct([inner]), length: n, nullCount: 0, children: [b.data.children[2]!] });
      const fields = [...b.schema.fields, new Field('meta', new Struct([inner]), false)];
      return new RecordBatch(new ArrowSchema(fields), makeData({ type: new Struct(fields), length: n, nullCount: 0, children: [...b.data.children, struct] }));
    });
    for (const batches of [plain, nested]) {
      const io = new MemoryFileIO();
      const silver = new SilverWriter({ root: 'memory://lake/silver', io });
      const r = await silver.writeBatches('t.x', batches, { domain: 'd', dateColumn: 'ts' });
      expect(r.files).toHaveLength(45);
      const rowsOf = (t: ArrowTable) => t.toArray().map((row) => JSON.stringify((row as { toJSON(): unknown }).toJSON(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      const back = rowsOf(await silver.read('t.x')).sort();
      expect(back).toEqual(rowsOf(new ArrowTable(batches)).sort());
      for (const f of r.files) {
        const rows = await silver.read('t.x', { filter: (x) => x.path === f.path });
        const days = new Set(Array.from(rows.getChild('ts')!, (v) => new Date(Number(v)).toISOString().slice(0, 10)));
        expect([...days]).toEqual([f.partition['date']]);
      }
    }
  });
});
