import { defineConfig } from 'vitest/config';

// Separate projects so a developer can run one layer at a time:
//   unit      — pure logic, no servers
//   contracts — one behaviour suite per interface, run against every implementation (starts moto)
//   interop   — against real peers (pyiceberg, Spark, the Iceberg REST server)
//   package   — the built package under publint, attw, Node ESM/require and Deno
export default defineConfig({
  test: {
    projects: [
      // Timeouts are safety nets against hangs, not performance checks (those are in bench/):
      // generous, so property tests on a loaded 2-core machine do not fail for being slow.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        test: {
          name: 'contracts',
          include: ['test/contracts/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'interop',
          include: ['test/interop/**/*.test.ts'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
