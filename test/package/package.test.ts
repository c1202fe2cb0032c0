/**
 * The package as users get it: built, packed and installed once, then checked
 * by publint and attw, imported under Node ESM, Node require() and Deno, and
 * scanned for what each entry pulls in (ARCHITECTURE.md, boundaries 1 and 2).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryGraph, packageOf } from './dist-graph.js';
import { REPO, buildPackInstall, codeSubpaths, run, type Packed } from './pack.js';
import { startS3Stub, type S3Stub } from './s3-stub.js';

/**
 * Subpaths allowed beyond web-standard code: Node built-ins, the AWS SDK, the
 * CDK. Every other subpath is web-standard core and may load only declared
 * dependencies. Add a subpath here only when ARCHITECTURE.md says so.
 */
const EDGES: Record<string, { node?: boolean; aws?: boolean; cdk?: boolean }> = {
  './io/local': { node: true },
  './io/s3': { node: true, aws: true },
  './catalog/sigv4': { aws: true },
  './catalog/glue': { aws: true },
  './classification/aws': { aws: true },
  './infra': { node: true, aws: true, cdk: true },
};

/** The label each subpath's probe checks start with (test/package/fixtures/probe.mjs). */
const label = (subpath: string): string => (subpath === '.' ? 'root' : subpath.slice(2));

type Conditions = { require: { types: string; default: string }; default: { types: string; default: string } };
interface ProbeResult {
  exports: Record<string, string[]>;
  checks: Record<string, true | string>;
  /** Where each subpath resolved (file path or URL). */
  resolved: string[];
}

let packed: Packed;
let s3: S3Stub;
let subpaths: string[];

// A full build (bundles and declaration files) into a staging directory; on a busy two-core
// runner, beside the interop suites, it has taken over five minutes.
beforeAll(async () => {
  [packed, s3] = await Promise.all([buildPackInstall(), startS3Stub()]);
  subpaths = codeSubpaths(packed.pkg);
}, 900_000);

afterAll(async () => {
  await s3?.close();
  await packed?.dispose();
});

const probeEnv = (runtime: string) => ({
  LAKEKIT_PROBE: JSON.stringify({ runtime, subpaths, tmpDir: join(packed.work, 'local'), s3Endpoint: s3.endpoint }),
  // Hermetic AWS SDK: no shared config, no instance metadata.
  AWS_CONFIG_FILE: join(packed.work, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(packed.work, 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  NODE_NO_WARNINGS: '1',
});

/** Every probe check passed, every subpath loaded from the expected build and has a behaviour check. */
function expectProbe(result: ProbeResult, file: RegExp): void {
  const failed = Object.fromEntries(Object.entries(result.checks).filter(([, v]) => v !== true));
  expect(failed).toEqual({});
  expect(result.resolved).toHaveLength(subpaths.length);
  for (const [i, subpath] of subpaths.entries()) {
    expect(result.resolved[i], subpath).toMatch(file);
    expect(result.exports[subpath], `${subpath} has exports`).not.toHaveLength(0);
    const checked = Object.keys(result.checks).some((name) => name.startsWith(`${label(subpath)}:`));
    expect(checked, `probe.mjs has a behaviour check for ${subpath} (a check named '${label(subpath)}: …')`).toBe(true);
  }
}

const ESM_FILE = /\/node_modules\/lakekit\/dist\/[\w/]+\.js$/;
const CJS_FILE = /\/node_modules\/lakekit\/dist\/[\w/]+\.cjs$/;

describe('the packed tarball', () => {
  it('holds the built files and package metadata only', () => {
    const stray = packed.files.filter((f) => !/^(dist\/.+|bin\/lakekit\.mjs|package\.json|README\.md|LICENSE)$/.test(f));
    expect(stray).toEqual([]);
    for (const subpath of subpaths) {
      const c = packed.pkg.exports[subpath] as Conditions;
      for (const target of [c.require.types, c.require.default, c.default.types, c.default.default]) {
        expect(packed.files, `${subpath} → ${target}`).toContain(target.replace(/^\.\//, ''));
      }
    }
  });

  it('installs the lakekit command, which runs the built CLI (no sources, no tsx)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(packed.installed, 'bin/lakekit.mjs'), '--version'], { cwd: packed.project });
    expect(stdout.trim()).toBe(packed.pkg.version);
    expect(packed.files).not.toContain('src/cli/main.ts');
  });

  it('passes publint with no errors, warnings or suggestions', async () => {
    const tarball = await readFile(packed.tarball);
    const { messages, pkg } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer }, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`)).toEqual([]);
  });

  it('has types that resolve for every entry under node10, node16 (CJS and ESM) and bundler (attw)', async () => {
    const out = await run(join(REPO, 'node_modules/.bin/attw'), [packed.tarball, '--format', 'json', '--no-definitely-typed', '--profile', 'strict']);
    const { analysis } = JSON.parse(out) as {
      analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }> };
    };
    expect(analysis.problems).toEqual([]);
    for (const subpath of subpaths) {
      const r = analysis.entrypoints[subpath]?.resolutions ?? {};
      const types = Object.fromEntries(['node10', 'node16-cjs', 'node16-esm', 'bundler'].map((k) => [k, r[k]?.resolution?.fileName.replace(/^.*\/dist\//, '')]));
      const base = (packed.pkg.exports[subpath] as Conditions).default.types.replace(/^\.\/dist\/|\.d\.ts$/g, '');
      // node10 (tslab's resolution) and require() see the CJS declarations; import and bundlers the ESM ones.
      expect(types, subpath).toEqual({ node10: `${base}.d.cts`, 'node16-cjs': `${base}.d.cts`, 'node16-esm': `${base}.d.ts`, bundler: `${base}.d.ts` });
    }
  });
});

describe('the installed package', () => {
  let esm: ProbeResult;

  it('works under Node ESM (import), with one error class identity across subpaths', async () => {
    esm = JSON.parse(await run(process.execPath, ['run-esm.mjs'], { cwd: packed.project, env: probeEnv('node-esm') })) as ProbeResult;
    expectProbe(esm, ESM_FILE);
  });

  it('works under Node require() (as in tslab), with the same exports as ESM', async () => {
    const cjs = JSON.parse(await run(process.execPath, ['run-cjs.cjs'], { cwd: packed.project, env: probeEnv('node-cjs') })) as ProbeResult;
    expectProbe(cjs, CJS_FILE);
    expect(cjs.exports).toEqual(esm.exports);
  });

  it('recognises errors across an ESM and a CJS copy loaded in one Node process', async () => {
    const result = JSON.parse(await run(process.execPath, ['cross-copy.mjs'], { cwd: packed.project, env: { NODE_NO_WARNINGS: '1' } })) as Record<string, boolean>;
    expect(result).toEqual({ distinctCopies: true, cjsErrorSeenByEsm: true, esmErrorSeenByCjs: true, retryableAcrossCopies: true, plainErrorRejected: true });
  });

  it('works under Deno from a local node_modules, with the same exports as Node ESM', async () => {
    const deno = join(REPO, 'node_modules/.bin/deno');
    const out = await run(
      deno,
      ['run', '--node-modules-dir=manual', '--no-prompt', '--allow-read', '--allow-env', `--allow-write=${packed.work}`, `--allow-net=${new URL(s3.endpoint).host}`, '--allow-sys', 'run-esm.mjs'],
      { cwd: packed.project, env: { ...probeEnv('deno'), DENO_DIR: join(packed.work, 'deno-cache'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } },
    );
    const result = JSON.parse(out) as ProbeResult;
    expectProbe(result, ESM_FILE);
    expect(result.exports).toEqual(esm.exports);
  });
});

describe('what each entry pulls in', () => {
  const formats = ['default', 'require'] as const;

  it('web-standard core: files reachable from core entries have no Node built-ins and no Buffer', () => {
    const core = subpaths.filter((s) => !EDGES[s]?.node);
    expect(core).toEqual(expect.arrayContaining(['.', './io']));
    for (const subpath of core) {
      for (const format of formats) {
        const graph = entryGraph(join(packed.installed, (packed.pkg.exports[subpath] as Conditions)[format].default));
        expect({ subpath, format, node: graph.externals.filter(isBuiltin), buffer: graph.bufferUsers }).toEqual({ subpath, format, node: [], buffer: [] });
      }
    }
  });

  it('the scan sees Node built-ins where they are (io/local), so the core check can fail', () => {
    const graph = entryGraph(join(packed.installed, (packed.pkg.exports['./io/local'] as Conditions).default.default));
    expect(graph.externals.filter(isBuiltin)).toEqual(expect.arrayContaining(['node:fs/promises']));
  });

  it('Node built-ins keep the node: prefix (Deno needs it)', () => {
    for (const subpath of subpaths) {
      for (const format of formats) {
        const graph = entryGraph(join(packed.installed, (packed.pkg.exports[subpath] as Conditions)[format].default));
        expect({ subpath, format, bare: graph.externals.filter((s) => isBuiltin(s) && !s.startsWith('node:')) }).toEqual({ subpath, format, bare: [] });
      }
    }
  });

  it('each entry loads only declared dependencies, the AWS SDK only from AWS modules, the CDK only from infra', () => {
    const declared = new Set(Object.keys({ ...packed.pkg.dependencies, ...packed.pkg.optionalDependencies, ...packed.pkg.peerDependencies }));
    for (const subpath of subpaths) {
      const allow = EDGES[subpath] ?? {};
      for (const format of formats) {
        const graph = entryGraph(join(packed.installed, (packed.pkg.exports[subpath] as Conditions)[format].default));
        const wrong = graph.externals.filter((spec) => {
          if (isBuiltin(spec)) return !allow.node;
          if (/^@(aws-sdk|smithy)\//.test(spec)) return !allow.aws || !declared.has(packageOf(spec));
          if (/^(aws-cdk-lib|constructs)(\/|$)/.test(spec)) return !allow.cdk || !declared.has(packageOf(spec));
          return !declared.has(packageOf(spec));
        });
        expect({ subpath, format, wrong }).toEqual({ subpath, format, wrong: [] });
      }
    }
  });
});
