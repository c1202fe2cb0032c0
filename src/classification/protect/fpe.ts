/**
 * Format-preserving encryption: FF1 from NIST SP 800-38G, on AES (128, 192
 * or 256-bit keys) through Web Crypto. A digit string encrypts to a digit
 * string of the same length, so a tokenized card number is still a
 * 16-digit number and decrypts back to the original.
 *
 * Web Crypto has no raw AES block operation; AES-CBC with a zero IV over one
 * block gives the block cipher, and over several blocks the CBC-MAC that FF1
 * uses as its PRF (the trailing padding block is dropped).
 *
 * @module
 */
import { ValidationError } from '../../errors.js';
import { isSecret, type Secret } from '../../secret.js';

/** FF1's minimum domain size (radix^minlen), per SP 800-38G Rev. 1. */
export const FF1_MIN_DOMAIN = 1_000_000;
/** Longest numeral string accepted (FF1 allows up to 2^32; this bounds memory and time). */
export const FF1_MAX_LENGTH = 4096;

const ZERO_IV = new Uint8Array(16);

/**
 * An FF1 cipher for one key and radix.
 *
 * @example
 * ```ts
 * const ff1 = await FF1.create(key, 10);
 * const token = await ff1.encryptText('4111111111111111', '0123456789'); // 16 digits
 * await ff1.decryptText(token, '0123456789'); // '4111111111111111'
 * ```
 */
export class FF1 {
  private constructor(
    private readonly key: CryptoKey,
    readonly radix: number,
    readonly tweak: Uint8Array,
  ) {}

  /**
   * @param key AES key bytes (16, 24 or 32), plain or a {@link Secret}.
   * @param radix 2 to 65536.
   * @param tweak default tweak for calls that give none.
   */
  static async create(key: Uint8Array | Secret<Uint8Array>, radix: number, tweak: Uint8Array = new Uint8Array(0)): Promise<FF1> {
    const raw = isSecret(key) ? (key as Secret<Uint8Array>).reveal() : (key as Uint8Array);
    if (![16, 24, 32].includes(raw.length)) throw new ValidationError(`FF1 needs an AES key of 16, 24 or 32 bytes, got ${raw.length}`);
    if (!Number.isInteger(radix) || radix < 2 || radix > 65536) throw new ValidationError(`FF1 radix must be an integer from 2 to 65536, got ${radix}`);
    const k = await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'AES-CBC' }, false, ['encrypt']);
    return new FF1(k, radix, tweak);
  }

  /** Encrypt numerals (each `< radix`); returns as many numerals. */
  encrypt(x: ArrayLike<number>, tweak: Uint8Array = this.tweak): Promise<number[]> {
    return this.run(x, tweak, true);
  }

  /** Decrypt what {@link encrypt} produced with the same tweak. */
  decrypt(x: ArrayLike<number>, tweak: Uint8Array = this.tweak): Promise<number[]> {
    return this.run(x, tweak, false);
  }

  /** Encrypt text over `alphabet` (its length must be the radix). */
  async encryptText(text: string, alphabet: string, tweak?: Uint8Array): Promise<string> {
    return fromNumerals(await this.encrypt(toNumerals(text, alphabet, this.radix), tweak), alphabet);
  }

  /** Decrypt text over `alphabet`. */
  async decryptText(text: string, alphabet: string, tweak?: Uint8Array): Promise<string> {
    return fromNumerals(await this.decrypt(toNumerals(text, alphabet, this.radix), tweak), alphabet);
  }

  private async run(x: ArrayLike<number>, tweak: Uint8Array, encrypt: boolean): Promise<number[]> {
    const radix = this.radix;
    const n = x.length;
    if (n < 2 || n > FF1_MAX_LENGTH || radix ** n < FF1_MIN_DOMAIN) {
      throw new ValidationError(`FF1 input of ${n} numerals in radix ${radix} is outside the domain: radix^length must be ≥ ${FF1_MIN_DOMAIN} (NIST SP 800-38G) and length ≤ ${FF1_MAX_LENGTH}`);
    }
    for (let i = 0; i < n; i++) {
      const d = x[i]!;
      if (!Number.isInteger(d) || d < 0 || d >= radix) throw new ValidationError(`FF1 numeral ${d} at ${i} is not a digit of radix ${radix}`);
    }
    const t = tweak.length;
    const u = n >> 1;
    const v = n - u;
    const big = BigInt(radix);
    let a = num(x, 0, u, big);
    let b = num(x, u, n, big);
    const byteLen = Math.ceil(Math.ceil(v * Math.log2(radix)) / 8);
    const d = 4 * Math.ceil(byteLen / 4) + 4;
    const pad = mod(-t - byteLen - 1, 16);
    const p = new Uint8Array(16);
    p.set([1, 2, 1, (radix >> 16) & 0xff, (radix >> 8) & 0xff, radix & 0xff, 10, u & 0xff]);
    writeUint32(p, 8, n);
    writeUint32(p, 12, t);
    const q = new Uint8Array(t + pad + 1 + byteLen);
    q.set(tweak, 0);
    const modU = big ** BigInt(u);
    const modV = big ** BigInt(v);
    const pq = new Uint8Array(16 + q.length);
    for (let k = 0; k < 10; k++) {
      const i = encrypt ? k : 9 - k;
      q[t + pad] = i;
      writeBig(q, t + pad + 1, byteLen, encrypt ? b : a);
      pq.set(p, 0);
      pq.set(q, 16);
      const r = await this.prf(pq);
      const y = await this.expand(r, d);
      const m = i % 2 === 0 ? modU : modV;
      if (encrypt) {
        const c = mod(a + y, m);
        a = b;
        b = c;
      } else {
        const c = mod(b - y, m);
        b = a;
        a = c;
      }
    }
    return [...numerals(a, u, big), ...numerals(b, v, big)];
  }

  /** CBC-MAC with a zero IV: the last ciphertext block. */
  private async prf(data: Uint8Array): Promise<Uint8Array> {
    const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: ZERO_IV }, this.key, data as BufferSource));
    return out.subarray(data.length - 16, data.length);
  }

  /** S = R ‖ CIPH(R ⊕ [1]) ‖ CIPH(R ⊕ [2]) ‖ … cut to d bytes, as a number. */
  private async expand(r: Uint8Array, d: number): Promise<bigint> {
    const s = new Uint8Array(Math.ceil(d / 16) * 16);
    s.set(r, 0);
    for (let j = 1; j * 16 < d; j++) {
      const block = r.slice();
      for (let k = 0; k < 4; k++) block[15 - k]! ^= (j >>> (8 * k)) & 0xff;
      s.set(await this.prf(block), j * 16);
    }
    let y = 0n;
    for (let k = 0; k < d; k++) y = (y << 8n) | BigInt(s[k]!);
    return y;
  }
}

function num(x: ArrayLike<number>, from: number, to: number, radix: bigint): bigint {
  let r = 0n;
  for (let i = from; i < to; i++) r = r * radix + BigInt(x[i]!);
  return r;
}

function numerals(value: bigint, len: number, radix: bigint): number[] {
  const out = new Array<number>(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v % radix);
    v /= radix;
  }
  return out;
}

function mod<T extends number | bigint>(a: T, m: T): T {
  const r = (a as number) % (m as number);
  return (r < 0 ? (r as number) + (m as number) : r) as T;
}

function writeUint32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}

function writeBig(buf: Uint8Array, at: number, len: number, v: bigint): void {
  let x = v;
  for (let i = len - 1; i >= 0; i--) {
    buf[at + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** Text → numerals over an alphabet. */
export function toNumerals(text: string, alphabet: string, radix = alphabet.length): number[] {
  if (alphabet.length !== radix) throw new ValidationError(`alphabet has ${alphabet.length} characters but the radix is ${radix}`);
  const out = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) {
    const d = alphabet.indexOf(text[i]!);
    if (d < 0) throw new ValidationError(`character ${JSON.stringify(text[i])} at ${i} is not in the tokenization alphabet`);
    out[i] = d;
  }
  return out;
}

/** Numerals → text over an alphabet. */
export function fromNumerals(x: readonly number[], alphabet: string): string {
  let s = '';
  for (const d of x) s += alphabet[d];
  return s;
}
