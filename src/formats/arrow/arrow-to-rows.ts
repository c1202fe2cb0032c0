/**
 * Arrow → row objects, for the edges where a person or a row-wise API wants
 * rows (notebooks, tests, JSON output). Values are exact: they are read from
 * the Arrow buffers directly, not through Arrow's `get()` (which turns
 * timestamps into float milliseconds and decimals into words).
 */
import { DateUnit, TimeUnit, Type, makeVector, util } from 'apache-arrow';
import type { DataType, Date_, Decimal, FixedSizeBinary, FixedSizeList, Float, Int, Time, Timestamp } from 'apache-arrow';
import type { Data, Field, RecordBatch, Table } from 'apache-arrow';
import { formatDecimal } from '../../iceberg/spec/decimal.js';
import { uuidFromBytes } from '../../iceberg/spec/values.js';
import { readInt128 } from './buffers.js';
import { EXTENSION_NAME_KEY, UUID_EXTENSION } from './schema.js';

/** How decimals come out of {@link arrowToRows}. */
export type DecimalForm = 'string' | 'bigint';

/** Default {@link DecimalForm}: exact text such as `"14.20"`, readable and lossless. */
export const DEFAULT_DECIMAL_FORM: DecimalForm = 'string';

/** Options for {@link arrowToRows}. */
export interface ArrowToRowsOptions {
  /**
   * `'string'` (default): exact decimal text with the type's scale (`"14.20"`);
   * `'bigint'`: the unscaled value (`1420n`), the form of `values.ts`.
   */
  decimals?: DecimalForm;
}

type Reader = (i: number) => unknown;

const decoder = new TextDecoder();
const MS_PER_DAY = 86_400_000;

function timeFactor(unit: TimeUnit): bigint {
  // to microseconds (nanoseconds stay nanoseconds for timestamps)
  return unit === TimeUnit.SECOND ? 1_000_000n : unit === TimeUnit.MILLISECOND ? 1000n : 1n;
}

function withNulls(data: Data, read: Reader): Reader {
  if (data.nullCount === 0 || data.typeId === Type.Null) return read;
  return (i) => (data.getValid(i) ? read(i) : null);
}

function readerFor(data: Data, field: Field | undefined, opts: Required<ArrowToRowsOptions>): Reader {
  const type = data.type as DataType;
  const values = data.values as ArrayLike<unknown> & { subarray?: unknown };
  switch (type.typeId) {
    case Type.Null:
      return () => null;
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return withNulls(data, (i) => {
        const pos = data.offset + i;
        return (bits[pos >> 3]! & (1 << (pos & 7))) !== 0;
      });
    }
    case Type.Int: {
      const big = (type as Int).bitWidth === 64;
      return withNulls(data, big ? (i) => BigInt(values[i] as bigint) : (i) => values[i]);
    }
    case Type.Float: {
      if ((type as Float).precision === 0) return withNulls(data, (i) => util.uint16ToFloat64(values[i] as number));
      return withNulls(data, (i) => values[i]);
    }
    case Type.Decimal: {
      const t = type as Decimal;
      const words = data.values as Uint32Array;
      const stride = t.bitWidth / 32;
      const unscaled = (i: number): bigint => {
        if (stride === 4) return readInt128(words, i);
        let u = 0n;
        for (let k = stride - 1; k >= 0; k--) u = (u << 32n) | BigInt(words[i * stride + k]!);
        return BigInt.asIntN(t.bitWidth, u);
      };
      return withNulls(data, opts.decimals === 'bigint' ? unscaled : (i) => formatDecimal(unscaled(i), t.scale));
    }
    case Type.Date: {
      if ((type as Date_).unit === DateUnit.DAY) return withNulls(data, (i) => values[i]);
      return withNulls(data, (i) => Math.floor(Number(values[i]) / MS_PER_DAY));
    }
    case Type.Time: {
      const unit = (type as Time).unit;
      if (unit === TimeUnit.NANOSECOND) return withNulls(data, (i) => BigInt(values[i] as bigint) / 1000n);
      const f = timeFactor(unit);
      return withNulls(data, (i) => BigInt(values[i] as number | bigint) * f);
    }
    case Type.Timestamp: {
      const f = timeFactor((type as Timestamp).unit);
      return withNulls(data, f === 1n ? (i) => values[i] : (i) => (values[i] as bigint) * f);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const bytes = data.values as Uint8Array;
      const text = type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8;
      return withNulls(data, (i) => {
        const slice = bytes.subarray(Number(offsets[i]), Number(offsets[i + 1]));
        return text ? decoder.decode(slice) : slice.slice();
      });
    }
    case Type.FixedSizeBinary: {
      const w = (type as FixedSizeBinary).byteWidth;
      const bytes = data.values as Uint8Array;
      const uuid = w === 16 && field?.metadata.get(EXTENSION_NAME_KEY) === UUID_EXTENSION;
      return withNulls(data, (i) => {
        const slice = bytes.slice(i * w, (i + 1) * w);
        return uuid ? uuidFromBytes(slice) : slice;
      });
    }
    case Type.Struct: {
      const fields = type.children;
      const readers = data.children.map((c, k) => readerFor(c, fields[k], opts));
      return withNulls(data, (i) => {
        const o: Record<string, unknown> = {};
        for (let k = 0; k < readers.length; k++) o[fields[k]!.name] = readers[k]!(i);
        return o;
      });
    }
    case Type.List:
    case Type.LargeList: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const child = data.children[0]!;
      const read = readerFor(child, type.children[0], opts);
      return withNulls(data, (i) => {
        const out: unknown[] = [];
        for (let j = Number(offsets[i]), end = Number(offsets[i + 1]); j < end; j++) out.push(read(j));
        return out;
      });
    }
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      const read = readerFor(data.children[0]!, type.children[0], opts);
      return withNulls(data, (i) => Array.from({ length: size }, (_, j) => read(i * size + j)));
    }
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0]!;
      const entryFields = type.children[0]!.type.children as Field[];
      const readKey = readerFor(entries.children[0]!, entryFields[0], opts);
      const readValue = readerFor(entries.children[1]!, entryFields[1], opts);
      return withNulls(data, (i) => {
        const m = new Map<unknown, unknown>();
        for (let j = offsets[i]!, end = offsets[i + 1]!; j < end; j++) m.set(readKey(j), readValue(j));
        return m;
      });
    }
    case Type.Dictionary: {
      const dict = data.dictionary;
      if (dict === undefined) return () => null;
      const chunks = dict.data.map((d) => readerFor(d, field, opts));
      const starts = dict.data.map((_, k) => dict.data.slice(0, k).reduce((n, d) => n + d.length, 0));
      return withNulls(data, (i) => {
        const idx = Number(values[i]);
        let k = starts.length - 1;
        while (k > 0 && starts[k]! > idx) k--;
        return chunks[k]!(idx - starts[k]!);
      });
    }
    default: {
      const v = makeVector(data);
      return (i) => v.get(i) as unknown;
    }
  }
}

/**
 * Rows of a Table or RecordBatch as plain objects keyed by column name, in
 * the in-memory form of `src/iceberg/spec/values.ts` — `long`, `time` and
 * timestamps as `bigint` (µs; ns for `_ns` types), `date` as days since
 * 1970-01-01, `uuid` as text, `fixed`/`binary` as `Uint8Array` — except that
 * structs are objects keyed by field name, maps are `Map`s, and decimals are
 * exact text by default (`{ decimals: 'bigint' }` for the unscaled value).
 * The result is accepted unchanged by `rowsToArrow`.
 *
 * @example
 * ```ts
 * arrowToRows(rowsToArrow([{ id: 1, price: '14.20' }], schema)); // [{ id: 1n, price: '14.20' }]
 * ```
 */
export function arrowToRows(source: Table | RecordBatch, options: ArrowToRowsOptions = {}): Record<string, unknown>[] {
  const opts: Required<ArrowToRowsOptions> = { decimals: options.decimals ?? DEFAULT_DECIMAL_FORM };
  const batches: RecordBatch[] = 'batches' in source ? source.batches : [source];
  const rows: Record<string, unknown>[] = [];
  for (const batch of batches) {
    const fields = batch.schema.fields;
    const readers = batch.data.children.map((c, k) => readerFor(c, fields[k], opts));
    for (let i = 0; i < batch.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let k = 0; k < readers.length; k++) row[fields[k]!.name] = readers[k]!(i);
      rows.push(row);
    }
  }
  return rows;
}

/**
 * A reader of one column's values in the `values.ts` forms (as
 * {@link arrowToRows} gives them), for code that needs a few columns without
 * building row objects — e.g. partition routing.
 */
export function columnReader(data: Data, field?: Field, options: ArrowToRowsOptions = {}): (i: number) => unknown {
  return readerFor(data, field, { decimals: options.decimals ?? DEFAULT_DECIMAL_FORM });
}
