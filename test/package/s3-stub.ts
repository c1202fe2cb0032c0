/**
 * The smallest S3 the package probes need: path-style PUT, GET and HEAD of
 * objects, `If-None-Match: *`, and S3's XML error for a missing key. It lets
 * the installed `lakekit/io/s3` talk through the real AWS SDK without network.
 * (Full S3 behaviour is tested against moto in test/contracts.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Stub {
  endpoint: string;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of req) chunks.push(c as Uint8Array);
  return new Uint8Array(Buffer.concat(chunks));
}

function error(res: ServerResponse, status: number, code: string, head: boolean): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(head ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
}

export async function startS3Stub(): Promise<S3Stub> {
  const objects = new Map<string, { data: Uint8Array; etag: string; modified: Date }>();
  let version = 0;
  const server = createServer((req, res) => {
    const key = decodeURIComponent(new URL(req.url ?? '/', 'http://stub').pathname);
    const head = req.method === 'HEAD';
    if (req.method === 'PUT') {
      body(req).then((data) => {
        if (req.headers['if-none-match'] === '*' && objects.has(key)) return error(res, 412, 'PreconditionFailed', false);
        const etag = `"${++version}"`;
        objects.set(key, { data, etag, modified: new Date() });
        res.writeHead(200, { etag });
        res.end();
      }, () => error(res, 500, 'InternalError', false));
      return;
    }
    if (req.method === 'GET' || head) {
      const o = objects.get(key);
      if (o === undefined) return error(res, 404, 'NoSuchKey', head);
      res.writeHead(200, { etag: o.etag, 'content-length': o.data.byteLength, 'last-modified': o.modified.toUTCString(), 'content-type': 'application/octet-stream' });
      res.end(head ? undefined : o.data);
      return;
    }
    error(res, 501, 'NotImplemented', head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
