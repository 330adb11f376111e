import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { levelPath, startLocalServer, type LocalServer } from '../store/local-server';

/**
 * The embedded store started before the command's modules load: its process boots, loads dynalite and opens
 * LevelDB on the other core while this one loads the command, the rules and the AWS SDK, instead of after
 * them (about 0.35 s of CPU on the 2-core box). The process is spawned within `startStoreEarly` itself (the data
 * folder's check is synchronous): a start that first awaited anything ran only once the command's modules had
 * loaded, which is when it used to spawn. main.ts calls it only for commands that always
 * open the store (audit, simulate, report, ...); it starts only on a data folder that already holds one (a usage
 * error must not create `.hyperaudit/`), and never with `--endpoint`, `--aws` or `--help`. `withStoreAfter` takes it when its options name the same folder; one nobody
 * took is stopped when the command ends.
 */
interface EarlyState {
  early?: { dataDir: string; server: Promise<LocalServer> };
}
/**
 * Kept on the process, not in this module: bin/hyperaudit.js starts the store through dist/cli/early-store.js before
 * it loads the CommonJS bundle of `audit`, `simulate` and `report` (src/cli/code-cache.ts), which carries its own
 * copy of this module; both copies must see the one store.
 */
const shared = globalThis as { [key: symbol]: EarlyState | undefined };
const STATE_KEY = Symbol.for('hyperaudit.early-store');
shared[STATE_KEY] ??= {};
const state: EarlyState = shared[STATE_KEY];

/** `--data-dir` as commander reads it (`--data-dir X` or `--data-dir=X`, the last one wins), else the default. */
export function dataDirOf(args: readonly string[], fallback: string): string {
  let dir = fallback;
  args.forEach((arg, i) => {
    if (arg === '--data-dir' && args[i + 1] !== undefined) dir = args[i + 1]!;
    else if (arg.startsWith('--data-dir=')) dir = arg.slice('--data-dir='.length);
  });
  return dir;
}

/** Whether the command `args` name will run against the local store: not with `--endpoint`, `--aws` or help asked. */
export function usesLocalStore(args: readonly string[]): boolean {
  return !args.some((a) => /^(--endpoint|--aws|--help|-h)(=|$)/.test(a) || a === 'help');
}

/** Starts the store for the command `args` name now, when it will surely need it (see above). */
export function startStoreEarly(args: readonly string[], defaultDataDir: string): void {
  if (!usesLocalStore(args)) return;
  const dataDir = dataDirOf(args, defaultDataDir);
  // Already started for this folder by the other copy of this module (see `state`).
  if (state.early?.dataDir === resolve(dataDir)) return;
  if (!existsSync(levelPath(dataDir))) return;
  const server = startLocalServer({ dataDir, mode: 'child' });
  // Its failure is the taker's to report (withStoreAfter awaits it); an untaken one is only stopped.
  server.catch(() => undefined);
  state.early = { dataDir: resolve(dataDir), server };
}

/** The early store when it serves `dataDir`; it is then the caller's to stop. */
export function takeEarlyStore(dataDir: string): Promise<LocalServer> | undefined {
  if (state.early === undefined || state.early.dataDir !== resolve(dataDir)) return undefined;
  const { server } = state.early;
  state.early = undefined;
  return server;
}

/** Stops an early store that no command took (a usage error, a command that did not need it after all). */
export async function stopUntakenStore(): Promise<void> {
  const untaken = state.early;
  state.early = undefined;
  const server = await untaken?.server.catch(() => undefined);
  await server?.stop();
}
