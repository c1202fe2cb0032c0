/**
 * What every command shares: where output goes, whether it is JSON or for
 * people, progress reporting (bars on a TTY, quiet line logs otherwise), and
 * how failures become exit codes.
 *
 * Exit codes: 0 ok, 1 checks failed (quality gate, classification policy),
 * 2 usage, configuration or runtime error — always one line on stderr saying
 * what is wrong and what to do, with the stack only under `--verbose`.
 */
import { SingleBar, Presets } from 'cli-progress';
import { isLakeError } from '../errors.js';

/** Exit codes of the `lakekit` command. */
export const ExitCode = { Ok: 0, ChecksFailed: 1, Error: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure that is the user's to fix: printed as one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Streams and terminal facts, injectable for tests. */
export interface CliStreams {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Global options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  config?: string;
  color?: boolean;
}

/** A progress reporter for one long step. */
export interface Progress {
  tick(n?: number): void;
  done(message?: string): void;
}

export class CliContext {
  constructor(
    readonly streams: CliStreams,
    readonly options: GlobalOptions,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  get cwd(): string {
    return this.streams.cwd;
  }

  /** Colors only on a TTY, never with `--json`, `NO_COLOR` or `--no-color`. */
  get color(): boolean {
    return this.streams.stdout.isTTY === true && !this.json && this.options.color !== false && this.streams.env.NO_COLOR === undefined;
  }

  /** Print a command's result: the JSON document with `--json`, else the human rendering. */
  result(data: unknown, human: () => string): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(data, jsonReplacer, 2)}\n`);
    else {
      const text = human();
      if (text !== '') this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    }
  }

  /** A progress line for people (stderr, so `--json` stdout stays one document). */
  log(message: string): void {
    if (!this.json || this.options.verbose === true) this.streams.stderr.write(`${message}\n`);
  }

  /**
   * Progress for a step of `total` units: a bar on a TTY, otherwise one line at
   * the start and one at the end (CI logs stay quiet).
   */
  progress(label: string, total: number): Progress {
    if (this.streams.stderr.isTTY === true && !this.json) {
      const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: this.streams.stderr as never, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
      bar.start(total, 0);
      return {
        tick: (n = 1) => bar.increment(n),
        done: (message) => {
          bar.stop();
          if (message !== undefined) this.log(message);
        },
      };
    }
    this.log(`${label}…`);
    return { tick: () => undefined, done: (message) => this.log(message ?? `${label}: done`) };
  }

  /** Bold/dim/colour helpers that degrade to plain text when colour is off. */
  style(kind: 'bold' | 'dim' | 'green' | 'red' | 'yellow', text: string): string {
    if (!this.color) return text;
    const codes = { bold: [1, 22], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39] }[kind];
    return `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m`;
  }
}

/** BigInts (snapshot ids) print as JSON numbers' digits in a string-safe way, Maps as objects. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

/** One line for a failure: the message, a hint for usage errors, the stack only when asked. */
export function describeFailure(e: unknown, verbose: boolean): string {
  const lines: string[] = [];
  if (e instanceof CliUsageError) lines.push(`lakekit: ${e.message}`);
  else if (isLakeError(e)) lines.push(`lakekit: ${e.message}`);
  else if (e instanceof Error) lines.push(`lakekit: ${e.message}`);
  else lines.push(`lakekit: ${String(e)}`);
  if (verbose && e instanceof Error && e.stack !== undefined) lines.push(e.stack);
  return `${lines.join('\n')}\n`;
}
