/**
 * Package hygiene, checked on the sources (no build needed): pinned dev
 * dependencies, no stray runtime dependencies, exports that match the build
 * entries and load in every resolver, and the fields bundlers rely on.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import type { Options } from 'tsup';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import tsupConfig, { entries, internalEntries } from '../../tsup.config.js';
import { packageOf } from './dist-graph.js';
import { REPO, readPackageJson, type PackageJson } from './pack.js';

/** tsup entry name → package subpath: `index` → `.`, `io/index` → `./io`, `io/local` → `./io/local`. */
const subpathOf = (name: string): string => (name === 'index' ? '.' : `./${name.replace(/\/index$/, '')}`);

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Packages that src/ imports (static, dynamic, re-exports, type-only), by package name. */
async function packagesImportedBySrc(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const file of await sourceFiles(join(REPO, 'src'))) {
    for (const { fileName } of ts.preProcessFile(await readFile(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.') && !isBuiltin(fileName)) found.add(packageOf(fileName));
    }
  }
  return found;
}

let pkg: PackageJson;
beforeAll(async () => {
  pkg = await readPackageJson();
});

describe('dependencies', () => {
  it('every devDependency is pinned to an exact version', () => {
    // The one exception: the package links itself (`"lakekit": "file:."`), so `npx lakekit` works in a clone.
    const loose = Object.entries(pkg.devDependencies ?? {}).filter(([name, v]) => !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v) && !(name === pkg.name && v === 'file:.'));
    expect(loose).toEqual([]);
  });

  it('optional dependencies are pinned to an exact version, each with a fallback in src/', () => {
    const loose = Object.entries(pkg.optionalDependencies ?? {}).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(loose).toEqual([]);
    // Today: native zstd, which falls back to the WebAssembly build (src/formats/compression/native.ts).
    expect(Object.keys(pkg.optionalDependencies ?? {})).toEqual(['@toondepauw/node-zstd']);
  });

  it('dependencies hold exactly what src/ imports (peers aside), so nothing stray ships and nothing is missing', async () => {
    const imported = await packagesImportedBySrc();
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
    const peers = Object.keys(pkg.peerDependencies ?? {});
    expect(deps.filter((d) => !imported.has(d)), 'dependencies that src/ never imports').toEqual([]);
    expect([...imported].filter((p) => !deps.includes(p) && !peers.includes(p)), 'packages src/ imports without declaring them').toEqual([]);
  });

  it('peer dependencies (aws-cdk-lib, constructs) are optional', () => {
    const required = Object.keys(pkg.peerDependencies ?? {}).filter((p) => pkg.peerDependenciesMeta?.[p]?.optional !== true);
    expect(required).toEqual([]);
  });
});

describe('exports', () => {
  it('has one subpath per tsup entry, plus ./package.json', () => {
    const expected = [...Object.keys(entries).map(subpathOf), './package.json'].sort();
    expect(Object.keys(pkg.exports).sort()).toEqual(expected);
    expect(pkg.exports['./package.json']).toBe('./package.json');
  });

  it('maps require to CJS and everything else ("default", not only "import") to ESM, types first', () => {
    for (const name of Object.keys(entries)) {
      const value = pkg.exports[subpathOf(name)] as Record<string, Record<string, string>>;
      expect(value, subpathOf(name)).toEqual({
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
        default: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
      });
      // Conditions match in object order: require must come before the catch-all, types before default.
      expect(Object.keys(value)).toEqual(['require', 'default']);
      expect(Object.keys(value.require!)).toEqual(['types', 'default']);
      expect(Object.keys(value.default!)).toEqual(['types', 'default']);
    }
  });

  it('typesVersions gives node10 resolvers (tslab) the CJS types of every subpath', () => {
    const expected = Object.fromEntries(
      Object.keys(entries)
        .filter((name) => name !== 'index')
        .map((name) => [subpathOf(name).slice(2), [`./dist/${name}.d.cts`]]),
    );
    expect(pkg.typesVersions).toEqual({ '*': expected });
  });

  it('main, module and types point at the root entry', () => {
    expect({ main: pkg.main, module: pkg.module, types: pkg.types }).toEqual({ main: './dist/index.cjs', module: './dist/index.js', types: './dist/index.d.cts' });
  });
});

describe('package fields', () => {
  it('is an ESM package without side effects for Node 20 or newer, shipping dist and the bin launcher only', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    const min = /^>=\s*(\d+)/.exec(pkg.engines?.node ?? '');
    expect(Number(min?.[1]), `engines.node is '${pkg.engines?.node}'`).toBeGreaterThanOrEqual(20);
    expect(pkg.files).toContain('dist');
    expect((pkg.files ?? []).filter((f) => !['dist', 'bin', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
  });
});

describe('build config', () => {
  const config = tsupConfig as Options;

  it('builds ESM and CJS with declarations and code splitting, keeping node: prefixes', () => {
    // Every exported entry, plus the CLI (built, run by bin/lakekit.mjs, not exported)
    // and the worker thread scripts (started by dist/io/local.js, not exported).
    expect(internalEntries).toEqual({
      'cli/main': 'src/cli/main.ts',
      'io/parquet-worker': 'src/io/local/parquet-worker.ts',
      'io/csv-worker': 'src/io/local/csv-worker.ts',
    });
    expect(config.entry).toEqual({ ...entries, ...internalEntries });
    expect([...(config.format as string[])].sort()).toEqual(['cjs', 'esm']);
    expect(config.dts).toBe(true);
    expect(config.splitting).toBe(true);
    expect(config.removeNodeProtocol).toBe(false);
  });

  it('keeps aws-cdk-lib, constructs, the AWS SDK and Smithy external', () => {
    const external = config.external ?? [];
    const isExternal = (spec: string) => external.some((e) => (typeof e === 'string' ? e === spec : e.test(spec)));
    for (const spec of ['aws-cdk-lib', 'constructs', '@aws-sdk/client-s3', '@aws-sdk/client-glue', '@smithy/types', 'node:fs']) {
      expect(isExternal(spec), spec).toBe(true);
    }
  });

  it('has an entry file for every entry', async () => {
    const files = await sourceFiles(join(REPO, 'src'));
    for (const file of Object.values(entries)) expect(files).toContain(join(REPO, file));
  });
});
