#!/usr/bin/env node
// The `lakekit` command. The published package runs the built CLI (dist/). In
// a clone (src/ beside bin/) it runs the TypeScript sources through tsx (a dev
// dependency), so `npm ci && npx lakekit demo` needs no build and a stale
// dist/ never runs old code.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const source = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (!existsSync(source) && existsSync(built)) cli = await import(built.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
}
process.exitCode = await cli.runCli(process.argv.slice(2));
