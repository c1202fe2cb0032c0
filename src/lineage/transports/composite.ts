import { IoError } from '../../errors.js';
import type { LineageEvent } from '../events.js';
import type { Transport } from './transport.js';

/** Options of {@link CompositeTransport}. */
export interface CompositeTransportOptions {
  /**
   * Keep sending to the other transports when one fails (the failures are
   * thrown together afterwards, as one `IoError`). @default true
   */
  continueOnFailure?: boolean;
}

/**
 * Sends every event to several transports (e.g. a local NDJSON file and
 * Marquez). With `continueOnFailure` (the default) one failing transport does
 * not keep the event from the others.
 */
export class CompositeTransport implements Transport {
  readonly transports: readonly Transport[];
  readonly #continue: boolean;

  constructor(transports: readonly Transport[], options: CompositeTransportOptions = {}) {
    this.transports = transports;
    this.#continue = options.continueOnFailure ?? true;
  }

  emit(event: LineageEvent): Promise<void> {
    return this.#each('emit', (t) => t.emit(event));
  }

  flush(): Promise<void> {
    return this.#each('flush', (t) => t.flush());
  }

  close(): Promise<void> {
    return this.#each('close', (t) => t.close());
  }

  async #each(what: string, fn: (t: Transport) => Promise<void>): Promise<void> {
    const failures: { index: number; error: unknown }[] = [];
    for (const [index, t] of this.transports.entries()) {
      try {
        await fn(t);
      } catch (error) {
        if (!this.#continue) throw error;
        failures.push({ index, error });
      }
    }
    if (failures.length === 0) return;
    if (failures.length === 1 && failures[0]!.index === 0 && this.transports.length === 1) throw failures[0]!.error;
    const detail = failures.map((f) => `#${f.index} (${this.transports[f.index]!.constructor.name}): ${(f.error as Error)?.message ?? String(f.error)}`).join('; ');
    throw new IoError(`${failures.length} of ${this.transports.length} lineage transports failed to ${what}: ${detail}; the others received the event`, {
      cause: failures.length === 1 ? failures[0]!.error : new AggregateError(failures.map((f) => f.error)),
      context: { failed: failures.map((f) => f.index) },
      retryable: failures.some((f) => (f.error as { retryable?: boolean })?.retryable === true),
    });
  }
}
