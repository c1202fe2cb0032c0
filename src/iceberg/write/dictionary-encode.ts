/**
 * Dictionary-encode string columns before a batch is split into partitions
 * (Iceberg writes and silver partition routing).
 *
 * Encoding a string column once, in order, turns it into 32-bit keys over a
 * small dictionary: the split (scatter.ts, or gathering by row index for
 * batches it does not cover) then moves keys instead of bytes, and each
 * file's Parquet writer maps a key to its own dictionary once instead of
 * hashing every value. Columns whose values are mostly distinct are left as
 * they are (the dictionary would be as large as the column), and marked so
 * in the writers' shared DictionaryHints.
 */
import { Binary, Data, Dictionary, Int32, RecordBatch, Schema, Struct, Type, Utf8, makeData, makeVector, type DataType } from 'apache-arrow';
import { BytesDictionary, type DictionaryHints } from '../../formats/parquet/write/dictionary.js';
import { IntBuffer } from '../../formats/parquet/write/buffer.js';

/** Below this many rows a batch is split as it is: the encoding would not pay for itself. */
export const DICTIONARY_SPLIT_MIN_ROWS = 16_384;
/** Encode a column only while its distinct values stay under this share of its rows. */
export const DICTIONARY_SPLIT_MAX_DISTINCT_RATIO = 0.125;
/** …and give up at any chunk where more than this share of the rows seen so far were distinct. */
export const DICTIONARY_SPLIT_EARLY_DISTINCT_RATIO = 0.5;

/**
 * The column as `Dictionary<Utf8|Binary, Int32>` data (same values, same
 * validity), or `undefined` when it has too many distinct values to be worth it.
 */
export function dictionaryEncodeBytes(data: Data): Data | undefined {
  const t = data.type as DataType;
  if (t.typeId !== Type.Utf8 && t.typeId !== Type.Binary) return undefined;
  const offsets = data.valueOffsets as Int32Array;
  const values = data.values as Uint8Array;
  const n = data.length;
  const limit = Math.floor(n * DICTIONARY_SPLIT_MAX_DISTINCT_RATIO);
  const dict = new BytesDictionary();
  const keys = new IntBuffer();
  keys.ensure(n);
  // Encode in chunks so a mostly-distinct column is given up on early.
  const CHUNK = 8192;
  for (let v = 0; v < n; v += CHUNK) {
    const end = Math.min(n, v + CHUNK);
    dict.encode(offsets, values, null, v, end, keys);
    // Give up as soon as the values seen so far are mostly distinct, not only at the limit.
    if (dict.size > limit || dict.size > end * DICTIONARY_SPLIT_EARLY_DISTINCT_RATIO) return undefined;
  }
  const size = dict.size;
  const dictOffsets = new Int32Array(size + 1);
  let total = 0;
  for (let i = 0; i < size; i++) {
    total += dict.entry(i)[1];
    dictOffsets[i + 1] = total;
  }
  const dictBytes = new Uint8Array(total);
  const src = dict.plain.bytes;
  for (let i = 0; i < size; i++) {
    const [s, len] = dict.entry(i);
    dictBytes.set(src.subarray(s, s + len), dictOffsets[i]!);
  }
  const valueType = t.typeId === Type.Utf8 ? new Utf8() : new Binary();
  const dictionary = makeVector(makeData({ type: valueType, length: size, nullCount: 0, valueOffsets: dictOffsets, data: dictBytes } as never));
  const type = new Dictionary(valueType, new Int32());
  return makeData({
    type,
    length: n,
    nullCount: data.nullCount,
    ...(data.nullCount > 0 && data.nullBitmap !== undefined ? { nullBitmap: data.nullBitmap, offset: data.offset } : {}),
    data: keys.values.subarray(0, n),
    dictionary,
  } as never) as Data;
}

/**
 * The batch with its large-enough, repetitive top-level string and binary
 * columns dictionary-encoded (see the module comment); other columns as they are.
 * A column found mostly distinct is marked so in `hints` (when given), so the
 * files it is split into write it PLAIN without hashing it again.
 */
export function dictionaryEncodeForSplit(batch: RecordBatch, hints?: DictionaryHints): RecordBatch {
  if (batch.numRows < DICTIONARY_SPLIT_MIN_ROWS) return batch;
  let changed = false;
  const children = batch.data.children.map((c, i) => {
    if (c.offset !== 0 || (c.typeId !== Type.Utf8 && c.typeId !== Type.Binary)) return c;
    const encoded = dictionaryEncodeBytes(c);
    if (encoded === undefined) {
      hints?.markDistinct(batch.schema.fields[i]!.name);
      return c;
    }
    changed = true;
    return encoded;
  });
  if (!changed) return batch;
  const fields = batch.schema.fields.map((f, i) => (children[i] === batch.data.children[i] ? f : f.clone({ type: children[i]!.type })));
  const struct = makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(new Schema(fields, batch.schema.metadata), struct);
}
