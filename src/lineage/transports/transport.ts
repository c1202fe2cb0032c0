/**
 * The interface every lineage transport implements.
 *
 * @module
 */

import type { LineageEvent } from '../events.js';

/**
 * Where events go. `emit` may buffer; `flush` makes everything emitted so far
 * durable (written, or accepted by the server) or throws; `close` flushes and
 * releases. Transports throw on failure; the {@link Recorder} decides whether
 * that reaches the job (strict mode) or is only reported.
 */
export interface Transport {
  emit(event: LineageEvent): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
