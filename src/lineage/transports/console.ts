import type { LineageEvent } from '../events.js';
import type { Transport } from './transport.js';

/** Options of {@link ConsoleTransport}. */
export interface ConsoleTransportOptions {
  /** Where each event's JSON goes. @default console.log */
  write?: (line: string) => void;
  /** Indent the JSON for reading. @default false (one line per event, NDJSON) */
  pretty?: boolean;
}

/**
 * Prints each event as JSON, for development and notebooks.
 *
 * @example
 * ```ts
 * const recorder = new Recorder({ namespace: 'dev', transport: new ConsoleTransport({ pretty: true }) });
 * ```
 */
export class ConsoleTransport implements Transport {
  readonly #write: (line: string) => void;
  readonly #pretty: boolean;

  constructor(options: ConsoleTransportOptions = {}) {
    this.#write = options.write ?? ((line) => console.log(line));
    this.#pretty = options.pretty ?? false;
  }

  async emit(event: LineageEvent): Promise<void> {
    this.#write(this.#pretty ? JSON.stringify(event, null, 2) : JSON.stringify(event));
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
