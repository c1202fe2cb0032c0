import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { Endpoint } from '../../../../src/catalog/rest/endpoints.js';
import type { ScanTaskBatch } from '../../../../src/catalog/rest/scan-planning.js';
import { json, useFakeServer } from './fake-server.js';

const id = { namespace: ['db'], name: 't' };
const file = (path: string, content = 'data') => ({ content, 'file-path': path, 'file-format': 'parquet', 'spec-id': 0, partition: [], 'file-size-in-bytes': 100, 'record-count': 10 });
const server = useFakeServer();

async function collect(it: AsyncIterable<ScanTaskBatch>): Promise<ScanTaskBatch[]> {
  const out: ScanTaskBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('server-side scan planning', () => {
  it('waits for an asynchronous plan, then follows every plan task', async () => {
    let polls = 0;
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, endpoints: [Endpoint.planTableScan, Endpoint.fetchPlanningResult, Endpoint.fetchScanTasks] });
      if (req.path.endsWith('/plan')) return json(res, 200, { status: 'submitted', 'plan-id': 'p-1' });
      if (req.path.endsWith('/plan/p-1')) {
        return ++polls < 3 ? json(res, 200, { status: 'submitted' }) : json(res, 200, { status: 'completed', 'plan-tasks': ['a'], 'file-scan-tasks': [{ 'data-file': file('s3://b/0.parquet') }] });
      }
      const task = (JSON.parse(req.body) as { 'plan-task': string })['plan-task'];
      if (task === 'a') {
        return json(res, 200, {
          'plan-tasks': ['b'],
          'delete-files': [file('s3://b/d.parquet', 'position-deletes')],
          'file-scan-tasks': [{ 'data-file': file('s3://b/1.parquet'), 'delete-file-references': [0] }],
        });
      }
      return json(res, 200, { 'file-scan-tasks': [{ 'data-file': file('s3://b/2.parquet') }] });
    });
    const catalog = new RestCatalog({ uri: server.uri });
    const batches = await collect(catalog.planFiles(id, { select: ['id'] }));
    expect(batches.flatMap((b) => b.tasks.map((t) => t.dataFile.filePath))).toEqual(['s3://b/0.parquet', 's3://b/1.parquet', 's3://b/2.parquet']);
    expect(batches[1]!.tasks[0]!.deleteFiles.map((d) => [d.content, d.filePath])).toEqual([['position-deletes', 's3://b/d.parquet']]);
    expect(polls).toBe(3);
  });

  it('a failed plan is a RestError with the server message; a cancelled plan says so', async () => {
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, endpoints: [Endpoint.planTableScan] });
      return json(res, 200, { status: 'failed', error: { message: 'filter references unknown column', type: 'ValidationException', code: 400 } });
    });
    const catalog = new RestCatalog({ uri: server.uri });
    await expect(collect(catalog.planFiles(id))).rejects.toMatchObject({ code: 'REST', message: expect.stringMatching(/unknown column/) });
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, endpoints: [Endpoint.planTableScan] });
      return json(res, 200, { status: 'cancelled' });
    });
    await expect(collect(new RestCatalog({ uri: server.uri }).planFiles(id))).rejects.toMatchObject({ code: 'REST', message: expect.stringMatching(/cancelled/) });
  });

  it('a delete-file reference past the list is an error, not undefined', async () => {
    server.handle((req, res) => {
      if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, endpoints: [Endpoint.planTableScan] });
      return json(res, 200, { status: 'completed', 'file-scan-tasks': [{ 'data-file': file('s3://b/0.parquet'), 'delete-file-references': [3] }] });
    });
    await expect(new RestCatalog({ uri: server.uri }).planTableScan(id)).rejects.toMatchObject({ code: 'REST' });
  });
});
