/**
 * Keyed protections of single values: HMAC-SHA-256 hashing (deterministic,
 * so protected columns still join), FF1 tokenization (format-preserving and
 * reversible with the key) and AES-256-GCM encryption (reversible, random
 * IV). All through Web Crypto.
 *
 * @module
 */
import { ValidationError } from '../../errors.js';
import { luhnValid } from '../detectors/checksums.js';
import { FF1, FF1_MIN_DOMAIN } from './fpe.js';
import { fromBase64, toBase64, type KeyMaterial, type KeyProvider } from './keyring.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** HMAC-SHA-256 of `value` under `key`, as lowercase hex. Same key, same value → same digest. */
export async function hmacHex(key: KeyMaterial, value: string): Promise<string> {
  const k = await crypto.subtle.importKey('raw', key.key.reveal() as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return hex(new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(value))));
}

/** A reusable HMAC signer for one key (imports the key once). */
export async function hmacSigner(key: KeyMaterial): Promise<(value: string) => Promise<string>> {
  const k = await crypto.subtle.importKey('raw', key.key.reveal() as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return async (value) => hex(new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(value))));
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Prefix of encrypted values: `enc:v<key version>:<base64 of iv ‖ ciphertext ‖ tag>`. */
export const ENCRYPTED_PREFIX = 'enc:v';

/** A reusable AES-256-GCM encryptor for one key; `aad` binds the ciphertext to its column. */
export async function gcmEncryptor(key: KeyMaterial, aad = ''): Promise<(value: string) => Promise<string>> {
  const k = await crypto.subtle.importKey('raw', key.key.reveal() as BufferSource, { name: 'AES-GCM' }, false, ['encrypt']);
  const additionalData = enc.encode(aad);
  return async (value) => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, k, enc.encode(value)));
    const out = new Uint8Array(12 + ct.length);
    out.set(iv, 0);
    out.set(ct, 12);
    return `${ENCRYPTED_PREFIX}${key.version}:${toBase64(out)}`;
  };
}

/**
 * Decrypt a value from {@link gcmEncryptor}; the key version is read from
 * the value. `ValidationError` when the value is not an encrypted value or
 * does not authenticate (wrong key, wrong column, tampered).
 */
export async function gcmDecrypt(keys: KeyProvider, keyName: string, value: string, aad = ''): Promise<string> {
  const m = /^enc:v(\d+):([A-Za-z0-9+/=]+)$/.exec(value);
  if (!m) throw new ValidationError('value is not an encrypted value (enc:v<version>:<base64>)');
  const key = await keys.version(keyName, Number(m[1]));
  const raw = fromBase64(m[2]!);
  if (raw.length < 12 + 16) throw new ValidationError('encrypted value is too short to hold an IV and a tag');
  const k = await crypto.subtle.importKey('raw', key.key.reveal() as BufferSource, { name: 'AES-GCM' }, false, ['decrypt']);
  try {
    const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: raw.slice(0, 12), additionalData: enc.encode(aad) }, k, raw.slice(12));
    return dec.decode(pt);
  } catch (e) {
    throw new ValidationError(`encrypted value does not authenticate under key ${keyName} version ${m[1]}: wrong key or column, or the value was altered`, { cause: e });
  }
}

/** Options of format-preserving tokenization. */
export interface TokenizeOptions {
  /** Characters tokenized; others (separators) stay in place. @default digits */
  alphabet?: string;
  /** Leading tokenizable characters kept in clear (a card's BIN: 6). @default 0 */
  keepFirst?: number;
  /** Trailing tokenizable characters kept in clear. @default 0 */
  keepLast?: number;
  /**
   * Keep Luhn validity: a Luhn-valid number tokenizes to a Luhn-valid number
   * (and an invalid one to an invalid one), by cycle walking. Digits only.
   * @default false
   */
  luhn?: boolean;
  /** FF1 tweak (e.g. the column name, so equal values differ across columns). @default none */
  tweak?: string;
}

/** The digit alphabet. */
export const DIGITS = '0123456789';
/** Digits and ASCII letters (radix 62). */
export const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Cycle-walking bound; the expected number of steps is 10 for Luhn. */
const MAX_WALK = 1000;

/** A reusable tokenizer for one key: `tokenize` and `detokenize` with the same options are inverse. */
export interface Tokenizer {
  tokenize(value: string): Promise<string>;
  detokenize(token: string): Promise<string>;
}

/** Build an FF1 {@link Tokenizer} from a key. */
export async function ff1Tokenizer(key: KeyMaterial, options: TokenizeOptions = {}): Promise<Tokenizer> {
  const alphabet = options.alphabet ?? DIGITS;
  if (new Set(alphabet).size !== alphabet.length || alphabet.length < 2) throw new ValidationError('tokenization alphabet needs at least 2 distinct characters');
  if (options.luhn === true && alphabet !== DIGITS) throw new ValidationError('luhn: true needs the digit alphabet');
  const ff1 = await FF1.create(key.key, alphabet.length, enc.encode(options.tweak ?? ''));
  const keepFirst = options.keepFirst ?? 0;
  const keepLast = options.keepLast ?? 0;
  const index = new Map([...alphabet].map((c, i) => [c, i]));
  const run = async (value: string, forward: boolean): Promise<string> => {
    const positions: number[] = [];
    const nums: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const d = index.get(value[i]!);
      if (d !== undefined) {
        positions.push(i);
        nums.push(d);
      }
    }
    const middle = nums.slice(keepFirst, nums.length - keepLast);
    if (middle.length < 2 || alphabet.length ** middle.length < FF1_MIN_DOMAIN) {
      throw new ValidationError(
        `value has ${middle.length} tokenizable characters after keepFirst/keepLast; FF1 needs ${Math.ceil(Math.log(FF1_MIN_DOMAIN) / Math.log(alphabet.length))} or more in this alphabet. Mask or hash short values instead`,
      );
    }
    const head = nums.slice(0, keepFirst);
    const tail = nums.slice(nums.length - keepLast);
    const whole = (m: number[]) => [...head, ...m, ...tail].join('');
    const wantLuhn = options.luhn === true ? luhnValid(whole(middle)) : undefined;
    let out = middle;
    for (let step = 0; ; step++) {
      out = forward ? await ff1.encrypt(out) : await ff1.decrypt(out);
      if (wantLuhn === undefined || luhnValid(whole(out)) === wantLuhn) break;
      if (step >= MAX_WALK) throw new ValidationError('Luhn-preserving tokenization did not converge; the domain is too small, keep fewer digits in clear');
    }
    const all = [...head, ...out, ...tail];
    const chars = value.split('');
    positions.forEach((p, k) => (chars[p] = alphabet[all[k]!]!));
    return chars.join('');
  };
  return { tokenize: (v) => run(v, true), detokenize: (t) => run(t, false) };
}

/** Tokenize one value with the current version of `keyName`. */
export async function tokenizeValue(keys: KeyProvider, keyName: string, value: string, options?: TokenizeOptions): Promise<string> {
  return (await ff1Tokenizer(await keys.current(keyName), options)).tokenize(value);
}

/** Detokenize one value; `version` is the key version that tokenized it (in the protection report). */
export async function detokenizeValue(keys: KeyProvider, keyName: string, version: number, token: string, options?: TokenizeOptions): Promise<string> {
  return (await ff1Tokenizer(await keys.version(keyName, version), options)).detokenize(token);
}
