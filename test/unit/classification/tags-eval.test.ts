import { Table as ArrowTable, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../../../src/catalog/filesystem/catalog.js';
import {
  BENCHMARK_TYPES, BUILTIN_TYPES, classifyTable, evaluate, f2, generateBenchmark, Scanner, tagIcebergTable, taggedDoc, type BenchmarkCell,
} from '../../../src/classification/index.js';
import { Table, Types, newSchema, optionalField } from '../../../src/iceberg/index.js';
import { MemoryFileIO } from '../../../src/io/memory.js';

describe('Iceberg tags', () => {
  it('writes column docs and table properties, keeps existing docs, and clears stale entries', async () => {
    const catalog = new FileSystemCatalog({ warehouse: 'memory://lake/wh/', io: new MemoryFileIO() });
    await catalog.createNamespace(['silver']);
    const schema = newSchema([
      optionalField(1, 'name', Types.string),
      { ...optionalField(2, 'card', Types.string), doc: 'card on file' },
      optionalField(3, 'email', Types.string),
    ]);
    await catalog.createTable({ namespace: ['silver'], name: 'customers' }, { schema });
    const table = await Table.load(catalog, 'silver.customers');
    const data = new ArrowTable({
      name: vectorFromArray(['Somchai', 'Olivia'], new Utf8()),
      card: vectorFromArray(['4539 1488 0343 6467', '5425233430109903'], new Utf8()),
      email: vectorFromArray(['a@bank.co.th', 'b@bank.co.th'], new Utf8()),
    });
    const cls = classifyTable(data);
    const { changedColumns } = await tagIcebergTable(table, cls);
    expect(changedColumns.sort()).toEqual(['card', 'email']);
    const fields = Object.fromEntries(table.schema().fields.map((f) => [f.name, f.doc]));
    expect(fields.card).toBe('card on file [classification: CREDIT_CARD; sensitivity: restricted]');
    expect(fields.email).toBe('[classification: EMAIL; sensitivity: confidential]');
    expect(fields.name).toBeUndefined();
    expect(table.properties['lakekit.classification.sensitivity']).toBe('restricted');
    expect(table.properties['lakekit.classification.column.card']).toBe('restricted:CREDIT_CARD');

    // Re-classify after the emails are gone: the email tag and property go away, the card doc is unchanged.
    const again = classifyTable(new ArrowTable({ card: data.getChild('card')!, email: vectorFromArray(['n/a', 'n/a'], new Utf8()) }));
    await tagIcebergTable(await Table.load(catalog, 'silver.customers'), again);
    const reloaded = await Table.load(catalog, 'silver.customers');
    expect(reloaded.schema().fields.find((f) => f.name === 'email')!.doc).toBeUndefined();
    expect(reloaded.schema().fields.find((f) => f.name === 'card')!.doc).toBe('card on file [classification: CREDIT_CARD; sensitivity: restricted]');
    expect(reloaded.properties['lakekit.classification.column.email']).toBeUndefined();
  });

  it('replaces only its own tag in a doc', () => {
    expect(taggedDoc('x [classification: EMAIL; sensitivity: confidential]', ['PHONE'], 'confidential')).toBe('x [classification: PHONE; sensitivity: confidential]');
    expect(taggedDoc('x', [], 'public')).toBe('x');
  });
});

describe('evaluation', () => {
  it('computes precision, recall and F2 per type and micro-averaged', () => {
    const cells: BenchmarkCell[] = [
      { column: 'c', value: 'a', labels: ['A'], category: 't' },
      { column: 'c', value: 'b', labels: ['A'], category: 't' },
      { column: 'c', value: 'c', labels: [], category: 't' },
      { column: 'c', value: 'd', labels: ['B'], category: 't' },
    ];
    const predicted: Record<string, string[]> = { a: ['A'], b: [], c: ['A'], d: ['B'] };
    const r = evaluate(cells, (cell) => predicted[cell.value]!);
    const a = r.types.find((t) => t.type === 'A')!;
    expect(a).toMatchObject({ tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5 });
    expect(a.f2).toBeCloseTo(0.5);
    expect(r.overall).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(f2(1, 0.5)).toBeCloseTo(5 * 0.5 / (4 + 0.5));
  });

  it('generates the same labelled cells for the same seed, covering every type and category', () => {
    const a = generateBenchmark({ perType: 5, seed: 1 });
    expect(generateBenchmark({ perType: 5, seed: 1 })).toEqual(a);
    expect(generateBenchmark({ perType: 5, seed: 2 })).not.toEqual(a);
    expect(new Set(a.flatMap((c) => c.labels))).toEqual(new Set(BENCHMARK_TYPES));
    expect(new Set(a.map((c) => c.category))).toEqual(new Set(['valid-hint', 'valid-plain', 'lookalike', 'random', 'memo']));
    expect([...BENCHMARK_TYPES].sort()).toEqual([...BUILTIN_TYPES].sort());
  });

  it('lakekit meets its accuracy targets on a fresh seed', () => {
    const report = evaluate(generateBenchmark({ perType: 60, seed: 9001 }), new Scanner());
    for (const t of report.types.filter((x) => ['CREDIT_CARD', 'ABA_ROUTING', 'IBAN', 'TH_NATIONAL_ID', 'SG_NRIC_FIN'].includes(x.type))) {
      expect(t.precision, t.type).toBeGreaterThanOrEqual(0.99);
      expect(t.recall, t.type).toBeGreaterThanOrEqual(0.99);
    }
    expect(report.overall.f2).toBeGreaterThanOrEqual(0.95);
  });
});
