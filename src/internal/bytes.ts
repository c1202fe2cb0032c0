/** Byte helpers on web-standard types only (no Buffer). */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 encode. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 decode. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

/** Bytes from hex text (either case). Throws on odd length or non-hex digits. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError('not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Concatenate byte chunks into one array. */
export function concatBytes(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const size = total ?? chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compare two strings by their UTF-8 bytes, the order S3 lists keys in.
 * (JavaScript's `<` compares UTF-16 code units, which differs for characters
 * above U+FFFF versus U+E000–U+FFFF.)
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–U+DFFF) encode code points above U+FFFF, which sort after all BMP code points in UTF-8.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * `buf` if it can hold `used + extra` bytes, else a copy of its first `used`
 * bytes in a buffer grown by doubling. For growable byte sinks.
 */
export function ensureCapacity(buf: Uint8Array, used: number, extra: number): Uint8Array {
  const need = used + extra;
  if (need <= buf.length) return buf;
  let size = Math.max(16, buf.length * 2);
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, used));
  return next;
}
