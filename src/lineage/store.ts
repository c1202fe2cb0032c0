/**
 * The lineage store: the events as received (custom facets untouched), the
 * indexed {@link LineageGraph} over them, and the lines that failed to load.
 *
 * @module
 */

import type { FileIO } from '../io/file-io.js';
import type { LineageEvent } from './events.js';
import { LineageGraph } from './graph.js';
import { forEachEventInFileIO, parseNdjson, toNdjson, type LoadFromFileIOOptions, type LoadProblem } from './ndjson.js';
import { validateEvent } from './schemas.js';
import type { Transport } from './transports/transport.js';

/**
 * Events plus their graph. Build one from NDJSON files (what a
 * {@link FileTransport} wrote, or a Marquez export), or feed it live through
 * {@link LineageStore.transport}.
 *
 * @example
 * ```ts
 * const store = await LineageStore.fromFileIO(io, 'lineage/');
 * store.problems;                       // lines that did not load, with line numbers
 * store.graph.upstream(dataset, { depth: 20 });
 * ```
 */
export class LineageStore {
  readonly graph = new LineageGraph();
  /** Events, or the JSON line of an event loaded from a file until {@link LineageStore.events} is first read. */
  readonly #events: (LineageEvent | string)[] = [];
  #unparsed = 0;
  readonly #problems: LoadProblem[] = [];

  /**
   * Load every NDJSON file under `prefix`, in file-name order. Bad lines are
   * kept in `problems`; the rest load.
   *
   * Each event goes into the graph's indexes as its line is parsed; the
   * store keeps the line's text rather than the parsed object (a fraction of
   * the memory, and nothing for the garbage collector to trace) and parses it
   * again on the first read of {@link LineageStore.events}.
   */
  static async fromFileIO(io: FileIO, prefix: string, options: LoadFromFileIOOptions = {}): Promise<LineageStore> {
    const store = new LineageStore();
    const problems = await forEachEventInFileIO(io, prefix, (event, json) => store.#addLoaded(event, json), options);
    for (const p of problems) store.#problems.push(p);
    return store;
  }

  /** Load NDJSON text. */
  static fromNdjson(text: string, options: { source?: string; validate?: boolean } = {}): LineageStore {
    const store = new LineageStore();
    store.addNdjson(text, options);
    return store;
  }

  /** The events, in the order added, exactly as received. */
  get events(): readonly LineageEvent[] {
    if (this.#unparsed > 0) {
      const all = this.#events;
      for (let i = 0; i < all.length; i++) {
        const e = all[i]!;
        if (typeof e === 'string') all[i] = JSON.parse(e) as LineageEvent;
      }
      this.#unparsed = 0;
    }
    return this.#events as LineageEvent[];
  }

  /** Number of events (without parsing the ones loaded from files, as reading {@link LineageStore.events} does). */
  get eventCount(): number {
    return this.#events.length;
  }

  /** Lines that did not load, with source and line number. */
  get problems(): readonly LoadProblem[] {
    return this.#problems;
  }

  /** Add one event after checking it against the OpenLineage schemas (throws `ValidationError`). */
  add(event: LineageEvent): void {
    validateEvent(event);
    this.#events.push(event);
    this.graph.add(event);
  }

  /** Add the events of NDJSON text; returns the problems of this text (also kept in `problems`). */
  addNdjson(text: string, options: { source?: string; validate?: boolean } = {}): LoadProblem[] {
    const { events, problems } = parseNdjson(text, options);
    this.#addAll(events);
    for (const p of problems) this.#problems.push(p);
    return problems;
  }

  /** All events as NDJSON. */
  toNdjson(): string {
    return toNdjson(this.events);
  }

  /** A transport that adds each emitted event to this store (for tests, notebooks and in-process queries). */
  transport(): Transport {
    return {
      emit: async (event) => this.add(event),
      flush: async () => undefined,
      close: async () => undefined,
    };
  }

  #addAll(events: LineageEvent[]): void {
    for (const e of events) {
      this.#events.push(e);
      this.graph.add(e);
    }
  }

  #addLoaded(event: LineageEvent, json: string): void {
    this.#events.push(json);
    this.#unparsed++;
    this.graph.add(event, json);
  }
}
