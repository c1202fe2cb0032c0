/**
 * NDJSON (one OpenLineage event per line) in and out. A corrupted line is
 * reported with its line number and the rest of the file still loads.
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

/** Options of {@link parseNdjson}. */
export interface ParseNdjsonOptions {
  /** Names the source in problems. @default 'ndjson' */
  source?: string;
  /** Check each event against the OpenLineage schemas. @default true */
  validate?: boolean;
}

/** Events as NDJSON text (one line per event, newline-terminated). */
export function toNdjson(events: Iterable<LineageEvent>): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(e)}\n`;
  return out;
}

/**
 * Parse NDJSON text. Blank lines are skipped; a line that is not JSON or not
 * a valid event becomes a {@link LoadProblem} and the others still load.
 */
export function parseNdjson(text: string, options: ParseNdjsonOptions = {}): LoadResult {
  const source = options.source ?? 'ndjson';
  const validate = options.validate ?? true;
  const events: LineageEvent[] = [];
  const problems: LoadProblem[] = [];
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    const what = `line ${line} of ${source}`;
    try {
      if (validate) events.push(parseEvent(raw, what));
      else events.push(parseLoose(raw, what));
    } catch (error) {
      problems.push({ source, line, error: error as ValidationError });
    }
  }
  return { events, problems };
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
  /** Files read at once. @default 8 */
  concurrency?: number;
}

const decoder = new TextDecoder();

/**
 * Load every NDJSON file under `prefix` (e.g. the segments a `FileTransport`
 * wrote), in name order, which is the order a transport wrote them.
 */
export async function loadEventsFromFileIO(io: FileIO, prefix: string, options: LoadFromFileIOOptions = {}): Promise<LoadResult> {
  const filter = options.filter ?? ((l: string) => /\.(?:ndjson|jsonl|json)$/.test(l));
  const files: string[] = [];
  for await (const s of io.list(prefix)) if (filter(s.location)) files.push(s.location);
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const results: LoadResult[] = new Array(files.length);
  let next = 0;
  const width = Math.max(1, options.concurrency ?? 8);
  await Promise.all(
    Array.from({ length: Math.min(width, files.length) }, async () => {
      while (next < files.length) {
        const i = next++;
        const text = decoder.decode(await io.read(files[i]!));
        results[i] = parseNdjson(text, { source: files[i]!, validate: options.validate ?? true });
      }
    }),
  );
  return { events: results.flatMap((r) => r.events), problems: results.flatMap((r) => r.problems) };
}
