/**
 * Partitioned appends dictionary-encode repetitive string columns before the
 * split (src/iceberg/write/dictionary-encode.ts), and the Parquet writer reads
 * dictionary input through a per-chunk key map. These tests hold that the data
 * read back is exactly the data appended, whichever path each column takes.
 */
import { Dictionary, Table as ArrowTable, Type, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../../src/catalog/filesystem/catalog.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { buildPartitionSpec } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { Table } from '../../../../src/iceberg/table/table.js';
import { DICTIONARY_SPLIT_MAX_DISTINCT_RATIO, DICTIONARY_SPLIT_MIN_ROWS, dictionaryEncodeBytes, dictionaryEncodeForSplit } from '../../../../src/iceberg/write/dictionary-encode.js';
import { DictionaryHints } from '../../../../src/formats/parquet/write/dictionary.js';

describe('dictionaryEncodeBytes', () => {
  it('keeps every value and every null (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom('a', 'b', '', 'ü€', 'long-value-'.repeat(5)), { nil: null }), { minLength: 8, maxLength: 200 }), (values) => {
        const v = vectorFromArray(values, new Utf8());
        const encoded = dictionaryEncodeBytes(v.data[0]!);
        // At most 5 distinct values: encoded whenever they are at most 1/8 of the rows.
        const distinct = new Set(values.map((x) => x ?? '')).size;
        if (distinct > Math.floor(values.length / 8)) return;
        expect(encoded).toBeDefined();
        expect(encoded!.type).toBeInstanceOf(Dictionary);
        const out = Array.from({ length: values.length }, (_, i) => {
          const valid = encoded!.nullCount === 0 || ((encoded!.nullBitmap![(encoded!.offset + i) >> 3]! >> ((encoded!.offset + i) & 7)) & 1) === 1;
          if (!valid) return null;
          const key = (encoded!.values as Int32Array)[i]!;
          return (encoded!.dictionary as unknown as { get(i: number): string }).get(key);
        });
        expect(out).toEqual(values);
      }),
    );
  });

  it('leaves mostly-distinct columns alone', () => {
    const v = vectorFromArray(Array.from({ length: 1000 }, (_, i) => `id-${i}`), new Utf8());
    expect(dictionaryEncodeBytes(v.data[0]!)).toBeUndefined();
  });

  it('gives up as soon as the rows seen so far are mostly distinct, before the overall limit', () => {
    // 100,000 rows with 9,000 distinct values (under the 1/8 limit of 12,500), all in the first rows:
    // the first chunk alone is more than half distinct, so the column is left as it is.
    const n = 100_000;
    const early = vectorFromArray(Array.from({ length: n }, (_, i) => (i < 9000 ? `v${i}` : 'same')), new Utf8());
    expect(9000).toBeLessThan(n * DICTIONARY_SPLIT_MAX_DISTINCT_RATIO);
    expect(dictionaryEncodeBytes(early.data[0]!)).toBeUndefined();
    // The same distinct values spread out stay under both limits and are encoded.
    const spread = vectorFromArray(Array.from({ length: n }, (_, i) => (i % 11 === 0 ? `v${i % 9000}` : 'same')), new Utf8());
    expect(dictionaryEncodeBytes(spread.data[0]!)?.type).toBeInstanceOf(Dictionary);
  });

  it('marks the columns it leaves alone as distinct in the hints the files share', () => {
    const n = DICTIONARY_SPLIT_MIN_ROWS;
    const batch = new ArrowTable({
      kind: vectorFromArray(Array.from({ length: n }, (_, i) => `k${i % 4}`), new Utf8()),
      id: vectorFromArray(Array.from({ length: n }, (_, i) => `id-${i}`), new Utf8()),
    }).batches[0]!;
    const hints = new DictionaryHints();
    const out = dictionaryEncodeForSplit(batch, hints);
    expect(out.data.children.map((c) => c.typeId)).toEqual([Type.Dictionary, Type.Utf8]);
    expect(hints.distinct('id')).toBe(true);
    expect(hints.distinct('kind')).toBe(false);
  });
});

describe('partitioned append of string columns', () => {
  it('reads back exactly what was appended: repetitive, distinct and null-heavy strings across partitions', async () => {
    const schema = newSchema([
      requiredField(1, 'id', Types.long),
      requiredField(2, 'day', Types.int),
      optionalField(3, 'currency', Types.string),
      optionalField(4, 'account', Types.string),
      optionalField(5, 'note', Types.string),
    ]);
    const io = new MemoryFileIO();
    const catalog = new FileSystemCatalog({ warehouse: 'memory://wh/', io });
    await catalog.createNamespace(['db']);
    await catalog.createTable({ namespace: ['db'], name: 't' }, { schema, partitionSpec: buildPartitionSpec(schema, [{ source: 'day', transform: Transforms.identity }]) });
    const table = await Table.load(catalog, 'db.t');
    const n = DICTIONARY_SPLIT_MIN_ROWS * 2 + 17;
    const currencies = ['USD', 'EUR', 'GBP', 'THB', 'SGD'];
    const rows = Array.from({ length: n }, (_, i) => ({
      id: BigInt(i),
      day: (i * 7919) % 11,
      currency: i % 13 === 0 ? null : currencies[(i * 31) % 5]!,
      account: `ACCT${String(i).padStart(8, '0')}`, // all distinct: split as plain strings
      note: i % 3 === 0 ? null : i % 2 === 0 ? '' : `n${i % 40}`,
    }));
    await table.append(rows);
    const back = (await table.scan().toRows()).sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));
    expect(back).toEqual(rows);
    expect(await table.scan({ filter: "currency = 'THB' and day = 3" }).count()).toBe(rows.filter((r) => r.currency === 'THB' && r.day === 3).length);
  });
});
