import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  endWithRelauncher,
  holdsAtLeast,
  LARGE_STORE_BYTES,
  runWithSingleThreadedGc,
  SINGLE_THREADED_GC,
  wantsSingleThreadedGc,
} from '../../src/cli/gc-relaunch';
import { levelPath } from '../../src/store/local-server';

const work = mkdtempSync(join(tmpdir(), 'hyperaudit-gc-relaunch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A data folder whose store's LevelDB files add up to `bytes` (sparse files: nothing is written). */
function dataDirOfSize(name: string, bytes: number): string {
  const dir = join(work, name);
  mkdirSync(levelPath(dir), { recursive: true });
  writeFileSync(join(levelPath(dir), '000005.ldb'), '');
  truncateSync(join(levelPath(dir), '000005.ldb'), bytes - 1);
  writeFileSync(join(levelPath(dir), 'CURRENT'), 'M');
  return dir;
}

describe('the heavy commands relaunched with a single-threaded garbage collector', () => {
  const large = dataDirOfSize('large', LARGE_STORE_BYTES);
  const small = dataDirOfSize('small', LARGE_STORE_BYTES - 1);

  it('relaunch on a local store of at least the limit, not on a smaller one (whose start must stay as it was)', () => {
    expect(wantsSingleThreadedGc(['audit', '--data-dir', large], [], {}, '.hyperaudit/')).toBe(true);
    expect(wantsSingleThreadedGc([`--data-dir=${large}`, 'simulate'], [], {}, '.hyperaudit/')).toBe(true);
    expect(wantsSingleThreadedGc(['audit', '--data-dir', small], [], {}, '.hyperaudit/')).toBe(false);
    // The default data folder when none is named.
    expect(wantsSingleThreadedGc(['report'], [], {}, large)).toBe(true);
    expect(wantsSingleThreadedGc(['report'], [], {}, join(work, 'absent'))).toBe(false);
  });

  it('never relaunch a process already given the flag, a remote store, or a request for help', () => {
    expect(wantsSingleThreadedGc(['audit', '--data-dir', large], [SINGLE_THREADED_GC], {}, '.hyperaudit/')).toBe(false);
    for (const extra of [['--endpoint', 'http://127.0.0.1:1'], ['--aws'], ['--help'], ['-h']])
      expect(wantsSingleThreadedGc(['audit', '--data-dir', large, ...extra], [], {}, '.hyperaudit/')).toBe(false);
  });

  it('never relaunch a process under a debugger: the second process could not take its inspector port', () => {
    for (const flag of ['--inspect', '--inspect=9230', '--inspect-brk', '--inspect-brk=0', '--inspect-wait'])
      expect(wantsSingleThreadedGc(['audit', '--data-dir', large], [flag], {}, '.hyperaudit/')).toBe(false);
    expect(wantsSingleThreadedGc(['audit', '--data-dir', large], ['--inspect-port=9230'], {}, '.hyperaudit/')).toBe(
      true,
    );
  });

  it('follow HYPERAUDIT_SINGLE_THREADED_GC: 0 never relaunches, 1 relaunches whatever the store size', () => {
    const off = { HYPERAUDIT_SINGLE_THREADED_GC: '0' };
    const on = { HYPERAUDIT_SINGLE_THREADED_GC: '1' };
    expect(wantsSingleThreadedGc(['audit', '--data-dir', large], [], off, '.hyperaudit/')).toBe(false);
    expect(wantsSingleThreadedGc(['audit', '--data-dir', small], [], on, '.hyperaudit/')).toBe(true);
    expect(wantsSingleThreadedGc(['audit', '--data-dir', small], [SINGLE_THREADED_GC], on, '.hyperaudit/')).toBe(false);
    expect(wantsSingleThreadedGc(['audit', '--aws'], [], on, '.hyperaudit/')).toBe(false);
  });

  it('count the store folder’s files up to the limit, and an unreadable folder as empty', () => {
    expect(holdsAtLeast(levelPath(large), LARGE_STORE_BYTES)).toBe(true);
    expect(holdsAtLeast(levelPath(small), LARGE_STORE_BYTES)).toBe(false);
    expect(holdsAtLeast(join(work, 'absent'), 1)).toBe(false);
  });

  it("run the command in a process given the flag and this one's own, with its arguments, and return its exit code", async () => {
    const script = join(work, 'command.cjs');
    const seen = join(work, 'seen.json');
    writeFileSync(
      script,
      `require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2) }));
process.exitCode = 3;`,
    );
    const code = await runWithSingleThreadedGc(script, ['audit', '--data-dir', 'x y']);
    expect(code).toBe(3);
    const { execArgv, args } = JSON.parse(readFileSync(seen, 'utf8')) as { execArgv: string[]; args: string[] };
    expect(execArgv).toEqual([...process.execArgv, SINGLE_THREADED_GC]);
    expect(args).toEqual(['audit', '--data-dir', 'x y']);
  });

  it('end the command when the process that relaunched it is killed outright (SIGKILL passes nothing on)', async () => {
    const relaunch = resolve(__dirname, '../../src/cli/gc-relaunch.ts');
    const pidFile = join(work, 'command.pid');
    const ended = join(work, 'command.ended');
    const command = join(work, 'long-command.mts');
    // The command as bin/hyperaudit.js runs a relaunched one: it watches its relauncher, then works on and on.
    writeFileSync(
      command,
      `import { writeFileSync } from 'node:fs';
import { endWithRelauncher } from ${JSON.stringify(relaunch)};
endWithRelauncher();
process.on('SIGTERM', () => { writeFileSync(${JSON.stringify(ended)}, 'SIGTERM'); process.exit(143); });
writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
setInterval(() => undefined, 1000);`,
    );
    const relauncher = join(work, 'relauncher.mts');
    writeFileSync(
      relauncher,
      `import { runWithSingleThreadedGc } from ${JSON.stringify(relaunch)};
process.exitCode = await runWithSingleThreadedGc(${JSON.stringify(command)}, []);`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', relauncher], { stdio: 'ignore' });
    await until(() => existsSync(pidFile));
    parent.kill('SIGKILL');
    await until(() => existsSync(ended));
    expect(readFileSync(ended, 'utf8')).toBe('SIGTERM');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await until(() => !isRunning(pid));
  }, 120_000);

  it('leave a command that was not relaunched alone, and keep the pipe from its own children', () => {
    const env: NodeJS.ProcessEnv = { OTHER: 'kept' };
    endWithRelauncher(env);
    expect(env).toEqual({ OTHER: 'kept' });
    const named: NodeJS.ProcessEnv = { HYPERAUDIT_RELAUNCHER_FD: '7' };
    endWithRelauncher(named);
    expect(named).toEqual({});
  });
});

/** Resolves once `done` holds, polling; the test's own timeout bounds the wait. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((ok) => setTimeout(ok, 50));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
