import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, InputError, UsageError } from './exit-codes';

/** A command file under src/cli/commands/ exports `register`; one file per command, found at start-up. */
export interface CommandModule {
  register(program: Command, run: CommandRunner): void | Promise<void>;
}

/** Runs a command action and turns its result or error into an exit code. */
export type CommandRunner = (action: () => Promise<number | undefined> | Promise<void>) => Promise<void>;

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

export async function buildProgram(run: CommandRunner): Promise<Command> {
  const program = new Command('hyperaudit')
    .description('Security and compliance auditor for virtualization fleets')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const files = readdirSync(commandsDir)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(commandsDir, file)).href)) as CommandModule;
    await mod.register(program, run);
  }
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const run: CommandRunner = async (action) => {
    const result = await action();
    exitCode = typeof result === 'number' ? result : EXIT.ok;
  };
  try {
    const program = await buildProgram(run);
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0.
    if (err.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`hyperaudit: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof InputError) {
    process.stderr.write(`hyperaudit: ${err.message}\n`);
    return EXIT.rejected;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hyperaudit: ${message}\n`);
  if (process.env.HYPERAUDIT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return EXIT.internal;
}
