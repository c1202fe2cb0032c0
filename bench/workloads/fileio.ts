/**
 * FileIO: write and read 1 GiB as 128 objects of 8 MiB, lakekit's FileIO
 * against the raw calls it wraps (node:fs on local disk; @aws-sdk/client-s3
 * against moto's S3 server). Target: lakekit costs at most 10% over raw
 * (ratio ≥ 0.9).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { LocalFileIO } from '../../src/io/local.js';
import { S3FileIO } from '../../src/io/s3.js';
import { startMoto } from '../../test/helpers/peers.js';
import { compare, type Section } from '../harness.js';

const OBJECT = 8 * 1024 * 1024;

async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

export async function fileioBench(opts: { totalBytes?: number; runs?: number; parts?: readonly ('local' | 's3')[] } = {}): Promise<Section[]> {
  const parts = new Set(opts.parts ?? ['local', 's3']);
  const total = opts.totalBytes ?? 1024 * 1024 * 1024;
  const runs = opts.runs ?? 3;
  const count = Math.max(1, Math.round(total / OBJECT));
  const bytes = count * OBJECT;
  const data = new Uint8Array(randomBytes(OBJECT));
  const width = 4;
  const sections: Section[] = [];
  const note = `${count} objects × 8 MiB = ${(bytes / 2 ** 30).toFixed(2)} GiB per run, ${width} at a time; median of ${runs} runs after a warm-up, candidates interleaved`;

  // Local: overhead measured on tmpfs (no writeback noise), durability measured on disk.
  if (parts.has('local')) await localSections();
  if (parts.has('s3')) await s3Sections();
  return sections;

  async function localSections(): Promise<void> {
    const shm = existsSync('/dev/shm') ? '/dev/shm' : undefined;
    const memDir = await mkdtemp(join(shm ?? tmpdir(), 'lakekit-bench-'));
    const diskDir = await mkdtemp(join(tmpdir(), 'lakekit-bench-'));
    try {
      const where = shm ? 'tmpfs (/dev/shm)' : 'local disk (no tmpfs here)';
      const io = new LocalFileIO({ root: memDir, fsync: false });
      // Lake files are immutable: every run writes fresh names; the previous run's files are removed untimed.
      const fresh = (base: string, name: string) => () =>
        rm(join(base, name), { recursive: true, force: true }).then(async () => void (await mkdir(join(base, name), { recursive: true })));
      const writes = await compare(
        [
          { name: 'lakekit LocalFileIO.write', setup: fresh(memDir, 'lk'), run: () => pool(count, width, async (i) => void (await io.write(`lk/${i}`, data))) },
          { name: 'node:fs writeFile', setup: fresh(memDir, 'raw'), run: () => pool(count, width, (i) => writeFile(join(memDir, 'raw', String(i)), data)) },
        ],
        { runs, bytes },
      );
      sections.push({
        title: `FileIO write, ${where}`,
        subject: 'lakekit LocalFileIO.write',
        rows: writes,
        notes: [note, 'lakekit writes a temporary file and renames it into place (atomic, never torn); raw writeFile writes in place', 'fsync off on both sides: this isolates the FileIO\'s own cost from the disk'],
        targets: [{ peer: 'node:fs writeFile', minRatio: 0.9, description: 'lakekit ≥ 0.9 × raw node:fs' }],
      });
      const reads = await compare(
        [
          { name: 'lakekit LocalFileIO.read', run: () => pool(count, width, async (i) => void (await io.read(`lk/${i}`))) },
          { name: 'node:fs readFile', run: () => pool(count, width, async (i) => void (await readFile(join(memDir, 'raw', String(i))))) },
        ],
        { runs, bytes },
      );
      sections.push({
        title: `FileIO read, ${where}`,
        subject: 'lakekit LocalFileIO.read',
        rows: reads,
        notes: [note],
        targets: [{ peer: 'node:fs readFile', minRatio: 0.9, description: 'lakekit ≥ 0.9 × raw node:fs' }],
      });
      const durable = new LocalFileIO({ root: diskDir, fsync: true });
      const durableWrites = await compare(
        [
          { name: 'lakekit LocalFileIO.write (fsync, the default)', setup: fresh(diskDir, 'lk'), run: () => pool(count, width, async (i) => void (await durable.write(`lk/${i}`, data))) },
          {
            name: 'node:fs open+write+fsync',
            setup: fresh(diskDir, 'raw'),
            run: () =>
              pool(count, width, async (i) => {
                const fh = await open(join(diskDir, 'raw', String(i)), 'w');
                await fh.writeFile(data);
                await fh.sync();
                await fh.close();
              }),
          },
        ],
        { runs, bytes },
      );
      sections.push({
        title: 'FileIO durable write, local disk',
        subject: 'lakekit LocalFileIO.write (fsync, the default)',
        rows: durableWrites,
        notes: [note, 'both sides flush to disk; lakekit also renames and flushes the directory, which is what makes the write atomic and durable', 'informational: disk throughput on a shared VM varies run to run'],
      });
    } finally {
      await rm(memDir, { recursive: true, force: true });
      await rm(diskDir, { recursive: true, force: true });
  }

  }

  async function s3Sections(): Promise<void> {
    // S3 on moto.
    const moto = await startMoto();
    try {
      const io = new S3FileIO({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'bench', secretAccessKey: new (await import('../../src/secret.js')).Secret('bench') },
        root: 's3://bench/',
      });
      const client = io.client; // the raw calls use the very same client
      await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
      const clear = async (prefix: string) => {
        await pool(count, width, async (i) => void (await client.send(new DeleteObjectCommand({ Bucket: 'bench', Key: `${prefix}/${i}` }))));
      };
      const writes = await compare(
        [
          { name: 'lakekit S3FileIO.write', setup: () => clear('lk'), run: () => pool(count, width, async (i) => void (await io.write(`lk/${i}`, data))) },
          {
            name: '@aws-sdk/client-s3 PutObject',
            setup: () => clear('raw'),
            run: () => pool(count, width, async (i) => void (await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `raw/${i}`, Body: data, ContentLength: data.byteLength })))),
          },
        ],
        { runs, bytes },
      );
      sections.push({
        title: 'FileIO write, S3 (moto server on 127.0.0.1)',
        subject: 'lakekit S3FileIO.write',
        rows: writes,
        notes: [note, 'both sides use the same S3Client; before each run its previous objects are deleted (untimed)', 'moto is a Python server, so absolute numbers are moto\'s, not S3\'s; the ratio is the point'],
        targets: [{ peer: '@aws-sdk/client-s3 PutObject', minRatio: 0.9, description: 'lakekit ≥ 0.9 × raw client-s3' }],
      });
      const reads = await compare(
        [
          { name: 'lakekit S3FileIO.read', run: () => pool(count, width, async (i) => void (await io.read(`lk/${i}`))) },
          {
            name: '@aws-sdk/client-s3 GetObject',
            run: () =>
              pool(count, width, async (i) => {
                const out = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: `raw/${i}` }));
                await out.Body!.transformToByteArray();
              }),
          },
        ],
        { runs, bytes },
      );
      sections.push({
        title: 'FileIO read, S3 (moto server on 127.0.0.1)',
        subject: 'lakekit S3FileIO.read',
        rows: reads,
        notes: [note],
        targets: [{ peer: '@aws-sdk/client-s3 GetObject', minRatio: 0.9, description: 'lakekit ≥ 0.9 × raw client-s3' }],
      });
    } finally {
      await moto.stop();
  }
  }
}
