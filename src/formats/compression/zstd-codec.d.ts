// Types for the parts of zstd-codec (MIT, no bundled types) that lakekit uses.
declare module 'zstd-codec' {
  interface ZstdSimple {
    /** One zstd frame, or null when the codec reports an error. */
    compress(content: Uint8Array, level?: number): Uint8Array | null;
    decompress(compressed: Uint8Array): Uint8Array | null;
  }
  interface ZstdBinding {
    Simple: new () => ZstdSimple;
  }
  export const ZstdCodec: { run(callback: (zstd: ZstdBinding) => void): void };
}
