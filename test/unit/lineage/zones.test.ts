import { Field, Int64, Schema, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import * as L from '../../../src/lineage/index.js';
import type { LineageHook as ZonesLineageHook } from '../../../src/zones/hooks.js';

describe('zoneLineageHook: the zone writers\' hook on a Recorder', () => {
  it('fits the zones hook type and turns a promotion into valid START / COMPLETE events', async () => {
    const store = new L.LineageStore();
    const recorder = new L.Recorder({ namespace: 'lakekit', transport: store.transport() });
    const hook: ZonesLineageHook = L.zoneLineageHook(recorder, {
      resolve: (d) => (d.namespace === 'bronze' ? L.s3Dataset('acme-bronze', d.name) : { namespace: `iceberg://${d.namespace}`, name: d.name }),
    });
    const runId = crypto.randomUUID();
    const inputs = [{ namespace: 'bronze', name: 'orders/2026-11-20.csv', facets: { sha256: 'ab12', size: 84_000 } }];
    await hook.start({ runId, job: 'promote.orders', inputs, startedAt: new Date() });
    const schema = new Schema([new Field('id', new Int64()), new Field('email', new Utf8())]);
    const quality = L.dataQualityAssertionsFacet([{ assertion: 'not_null', success: true, column: 'id' }]);
    await hook.complete({
      runId,
      job: 'promote.orders',
      inputs,
      outputs: [{ namespace: 'lake', name: 'silver.orders', schema, facets: { rows: 1200, files: 2, snapshotId: 8_231_777_123_456_789_012n, dataQualityAssertions: quality } }],
      endedAt: new Date(),
    });
    const [start, complete] = store.events as L.RunEvent[];
    expect([start!.eventType, complete!.eventType]).toEqual(['START', 'COMPLETE']);
    expect(start!.run.runId).toBe(runId);
    expect(start!.inputs![0]).toMatchObject({ namespace: 's3://acme-bronze', name: 'orders/2026-11-20.csv', inputFacets: { inputStatistics: { size: 84_000 } }, facets: { lakekit_zone: { sha256: 'ab12' } } });
    const out = complete!.outputs![0]!;
    expect(out).toMatchObject({ namespace: 'iceberg://lake', name: 'silver.orders', outputFacets: { outputStatistics: { rowCount: 1200, fileCount: 2 } } });
    expect(out.facets!.schema).toMatchObject({ fields: [{ name: 'id', type: 'Int64' }, { name: 'email', type: 'Utf8' }] });
    expect(out.facets!.dataQualityAssertions).toBe(quality);
    expect(out.facets!.lakekit_zone).toMatchObject({ snapshotId: '8231777123456789012' });
    expect(store.graph.upstream({ namespace: 'iceberg://lake', name: 'silver.orders' }).map((h) => h.dataset.namespace)).toEqual(['s3://acme-bronze']);
  });

  it('a failed promotion is a FAIL with the error message', async () => {
    const store = new L.LineageStore();
    const hook = L.zoneLineageHook(new L.Recorder({ namespace: 'lakekit', transport: store.transport() }));
    const runId = crypto.randomUUID();
    await hook.start({ runId, job: 'promote.orders', inputs: [], startedAt: new Date() });
    await hook.fail({ runId, job: 'promote.orders', inputs: [], error: { message: 'quality gate failed', report: {} }, endedAt: new Date() });
    const fail = store.events.at(-1) as L.RunEvent;
    expect(fail.eventType).toBe('FAIL');
    expect(fail.run.facets!.errorMessage).toMatchObject({ message: 'quality gate failed' });
    expect(store.graph.run(runId)!.state).toBe('FAIL');
  });
});
