#!/usr/bin/env node
// `npm test`: type-check (full and web-standard core), lint, then every vitest
// project (unit, contracts, interop, package). Peers (Python venv, jars) are
// installed on first use by the vitest global setup. Ends with one summary
// line "N passed, N failed, N skipped" for CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const run = (cmd, cmdArgs) => {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', shell: false });
  return r.status ?? 1;
};

// The project's own TypeScript by path: another package's `tsc` bin (tslab ships
// TypeScript 5.0 as @tslab/typescript-for-tslab) may own node_modules/.bin/tsc.
const TSC = 'node_modules/typescript/bin/tsc';

let failedSteps = 0;
if (!args.includes('--no-static')) {
  failedSteps += run(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit']) === 0 ? 0 : 1;
  failedSteps += run(process.execPath, [TSC, '-p', 'tsconfig.core.json', '--noEmit']) === 0 ? 0 : 1;
  failedSteps += run('npx', ['eslint', '.']) === 0 ? 0 : 1;
}

mkdirSync('.cache', { recursive: true });
const results = '.cache/vitest-results.json';
const vitestArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...args.filter((a) => a !== '--no-static')];
const code = run('npx', vitestArgs);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  passed = r.numPassedTests ?? 0;
  // A file that fails outside a test (a beforeAll, an import) fails no test but does fail the run.
  failed = (r.numFailedTests ?? 0) || (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
if (failedSteps > 0) console.log(`\n${failedSteps} static check(s) failed (type-check or lint); see above.`);
console.log(`\n${passed} passed, ${failed + failedSteps} failed, ${skipped} skipped`);
process.exit(code !== 0 || failedSteps > 0 || passed === 0 ? 1 : 0);
