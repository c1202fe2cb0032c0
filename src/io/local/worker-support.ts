/**
 * What lakekit's worker threads share (Node only): finding the worker script
 * in the sources or the build, starting it under tsx when running from the
 * sources, and carrying errors across the thread boundary as their own
 * LakeError classes.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import * as errors from '../../errors.js';

/** An error as it crosses the thread boundary. */
export interface WireError {
  name: string;
  message: string;
  context?: Record<string, unknown>;
}

/** This module's URL: `import.meta.url` (the CommonJS build shims it), else `__filename`. */
function selfUrl(): string {
  const meta: { url?: string } = import.meta;
  return meta.url ?? pathToFileURL(__filename).href;
}

/**
 * Running from the TypeScript sources (tests, `tsx`): Node 20 does not pass
 * the main thread's loader hooks to workers, so the worker registers tsx's
 * loader itself before it imports the script.
 */
function sourceWorker(url: URL, options: WorkerOptions): Worker {
  const tsx = pathToFileURL(createRequire(selfUrl()).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** Start the worker script at `url` (a `.ts` source through tsx, or a built file). */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  return url.pathname.endsWith('.ts') ? sourceWorker(url, options) : new Worker(url, options);
}

/**
 * The worker script `name` (e.g. `parquet-worker`): beside this module in the
 * sources; in the build, the `dist/io/<name>.{js,cjs}` entry, while this code
 * sits in `dist/io/local.*` or in a shared chunk in `dist/`. `what` names it
 * in the error when it is missing.
 */
export function workerUrl(name: string, what: string): URL {
  const self = selfUrl();
  const ext = /\.(ts|cjs|js|mjs)$/.exec(new URL(self).pathname)?.[1] ?? 'js';
  const candidates = [new URL(`./${name}.${ext}`, self), new URL(`./io/${name}.${ext}`, self)];
  const found = candidates.find((u) => existsSync(u));
  if (found === undefined) {
    throw new errors.IoError(`the ${what} worker script is missing (looked for ${candidates.map((u) => u.pathname).join(' and ')}); reinstall lakekit or work without worker threads`);
  }
  return found;
}

/** An error for the wire: a LakeError keeps its class name and context; anything else is a plain message. */
export function errorToWire(e: unknown): WireError {
  if (errors.isLakeError(e)) return { name: e.name, message: e.message, context: { ...e.context } };
  return { name: 'Error', message: e instanceof Error ? e.message : String(e) };
}

/** The worker's error as the same LakeError class; anything else as an IoError whose message starts with `prefix`. */
export function rebuildError(e: WireError, prefix: string): Error {
  const Cls = (errors as unknown as Record<string, unknown>)[e.name];
  const opts = e.context === undefined ? {} : { context: e.context };
  if (typeof Cls === 'function' && e.name.endsWith('Error') && e.name !== 'LakeError') return new (Cls as new (m: string, o: object) => Error)(e.message, opts);
  return new errors.IoError(`${prefix}: ${e.message}`, opts);
}
