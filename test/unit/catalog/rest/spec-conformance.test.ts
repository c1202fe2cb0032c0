/**
 * What RestCatalog sends conforms to the Iceberg REST OpenAPI spec
 * (`../shared/specs/iceberg/rest-catalog-open-api.yaml`, validated with ajv as
 * JSON Schema 2020-12), it goes to the paths the spec defines, and the spec's
 * own examples parse with lakekit's zod schemas.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestCatalog, stagedCreateUpdates } from '../../../../src/catalog/rest/catalog.js';
import { Endpoint } from '../../../../src/catalog/rest/endpoints.js';
import * as S from '../../../../src/catalog/rest/schemas.js';
import { buildPartitionSpec } from '../../../../src/iceberg/spec/partition.js';
import { newSchema, schemaToJson } from '../../../../src/iceberg/spec/schema.js';
import { newSortOrder } from '../../../../src/iceberg/spec/sort-order.js';
import { Transforms } from '../../../../src/iceberg/spec/transforms.js';
import { Types, optionalField, requiredField } from '../../../../src/iceberg/spec/types.js';
import { json, loadTableBody, metadataJson, startFakeServer, type FakeServer, type SeenRequest } from './fake-server.js';
import { and, isNull, not, notNull } from '../../../../src/iceberg/expressions/builders.js';
import type { LoadFunctionResult } from '../../../../src/catalog/rest/functions.js';

type Json = Record<string, unknown>;
const ROOT = resolve(__dirname, '../../../..');
const spec = parse(readFileSync(join(ROOT, '../shared/specs/iceberg/rest-catalog-open-api.yaml'), 'utf8')) as Json;
const REF = '#/components/schemas/';

/** OpenAPI → JSON Schema: drop OpenAPI-only keywords, turn `nullable` into a null alternative. */
function toJsonSchema(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toJsonSchema);
  if (typeof v !== 'object' || v === null) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) {
    if (k === 'discriminator' || k === 'example' || k === 'examples' || k === 'nullable' || k === 'deprecated') continue;
    out[k] = toJsonSchema(x);
  }
  return (v as Json).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
((addFormatsImport as unknown as { default?: unknown }).default as (a: Ajv2020) => void ?? (addFormatsImport as unknown as (a: Ajv2020) => void))(ajv);
ajv.addSchema({ $id: 'iceberg.json', components: { schemas: toJsonSchema((spec.components as Json).schemas) } });
const validatorFor = (schema: Json) => ajv.compile(JSON.parse(JSON.stringify(toJsonSchema(schema)).replaceAll(`"${REF}`, `"iceberg.json${REF}`)) as Json);

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  body?: Json;
  /** The operation declares the `idempotency-key` header. */
  keyed: boolean;
}
const operations: Operation[] = [];
for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
  for (const method of ['get', 'head', 'post', 'delete']) {
    const op = item[method] as Json | undefined;
    if (op === undefined) continue;
    const regex = new RegExp(`^${template.replace(/\{[\w-]+\}/g, '([^/]+)')}$`);
    const body = (op.requestBody as { content?: Record<string, { schema: Json }> } | undefined)?.content?.['application/json']?.schema;
    const keyed = ((op.parameters ?? []) as { $ref?: string }[]).some((p) => p.$ref?.endsWith('/idempotency-key') === true);
    operations.push({ method: method.toUpperCase(), template, regex, keyed, ...(body === undefined ? {} : { body }) });
  }
}
const operationOf = (r: SeenRequest) => operations.find((o) => o.method === r.method && o.regex.test(r.path));

const schema = newSchema([requiredField(1, 'id', Types.long), optionalField(2, 'ts', Types.timestamptz), optionalField(3, 'name', Types.string)]);
const viewBody = {
  'metadata-location': 's3://b/wh/db/v/metadata/00001.metadata.json',
  metadata: {
    'view-uuid': 'a5c1b2e0-0000-4000-8000-000000000001',
    'format-version': 1,
    location: 's3://b/wh/db/v',
    'current-version-id': 1,
    versions: [{ 'version-id': 1, 'timestamp-ms': 1, 'schema-id': 0, summary: {}, representations: [{ type: 'sql', sql: 'SELECT 1', dialect: 'spark' }], 'default-namespace': ['db'] }],
    'version-log': [{ 'version-id': 1, 'timestamp-ms': 1 }],
    schemas: [schemaToJson(schema)],
    properties: {},
  },
};

const examples = () => (spec.components as { examples: Record<string, unknown> }).examples;
const functionBody = {
  'metadata-location': 's3://b/wh/analytics/add_one/metadata/00001.json',
  metadata: {
    'function-uuid': '0c1b2e0a-0000-4000-8000-000000000002',
    'format-version': 1,
    definitions: [
      {
        'definition-id': 'int',
        parameters: [{ name: 'x', type: 'int' }],
        'return-type': 'int',
        versions: [{ 'version-id': 1, representations: [{ type: 'sql', dialect: 'spark', sql: 'x + 1' }], 'timestamp-ms': 1 }],
        'current-version-id': 1,
        'function-type': 'udf',
      },
      {
        'definition-id': 'array<int>',
        parameters: [{ name: 'xs', type: { type: 'list', element: 'int' } }],
        'return-type': { type: 'struct', fields: [{ name: 'n', type: 'int' }] },
        versions: [{ 'version-id': 2, representations: [{ type: 'sql', dialect: 'trino', sql: 'ROW(cardinality(xs))' }], deterministic: true, 'timestamp-ms': 2 }],
        'current-version-id': 2,
        'function-type': 'udtf',
      },
    ],
    'definition-log': [{ 'timestamp-ms': 2, 'definition-versions': [{ 'definition-id': 'int', 'version-id': 1 }, { 'definition-id': 'array<int>', 'version-id': 2 }] }],
  },
};
let loadedFunction: LoadFunctionResult | undefined;

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
  server.handle((req, res) => {
    const p = req.path;
    if (p === '/v1/config') return json(res, 200, { defaults: {}, overrides: { prefix: 'cat' }, endpoints: Object.values(Endpoint), 'idempotency-key-lifetime': 'PT30M' });
    if (req.method === 'HEAD') return json(res, 204, '');
    if (p.endsWith('/credentials')) return json(res, 200, { 'storage-credentials': [{ prefix: 's3://b/', config: { 's3.access-key-id': 'AK' } }] });
    if (p.endsWith('/properties')) return json(res, 200, { updated: ['a'], removed: [], missing: [] });
    if (p.endsWith('/plan')) return json(res, 200, { status: 'completed', 'plan-id': 'p1', 'plan-tasks': ['task-1'] });
    if (req.method === 'GET' && p.endsWith('/plan/p1')) return json(res, 200, { status: 'submitted', 'plan-id': 'p1' });
    if (req.method === 'GET' && p.endsWith('/views')) return json(res, 200, { identifiers: [] });
    if (p.endsWith('/tasks')) {
      return json(res, 200, { 'file-scan-tasks': [{ 'data-file': { content: 'data', 'file-path': 's3://b/f.parquet', 'file-format': 'parquet', 'spec-id': 0, partition: [], 'file-size-in-bytes': 10, 'record-count': 1 } }] });
    }
    if (p.endsWith('/metrics')) return json(res, 204, '');
    if (p.endsWith('/unregister')) return json(res, 200, `{"metadata-location":"s3://b/wh/db/t/metadata/v3.metadata.json","metadata":${metadataJson('s3://b/wh/db/t')}}`);
    if (p.endsWith('/sign')) return json(res, 200, { uri: 'https://b.s3.amazonaws.com/f.parquet', headers: { authorization: ['AWS4-HMAC-SHA256 Credential=…'] } });
    if (p.endsWith('/functions')) return json(res, 200, (examples().ListFunctionsNonEmptyExample as { value: unknown }).value);
    if (p.includes('/functions/')) return json(res, 200, functionBody);
    if (p.includes('/views') || p.endsWith('/register-view')) return json(res, 200, viewBody);
    if (p.endsWith('/rename') || p.endsWith('/transactions/commit') || req.method === 'DELETE') return json(res, 204, '');
    if (req.method === 'POST' && p.endsWith('/namespaces')) return json(res, 200, { namespace: ['db'], properties: {} });
    if (req.method === 'GET' && /\/namespaces\/[^/]+$/.test(p)) return json(res, 200, { namespace: ['db'], properties: {} });
    if (req.method === 'GET' && p.endsWith('/namespaces')) return json(res, 200, { namespaces: [] });
    if (req.method === 'GET' && p.endsWith('/tables')) return json(res, 200, { identifiers: [] });
    return json(res, 200, loadTableBody({ config: {} }, 's3://b/wh/db/t'));
  });
  const catalog = new RestCatalog({ uri: server.uri, warehouse: 'wh', accessDelegation: ['vended-credentials'] });
  const id = { namespace: ['db', 'sub'], name: 't' };
  await catalog.createNamespace(['db'], { owner: 'x' });
  await catalog.createNamespace(['db', 'sub']);
  await catalog.updateNamespaceProperties(['db'], ['old'], { a: '1' });
  for await (const _ of catalog.listNamespaces(['db'])) break;
  for await (const _ of catalog.listTables(['db'])) break;
  const created = await catalog.createTable(id, {
    schema,
    partitionSpec: buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }, { source: 'id', transform: Transforms.bucket(16) }]),
    writeOrder: newSortOrder(1, [{ sourceId: 1, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]),
    properties: { owner: 'etl' },
    location: 's3://b/wh/db/sub/t',
  });
  const staged = await catalog.stageCreateTable({ namespace: ['db'], name: 'ctas' }, { schema });
  await catalog.commitTable({ namespace: ['db'], name: 'ctas' }, [{ type: 'assert-create' }], stagedCreateUpdates(staged.metadata));
  await catalog.commitTable(
    id,
    [
      { type: 'assert-table-uuid', uuid: created.metadata.tableUuid! },
      { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null },
      { type: 'assert-current-schema-id', currentSchemaId: 0 },
    ],
    [
      { action: 'set-properties', updates: { a: 'b' } },
      { action: 'remove-properties', removals: ['c'] },
      { action: 'set-location', location: 's3://b/elsewhere' },
    ],
  );
  await catalog.loadTable(id, { snapshots: 'refs' });
  await catalog.tableExists(id);
  await catalog.loadCredentials(id);
  await catalog.registerTable({ namespace: ['db'], name: 'reg' }, 's3://b/wh/db/t/metadata/v1.metadata.json');
  await catalog.renameTable(id, { namespace: ['db'], name: 't2' });
  await catalog.commitTransaction([{ identifier: id, requirements: [{ type: 'assert-table-uuid', uuid: created.metadata.tableUuid! }], updates: [{ action: 'set-properties', updates: { k: 'v' } }] }]);
  await catalog.createView({ namespace: ['db'], name: 'v' }, { schema, representations: [{ type: 'sql', sql: 'SELECT * FROM db.t', dialect: 'spark' }] });
  await catalog.replaceView({ namespace: ['db'], name: 'v' }, { schema: newSchema([requiredField(1, 'id', Types.long)]), representations: [{ type: 'sql', sql: 'SELECT id FROM db.t', dialect: 'trino' }], properties: { p: 'q' } });
  await catalog.renameView({ namespace: ['db'], name: 'v' }, { namespace: ['db'], name: 'v2' });
  await catalog.dropView({ namespace: ['db'], name: 'v2' });
  await catalog.registerView({ namespace: ['db'], name: 'v3' }, 's3://b/wh/db/v/metadata/00001.metadata.json');
  await catalog.unregisterTable({ namespace: ['db'], name: 'reg' });
  await catalog.loadCredentials(id, { planId: 'p1' });
  await catalog.signRequest(id, { region: 'eu-west-1', uri: 'https://b.s3.amazonaws.com/f.parquet', method: 'GET', headers: { host: ['b.s3.amazonaws.com'] }, properties: { k: 'v' } });
  // (A literal predicate cannot validate here: the spec's PrimitiveTypeValue is a oneOf that a number or hex-like string matches several times.)
  await catalog.reportMetrics(id, { type: 'scan', tableName: 'wh.db.sub.t', snapshotId: 1n, filter: and(notNull('id'), not(isNull('ts'))), schemaId: 0, projectedFieldIds: [1], projectedFieldNames: ['id'], metrics: { 'result-data-files': { unit: 'count', value: 1 }, 'total-planning-duration': { timeUnit: 'nanoseconds', count: 1, totalDuration: 2_644_235_116n } } });
  await catalog.reportMetrics(id, { type: 'commit', tableName: 'wh.db.sub.t', snapshotId: 1n, sequenceNumber: 1n, operation: 'append', metrics: { 'added-records': { unit: 'count', value: 3n } }, metadata: { 'engine-name': 'lakekit' } });
  for await (const _ of catalog.listFunctions(['analytics'])) void _;
  await catalog.loadNamespaceProperties(['db']);
  const chain = [{ namespace: ['prod', 'analytics'], name: 'quarterly_view' }, { namespace: ['prod', 'analytics'], name: 'monthly,view' }];
  await catalog.loadTable(id, { referencedBy: chain });
  await catalog.loadView({ namespace: ['db'], name: 'v' }, { referencedBy: chain.slice(0, 1) });
  await catalog.loadCredentials(id, { referencedBy: chain.slice(1) });
  await catalog.fetchPlanningResult(id, 'p1');
  await catalog.cancelPlanning(id, 'p1');
  for await (const _ of catalog.listViews(['db'])) void _;
  await catalog.viewExists({ namespace: ['db'], name: 'v' });
  loadedFunction = await catalog.loadFunction({ namespace: ['analytics'], name: 'add_one' });
  for await (const _ of catalog.planFiles(id, { select: ['id'], snapshotId: 1n })) void _;
  await catalog.dropTable(id, { purge: true });
  await catalog.dropNamespace(['db', 'sub']);
});
afterAll(async () => {
  await server.stop();
});

describe('requests follow the Iceberg REST OpenAPI spec', () => {
  it('every request goes to a path and method the spec defines, under the server prefix', () => {
    expect(server.requests.length).toBeGreaterThan(25);
    for (const r of server.requests) {
      expect(operationOf(r), `${r.method} ${r.path}`).toBeDefined();
      if (r.path !== '/v1/config') expect(r.path.startsWith('/v1/cat/'), r.path).toBe(true);
    }
    expect(server.requests[0]!.url).toBe('/v1/config?warehouse=wh');
  });

  it('every operation of the spec has an endpoint id, and RestCatalog calls every one of them', () => {
    const ids = new Set<string>(Object.values(Endpoint));
    const specOps = operations.filter((o) => !o.template.startsWith('/v1/config') && !o.template.startsWith('/v1/oauth/'));
    expect(specOps.map((o) => `${o.method} ${o.template}`).filter((e) => !ids.has(e))).toEqual([]);
    const called = new Set(server.requests.map((r) => operationOf(r)).map((o) => `${o!.method} ${o!.template}`));
    expect(specOps.map((o) => `${o.method} ${o.template}`).filter((e) => !called.has(e))).toEqual([]);
  });

  it('every JSON body validates against the operation\'s request schema', () => {
    let checked = 0;
    for (const r of server.requests) {
      const op = operationOf(r)!;
      if (op.body === undefined) continue;
      const validate = validatorFor(op.body);
      const ok = validate(JSON.parse(r.body));
      expect(ok, `${op.method} ${op.template}: ${ajv.errorsText(validate.errors)}\n${r.body.slice(0, 500)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(19);
  });

  it('encodes multi-level namespaces with the unit separator and sends the spec\'s query parameters', () => {
    const urls = server.requests.map((r) => `${r.method} ${r.url}`);
    expect(urls).toContain('GET /v1/cat/namespaces/db%1Fsub/tables/t?snapshots=refs');
    expect(urls).toContain('DELETE /v1/cat/namespaces/db%1Fsub/tables/t?purgeRequested=true');
    expect(urls).toContain('GET /v1/cat/namespaces?parent=db&pageToken=&pageSize=200');
    expect(urls).toContain('GET /v1/cat/namespaces/db%1Fsub/tables/t/credentials?planId=p1');
    // referenced-by as the spec's example spells it: levels joined by %1F, views by commas, a comma in a name as %2C.
    expect(urls).toContain('GET /v1/cat/namespaces/db%1Fsub/tables/t?referenced-by=prod%1Fanalytics%1Fquarterly_view,prod%1Fanalytics%1Fmonthly%2Cview');
    expect(urls).toContain('GET /v1/cat/namespaces/db/views/v?referenced-by=prod%1Fanalytics%1Fquarterly_view');
    expect(urls).toContain('GET /v1/cat/namespaces/db%1Fsub/tables/t/credentials?referenced-by=prod%1Fanalytics%1Fmonthly%2Cview');
    expect(server.requests.every((r) => r.headers['x-iceberg-access-delegation'] === 'vended-credentials')).toBe(true);
  });

  it('sends an Idempotency-Key on every operation the spec declares it for when the server supports keys, a fresh one per operation', () => {
    const mutations = server.requests.filter((r) => operationOf(r)?.keyed === true);
    expect(mutations.length).toBeGreaterThanOrEqual(20);
    const keys = mutations.map((r) => r.headers['idempotency-key']);
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the spec\'s examples parse with lakekit\'s schemas', () => {
  const examples = (spec.components as { examples: Record<string, { value: unknown }> }).examples;
  it('list and error examples', () => {
    expect(S.ListNamespacesResponse.parse(examples.ListNamespacesNonEmptyExample!.value).namespaces).toEqual([
      ['accounting', 'tax'],
      ['accounting', 'credits'],
    ]);
    expect(S.ListTablesResponse.parse(examples.ListTablesNonEmptyExample!.value).identifiers.map((i) => i.name)).toEqual(['paid', 'owed']);
    for (const [name, ex] of Object.entries(examples)) {
      if (name.endsWith('Error')) expect(S.IcebergErrorResponse.safeParse(ex.value).success, name).toBe(true);
    }
  });

  it('function listings and a function with nested types and overloads', () => {
    expect(loadedFunction?.definitions.map((d) => [d.definitionId, d.functionType, d.returnNullable])).toEqual([
      ['int', 'udf', true],
      ['array<int>', 'udtf', true],
    ]);
    expect(loadedFunction?.definitions[1]?.parameters[0]?.type).toEqual({ type: 'list', element: 'int' });
    expect(loadedFunction?.definitions[0]?.versions[0]).toMatchObject({ deterministic: false, onNullInput: 'call' });
  });

  it('the /v1/config example', () => {
    const get = ((spec.paths as Json)['/v1/config'] as Json).get as { responses: Record<string, { content: { 'application/json': { example: unknown } } }> };
    const config = S.CatalogConfig.parse(get.responses['200']!.content['application/json'].example);
    expect(config.overrides.warehouse).toBe('s3://bucket/warehouse/');
    expect(config['idempotency-key-lifetime']).toBe('PT30M');
  });
});
