/**
 * A wrapper for credentials (tokens, keys, passwords) that cannot print.
 *
 * The value lives in a private field, so `toString`, template literals,
 * `JSON.stringify`, Node's `util.inspect`, Deno's inspector and error messages
 * all show `[REDACTED]`. Only {@link Secret.reveal} returns it, at the one
 * place it is sent.
 *
 * @module
 */

const REDACTED = '[REDACTED]';
const BRAND = Symbol.for('lakekit.Secret');

/**
 * A value that must never reach logs, errors or snapshots.
 *
 * @example
 * ```ts
 * const token = new Secret(process.env.POLARIS_SECRET ?? '');
 * String(token); // '[REDACTED]'
 * fetch(url, { headers: { authorization: `Bearer ${token.reveal()}` } });
 * ```
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** The wrapped value. Call it only where the value is sent, never to log. */
  reveal(): T {
    return this.#value;
  }

  /** Whether the wrapped value is empty (`''`, `undefined` or `null`). */
  isEmpty(): boolean {
    return this.#value === '' || this.#value === undefined || this.#value === null;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** Node's `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${REDACTED})`;
  }

  /** Deno's inspector. */
  [Symbol.for('Deno.customInspect')](): string {
    return `Secret(${REDACTED})`;
  }
}

/** Whether `v` is a {@link Secret} (from any copy of lakekit). */
export function isSecret(v: unknown): v is Secret<unknown> {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[BRAND] === true;
}

/** Wrap `v` unless it is already a {@link Secret}. */
export function toSecret<T>(v: T | Secret<T>): Secret<T> {
  return isSecret(v) ? (v as Secret<T>) : new Secret(v as T);
}

/**
 * Replace every occurrence of each secret's value in `text` with `[REDACTED]`.
 * Use it on text that came from elsewhere (a server's error body) before it
 * goes into an error message.
 */
export function redact(text: string, secrets: Iterable<Secret<unknown> | string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    const value = isSecret(s) ? s.reveal() : s;
    if (typeof value !== 'string' || value.length < 4) continue;
    out = out.split(value).join(REDACTED);
  }
  return out;
}
