/**
 * A small, scriptable (and, on request, misbehaving) Iceberg REST server on
 * 127.0.0.1 for unit tests: each test installs a handler and reads the log
 * of requests it received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { newSchema } from '../../../../src/iceberg/spec/schema.js';
import { Types, requiredField } from '../../../../src/iceberg/spec/types.js';
import { newTableMetadata } from '../../../../src/iceberg/spec/new-table.js';
import { UNPARTITIONED_SPEC } from '../../../../src/iceberg/spec/partition.js';
import { UNSORTED_ORDER } from '../../../../src/iceberg/spec/sort-order.js';
import { writeTableMetadata } from '../../../../src/iceberg/spec/metadata-json.js';

/** One request the server received. */
export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  uri: string;
  requests: SeenRequest[];
  handle(handler: Handler): void;
  stop(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  let handler: Handler = (_req, res) => json(res, 500, { error: { message: 'no handler', type: 'X', code: 500 } });
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const seen: SeenRequest = { method: req.method ?? 'GET', url, path: url.split('?')[0]!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      Promise.resolve(handler(seen, res)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      handler = h;
    },
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * One fake server for the whole test file: started before the first test,
 * stopped after the last, its request log emptied before each test. The
 * returned object forwards to the running server.
 */
export function useFakeServer(): FakeServer {
  let server: FakeServer | undefined;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(() => {
    if (server !== undefined) server.requests.length = 0;
  });
  const running = (): FakeServer => {
    if (server === undefined) throw new Error('the fake server is not running yet: use it inside a test or hook');
    return server;
  };
  return {
    get uri() {
      return running().uri;
    },
    get requests() {
      return running().requests;
    },
    handle: (h) => running().handle(h),
    stop: () => running().stop(),
  };
}

/** Send a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** An Iceberg error body. */
export function icebergError(status: number, type: string, message: string): unknown {
  return { error: { message, type, code: status } };
}

/** A valid table metadata JSON text for `location`. */
export function metadataJson(location = 's3://bucket/wh/db/t'): string {
  const schema = newSchema([requiredField(1, 'id', Types.long)]);
  return writeTableMetadata(newTableMetadata(schema, UNPARTITIONED_SPEC, UNSORTED_ORDER, location, {}));
}

/** A LoadTableResult body. */
export function loadTableBody(extra: Record<string, unknown> = {}, location = 's3://bucket/wh/db/t'): string {
  const meta = metadataJson(location);
  const rest = JSON.stringify({ 'metadata-location': `${location}/metadata/v1.metadata.json`, ...extra });
  return `{"metadata":${meta},${rest.slice(1)}`;
}

/**
 * A minimal well-behaved catalog: `/v1/config` (with `config` merged in),
 * `GET` of any table answering `loadTableBody()`, and 404 otherwise.
 */
export function basicCatalog(config: Record<string, unknown> = {}): Handler {
  return (req, res) => {
    if (req.path === '/v1/config') return json(res, 200, { defaults: {}, overrides: {}, ...config });
    if (req.method === 'GET' && /\/tables\/[^/]+$/.test(req.path)) return json(res, 200, loadTableBody());
    return json(res, 404, icebergError(404, 'NoSuchTableException', 'nothing here'));
  };
}
