import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { levelPath } from '../store/local-server';
import { dataDirOf, usesLocalStore } from './early-store';

/**
 * `audit`, `simulate` and `report` on a large local store run with V8's garbage collector on the main thread only
 * (`--single-threaded-gc`). At 100,000 VMs these commands hold a heap of 200–600 MB that grows through the whole
 * read, and most of their collections are scavenges that keep nearly everything they visit: V8's helper threads then
 * cost more CPU (their start-up and hand-over on a box whose other core is busy with the store's process) than they
 * save. Measured on the unchanged audit of the 100,000-VM configured fleet: about 1.2 s less CPU of 14–16 s, the same
 * wall time (docs/audit-read-at-scale.md, seventh round).
 *
 * The flag must be given when the process starts: set later (`v8.setFlagsFromString`) it stops V8 with a failed
 * check as soon as a collection started with helper threads ends without them. So the bin starts the command again in
 * a Node process given the flag, and only when the store is large: a small store's command then pays no second start.
 */
export const SINGLE_THREADED_GC = '--single-threaded-gc';

/** Bytes of LevelDB files from which a store counts as large (the 1,000-VM fleet's store is 12 MB, the 10,000's 30–120). */
export const LARGE_STORE_BYTES = 64 * 1024 * 1024;

/** `HYPERAUDIT_SINGLE_THREADED_GC`: `0` never relaunches, `1` always does (for a heavy command); else by store size. */
const SETTING = 'HYPERAUDIT_SINGLE_THREADED_GC';

/** The relaunched command's end of a pipe to the process that relaunched it, and the variable naming it. */
const RELAUNCHER_FD = 3;
const RELAUNCHER_FD_SETTING = 'HYPERAUDIT_RELAUNCHER_FD';

/** Whether the files directly in `dir` add up to at least `limit` bytes (stops counting there; 0 when unreadable). */
export function holdsAtLeast(dir: string, limit: number): boolean {
  let total = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      total += statSync(join(dir, entry.name)).size;
      if (total >= limit) return true;
    }
  } catch {
    // A missing or unreadable folder: the command reports it; no reason to relaunch for it.
  }
  return false;
}

/**
 * Whether the command `args` name (one of the code-cached heavy commands: the caller checked) should run in a process
 * started with `--single-threaded-gc`: not when this process already was or is under a debugger (`--inspect…`), not
 * against a remote store, and by default only for a local store of at least `LARGE_STORE_BYTES`.
 */
export function wantsSingleThreadedGc(
  args: readonly string[],
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaultDataDir: string,
  isLarge: (levelDir: string) => boolean = (dir) => holdsAtLeast(dir, LARGE_STORE_BYTES),
): boolean {
  if (execArgv.includes(SINGLE_THREADED_GC)) return false;
  // A process being debugged stays the one the debugger is attached to (a second one could not bind its port).
  if (execArgv.some((flag) => /^--inspect(-brk|-wait)?(=|$)/.test(flag))) return false;
  const setting = env[SETTING];
  if (setting === '0') return false;
  if (!usesLocalStore(args)) return false;
  if (setting === '1') return true;
  return isLarge(levelPath(dataDirOf(args, defaultDataDir)));
}

/**
 * Runs `script` with `args` in a Node process started with this one's flags and `--single-threaded-gc`, its standard
 * streams this process's own; resolves to its exit code. Signals meant for this process (a supervisor's SIGTERM) are
 * passed on; when the command dies of a signal, this process ends by the same signal, so callers see what they would
 * have seen without the relaunch.
 */
export function runWithSingleThreadedGc(script: string, args: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, SINGLE_THREADED_GC, script, ...args], {
    // The fourth stream is only held open: the command sees this process end by its closing (`endWithRelauncher`).
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [RELAUNCHER_FD_SETTING]: String(RELAUNCHER_FD) },
  });
  const passOn: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = passOn.map((signal) => {
    // A terminal's Ctrl-C reaches both processes: the command dies of the first, so passing it on again is harmless.
    const handler = () => child.kill(signal);
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return new Promise((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      for (const off of handlers) off();
      child.stdio[RELAUNCHER_FD]?.destroy();
      if (signal !== null) {
        process.kill(process.pid, signal);
        return;
      }
      ok(code ?? 1);
    });
  });
}

/**
 * In a relaunched command: ends it as a SIGTERM would once the process that relaunched it is gone. A relauncher
 * killed by a signal it cannot pass on (SIGKILL, the kernel's OOM killer) would otherwise leave the command running,
 * unseen, holding the store's lock; the pipe's end closes however that process ends. Does nothing in a process not
 * relaunched, and the variable is removed so the command's own children (the store's process) never take it as theirs.
 */
export function endWithRelauncher(env: NodeJS.ProcessEnv = process.env): void {
  const fd = env[RELAUNCHER_FD_SETTING];
  if (fd === undefined) return;
  delete env[RELAUNCHER_FD_SETTING];
  if (fd !== String(RELAUNCHER_FD)) return;
  let pipe: Socket;
  try {
    pipe = new Socket({ fd: RELAUNCHER_FD, readable: true, writable: false });
  } catch {
    // Not a pipe after all (a variable set by hand): nothing to watch.
    return;
  }
  pipe.on('error', () => undefined);
  pipe.on('close', () => process.kill(process.pid, 'SIGTERM'));
  pipe.resume();
  // Watching must not keep the command running once its work is done.
  pipe.unref();
}
