#!/usr/bin/env node
// The `lakekit` command. The published package runs the built CLI (dist/);
// in a clone without a build it runs the TypeScript sources through tsx (a
// dev dependency), so `npm ci && npx lakekit demo` works without `npm run build`.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
let cli;
if (existsSync(built)) cli = await import(built.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
process.exitCode = await cli.runCli(process.argv.slice(2));
