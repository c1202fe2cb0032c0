/**
 * The `lakekit` command line. `runCli(argv)` parses arguments with commander,
 * runs one command and returns its exit code (0 ok, 1 checks failed, 2 usage,
 * configuration or runtime error); it never calls `process.exit`, so tests
 * and the notebook helpers can call it in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliContext, CliUsageError, describeFailure, ExitCode, type CliStreams, type GlobalOptions } from './context.js';
import { registerCatalogCommands } from './commands/catalog.js';
import { registerTableCommands } from './commands/table.js';
import { registerInitCommand } from './commands/init.js';
import { registerInfraCommands } from './commands/infra.js';
import { registerLineageCommands } from './commands/lineage.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerPromoteCommand } from './commands/promote.js';
import { registerCheckCommand } from './commands/check.js';
import { registerClassifyCommand } from './commands/classify.js';
import { registerProtectCommand } from './commands/protect.js';

/** A command's action: receives the context, returns an exit code. */
export type Action = (ctx: CliContext) => Promise<ExitCode | void>;

/** The pieces a command module needs to register itself. */
export interface Registrar {
  program: Command;
  /** Wrap an action so it receives the context and its result becomes the exit code. */
  action<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<ExitCode | void>): (...args: unknown[]) => Promise<void>;
}

const VERSION = '0.1.0';

/** Run the CLI on `argv` (without the node and script paths); resolves to the exit code. */
export async function runCli(argv: readonly string[], streams: CliStreams = defaultStreams()): Promise<number> {
  let exit: number = ExitCode.Ok;
  const program = new Command('lakekit')
    .description('lakekit — a governed data lake on AWS: zones, Iceberg tables, quality, PII protection, lineage and the platform as code.')
    .version(VERSION, '-V, --version')
    .option('--json', 'print one JSON document on stdout (for CI)')
    .option('-v, --verbose', 'print stack traces and details on failure')
    .option('-c, --config <file>', 'lakekit.config.yaml|json to use (default: the one in the current directory, else a local lake under ./lake)')
    .addOption(new Option('--no-color', 'never colour the output'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: (s, write) => write(`lakekit: ${s.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')}; see \`lakekit --help\`\n`),
    });

  const contextOf = (): CliContext => new CliContext(streams, program.opts<GlobalOptions>());
  const registrar: Registrar = {
    program,
    action:
      (fn) =>
      async (...args: unknown[]) => {
        // commander passes (...positionals, options, command); actions take the positionals and options.
        const ctx = contextOf();
        const code = await fn(ctx, ...(args.slice(0, -1) as never));
        exit = code ?? ExitCode.Ok;
      },
  };
  registerInitCommand(registrar);
  registerCatalogCommands(registrar);
  registerTableCommands(registrar);
  registerInfraCommands(registrar);
  registerLineageCommands(registrar);
  registerDemoCommand(registrar);
  registerIngestCommand(registrar);
  registerPromoteCommand(registrar);
  registerCheckCommand(registrar);
  registerClassifyCommand(registrar);
  registerProtectCommand(registrar);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true).configureOutput(program.configureOutput());

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; parse errors were already printed as one line.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Error;
    }
    streams.stderr.write(describeFailure(e, program.opts<GlobalOptions>().verbose === true));
    return ExitCode.Error;
  }
}

function defaultStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

export { CliUsageError };
