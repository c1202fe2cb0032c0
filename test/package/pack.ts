/**
 * Build, pack and "install" lakekit the way a user gets it: `npm run build`
 * into a staging copy (so the repo's own dist/ is left alone), `npm pack`,
 * then the tarball unpacked into a fresh project's node_modules. Production
 * dependencies are linked from the repo's node_modules, so the install needs
 * no network and the package sees ONLY what it declares.
 */
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(import.meta.dirname, 'fixtures');

const exec = promisify(execFile);

/** Run a command; on failure the error message carries its stdout and stderr. */
export async function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await exec(file, args, { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${err.message}\n--- stdout\n${err.stdout ?? ''}\n--- stderr\n${err.stderr ?? ''}`);
  }
}

export interface PackageJson {
  name: string;
  version: string;
  type?: string;
  main?: string;
  module?: string;
  types?: string;
  files?: string[];
  sideEffects?: boolean;
  engines?: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}

export async function readPackageJson(dir = REPO): Promise<PackageJson> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The package's subpaths (`.`, `./io`, …) that hold code, i.e. every export except `./package.json`. */
export function codeSubpaths(pkg: PackageJson): string[] {
  return Object.keys(pkg.exports).filter((k) => !k.endsWith('.json'));
}

export interface Packed {
  /** Temp directory holding everything below; removed by `dispose`. */
  work: string;
  tarball: string;
  /** Paths inside the tarball (without the `package/` prefix). */
  files: string[];
  /** A project with lakekit installed from the tarball. */
  project: string;
  /** The installed package directory. */
  installed: string;
  pkg: PackageJson;
  dispose(): Promise<void>;
}

export async function buildPackInstall(): Promise<Packed> {
  const work = await mkdtemp(join(tmpdir(), 'lakekit-package-'));
  const stage = join(work, 'stage');
  await mkdir(stage);
  const pkg = await readPackageJson();
  await copyFile(join(REPO, 'package.json'), join(stage, 'package.json'));
  for (const f of pkg.files ?? []) {
    if (f !== 'dist' && existsSync(join(REPO, f))) await cp(join(REPO, f), join(stage, f), { recursive: true });
  }
  for (const f of ['LICENSE', 'README.md']) if (existsSync(join(REPO, f))) await copyFile(join(REPO, f), join(stage, f));

  await run('npm', ['run', 'build', '--', '--out-dir', join(stage, 'dist')]);
  const [info] = JSON.parse(await run('npm', ['pack', stage, '--pack-destination', work, '--json', '--ignore-scripts'])) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = join(work, info!.filename);

  const project = join(work, 'project');
  const installed = join(project, 'node_modules', 'lakekit');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const deps = { ...pkg.peerDependencies, ...pkg.dependencies, ...pkg.optionalDependencies };
  for (const name of Object.keys(deps)) {
    const from = join(REPO, 'node_modules', name);
    if (!existsSync(from)) continue; // an optional peer that is not installed
    await mkdir(dirname(join(project, 'node_modules', name)), { recursive: true });
    await symlink(from, join(project, 'node_modules', name), 'dir');
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'lakekit-probe', private: true, type: 'module', dependencies: { lakekit: pkg.version, ...pkg.dependencies }, optionalDependencies: pkg.optionalDependencies }, null, 2));
  for (const f of ['probe.mjs', 'run-esm.mjs', 'run-cjs.cjs', 'cross-copy.mjs']) await copyFile(join(FIXTURES, f), join(project, f));

  return {
    work,
    tarball,
    files: info!.files.map((f) => f.path),
    project,
    installed,
    pkg,
    dispose: () => rm(work, { recursive: true, force: true }),
  };
}
