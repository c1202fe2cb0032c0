import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IoError, ValidationError, isLakeError, type LakeError } from '../../../src/errors.js';
import * as L from '../../../src/lineage/index.js';

/** A transport that keeps what it receives, optionally failing. */
class Capture implements L.Transport {
  events: L.LineageEvent[] = [];
  fail = false;
  flushes = 0;
  async emit(e: L.LineageEvent) {
    if (this.fail) throw new IoError('sink down');
    this.events.push(structuredClone(e));
  }
  async flush() {
    this.flushes++;
    if (this.fail) throw new IoError('sink down on flush');
  }
  async close() {}
  runs() {
    return this.events.filter(L.isRunEvent);
  }
}

function setup(options: Partial<L.RecorderOptions> = {}) {
  const sink = new Capture();
  const errors: LakeError[] = [];
  const recorder = new L.Recorder({ namespace: 'lakekit', transport: sink, onError: (e) => errors.push(e), ...options });
  return { sink, errors, recorder };
}

const raw = L.s3Dataset('landing', 'orders/2026-11-22.csv');
const silver = L.icebergTableDataset({ catalog: 'lake', namespace: ['silver'], table: 'orders', location: 's3://silver-bucket/warehouse/silver/orders' });

describe('Recorder.run', () => {
  it('emits START then COMPLETE with one run id, the job, and the inputs and outputs added along the way', async () => {
    const { sink, errors, recorder } = setup();
    const result = await recorder.run({ name: 'ingest.orders', facets: { sql: L.sqlFacet('COPY …') } }, async (ctx) => {
      ctx.addInput(raw);
      ctx.addOutput(silver);
      ctx.addInputFacets(raw, { inputStatistics: L.inputStatisticsFacet({ rowCount: 3, size: 120 }) });
      ctx.addOutputFacets(silver, { outputStatistics: L.outputStatisticsFacet({ rowCount: 3 }) });
      ctx.addDatasetFacets(silver, { schema: L.schemaFacet([{ name: 'id', type: 'long' }]) });
      ctx.addRunFacet('tags', L.tagsFacet([{ key: 'env', value: 'test' }], 'run'));
      ctx.addJobFacet('documentation', L.documentationFacet('Loads orders', 'job'));
      return 42;
    });
    expect(result).toBe(42);
    expect(errors).toEqual([]);
    const [start, complete] = sink.runs();
    expect(sink.runs().map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(start!.run.runId).toBe(complete!.run.runId);
    expect(L.uuidv7Time(start!.run.runId)).toBeTypeOf('number');
    expect(complete!.job).toMatchObject({ namespace: 'lakekit', name: 'ingest.orders' });
    expect(Object.keys(complete!.job.facets!).sort()).toEqual(['documentation', 'jobType', 'sql']);
    expect(complete!.inputs!.map(L.label)).toEqual(['s3://landing/orders/2026-11-22.csv']);
    expect(complete!.outputs![0]).toMatchObject({ namespace: 'iceberg://lake', name: 'silver.orders' });
    expect(complete!.outputs![0]!.facets!.symlinks).toMatchObject({ identifiers: [{ namespace: 's3://silver-bucket', name: 'warehouse/silver/orders', type: 'LOCATION' }] });
    expect(complete!.outputs![0]!.outputFacets!.outputStatistics).toMatchObject({ rowCount: 3 });
    expect(complete!.inputs![0]!.inputFacets!.inputStatistics).toMatchObject({ rowCount: 3 });
    expect(complete!.run.facets!.processing_engine).toMatchObject({ name: 'lakekit' });
    expect(Date.parse(complete!.eventTime)).toBeGreaterThanOrEqual(Date.parse(start!.eventTime));
    for (const e of sink.events) expect(() => L.validateEvent(e)).not.toThrow();
    expect(sink.flushes).toBe(1);
  });

  it('emits FAIL with the error message and stack, and rethrows the job error', async () => {
    const { sink, recorder } = setup();
    const boom = new ValidationError('bad row 7');
    await expect(recorder.run('etl', () => Promise.reject(boom))).rejects.toBe(boom);
    const fail = sink.runs().at(-1)!;
    expect(fail.eventType).toBe('FAIL');
    const facet = fail.run.facets!.errorMessage as L.Facet;
    expect(facet.message).toBe('ValidationError: bad row 7');
    expect(facet.programmingLanguage).toBe('TypeScript');
    expect(String(facet.stackTrace)).toContain('bad row 7');
    expect(() => L.validateEvent(fail)).not.toThrow();
  });

  it('nested runs carry parent and root facets', async () => {
    const { sink, recorder } = setup();
    let outer = '';
    let middle = '';
    await recorder.run('pipeline', async (ctx) => {
      outer = ctx.runId;
      await ctx.run('pipeline.step', async (c2) => {
        middle = c2.runId;
        await c2.run({ name: 'pipeline.step.check', namespace: 'quality' }, () => undefined);
      });
    });
    const byJob = (name: string) => sink.runs().find((e) => e.job.name === name && e.eventType === 'COMPLETE')!;
    expect(byJob('pipeline').run.facets!.parent).toBeUndefined();
    expect(byJob('pipeline.step').run.facets!.parent).toMatchObject({ job: { namespace: 'lakekit', name: 'pipeline' }, run: { runId: outer }, root: { run: { runId: outer } } });
    const inner = byJob('pipeline.step.check');
    expect(inner.job.namespace).toBe('quality');
    expect(inner.run.facets!.parent).toMatchObject({ job: { name: 'pipeline.step' }, run: { runId: middle }, root: { job: { name: 'pipeline' }, run: { runId: outer } } });
    for (const e of sink.events) expect(() => L.validateEvent(e)).not.toThrow();
    // Only the top-level run flushes.
    expect(sink.flushes).toBe(1);
  });

  it('points top-level runs at the calling Airflow task and DAG run', async () => {
    const runId = L.uuidv7();
    const dagRunId = L.uuidv7();
    const { sink, recorder } = setup({ parent: L.airflowParent({ namespace: 'airflow', dagId: 'daily_orders', taskId: 'ingest', runId, dagRunId }) });
    await recorder.run('ingest.orders', () => undefined);
    expect(sink.runs()[0]!.run.facets!.parent).toMatchObject({
      job: { namespace: 'airflow', name: 'daily_orders.ingest' },
      run: { runId },
      root: { job: { namespace: 'airflow', name: 'daily_orders' }, run: { runId: dagRunId } },
    });
    const parsed = L.parseParentId(`airflow/daily_orders.ingest/${runId}`, `airflow/daily_orders/${dagRunId}`);
    expect(parsed).toEqual(L.airflowParent({ namespace: 'airflow', dagId: 'daily_orders', taskId: 'ingest', runId, dagRunId }));
    expect(() => L.parseParentId('airflow/x/not-a-uuid')).toThrow(ValidationError);
    expect(() => L.parseParentId('nothing')).toThrow(ValidationError);
    expect(() => L.airflowParent({ namespace: 'a', dagId: 'd', runId: '42' })).toThrow(/not a UUID/);
  });

  it('records declared column lineage, merged across calls', async () => {
    const { sink, recorder } = setup();
    await recorder.run('build', (ctx) => {
      ctx.addInput(raw);
      ctx.addOutput(silver);
      ctx.addColumnLineage(silver, { email: [{ dataset: raw, field: 'email', transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }] }] });
      ctx.addColumnLineage(silver, { email: [{ dataset: raw, field: 'contact' }], id: [{ dataset: raw, field: 'order_id' }] });
    });
    const facet = sink.runs().at(-1)!.outputs![0]!.facets!.columnLineage as unknown as { fields: Record<string, { inputFields: L.InputField[] }> };
    expect(facet.fields.email!.inputFields.map((f) => f.field)).toEqual(['email', 'contact']);
    expect(facet.fields.id!.inputFields[0]).toEqual({ namespace: 's3://landing', name: 'orders/2026-11-22.csv', field: 'order_id' });
    expect(() => L.validateEvent(sink.runs().at(-1)!)).not.toThrow();
  });

  it('the start/complete hook works like run, and a second end is reported, not emitted', async () => {
    const { sink, errors, recorder } = setup();
    const hook: L.LineageHook = recorder;
    const h = hook.start({ name: 'bronze.write', outputs: [raw] });
    h.addOutputFacets(raw, { outputStatistics: L.outputStatisticsFacet({ size: 10 }) });
    await h.complete();
    await h.complete();
    expect(sink.runs().map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/already ended/)]);
    const h2 = recorder.start('silver.write');
    await h2.fail('plain string reason');
    expect(sink.runs().at(-1)!.run.facets!.errorMessage).toMatchObject({ message: 'plain string reason' });
  });

  it('facets for a dataset the run does not know are reported, not thrown', async () => {
    const { errors, recorder } = setup();
    await recorder.run('x', (ctx) => {
      ctx.addDatasetFacets(raw, {});
      ctx.addInputFacets(raw, {});
      ctx.addOutputFacets(raw, {});
      ctx.addColumnLineage(raw, {});
    });
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => isLakeError(e, 'VALIDATION'))).toBe(true);
  });
});

describe('lineage never breaks the job', () => {
  it('transport failures are reported and the job result is returned', async () => {
    const { sink, errors, recorder } = setup();
    sink.fail = true;
    await expect(recorder.run('etl', () => 'done')).resolves.toBe('done');
    expect(errors.map((e) => e.message)).toEqual(['sink down', 'sink down', 'sink down on flush']);
  });

  it('a job error wins over a transport error', async () => {
    const { sink, recorder } = setup();
    sink.fail = true;
    await expect(recorder.run('etl', () => Promise.reject(new Error('job broke')))).rejects.toThrow('job broke');
  });

  it('an invalid event (bad custom facet) is reported and not sent', async () => {
    const { sink, errors, recorder } = setup();
    await recorder.run('etl', (ctx) => ctx.addRunFacet('broken', { _producer: 'not a uri', _schemaURL: 'x' }));
    // START went out before the facet was added; the invalid COMPLETE did not.
    expect(sink.runs().map((e) => e.eventType)).toEqual(['START']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect(errors[0]!.context.instancePath).toBe('/run/facets/broken/_producer');
  });

  it('an onError that throws is swallowed', async () => {
    const sink = new Capture();
    sink.fail = true;
    const recorder = new L.Recorder({ namespace: 'n', transport: sink, onError: () => { throw new Error('handler broke'); } });
    await expect(recorder.run('etl', () => 1)).resolves.toBe(1);
  });

  it('strict mode throws transport failures into the job', async () => {
    const { sink, recorder } = setup({ strict: true });
    sink.fail = true;
    await expect(recorder.run('etl', () => 1)).rejects.toThrow('sink down');
  });

  it("flush: 'manual' leaves flushing to the caller", async () => {
    const { sink, recorder } = setup({ flush: 'manual' });
    await recorder.run('etl', () => 1);
    expect(sink.flushes).toBe(0);
    await recorder.close();
  });
});

describe('uuidv7', () => {
  it('is a valid v7 UUID carrying its millisecond timestamp (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = L.uuidv7(ms);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(L.uuidv7Time(id)).toBe(ms);
      }),
    );
    const ids = new Set(Array.from({ length: 5000 }, () => L.uuidv7(1)));
    expect(ids.size).toBe(5000);
    expect(L.uuidv7Time('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('sorts by time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 40 }), (a, d) => {
        expect(L.uuidv7(a) < L.uuidv7(a + d)).toBe(true);
      }),
    );
  });
});

describe('dataset naming', () => {
  it('follows the OpenLineage conventions', () => {
    expect(L.s3Dataset('bucket', '/a/b.csv')).toEqual({ namespace: 's3://bucket', name: 'a/b.csv' });
    expect(L.datasetFromUri('s3://bucket/a/b%20c.csv')).toEqual({ namespace: 's3://bucket', name: 'a/b c.csv' });
    expect(L.datasetFromUri('file:///data/x.parquet')).toEqual({ namespace: 'file', name: '/data/x.parquet' });
    expect(L.datasetFromUri('gs://b/k')).toEqual({ namespace: 'gs://b', name: 'k' });
    expect(L.glueTableDataset('eu-west-1', '123', 'db', 't')).toEqual({ namespace: 'arn:aws:glue:eu-west-1:123', name: 'table/db/t' });
    expect(() => L.fileDataset('relative/x')).toThrow(ValidationError);
    expect(() => L.datasetFromUri('not a uri')).toThrow(ValidationError);
    const t = L.icebergTableDataset({ catalog: 'polaris', catalogUri: 'https://polaris.example.com/api/catalog', catalogType: 'rest', namespace: 'sales.eu', table: 'orders' });
    expect(t).toMatchObject({ namespace: 'https://polaris.example.com/api/catalog', name: 'sales.eu.orders' });
    expect(t.facets!.catalog).toMatchObject({ framework: 'iceberg', type: 'rest', name: 'polaris', metadataUri: 'https://polaris.example.com/api/catalog' });
    expect(t.facets!.symlinks).toBeUndefined();
  });
});

describe('facets from Arrow', () => {
  it('schema (with nested structs) and output statistics validate', async () => {
    const { Field, Int64, Schema, Struct, Utf8, tableFromArrays } = await import('apache-arrow');
    const schema = new Schema([new Field('id', new Int64()), new Field('customer', new Struct([new Field('email', new Utf8())]))]);
    const facet = L.schemaFacetFromArrow(schema);
    expect(facet.fields).toEqual([
      { name: 'id', type: 'Int64', ordinal_position: 1 },
      { name: 'customer', type: 'Struct<{email:Utf8}>', ordinal_position: 2, fields: [{ name: 'email', type: 'Utf8' }] },
    ]);
    const table = tableFromArrays({ id: BigInt64Array.from([1n, 2n, 3n]) });
    const stats = L.outputStatisticsFromArrow(table, { size: 512, fileCount: 1 });
    expect(stats).toMatchObject({ rowCount: 3, size: 512, fileCount: 1 });
    const e = L.runEvent('COMPLETE', { runId: L.uuidv7() }, { namespace: 'n', name: 'j' }, { outputs: [{ ...L.s3Dataset('b', 'k'), facets: { schema: facet }, outputFacets: { outputStatistics: stats } }] });
    expect(() => L.validateEvent(e)).not.toThrow();
  });
});
