import { defineConfig } from 'tsup';

/**
 * One entry per subpath export (`<name>` → `./dist/<name>.{js,cjs,d.ts,d.cts}`;
 * `x/index` is exported as `./x`, `index` as `.`). test/package/hygiene.test.ts
 * checks that package.json `exports` and `typesVersions` list exactly these.
 */
export const entries = {
  index: 'src/index.ts',
  'io/index': 'src/io/index.ts',
  'io/local': 'src/io/local.ts',
  'io/s3': 'src/io/s3.ts',
  'iceberg/index': 'src/iceberg/index.ts',
  'catalog/index': 'src/catalog/index.ts',
  'catalog/glue/index': 'src/catalog/glue/index.ts',
  'catalog/sigv4': 'src/catalog/rest/sigv4.ts',
  'classification/aws/index': 'src/classification/aws/index.ts',
  'formats/index': 'src/formats/index.ts',
  'zones/index': 'src/zones/index.ts',
  'quality/index': 'src/quality/index.ts',
  'classification/index': 'src/classification/index.ts',
  'lineage/index': 'src/lineage/index.ts',
  'infra/index': 'src/infra/index.ts',
};

/** Entries that are built but not exported (see `entry` below). */
export const internalEntries = {
  'cli/main': 'src/cli/main.ts',
  'io/parquet-worker': 'src/io/local/parquet-worker.ts',
  'io/csv-worker': 'src/io/local/csv-worker.ts',
};

export default defineConfig({
  // Built but not exported: the CLI (`bin/lakekit.mjs` runs dist/cli/main.js) and
  // the worker thread scripts (started from dist/io/local.js: the Parquet encoders, the CSV reader).
  entry: { ...entries, ...internalEntries },
  format: ['esm', 'cjs'],
  // .d.ts for import, .d.cts for require; shared declarations go to shared
  // chunks too, so a type (e.g. Secret, with #private) is one type across subpaths.
  dts: true,
  // Shared modules (errors above all) exist once per format, so a NotFoundError
  // thrown by `lakekit/io` is `instanceof` the one exported by `lakekit`.
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Neutral: no Node assumptions in the core; Node-only entries import `node:*` explicitly.
  platform: 'neutral',
  // Keep `node:fs` as written: Deno needs the prefix, and it marks Node-only code plainly.
  removeNodeProtocol: false,
  treeshake: true,
  // Dependencies and peers are external anyway; these stay external even if
  // someone moves them to devDependencies by mistake. Optional dependencies
  // are not external by default: the native zstd binding must be (its loader
  // requires a per-platform binary at run time).
  external: ['aws-cdk-lib', 'constructs', 'cdk-nag', '@toondepauw/node-zstd', /^@aws-sdk\//, /^@smithy\//, /^node:/],
});
