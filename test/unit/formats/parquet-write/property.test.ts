import { concatBytes } from '../../../../src/internal/bytes.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowsToArrow } from '../../../../src/formats/arrow/index.js';
import { ParquetWriter, type ParquetWriteOptions } from '../../../../src/formats/parquet/write/index.js';
import type { DataFileMetrics } from '../../../../src/iceberg/metrics.js';
import {
  newSchema, optionalField, requiredField, Types, toBytes, truncateBinaryLowerBound, truncateBinaryUpperBound,
  truncateStringLowerBound, truncateStringUpperBound, uuidToBytes,
  type IcebergType, type NestedField, type PrimitiveType, type Schema,
} from '../../../../src/iceberg/spec/index.js';
import { compareUtf8 } from '../../../../src/internal/bytes.js';
import { expectedRows, metadataOf, readRaw } from './helpers.js';

// ── random schemas ────────────────────────────────────────────────────────
type Shape =
  | { k: 'p'; t: PrimitiveType }
  | { k: 'struct'; fields: { required: boolean; shape: Shape }[] }
  | { k: 'list'; elementRequired: boolean; element: Shape }
  | { k: 'map'; key: PrimitiveType; valueRequired: boolean; value: Shape };

const primitive: fc.Arbitrary<PrimitiveType> = fc.oneof(
  fc.constantFrom<PrimitiveType>(
    Types.boolean, Types.int, Types.long, Types.float, Types.double, Types.date, Types.time, Types.timestamp,
    Types.timestamptz, Types.timestamp_ns, Types.timestamptz_ns, Types.string, Types.uuid, Types.binary,
  ),
  fc.integer({ min: 1, max: 38 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => Types.decimal(p, s))),
  fc.integer({ min: 1, max: 5 }).map((l) => Types.fixed(l)),
);

const shape: fc.Arbitrary<Shape> = fc.letrec<{ s: Shape }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitive.map((t): Shape => ({ k: 'p', t })),
    fc.array(fc.record({ required: fc.boolean(), shape: tie('s') }), { minLength: 1, maxLength: 3 }).map((fields): Shape => ({ k: 'struct', fields })),
    fc.record({ elementRequired: fc.boolean(), element: tie('s') }).map((r): Shape => ({ k: 'list', ...r })),
    fc.record({ key: fc.constantFrom<PrimitiveType>(Types.string, Types.int, Types.long), valueRequired: fc.boolean(), value: tie('s') }).map((r): Shape => ({ k: 'map', ...r })),
  ),
})).s;

function build(shapes: { required: boolean; shape: Shape }[]): Schema {
  let id = 0;
  const type = (s: Shape): IcebergType => {
    switch (s.k) {
      case 'p':
        return s.t;
      case 'struct':
        return Types.struct(fields(s.fields));
      case 'list': {
        const eid = ++id;
        return Types.list(eid, type(s.element), s.elementRequired);
      }
      case 'map': {
        const kid = ++id;
        const vid = ++id;
        return Types.map(kid, s.key, vid, type(s.value), s.valueRequired);
      }
    }
  };
  const fields = (fs: { required: boolean; shape: Shape }[]): NestedField[] =>
    fs.map((f, i) => {
      const fid = ++id;
      return (f.required ? requiredField : optionalField)(fid, `c${i}`, type(f.shape));
    });
  return newSchema(fields(shapes));
}

// ── random values (values.ts forms) ───────────────────────────────────────
function primitiveValue(t: PrimitiveType): fc.Arbitrary<unknown> {
  switch (t.type) {
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer();
    case 'long':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float':
      return fc.float();
    case 'double':
      return fc.double();
    case 'date':
      return fc.integer({ min: -1_000_000, max: 1_000_000 });
    case 'time':
      return fc.bigInt({ min: 0n, max: 86_400_000_000n - 1n });
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n });
    case 'string':
      return fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom('a', 'b', 'same'));
    case 'uuid':
      return fc.uuid();
    case 'fixed':
      return fc.uint8Array({ minLength: t.length, maxLength: t.length });
    case 'binary':
      return fc.uint8Array({ maxLength: 24 });
    case 'decimal': {
      const max = 10n ** BigInt(t.precision) - 1n;
      return fc.bigInt({ min: -max, max });
    }
    default:
      throw new Error(t.type);
  }
}

function valueOf(t: IcebergType, required: boolean): fc.Arbitrary<unknown> {
  const v: fc.Arbitrary<unknown> =
    t.type === 'struct'
      ? fc.tuple(...t.fields.map((f) => valueOf(f.type, f.required))).map((xs) => new Map(t.fields.map((f, i) => [f.id, xs[i]])))
      : t.type === 'list'
        ? fc.array(valueOf(t.element, t.elementRequired), { maxLength: 4 })
        : t.type === 'map'
          ? fc.array(fc.tuple(primitiveValue(t.key as PrimitiveType), valueOf(t.value, t.valueRequired)), { maxLength: 4 }).map((kv) => new Map(kv))
          : primitiveValue(t as PrimitiveType);
  return required ? v : fc.option(v, { nil: null, freq: 4 });
}

// ── metrics computed from the values alone ────────────────────────────────
interface Acc { values: number; nulls: number; nans: number; min?: unknown; max?: unknown; type: PrimitiveType; inCollection: boolean }

function compareValues(t: PrimitiveType, a: unknown, b: unknown): number {
  if (t.type === 'string') return compareUtf8(a as string, b as string);
  if (t.type === 'uuid' || t.type === 'fixed' || t.type === 'binary') {
    const x = t.type === 'uuid' ? uuidToBytes(a as string) : (a as Uint8Array);
    const y = t.type === 'uuid' ? uuidToBytes(b as string) : (b as Uint8Array);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  }
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function collect(t: IcebergType, v: unknown, accs: Map<number, Acc>, id: number, inCollection: boolean): void {
  if (t.type === 'struct') {
    for (const f of t.fields) collect(f.type, v === null ? null : (v as Map<number, unknown>).get(f.id) ?? null, accs, f.id, inCollection);
    return;
  }
  if (t.type === 'list') {
    const xs = v as unknown[] | null;
    if (xs === null || xs.length === 0) collect(t.element, null, accs, t.elementId, true);
    else for (const x of xs) collect(t.element, x, accs, t.elementId, true);
    return;
  }
  if (t.type === 'map') {
    const m = v as Map<unknown, unknown> | null;
    if (m === null || m.size === 0) {
      collect(t.key, null, accs, t.keyId, true);
      collect(t.value, null, accs, t.valueId, true);
    } else
      for (const [k, x] of m) {
        collect(t.key, k, accs, t.keyId, true);
        collect(t.value, x, accs, t.valueId, true);
      }
    return;
  }
  const p = t as PrimitiveType;
  const a = accs.get(id) ?? { values: 0, nulls: 0, nans: 0, type: p, inCollection };
  accs.set(id, a);
  a.values++;
  if (v === null) a.nulls++;
  else if (typeof v === 'number' && Number.isNaN(v)) a.nans++;
  else {
    if (a.min === undefined || compareValues(p, v, a.min) < 0) a.min = v;
    if (a.max === undefined || compareValues(p, v, a.max) > 0) a.max = v;
  }
}

function expectedMetrics(schema: Schema, rows: Map<number, unknown>[]): Omit<DataFileMetrics, 'columnSizes' | 'splitOffsets'> {
  const accs = new Map<number, Acc>();
  // visit every row (also to register leaves of all-null columns)
  for (const r of rows) for (const f of schema.fields) collect(f.type, r.get(f.id) ?? null, accs, f.id, false);
  const m: Omit<DataFileMetrics, 'columnSizes' | 'splitOffsets'> = {
    recordCount: BigInt(rows.length), valueCounts: new Map(), nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map(),
  };
  if (rows.length === 0) return m; // no row groups, no column metrics
  for (const [id, a] of accs) {
    m.valueCounts.set(id, BigInt(a.values));
    m.nullValueCounts.set(id, BigInt(a.nulls));
    if (a.type.type === 'float' || a.type.type === 'double') m.nanValueCounts.set(id, BigInt(a.nans));
    if (a.inCollection || a.min === undefined) continue;
    if (a.type.type === 'string') {
      m.lowerBounds.set(id, new TextEncoder().encode(truncateStringLowerBound(a.min as string, 16)));
      const hi = truncateStringUpperBound(a.max as string, 16);
      if (hi !== null) m.upperBounds.set(id, new TextEncoder().encode(hi));
    } else if (a.type.type === 'binary' || a.type.type === 'fixed') {
      m.lowerBounds.set(id, truncateBinaryLowerBound(a.min as Uint8Array, 16));
      const hi = truncateBinaryUpperBound(a.max as Uint8Array, 16);
      if (hi !== null) m.upperBounds.set(id, hi);
    } else {
      m.lowerBounds.set(id, toBytes(a.type, a.min as never));
      m.upperBounds.set(id, toBytes(a.type, a.max as never));
    }
  }
  return m;
}

const options: fc.Arbitrary<ParquetWriteOptions> = fc.record({
  codec: fc.constantFrom('uncompressed' as const, 'snappy' as const, 'zstd' as const),
  pageSizeBytes: fc.constantFrom(64, 1024, 1 << 20),
  rowGroupSizeBytes: fc.constantFrom(256, 128 << 20),
  dictionary: fc.boolean(),
  dictSizeBytes: fc.constantFrom(64, 2 << 20),
});

function names(schema: Schema, r: Map<number, unknown>): Record<string, unknown> {
  return Object.fromEntries(schema.fields.map((f) => [f.name, r.get(f.id) ?? null]));
}

describe('ParquetWriter properties', () => {
  it('hyparquet reads back exactly what was written, and metrics match the data', async () => {
    const input = fc
      .array(fc.record({ required: fc.boolean(), shape }), { minLength: 1, maxLength: 4 })
      .map(build)
      .chain((schema) =>
        fc.record({
          schema: fc.constant(schema),
          rows: fc.array(fc.tuple(...schema.fields.map((f) => valueOf(f.type, f.required))).map((xs) => new Map(schema.fields.map((f, i) => [f.id, xs[i]]))), { maxLength: 40 }),
          cuts: fc.array(fc.nat(40), { maxLength: 2 }),
          opts: options,
        }),
      );
    await fc.assert(
      fc.asyncProperty(input, async ({ schema, rows, cuts, opts }) => {
        const writer = new ParquetWriter(schema, opts);
        const parts: Uint8Array[] = [];
        const bounds = [...new Set([0, ...cuts.filter((c) => c < rows.length), rows.length])].sort((a, b) => a - b);
        for (let i = 0; i + 1 < bounds.length; i++) {
          const slice = rows.slice(bounds[i], bounds[i + 1]);
          parts.push(...(await writer.write(rowsToArrow(slice.map((r) => names(schema, r)), schema))));
        }
        const end = await writer.finish();
        parts.push(...end.chunks);
        const bytes = concatBytes(parts, end.fileSize);
        expect(await readRaw(bytes)).toEqual(expectedRows(schema, rows));
        const { columnSizes, splitOffsets, ...rest } = end.metrics;
        expect(rest).toEqual(expectedMetrics(schema, rows));
        const md = metadataOf(bytes);
        expect(splitOffsets).toEqual(md.row_groups.map((g) => g.file_offset));
        const sizes = new Map<number, bigint>();
        const leafIds = md.schema.filter((e) => e.num_children === undefined).map((e) => e.field_id!);
        for (const g of md.row_groups) g.columns.forEach((c, i) => sizes.set(leafIds[i]!, (sizes.get(leafIds[i]!) ?? 0n) + c.meta_data!.total_compressed_size));
        expect(columnSizes).toEqual(sizes);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
