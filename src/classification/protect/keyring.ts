/**
 * Keys for protection. A {@link KeyProvider} hands out named, versioned
 * 256-bit keys: the current version protects new data, older versions stay
 * available to detokenize and decrypt what they protected. The
 * {@link LocalKeyring} is the embedded default (keys in memory or in a file
 * through a FileIO); `KmsKeyring` in `lakekit/classification/aws` keeps
 * envelope-encrypted data keys beside the dataset under an AWS KMS key.
 *
 * @module
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { FileIO } from '../../io/file-io.js';
import { Secret } from '../../secret.js';

/** One version of a named key. */
export interface KeyMaterial {
  name: string;
  version: number;
  /** 32 bytes. */
  key: Secret<Uint8Array>;
}

/** Where protection gets its keys. */
export interface KeyProvider {
  /** The newest version of `name` (created on first use where the provider can). */
  current(name: string): Promise<KeyMaterial>;
  /** A given version of `name`; `NotFoundError` if it does not exist. */
  version(name: string, version: number): Promise<KeyMaterial>;
  /** Add a new version of `name` and make it current; returns it. Older versions stay readable. */
  rotate(name: string): Promise<KeyMaterial>;
}

/** Length of every data key, in bytes (AES-256, HMAC-SHA-256). */
export const DATA_KEY_BYTES = 32;

/** Base64 of bytes with web APIs only (no Node Buffer class). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Bytes of base64 text; `ValidationError` when it is not base64. */
export function fromBase64(text: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(text);
  } catch (e) {
    throw new ValidationError('value is not valid base64', { cause: e });
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const keyringFile = z.object({
  format: z.literal('lakekit-keyring/1'),
  keys: z.record(z.string(), z.array(z.string())),
});

/**
 * A keyring held locally: each name has versions 1…n of random 256-bit keys.
 * Unknown names are created on first use. Save it with {@link save} (the file
 * holds raw keys: keep it where only the pipeline can read it, or use KMS).
 *
 * @example
 * ```ts
 * const keys = new LocalKeyring();
 * const k = await keys.current('pii');   // version 1, generated
 * await keys.rotate('pii');              // version 2 is current, 1 still readable
 * ```
 */
export class LocalKeyring implements KeyProvider {
  readonly #keys = new Map<string, Uint8Array[]>();

  /** @param keys initial keys: name → versions (oldest first), raw bytes or base64. */
  constructor(keys: Readonly<Record<string, readonly (Uint8Array | string)[]>> = {}) {
    for (const [name, versions] of Object.entries(keys)) {
      this.#keys.set(
        name,
        versions.map((v, i) => {
          const bytes = typeof v === 'string' ? fromBase64(v) : v;
          if (bytes.length !== DATA_KEY_BYTES) throw new ValidationError(`key ${name} version ${i + 1} has ${bytes.length} bytes; keys are ${DATA_KEY_BYTES} bytes (256-bit)`);
          return bytes.slice();
        }),
      );
    }
  }

  /** Read a keyring saved by {@link save}; `NotFoundError` if absent, `ValidationError` if malformed. */
  static async load(io: FileIO, location: string): Promise<LocalKeyring> {
    const text = new TextDecoder().decode(await io.read(location));
    let parsed;
    try {
      parsed = keyringFile.parse(JSON.parse(text));
    } catch (e) {
      throw new ValidationError(`${location} is not a lakekit keyring file (lakekit-keyring/1)`, { cause: e, context: { location } });
    }
    return new LocalKeyring(parsed.keys);
  }

  /** Write the keyring (raw keys, base64) to `location`. */
  async save(io: FileIO, location: string): Promise<void> {
    const keys = Object.fromEntries([...this.#keys].map(([n, vs]) => [n, vs.map(toBase64)]));
    await io.write(location, JSON.stringify({ format: 'lakekit-keyring/1', keys }), { contentType: 'application/json' });
  }

  /** Names held. */
  names(): string[] {
    return [...this.#keys.keys()];
  }

  async current(name: string): Promise<KeyMaterial> {
    let versions = this.#keys.get(name);
    if (versions === undefined || versions.length === 0) {
      versions = [randomKey()];
      this.#keys.set(name, versions);
    }
    return material(name, versions.length, versions[versions.length - 1]!);
  }

  async version(name: string, version: number): Promise<KeyMaterial> {
    const k = this.#keys.get(name)?.[version - 1];
    if (k === undefined) throw new NotFoundError(`key ${name} has no version ${version}; the keyring holds ${this.#keys.get(name)?.length ?? 0} version(s) of it`, { context: { name, version } });
    return material(name, version, k);
  }

  async rotate(name: string): Promise<KeyMaterial> {
    const versions = this.#keys.get(name) ?? [];
    versions.push(randomKey());
    this.#keys.set(name, versions);
    return material(name, versions.length, versions[versions.length - 1]!);
  }
}

function randomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
}

function material(name: string, version: number, key: Uint8Array): KeyMaterial {
  return { name, version, key: new Secret(key) };
}
