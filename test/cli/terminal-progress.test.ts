import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');
// util-linux's `script` gives the command a terminal, the only place progress is drawn.
const SCRIPT = '/usr/bin/script';

describe.skipIf(!existsSync(SCRIPT))('progress on a terminal', () => {
  it('stops a failed step’s progress clock, prints the error and exits, instead of redrawing forever', () => {
    const command = `'${process.execPath}' '${bin}' simulate --traces /nonexistent-hyperaudit-traces; echo "exit=$?"`;
    const r = spawnSync(SCRIPT, ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
    // Killed by the timeout, the run has no status: the clock kept the process alive.
    expect(r.signal).toBeNull();
    expect(r.stdout).toContain('cannot read trace folder /nonexistent-hyperaudit-traces: ENOENT');
    expect(r.stdout).toContain('exit=1');
  });

  it('draws the inventory step line on a terminal, with the counts it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-inventory-tty-'));
    try {
      const command = `'${process.execPath}' '${bin}' inventory --data-dir '${dir}'`;
      const r = spawnSync(SCRIPT, ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stdout).toMatch(/✔ inventory +\d+\.\ds +0 hosts, 0 VMs, 0 perimeters/);
      expect(r.stdout).toContain('0 host(s)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
