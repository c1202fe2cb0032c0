import fc from 'fast-check';
import { decompress as zstdDecompress } from 'fzstd';
import { snappyUncompress } from 'hysnappy';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../../../src/internal/bytes.js';
import { loadCompressor, parseCompressionCodec, useNativeCompression, zstdBackend, zstdCompressor, zstdFrameLimit } from '../../../../src/formats/compression/index.js';

async function gunzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function snappyLength(block: Uint8Array): number {
  let n = 0;
  let shift = 0;
  for (let i = 0; ; i++) {
    const b = block[i]!;
    n += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return n;
    shift += 7;
  }
}

describe('compressors', () => {
  it('round-trip any bytes through zstd, snappy and gzip', async () => {
    const zstd = await loadCompressor('zstd', 3);
    const snappy = await loadCompressor('snappy');
    const gzip = await loadCompressor('gzip');
    const none = await loadCompressor('uncompressed');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 5000 }), fc.array(fc.constantFrom(0, 1, 2), { maxLength: 5000 }).map((a) => Uint8Array.from(a))), async (data) => {
        expect(zstdDecompress(await zstd.compress(data))).toEqual(data);
        const s = snappy.compress(data) as Uint8Array;
        expect(snappyUncompress(s, snappyLength(s))).toEqual(data);
        expect(await gunzip(await gzip.compress(data))).toEqual(data);
        expect(none.compress(data)).toBe(data);
      }),
      { numRuns: 60 },
    );
  });

  it('uses native zstd where the optional package is installed, asynchronously, and WebAssembly when told not to', async () => {
    // This repository installs its optional dependencies (npm ci), so the native build must load here.
    expect(await zstdBackend()).toBe('native');
    const data = new TextEncoder().encode('abc,def,ghi\n'.repeat(5000));
    const native = await zstdCompressor(3);
    const pending = native.compress(data);
    expect(pending).toBeInstanceOf(Promise);
    const nativeFrame = await pending;
    useNativeCompression(false);
    try {
      expect(await zstdBackend()).toBe('webassembly');
      const wasm = await zstdCompressor(3);
      const wasmFrame = wasm.compress(data);
      expect(wasmFrame).toBeInstanceOf(Uint8Array);
      // Two implementations, one format: each decodes to the input.
      expect(zstdDecompress(nativeFrame)).toEqual(data);
      expect(zstdDecompress(wasmFrame as Uint8Array)).toEqual(data);
      expect(nativeFrame.length).toBeLessThan(data.length / 20);
    } finally {
      useNativeCompression(true);
    }
    expect(await zstdBackend()).toBe('native');
  });

  it('round-trips any bytes through native zstd at any level, pages in flight at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: -5, max: 19 }), async (pages, level) => {
        const z = await zstdCompressor(level);
        const frames = await Promise.all(pages.map((p) => z.compress(p)));
        frames.forEach((f, i) => expect(zstdDecompress(f)).toEqual(pages[i]));
      }),
      { numRuns: 40 },
    );
  });

  it('splits large zstd inputs into frames that stay inside the wasm heap, at any level', async () => {
    useNativeCompression(false);
    try {
      for (const level of [1, 9, 19]) {
        const limit = zstdFrameLimit(level);
        const data = new Uint8Array(limit * 2 + 12345);
        for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 27;
        const z = await zstdCompressor(level);
        const out = z.compress(data) as Uint8Array;
        expect(bytesEqual(zstdDecompress(out), data)).toBe(true); // toEqual on MiBs of bytes is very slow
      }
      // the module is still healthy afterwards
      const small = Uint8Array.of(1, 2, 3, 1, 2, 3, 1, 2, 3);
      expect(zstdDecompress((await zstdCompressor()).compress(small) as Uint8Array)).toEqual(small);
    } finally {
      useNativeCompression(true);
    }
  }, 60_000);

  it('rejects bad levels and codec names', async () => {
    await expect(zstdCompressor(23)).rejects.toThrow(/zstd level 23/);
    await expect(zstdCompressor(1.5)).rejects.toThrow(/zstd level/);
    expect(parseCompressionCodec('ZSTD')).toBe('zstd');
    expect(() => parseCompressionCodec('brotli')).toThrow(/brotli/);
  });
});
