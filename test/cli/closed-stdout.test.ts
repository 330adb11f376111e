import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');

/** `hyperaudit ARGS | head -c 1` under pipefail: the status is the CLI's own unless head fails. */
function pipedIntoHead(...args: string[]) {
  const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
  return spawnSync('bash', ['-o', 'pipefail', '-c', `${command} | head -c 1 >/dev/null`], {
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('output into a reader that stops reading', () => {
  it('ends with the command’s own exit code and no EPIPE stack when the pipe closes early', () => {
    // `rules list --json` prints far more than a pipe buffers, so later writes meet the closed pipe.
    const r = pipedIntoHead('rules', 'list', '--json');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(r.status).toBe(0);
  });
});
