/**
 * vitest globalSetup for the `contracts` and `interop` projects.
 *
 * 1. Makes sure the test peers are installed: `node test/interop/setup.mjs --check`, and when
 *    that fails, the full setup (so `npm test` on a fresh clone provisions what it needs).
 * 2. Starts ONE moto server for the whole run and provides its endpoint to tests as
 *    `inject('motoEndpoint')`. Tests share it, so they must use unique bucket / database names.
 *    The Iceberg REST server is not started here: test files that need it call
 *    `startIcebergRest()` (test/helpers/peers.ts) and stop it themselves.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startMoto, type MotoServer } from './peers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the run's shared moto server, e.g. `http://127.0.0.1:40123`. */
    motoEndpoint: string;
  }
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SETUP = join(ROOT, 'test/interop/setup.mjs');

/**
 * Several projects list this file, and vitest loads it once per project, each in its own module
 * runner, so module state is not shared; the main process' globalThis is. One moto serves all
 * projects, counted by reference and stopped by the last teardown.
 */
interface SharedMoto {
  refs: number;
  server: Promise<MotoServer>;
}
const SHARED_KEY = '__lakekitSharedMoto';
const shared = globalThis as typeof globalThis & { [SHARED_KEY]?: SharedMoto };

function ensurePeers(): void {
  const check = spawnSync(process.execPath, [SETUP, '--check'], { cwd: ROOT, encoding: 'utf8' });
  if (check.status === 0) return;
  process.stdout.write(`${check.stdout}${check.stderr}`);
  // Inherit stdio: a cold install takes a couple of minutes and its progress should be visible.
  const install = spawnSync(process.execPath, [SETUP], { cwd: ROOT, stdio: 'inherit' });
  if (install.status !== 0) {
    throw new Error(`installing the test peers failed (exit ${install.status ?? install.signal}); see the "peers:" lines above, fix, then run \`npm run peers\``);
  }
}

/** vitest 4 globalSetup: provisions peers, starts the shared moto, returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensurePeers();

  let entry = shared[SHARED_KEY];
  if (!entry) {
    entry = { refs: 0, server: startMoto() };
    shared[SHARED_KEY] = entry;
  }
  entry.refs++;
  let moto: MotoServer;
  try {
    moto = await entry.server;
  } catch (err) {
    // A later project should try again rather than reuse the failed start.
    if (--entry.refs === 0) delete shared[SHARED_KEY];
    throw err;
  }
  project.provide('motoEndpoint', moto.endpoint);

  const owned = entry;
  return async () => {
    if (--owned.refs > 0) return;
    if (shared[SHARED_KEY] === owned) delete shared[SHARED_KEY];
    await moto.stop();
  };
}
