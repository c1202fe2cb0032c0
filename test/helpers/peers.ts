/**
 * Test helpers that start and drive lakekit's real test peers (ARCHITECTURE.md, "Real peers
 * in tests"): moto's server mode, the Apache Iceberg REST catalog reference server, and the
 * Python venv with pyiceberg / PySpark / cfn-lint. Everything comes from `.cache/`, which
 * `npm run peers` (test/interop/setup.mjs) fills at the versions pinned in
 * test/interop/versions.json; vitest's global setup runs that script when something is missing.
 *
 * Rules these helpers keep:
 * - A peer that cannot start throws an Error naming the peer, the command and the tail of its
 *   output. Tests fail loudly; nothing here ever skips.
 * - Servers listen on 127.0.0.1 only.
 * - Every process started has a `stop()` (or ends before the helper returns). Each runs in its
 *   own process group, so stopping also ends its children (Spark's JVM under python). As safety
 *   nets, all live groups are killed when this process exits, and each server watches its stdin:
 *   if this process dies without cleaning up (even by SIGKILL), the pipe closes and the server
 *   terminates itself.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = join(ROOT, '.cache');
const SETUP_HINT = 'run `npm run peers` (node test/interop/setup.mjs) to install the test peers into .cache/';

/** A Maven artifact pinned in test/interop/versions.json. */
export interface PinnedArtifact {
  groupId: string;
  artifactId: string;
  version: string;
  sha256: string;
  size: number;
}

/** The shape of test/interop/versions.json (the one place test peer versions are pinned). */
export interface PeerVersions {
  python: { interpreters: string[]; packages: Record<string, string> };
  maven: { repository: string; artifacts: { icebergRest: PinnedArtifact; icebergSparkRuntime: PinnedArtifact } };
  java: { minimum: number };
  restLauncher: { source: string; mainClass: string };
}

/** Pinned peer versions, read from test/interop/versions.json (also read by setup.mjs). */
export const peerVersions: PeerVersions = JSON.parse(readFileSync(join(ROOT, 'test/interop/versions.json'), 'utf8')) as PeerVersions;

// ── paths ────────────────────────────────────────────────────────────────────

function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}; ${SETUP_HINT}`);
  return path;
}

function jarFile(a: PinnedArtifact): string {
  return join(CACHE, 'jars', `${a.artifactId}-${a.version}.jar`);
}

/** Path of the venv's Python interpreter (`.cache/venv/bin/python`); throws if it is not installed. */
export function pythonPath(): string {
  return requireFile(join(CACHE, 'venv', 'bin', 'python'), 'the test-peer Python venv');
}

/** Path of an executable in the venv, e.g. `venvBin('cfn-lint')`; throws if it is not installed. */
export function venvBin(name: string): string {
  return requireFile(join(CACHE, 'venv', 'bin', name), `${name} (test-peer venv)`);
}

/** Path of the cached Iceberg Spark runtime jar (for `spark.jars`); throws if it is not installed. */
export function sparkJar(): string {
  return requireFile(jarFile(peerVersions.maven.artifacts.icebergSparkRuntime), 'the Iceberg Spark runtime jar');
}

/** Path of the cached Iceberg REST catalog server jar (iceberg-open-api); throws if it is not installed. */
export function icebergRestJar(): string {
  return requireFile(jarFile(peerVersions.maven.artifacts.icebergRest), 'the Iceberg REST catalog server jar');
}

// ── process management ───────────────────────────────────────────────────────

/** How long `stop()` waits for a graceful exit (SIGTERM) before it sends SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Lines of output kept per process for error messages: the first ones (where a JVM names its
 * exception) and the last ones (where a server says what it did last). */
const HEAD_LINES = 20;
const TAIL_LINES = 60;

/**
 * The real command is exec'd by sh, so the child we spawn IS the peer (its exit is ours to see).
 * Before that, sh forks a watchdog that blocks reading our stdin pipe: it only returns when this
 * process is gone, and then it terminates the peer's process group (its pid is the group id).
 * The peer itself gets /dev/null as stdin; the watchdog holds none of the output pipes.
 */
const WATCHDOG = 'exec 3<&0; { cat <&3; kill -TERM -$$; } >/dev/null 2>&1 & exec "$@" 3<&- </dev/null';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** Resolves when stdout and stderr are fully read (after exit, buffered output may still be in the pipes). */
  readonly closed: Promise<void>;
  exit: Exit | undefined;
  private readonly outLines: string[] = [];
  private readonly errLines: string[] = [];
  private readonly errHead: string[] = [];
  private errCount = 0;
  private readonly stdoutChunks: string[] = [];
  private readonly stderrChunks: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    readonly command: string,
    readonly args: readonly string[],
    options: { env: NodeJS.ProcessEnv; cwd?: string; keepOutput?: boolean },
  ) {
    // detached: own process group, so a group kill reaches grandchildren too.
    this.child = spawn('/bin/sh', ['-c', WATCHDOG, name, command, ...args], {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this);
    installExitHook();
    this.exited = new Promise<Exit>((resolvePromise) => {
      this.child.once('error', (err) => {
        this.errLines.push(`spawn error: ${err.message}`);
        this.exit ??= { code: null, signal: null };
        resolvePromise(this.exit);
      });
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolvePromise(this.exit);
      });
    });
    this.closed = new Promise<void>((r) => this.child.once('close', () => r()));
    const collect = (lines: string[], chunks: string[] | undefined, isStdout: boolean, head?: string[]) => {
      let partial = '';
      return (text: string) => {
        chunks?.push(text);
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          if (head) {
            this.errCount++;
            if (head.length < HEAD_LINES) head.push(line);
          }
          lines.push(line);
          if (lines.length > TAIL_LINES) lines.shift();
          if (isStdout) for (const l of this.lineListeners) l(line);
        }
      };
    };
    const keep = options.keepOutput === true;
    // Decode as streams, so a UTF-8 character split across chunks survives.
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', collect(this.outLines, keep ? this.stdoutChunks : undefined, true));
    this.child.stderr!.on('data', collect(this.errLines, keep ? this.stderrChunks : undefined, false, this.errHead));
    // The watchdog reads stdin; an EPIPE after the peer is gone is expected, not an error.
    this.child.stdin!.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): string {
    return this.stdoutChunks.join('');
  }

  get stderr(): string {
    return this.stderrChunks.join('');
  }

  onStdoutLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** A readable account of the process and its last output, for error messages. */
  describe(): string {
    const status = this.exit ? `exited with ${this.exit.signal ?? `code ${this.exit.code}`}` : 'still running';
    // Head and tail of stderr, without repeating lines where they overlap.
    const skipped = this.errCount - this.errHead.length - this.errLines.length;
    const err = [...this.errHead, ...(skipped > 0 ? [`... (${skipped} lines) ...`] : []), ...this.errLines.slice(Math.max(0, -skipped))].join('\n');
    const out = this.outLines.slice(-10).join('\n') || '(empty)';
    return `${this.name} (${this.command} ${this.args.join(' ')}) ${status}\n--- stderr ---\n${err || '(empty)'}\n--- stdout (tail) ---\n${out}`;
  }

  private signalGroup(signal: NodeJS.Signals | 0): boolean {
    if (this.pid === undefined) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false; // ESRCH: the whole group is gone
    }
  }

  /** Stops the process group: SIGTERM, then SIGKILL after a grace period; resolves once it exited. */
  async stop(): Promise<void> {
    if (this.signalGroup('SIGTERM')) {
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
      // Grandchildren (the watchdog, Spark's JVM) got the same SIGTERM; give them a moment,
      // then make sure nothing of the group outlives stop().
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline && this.signalGroup(0)) await sleep(50);
      this.signalGroup('SIGKILL');
    }
    await this.exited;
    // Bounded: a grandchild that escaped the group could hold the pipes open forever.
    await Promise.race([this.closed, sleep(2_000)]);
    this.child.stdin?.destroy();
    live.delete(this);
  }
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Safety net: a test that forgot stop(), or a crash between start and stop, must not leave
  // servers behind. 'exit' handlers must be synchronous, so this is SIGKILL, not a graceful stop.
  process.once('exit', () => {
    for (const p of live) {
      if (p.pid === undefined) continue;
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Environment for child processes: ours, minus variables that would reconfigure the peers. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The REST server turns every CATALOG_* variable into a catalog property; never inherit them.
    if (!k.startsWith('CATALOG_')) env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Polls `probe` until it resolves true; throws with the process' output if it exits or times out. */
async function waitUntil(proc: ManagedProcess, what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit) throw new Error(`${proc.name} exited before ${what}.\n${proc.describe()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${proc.name} did not become ready (${what}) within ${timeoutMs / 1000} s.\n${proc.describe()}`);
    await sleep(100);
  }
}

async function httpOk(url: string, accept: (status: number) => boolean = (s) => s === 200): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.body?.cancel();
  return accept(res.status);
}

/** Starts a managed process and runs `ready`; on failure stops it and rethrows. */
async function startServer(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (proc: ManagedProcess) => Promise<void>,
): Promise<ManagedProcess> {
  const proc = new ManagedProcess(name, command, args, { env });
  try {
    await ready(proc);
    return proc;
  } catch (err) {
    await proc.stop();
    throw err;
  }
}

// ── public helpers ───────────────────────────────────────────────────────────

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePromise(address.port);
        else reject(new Error('could not read the bound port'));
      });
    });
  });
}

/** A running moto server (AWS service mock: S3, Glue, Lake Formation, KMS, ...). */
export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`; use it as the AWS SDK `endpoint` (S3 with `forcePathStyle: true`). */
  endpoint: string;
  port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` from the venv on a free 127.0.0.1 port and waits until it answers.
 * Any access key / secret works against it; state lives in memory and dies with the server.
 */
export async function startMoto(): Promise<MotoServer> {
  const bin = venvBin('moto_server');
  let lastError: unknown;
  // freePort() releases the port before moto binds it; another process can take it in between,
  // so a bind failure is retried on a fresh port.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      const proc = await startServer('moto_server', bin, ['-H', '127.0.0.1', '-p', String(port)], childEnv({ PYTHONUNBUFFERED: '1' }), (p) =>
        waitUntil(p, `answering ${endpoint}/moto-api/`, 60_000, () => httpOk(`${endpoint}/moto-api/`)),
      );
      return { endpoint, port, stop: () => proc.stop() };
    } catch (err) {
      lastError = err;
      if (!/Address already in use|EADDRINUSE/i.test(String(err))) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Options for {@link startIcebergRest}. */
export interface IcebergRestOptions {
  /** Local warehouse directory (created if missing, kept on stop). Default: a fresh temp dir, removed on stop. */
  warehouse?: string;
  /**
   * Extra catalog properties for the server's backend catalog, e.g. `{ 'io-impl': 'org.apache.iceberg.aws.s3.S3FileIO',
   * 's3.endpoint': moto.endpoint }`. Passed as upstream's CATALOG_* variables, so keys may not contain `_`.
   */
  properties?: Record<string, string>;
}

/** A running Apache Iceberg REST catalog reference server. */
export interface IcebergRestServer {
  /** Base URI for REST clients, e.g. `http://127.0.0.1:40123` (clients append `/v1/...`). */
  uri: string;
  port: number;
  /** Local path of the warehouse directory. */
  warehouse: string;
  /**
   * The warehouse as given to the server: `file:///...` for the local directory (the server then
   * reports metadata locations as `file:/...`), or `properties.warehouse` when that was set.
   */
  warehouseUri: string;
  /** Stops the server, waits for it to exit and removes the warehouse if this helper created it. */
  stop(): Promise<void>;
}

/** Catalog property name → upstream's env var spelling (`.` → `_`, `-` → `__`, upper case). */
function catalogEnvName(property: string): string {
  if (property.includes('_')) throw new Error(`catalog property "${property}" contains "_", which the REST server's CATALOG_* env mapping cannot express`);
  return `CATALOG_${property.replaceAll('-', '__').replaceAll('.', '_').toUpperCase()}`;
}

/**
 * Starts the Iceberg REST catalog reference server (org.apache.iceberg:iceberg-open-api) on
 * 127.0.0.1 with a fresh warehouse, and waits until `GET /v1/config` answers 200.
 *
 * Backend: upstream's default, a JdbcCatalog on an in-memory sqlite database (state dies with
 * the server), with a one-connection pool so every request sees the same in-memory database.
 * Data and metadata files go to the local warehouse via HadoopFileIO. The server is launched
 * through .cache/rest-launcher (see test/interop/rest-server/), because upstream's main()
 * listens on all interfaces; the launcher binds 127.0.0.1 on an ephemeral port and reports it.
 */
export async function startIcebergRest(opts: IcebergRestOptions = {}): Promise<IcebergRestServer> {
  const jar = icebergRestJar();
  const launcherDir = join(CACHE, 'rest-launcher');
  requireFile(join(launcherDir, `${peerVersions.restLauncher.mainClass}.class`), 'the compiled REST server launcher');

  const ownsWarehouse = opts.warehouse === undefined;
  const warehouse = opts.warehouse !== undefined ? resolve(opts.warehouse) : await mkdtemp(join(tmpdir(), 'lakekit-iceberg-rest-'));
  await mkdir(warehouse, { recursive: true });
  const warehouseUri = pathToFileURL(warehouse).href;

  const env = childEnv({
    CATALOG_WAREHOUSE: warehouseUri,
    CATALOG_REST_PORT: '0', // the launcher binds an ephemeral port and prints it: no port race
    CATALOG_CLIENTS: '1', // an in-memory sqlite database exists per connection: keep exactly one
  });
  for (const [k, v] of Object.entries(opts.properties ?? {})) env[catalogEnvName(k)] = v;
  const effectiveWarehouse = opts.properties?.warehouse ?? warehouseUri;

  const args = [
    '-Xmx512m',
    '-XX:+UseSerialGC', // fewer GC threads on a 2-core machine; the heap is small anyway
    '-Dlakekit.rest.host=127.0.0.1',
    '-cp',
    [jar, launcherDir].join(delimiter),
    peerVersions.restLauncher.mainClass,
  ];
  let port = 0;
  try {
    const proc = await startServer('iceberg-rest', 'java', args, env, async (p) => {
      const stopListening = p.onStdoutLine((line) => {
        const m = /^LAKEKIT_REST_LISTENING \S+ (\d+)$/.exec(line.trim());
        if (m) port = Number(m[1]);
      });
      try {
        await waitUntil(p, 'reporting its port', 120_000, () => Promise.resolve(port > 0));
      } finally {
        stopListening();
      }
      await waitUntil(p, `answering GET http://127.0.0.1:${port}/v1/config`, 60_000, () => httpOk(`http://127.0.0.1:${port}/v1/config`));
    });
    const uri = `http://127.0.0.1:${port}`;
    return {
      uri,
      port,
      warehouse,
      warehouseUri: effectiveWarehouse,
      stop: async () => {
        await proc.stop();
        if (ownsWarehouse) await rm(warehouse, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (ownsWarehouse) await rm(warehouse, { recursive: true, force: true });
    throw err;
  }
}

/** Result of {@link runPython} / {@link runCommand}. */
export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; null if the process was killed by a signal. */
  code: number | null;
}

/** Options for {@link runCommand} and {@link runPython}. */
export interface RunOptions {
  /** Kill the process group and throw after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** Working directory. Default: a fresh temp dir (Spark and friends drop files into the cwd). */
  cwd?: string;
}

/**
 * Runs a command to completion in its own process group and returns its output and exit code.
 * A non-zero exit is returned, not thrown (the test asserts on it); failing to start or timing
 * out throws, with the output tail.
 */
export async function runCommand(command: string, args: string[] = [], env: Record<string, string | undefined> = {}, options: RunOptions = {}): Promise<RunResult> {
  const scratch = options.cwd === undefined ? await mkdtemp(join(tmpdir(), 'lakekit-run-')) : undefined;
  const proc = new ManagedProcess(command.split('/').pop() ?? command, command, args, { env: childEnv(env), cwd: options.cwd ?? scratch, keepOutput: true });
  const timeoutMs = options.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([proc.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    if (outcome === 'timeout') {
      await proc.stop();
      throw new Error(`${command} did not finish within ${timeoutMs / 1000} s and was killed.\n${proc.describe()}`);
    }
    if (outcome.code === null && outcome.signal === null) throw new Error(`cannot run ${command}.\n${proc.describe()}`);
    // The main process is done; anything it left in its group (e.g. a JVM) goes too.
    await proc.stop();
    return { stdout: proc.stdout, stderr: proc.stderr, code: outcome.code };
  } finally {
    clearTimeout(timer);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Runs Python code with the venv interpreter (pyiceberg, pyarrow, pyspark, moto, boto3 available).
 * `script` is Python source; it is written to a temp file, so tracebacks carry line numbers and
 * `sys.argv[1:]` is `args`. The environment adds PySpark settings that keep Spark on loopback and
 * on the venv's Python; `env` entries override (undefined removes a variable).
 */
export async function runPython(script: string, args: string[] = [], env: Record<string, string | undefined> = {}, options: RunOptions = {}): Promise<RunResult> {
  const python = pythonPath();
  const dir = await mkdtemp(join(tmpdir(), 'lakekit-py-'));
  try {
    const file = join(dir, 'script.py');
    await writeFile(file, script);
    return await runCommand(
      python,
      [file, ...args],
      {
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        PYSPARK_PYTHON: python,
        PYSPARK_DRIVER_PYTHON: python,
        SPARK_LOCAL_IP: '127.0.0.1', // Spark's driver and block manager listen on loopback only
        ...env,
      },
      { cwd: dir, ...options },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Options for {@link sparkSessionPython}. */
export interface SparkSessionOptions {
  /** Iceberg catalogs by name, each a map of `spark.sql.catalog.<name>.*` properties, e.g. `{ local: { type: 'hadoop', warehouse: '/tmp/wh' } }`. */
  catalogs: Record<string, Record<string, string>>;
  /** Extra Spark config entries. */
  conf?: Record<string, string>;
}

/**
 * Python source that builds a local SparkSession named `spark` with the cached Iceberg runtime
 * jar (no download at run time), Iceberg's SQL extensions and the given catalogs. Prepend it to a
 * script passed to {@link runPython}.
 */
export function sparkSessionPython(opts: SparkSessionOptions): string {
  const conf: Record<string, string> = {
    'spark.jars': sparkJar(),
    'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.driver.memory': '1g',
    'spark.ui.enabled': 'false',
    'spark.sql.shuffle.partitions': '2',
    'spark.sql.session.timeZone': 'UTC',
  };
  for (const [name, props] of Object.entries(opts.catalogs)) {
    conf[`spark.sql.catalog.${name}`] = 'org.apache.iceberg.spark.SparkCatalog';
    for (const [k, v] of Object.entries(props)) conf[`spark.sql.catalog.${name}.${k}`] = v;
  }
  Object.assign(conf, opts.conf);
  // JSON string literals are valid Python string literals.
  const lines = Object.entries(conf).map(([k, v]) => `    .config(${JSON.stringify(k)}, ${JSON.stringify(v)})`);
  return [
    'from pyspark.sql import SparkSession',
    'spark = (',
    '    SparkSession.builder.master("local[2]").appName("lakekit-interop")',
    ...lines,
    '    .getOrCreate()',
    ')',
    'spark.sparkContext.setLogLevel("ERROR")',
    '',
  ].join('\n');
}

/**
 * The JSON value a Python peer script printed as its last stdout line. Throws
 * with the script's output tail when there is none (the script failed).
 */
export function lastJson<T>(result: RunResult): T {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`expected a JSON line on stdout (exit ${result.code}).\nstdout (tail):\n${result.stdout.slice(-3000)}\nstderr (tail):\n${result.stderr.slice(-4000)}`);
  }
}
