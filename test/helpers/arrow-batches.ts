/**
 * Arrow record batches for property tests of the flat-column kernels (the
 * partition scatter, the worker wire format): one generator per flat column
 * type, each with nulls, and row-wise views for comparing batches.
 */
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampNanosecond,
  Uint8,
  Uint16,
  Utf8,
  makeData,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import fc from 'fast-check';

/** `arb` or null (one time in four). */
export const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 4 });

/** Name, Arrow type and value generator of every flat column type lakekit writes. */
export const flatColumns: readonly [string, DataType, fc.Arbitrary<unknown>][] = [
  ['i8', new Int8(), maybe(fc.integer({ min: -128, max: 127 }))],
  ['u8', new Uint8(), maybe(fc.integer({ min: 0, max: 255 }))],
  ['i16', new Int16(), maybe(fc.integer({ min: -32768, max: 32767 }))],
  ['u16', new Uint16(), maybe(fc.integer({ min: 0, max: 65535 }))],
  ['i32', new Int32(), maybe(fc.integer())],
  ['i64', new Int64(), maybe(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))],
  ['f32', new Float32(), maybe(fc.float({ noNaN: true }))],
  ['f64', new Float64(), maybe(fc.double({ noNaN: true }))],
  ['bool', new Bool(), maybe(fc.boolean())],
  // Short strings and ones past the 32-byte copy-loop cut-off.
  ['utf8', new Utf8(), maybe(fc.oneof(fc.string({ maxLength: 8 }), fc.string({ minLength: 33, maxLength: 60 })))],
  ['bin', new Binary(), maybe(fc.uint8Array({ maxLength: 6 }))],
  ['date', new DateDay(), maybe(fc.integer({ min: -100_000, max: 100_000 }).map((d) => new Date(d * 86_400_000)))],
  ['time', new TimeMicrosecond(), maybe(fc.bigInt({ min: 0n, max: 86_399_999_999n }))],
  ['ts', new TimestampMicrosecond('UTC'), maybe(fc.integer({ min: 0, max: 2 ** 40 }))],
  ['tsn', new TimestampNanosecond(), maybe(fc.integer({ min: 0, max: 2 ** 40 }))],
  ['dict', new Dictionary(new Utf8(), new Int32()), maybe(fc.constantFrom('EUR', 'USD', 'THB', ''))],
];

/** A record batch of `n` rows with one column per {@link flatColumns} entry. */
export const flatBatch = (n: number): fc.Arbitrary<RecordBatch> =>
  fc.tuple(...flatColumns.map(([, , gen]) => fc.array(gen, { minLength: n, maxLength: n }))).map((cols) =>
    batchOf(
      cols.map((values, i) => vectorFromArray(values as unknown[], flatColumns[i]![1])),
      flatColumns.map(([name]) => name),
    ),
  );

/** One batch of the given columns (even-numbered ones nullable). */
export function batchOf(vectors: Vector[], names: string[]): RecordBatch {
  const fields = vectors.map((v, i) => new Field(names[i]!, v.type, i % 2 === 0));
  const data = makeData({ type: new Struct(fields), length: vectors[0]!.length, nullCount: 0, children: vectors.map((v) => v.data[0]!) });
  return new RecordBatch(new Schema(fields), data);
}

/** The batch's rows as arrays of values (byte arrays as number arrays), for toEqual. */
export function rowsOf(batch: RecordBatch): unknown[][] {
  return Array.from({ length: batch.numRows }, (_, i) =>
    batch.schema.fields.map((_, c) => {
      const v = batch.getChildAt(c)!.get(i) as unknown;
      return v instanceof Uint8Array || v instanceof Uint32Array ? [...v] : v;
    }),
  );
}

/** Null count of each column. */
export const nullCounts = (batch: RecordBatch): number[] => batch.schema.fields.map((_, c) => batch.getChildAt(c)!.nullCount);

/**
 * A one-column batch `x` of decimal(38, `scale`) stored as 128-bit words (two's
 * complement, little-endian), null where `xs` is null. `bitmapWithoutNulls`
 * keeps a validity bitmap even when nothing is null (some writers do).
 */
export function decimal128Batch(xs: readonly (bigint | null)[], scale: number, bitmapWithoutNulls = false): RecordBatch {
  const n = xs.length;
  const words = new Uint32Array(n * 4);
  const validity = new Uint8Array((n + 7) >> 3);
  xs.forEach((x, i) => {
    if (x === null) return;
    validity[i >> 3]! |= 1 << (i & 7);
    const u = BigInt.asUintN(128, x);
    for (let j = 0; j < 4; j++) words[i * 4 + j] = Number((u >> BigInt(32 * j)) & 0xffffffffn);
  });
  const type = new Decimal(scale, 38, 128);
  const nulls = xs.filter((x) => x === null).length;
  const data = makeData({ type, length: n, data: words, nullBitmap: nulls > 0 || bitmapWithoutNulls ? validity : undefined, nullCount: nulls });
  const field = new Field('x', type, true);
  return new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: n, nullCount: 0, children: [data] }));
}
