import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import { newSchema, optionalField, requiredField, Types } from '../../../src/iceberg/index.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { BronzeWriter, describeWithReaders, ensureGoldTable, promote, SilverWriter } from '../../../src/zones/index.js';

describe('bronze and promotion over the lakekit/formats readers', () => {
  it('records schema and malformed rows (with line numbers) of CSV and JSONL at ingest', async () => {
    const bronze = new BronzeWriter({ root: 'memory://l/bronze', io: new MemoryFileIO(), describe: describeWithReaders() });
    const r = await bronze.ingest({
      source: 'shop',
      files: [
        { name: 'orders.csv', data: 'id,amount,day\n1,9.50,2026-11-20\n2,1.25,2026-11-21,extra\n3,4.00,2026-11-22\n' },
        { name: 'events.jsonl', data: '{"id":1,"kind":"a"}\n{"id":2,"kind":"b"}\n' },
        { name: 'blob.bin', data: Uint8Array.from([0, 1, 2, 0]) },
      ],
    });
    const [csv, jsonl, bin] = r.manifest.files;
    expect(csv!.format).toBe('csv');
    expect((csv!.schema as { name: string }[]).map((c) => c.name)).toEqual(['id', 'amount', 'day']);
    expect(csv!.malformed).toHaveLength(1);
    expect(csv!.malformed![0]!.line).toBe(3);
    expect(jsonl!.format).toBe('jsonl');
    expect((jsonl!.schema as { name: string }[]).map((c) => c.name)).toEqual(['id', 'kind']);
    expect(bin!.format).toBe('binary');
    expect(bin!.schema).toBeUndefined();
  });

  it('promotes CSV with the default decoder; malformed rows are reported and stay in bronze', async () => {
    const io = new MemoryFileIO();
    const bronze = new BronzeWriter({ root: 'memory://l/bronze', io });
    const silver = new SilverWriter({ root: 'memory://l/silver', io });
    const gold = await ensureGoldTable(new FileSystemCatalog({ warehouse: 'memory://l/gold/', io }), 'gold.orders', newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'amount', Types.decimal(10, 2)), optionalField(3, 'day', Types.date)]));
    const csv = 'id,amount,day\n1,9.50,2026-11-20\n2,1.25,2026-11-21,extra\n3,4.00,2026-11-22\n';
    const r = await bronze.ingest({ source: 'shop', files: [{ name: 'orders.csv', data: csv }] });
    const p = await promote({ bronze, silver, batch: r.manifest, dataset: 'shop.orders', silverOptions: { domain: 'shop', dateColumn: 'day' }, gold: { table: gold, mode: 'merge', key: ['id'] } });
    expect(p.malformed[0]!.rows.map((m) => m.line)).toEqual([3]);
    expect(await gold.scan({ select: ['id', 'amount'] }).toRows()).toEqual(
      expect.arrayContaining([
        { id: 1n, amount: '9.50' },
        { id: 3n, amount: '4.00' },
      ]),
    );
    expect(await gold.scan().count()).toBe(2);
    expect(new TextDecoder().decode(await bronze.read(r.manifest.files[0]!))).toBe(csv);
  });
});

describe('decodeWithReaders for Parquet', () => {
  it('returns every row (the schema is asked for while the lazy stream starts)', async () => {
    const { tableFromArrays } = await import('apache-arrow');
    const { writeParquet } = await import('../../../src/formats/parquet/write/index.js');
    const { decodeWithReaders } = await import('../../../src/zones/readers.js');
    const schema = newSchema([optionalField(1, 'a', Types.long), optionalField(2, 's', Types.string)]);
    const { bytes } = await writeParquet(tableFromArrays({ a: BigInt64Array.from([1n, 2n, 3n]), s: ['x', 'y', 'z'] }), schema);
    const decoded = await decodeWithReaders()({ entry: { name: 'part-0.parquet', key: 'source=s/ingest_date=2026-11-22/part-0.parquet' }, bytes } as never);
    expect(decoded.table.numRows).toBe(3);
    expect(decoded.table.getChild('s')!.toArray()).toEqual(['x', 'y', 'z']);
  });
});
