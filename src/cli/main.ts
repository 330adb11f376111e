import { Command, CommanderError, InvalidArgumentError, type Option } from 'commander';
import { COMMANDS } from './command-list';
import { EXIT, InputError, UsageError } from './exit-codes';
import { dropOutputOnceReaderLeaves } from './closed-stdout';
import { stopActiveProgress } from '../server/active-progress';
import { DEFAULT_DATA_DIR } from './default-data-dir';

/** A command file under src/cli/commands/ exports `register`, and has one line in `command-list.ts`. */
export interface CommandModule {
  register(program: Command, run: CommandRunner): void | Promise<void>;
}

/** Runs a command action and turns its result or error into an exit code. */
export type CommandRunner = (action: () => Promise<number | undefined> | Promise<void>) => Promise<void>;

const VERSION = '0.1.0';

/** The command the arguments name (`audit`, or `help audit`), if it is one of ours. */
function namedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const first = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some((c) => c.name === first) ? first : undefined;
}

const hintFor = (path: string) => `hint: hyperaudit ${path} --help lists the options`;

/** `--fail-on HIGH` means `high`: a choice matches whatever its case, since no two choices differ only by case. */
function caseInsensitiveChoices(option: Option): void {
  const choices = option.argChoices;
  if (choices === undefined) return;
  const parse = option.parseArg;
  option.argParser((raw: string, previous: unknown) => {
    const match = choices.find((c) => c.toLowerCase() === raw.toLowerCase());
    if (match === undefined) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return parse ? parse(match, previous) : match;
  });
}

/** Usage errors print the error and one hint line, not the whole help that would push the error off screen. */
function finishTree(cmd: Command, path: string): void {
  cmd.exitOverride().showHelpAfterError(hintFor(path));
  for (const option of cmd.options) caseInsensitiveChoices(option);
  for (const sub of cmd.commands) finishTree(sub, `${path} ${sub.name()}`);
}

/**
 * The program with every command listed, and the full definition (options, subcommands) of only the one
 * the arguments name: start-up imports one command's modules, not all of them.
 */
export async function buildProgram(run: CommandRunner, args: readonly string[] = []): Promise<Command> {
  const program = new Command('hyperaudit')
    .description('Security and compliance auditor for virtualization fleets')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('hint: hyperaudit --help lists the commands');
  const chosen = namedCommand(args);
  for (const entry of COMMANDS) {
    if (entry.name === chosen) await (await entry.load()).register(program, run);
    else program.command(entry.name).description(entry.summary);
  }
  for (const cmd of program.commands) finishTree(cmd, cmd.name());
  return program;
}

/** Commands that always open the store: it is started before their modules load (early-store.ts). */
const OPENS_STORE = new Set(['audit', 'simulate', 'report', 'inventory', 'plan', 'notify', 'events']);
const opensStore = (command: string | undefined) => command !== undefined && OPENS_STORE.has(command);

export async function main(argv: string[]): Promise<number> {
  dropOutputOnceReaderLeaves();
  let exitCode: number = EXIT.ok;
  const run: CommandRunner = async (action) => {
    const result = await action();
    exitCode = typeof result === 'number' ? result : EXIT.ok;
  };
  const args = argv.slice(2);
  // Loaded only for a command that opens the store: --version and rules stay as light as they were.
  const earlyStore = opensStore(namedCommand(args)) ? await import('./early-store') : undefined;
  if (earlyStore) earlyStore.startStoreEarly(args, DEFAULT_DATA_DIR);
  try {
    const program = await buildProgram(run, args);
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    return reportError(err, namedCommand(args));
  } finally {
    await earlyStore?.stopUntakenStore();
  }
}

function reportError(err: unknown, command: string | undefined): number {
  // A step that failed left its progress line drawing; cleared first, the error gets a line of its own.
  stopActiveProgress();
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0; commander has printed the error and its hint.
    if (err.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    const hint = command !== undefined ? hintFor(command) : 'hint: hyperaudit --help lists the commands';
    process.stderr.write(`hyperaudit: ${err.message}\n${hint}\n`);
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
