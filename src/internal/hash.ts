/** Hashing through Web Crypto, available in Node 20, Deno and browsers. */
import { toHex, utf8 } from './bytes.js';

/** SHA-256 digest of bytes or UTF-8 text. */
export async function sha256(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return new Uint8Array(digest);
}

/** Lower-case hex SHA-256 of bytes or UTF-8 text. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return toHex(await sha256(data));
}
