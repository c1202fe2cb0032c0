#!/usr/bin/env node
// Provisions the real peers that lakekit's interop and contract tests run against
// (ARCHITECTURE.md, "Real peers in tests"), at the versions pinned in
// test/interop/versions.json, cached under the git-ignored `.cache/`:
//
//   .cache/venv/            Python venv from test/interop/requirements.txt (moto[server],
//                           pyiceberg[pyarrow,sql-sqlite], pyspark, cfn-lint)
//   .cache/jars/            iceberg-open-api (the Iceberg REST catalog reference server, a
//                           runnable shadow jar) and the Iceberg Spark runtime for PySpark
//   .cache/rest-launcher/   a tiny compiled launcher that binds that server to 127.0.0.1
//   .cache/stamps/          one stamp per component: what was installed, from which inputs
//
// Usage: node test/interop/setup.mjs [--check] [--force]
//   (no flag)  install whatever is missing or stale; with everything present it prints one
//              line and exits in well under a second.
//   --check    install nothing; exit 0 if every component is present at the pinned version, else 1.
//   --force    reinstall every component.
// Environment: LAKEKIT_PYTHON (interpreter for the venv, default python3 from PATH),
//              LAKEKIT_MAVEN_REPO (Maven repository base URL, default Maven Central).
//
// Only node:* imports: this runs on a fresh clone before anything else is set up.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CACHE = join(ROOT, '.cache');
const STAMPS = join(CACHE, 'stamps');
const LOCK = join(CACHE, 'peers-setup.lock');
const VERSIONS_FILE = join(HERE, 'versions.json');
const REQUIREMENTS_FILE = join(HERE, 'requirements.txt');

/** Bump to force every machine to rebuild a component when its install recipe changes. */
const RECIPE = { venv: 1, jar: 1, launcher: 1 };

class SetupError extends Error {
  /** @param {string} message what failed @param {string} fix what the developer should do */
  constructor(message, fix) {
    super(message);
    this.fix = fix;
  }
}

const log = (line) => process.stdout.write(`peers: ${line}\n`);
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const rel = (p) => relative(ROOT, p) || '.';

// ── pinned inputs ────────────────────────────────────────────────────────────

function readVersions() {
  let versions;
  try {
    versions = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8'));
  } catch (err) {
    throw new SetupError(`cannot read ${rel(VERSIONS_FILE)}: ${err.message}`, 'restore the file from git');
  }
  return versions;
}

/** Parses `name[extras]==version` lines; returns a map of normalized name → version. */
function parseRequirements(text) {
  const pins = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)$/.exec(line);
    if (!m) {
      throw new SetupError(`${rel(REQUIREMENTS_FILE)}: "${line}" is not an exact pin (name==version)`, 'pin every requirement with ==');
    }
    pins.set(normalizeName(m[1]), m[2]);
  }
  return pins;
}

const normalizeName = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** versions.json and requirements.txt must agree, so there is one truth for the top-level pins. */
function checkPinsAgree(versions, pins) {
  for (const [name, version] of Object.entries(versions.python.packages)) {
    const pinned = pins.get(normalizeName(name));
    if (pinned !== version) {
      throw new SetupError(
        `${name} is ${version} in ${rel(VERSIONS_FILE)} but ${pinned ?? 'missing'} in ${rel(REQUIREMENTS_FILE)}`,
        'make the two files agree (versions.json is what tests report, requirements.txt is what pip installs)',
      );
    }
  }
}

// ── small process helpers ────────────────────────────────────────────────────

function tryRun(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: !r.error && r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** Runs a command, streaming its output with a prefix; rejects with the output tail on failure. */
function run(cmd, args, { prefix, env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (prefix) process.stdout.write(`peers: [${prefix}] ${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise(tail);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}\n${tail.join('\n')}`));
    });
  });
}

// ── stamps ───────────────────────────────────────────────────────────────────

function readStamp(id) {
  try {
    return JSON.parse(readFileSync(join(STAMPS, `${id}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeStamp(id, key, info) {
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(join(STAMPS, `${id}.json`), `${JSON.stringify({ key, ...info, installedAt: new Date().toISOString() }, null, 2)}\n`);
}

// ── components ───────────────────────────────────────────────────────────────
// Each component: id, label, key (a hash of every input that defines it), present() (cheap
// check that the installed thing is still there), install().

function findPython(versions) {
  const python = process.env.LAKEKIT_PYTHON || 'python3';
  const r = tryRun(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
  if (!r.ok) {
    throw new SetupError(`cannot run ${python}: ${r.error?.message ?? r.stderr.trim()}`, `install Python ${versions.python.interpreters.join(' or ')}, or set LAKEKIT_PYTHON=/path/to/python3`);
  }
  const minor = r.stdout.trim();
  if (!versions.python.interpreters.includes(minor)) {
    throw new SetupError(
      `${python} is Python ${minor}; the pinned lock (${rel(REQUIREMENTS_FILE)}) is for Python ${versions.python.interpreters.join(' or ')}`,
      `install one of those, or point LAKEKIT_PYTHON at it`,
    );
  }
  return { python, minor };
}

function venvComponent(versions, requirementsText) {
  const venv = join(CACHE, 'venv');
  const venvPython = join(venv, 'bin', 'python');
  const pkgs = versions.python.packages;
  // The interpreter is resolved lazily: a fresh stamp is trusted without spawning python3.
  const key = (minor) => sha256(`venv:${RECIPE.venv}:${minor}:${requirementsText}`);
  return {
    id: 'venv',
    label: `python venv (${Object.entries(pkgs).map(([n, v]) => `${n} ${v}`).join(', ')})`,
    upToDate() {
      const stamp = readStamp('venv');
      if (!stamp || stamp.key !== key(stamp.python)) return false;
      // The venv links to the interpreter it was made from; make sure that still runs.
      return existsSync(venvPython) && tryRun(venvPython, ['-c', 'pass']).ok;
    },
    async install() {
      const { python, minor } = findPython(versions);
      log(`creating ${rel(venv)} with ${python} (Python ${minor})`);
      // Rebuild from scratch so a changed lock never leaves stray packages behind.
      rmSync(venv, { recursive: true, force: true });
      const made = tryRun(python, ['-m', 'venv', venv]);
      if (!made.ok) {
        throw new SetupError(`python -m venv failed: ${made.stderr.trim() || made.error?.message}`, 'install the venv module for that Python (Debian/Ubuntu: apt-get install python3-venv)');
      }
      log(`pip install -r ${rel(REQUIREMENTS_FILE)} (the first time builds the pyspark wheel, about a minute; pip caches it in ~/.cache/pip)`);
      try {
        await run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', REQUIREMENTS_FILE], { prefix: 'pip' });
      } catch (err) {
        throw new SetupError(`pip install failed: ${err.message}`, 'check network access to PyPI (or your pip index settings) and re-run `npm run peers`');
      }
      // The lock must be complete: anything pip pulled in that is not pinned would float.
      const pins = parseRequirements(requirementsText);
      const frozen = tryRun(venvPython, ['-m', 'pip', 'freeze', '--disable-pip-version-check']);
      const drift = [];
      for (const line of frozen.stdout.split('\n')) {
        const m = /^([A-Za-z0-9._-]+)==(\S+)$/.exec(line.trim());
        if (!m) continue;
        const want = pins.get(normalizeName(m[1]));
        if (want !== m[2]) drift.push(`${m[1]}==${m[2]} (lock: ${want ?? 'not pinned'})`);
      }
      if (!frozen.ok || drift.length) {
        throw new SetupError(`installed packages differ from the lock: ${drift.join(', ') || frozen.stderr}`, `add or fix these pins in ${rel(REQUIREMENTS_FILE)}`);
      }
      const smoke = tryRun(venvPython, ['-c', 'import moto.server, pyiceberg.catalog.rest, pyiceberg.io.pyarrow, pyiceberg_core, sqlalchemy, pyspark, cfnlint, presidio_analyzer, soda.scan, nbclient']);
      if (!smoke.ok) throw new SetupError(`the new venv cannot import its packages:\n${smoke.stderr.trim()}`, 're-run with --force; if it persists, the lock needs fixing');
      writeStamp('venv', key(minor), { python: minor, interpreter: python, packages: pkgs });
    },
  };
}

function mavenUrl(repo, a) {
  return `${repo.replace(/\/+$/, '')}/${a.groupId.replaceAll('.', '/')}/${a.artifactId}/${a.version}/${a.artifactId}-${a.version}.jar`;
}

function jarPath(a) {
  return join(CACHE, 'jars', `${a.artifactId}-${a.version}.jar`);
}

function jarComponent(id, artifact, repo) {
  const file = jarPath(artifact);
  const key = sha256(`jar:${RECIPE.jar}:${artifact.groupId}:${artifact.artifactId}:${artifact.version}:${artifact.sha256}`);
  return {
    id,
    label: `${artifact.groupId}:${artifact.artifactId}:${artifact.version}`,
    upToDate() {
      // The size check is cheap; the full sha256 was verified when the file was written.
      return readStamp(id)?.key === key && existsSync(file) && statSync(file).size === artifact.size;
    },
    async install() {
      const url = mavenUrl(repo, artifact);
      mkdirSync(dirname(file), { recursive: true });
      let lastError;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await download(url, file, artifact);
          writeStamp(id, key, { coordinates: this.label, url, sha256: artifact.sha256 });
          return;
        } catch (err) {
          lastError = err;
          if (err instanceof SetupError) throw err; // a checksum mismatch will not fix itself
          log(`download attempt ${attempt} failed: ${err.message}${attempt < 3 ? '; retrying' : ''}`);
          await new Promise((r) => setTimeout(r, 2000 * attempt));
        }
      }
      throw new SetupError(`cannot download ${url}: ${lastError?.message}`, 'check network access to Maven Central (or set LAKEKIT_MAVEN_REPO to a mirror) and re-run `npm run peers`');
    },
  };
}

async function download(url, file, artifact) {
  const mb = (n) => `${(n / 1048576).toFixed(0)} MB`;
  log(`downloading ${url} (${mb(artifact.size)})`);
  const started = Date.now();
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  const part = `${file}.part`;
  const hash = createHash('sha256');
  const out = createWriteStream(part);
  let received = 0;
  let nextReport = 0.25;
  try {
    for await (const chunk of res.body) {
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      if (received / artifact.size >= nextReport && nextReport < 1) {
        log(`  ${artifact.artifactId}: ${Math.round(nextReport * 100)}%`);
        nextReport += 0.25;
      }
    }
  } finally {
    await new Promise((r, j) => out.end((err) => (err ? j(err) : r())));
  }
  const digest = hash.digest('hex');
  if (digest !== artifact.sha256 || received !== artifact.size) {
    rmSync(part, { force: true });
    throw new SetupError(
      `${url} has sha256 ${digest} (${received} bytes); versions.json pins ${artifact.sha256} (${artifact.size} bytes)`,
      'a mirror served a different file, or the pin is wrong; compare with the .sha1 published next to the jar',
    );
  }
  renameSync(part, file);
  log(`  ${artifact.artifactId}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function javaMajor() {
  const r = tryRun('java', ['-version']);
  if (!r.ok) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

function launcherComponent(versions, restJar) {
  const source = join(ROOT, versions.restLauncher.source);
  const outDir = join(CACHE, 'rest-launcher');
  const classFile = join(outDir, `${versions.restLauncher.mainClass}.class`);
  const sourceText = existsSync(source) ? readFileSync(source, 'utf8') : '';
  const key = sha256(`launcher:${RECIPE.launcher}:${versions.maven.artifacts.icebergRest.sha256}:${sourceText}`);
  return {
    id: 'rest-launcher',
    label: `Iceberg REST launcher (${versions.restLauncher.mainClass}, binds 127.0.0.1)`,
    upToDate() {
      return readStamp('rest-launcher')?.key === key && existsSync(classFile);
    },
    async install() {
      if (!sourceText) throw new SetupError(`missing ${rel(source)}`, 'restore it from git');
      const major = javaMajor();
      if (!major || major < versions.java.minimum) {
        throw new SetupError(`need Java ${versions.java.minimum}+ on PATH (found ${major ?? 'none'})`, `install a JDK ${versions.java.minimum} (e.g. apt-get install openjdk-17-jdk-headless)`);
      }
      if (!tryRun('javac', ['-version']).ok) {
        throw new SetupError('javac not found: a JDK (not just a JRE) is needed to compile the REST launcher', 'install a JDK 17, e.g. apt-get install openjdk-17-jdk-headless');
      }
      log(`compiling ${rel(source)}`);
      const tmp = `${outDir}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      try {
        await run('javac', ['-nowarn', '--release', String(versions.java.minimum), '-cp', restJar, '-d', tmp, source]);
      } catch (err) {
        throw new SetupError(`javac failed: ${err.message}`, 'the launcher must compile against the pinned iceberg-open-api jar; fix the source or the pin');
      }
      rmSync(outDir, { recursive: true, force: true });
      renameSync(tmp, outDir);
      writeStamp('rest-launcher', key, { source: rel(source), against: rel(restJar) });
    },
  };
}

// ── lock (two setups at once, e.g. `npm run peers` while vitest's global setup runs) ──

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function withLock(fn) {
  mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: exactly one process wins
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        owner = undefined; // the owner is between mkdir and writing its pid
      }
      if (owner && !pidAlive(owner)) {
        rmSync(LOCK, { recursive: true, force: true }); // stale: its owner died
        continue;
      }
      if (Date.now() > deadline) throw new SetupError(`waited 30 min for ${rel(LOCK)}`, `if no setup is running, delete ${rel(LOCK)}`);
      if (!announced) log(`another setup (pid ${owner ?? '?'}) is running; waiting for it`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

// ── main ─────────────────────────────────────────────────────────────────────

function components() {
  const versions = readVersions();
  const requirementsText = readFileSync(REQUIREMENTS_FILE, 'utf8');
  checkPinsAgree(versions, parseRequirements(requirementsText));
  const repo = process.env.LAKEKIT_MAVEN_REPO || versions.maven.repository;
  const { icebergRest, icebergSparkRuntime } = versions.maven.artifacts;
  return {
    versions,
    venv: venvComponent(versions, requirementsText),
    restJar: jarComponent('iceberg-rest-jar', icebergRest, repo),
    sparkJar: jarComponent('iceberg-spark-runtime-jar', icebergSparkRuntime, repo),
    launcher: launcherComponent(versions, jarPath(icebergRest)),
  };
}

/** Removes jars of earlier pins (and interrupted downloads) so .cache/jars does not grow with every bump. */
function pruneJars(versions) {
  const dir = join(CACHE, 'jars');
  if (!existsSync(dir)) return;
  const keep = new Set(Object.values(versions.maven.artifacts).map((a) => `${a.artifactId}-${a.version}.jar`));
  for (const name of readdirSync(dir)) {
    if (!keep.has(name)) {
      rmSync(join(dir, name), { force: true });
      log(`removed ${rel(join(dir, name))} (no longer pinned)`);
    }
  }
}

function summary(versions) {
  const p = versions.python.packages;
  const { icebergRest: r, icebergSparkRuntime: s } = versions.maven.artifacts;
  return `moto ${p.moto}, pyiceberg ${p.pyiceberg}, pyspark ${p.pyspark}, cfn-lint ${p['cfn-lint']}, ${r.artifactId} ${r.version}, ${s.artifactId} ${s.version}`;
}

async function main(argv) {
  const flags = new Set(argv);
  if (flags.has('--help') || flags.has('-h')) {
    process.stdout.write('usage: node test/interop/setup.mjs [--check] [--force]\n');
    return 0;
  }
  const unknown = [...flags].filter((f) => !['--check', '--force'].includes(f));
  if (unknown.length) throw new SetupError(`unknown option ${unknown.join(' ')}`, 'use --check, --force or no option');

  let c = components();
  const all = () => [c.venv, c.restJar, c.sparkJar, c.launcher];
  const stale = () => (flags.has('--force') ? all() : all().filter((x) => !x.upToDate()));

  if (!stale().length) {
    log(`ready in ${rel(CACHE)} (${summary(c.versions)})`);
    return 0;
  }
  if (flags.has('--check')) {
    log(`missing or stale: ${stale().map((x) => x.label).join('; ')} (run \`npm run peers\`)`);
    return 1;
  }

  const started = Date.now();
  await withLock(async () => {
    c = components(); // another process may have installed things while we waited
    const todo = new Set(stale());
    log(`installing into ${rel(CACHE)}: ${[...todo].map((x) => x.label).join('; ')}`);
    const step = async (x) => {
      if (!todo.has(x)) return;
      const t = Date.now();
      await x.install();
      log(`✓ ${x.label} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    };
    // pip (CPU-bound, ~1 min cold) and the jar downloads (network-bound) overlap well.
    const results = await Promise.allSettled([
      step(c.venv),
      (async () => {
        await Promise.all([step(c.restJar), step(c.sparkJar)]);
        await step(c.launcher);
      })(),
    ]);
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) throw failed[0].reason;
    pruneJars(c.versions);
  });
  log(`ready in ${rel(CACHE)} after ${((Date.now() - started) / 1000).toFixed(0)} s (${summary(c.versions)})`);
  return 0;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`peers: FAILED: ${err.message}\n`);
      process.stderr.write(`peers: to fix: ${err.fix ?? 'read the message above, then re-run `npm run peers`'}\n`);
      process.exit(1);
    },
  );
}
