/**
 * Run ids: UUIDv7 (RFC 9562), time-ordered so runs sort by start and index
 * well, from `crypto.getRandomValues` (web-standard).
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
// getRandomValues costs a native call each time; draw random bytes in blocks.
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

/**
 * A new UUIDv7: 48 bits of Unix milliseconds, version 7, 74 random bits.
 *
 * @example
 * ```ts
 * uuidv7(); // '0193f0a2-5c1e-7c3a-9b1d-2f6e8a4c0d11'
 * ```
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolAt + 10 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const b = new Uint8Array(16);
  b.set(POOL.subarray(poolAt, poolAt + 10), 6);
  poolAt += 10;
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}

/** The millisecond timestamp inside a UUIDv7, or `undefined` for other UUIDs. */
export function uuidv7Time(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
