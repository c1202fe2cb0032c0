import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { LOCAL_TEMP_MARKER, LocalFileIO } from '../../../src/io/local.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakekit-local-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalFileIO specifics', () => {
  it('accepts a relative root, absolute paths and file URIs under it', async () => {
    const io = new LocalFileIO({ root: dir });
    await io.write(`${dir}/abs.txt`, 'a');
    await io.write(`file://${dir}/uri.txt`, 'b');
    await io.write('rel/x.txt', 'c');
    expect(await readFile(join(dir, 'rel/x.txt'), 'utf8')).toBe('c');
    expect(io.resolve('rel/x.txt')).toBe(`file://${dir}/rel/x.txt`);
    expect(io.root).toBe(`${dir}/`);
  });

  it('works without a root for absolute locations only', async () => {
    const io = new LocalFileIO();
    await io.write(join(dir, 'free.txt'), 'x');
    expect(await io.exists(`file://${dir}/free.txt`)).toBe(true);
    await expect(io.read('relative.txt')).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses to follow a symbolic link out of its root', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'lakekit-outside-'));
    try {
      await writeFile(join(outside, 'secret.txt'), 'do not read');
      await symlink(outside, join(dir, 'link'));
      const io = new LocalFileIO({ root: dir });
      await expect(io.read('link/secret.txt')).rejects.toBeInstanceOf(ValidationError);
      await expect(io.write('link/new.txt', 'x')).rejects.toBeInstanceOf(ValidationError);
      await expect(io.exists('link/secret.txt')).rejects.toBeInstanceOf(ValidationError);
      expect(await readdir(outside)).toEqual(['secret.txt']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses empty path segments, which would alias another file on disk', async () => {
    const io = new LocalFileIO({ root: dir });
    await expect(io.write('a//b', 'x')).rejects.toThrow(/empty path segment/);
    await expect(io.write('a/', 'x')).rejects.toBeInstanceOf(ValidationError);
  });

  it('hides temporary files from listings and leaves none after writes', async () => {
    const io = new LocalFileIO({ root: dir, fsync: true });
    await io.write('t/a', 'durable');
    await io.createIfAbsent('t/b', 'durable too');
    await writeFile(join(dir, 't', `.c${LOCAL_TEMP_MARKER}abc`), 'crashed writer leftover');
    const listed: string[] = [];
    for await (const f of io.list('t/')) listed.push(f.location);
    expect(listed).toEqual([`file://${dir}/t/a`, `file://${dir}/t/b`]);
    expect((await readdir(join(dir, 't'))).filter((n) => n.includes(LOCAL_TEMP_MARKER))).toHaveLength(1);
  });

  it('says what is in the way when a path nests under a file', async () => {
    const io = new LocalFileIO({ root: dir });
    await io.write('file', 'x');
    await expect(io.write('file/child', 'y')).rejects.toBeInstanceOf(ValidationError);
    await mkdir(join(dir, 'adir'));
    await expect(io.read('adir')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('LocalFileIO with a root that does not exist yet', () => {
  it('reports missing objects as missing, and creates the root on first write', async () => {
    const io = new LocalFileIO({ root: join(dir, 'not', 'yet') });
    expect(await io.exists('a/b')).toBe(false);
    await expect(io.read('a/b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(io.stat('a/b')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const listed: string[] = [];
    for await (const f of io.list('')) listed.push(f.location);
    expect(listed).toEqual([]);
    await io.write('a/b', 'x');
    expect(await readFile(join(dir, 'not/yet/a/b'), 'utf8')).toBe('x');
  });
});

describe('LocalFileIO rooted at /', () => {
  it('reaches every absolute path (no false symlink refusal)', async () => {
    const io = new LocalFileIO({ root: '/' });
    await io.write(join(dir, 'at-root.txt'), 'x');
    expect(await io.exists(`file://${dir}/at-root.txt`)).toBe(true);
    expect(new TextDecoder().decode(await io.read(join(dir, 'at-root.txt')))).toBe('x');
  });
});
