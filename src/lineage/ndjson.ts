/**
 * NDJSON (one OpenLineage event per line) in and out. Files are read as
 * byte streams and split into lines as the chunks arrive, so a file of any
 * size loads in bounded extra memory; a corrupted line is reported with its
 * line number and the rest of the file still loads.
 *
 * @module
 */

import { ValidationError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import type { LineageEvent } from './events.js';
import { parseEvent } from './schemas.js';

/** A line that could not be loaded. */
export interface LoadProblem {
  /** File (or other source) the line came from. */
  source: string;
  /** 1-based line number. */
  line: number;
  error: ValidationError;
}

/** Events loaded, and the lines that were not. */
export interface LoadResult {
  events: LineageEvent[];
  problems: LoadProblem[];
}

/** Defaults of the NDJSON readers. */
export const NDJSON_DEFAULTS = Object.freeze({
  /**
   * Longest line read, in UTF-16 code units (the length of the decoded text).
   * A longer line is reported as a problem and skipped without being held in
   * memory: no real event is this large, and a runaway line must not exhaust
   * memory or the engine's string limit.
   */
  maxLineLength: 64 * 1024 * 1024,
  /** Files read at once by {@link loadEventsFromFileIO}. */
  concurrency: 8,
});

/** Options of {@link parseNdjson} and {@link parseNdjsonStream}. */
export interface ParseNdjsonOptions {
  /** Names the source in problems. @default 'ndjson' */
  source?: string;
  /** Check each event against the OpenLineage schemas. @default true */
  validate?: boolean;
  /** @default NDJSON_DEFAULTS.maxLineLength */
  maxLineLength?: number;
}

/** Events as NDJSON text (one line per event, newline-terminated). */
export function toNdjson(events: Iterable<LineageEvent>): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(e)}\n`;
  return out;
}

/** Receives each event a reader loads, with the JSON text (the line) it was parsed from. */
export type EventSink = (event: LineageEvent, json: string) => void;

/**
 * Parse NDJSON text. Blank lines are skipped; a line that is not JSON or not
 * a valid event becomes a {@link LoadProblem} and the others still load.
 */
export function parseNdjson(text: string, options: ParseNdjsonOptions = {}): LoadResult {
  const events: LineageEvent[] = [];
  const lines = new NdjsonLines(options, (e) => events.push(e));
  lines.push(text);
  return { events, problems: lines.end() };
}

/**
 * Parse NDJSON from a byte stream (e.g. `FileIO.readStream`), line by line
 * as chunks arrive; UTF-8 sequences split across chunks decode correctly.
 * Problems as in {@link parseNdjson}.
 */
export async function parseNdjsonStream(stream: ReadableStream<Uint8Array>, options: ParseNdjsonOptions = {}): Promise<LoadResult> {
  const events: LineageEvent[] = [];
  const problems = await readLines(stream, new NdjsonLines(options, (e) => events.push(e)));
  return { events, problems };
}

/** `ignoreBOM`: a U+FEFF that happens to start a chunk is content, not a byte-order mark (a file's leading BOM is trimmed with the line). */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Decode UTF-8 chunk by chunk. `decode(chunk, { stream: true })` would do,
 * but engines (Node 20) take a several times slower path for it; instead each
 * chunk is cut after its last complete character and decoded whole, and the
 * (at most three) bytes of a character split across chunks are carried over.
 */
class Utf8Chunks {
  #tail: Uint8Array | undefined;

  decode(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.#tail !== undefined) {
      bytes = new Uint8Array(this.#tail.length + chunk.length);
      bytes.set(this.#tail);
      bytes.set(chunk, this.#tail.length);
      this.#tail = undefined;
    }
    const cut = completeLength(bytes);
    if (cut < bytes.length) this.#tail = bytes.slice(cut);
    return decoder.decode(cut < bytes.length ? bytes.subarray(0, cut) : bytes);
  }

  /** What is left: an incomplete character decodes to U+FFFD, as a streaming decoder would give. */
  end(): string {
    const tail = this.#tail;
    this.#tail = undefined;
    return tail === undefined ? '' : decoder.decode(tail);
  }
}

/** Length of the prefix of `bytes` that ends on a character boundary (drops a trailing incomplete sequence). */
function completeLength(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
  return need > continuation + 1 ? i : bytes.length;
}

async function readLines(stream: ReadableStream<Uint8Array>, lines: NdjsonLines): Promise<LoadProblem[]> {
  const utf8 = new Utf8Chunks();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      lines.push(utf8.decode(value));
    }
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
  lines.push(utf8.end());
  return lines.end();
}

/**
 * The line splitter behind the readers. Text arrives in pieces; a line
 * split across pieces is held as a list of parts and joined once, so a long
 * line costs linear time, and parts beyond `maxLineLength` are dropped.
 */
class NdjsonLines {
  readonly #sink: EventSink;
  readonly #problems: LoadProblem[] = [];
  readonly #source: string;
  readonly #validate: boolean;
  readonly #max: number;
  #line = 0;
  #parts: string[] = [];
  #held = 0;

  constructor(options: ParseNdjsonOptions, sink: EventSink) {
    this.#sink = sink;
    this.#source = options.source ?? 'ndjson';
    this.#validate = options.validate ?? true;
    this.#max = options.maxLineLength ?? NDJSON_DEFAULTS.maxLineLength;
  }

  push(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl >= 0 && this.#held > 0) {
      this.#hold(text.slice(0, nl));
      this.#take();
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      this.#parse(text.slice(start, nl), nl - start);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) this.#hold(start === 0 ? text : text.slice(start));
  }

  /** Finish the last line; returns the problems. */
  end(): LoadProblem[] {
    if (this.#held > 0) this.#take();
    return this.#problems;
  }

  #hold(part: string): void {
    // Past the limit the parts are dropped; the length keeps counting so the line is reported.
    this.#held += part.length;
    if (this.#held <= this.#max) this.#parts.push(part);
    else this.#parts = [];
  }

  #take(): void {
    const length = this.#held;
    const raw = length <= this.#max ? this.#parts.join('') : '';
    this.#parts = [];
    this.#held = 0;
    this.#parse(raw, length);
  }

  #parse(raw: string, length: number): void {
    const line = ++this.#line;
    if (length > this.#max) {
      const what = `line ${line} of ${this.#source}`;
      this.#problem(line, new ValidationError(`${what} is ${length} characters long, over the limit of ${this.#max}; split the event or raise maxLineLength`, { context: { line, length, maxLineLength: this.#max } }));
      return;
    }
    // Events as written start with '{' and end with '}'; only other lines need trimming.
    const text = raw.charCodeAt(0) === 123 && raw.charCodeAt(raw.length - 1) === 125 ? raw : raw.trim();
    if (text === '') return;
    let event: LineageEvent;
    try {
      const what = `line ${line} of ${this.#source}`;
      event = this.#validate ? parseEvent(text, what) : parseLoose(text, what);
    } catch (error) {
      this.#problem(line, error as ValidationError);
      return;
    }
    this.#sink(event, text);
  }

  #problem(line: number, error: ValidationError): void {
    this.#problems.push({ source: this.#source, line, error });
  }
}

function parseLoose(raw: string, what: string): LineageEvent {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (cause) {
    throw new ValidationError(`${what} is not JSON (${(cause as Error).message}); each line of an OpenLineage NDJSON file must be one JSON event`, { cause });
  }
  if (typeof v !== 'object' || v === null || !('eventTime' in v) || !('run' in v || 'job' in v || 'dataset' in v)) {
    throw new ValidationError(`${what} is not an OpenLineage event (no eventTime and run, job or dataset)`);
  }
  return v as LineageEvent;
}

/** Options of {@link loadEventsFromFileIO}. */
export interface LoadFromFileIOOptions {
  /** Which files under the prefix to read. @default names ending in `.ndjson`, `.jsonl` or `.json` */
  filter?: (location: string) => boolean;
  /** Check each event against the OpenLineage schemas. @default true */
  validate?: boolean;
  /** Files read at once. @default NDJSON_DEFAULTS.concurrency */
  concurrency?: number;
  /** @default NDJSON_DEFAULTS.maxLineLength */
  maxLineLength?: number;
}

/**
 * Load every NDJSON file under `prefix` (e.g. the segments a `FileTransport`
 * wrote), in file-name order, which is the order a transport wrote them.
 */
export async function loadEventsFromFileIO(io: FileIO, prefix: string, options: LoadFromFileIOOptions = {}): Promise<LoadResult> {
  const events: LineageEvent[] = [];
  const problems = await forEachEventInFileIO(io, prefix, (e) => events.push(e), options);
  return { events, problems };
}

/**
 * Stream every event of the NDJSON files under `prefix` into `sink`, in
 * file-name order, without collecting them; returns the lines that did not
 * load. Up to `concurrency` files are opened ahead of the one being parsed,
 * so an object store's request latency overlaps with parsing while events
 * still arrive in order; each file is split into lines as its bytes arrive.
 */
export async function forEachEventInFileIO(io: FileIO, prefix: string, sink: EventSink, options: LoadFromFileIOOptions = {}): Promise<LoadProblem[]> {
  const filter = options.filter ?? ((l: string) => /\.(?:ndjson|jsonl|json)$/.test(l));
  const files: string[] = [];
  for await (const s of io.list(prefix)) if (filter(s.location)) files.push(s.location);
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ahead = Math.max(1, options.concurrency ?? NDJSON_DEFAULTS.concurrency);
  const opened: (Promise<ReadableStream<Uint8Array>> | undefined)[] = [];
  const open = (i: number) => {
    if (i >= files.length || opened[i] !== undefined) return;
    const stream = io.readStream(files[i]!);
    stream.catch(() => undefined); // awaited in turn; this only keeps an early failure from going unhandled
    opened[i] = stream;
  };
  const problems: LoadProblem[] = [];
  let i = 0;
  try {
    for (; i < files.length; i++) {
      for (let k = i; k < i + ahead; k++) open(k);
      const stream = await opened[i]!;
      opened[i] = undefined;
      const found = await readLines(stream, new NdjsonLines({ source: files[i], validate: options.validate, maxLineLength: options.maxLineLength }, sink));
      for (const p of found) problems.push(p);
    }
  } finally {
    // On failure, release the files opened ahead.
    for (let k = i + 1; k < opened.length; k++) void opened[k]?.then((s) => s.cancel()).catch(() => undefined);
  }
  return problems;
}
