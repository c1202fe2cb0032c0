import { describe, expect, it } from 'vitest';
import { RestCatalog } from '../../../../src/catalog/rest/catalog.js';
import { EtagCache } from '../../../../src/catalog/rest/context.js';
import { json, loadTableBody, useFakeServer } from './fake-server.js';
import fc from 'fast-check';

const server = useFakeServer();
const id = { namespace: ['db'], name: 't' };

/** A catalog whose table is at `version`, tagged `"v<version>"`, answering 304 to a current If-None-Match. */
function versioned(state: { version: number; etags: boolean }) {
  return (req: { path: string; method: string; headers: Record<string, string | string[] | undefined> }, res: Parameters<typeof json>[0]) => {
    if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {} });
    const tag = `"v${state.version}"`;
    if (state.etags && req.headers['if-none-match'] === tag) {
      res.writeHead(304, { etag: tag });
      res.end();
      return;
    }
    const location = `s3://bucket/wh/db/t${state.version}`;
    return json(res, 200, loadTableBody({ 'metadata-location': `${location}/metadata/v1.metadata.json` }, location), state.etags ? { etag: tag } : {});
  };
}

describe('loadTable with ETags', () => {
  it('sends the last ETag as If-None-Match and takes 304 as "still current"', async () => {
    const state = { version: 1, etags: true };
    server.handle(versioned(state));
    const catalog = new RestCatalog({ uri: server.uri });
    const first = await catalog.loadTable(id);
    const again = await catalog.loadTable(id);
    expect(again).toBe(first);
    const loads = server.requests.filter((r) => r.path.endsWith('/tables/t'));
    expect(loads.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);

    state.version = 2; // a commit elsewhere: the old tag no longer matches
    const changed = await catalog.loadTable(id);
    expect(changed.metadataLocation).toBe('s3://bucket/wh/db/t2/metadata/v1.metadata.json');
    expect(changed.metadata.location).toBe('s3://bucket/wh/db/t2');
    expect(await catalog.loadTable(id)).toBe(changed);
  });

  it('keeps loads with different snapshot modes apart, and sends nothing conditional to a server without ETags', async () => {
    const state = { version: 1, etags: true };
    server.handle(versioned(state));
    const catalog = new RestCatalog({ uri: server.uri });
    await catalog.loadTable(id, { snapshots: 'refs' });
    await catalog.loadTable(id, { snapshots: 'all' });
    const loads = server.requests.filter((r) => r.path.endsWith('/tables/t'));
    expect(loads.map((r) => r.headers['if-none-match'])).toEqual([undefined, undefined]);

    server.requests.length = 0;
    const plain = new RestCatalog({ uri: server.uri });
    state.etags = false;
    const a = await plain.loadTable(id);
    const b = await plain.loadTable(id);
    expect(b).not.toBe(a);
    expect(server.requests.filter((r) => r.path.endsWith('/tables/t')).map((r) => r.headers['if-none-match'])).toEqual([undefined, undefined]);
  });
});

describe('EtagCache', () => {
  it('holds at most its capacity, dropping the least recently used (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 12 })), { maxLength: 80 }), (capacity, ops) => {
        const cache = new EtagCache<number>(capacity);
        const model: number[] = []; // keys, least recently used first
        const touch = (k: number) => {
          const at = model.indexOf(k);
          if (at >= 0) model.splice(at, 1);
          model.push(k);
        };
        for (const [write, k] of ops) {
          const key = String(k);
          if (write) {
            cache.set(key, `"${k}"`, k);
            touch(k);
            if (model.length > capacity) model.shift();
          } else {
            const held = model.includes(k);
            expect(cache.get(key)?.value).toBe(held ? k : undefined);
            if (held) touch(k);
          }
          expect(cache.size).toBe(model.length);
        }
      }),
    );
  });
});
