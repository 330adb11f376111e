import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
// util-linux's `script` gives the command a terminal, the only place progress is drawn.
const SCRIPT = '/usr/bin/script';

describe.skipIf(!existsSync(SCRIPT))('a step that fails on a terminal', () => {
  it('stops its progress clock, prints the error and exits, instead of redrawing forever', () => {
    const command = `'${process.execPath}' '${bin}' simulate --traces /nonexistent-hyperaudit-traces; echo "exit=$?"`;
    const r = spawnSync(SCRIPT, ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    // Killed by the timeout, the run has no status: the clock kept the process alive.
    expect(r.signal).toBeNull();
    expect(r.stdout).toContain('cannot read trace folder /nonexistent-hyperaudit-traces: ENOENT');
    expect(r.stdout).toContain('exit=1');
  });
});
