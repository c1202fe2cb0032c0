import { concatBytes } from '../../../../src/internal/bytes.js';
import fc from 'fast-check';
import { Table, Utf8, tableFromArrays, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import { DictionaryHints, DICTIONARY_HINT_RETRY_EVERY, ParquetWriter, type ParquetWriteOptions } from '../../../../src/formats/parquet/write/index.js';
import { newSchema, optionalField, requiredField, Types } from '../../../../src/iceberg/spec/index.js';
import { metadataOf, readRaw } from './helpers.js';

/** Hints that record what each new column chunk was told. */
class RecordingHints extends DictionaryHints {
  readonly tries: { column: string; dictionary: boolean }[] = [];
  override tryDictionary(column: string): boolean {
    const dictionary = super.tryDictionary(column);
    this.tries.push({ column, dictionary });
    return dictionary;
  }
}

const schema = newSchema([requiredField(1, 'id', Types.string), optionalField(2, 'kind', Types.string)]);

/** `groups` row groups of `rows` rows: `id` all distinct, `kind` one of three. */
function groupsOf(groups: number, rows: number) {
  return Array.from({ length: groups }, (_, g) =>
    tableFromArrays({ id: Array.from({ length: rows }, (_, i) => `id-${g}-${i}`), kind: Array.from({ length: rows }, (_, i) => ['a', 'b', 'c'][i % 3]!) }),
  );
}

async function writeGroups(tables: readonly Table[], options: ParquetWriteOptions): Promise<Uint8Array> {
  const writer = new ParquetWriter(schema, { codec: 'uncompressed', ...options });
  const parts: Uint8Array[] = [];
  for (const t of tables) {
    parts.push(...(await writer.write(t)));
    parts.push(...(await writer.flush()));
  }
  const end = await writer.finish();
  parts.push(...end.chunks);
  const out = concatBytes(parts, end.fileSize);
  return out;
}

const encodingsOf = (bytes: Uint8Array, column: number) => metadataOf(bytes).row_groups.map((g) => g.columns[column]!.meta_data!.encodings);

describe('dictionary hints', () => {
  it('after two chunks of a column drop their dictionary, new chunks start in PLAIN (retrying now and then); repetitive columns keep theirs', async () => {
    const hints = new RecordingHints();
    const groups = 2 + 2 * DICTIONARY_HINT_RETRY_EVERY;
    const bytes = await writeGroups(groupsOf(groups, 5000), { dictionaryHints: hints });
    const id = hints.tries.filter((t) => t.column === 'id').map((t) => t.dictionary);
    const kind = hints.tries.filter((t) => t.column === 'kind').map((t) => t.dictionary);
    expect(id).toHaveLength(groups);
    expect(id.slice(0, 2)).toEqual([true, true]);
    // Of the later chunks, only every DICTIONARY_HINT_RETRY_EVERY-th tries again.
    expect(id.slice(2).map((d, i) => [i, d]).filter(([, d]) => d).map(([i]) => i)).toEqual([DICTIONARY_HINT_RETRY_EVERY - 1, 2 * DICTIONARY_HINT_RETRY_EVERY - 1]);
    expect(kind.every((d) => d)).toBe(true);
    expect(hints.dropsOf('id')).toBe(4);
    expect(hints.dropsOf('kind')).toBe(0);
    expect(encodingsOf(bytes, 0).every((e) => !e.includes('RLE_DICTIONARY'))).toBe(true);
    expect(encodingsOf(bytes, 1).every((e) => e.includes('RLE_DICTIONARY'))).toBe(true);
    const back = await readRaw(bytes);
    expect(back.map((r) => r.id)).toEqual(groupsOf(groups, 5000).flatMap((t) => t.getChild('id')!.toArray()));
  });

  it('a writer keeps its hints across its row groups by default', async () => {
    const bytes = await writeGroups(groupsOf(4, 5000), {});
    expect(encodingsOf(bytes, 0).every((e) => !e.includes('RLE_DICTIONARY'))).toBe(true);
    expect((await readRaw(bytes)).map((r) => r.id)).toEqual(groupsOf(4, 5000).flatMap((t) => t.getChild('id')!.toArray()));
  });

  it('writers sharing hints learn together: the second file starts the column in PLAIN', async () => {
    const hints = new RecordingHints();
    await writeGroups(groupsOf(2, 5000), { dictionaryHints: hints });
    hints.tries.length = 0;
    await writeGroups(groupsOf(1, 5000), { dictionaryHints: hints });
    expect(hints.tries).toEqual([
      { column: 'id', dictionary: false },
      { column: 'kind', dictionary: true },
    ]);
  });

  it('a column whose values turn repetitive gets its dictionary back at a retry', async () => {
    const hints = new DictionaryHints();
    const distinct = groupsOf(2, 5000);
    const repetitive = Array.from({ length: DICTIONARY_HINT_RETRY_EVERY + 1 }, () => tableFromArrays({ id: Array.from({ length: 5000 }, (_, i) => `r${i % 7}`), kind: Array.from({ length: 5000 }, () => 'a') }));
    const bytes = await writeGroups([...distinct, ...repetitive], { dictionaryHints: hints });
    const enc = encodingsOf(bytes, 0).map((e) => e.includes('RLE_DICTIONARY'));
    expect(enc.slice(0, 2 + DICTIONARY_HINT_RETRY_EVERY - 1).every((d) => !d)).toBe(true);
    // The retry chunk kept its dictionary: the count is cleared and the next chunk tries too.
    expect(enc.slice(2 + DICTIONARY_HINT_RETRY_EVERY - 1)).toEqual([true, true]);
    expect(hints.dropsOf('id')).toBe(0);
  });

  it('a column marked distinct from outside starts in PLAIN at once, in every new chunk but the retries', async () => {
    const hints = new RecordingHints(3);
    hints.markDistinct('id');
    expect(hints.distinct('id')).toBe(true);
    expect(hints.dropsOf('id')).toBe(3);
    const bytes = await writeGroups(groupsOf(DICTIONARY_HINT_RETRY_EVERY, 5000), { dictionaryHints: hints });
    const id = hints.tries.filter((t) => t.column === 'id').map((t) => t.dictionary);
    expect(id.map((d, i) => [i, d]).filter(([, d]) => d).map(([i]) => i)).toEqual([DICTIONARY_HINT_RETRY_EVERY - 1]);
    expect(encodingsOf(bytes, 0).every((e) => !e.includes('RLE_DICTIONARY'))).toBe(true);
    expect(encodingsOf(bytes, 1).every((e) => e.includes('RLE_DICTIONARY'))).toBe(true);
    // Marking never lowers a count that is already higher.
    const more = new DictionaryHints(1);
    more.dropped('x');
    more.dropped('x');
    more.markDistinct('x');
    expect(more.dropsOf('x')).toBe(2);
  });

  it('refuses a threshold that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      let caught: unknown;
      try {
        new DictionaryHints(bad);
      } catch (e) {
        caught = e;
      }
      expect(isLakeError(caught, 'VALIDATION')).toBe(true);
    }
  });

  it('files read back the same with or without hints, whatever the values and row groups (property)', async () => {
    const value = fc.oneof(fc.constantFrom('a', 'b', 'ccc', ''), fc.string({ maxLength: 12 }), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ rows: fc.integer({ min: 1, max: 6000 }), distinct: fc.boolean(), seed: fc.array(value, { minLength: 1, maxLength: 8 }) }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        async (groups, drops) => {
          const tables = groups.map((g, k) =>
            new Table({
              id: vectorFromArray(Array.from({ length: g.rows }, (_, i) => (g.distinct ? `u-${k}-${i}` : `k${i % 5}`)), new Utf8()),
              kind: vectorFromArray(Array.from({ length: g.rows }, (_, i) => g.seed[i % g.seed.length]!), new Utf8()),
            }),
          );
          const trained = new DictionaryHints(drops);
          for (let i = 0; i < drops; i++) trained.dropped('id');
          for (let i = 0; i < drops; i++) trained.dropped('kind');
          const plain = await readRaw(await writeGroups(tables, { dictionary: false }));
          const fresh = await readRaw(await writeGroups(tables, {}));
          const hinted = await readRaw(await writeGroups(tables, { dictionaryHints: trained }));
          expect(fresh).toEqual(plain);
          expect(hinted).toEqual(plain);
          expect(plain.map((r) => r.id)).toEqual(tables.flatMap((t) => t.getChild('id')!.toArray()));
        },
      ),
      { numRuns: 25 },
    );
  });
});
