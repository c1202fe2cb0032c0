import { concatBytes } from '../../../../src/internal/bytes.js';
import { Bool, DateMillisecond, Dictionary, Field, Float32, Int32, Int64, LargeUtf8, Schema as ArrowSchema, Table, TimestampMillisecond, TimestampMicrosecond, Utf8, makeVector, vectorFromArray, tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { rowsToArrow } from '../../../../src/formats/arrow/index.js';
import { ParquetWriter, parquetWriteOptionsFromProperties, writeParquet } from '../../../../src/formats/parquet/write/index.js';
import { newSchema, optionalField, requiredField, Types, fromBytes } from '../../../../src/iceberg/spec/index.js';
import { isLakeError } from '../../../../src/errors.js';
import { expectedRows, metadataOf, normalize, readRaw } from './helpers.js';

const allTypes = newSchema([
  requiredField(1, 'id', Types.long),
  optionalField(2, 'b', Types.boolean),
  optionalField(3, 'i', Types.int),
  optionalField(4, 'f', Types.float),
  optionalField(5, 'd', Types.double),
  optionalField(6, 'dec9', Types.decimal(9, 2)),
  optionalField(7, 'dec18', Types.decimal(18, 4)),
  optionalField(8, 'dec38', Types.decimal(38, 10)),
  optionalField(9, 'date', Types.date),
  optionalField(10, 'time', Types.time),
  optionalField(11, 'ts', Types.timestamp),
  optionalField(12, 'tstz', Types.timestamptz),
  optionalField(13, 'tsns', Types.timestamp_ns),
  optionalField(14, 'tstzns', Types.timestamptz_ns),
  optionalField(15, 's', Types.string),
  optionalField(16, 'u', Types.uuid),
  optionalField(17, 'fx', Types.fixed(3)),
  optionalField(18, 'bin', Types.binary),
]);

function allTypesRows(n: number): Map<number, unknown>[] {
  return Array.from({ length: n }, (_, r) => {
    const nul = r % 4 === 3;
    const v = (x: unknown) => (nul ? null : x);
    return new Map<number, unknown>([
      [1, BigInt(r) - 5n],
      [2, v(r % 3 === 0)],
      [3, v(r * 7 - 20)],
      [4, v(Math.fround(r / 3 - 1))],
      [5, v(r * 1.25 - 3)],
      [6, v(BigInt(r * 101 - 500))],
      [7, v(BigInt(r) * 10_000_000_000n - 3n)],
      [8, v(BigInt(r) * 10n ** 30n - 7n)],
      [9, v(r - 10)],
      [10, v(BigInt(r) * 1_000_001n)],
      [11, v(1_700_000_000_000_000n + BigInt(r))],
      [12, v(-BigInt(r) * 1000n)],
      [13, v(1_700_000_000_000_000_123n + BigInt(r))],
      [14, v(BigInt(r))],
      [15, v(`s${r % 5}é${'x'.repeat(r % 3)}`)],
      [16, v(`00000000-0000-4000-8000-${String(r).padStart(12, '0')}`)],
      [17, v(Uint8Array.of(r & 255, 1, 2))],
      [18, v(Uint8Array.of(...Array.from({ length: r % 4 }, (_, k) => k + r)))],
    ]);
  });
}

function rowObjects(rows: Map<number, unknown>[], names: Map<number, string>): Record<string, unknown>[] {
  return rows.map((m) => Object.fromEntries([...m].map(([id, v]) => [names.get(id)!, v])));
}

const names = (s: typeof allTypes) => new Map(s.fields.map((f) => [f.id, f.name]));

describe('ParquetWriter round trips (read back with hyparquet)', () => {
  it('writes every primitive type with nulls, field ids and logical types', async () => {
    const rows = allTypesRows(40);
    const table = rowsToArrow(rowObjects(rows, names(allTypes)), allTypes);
    const { bytes } = await writeParquet(table, allTypes, { codec: 'uncompressed' });
    expect(await readRaw(bytes)).toEqual(expectedRows(allTypes, rows));
    const md = metadataOf(bytes);
    expect(md.schema.slice(1).map((e) => e.field_id)).toEqual(allTypes.fields.map((f) => f.id));
    const byName = new Map(md.schema.map((e) => [e.name, e]));
    expect(byName.get('dec9')!.type).toBe('INT32');
    expect(byName.get('dec18')!.type).toBe('INT64');
    expect(byName.get('dec38')).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'DECIMAL', precision: 38, scale: 10 } });
    expect(byName.get('ts')!.logical_type).toMatchObject({ type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' });
    expect(byName.get('tstz')!.logical_type).toMatchObject({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' });
    expect(byName.get('tstzns')!.logical_type).toMatchObject({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' });
    expect(byName.get('time')!.logical_type).toMatchObject({ type: 'TIME', isAdjustedToUTC: false, unit: 'MICROS' });
    expect(byName.get('u')).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' } });
    expect(byName.get('id')!.repetition_type).toBe('REQUIRED');
    expect(byName.get('s')!.repetition_type).toBe('OPTIONAL');
    expect(md.key_value_metadata?.find((kv) => kv.key === 'iceberg.schema')?.value).toContain('"schema-id":0');
  });

  it('writes nested structs, lists and maps with the 3-level layout', async () => {
    const schema = newSchema([
      requiredField(1, 'id', Types.long),
      optionalField(2, 'st', Types.struct([optionalField(3, 'a', Types.int), requiredField(4, 'b', Types.string)])),
      optionalField(5, 'tags', Types.list(6, Types.string)),
      requiredField(7, 'm', Types.map(8, Types.string, 9, Types.list(10, Types.long, true))),
      optionalField(11, 'pts', Types.list(12, Types.struct([requiredField(13, 'x', Types.double)]), true)),
    ]);
    const rows = [
      new Map<number, unknown>([[1, 1n], [2, new Map<number, unknown>([[3, 5], [4, 'x']])], [5, ['p', null, 'q']], [7, new Map([['k', [1n, 2n]], ['z', null]])], [11, [new Map([[13, 1.5]])]]]),
      new Map<number, unknown>([[1, 2n], [2, null], [5, []], [7, new Map()], [11, []]]),
      new Map<number, unknown>([[1, 3n], [2, new Map<number, unknown>([[3, null], [4, 'y']])], [5, null], [7, new Map([['e', []]])], [11, null]]),
    ];
    const table = rowsToArrow(rows.map((r) => Object.fromEntries([...r].map(([id, v]) => [schema.fields.find((f) => f.id === id)!.name, v]))), schema);
    const { bytes, metrics } = await writeParquet(table, schema, { codec: 'snappy' });
    expect(await readRaw(bytes)).toEqual(expectedRows(schema, rows));
    const md = metadataOf(bytes);
    expect(md.schema.map((e) => `${e.name}:${e.field_id ?? '-'}`)).toEqual([
      'table:-', 'id:1', 'st:2', 'a:3', 'b:4', 'tags:5', 'list:-', 'element:6', 'm:7', 'key_value:-', 'key:8', 'value:9', 'list:-', 'element:10', 'pts:11', 'list:-', 'element:12', 'x:13',
    ]);
    // counts for leaves inside lists and maps count elements; no bounds there
    expect(metrics.valueCounts.get(6)).toBe(5n);
    expect(metrics.nullValueCounts.get(6)).toBe(3n);
    expect(metrics.lowerBounds.has(6)).toBe(false);
    expect(metrics.lowerBounds.has(10)).toBe(false);
    expect(fromBytes(Types.string, metrics.upperBounds.get(4)!)).toBe('y');
    expect(metrics.valueCounts.get(4)).toBe(3n);
    expect(metrics.nullValueCounts.get(4)).toBe(1n);
  });

  it.each(['uncompressed', 'snappy', 'gzip', 'zstd'] as const)('writes %s pages readable by hyparquet', async (codec) => {
    const rows = allTypesRows(300);
    const table = rowsToArrow(rowObjects(rows, names(allTypes)), allTypes);
    const { bytes } = await writeParquet(table, allTypes, { codec, pageSizeBytes: 512 });
    expect(await readRaw(bytes)).toEqual(expectedRows(allTypes, rows));
    const codecName = { uncompressed: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD' }[codec];
    expect(metadataOf(bytes).row_groups[0]!.columns.every((c) => c.meta_data!.codec === codecName)).toBe(true);
  });

  it('streams row groups: write() returns final bytes, finish() the rest, offsets line up', async () => {
    const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 's', Types.string)]);
    const writer = new ParquetWriter(schema, { rowGroupSizeBytes: 4096, codec: 'snappy' });
    const parts: Uint8Array[] = [];
    let returned = 0;
    for (let b = 0; b < 10; b++) {
      const ids = BigInt64Array.from({ length: 1000 }, (_, i) => BigInt(b * 1000 + i));
      const t = tableFromArrays({ id: ids, s: Array.from({ length: 1000 }, (_, i) => `v${(b * 1000 + i) % 777}`) });
      for (const p of await writer.write(t)) {
        parts.push(p);
        returned += p.length;
      }
      expect(writer.bytesWritten).toBe(returned);
    }
    expect(returned).toBeGreaterThan(0);
    const end = await writer.finish();
    parts.push(...end.chunks);
    expect(parts.reduce((n, x) => n + x.length, 0)).toBe(end.fileSize);
    const bytes = concatBytes(parts, end.fileSize);
    const md = metadataOf(bytes);
    expect(md.row_groups.length).toBeGreaterThan(2);
    expect(end.metrics.splitOffsets).toEqual(md.row_groups.map((g) => BigInt(g.columns[0]!.meta_data!.dictionary_page_offset ?? g.columns[0]!.meta_data!.data_page_offset)));
    expect(end.metrics.recordCount).toBe(10_000n);
    expect(end.metrics.columnSizes.get(1)).toBe(md.row_groups.reduce((n, g) => n + g.columns[0]!.meta_data!.total_compressed_size, 0n));
    const back = await readRaw(bytes);
    expect(back.map((r) => r.id)).toEqual(Array.from({ length: 10_000 }, (_, i) => BigInt(i)));
    expect(back[1234]!.s).toBe(`v${1234 % 777}`);
    await expect(writer.write(tableFromArrays({ id: BigInt64Array.of(1n) }))).rejects.toThrow(/finished/);
  });

  it('refuses to go on after a failed write (the batch may be half-buffered)', async () => {
    const schema = newSchema([requiredField(1, 'x', Types.long)]);
    const writer = new ParquetWriter(schema);
    await writer.write(tableFromArrays({ x: BigInt64Array.of(1n) }));
    await expect(writer.write(new Table({ x: vectorFromArray([2n, null], new Int64()) }))).rejects.toThrow(/required/);
    await expect(writer.finish()).rejects.toThrow(/failed on an earlier write/);
  });

  it('falls back from the dictionary: at the first page, and when it outgrows the limit later', async () => {
    const schema = newSchema([requiredField(1, 's', Types.string)]);
    const unique = tableFromArrays({ s: Array.from({ length: 5000 }, (_, i) => `unique-${i}`) });
    const a = await writeParquet(unique, schema, { codec: 'uncompressed' });
    expect(metadataOf(a.bytes).row_groups[0]!.columns[0]!.meta_data!.encodings).not.toContain('RLE_DICTIONARY');
    expect((await readRaw(a.bytes)).map((r) => r.s)).toEqual(unique.getChild('s')!.toArray());
    // repeated values first (dictionary pays), then new values until the dictionary passes 2 KiB
    const values = [...Array.from({ length: 3000 }, (_, i) => `r${i % 10}`), ...Array.from({ length: 3000 }, (_, i) => `late-${i}`)];
    const mixed = tableFromArrays({ s: values });
    const b = await writeParquet(mixed, schema, { codec: 'uncompressed', pageSizeBytes: 256, dictSizeBytes: 2048 });
    const enc = metadataOf(b.bytes).row_groups[0]!.columns[0]!.meta_data!.encodings;
    expect(enc).toContain('RLE_DICTIONARY');
    expect(enc).toContain('PLAIN');
    expect((await readRaw(b.bytes)).map((r) => r.s)).toEqual(values);
    expect(fromBytes(Types.string, b.metrics.lowerBounds.get(1)!)).toBe('late-0');
    expect(fromBytes(Types.string, b.metrics.upperBounds.get(1)!)).toBe('r9');
  });

  it('writes an empty file when no rows arrive', async () => {
    const { bytes, metrics } = await writeParquet(tableFromArrays({ id: new BigInt64Array(0) }), newSchema([requiredField(1, 'id', Types.long)]));
    expect(metadataOf(bytes).num_rows).toBe(0n);
    expect(metrics.recordCount).toBe(0n);
    expect(await readRaw(bytes)).toEqual([]);
  });
});

describe('statistics and metrics', () => {
  it('keeps footer min/max by the type order, applies the signed-zero rule, skips NaN', async () => {
    const schema = newSchema([optionalField(1, 'd', Types.double), optionalField(2, 'dec', Types.decimal(20, 0)), optionalField(3, 's', Types.string)]);
    const rows = [
      { d: 0, dec: -5n, s: 'b' },
      { d: Number.NaN, dec: 3n, s: 'aé' },
      { d: 2.5, dec: -1n, s: null },
    ];
    const { bytes, metrics } = await writeParquet(rowsToArrow(rows, schema), schema);
    const cols = metadataOf(bytes).row_groups[0]!.columns.map((c) => c.meta_data!.statistics!);
    expect(Object.is(cols[0]!.min_value, -0)).toBe(true);
    expect(cols[0]!.max_value).toBe(2.5);
    expect(cols[2]!.null_count).toBe(1n);
    expect(metrics.nanValueCounts.get(1)).toBe(1n);
    expect(Object.is(fromBytes(Types.double, metrics.lowerBounds.get(1)!), 0)).toBe(true);
    expect(fromBytes(Types.decimal(20, 0), metrics.lowerBounds.get(2)!)).toBe(-5n);
    expect(fromBytes(Types.decimal(20, 0), metrics.upperBounds.get(2)!)).toBe(3n);
    expect(metrics.nanValueCounts.has(2)).toBe(false);
  });

  it('truncates string and binary bounds per metrics mode', async () => {
    const schema = newSchema([optionalField(1, 's', Types.string), optionalField(2, 'b', Types.binary), optionalField(3, 'c', Types.string), optionalField(4, 'n', Types.long)]);
    const long = 'abcdefghijklmnopqrstuvwxyz';
    const rows = [{ s: long, b: new Uint8Array(20).fill(7), c: long, n: 1n }];
    const opts = parquetWriteOptionsFromProperties({
      'write.metadata.metrics.default': 'truncate(4)',
      'write.metadata.metrics.column.c': 'full',
      'write.metadata.metrics.column.n': 'none',
    });
    const { metrics } = await writeParquet(rowsToArrow(rows, schema), schema, opts);
    expect(fromBytes(Types.string, metrics.lowerBounds.get(1)!)).toBe('abcd');
    expect(fromBytes(Types.string, metrics.upperBounds.get(1)!)).toBe('abce');
    expect([...metrics.upperBounds.get(2)!]).toEqual([7, 7, 7, 8]);
    expect(fromBytes(Types.string, metrics.upperBounds.get(3)!)).toBe(long);
    expect(metrics.valueCounts.has(4)).toBe(false);
    expect(metrics.columnSizes.has(4)).toBe(false);
    const counts = await writeParquet(rowsToArrow(rows, schema), schema, { metrics: { default: { kind: 'counts' } } });
    expect(counts.metrics.lowerBounds.size).toBe(0);
    expect(counts.metrics.valueCounts.get(1)).toBe(1n);
  });

  it('reads options from table properties and rejects bad ones', () => {
    expect(parquetWriteOptionsFromProperties({
      'write.parquet.compression-codec': 'SNAPPY',
      'write.parquet.compression-level': '3',
      'write.parquet.row-group-size-bytes': '1000',
      'write.parquet.page-size-bytes': '100',
      'write.parquet.dict-size-bytes': '10',
      'write.parquet.page-row-limit': '5',
    })).toEqual({ codec: 'snappy', compressionLevel: 3, rowGroupSizeBytes: 1000, pageSizeBytes: 100, dictSizeBytes: 10, pageRowLimit: 5 });
    expect(parquetWriteOptionsFromProperties(new Map([['write.parquet.compression-codec', 'none']]))).toEqual({ codec: 'uncompressed' });
    expect(() => parquetWriteOptionsFromProperties({ 'write.parquet.compression-codec': 'lzo' })).toThrow(/lzo/);
    expect(() => parquetWriteOptionsFromProperties({ 'write.parquet.page-size-bytes': '-1' })).toThrow(/page-size-bytes/);
    expect(() => parquetWriteOptionsFromProperties({ 'write.metadata.metrics.default': 'truncate(x)' })).toThrow(/metrics.default/);
  });
});

describe('Arrow input types', () => {
  it('accepts Dictionary<Utf8>, LargeUtf8, narrower ints, Date64, millisecond timestamps, Float32 for double, and sliced batches', async () => {
    const schema = newSchema([
      optionalField(1, 'dict', Types.string),
      optionalField(2, 'large', Types.string),
      optionalField(3, 'l', Types.long),
      optionalField(4, 'date', Types.date),
      optionalField(5, 'ts', Types.timestamptz),
      optionalField(6, 'd', Types.double),
      optionalField(7, 'flag', Types.boolean),
    ]);
    const n = 20;
    const table = new Table({
      dict: vectorFromArray(Array.from({ length: n }, (_, i) => (i % 5 === 4 ? null : `k${i % 3}`)), new Dictionary(new Utf8(), new Int32())),
      large: vectorFromArray(Array.from({ length: n }, (_, i) => `L${i}`), new LargeUtf8()),
      l: vectorFromArray(Array.from({ length: n }, (_, i) => i - 3), new Int32()),
      date: vectorFromArray(Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i))), new DateMillisecond()),
      ts: vectorFromArray(Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i), new TimestampMillisecond('UTC')),
      d: vectorFromArray(Array.from({ length: n }, (_, i) => i / 4), new Float32()),
      flag: vectorFromArray(Array.from({ length: n }, (_, i) => i % 3 === 0), new Bool()),
    });
    const sliced = table.slice(3, 17);
    const { bytes } = await writeParquet(sliced, schema, { codec: 'uncompressed' });
    const back = await readRaw(bytes);
    expect(back).toEqual(normalize(Array.from({ length: 14 }, (_, k) => {
      const i = k + 3;
      return {
        dict: i % 5 === 4 ? null : `k${i % 3}`,
        large: `L${i}`,
        l: BigInt(i - 3),
        date: 19723 + i,
        ts: (1_700_000_000_000n + BigInt(i)) * 1000n,
        d: i / 4,
        flag: i % 3 === 0,
      };
    })));
  });

  it('refuses dictionary keys outside the dictionary (corrupt Arrow data), with and without nulls', async () => {
    const schema = newSchema([optionalField(1, 'dict', Types.string)]);
    for (const withNulls of [false, true]) {
      const good = vectorFromArray(['a', withNulls ? null : 'b', 'a', 'b'], new Dictionary(new Utf8(), new Int32()));
      const keys = (good.data[0]!.values as Int32Array).slice();
      keys[2] = 7; // two entries in the dictionary
      const corrupt = new Table({ dict: makeVector(good.data[0]!.clone(good.data[0]!.type, 0, 4, good.data[0]!.nullCount, [good.data[0]!.valueOffsets, keys, good.data[0]!.nullBitmap] as never)) });
      const e = await writeParquet(corrupt, schema).catch((x: unknown) => x);
      expect(isLakeError(e, 'VALIDATION')).toBe(true);
      expect(String((e as Error).message)).toMatch(/column dict: a dictionary index is out of range/);
      // The same keys in range write and read back.
      expect((await readRaw((await writeParquet(new Table({ dict: good }), schema)).bytes)).map((r) => r['dict'] ?? null)).toEqual(['a', withNulls ? null : 'b', 'a', 'b']);
    }
  });

  it('names the column when the Arrow type cannot hold the Iceberg type', async () => {
    const bad = async (schema: ReturnType<typeof newSchema>, table: Table, pattern: RegExp) => {
      const e = await writeParquet(table, schema).catch((x: unknown) => x);
      expect(isLakeError(e, 'VALIDATION')).toBe(true);
      expect(String((e as Error).message)).toMatch(pattern);
    };
    await bad(newSchema([optionalField(1, 'x', Types.int)]), tableFromArrays({ x: ['a'] }), /column x: Arrow type .*Utf8.* cannot hold Iceberg type int/);
    await bad(newSchema([optionalField(1, 't', Types.timestamptz)]), new Table({ t: vectorFromArray([1], new TimestampMicrosecond()) }), /column t: .*time zone/);
    await bad(newSchema([requiredField(1, 'x', Types.long)]), new Table({ x: vectorFromArray([1n, null], new Int64()) }), /column x is required but holds a null/);
    await bad(newSchema([requiredField(1, 'x', Types.long)]), tableFromArrays({ y: BigInt64Array.of(1n) }), /column y is not in the Iceberg schema/);
    await bad(newSchema([requiredField(1, 'x', Types.long), requiredField(2, 'y', Types.long)]), tableFromArrays({ x: BigInt64Array.of(1n) }), /column y is required but missing/);
    await bad(newSchema([optionalField(1, 'x', Types.decimal(5, 2))]), rowsToArrow([{ x: 1n }], newSchema([optionalField(1, 'x', Types.decimal(10, 2))])), /precision 10 exceeds 5/);
    const schema = new ArrowSchema([new Field('x', new Int64(), true)]);
    expect(schema.fields[0]!.name).toBe('x');
  });

  it('writes nulls for optional columns missing from the Arrow data', async () => {
    const schema = newSchema([requiredField(1, 'x', Types.long), optionalField(2, 'gone', Types.struct([optionalField(3, 'a', Types.string)]))]);
    const { bytes, metrics } = await writeParquet(tableFromArrays({ x: BigInt64Array.of(1n, 2n) }), schema);
    expect(await readRaw(bytes)).toEqual([{ x: 1n }, { x: 2n }]);
    expect(metrics.nullValueCounts.get(3)).toBe(2n);
  });
});

describe('ParquetWriter.write with a row selection', () => {
  it('writes exactly the selected rows, in order, for every type with nulls (property)', async () => {
    const { default: fc } = await import('fast-check');
    const rows = allTypesRows(60);
    const batch = rowsToArrow(rowObjects(rows, names(allTypes)), allTypes).batches[0]!;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 59 }), { maxLength: 80 }), async (picked) => {
        const writer = new ParquetWriter(allTypes, { codec: 'uncompressed', pageSizeBytes: 256 });
        const parts = await writer.write(batch, { rows: Int32Array.from(picked) });
        const { chunks, metrics } = await writer.finish();
        const bytes = new Uint8Array([...parts, ...chunks].flatMap((c) => [...c]));
        expect(await readRaw(bytes)).toEqual(expectedRows(allTypes, picked.map((i) => rows[i]!)));
        expect(metrics.recordCount).toBe(BigInt(picked.length));
      }),
      { numRuns: 25 },
    );
  });

  it('refuses rows outside the batch', async () => {
    const batch = rowsToArrow(rowObjects(allTypesRows(3), names(allTypes)), allTypes).batches[0]!;
    const writer = new ParquetWriter(allTypes);
    const e = await writer.write(batch, { rows: Int32Array.of(0, 3) }).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
  });
});
