/**
 * 32-bit Murmur3, x86 variant, seed 0 — the hash of the bucket transform
 * (spec Appendix B). Results are signed 32-bit integers, as Java returns them.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Murmur3 x86 32-bit hash of bytes (`hashBytes` in the spec). */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const n = bytes.length;
  const blocks = n - (n % 4);
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h = mixH1(h, mixK1(k));
  }
  let k = 0;
  switch (n % 4) {
    case 3:
      k ^= bytes[blocks + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[blocks + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[blocks]!;
      h ^= mixK1(k);
  }
  return fmix(h, n);
}

/** Hash of a long as 8 little-endian bytes (`hashLong`; `hashInt` is the same on the widened value). */
export function murmur3Long(value: bigint): number {
  const v = BigInt.asUintN(64, value);
  const lo = Number(v & 0xffffffffn) | 0;
  const hi = Number(v >> 32n) | 0;
  let h = mixH1(0, mixK1(lo));
  h = mixH1(h, mixK1(hi));
  return fmix(h, 8);
}

/** Hash of an int, defined by the spec as the hash of the same value as a long. */
export function murmur3Int(value: number): number {
  return murmur3Long(BigInt(value));
}
