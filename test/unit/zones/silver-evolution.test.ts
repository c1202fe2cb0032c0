import fc from 'fast-check';
import { Field, Float32, Float64, Int32, Int64, Schema as ArrowSchema, Table as ArrowTable, tableFromArrays, Utf8, makeData, RecordBatch, Struct, vectorFromArray, type DataType } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../../src/errors.js';
import { evolveSchema } from '../../../src/formats/index.js';
import { arrowToIcebergSchema } from '../../../src/formats/arrow/from-arrow-schema.js';
import { isPromotionAllowed } from '../../../src/iceberg/index.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { SilverWriter } from '../../../src/zones/index.js';

const silverIn = () => new SilverWriter({ root: `memory://l-${crypto.randomUUID()}/silver`, io: new MemoryFileIO() });
const opts = { domain: 'x', date: '2026-11-22' };

function oneColumn(type: DataType, values: unknown[]): ArrowTable {
  const field = new Field('v', type, true);
  const data = vectorFromArray(values, type).data[0]!;
  return new ArrowTable(new RecordBatch(new ArrowSchema([field]), makeData({ type: new Struct([field]), length: values.length, nullCount: 0, children: [data] })));
}

const TYPES: [string, DataType, unknown][] = [
  ['int', new Int32(), 7],
  ['long', new Int64(), 7n],
  ['float', new Float32(), 1.5],
  ['double', new Float64(), 1.5],
  ['string', new Utf8(), 'x'],
];

describe('silver schema evolution (the rules of lakekit/formats evolveStruct, on Iceberg promotions)', () => {
  it('widens int to long and float to double; older files read in the wider type', async () => {
    const silver = silverIn();
    await silver.write('d', tableFromArrays({ q: Int32Array.from([1]), f: Float32Array.from([0.5]) }), opts);
    const r = await silver.write('d', tableFromArrays({ q: BigInt64Array.from([2n ** 40n]), f: Float64Array.from([0.25]) }), opts);
    expect(r.status).toBe('committed');
    const schema = (await silver.current('d'))!.schema as { fields: { name: string; type: string }[] };
    expect(schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['q', 'long'],
      ['f', 'double'],
    ]);
    const rows = (await silver.read('d')).toArray().map((x) => (x as { toJSON(): Record<string, unknown> }).toJSON());
    expect(rows).toEqual([
      { q: 1n, f: 0.5 },
      { q: 2n ** 40n, f: 0.25 },
    ]);
  });

  it('stores a narrower incoming type as the dataset type', async () => {
    const silver = silverIn();
    await silver.write('d', tableFromArrays({ q: BigInt64Array.from([5n]) }), opts);
    await silver.write('d', tableFromArrays({ q: Int32Array.from([6]), extra: ['new'] }), opts);
    const m = (await silver.current('d'))!.schema as { fields: { name: string; type: string }[] };
    expect(m.fields.map((f) => [f.name, f.type])).toEqual([
      ['q', 'long'],
      ['extra', 'string'],
    ]);
    const rows = (await silver.read('d')).toArray().map((x) => (x as { toJSON(): Record<string, unknown> }).toJSON());
    expect(rows).toEqual([
      { q: 5n, extra: null },
      { q: 6n, extra: 'new' },
    ]);
  });

  it('refuses every incompatible column at once, with a per-column report, and commits nothing', async () => {
    const silver = silverIn();
    await silver.write('d', tableFromArrays({ a: Int32Array.from([1]), b: Float64Array.from([1]), c: ['ok'] }), opts);
    const e = await silver.write('d', tableFromArrays({ a: ['text'], b: Int32Array.from([1]), c: ['fine'] }), opts).catch((x: unknown) => x);
    expect(isLakeError(e, 'VALIDATION')).toBe(true);
    const columns = (e as { context: { columns: { column: string; current: string; incoming: string }[] } }).context.columns;
    expect(columns.map((c) => [c.column, c.current, c.incoming])).toEqual([
      ['a', 'int', 'string'],
      ['b', 'double', 'int'],
    ]);
    expect((await silver.current('d'))!.version).toBe(1);
  });

  it('accepts exactly what evolveSchema accepts, which is what Iceberg allows in either direction (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES), fc.constantFrom(...TYPES), async ([, t1, v1], [, t2, v2]) => {
        const first = oneColumn(t1, [v1]);
        const second = oneColumn(t2, [v2]);
        const a = arrowToIcebergSchema(first.schema).fields[0]!.type;
        const b = arrowToIcebergSchema(second.schema).fields[0]!.type;
        const iceberg = isPromotionAllowed(a, b) || isPromotionAllowed(b, a);
        let formats = true;
        try {
          evolveSchema(first.schema, second.schema);
        } catch {
          formats = false;
        }
        const silver = silverIn();
        await silver.write('d', first, opts);
        const written = await silver.write('d', second, opts).then(
          () => true,
          (e: unknown) => (isLakeError(e, 'VALIDATION') ? false : Promise.reject(e)),
        );
        expect(formats).toBe(iceberg);
        expect(written).toBe(iceberg);
      }),
      { numRuns: 40 },
    );
  });
});
