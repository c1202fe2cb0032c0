/**
 * One behaviour suite for every FileIO implementation. Each implementation's
 * test file calls {@link fileIOContract} with a factory that returns a fresh,
 * empty FileIO rooted at a unique location.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError } from '../../src/errors.js';
import { codeOf } from '../helpers/errors.js';
import type { FileIO } from '../../src/io/file-io.js';

export interface ContractTarget {
  io: FileIO;
  /** The root URI (ending in '/') every relative location resolves under. */
  root: string;
  cleanup?: () => Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string) => enc.encode(s);
const text = async (p: Promise<Uint8Array>) => dec.decode(await p);

async function listAll(io: FileIO, prefix: string, pageSize?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const f of io.list(prefix, pageSize === undefined ? {} : { pageSize })) out.push(f.location);
  return out;
}

function pattern(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.byteLength; i += size) yield data.slice(i, i + size);
}

async function* failingAfter(data: Uint8Array, chunks: number, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks; i++) yield data.slice(i * chunkSize, (i + 1) * chunkSize);
  throw new Error('source failed mid-stream');
}

/** Keys for the model test: none is a directory of another, so disk and object stores can agree. */
const MODEL_KEYS = ['a.txt', 'b/c.bin', 'b/d/e', 'b/d/f', 'b/d2', 'z', 'é/ü.json', 'sp ace/%41', 'a-b/x'];
const MODEL_PREFIXES = ['', 'a', 'b/', 'b/d', 'b/d/', 'é', 'sp', 'zz', 'a-'];

type Op =
  | { op: 'write' | 'create'; key: string; data: Uint8Array }
  | { op: 'read' | 'stat' | 'exists' | 'delete'; key: string }
  | { op: 'range'; key: string; offset: number; length: number | undefined }
  | { op: 'list'; prefix: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('write' as const, 'create' as const), key: fc.constantFrom(...MODEL_KEYS), data: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ op: fc.constantFrom('read' as const, 'stat' as const, 'exists' as const, 'delete' as const), key: fc.constantFrom(...MODEL_KEYS) }),
  fc.record({
    op: fc.constant('range' as const),
    key: fc.constantFrom(...MODEL_KEYS),
    offset: fc.nat({ max: 80 }),
    length: fc.option(fc.nat({ max: 80 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('list' as const), prefix: fc.constantFrom(...MODEL_PREFIXES) }),
);

/** What the reference model says each operation returns. */
function modelStep(model: Map<string, Uint8Array>, o: Op): unknown {
  switch (o.op) {
    case 'write':
      model.set(o.key, o.data);
      return 'OK';
    case 'create':
      if (model.has(o.key)) return 'ALREADY_EXISTS';
      model.set(o.key, o.data);
      return 'OK';
    case 'read':
      return model.has(o.key) ? [...model.get(o.key)!] : 'NOT_FOUND';
    case 'range': {
      const d = model.get(o.key);
      if (d === undefined) return 'NOT_FOUND';
      const start = Math.min(o.offset, d.length);
      const end = o.length === undefined ? d.length : Math.min(d.length, o.offset + o.length);
      return [...d.slice(start, Math.max(start, end))];
    }
    case 'stat':
      return model.has(o.key) ? model.get(o.key)!.length : 'NOT_FOUND';
    case 'exists':
      return model.has(o.key);
    case 'delete':
      model.delete(o.key);
      return 'OK';
    case 'list':
      return [...model.entries()]
        .filter(([k]) => k.startsWith(o.prefix))
        .map(([k, v]) => [k, v.length] as const)
        .sort(([a], [b]) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  }
}

async function ioStep(io: FileIO, root: string, o: Op): Promise<unknown> {
  const wrap = async (f: () => Promise<unknown>) => {
    try {
      return await f();
    } catch (e) {
      if (isLakeError(e)) return e.code;
      throw e;
    }
  };
  switch (o.op) {
    case 'write':
      return wrap(async () => (await io.write(o.key, o.data), 'OK'));
    case 'create':
      return wrap(async () => (await io.createIfAbsent(o.key, o.data), 'OK'));
    case 'read':
      return wrap(async () => [...(await io.read(o.key))]);
    case 'range':
      return wrap(async () => [...(await io.read(o.key, { offset: o.offset, ...(o.length === undefined ? {} : { length: o.length }) }))]);
    case 'stat':
      return wrap(async () => (await io.stat(o.key)).size);
    case 'exists':
      return io.exists(o.key);
    case 'delete':
      return wrap(async () => (await io.delete(o.key), 'OK'));
    case 'list': {
      const out: (readonly [string, number])[] = [];
      for await (const f of io.list(o.prefix, { pageSize: 2 })) out.push([f.location.slice(root.length), f.size] as const);
      return out;
    }
  }
}

/**
 * Register the contract suite for one implementation.
 * @param make returns a fresh, empty FileIO; called once per test
 */
export function fileIOContract(name: string, make: () => Promise<ContractTarget>, opts: { modelRuns?: number } = {}): void {
  describe(`FileIO contract: ${name}`, () => {
    const withIO = (fn: (t: ContractTarget) => Promise<void>) => async () => {
      const t = await make();
      try {
        await fn(t);
      } finally {
        await t.cleanup?.();
      }
    };

    it('writes and reads back bytes, text, web streams and async iterables', withIO(async ({ io, root }) => {
      await io.write('a/bytes.bin', new Uint8Array([0, 1, 2, 255]));
      expect([...(await io.read('a/bytes.bin'))]).toEqual([0, 1, 2, 255]);
      await io.write('a/text.txt', 'héllo');
      expect(await text(io.read('a/text.txt'))).toBe('héllo');
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes('ab'));
          c.enqueue(bytes('cd'));
          c.close();
        },
      });
      const stat = await io.write('a/stream.txt', stream);
      expect(stat.size).toBe(4);
      expect(stat.location).toBe(`${root}a/stream.txt`);
      expect(await text(io.read('a/stream.txt'))).toBe('abcd');
      await io.write('a/iter.txt', chunked(bytes('0123456789'), 3));
      expect(await text(io.read('a/iter.txt'))).toBe('0123456789');
      expect((await io.stat('a/iter.txt')).size).toBe(10);
      // Absolute URIs and relative paths name the same object.
      expect(await text(io.read(`${root}a/iter.txt`))).toBe('0123456789');
      expect(io.resolve('a/iter.txt')).toBe(`${root}a/iter.txt`);
    }));

    it('writes an empty object', withIO(async ({ io }) => {
      await io.write('empty', new Uint8Array(0));
      expect((await io.stat('empty')).size).toBe(0);
      expect((await io.read('empty')).byteLength).toBe(0);
      expect((await io.read('empty', { offset: 0, length: 10 })).byteLength).toBe(0);
    }));

    it('reads byte ranges, clamped to the end', withIO(async ({ io }) => {
      await io.write('r', '0123456789');
      expect(await text(io.read('r', { offset: 2, length: 3 }))).toBe('234');
      expect(await text(io.read('r', { offset: 7 }))).toBe('789');
      expect(await text(io.read('r', { offset: 8, length: 100 }))).toBe('89');
      expect(await text(io.read('r', { offset: 10 }))).toBe('');
      expect(await text(io.read('r', { offset: 50, length: 5 }))).toBe('');
      expect(await text(io.read('r', { offset: 3, length: 0 }))).toBe('');
      expect(await codeOf(io.read('r', { offset: -1 }))).toBe('VALIDATION');
      expect(await codeOf(io.read('r', { offset: 1.5 }))).toBe('VALIDATION');
    }));

    it('streams an object and a range of it', withIO(async ({ io }) => {
      const data = pattern(300_000);
      await io.write('s.bin', data);
      const whole = new Uint8Array(await new Response(await io.readStream('s.bin')).arrayBuffer());
      expect(whole).toEqual(data);
      const part = new Uint8Array(await new Response(await io.readStream('s.bin', { offset: 1000, length: 5000 })).arrayBuffer());
      expect(part).toEqual(data.slice(1000, 6000));
    }));

    it('gives NotFoundError for a missing object', withIO(async ({ io }) => {
      expect(await codeOf(io.stat('missing'))).toBe('NOT_FOUND');
      expect(await codeOf(io.read('missing'))).toBe('NOT_FOUND');
      expect(await codeOf(io.read('missing', { offset: 0, length: 0 }))).toBe('NOT_FOUND');
      expect(await codeOf(io.readStream('missing'))).toBe('NOT_FOUND');
      expect(await io.exists('missing')).toBe(false);
    }));

    it('replaces on write', withIO(async ({ io }) => {
      await io.write('w', 'first');
      await io.write('w', 'second, longer');
      expect(await text(io.read('w'))).toBe('second, longer');
      expect((await io.stat('w')).size).toBe(14);
    }));

    it('creates if absent, and leaves an existing object untouched', withIO(async ({ io }) => {
      await io.createIfAbsent('c', 'one');
      expect(await codeOf(io.createIfAbsent('c', 'two'))).toBe('ALREADY_EXISTS');
      expect(await text(io.read('c'))).toBe('one');
    }));

    it('lets exactly one of many concurrent creators win', withIO(async ({ io }) => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => codeOf(io.createIfAbsent('race', `writer-${i}`))));
      expect(results.filter((r) => r === 'OK')).toHaveLength(1);
      expect(results.filter((r) => r === 'ALREADY_EXISTS')).toHaveLength(7);
      const winner = results.indexOf('OK');
      expect(await text(io.read('race'))).toBe(`writer-${winner}`);
    }));

    it('leaves the old content when a streamed write fails, and publishes nothing new', withIO(async ({ io }) => {
      await io.write('keep', 'old');
      const data = pattern(64 * 1024);
      await expect(io.write('keep', failingAfter(data, 2, 1024))).rejects.toThrow('source failed mid-stream');
      expect(await text(io.read('keep'))).toBe('old');
      await expect(io.createIfAbsent('never', failingAfter(data, 2, 1024))).rejects.toThrow('source failed mid-stream');
      expect(await io.exists('never')).toBe(false);
      expect(await listAll(io, '')).toHaveLength(1);
    }));

    it('writes a large object from a stream of chunks', withIO(async ({ io }) => {
      const data = pattern(12 * 1024 * 1024 + 123, 3);
      const stat = await io.write('big/object.bin', chunked(data, 1 << 20));
      expect(stat.size).toBe(data.byteLength);
      const back = await io.read('big/object.bin');
      expect(back.byteLength).toBe(data.byteLength);
      expect(Buffer.compare(back, data)).toBe(0);
      const tail = await io.read('big/object.bin', { offset: data.byteLength - 10 });
      expect([...tail]).toEqual([...data.slice(-10)]);
      await expect(io.createIfAbsent('big/object.bin', chunked(data, 1 << 20))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    }));

    it('lists by string prefix, in UTF-8 byte order, page by page', withIO(async ({ io, root }) => {
      const keys = ['x/1', 'x/10', 'x/2', 'x/a/b', 'x/a/c', 'xy', 'x.txt', 'x/é', 'x/😀', 'x/\uffff'];
      for (const k of keys) await io.write(k, k);
      const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((k) => `${root}${k}`);
      expect(await listAll(io, '')).toEqual(expected);
      expect(await listAll(io, '', 3)).toEqual(expected);
      expect(await listAll(io, 'x/')).toEqual(expected.filter((k) => k.startsWith(`${root}x/`)));
      expect(await listAll(io, 'x/a')).toEqual([`${root}x/a/b`, `${root}x/a/c`]);
      expect(await listAll(io, 'x/1')).toEqual([`${root}x/1`, `${root}x/10`]);
      expect(await listAll(io, 'nothing/')).toEqual([]);
      for await (const f of io.list('x/a/')) expect(f.size).toBe(5);
    }));

    it('lists the child directories under a prefix', withIO(async ({ io, root }) => {
      for (const k of ['w/ns1/t1/metadata/v1.json', 'w/ns1/t2/data/x', 'w/ns2/y', 'w/file', 'w/é/z', 'w/ns10/q']) await io.write(k, 'x');
      const dirs: string[] = [];
      for await (const d of io.listDirectories('w/')) dirs.push(d);
      expect(dirs).toEqual([`${root}w/ns1/`, `${root}w/ns10/`, `${root}w/ns2/`, `${root}w/é/`]);
      const sub: string[] = [];
      for await (const d of io.listDirectories(`${root}w/ns1/`, { pageSize: 1 })) sub.push(d);
      expect(sub).toEqual([`${root}w/ns1/t1/`, `${root}w/ns1/t2/`]);
      const none: string[] = [];
      for await (const d of io.listDirectories('nothing/')) none.push(d);
      expect(none).toEqual([]);
      await io.delete('w/ns2/y');
      const after: string[] = [];
      for await (const d of io.listDirectories('w/')) after.push(d);
      expect(after).not.toContain(`${root}w/ns2/`);
      expect(await codeOf(io.listDirectories('w')[Symbol.asyncIterator]().next())).toBe('VALIDATION');
    }));

    it('deletes idempotently, one or many', withIO(async ({ io }) => {
      await io.write('d/1', '1');
      await io.write('d/2', '2');
      await io.write('d/3', '3');
      await io.delete('d/1');
      await io.delete('d/1');
      expect(await io.exists('d/1')).toBe(false);
      await io.deleteMany(['d/2', 'd/3', 'd/never']);
      expect(await listAll(io, 'd/')).toEqual([]);
    }));

    it('refuses traversal and locations outside its root', withIO(async ({ io, root }) => {
      for (const bad of ['../x', 'a/../../x', 'a/./b', './a', '..', 'a/..']) {
        expect(await codeOf(io.write(bad, 'x')), bad).toBe('VALIDATION');
        expect(await codeOf(io.read(bad)), bad).toBe('VALIDATION');
      }
      const outside = root.replace(/[^/]+\/$/, 'elsewhere/x');
      expect(await codeOf(io.read(outside))).toBe('VALIDATION');
      expect(await codeOf(io.write(outside, 'x'))).toBe('VALIDATION');
      expect(await codeOf(io.list(outside)[Symbol.asyncIterator]().next())).toBe('VALIDATION');
      expect(await codeOf(io.write('a\u0000b', 'x'))).toBe('VALIDATION');
    }));

    it('keeps stored bytes independent of the caller\'s buffers', withIO(async ({ io }) => {
      const data = new Uint8Array([1, 2, 3]);
      await io.write('m', data);
      data[0] = 9;
      const read = await io.read('m');
      read[1] = 9;
      expect([...(await io.read('m'))]).toEqual([1, 2, 3]);
    }));

    it('agrees with a reference model on random operation sequences (fast-check)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
          const t = await make();
          try {
            const model = new Map<string, Uint8Array>();
            for (const o of ops) {
              const expected = modelStep(model, o);
              const actual = await ioStep(t.io, t.root, o);
              expect(actual, JSON.stringify({ ...o, data: undefined })).toEqual(expected);
            }
          } finally {
            await t.cleanup?.();
          }
        }),
        { numRuns: opts.modelRuns ?? 40 },
      );
    });
  });
}
