/**
 * Hostile files: mutated bytes, truncations and garbage must end as
 * ValidationError (or read successfully), never as another exception, a
 * crash or a hang.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isLakeError } from '../../../../src/errors.js';
import { readParquet, readParquetFooter } from '../../../../src/formats/parquet/read/index.js';
import { MemoryFileIO } from '../../../../src/io/memory.js';
import { SCHEMA_ALL, duckParquet } from './fixtures.js';

async function readEverything(bytes: Uint8Array): Promise<'ok' | 'invalid'> {
  const io = new MemoryFileIO({ root: 'memory://f/' });
  await io.write('x.parquet', bytes);
  try {
    await readParquetFooter(io, 'x.parquet');
    for await (const b of readParquet(io, 'x.parquet', { schema: SCHEMA_ALL })) void b.numRows;
    return 'ok';
  } catch (e) {
    if (isLakeError(e, 'VALIDATION')) return 'invalid';
    throw e;
  }
}

describe('corrupted Parquet files', { timeout: 60_000 }, () => {
  const files: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    files.plain = await duckParquet({ rows: 40, codec: 'uncompressed', rowGroupSize: 16 });
    files.zstd = await duckParquet({ rows: 40, codec: 'zstd' });
    files.snappy = await duckParquet({ rows: 40, codec: 'snappy' });
  });

  it('the unmutated fixtures read', async () => {
    for (const f of Object.values(files)) expect(await readEverything(f)).toBe('ok');
  });

  it('gives ValidationError for every truncation', async () => {
    const f = files.plain!;
    for (let cut = 0; cut < f.length; cut += Math.max(1, Math.floor(f.length / 97))) {
      expect(await readEverything(f.subarray(0, cut))).toBe('invalid');
    }
  });

  it('gives ValidationError or a result for mutated bytes (footer and pages)', async () => {
    const names = Object.keys(files);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 4 }),
        async (name, edits) => {
          const f = files[name]!.slice();
          for (const [where, value, inFooter] of edits) {
            // Half the edits hit the footer, where a flipped length or offset does the most damage.
            const footerLength = new DataView(f.buffer).getUint32(f.length - 8, true);
            const lo = inFooter ? f.length - 8 - footerLength : 0;
            const at = Math.min(f.length - 1, lo + Math.floor(where * (f.length - lo)));
            f[at] = value;
          }
          expect(['ok', 'invalid']).toContain(await readEverything(f));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives ValidationError for random bytes with a Parquet tail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.integer({ min: 0, max: 700 }), async (body, len) => {
        const f = new Uint8Array(body.length + 8);
        f.set(body);
        new DataView(f.buffer).setUint32(body.length, len, true);
        f.set([0x50, 0x41, 0x52, 0x31], body.length + 4);
        expect(['ok', 'invalid']).toContain(await readEverything(f));
      }),
      { numRuns: 300 },
    );
  });
});
