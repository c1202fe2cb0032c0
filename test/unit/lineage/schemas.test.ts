import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError, isLakeError } from '../../../src/errors.js';
import * as L from '../../../src/lineage/index.js';
import { OPENLINEAGE_CORE_SCHEMA, OPENLINEAGE_FACET_SCHEMAS } from '../../../src/lineage/spec/schemas.generated.js';

const SPECS = resolve(__dirname, '../../../../shared/specs/openlineage');
const RUN_ID = '01936f5e-1c2b-7d4e-8f00-0123456789ab';

/**
 * An independent validator built straight from the spec files (not the embedded
 * copy), checking each facet against the schema of the file that defines it.
 */
function referenceValidator() {
  const ajv = new Ajv2020({ strict: false });
  formats.default(ajv);
  ajv.addSchema(JSON.parse(readFileSync(join(SPECS, 'OpenLineage.json'), 'utf8')));
  const byUrl = new Map<string, (v: unknown) => boolean>();
  for (const f of readdirSync(join(SPECS, 'facets'))) {
    const schema = JSON.parse(readFileSync(join(SPECS, 'facets', f), 'utf8'));
    ajv.addSchema(schema);
  }
  const core = ajv.getSchema('https://openlineage.io/spec/2-0-2/OpenLineage.json')!;
  return {
    event: (e: unknown) => {
      const ok = core(e);
      return ok ? [] : core.errors!;
    },
    facet: (f: L.Facet) => {
      const url = f._schemaURL;
      let v = byUrl.get(url);
      if (v === undefined) {
        v = ajv.compile({ $ref: url });
        byUrl.set(url, v);
      }
      return v(f);
    },
  };
}

/** Every standard facet lakekit builds, one of each builder (and variant). */
function allFacets(): Record<string, { slot: 'run' | 'job' | 'dataset' | 'input' | 'output'; name: string; facet: L.Facet }> {
  const ds = L.s3Dataset('b', 'k');
  return {
    schema: { slot: 'dataset', name: 'schema', facet: L.schemaFacet([{ name: 'id', type: 'long', ordinal_position: 1 }, { name: 's', type: 'struct', fields: [{ name: 'a' }] }]) },
    columnLineage: { slot: 'dataset', name: 'columnLineage', facet: L.columnLineageFacet({ id: [{ ...ds, field: 'id', transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }] }] }, [{ ...ds, field: 'x' }]) },
    dataQualityMetrics: { slot: 'input', name: 'dataQualityMetrics', facet: L.dataQualityMetricsFacet({ rowCount: 3, bytes: 10, columnMetrics: { id: { nullCount: 0, distinctCount: 3, min: 1, max: 3, quantiles: { '0.5': 2 } } } }) },
    dataQualityMetricsDataset: { slot: 'dataset', name: 'dataQualityMetrics', facet: L.dataQualityMetricsFacet({ rowCount: 3, columnMetrics: {} }, 'dataset') },
    dataQualityAssertions: { slot: 'input', name: 'dataQualityAssertions', facet: L.dataQualityAssertionsFacet([{ assertion: 'not_null', success: false, column: 'id', severity: 'error', expected: '0', actual: '2' }]) },
    ownership: { slot: 'dataset', name: 'ownership', facet: L.ownershipFacet([{ name: 'team:data', type: 'TEAM' }]) },
    ownershipJob: { slot: 'job', name: 'ownership', facet: L.ownershipFacet([{ name: 'alice' }], 'job') },
    documentation: { slot: 'dataset', name: 'documentation', facet: L.documentationFacet('Orders', 'dataset', 'text/markdown') },
    documentationJob: { slot: 'job', name: 'documentation', facet: L.documentationFacet('Loads orders', 'job') },
    symlinks: { slot: 'dataset', name: 'symlinks', facet: L.symlinksFacet([{ namespace: 's3://x', name: 'y', type: 'LOCATION' }]) },
    lifecycleStateChange: { slot: 'dataset', name: 'lifecycleStateChange', facet: L.lifecycleStateChangeFacet('RENAME', { namespace: 'a', name: 'b' }) },
    dataSource: { slot: 'dataset', name: 'dataSource', facet: L.datasourceFacet('landing', 's3://landing') },
    sql: { slot: 'job', name: 'sql', facet: L.sqlFacet('SELECT 1', 'duckdb') },
    errorMessage: { slot: 'run', name: 'errorMessage', facet: L.errorMessageFacet(new Error('boom')) },
    parent: { slot: 'run', name: 'parent', facet: L.parentRunFacet({ job: { namespace: 'a', name: 'b' }, run: { runId: RUN_ID }, root: { job: { namespace: 'a', name: 'r' }, run: { runId: RUN_ID } } }) },
    processing_engine: { slot: 'run', name: 'processing_engine', facet: L.processingEngineFacet('0.1.0', 'lakekit', '0.1.0') },
    jobType: { slot: 'job', name: 'jobType', facet: L.jobTypeFacet('BATCH', 'LAKEKIT', 'JOB') },
    tags: { slot: 'dataset', name: 'tags', facet: L.tagsFacet([{ key: 'pii', value: 'EMAIL', field: 'email', source: 'CLASSIFICATION' }]) },
    tagsJob: { slot: 'job', name: 'tags', facet: L.tagsFacet([{ key: 'team', value: 'data' }], 'job') },
    tagsRun: { slot: 'run', name: 'tags', facet: L.tagsFacet([{ key: 'env', value: 'prod', field: 'ignored' }], 'run') },
    storage: { slot: 'dataset', name: 'storage', facet: L.storageFacet('iceberg', 'parquet') },
    catalog: { slot: 'dataset', name: 'catalog', facet: L.catalogFacet({ framework: 'iceberg', type: 'rest', name: 'lake', metadataUri: 'http://polaris' }) },
    inputStatistics: { slot: 'input', name: 'inputStatistics', facet: L.inputStatisticsFacet({ rowCount: 1, size: 2, fileCount: 1 }) },
    outputStatistics: { slot: 'output', name: 'outputStatistics', facet: L.outputStatisticsFacet({ rowCount: 1, size: 2, fileCount: 1 }) },
  };
}

function eventWith(slot: 'run' | 'job' | 'dataset' | 'input' | 'output', name: string, facet: L.Facet): L.RunEvent {
  const input: L.InputDataset = L.s3Dataset('b', 'in');
  const output: L.OutputDataset = L.s3Dataset('b', 'out');
  const run: L.Run = { runId: RUN_ID };
  const job: L.Job = { namespace: 'ns', name: 'job' };
  if (slot === 'run') run.facets = { [name]: facet };
  if (slot === 'job') job.facets = { [name]: facet };
  if (slot === 'dataset') output.facets = { [name]: facet };
  if (slot === 'input') input.inputFacets = { [name]: facet };
  if (slot === 'output') output.outputFacets = { [name]: facet };
  return L.runEvent('COMPLETE', run, job, { inputs: [input], outputs: [output] });
}

describe('embedded OpenLineage schemas', () => {
  it('equal the official files in shared/specs (regenerate with scripts/gen-openlineage-schemas.mjs)', () => {
    expect(OPENLINEAGE_CORE_SCHEMA).toEqual(JSON.parse(readFileSync(join(SPECS, 'OpenLineage.json'), 'utf8')));
    const files = readdirSync(join(SPECS, 'facets')).filter((f) => f.endsWith('.json')).sort();
    expect(OPENLINEAGE_FACET_SCHEMAS.map((f) => f.file)).toEqual(files.map((f) => `facets/${f}`));
    for (const { file, schema } of OPENLINEAGE_FACET_SCHEMAS) expect(schema, file).toEqual(JSON.parse(readFileSync(join(SPECS, file), 'utf8')));
  });

  it('know the standard facet of every name lakekit builds, in the right slot', () => {
    const names = L.standardFacetNames();
    for (const [kind, f] of Object.entries(allFacets())) expect(names[f.slot], kind).toContain(f.name);
  });
});

describe('every facet and event lakekit builds validates against the official schemas', () => {
  const ref = referenceValidator();

  it.each(Object.entries(allFacets()))('%s facet', (_kind, { slot, name, facet }) => {
    expect(facet._producer).toBe(L.LAKEKIT_PRODUCER);
    expect(facet._schemaURL).toMatch(/^https:\/\/openlineage\.io\/spec\/facets\/\d+-\d+-\d+\/\w+\.json#\/\$defs\/\w+$/);
    // The facet's _schemaURL points at a definition that exists and accepts it.
    expect(ref.facet(facet)).toBe(true);
    const e = eventWith(slot, name, facet);
    expect(ref.event(e)).toEqual([]);
    expect(() => L.validateEvent(e)).not.toThrow();
  });

  it('RunEvent, DatasetEvent and JobEvent from the builders', () => {
    const d = L.icebergTableDataset({ catalog: 'lake', namespace: ['gold'], table: 'revenue', location: 's3://gold/revenue' }, { tags: L.tagsFacet([{ key: 'k', value: 'v' }]) });
    const events: L.LineageEvent[] = [
      L.runEvent('START', { runId: L.uuidv7() }, { namespace: 'ns', name: 'j' }, { inputs: [L.fileDataset('/tmp/a.csv')], outputs: [d] }),
      L.datasetEvent(d),
      L.jobEvent({ namespace: 'ns', name: 'j', facets: { sql: L.sqlFacet('select 1') } }, { inputs: [L.glueTableDataset('eu-west-1', '123456789012', 'db', 't')], outputs: [L.datasetFromUri('s3a://b/k%20x')] }),
    ];
    for (const e of events) {
      expect(ref.event(e)).toEqual([]);
      expect(L.validateEvent(e)).toBeUndefined();
    }
    expect(L.isRunEvent(events[0]!)).toBe(true);
    expect(L.isDatasetEvent(events[1]!)).toBe(true);
    expect(L.isJobEvent(events[2]!)).toBe(true);
  });
});

describe('bad events are rejected with the path that failed', () => {
  const good = () => L.runEvent('START', { runId: RUN_ID }, { namespace: 'ns', name: 'j' }, { outputs: [L.s3Dataset('b', 'k')] });
  const cases: [string, (e: L.RunEvent) => unknown, string, RegExp][] = [
    ['bad eventTime', (e) => ({ ...e, eventTime: 'yesterday' }), '/eventTime', /BaseEvent\/properties\/eventTime\/format/],
    ['bad run id', (e) => ({ ...e, run: { runId: 'nope' } }), '/run/runId', /Run\/properties\/runId\/format/],
    ['unknown eventType', (e) => ({ ...e, eventType: 'DONE' }), '/eventType', /eventType\/enum/],
    ['job without name', (e) => ({ ...e, job: { namespace: 'ns' } }), '/job', /Job\/required/],
    ['facet without _producer', (e) => ({ ...e, run: { runId: RUN_ID, facets: { custom: { _schemaURL: 'https://x/y' } } } }), '/run/facets/custom', /BaseFacet\/required/],
    ['parent facet without run id', (e) => ({ ...e, run: { runId: RUN_ID, facets: { parent: { ...L.parentRunFacet({ job: { namespace: 'a', name: 'b' }, run: { runId: RUN_ID } }), run: {} } } } }), '/run/facets/parent/run', /ParentRunFacet\.json#.*required/],
    ['schema facet field without name', (e) => ({ ...e, outputs: [{ namespace: 's3://b', name: 'k', facets: { schema: L.schemaFacet([{ type: 'int' } as never]) } }] }), '/outputs/0/facets/schema/fields/0', /SchemaDatasetFacet\.json#/],
    ['not an object', () => 'text', '(root)', /OpenLineage\.json/],
  ];
  it.each(cases)('%s', (_name, mutate, path, schemaPath) => {
    let err: unknown;
    try {
      L.validateEvent(mutate(good() as never));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.context.instancePath).toBe(path);
    expect(v.context.schemaPath).toMatch(schemaPath);
    expect(v.message).toContain(path);
  });

  it('an event that is both a DatasetEvent and a JobEvent is refused', () => {
    const e = { ...L.datasetEvent(L.s3Dataset('b', 'k')), job: { namespace: 'n', name: 'j' } };
    expect(() => L.validateEvent(e)).toThrow(ValidationError);
  });

  it('unknown custom facets pass through untouched', () => {
    const custom = { _producer: 'https://example.com/p', _schemaURL: 'https://example.com/schemas/Mine.json', nested: { deep: [1, 'two', null] } };
    const e = good();
    e.run.facets = { mine: custom };
    e.outputs![0]!.facets = { tags: custom as never, mine: custom };
    // A facet named like a standard one is checked against it: `tags` here is wrong.
    expect(() => L.validateEvent(e)).not.toThrow();
    const text = JSON.stringify(e);
    const back = L.parseEvent(text);
    expect(back).toEqual(JSON.parse(text));
    expect((back as L.RunEvent).run.facets!.mine).toEqual(custom);
  });

  it('never crashes on arbitrary JSON (fuzz): valid, or a ValidationError', () => {
    const base = good();
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ run: fc.jsonValue(), job: fc.jsonValue(), eventTime: fc.jsonValue() }), fc.constant(base).chain((b) => fc.jsonValue().map((v) => ({ ...b, outputs: [{ namespace: 'n', name: 'm', facets: { schema: v, columnLineage: v } }] })))), (v) => {
        try {
          L.validateEvent(v);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parseEvent rejects text that is not JSON with a ValidationError', () => {
    expect(() => L.parseEvent('{"eventTime":', 'line 3 of x.ndjson')).toThrow(/line 3 of x\.ndjson is not JSON/);
  });
});
