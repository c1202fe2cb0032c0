/**
 * Metrics reports: the request bodies, the `CommitReport` derived from a
 * commit's snapshot summary, and the background report after a commit —
 * sent only where the server advertises it, and never failing the commit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { Endpoint } from '../../../../src/catalog/rest/endpoints.js';
import { commitReportFor, metricsReportToJson, ReportMetricsRequestSchema } from '../../../../src/catalog/rest/metrics.js';
import { equal } from '../../../../src/iceberg/expressions/builders.js';
import type { TableMetadata } from '../../../../src/iceberg/spec/metadata.js';
import { writeTableMetadata } from '../../../../src/iceberg/spec/metadata-json.js';
import { newTableMetadata } from '../../../../src/iceberg/spec/new-table.js';
import { UNPARTITIONED_SPEC } from '../../../../src/iceberg/spec/partition.js';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import type { Snapshot } from '../../../../src/iceberg/spec/snapshot.js';
import { UNSORTED_ORDER } from '../../../../src/iceberg/spec/sort-order.js';
import type { TableUpdate } from '../../../../src/iceberg/spec/table-update.js';
import { Types, requiredField } from '../../../../src/iceberg/spec/types.js';
import { json, useFakeServer, type FakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
const schema = newSchema([requiredField(1, 'id', Types.long)]);
const SUMMARY = {
  operation: 'append',
  'added-data-files': '2',
  'total-data-files': '5',
  'added-records': '100',
  'total-records': '900',
  'added-files-size': '2048',
  'total-files-size': '9000',
  'deleted-records': '0',
  'changed-partition-count': '1',
};

function snapshotOf(summary: Record<string, string>, snapshotId = 7n): Snapshot {
  return { snapshotId, sequenceNumber: 3n, timestampMs: 1_700_000_000_000, manifestList: 's3://b/wh/db/t/metadata/snap-7.avro', summary: summary as Snapshot['summary'], schemaId: 0 };
}

function withSnapshot(snapshot: Snapshot): TableMetadata {
  const base = newTableMetadata(schema, UNPARTITIONED_SPEC, UNSORTED_ORDER, 's3://b/wh/db/t', {});
  return { ...base, lastSequenceNumber: 3n, currentSnapshotId: snapshot.snapshotId, snapshots: [snapshot], refs: { main: { snapshotId: snapshot.snapshotId, type: 'branch' } } };
}

describe('report bodies', () => {
  it('a scan report carries its filter as expression JSON (alwaysTrue as `true`)', () => {
    const scan = { type: 'scan' as const, tableName: 'rest.db.t', snapshotId: 7n, schemaId: 0, projectedFieldIds: [1], projectedFieldNames: ['id'], metrics: { 'total-planning-duration': { timeUnit: 'nanoseconds', count: 1, totalDuration: 123n } } };
    expect(metricsReportToJson(scan)).toMatchObject({ 'report-type': 'scan-report', filter: true, metrics: { 'total-planning-duration': { 'time-unit': 'nanoseconds', count: 1, 'total-duration': 123n } } });
    expect(metricsReportToJson({ ...scan, filter: equal('id', 5) })).toMatchObject({ filter: { type: 'eq', term: 'id', value: 5 } });
  });

  it('refuses a report the spec would not accept, with a typed error', () => {
    expect(() => metricsReportToJson({ type: 'commit', tableName: '', snapshotId: 1, sequenceNumber: 1, operation: 'append', metrics: {} })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => metricsReportToJson({ type: 'commit', tableName: 't', snapshotId: 1.5, sequenceNumber: 1, operation: 'append', metrics: {} })).toThrow(/not a valid metrics report/);
  });

  it('the spec\'s Metrics example parses', () => {
    const example = {
      'total-planning-duration': { count: 1, 'time-unit': 'nanoseconds', 'total-duration': 2644235116 },
      'result-data-files': { unit: 'count', value: 1 },
      'total-file-size-bytes': { unit: 'bytes', value: 10 },
    };
    const parsed = ReportMetricsRequestSchema.safeParse({ 'report-type': 'scan-report', 'table-name': 'a.b', 'snapshot-id': 1, filter: true, 'schema-id': 0, 'projected-field-ids': [], 'projected-field-names': [], metrics: example });
    expect(parsed.success).toBe(true);
  });
});

describe('commitReportFor', () => {
  const added: TableUpdate[] = [{ action: 'add-snapshot', snapshot: snapshotOf(SUMMARY) }];

  it('maps the snapshot summary to the CommitReport metric names and units', () => {
    const report = commitReportFor('rest.db.t', added, withSnapshot(snapshotOf(SUMMARY)), 5_000n)!;
    expect(report).toMatchObject({ type: 'commit', tableName: 'rest.db.t', snapshotId: 7n, sequenceNumber: 3n, operation: 'append' });
    expect(report.metrics).toEqual({
      'added-data-files': { unit: 'count', value: 2n },
      'total-data-files': { unit: 'count', value: 5n },
      'added-records': { unit: 'count', value: 100n },
      'removed-records': { unit: 'count', value: 0n },
      'total-records': { unit: 'count', value: 900n },
      'added-files-size-bytes': { unit: 'bytes', value: 2048n },
      'total-files-size-bytes': { unit: 'bytes', value: 9000n },
      'total-duration': { timeUnit: 'nanoseconds', count: 1, totalDuration: 5_000n },
    });
  });

  it('gives nothing for a commit without a snapshot, or one the metadata does not hold', () => {
    expect(commitReportFor('t', [{ action: 'set-properties', updates: { a: 'b' } }], withSnapshot(snapshotOf(SUMMARY)))).toBeUndefined();
    expect(commitReportFor('t', [{ action: 'add-snapshot', snapshot: snapshotOf(SUMMARY, 99n) }], withSnapshot(snapshotOf(SUMMARY)))).toBeUndefined();
  });

  it('every report it builds from any summary is a valid ReportMetricsRequest', () => {
    const value = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String), fc.string({ maxLength: 8 }));
    const keys = fc.constantFrom('added-data-files', 'deleted-data-files', 'total-records', 'added-files-size', 'removed-position-deletes', 'total-equality-deletes', 'foo');
    fc.assert(
      fc.property(fc.dictionary(keys, value), fc.constantFrom('append', 'overwrite', 'delete', 'replace'), (extra, operation) => {
        const summary = { ...extra, operation };
        const report = commitReportFor('rest.db.t', [{ action: 'add-snapshot', snapshot: snapshotOf(summary) }], withSnapshot(snapshotOf(summary)))!;
        const body = metricsReportToJson(report);
        for (const [k, v] of Object.entries(body.metrics)) if ('value' in v) expect(typeof v.value === 'bigint' && v.value >= 0n, k).toBe(true);
        return body['report-type'] === 'commit-report' && body.operation === operation;
      }),
      { numRuns: 300 },
    );
  });
});

const server = useFakeServer();

/** Commits answer with metadata holding snapshot 7; `/metrics` answers with `metrics`. */
function committing(endpoints: readonly string[] | undefined, metrics: (res: Parameters<Parameters<FakeServer['handle']>[0]>[1]) => void) {
  const meta = writeTableMetadata(withSnapshot(snapshotOf(SUMMARY)));
  server.handle((req, res) => {
    if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, ...(endpoints === undefined ? {} : { endpoints }) });
    if (req.path.endsWith('/metrics')) return metrics(res);
    return json(res, 200, `{"metadata-location":"s3://b/wh/db/t/metadata/v2.metadata.json","metadata":${meta}}`);
  });
}
const appendSnapshot: TableUpdate[] = [{ action: 'add-snapshot', snapshot: snapshotOf(SUMMARY) }];

describe('RestCatalog reports its commits', () => {
  it('sends a CommitReport after a commit that added a snapshot', async () => {
    committing(Object.values(Endpoint), (res) => json(res, 204, ''));
    const catalog = new RestCatalog({ uri: server.uri, name: 'prod' });
    await catalog.commitTable(id, [], appendSnapshot);
    await catalog.flushMetricsReports();
    const sent = server.requests.filter((r) => r.path === '/v1/namespaces/db/tables/t/metrics');
    expect(sent).toHaveLength(1);
    const body = JSON.parse(sent[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ 'report-type': 'commit-report', 'table-name': 'prod.db.t', 'snapshot-id': 7, 'sequence-number': 3, operation: 'append', metrics: { 'added-records': { unit: 'count', value: 100 } } });
  });

  it('sends none for commits without a snapshot, when the server does not advertise it, or when switched off', async () => {
    committing(Object.values(Endpoint), (res) => json(res, 204, ''));
    const c1 = new RestCatalog({ uri: server.uri });
    await c1.commitTable(id, [], [{ action: 'set-properties', updates: { a: 'b' } }]);
    const off = new RestCatalog({ uri: server.uri, reportCommitMetrics: false });
    await off.commitTable(id, [], appendSnapshot);
    committing(Object.values(Endpoint).filter((e) => e !== Endpoint.reportMetrics), (res) => json(res, 204, ''));
    const c2 = new RestCatalog({ uri: server.uri });
    await c2.commitTable(id, [], appendSnapshot);
    await Promise.all([c1.flushMetricsReports(), off.flushMetricsReports(), c2.flushMetricsReports()]);
    expect(server.requests.filter((r) => r.path.endsWith('/metrics'))).toEqual([]);
  });

  it('a failing or hanging metrics endpoint never fails or delays the commit', async () => {
    committing(undefined, (res) => json(res, 500, { error: { message: 'boom', type: 'X', code: 500 } }));
    const events: { path: string; error?: string }[] = [];
    const failing = new RestCatalog({ uri: server.uri, retry: { retries: 0 }, logger: (e) => events.push(e) });
    await expect(failing.commitTable(id, [], appendSnapshot)).resolves.toMatchObject({ metadataLocation: 's3://b/wh/db/t/metadata/v2.metadata.json' });
    await failing.flushMetricsReports();
    expect(events.find((e) => e.path.endsWith('/metrics'))?.error).toMatch(/HTTP 500/);

    // A metrics endpoint that answers only when the test says so: had the commit waited for
    // its report, it could never resolve here.
    let release: (() => void) | undefined;
    committing(undefined, (res) => {
      release = () => json(res, 204, '');
    });
    const held = new RestCatalog({ uri: server.uri });
    const before = server.requests.length;
    const result = await held.commitTable(id, [], appendSnapshot);
    expect(result.metadata.currentSnapshotId).toBe(7n);
    await expect.poll(() => release).toBeDefined();
    release!();
    await held.flushMetricsReports();
    expect(server.requests.slice(before).filter((r) => r.path.endsWith('/metrics'))).toHaveLength(1);
  });

  it('reportMetrics needs the endpoint and says so before sending anything', async () => {
    committing(Object.values(Endpoint).filter((e) => e !== Endpoint.reportMetrics), (res) => json(res, 204, ''));
    const catalog = new RestCatalog({ uri: server.uri });
    const report = { type: 'commit' as const, tableName: 'rest.db.t', snapshotId: 7n, sequenceNumber: 3n, operation: 'append', metrics: {} };
    await expect(catalog.reportMetrics(id, report)).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(server.requests.filter((r) => r.path.endsWith('/metrics'))).toEqual([]);
  });
});
